import AgentGuest
import Foundation
import Synchronization
import Testing

/// A fake agent that serves one file in small chunks and records the commands it got.
private final class FakeAgent: Sendable {
    let sent = Mutex<[String]>([])
    let file: Data
    let position = Mutex(0)

    init(file: Data) { self.file = file }

    func reply(_ command: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(command.utf8))) as? [String: Any] ?? [:]
        let name = object["execute"] as? String ?? ""
        sent.withLock { $0.append(name) }
        let args = object["arguments"] as? [String: Any] ?? [:]
        switch object["execute"] as? String {
        case "guest-ping": return #"{"return":{}}"#
        case "guest-file-open":
            return args["path"] as? String == "/data/workload.log" ? #"{"return":1000}"#
                : #"{"error":{"class":"GenericError","desc":"No such file"}}"#
        case "guest-file-read":
            let count = args["count"] as? Int ?? 0
            return position.withLock { pos in
                let chunk = file[pos..<min(pos + count, file.count)]
                pos += chunk.count
                return #"{"return":{"count":\#(chunk.count),"buf-b64":"\#(Data(chunk).base64EncodedString())","eof":\#(pos == file.count)}}"#
            }
        case "guest-file-close": return #"{"return":{}}"#
        case "guest-fsfreeze-status": return #"{"return":"frozen"}"#
        default: return "not json"
        }
    }
}

@Suite("Guest agent client")
struct GuestAgentClientTests {
    @Test("Commands are JSON with execute and arguments")
    func commandText() throws {
        let text = GuestAgentClient.command("guest-file-read", arguments: ["handle": 3, "count": 10])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["execute"] as? String == "guest-file-read")
        #expect((object["arguments"] as? [String: Any])?["count"] as? Int == 10)
        #expect(GuestAgentClient.command("guest-ping") == #"{"execute":"guest-ping"}"#)
    }

    @Test("A file is read in chunks until eof, then closed")
    func readFile() throws {
        let content = Data((0..<1000).map { UInt8($0 % 251) })
        let fake = FakeAgent(file: content)
        let client = GuestAgentClient { command, _ in fake.reply(command) }
        #expect(try client.readFile("/data/workload.log", chunkSize: 300) == content)
        let names = fake.sent.withLock { $0 }
        #expect(names == ["guest-file-open"] + Array(repeating: "guest-file-read", count: 4) + ["guest-file-close"])
        #expect(try client.freezeStatus() == "frozen")
        try client.ping()
    }

    @Test("Agent errors and malformed replies throw")
    func errors() {
        let fake = FakeAgent(file: Data())
        let client = GuestAgentClient { command, _ in fake.reply(command) }
        #expect(throws: GuestAgentClient.ProtocolError.self) { try client.readFile("/missing") }
        #expect(throws: GuestAgentClient.ProtocolError.self) { try client.call("guest-unknown") }
    }
}
