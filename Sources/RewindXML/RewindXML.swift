// RewindXML: a small, memory-safe wrapper around libxml2.
//
// - `XMLDocument` owns a libxml2 document (`xmlDocPtr`) and frees it in `deinit`.
// - `XMLElement` is a reference to one element node; it keeps its document alive.
// - Text and attribute values always go through libxml2's tree API, so libxml2 escapes them
//   when it serialises the document. No XML is ever built by string concatenation.
// - Parsing never touches the network and never substitutes entities or loads a DTD.
// - libxml2 types never appear in the public API.
