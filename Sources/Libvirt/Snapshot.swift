internal import CLibvirt
import Glibc

/// A domain snapshot (`virDomainSnapshotPtr`): libvirt's record of a domain's disk state, and optionally its
/// memory and definition, at one point in time.
///
/// Snapshots form a tree: each one but the roots has a parent, and one of them may be the domain's *current*
/// snapshot, which becomes the parent of the next one created. Obtain snapshots from a `Domain`
/// (`createSnapshot(xml:flags:)`, `listSnapshots(_:)`, `lookupSnapshot(name:)`, `currentSnapshot()`).
///
/// ```swift
/// let s1 = try dom.createSnapshot(xml: "<domainsnapshot><name>s1</name></domainsnapshot>")
/// let s2 = try dom.createSnapshot(xml: "<domainsnapshot><name>s2</name></domainsnapshot>")
/// print(try s2.parent()?.name)    // Optional("s1")
/// try s1.revert()
/// ```
///
/// A `Snapshot` keeps its `Domain` (and so its `Connection`) alive. Its handle is freed in `deinit`
/// (`virDomainSnapshotFree`); after the connection is closed, its methods throw `VIR_ERR_INVALID_CONN`.
public final class Snapshot: @unchecked Sendable {
    let rawHandle: OpaquePointer
    /// The domain this snapshot belongs to.
    public let domain: Domain

    init(handle: OpaquePointer, domain: Domain) {
        self.rawHandle = handle
        self.domain = domain
    }

    deinit { virDomainSnapshotFree(rawHandle) }

    /// The C handle, after checking that the connection is still open.
    func handle() throws(LibvirtError) -> OpaquePointer {
        _ = try domain.handle()
        return rawHandle
    }

    /// Wraps a malloc'ed array of `count` snapshot handles, taking ownership of each handle and freeing the array.
    static func take(_ list: UnsafeMutablePointer<virDomainSnapshotPtr?>?, count: Int32, domain: Domain) -> [Snapshot] {
        defer { free(list) }
        return (0..<Int(max(count, 0))).compactMap { i in list?[i].map { Snapshot(handle: $0, domain: domain) } }
    }

    // MARK: Flags

    /// Flags for `Domain.createSnapshot(xml:flags:)` (`virDomainSnapshotCreateFlags`).
    public struct CreateFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`: put back (or alter) the metadata of a snapshot from the XML that
        /// `xmlDescription` returned, without touching disks or memory.
        public static let redefine = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT`: with `redefine`, make the redefined snapshot the current one.
        public static let current = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA`: change the images but keep no libvirt metadata.
        public static let noMetadata = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_HALT`: stop the domain once the snapshot is taken.
        public static let halt = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_HALT.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY`: capture the disks only, not the memory.
        public static let diskOnly = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT`: use existing external files instead of creating them.
        public static let reuseExternal = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE`: freeze the guest file systems through the guest agent meanwhile.
        public static let quiesce = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC`: change no disk unless every disk can be changed.
        public static let atomic = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_LIVE`: keep the guest running while its memory is saved.
        public static let live = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_LIVE.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE`: validate the XML against libvirt's schema first.
        public static let validate = CreateFlags(rawValue: VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE.rawValue)
    }

    /// Which snapshots a listing returns, and in which order (`virDomainSnapshotListFlags`).
    ///
    /// Filters of one group (leaves, metadata, state, location) combine as "any of"; the groups combine as "all of".
    public struct ListFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SNAPSHOT_LIST_ROOTS`: when listing a domain's snapshots, only those without a parent.
        public static let roots = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_ROOTS.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS`: when listing a snapshot's children, all descendants
        /// (the same bit as `roots`).
        public static let descendants = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL`: every parent comes before its children in the result.
        public static let topological = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_LEAVES`: snapshots without children.
        public static let leaves = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_LEAVES.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES`: snapshots with children.
        public static let noLeaves = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_METADATA`: snapshots libvirt has metadata for.
        public static let metadata = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_METADATA.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA`: snapshots libvirt has no metadata for.
        public static let noMetadata = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE`: snapshots taken while the domain was shut off.
        public static let inactive = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE`: snapshots of a running domain that include its memory.
        public static let active = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY`: snapshots of a running domain without its memory.
        public static let diskOnly = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL`: snapshots stored inside the disk images.
        public static let `internal` = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL`: snapshots that use files outside the disk images.
        public static let external = ListFlags(rawValue: VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL.rawValue)
    }

    /// Flags for `revert(_:)` (`virDomainSnapshotRevertFlags`).
    public struct RevertFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING`: leave the domain running, whatever state the snapshot recorded.
        public static let running = RevertFlags(rawValue: VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED`: leave the domain paused, whatever state the snapshot recorded.
        public static let paused = RevertFlags(rawValue: VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_REVERT_FORCE`: allow reverts libvirt considers risky
        /// (otherwise refused with `VIR_ERR_SNAPSHOT_REVERT_RISKY`).
        public static let force = RevertFlags(rawValue: VIR_DOMAIN_SNAPSHOT_REVERT_FORCE.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM`: re-create the NVRAM from its template.
        public static let resetNVRAM = RevertFlags(rawValue: VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM.rawValue)
    }

    /// Flags for `delete(_:)` (`virDomainSnapshotDeleteFlags`).
    public struct DeleteFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN`: delete this snapshot and all its descendants.
        public static let children = DeleteFlags(rawValue: VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY`: delete the descendants and keep this snapshot.
        public static let childrenOnly = DeleteFlags(rawValue: VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY.rawValue)
        /// `VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY`: forget libvirt's metadata and leave the images as they are.
        public static let metadataOnly = DeleteFlags(rawValue: VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY.rawValue)
    }

    /// Flags for `xmlDescription(_:)` (`virDomainSnapshotXMLFlags`).
    public struct XMLFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_DOMAIN_SNAPSHOT_XML_SECURE`: include security-sensitive data (such as passwords) in the
        /// embedded domain definition.
        public static let secure = XMLFlags(rawValue: VIR_DOMAIN_SNAPSHOT_XML_SECURE.rawValue)
    }

    // MARK: Identity and tree

    /// The snapshot's name (the corresponding C function is `virDomainSnapshotGetName`).
    public var name: String { String(cString: virDomainSnapshotGetName(rawHandle)) }

    /// The parent snapshot, or nil for a root snapshot
    /// (the corresponding C function is `virDomainSnapshotGetParent`; nil stands for `VIR_ERR_NO_DOMAIN_SNAPSHOT`).
    public func parent() throws(LibvirtError) -> Snapshot? {
        do throws(LibvirtError) {
            return Snapshot(handle: try check(virDomainSnapshotGetParent(try handle(), 0)), domain: domain)
        } catch where error.code == .noDomainSnapshot {
            return nil
        }
    }

    /// The direct children of this snapshot, or all its descendants with `.descendants`, filtered by `flags`
    /// (the corresponding C function is `virDomainSnapshotListAllChildren`).
    public func children(_ flags: ListFlags = []) throws(LibvirtError) -> [Snapshot] {
        var list: UnsafeMutablePointer<virDomainSnapshotPtr?>?
        let n = try check(virDomainSnapshotListAllChildren(try handle(), &list, flags.rawValue))
        return Snapshot.take(list, count: n, domain: domain)
    }

    /// How many children (or, with `.descendants`, descendants) match `flags`
    /// (the corresponding C function is `virDomainSnapshotNumChildren`).
    public func numberOfChildren(_ flags: ListFlags = []) throws(LibvirtError) -> Int {
        Int(try check(virDomainSnapshotNumChildren(try handle(), flags.rawValue)))
    }

    /// Whether this is the domain's current snapshot (the corresponding C function is `virDomainSnapshotIsCurrent`).
    public func isCurrent() throws(LibvirtError) -> Bool {
        try check(virDomainSnapshotIsCurrent(try handle(), 0)) == 1
    }

    /// Whether libvirt keeps metadata for this snapshot, which for example blocks undefining an inactive domain
    /// (the corresponding C function is `virDomainSnapshotHasMetadata`).
    public func hasMetadata() throws(LibvirtError) -> Bool {
        try check(virDomainSnapshotHasMetadata(try handle(), 0)) == 1
    }

    // MARK: XML

    /// The `<domainsnapshot>` XML: name, state, parent, creation time, memory and disk specs, and the domain
    /// definition at the time of the snapshot. Passing it back with `.redefine` restores the snapshot's metadata
    /// (the corresponding C function is `virDomainSnapshotGetXMLDesc`).
    public func xmlDescription(_ flags: XMLFlags = []) throws(LibvirtError) -> String {
        try checkString(virDomainSnapshotGetXMLDesc(try handle(), flags.rawValue))
    }

    // MARK: Revert and delete

    /// Puts the domain back into the state recorded by this snapshot, which becomes the current snapshot; changes
    /// made since are lost. The domain ends running, paused or shut off as recorded, unless `.running` or `.paused`
    /// says otherwise (the corresponding C function is `virDomainRevertToSnapshot`).
    public func revert(_ flags: RevertFlags = []) throws(LibvirtError) {
        try check(virDomainRevertToSnapshot(try handle(), flags.rawValue))
    }

    /// Deletes this snapshot. Without flags its changes are merged into its children, which are re-parented to
    /// this snapshot's parent (the corresponding C function is `virDomainSnapshotDelete`).
    public func delete(_ flags: DeleteFlags = []) throws(LibvirtError) {
        try check(virDomainSnapshotDelete(try handle(), flags.rawValue))
    }
}
