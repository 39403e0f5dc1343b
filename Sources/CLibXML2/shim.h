// Shim for the system library libxml-2.0 (Debian package libxml2-dev).
//
// Debian builds libxml2 with ICU, so <libxml/encoding.h> would include the system's
// <unicode/ucnv.h>. Its ICU types (UErrorCode, ...) clash with the ICU copy inside
// swift-foundation (module _FoundationICU) in any Swift module that sees both:
// "'UErrorCode' has different definitions in different modules". RewindXML never touches
// libxml2's ICU converter fields (they sit at the end of xmlCharEncodingHandler, which is only
// ever used through a pointer), so the ICU part of the headers is switched off here.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlsave.h>
#include <libxml/relaxng.h>
