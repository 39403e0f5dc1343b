import AgentGuest
import Foundation
import Testing

/// An independent newc reader, written from the format description, to check the writer against.
private struct NewcMember: Equatable {
    var name: String
    var mode: UInt32
    var nlink: UInt32
    var rdevMajor: UInt32
    var rdevMinor: UInt32
    var body: [UInt8]
}

private func readNewc(_ data: Data) throws -> [NewcMember] {
    let bytes = [UInt8](data)
    var offset = 0, members: [NewcMember] = []
    func field(_ i: Int) throws -> UInt32 {
        let start = offset + 6 + 8 * i
        let text = String(decoding: bytes[start..<(start + 8)], as: UTF8.self)
        guard let v = UInt32(text, radix: 16) else { throw CocoaError(.fileReadCorruptFile) }
        return v
    }
    while true {
        #expect(offset % 4 == 0)
        guard String(decoding: bytes[offset..<(offset + 6)], as: UTF8.self) == "070701" else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let mode = try field(1), nlink = try field(4), size = Int(try field(6))
        let rmaj = try field(9), rmin = try field(10), nameSize = Int(try field(11))
        #expect(try field(2) == 0 && field(3) == 0 && field(5) == 0)  // uid, gid, mtime
        let nameStart = offset + 110
        #expect(bytes[nameStart + nameSize - 1] == 0)
        let name = String(decoding: bytes[nameStart..<(nameStart + nameSize - 1)], as: UTF8.self)
        var bodyStart = nameStart + nameSize
        bodyStart += (4 - bodyStart % 4) % 4
        let body = Array(bytes[bodyStart..<(bodyStart + size)])
        offset = bodyStart + size
        offset += (4 - offset % 4) % 4
        if name == "TRAILER!!!" { break }
        members.append(NewcMember(name: name, mode: mode, nlink: nlink, rdevMajor: rmaj, rdevMinor: rmin, body: body))
    }
    #expect(offset == bytes.count)
    return members
}

@Suite("CPIO newc writer")
struct CPIOArchiveTests {
    @Test("Members come out in order with parents first, modes, link targets and device numbers")
    func roundTrip() throws {
        var archive = CPIOArchive()
        archive.add("dev/console", .characterDevice(major: 5, minor: 1))
        archive.add("/bin/busybox", .file(Data("ELF!x".utf8)), permissions: 0o755)
        archive.add("bin/sh", .symlink("/bin/busybox"))
        archive.add("bin/busybox", .file(Data("other".utf8)))  // a second add of a path is ignored
        let members = try readNewc(archive.encoded())
        #expect(members.map(\.name) == ["dev", "dev/console", "bin", "bin/busybox", "bin/sh"])
        #expect(members[0].mode == 0o040755 && members[0].nlink == 2)
        #expect(members[1].mode == 0o020600 && members[1].rdevMajor == 5 && members[1].rdevMinor == 1)
        #expect(members[3].mode == 0o100755 && members[3].body == Array("ELF!x".utf8))
        #expect(members[4].mode == 0o120777 && members[4].body == Array("/bin/busybox".utf8))
        #expect(archive.contains("/bin/sh") && !archive.contains("bin/ash"))
    }

    @Test("Bodies of every length modulo 4 stay aligned")
    func alignment() throws {
        var archive = CPIOArchive()
        for n in 0..<9 { archive.add("f\(String(repeating: "x", count: n))", .file(Data(repeating: UInt8(n), count: n))) }
        let members = try readNewc(archive.encoded())
        #expect(members.map(\.body.count) == Array(0..<9))
        #expect(members.allSatisfy { m in m.body.allSatisfy { Int($0) == m.body.count } })
    }

    @Test("The same members give the same bytes")
    func deterministic() {
        func make() -> Data {
            var a = CPIOArchive()
            a.add("init", .file(Data("#!/bin/sh\n".utf8)), permissions: 0o755)
            return a.encoded()
        }
        #expect(make() == make())
    }
}
