import Foundation
import Testing
import Lab

@Suite("XML documents a recipe printed (shown beside the recipe on the site)")
struct RecipeDocumentTests {
    @Test("a header line, then one or more documents, each to the line that closes its root")
    func extractsDocuments() {
        let output = """
            checkpoint rb-1 is not usable (VIR_ERR_CHECKPOINT_INCONSISTENT): starting a new chain
            virDomainBackupBegin:
            <domainbackup mode="pull">
              <disks>
                <disk name="vda" backup="yes"/>
              </disks>
            </domainbackup>

            <domaincheckpoint>
              <name>rb-2</name>
            </domaincheckpoint>

            full backup rb-2 of vda
            virDomainBlockCopy destination:
            <disk type="file"><source file="/x.qcow2"/></disk>
            virDomainSnapshotCreateXML:
            <domainsnapshot/>
            """
        let documents = Evidence.Document.extract(from: output, program: "incremental-backup")
        #expect(documents.map(\.call) == ["virDomainBackupBegin", "virDomainBackupBegin", "virDomainBlockCopy",
                                          "virDomainSnapshotCreateXML"])
        #expect(documents.map(\.rootName) == ["domainbackup", "domaincheckpoint", "disk", "domainsnapshot"])
        #expect(documents[0].xml.hasPrefix("<domainbackup mode=\"pull\">\n  <disks>"))
        #expect(documents[0].xml.hasSuffix("</domainbackup>"))
        #expect(documents[1].xml == "<domaincheckpoint>\n  <name>rb-2</name>\n</domaincheckpoint>")
        #expect(documents.allSatisfy { $0.program == "incremental-backup" })
    }

    @Test("text outside the convention, and a document cut off, give nothing made up")
    func skipsWhatIsNotADocument() {
        #expect(Evidence.Document.extract(from: "virtual: 3\nvirDomainX:\nno xml here\n", program: "p").isEmpty)
        #expect(Evidence.Document.extract(from: "virDomainBackupBegin:\n<domainbackup>\n  <disks>\n", program: "p").isEmpty)
        #expect(Evidence.Document.extract(from: "", program: "p").isEmpty)
    }

    @Test("results written before documents were recorded still decode")
    func decodesOldEvidence() throws {
        let old = #"{"measurements":[],"extents":[],"events":[],"notes":["n"]}"#
        let evidence = try JSONDecoder().decode(Evidence.self, from: Data(old.utf8))
        #expect(evidence.documents == nil)
        #expect(!evidence.isEmpty)
    }
}
