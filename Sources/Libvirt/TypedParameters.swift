internal import CLibvirt
import Glibc

/// The value of one libvirt typed parameter (`virTypedParameter`), tagged with its C type.
///
/// libvirt returns statistics and tunables as arrays of named, typed values: job statistics
/// (`virDomainGetJobStats`), the `JOB_COMPLETED` event, block copy tunables (`virDomainBlockCopy`).
/// Each case matches one `virTypedParameterType` enumerator.
///
/// ```swift
/// let stats = try dom.jobStats(flags: .completed)
/// if case .ulong(let bytes)? = stats.raw["disk_processed"] { print(bytes) }
/// print(stats.raw["disk_total"]?.uint64Value ?? 0)
/// ```
public enum TypedValue: Sendable, Hashable {
    /// `VIR_TYPED_PARAM_INT`: a C `int`.
    case int(Int32)
    /// `VIR_TYPED_PARAM_UINT`: a C `unsigned int`.
    case uint(UInt32)
    /// `VIR_TYPED_PARAM_LLONG`: a C `long long`.
    case long(Int64)
    /// `VIR_TYPED_PARAM_ULLONG`: a C `unsigned long long`.
    case ulong(UInt64)
    /// `VIR_TYPED_PARAM_DOUBLE`: a C `double`.
    case double(Double)
    /// `VIR_TYPED_PARAM_BOOLEAN`: a C `char` holding 0 or 1.
    case bool(Bool)
    /// `VIR_TYPED_PARAM_STRING`: a C string.
    case string(String)

    /// The value as an unsigned 64-bit integer, if it is an integer of any width that is not negative.
    public var uint64Value: UInt64? {
        switch self {
        case .int(let v): v >= 0 ? UInt64(v) : nil
        case .uint(let v): UInt64(v)
        case .long(let v): v >= 0 ? UInt64(v) : nil
        case .ulong(let v): v
        case .double, .bool, .string: nil
        }
    }

    /// The value as a signed 64-bit integer, if it is an integer of any width that fits.
    public var int64Value: Int64? {
        switch self {
        case .int(let v): Int64(v)
        case .uint(let v): Int64(v)
        case .long(let v): v
        case .ulong(let v): Int64(exactly: v)
        case .double, .bool, .string: nil
        }
    }

    /// The value of a `.double` case.
    public var doubleValue: Double? {
        if case .double(let v) = self { return v }
        return nil
    }

    /// The value of a `.bool` case.
    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    /// The value of a `.string` case.
    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }
}

// MARK: - Decoding (C → Swift)

/// Decodes `count` typed parameters into a dictionary keyed by field name, without freeing them.
///
/// A field whose name appears twice keeps its first value (as `virTypedParamsGet` does). A parameter of a type
/// this binding does not know (newer than `VIR_TYPED_PARAM_STRING`) is left out; a string parameter whose
/// pointer is NULL is left out too.
func decodeTypedParameters(_ params: UnsafePointer<virTypedParameter>?, count: Int) -> [String: TypedValue] {
    guard let params, count > 0 else { return [:] }
    var out: [String: TypedValue] = [:]
    out.reserveCapacity(count)
    for i in 0..<count {
        let p = params[i]
        guard let value = decodeTypedValue(p) else { continue }
        let name = typedParameterName(p)
        if out[name] == nil { out[name] = value }
    }
    return out
}

/// Decodes `count` typed parameters allocated by libvirt, then frees them (`virTypedParamsFree`).
func takeTypedParameters(_ params: virTypedParameterPtr?, count: Int32) -> [String: TypedValue] {
    guard let params else { return [:] }
    defer { virTypedParamsFree(params, count) }
    return decodeTypedParameters(UnsafePointer(params), count: Int(count))
}

/// The field name of a parameter: the `field` array up to its first NUL, at most
/// `VIR_TYPED_PARAM_FIELD_LENGTH` bytes (libvirt always terminates it, but a bad array must not be read past).
func typedParameterName(_ p: virTypedParameter) -> String {
    withUnsafeBytes(of: p.field) { raw in
        let bytes = raw.prefix(Int(VIR_TYPED_PARAM_FIELD_LENGTH))
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }
}

/// The value of one parameter, or nil for an unknown type (or a NULL string).
func decodeTypedValue(_ p: virTypedParameter) -> TypedValue? {
    switch UInt32(bitPattern: p.type) {
    case VIR_TYPED_PARAM_INT.rawValue: return .int(p.value.i)
    case VIR_TYPED_PARAM_UINT.rawValue: return .uint(p.value.ui)
    case VIR_TYPED_PARAM_LLONG.rawValue: return .long(p.value.l)
    case VIR_TYPED_PARAM_ULLONG.rawValue: return .ulong(p.value.ul)
    case VIR_TYPED_PARAM_DOUBLE.rawValue: return .double(p.value.d)
    case VIR_TYPED_PARAM_BOOLEAN.rawValue: return .bool(p.value.b != 0)
    case VIR_TYPED_PARAM_STRING.rawValue: return p.value.s.map { .string(String(cString: $0)) }
    default: return nil
    }
}

// MARK: - Building (Swift → C)

/// A typed parameter array being built for a C call, grown with the `virTypedParamsAdd*` functions and freed
/// exactly once (`virTypedParamsFree`) when the value is destroyed.
///
/// ```swift
/// var list = TypedParameterList()
/// try list.add(VIR_DOMAIN_BLOCK_COPY_BANDWIDTH, .ulong(1 << 20))
/// try check(virDomainBlockCopy(h, "vda", xml, list.pointer, list.count, 0))
/// ```
struct TypedParameterList: ~Copyable {
    /// The array, NULL while empty. Valid until the list is destroyed or grown.
    private(set) var pointer: virTypedParameterPtr?
    /// The number of parameters in the array.
    private(set) var count: Int32 = 0
    /// The allocated capacity, managed by `virTypedParamsAdd*`.
    private var capacity: Int32 = 0

    /// An empty list. Makes sure libvirt is initialised, so a failure is reported as a thrown error only.
    init() { Libvirt.initialize() }

    deinit { virTypedParamsFree(pointer, count) }

    /// Appends a parameter (the corresponding C functions are `virTypedParamsAddInt`, `virTypedParamsAddUInt`,
    /// `virTypedParamsAddLLong`, `virTypedParamsAddULLong`, `virTypedParamsAddDouble`,
    /// `virTypedParamsAddBoolean` and `virTypedParamsAddString`).
    ///
    /// libvirt refuses a name of `VIR_TYPED_PARAM_FIELD_LENGTH` bytes or more (`VIR_ERR_INTERNAL_ERROR`).
    mutating func add(_ name: String, _ value: TypedValue) throws(LibvirtError) {
        var params = pointer, n = count, max = capacity
        defer { pointer = params; count = n; capacity = max }
        switch value {
        case .int(let v): try check(virTypedParamsAddInt(&params, &n, &max, name, v))
        case .uint(let v): try check(virTypedParamsAddUInt(&params, &n, &max, name, v))
        case .long(let v): try check(virTypedParamsAddLLong(&params, &n, &max, name, v))
        case .ulong(let v): try check(virTypedParamsAddULLong(&params, &n, &max, name, v))
        case .double(let v): try check(virTypedParamsAddDouble(&params, &n, &max, name, v))
        case .bool(let v): try check(virTypedParamsAddBoolean(&params, &n, &max, name, v ? 1 : 0))
        case .string(let v): try check(virTypedParamsAddString(&params, &n, &max, name, v))
        }
    }

    /// Decodes the current contents (for inspection and tests).
    func decoded() -> [String: TypedValue] {
        decodeTypedParameters(pointer.map { UnsafePointer($0) }, count: Int(count))
    }
}
