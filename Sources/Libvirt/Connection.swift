internal import CLibvirt
import Foundation
import Synchronization

/// A connection to a libvirt driver (`virConnectPtr`).
///
/// Any URI works: `test:///default` (the in-process test driver), a private test driver state
/// `test:///abs/path/node.xml`, `qemu:///system`, or remote ones such as `qemu+tcp://host/system`.
///
/// ```swift
/// let conn = try Connection(uri: "test:///default")
/// print(conn.libraryVersion, try conn.hypervisorType)   // 9.0.0 TEST
/// for domain in try conn.listDomains() { print(domain.name) }
/// ```
///
/// The handle is closed in `deinit` (or earlier by `close()`); a call made after `close()`
/// throws `VIR_ERR_INVALID_CONN` instead of crashing.
public final class Connection: @unchecked Sendable {
    private let state: Mutex<OpaquePointer?>
    /// The URI this connection was opened with.
    public let uri: String

    /// Opens a connection (the corresponding C function is `virConnectOpen`, or `virConnectOpenReadOnly`).
    public init(uri: String, readOnly: Bool = false) throws(LibvirtError) {
        Libvirt.initialize()
        let ptr = readOnly ? virConnectOpenReadOnly(uri) : virConnectOpen(uri)
        guard let ptr else { throw LibvirtError.last() }
        state = Mutex(ptr)
        self.uri = uri
    }

    deinit {
        state.withLock { if let p = $0 { virConnectClose(p) } }
    }

    /// Closes the connection now (the corresponding C function is `virConnectClose`).
    /// Objects obtained from it then throw `VIR_ERR_INVALID_CONN`.
    public func close() {
        state.withLock { p in
            if let h = p { virConnectClose(h) }
            p = nil
        }
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { state.withLock { $0 == nil } }

    /// The live C handle, or an error if the connection was closed.
    func handle() throws(LibvirtError) -> OpaquePointer {
        guard let h = state.withLock({ $0 }) else {
            throw LibvirtError.misuse(.invalidConn, "the connection to \(uri) was closed")
        }
        return h
    }

    // MARK: Versions and identity

    /// The libvirt library version of this connection (the corresponding C function is `virConnectGetLibVersion`).
    /// For a remote connection this is the daemon's version.
    public var libraryVersion: Version {
        get throws(LibvirtError) {
            var v: UInt = 0
            try check(virConnectGetLibVersion(try handle(), &v))
            return Version(encoded: v)
        }
    }

    /// The hypervisor's version, e.g. QEMU 7.2.0 (the corresponding C function is `virConnectGetVersion`).
    public var hypervisorVersion: Version {
        get throws(LibvirtError) {
            var v: UInt = 0
            try check(virConnectGetVersion(try handle(), &v))
            return Version(encoded: v)
        }
    }

    /// The driver name, e.g. `QEMU` or `TEST` (the corresponding C function is `virConnectGetType`).
    public var hypervisorType: String {
        get throws(LibvirtError) {
            String(cString: try check(virConnectGetType(try handle())))
        }
    }

    /// The canonical URI of the connection (the corresponding C function is `virConnectGetURI`).
    public var canonicalURI: String {
        get throws(LibvirtError) { try checkString(virConnectGetURI(try handle())) }
    }

    /// The host name (the corresponding C function is `virConnectGetHostname`).
    public var hostname: String {
        get throws(LibvirtError) { try checkString(virConnectGetHostname(try handle())) }
    }

    /// Whether the connection is still alive (the corresponding C function is `virConnectIsAlive`).
    public var isAlive: Bool {
        guard let h = try? handle() else { return false }
        return virConnectIsAlive(h) == 1
    }

    // MARK: Capabilities

    /// The host capabilities XML (the corresponding C function is `virConnectGetCapabilities`).
    public func capabilitiesXML() throws(LibvirtError) -> String {
        try checkString(virConnectGetCapabilities(try handle()))
    }

    /// The domain capabilities XML for an emulator, architecture, machine and virt type; any of them may be
    /// nil for the driver's default (the corresponding C function is `virConnectGetDomainCapabilities`).
    public func domainCapabilitiesXML(emulator: String? = nil, arch: String? = nil,
                                      machine: String? = nil, virtType: String? = nil) throws(LibvirtError) -> String {
        try checkString(virConnectGetDomainCapabilities(try handle(), emulator, arch, machine, virtType, 0))
    }

    // MARK: Domains

    /// Which domains `listDomains` returns (`virConnectListAllDomainsFlags`).
    public struct ListFlags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `VIR_CONNECT_LIST_DOMAINS_ACTIVE`
        public static let active = ListFlags(rawValue: VIR_CONNECT_LIST_DOMAINS_ACTIVE.rawValue)
        /// `VIR_CONNECT_LIST_DOMAINS_INACTIVE`
        public static let inactive = ListFlags(rawValue: VIR_CONNECT_LIST_DOMAINS_INACTIVE.rawValue)
        /// `VIR_CONNECT_LIST_DOMAINS_PERSISTENT`
        public static let persistent = ListFlags(rawValue: VIR_CONNECT_LIST_DOMAINS_PERSISTENT.rawValue)
        /// `VIR_CONNECT_LIST_DOMAINS_TRANSIENT`
        public static let transient = ListFlags(rawValue: VIR_CONNECT_LIST_DOMAINS_TRANSIENT.rawValue)
        /// `VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT`
        public static let hasSnapshot = ListFlags(rawValue: VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT.rawValue)
        /// `VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT`
        public static let hasCheckpoint = ListFlags(rawValue: VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT.rawValue)
    }

    /// All domains matching `flags` (empty = all) (the corresponding C function is `virConnectListAllDomains`).
    public func listDomains(_ flags: ListFlags = []) throws(LibvirtError) -> [Domain] {
        var list: UnsafeMutablePointer<virDomainPtr?>?
        let n = try check(virConnectListAllDomains(try handle(), &list, UInt32(flags.rawValue)))
        defer { free(list) }
        return (0..<Int(n)).compactMap { i in list?[i].map { Domain(handle: $0, connection: self) } }
    }

    /// Looks a domain up by name (the corresponding C function is `virDomainLookupByName`).
    public func lookupDomain(name: String) throws(LibvirtError) -> Domain {
        Domain(handle: try check(virDomainLookupByName(try handle(), name)), connection: self)
    }

    /// Looks a domain up by UUID string (the corresponding C function is `virDomainLookupByUUIDString`).
    public func lookupDomain(uuid: String) throws(LibvirtError) -> Domain {
        Domain(handle: try check(virDomainLookupByUUIDString(try handle(), uuid)), connection: self)
    }

    /// Defines a persistent domain from XML without starting it (the corresponding C function is `virDomainDefineXML`).
    public func defineDomain(xml: String) throws(LibvirtError) -> Domain {
        Domain(handle: try check(virDomainDefineXML(try handle(), xml)), connection: self)
    }

    /// Creates and starts a transient domain from XML (the corresponding C function is `virDomainCreateXML`).
    public func createDomain(xml: String, flags: Domain.StartFlags = []) throws(LibvirtError) -> Domain {
        Domain(handle: try check(virDomainCreateXML(try handle(), xml, flags.rawValue)), connection: self)
    }
}
