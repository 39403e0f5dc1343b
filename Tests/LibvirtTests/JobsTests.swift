import Foundation
import Testing
@testable import Libvirt

/// The job, backup and block job APIs on libvirt's test driver: it implements none of them, so each must throw
/// `VIR_ERR_NO_SUPPORT` naming the C function (and never crash or succeed).
@Suite("Jobs: unsupported on the test driver")
struct JobsTests {
    /// One wrapper call and the C function libvirt names in its error.
    enum Call: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case beginBackup = "virDomainBackupBegin"
        case backupXMLDescription = "virDomainBackupGetXMLDesc"
        case blockCopy = "virDomainBlockCopy"
        case blockCommit = "virDomainBlockCommit"
        case blockJobAbort = "virDomainBlockJobAbort"
        case blockJobInfo = "virDomainGetBlockJobInfo"
        case blockJobSetSpeed = "virDomainBlockJobSetSpeed"
        case jobInfo = "virDomainGetJobInfo"
        case jobStats = "virDomainGetJobStats"
        case jobStatsCompleted = "virDomainGetJobStats "
        case abortJob = "virDomainAbortJob"
        case abortJobFlags = "virDomainAbortJobFlags"
        case managedSaveXML = "virDomainManagedSaveGetXMLDesc"
        case qemuMonitorCommand = "virDomainQemuMonitorCommand"
        case setBlockThreshold = "virDomainSetBlockThreshold"

        var cFunction: String { rawValue.trimmingCharacters(in: .whitespaces) }
        var testDescription: String { "\(self) (\(cFunction))" }

        func run(on dom: Domain) throws(LibvirtError) {
            switch self {
            case .beginBackup:
                try dom.beginBackup(xml: BackupDefinition(mode: .push).xml())
            case .backupXMLDescription:
                _ = try dom.backupXMLDescription()
            case .blockCopy:
                try dom.blockCopy(disk: "vda", destinationXML: "<disk type='file'><source file='/tmp/rewind-jobs-copy'/></disk>",
                                  parameters: .init(bandwidth: 1 << 20), flags: .transientJob)
            case .blockCommit:
                try dom.blockCommit(disk: "vda", flags: .active)
            case .blockJobAbort:
                try dom.blockJobAbort(disk: "vda", flags: .pivot)
            case .blockJobInfo:
                _ = try dom.blockJobInfo(disk: "vda")
            case .blockJobSetSpeed:
                try dom.blockJobSetSpeed(disk: "vda", bandwidth: 1)
            case .jobInfo:
                _ = try dom.jobInfo()
            case .jobStats:
                _ = try dom.jobStats()
            case .jobStatsCompleted:
                _ = try dom.jobStats(flags: [.completed, .keepCompleted])
            case .abortJob:
                try dom.abortJob()
            case .abortJobFlags:
                try dom.abortJob(flags: .postcopy)
            case .managedSaveXML:
                _ = try dom.managedSaveXML()
            case .qemuMonitorCommand:
                _ = try dom.qemuMonitorCommand(#"{"execute":"query-status"}"#)
            case .setBlockThreshold:
                try dom.setBlockThreshold(disk: "vda", threshold: 1 << 20)
            }
        }
    }

    @Test("throws VIR_ERR_NO_SUPPORT", arguments: Call.allCases)
    func unsupported(_ call: Call) throws {
        let conn = try Connection(uri: "test:///default")
        let dom = try conn.lookupDomain(name: "test")
        let error = #expect(throws: LibvirtError.self) { try call.run(on: dom) }
        #expect(error?.code == .noSupport)
        #expect(error?.meansUnsupported == true)
        #expect(error?.message.contains(call.cFunction) == true, "\(String(describing: error))")
        // The default domain is untouched.
        #expect(try dom.state().state == .running)
    }

    @Test("a call after the connection is closed throws VIR_ERR_INVALID_CONN before reaching libvirt")
    func closedConnection() throws {
        let conn = try Connection(uri: "test:///default")
        let dom = try conn.lookupDomain(name: "test")
        conn.close()
        let error = #expect(throws: LibvirtError.self) { _ = try dom.jobStats() }
        #expect(error?.code == .invalidConn)
        let freeze = #expect(throws: LibvirtError.self) { try dom.freezeFilesystems() }
        #expect(freeze?.code == .invalidConn)
    }
}
