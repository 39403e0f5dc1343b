/// Where Rewind keeps what it creates on a host, and the fixed addresses of the hosts it starts: the
/// constants every process agrees on (the CLI that starts a host, a lab that reaches it, `lab clean`).
public enum RewindPaths {
    /// Where labs, live tests and the agent guest put disk images on a host: `/var/lib/libvirt/images/rewind`.
    public static let imageDirectory = "/var/lib/libvirt/images/rewind"
    /// The backup NBD server's TLS certificates on a host Rewind starts (qemu.conf's
    /// `backup_tls_x509_cert_dir`; inside the root for a release host).
    public static let backupTLSDirectory = "/etc/rewind/backup-tls"
    /// Where Rewind keeps its state files and locks on the machine that runs its hosts: `/run/rewind`.
    public static let stateDirectory = "/run/rewind"
    /// The loopback address Rewind's daemons listen on.
    public static let listenAddress = "127.0.0.1"
    /// The TCP port of the system host's libvirtd Rewind started (libvirt's default, 16509).
    public static let systemTCPPort: UInt16 = 16509
}
