import Libvirt

// The host's versions, read from the connection: what a snippet's expectation may depend on. A check that
// holds only from some libvirt version on branches on these (or declares `since=` / `until=` in its fence),
// so that its verdict never depends on the version the guide's author happened to have.

extension Lab {
    /// The libvirt version of the host's daemon (`virConnectGetLibVersion` on the connection: for a remote
    /// URI the daemon's, not this client library's). 0.0.0 when it cannot be read.
    ///
    /// ```swift
    /// let expected: LibvirtError.Code = lab.libvirt(atLeast: "11.2.0") ? .agentCommandFailed : .internalError
    /// ```
    public var libvirtVersion: Version {
        (try? connection.libraryVersion) ?? Version(major: 0, minor: 0, release: 0)
    }

    /// The hypervisor's version (`virConnectGetVersion`), e.g. QEMU 11.1.3; nil when the driver has none.
    public var hypervisorVersion: Version? { try? connection.hypervisorVersion }

    /// Whether the host's libvirt is `version` (`major.minor[.release]`) or newer.
    public func libvirt(atLeast version: String) -> Bool {
        guard let wanted = Version(parsing: version) else { return false }
        return libvirtVersion >= wanted
    }

    /// Whether the hypervisor (QEMU) is `version` or newer; false when it has no version.
    public func hypervisor(atLeast version: String) -> Bool {
        guard let wanted = Version(parsing: version), let have = hypervisorVersion else { return false }
        return have >= wanted
    }
}
