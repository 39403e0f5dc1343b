import CLibvirt
import Testing
@testable import Libvirt

@Suite("Jobs: typed parameters")
struct JobsTypedParametersTests {
    @Test("every typed parameter type survives virTypedParamsAdd* and decoding")
    func roundTripAllTypes() throws {
        let values: [String: TypedValue] = [
            "i": .int(-7), "u": .uint(4_000_000_000), "l": .long(-5_000_000_000),
            "ul": .ulong(UInt64.max), "d": .double(0.25), "yes": .bool(true), "no": .bool(false),
            "s": .string("héllo"),
        ]
        var list = TypedParameterList()
        for (name, value) in values.sorted(by: { $0.key < $1.key }) { try list.add(name, value) }
        #expect(list.count == Int32(values.count))
        #expect(list.decoded() == values)
    }

    @Test("an empty list is a NULL array and decodes to nothing")
    func emptyList() {
        let list = TypedParameterList()
        #expect(list.pointer == nil)
        #expect(list.count == 0)
        #expect(list.decoded().isEmpty)
        #expect(takeTypedParameters(nil, count: 0).isEmpty)
    }

    @Test("a field name must be shorter than VIR_TYPED_PARAM_FIELD_LENGTH")
    func fieldNameLength() throws {
        let longest = String(repeating: "n", count: Int(VIR_TYPED_PARAM_FIELD_LENGTH) - 1)
        var list = TypedParameterList()
        try list.add(longest, .uint(1))
        #expect(list.decoded() == [longest: .uint(1)])

        let error = #expect(throws: LibvirtError.self) {
            try list.add(longest + "n", .uint(2))
        }
        // libvirt 9.0 reports this as an internal error ("Field name '…' too long").
        #expect(error?.code == .internalError)
        #expect(error?.message.contains("too long") == true)
        #expect(list.count == 1)
    }

    @Test("decoding keeps the first of duplicate names, skips unknown types and never reads past the field")
    func decodeRawArray() {
        func param(_ name: [UInt8], type: UInt32, _ set: (inout virTypedParameter) -> Void) -> virTypedParameter {
            var p = virTypedParameter()
            withUnsafeMutableBytes(of: &p.field) { buf in
                for (i, b) in name.prefix(buf.count).enumerated() { buf[i] = b }
            }
            p.type = Int32(bitPattern: type)
            set(&p)
            return p
        }
        let unterminated = [UInt8](repeating: UInt8(ascii: "x"), count: Int(VIR_TYPED_PARAM_FIELD_LENGTH))
        let params = [
            param(Array("a".utf8), type: VIR_TYPED_PARAM_INT.rawValue) { $0.value.i = 1 },
            param(Array("a".utf8), type: VIR_TYPED_PARAM_INT.rawValue) { $0.value.i = 2 },
            param(Array("future".utf8), type: 99) { $0.value.ul = 3 },
            param(Array("nullstring".utf8), type: VIR_TYPED_PARAM_STRING.rawValue) { $0.value.s = nil },
            param(Array("flag".utf8), type: VIR_TYPED_PARAM_BOOLEAN.rawValue) { $0.value.b = 1 },
            param(unterminated, type: VIR_TYPED_PARAM_ULLONG.rawValue) { $0.value.ul = 4 },
        ]
        let decoded = params.withUnsafeBufferPointer { decodeTypedParameters($0.baseAddress, count: $0.count) }
        #expect(decoded == [
            "a": .int(1),
            "flag": .bool(true),
            String(repeating: "x", count: Int(VIR_TYPED_PARAM_FIELD_LENGTH)): .ulong(4),
        ])
    }

    @Test("numeric accessors convert between widths only when the value fits")
    func accessors() {
        #expect(TypedValue.int(5).uint64Value == 5)
        #expect(TypedValue.int(-1).uint64Value == nil)
        #expect(TypedValue.long(-1).int64Value == -1)
        #expect(TypedValue.ulong(UInt64.max).int64Value == nil)
        #expect(TypedValue.ulong(UInt64.max).uint64Value == UInt64.max)
        #expect(TypedValue.uint(7).int64Value == 7)
        #expect(TypedValue.string("7").uint64Value == nil)
        #expect(TypedValue.bool(true).boolValue == true)
        #expect(TypedValue.int(1).boolValue == nil)
        #expect(TypedValue.double(1.5).doubleValue == 1.5)
        #expect(TypedValue.string("x").stringValue == "x")
    }

    @Test("block copy tunables become the documented typed parameters; nil ones are left out")
    func blockCopyParameters() throws {
        let all = try Domain.BlockCopyParameters(bandwidth: 1 << 20, granularity: 65_536, bufSize: 1 << 23)
            .typedParameters()
        #expect(all.decoded() == [
            "bandwidth": .ulong(1 << 20), "granularity": .uint(65_536), "buf-size": .ulong(1 << 23),
        ])
        let some = try Domain.BlockCopyParameters(granularity: 512).typedParameters()
        #expect(some.decoded() == ["granularity": .uint(512)])
        let none = try Domain.BlockCopyParameters().typedParameters()
        #expect(none.count == 0)
    }

    @Test("job statistics decode the documented field names into typed fields")
    func jobStatsFields() {
        let raw: [String: TypedValue] = [
            "operation": .int(9), "time_elapsed": .ulong(120), "time_remaining": .ulong(5),
            "data_total": .ulong(100), "data_processed": .ulong(60), "data_remaining": .ulong(40),
            "memory_total": .ulong(64), "memory_processed": .ulong(32), "memory_remaining": .ulong(32),
            "disk_total": .ulong(67_108_864), "disk_processed": .ulong(1_048_576), "disk_remaining": .ulong(7),
            "disk_temp_used": .ulong(1_048_576), "disk_temp_total": .ulong(67_108_864),
            "downtime": .ulong(25), "success": .bool(true), "errmsg": .string("Operation canceled"),
            "memory_bps": .ulong(999),
        ]
        let s = JobStats(type: .completed, raw: raw)
        #expect(s.type == .completed)
        #expect(s.operation == .backup)
        #expect(s.timeElapsed == 120)
        #expect(s.timeRemaining == 5)
        #expect(s.dataTotal == 100)
        #expect(s.dataProcessed == 60)
        #expect(s.dataRemaining == 40)
        #expect(s.memTotal == 64)
        #expect(s.memProcessed == 32)
        #expect(s.memRemaining == 32)
        #expect(s.diskTotal == 67_108_864)
        #expect(s.diskProcessed == 1_048_576)
        #expect(s.diskRemaining == 7)
        #expect(s.diskTempUsed == 1_048_576)
        #expect(s.diskTempTotal == 67_108_864)
        #expect(s.downtime == 25)
        #expect(s.success == true)
        #expect(s.errmsg == "Operation canceled")
        #expect(s.raw["memory_bps"] == .ulong(999))

        let empty = JobStats(type: .none, raw: [:])
        #expect(empty.operation == nil && empty.timeElapsed == nil && empty.success == nil && empty.errmsg == nil)
    }

    @Test("job operations carry the virDomainJobOperation values", arguments: [
        (Int32(2), JobOperation.save), (6, .snapshot), (9, .backup), (10, .snapshotDelete), (0, .unknown),
    ] as [(Int32, JobOperation)])
    func jobOperationValues(raw: Int32, expected: JobOperation) {
        #expect(JobStats(type: .completed, raw: ["operation": .int(raw)]).operation == expected)
    }

    @Test("an operation value unknown to libvirt 9.0 decodes as nil, and the raw value stays available")
    func unknownOperation() {
        let s = JobStats(type: .completed, raw: ["operation": .int(42)])
        #expect(s.operation == nil)
        #expect(s.raw["operation"] == .int(42))
    }
}
