internal import CLibXML2

/// A RELAX NG schema (libvirt ships its formats as `.rng` files, e.g.
/// `/usr/share/libvirt/schemas/domainbackup.rng`), compiled by libxml2 and freed in `deinit`.
///
/// ```swift
/// let schema = try XMLSchema(relaxNGFile: "/usr/share/libvirt/schemas/domainbackup.rng")
/// let problems = schema.validate(try XMLDocument(parsing: "<domainbackup mode='push'/>"))   // [] when valid
/// ```
///
/// The corresponding C functions are `xmlRelaxNGParse` and `xmlRelaxNGValidateDoc`. Included schema
/// files (`<include href=…>`) are read relative to the schema's own path.
public final class XMLSchema {
    private let schema: xmlRelaxNGPtr
    /// The schema file.
    public let path: String

    /// Reads and compiles a RELAX NG schema file.
    ///
    /// - Throws: `XMLError` of kind `.validation` with libxml2's first message when the file is missing or
    ///   not a valid schema.
    public init(relaxNGFile path: String) throws(XMLError) {
        LibXML2.initialize()
        self.path = path
        guard let ctxt = xmlRelaxNGNewParserCtxt(path) else {
            throw XMLError(kind: .validation, message: "cannot read the schema \(path)")
        }
        defer { xmlRelaxNGFreeParserCtxt(ctxt) }
        let collector = ErrorCollector()
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }
        xmlRelaxNGSetParserStructuredErrors(ctxt, { userData, error in
            guard let userData, let error else { return }
            Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
                .errors.append(makeError(error.pointee, kind: .validation))
        }, context.toOpaque())
        guard let schema = xmlRelaxNGParse(ctxt) else {
            throw collector.errors.first ?? XMLError(kind: .validation, message: "\(path) is not a RELAX NG schema")
        }
        self.schema = schema
    }

    deinit { xmlRelaxNGFree(schema) }

    /// The ways `document` breaks the schema, in libxml2's order (each with its line when the document was
    /// parsed from text); empty when it is valid.
    public func validate(_ document: XMLDocument) -> [XMLError] {
        guard let ctxt = xmlRelaxNGNewValidCtxt(schema) else {
            return [XMLError(kind: .validation, message: "cannot create a validation context for \(path)")]
        }
        defer { xmlRelaxNGFreeValidCtxt(ctxt) }
        let collector = ErrorCollector()
        let context = Unmanaged.passRetained(collector)
        defer { context.release() }
        xmlRelaxNGSetValidStructuredErrors(ctxt, { userData, error in
            guard let userData, let error else { return }
            Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
                .errors.append(makeError(error.pointee, kind: .validation))
        }, context.toOpaque())
        let rc = xmlRelaxNGValidateDoc(ctxt, document.doc)
        if rc == 0 { return [] }
        return collector.errors.isEmpty
            ? [XMLError(kind: .validation, message: "the document does not match \(path) (libxml2 status \(rc))")]
            : collector.errors
    }
}
