internal import CLibvirt
import Glibc

/// A domain checkpoint (`virDomainCheckpointPtr`): a named point in time from which libvirt tracks which disk
/// blocks change (a dirty bitmap per disk in QEMU), so that a later incremental backup copies only those blocks.
///
/// Checkpoints form a tree like snapshots do; a new checkpoint is a child of the most recent one. Obtain them
/// from a `Domain` (`createCheckpoint(xml:flags:)`, `listCheckpoints(_:)`, `lookupCheckpoint(name:)`), or as a
/// side effect of an incremental backup.
///
/// ```swift
/// let c1 = try dom.createCheckpoint(xml: "<domaincheckpoint><name>c1</name></domaincheckpoint>")
/// let c2 = try dom.createCheckpoint(xml: "<domaincheckpoint><name>c2</name></domaincheckpoint>")
/// print(try c2.parent()?.name)    // Optional("c1")
/// ```
///
/// A `Checkpoint` keeps its `Domain` (and so its `Connection`) alive. Its handle is freed in `deinit`
/// (`virDomainCheckpointFree`); after the connection is closed, its methods throw `VIR_ERR_INVALID_CONN`.
public final class Checkpoint: @unchecked Sendable {
    let rawHandle: OpaquePointer
    /// The domain this checkpoint belongs to.
    public let domain: Domain

    init(handle: OpaquePointer, domain: Domain) {
        self.rawHandle = handle
        self.domain = domain
    }

    deinit { virDomainCheckpointFree(rawHandle) }

    /// The C handle, after checking that the connection is still open.
    func handle() throws(LibvirtError) -> OpaquePointer {
        _ = try domain.handle()
        return rawHandle
    }

    /// Wraps a malloc'ed array of `count` checkpoint handles, taking ownership of each handle and freeing the array.
    static func take(_ list: UnsafeMutablePointer<virDomainCheckpointPtr?>?, count: Int32, domain: Domain) -> [Checkpoint] {
        defer { free(list) }
        return (0..<Int(max(count, 0))).compactMap { i in list?[i].map { Checkpoint(handle: $0, domain: domain) } }
    }

    // MARK: Flags

    /// Flags for `Domain.createCheckpoint(xml:flags:)` (`virDomainCheckpointCreateFlags`).
    public struct CreateFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE`: put back (or alter) a checkpoint's metadata from the XML that
        /// `xmlDescription` returned, without creating bitmaps.
        public static let redefine = CreateFlags(rawValue: VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE`: freeze the guest file systems through the guest agent meanwhile.
        public static let quiesce = CreateFlags(rawValue: VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE`: with `redefine`, check that the disks really hold
        /// matching, consistent bitmaps.
        public static let redefineValidate = CreateFlags(rawValue: VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE.rawValue)
    }

    /// Which checkpoints a listing returns, and in which order (`virDomainCheckpointListFlags`).
    public struct ListFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_CHECKPOINT_LIST_ROOTS`: when listing a domain's checkpoints, only those without a parent.
        public static let roots = ListFlags(rawValue: VIR_DOMAIN_CHECKPOINT_LIST_ROOTS.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS`: when listing a checkpoint's children, all descendants
        /// (the same bit as `roots`).
        public static let descendants = ListFlags(rawValue: VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL`: every parent comes before its children in the result.
        public static let topological = ListFlags(rawValue: VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_LIST_LEAVES`: checkpoints without children.
        public static let leaves = ListFlags(rawValue: VIR_DOMAIN_CHECKPOINT_LIST_LEAVES.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES`: checkpoints with children.
        public static let noLeaves = ListFlags(rawValue: VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES.rawValue)
    }

    /// Flags for `xmlDescription(_:)` (`virDomainCheckpointXMLFlags`).
    public struct XMLFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_CHECKPOINT_XML_SECURE`: include security-sensitive data in the embedded domain definition.
        public static let secure = XMLFlags(rawValue: VIR_DOMAIN_CHECKPOINT_XML_SECURE.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN`: leave out the embedded `<domain>` definition.
        public static let noDomain = XMLFlags(rawValue: VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_XML_SIZE`: add each disk's `size` attribute, the bytes changed since the
        /// checkpoint (needs a running domain).
        public static let size = XMLFlags(rawValue: VIR_DOMAIN_CHECKPOINT_XML_SIZE.rawValue)
    }

    /// Flags for `delete(_:)` (`virDomainCheckpointDeleteFlags`).
    public struct DeleteFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN`: delete this checkpoint and all its descendants.
        public static let children = DeleteFlags(rawValue: VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY`: delete the descendants and keep this checkpoint.
        public static let childrenOnly = DeleteFlags(rawValue: VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY.rawValue)
        /// `VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY`: forget libvirt's metadata and leave the bitmaps in the images.
        public static let metadataOnly = DeleteFlags(rawValue: VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY.rawValue)
    }

    // MARK: Identity and tree

    /// The checkpoint's name (the corresponding C function is `virDomainCheckpointGetName`).
    public var name: String { String(cString: virDomainCheckpointGetName(rawHandle)) }

    /// The parent checkpoint, or nil for a root checkpoint
    /// (the corresponding C function is `virDomainCheckpointGetParent`; nil stands for `VIR_ERR_NO_DOMAIN_CHECKPOINT`).
    public func parent() throws(LibvirtError) -> Checkpoint? {
        do throws(LibvirtError) {
            return Checkpoint(handle: try check(virDomainCheckpointGetParent(try handle(), 0)), domain: domain)
        } catch where error.code == .noDomainCheckpoint {
            return nil
        }
    }

    /// The direct children of this checkpoint, or all its descendants with `.descendants`, filtered by `flags`
    /// (the corresponding C function is `virDomainCheckpointListAllChildren`).
    public func children(_ flags: ListFlags = []) throws(LibvirtError) -> [Checkpoint] {
        var list: UnsafeMutablePointer<virDomainCheckpointPtr?>?
        let n = try check(virDomainCheckpointListAllChildren(try handle(), &list, flags.rawValue))
        return Checkpoint.take(list, count: n, domain: domain)
    }

    // MARK: XML

    /// The `<domaincheckpoint>` XML: name, parent, creation time, the disks and their bitmaps, and (unless
    /// `.noDomain`) the domain definition. Passing it back with `.redefine` restores the checkpoint's metadata
    /// (the corresponding C function is `virDomainCheckpointGetXMLDesc`).
    public func xmlDescription(_ flags: XMLFlags = []) throws(LibvirtError) -> String {
        try checkString(virDomainCheckpointGetXMLDesc(try handle(), flags.rawValue))
    }

    // MARK: Delete

    /// Deletes this checkpoint. Without flags, its changed-block tracking is merged into its parent (in QEMU, the
    /// bitmap is merged) and its children are re-parented (the corresponding C function is `virDomainCheckpointDelete`).
    public func delete(_ flags: DeleteFlags = []) throws(LibvirtError) {
        try check(virDomainCheckpointDelete(try handle(), flags.rawValue))
    }
}
