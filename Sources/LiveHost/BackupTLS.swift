import Foundation
import HostRecords

/// The certificates QEMU serves a pull backup's NBD export with when the backup asks for TLS
/// (`<server transport='tcp' tls='yes'>`), made once per host Rewind starts: a CA of its own, a server
/// certificate for the loopback address (`127.0.0.1`, `localhost`) and a client certificate, in
/// ``directory`` (inside the root, for a release host), which qemu.conf names as
/// `backup_tls_x509_cert_dir`. QEMU reads `ca-cert.pem`, `server-cert.pem` and `server-key.pem` there and
/// requires a client certificate signed by the CA (`backup_tls_x509_verify`, on by default); libnbd reads
/// `ca-cert.pem`, `client-cert.pem` and `client-key.pem` from a directory of the client's.
///
/// ```swift
/// try BackupTLS.ensure(root: "")          // /etc/rewind/backup-tls on this machine
/// ```
public enum BackupTLS {
    /// Where the certificates live on the host (inside the root for a release host).
    public static let directory = RewindPaths.backupTLSDirectory

    /// The qemu.conf setting that points QEMU's backup NBD server at ``directory``.
    public static var setting: QemuConf.Setting { QemuConf.Setting("backup_tls_x509_cert_dir", "\"\(directory)\"") }

    /// The files a client copies (libnbd's `nbd_set_tls_certificates` directory layout).
    public static let clientFiles = ["ca-cert.pem", "client-cert.pem", "client-key.pem"]

    /// Makes the CA and the two certificates under `root` + ``directory`` unless they are there already
    /// (elliptic-curve keys; ten years). Returns whether it made them.
    @discardableResult
    public static func ensure(root: String) throws(LiveHostError) -> Bool {
        let dir = root + directory
        let fm = FileManager.default
        if fm.fileExists(atPath: dir + "/server-cert.pem"), fm.fileExists(atPath: dir + "/client-cert.pem") { return false }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw LiveHostError(.commandFailed, "cannot create \(dir): \(error.localizedDescription)")
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Command.mustRun(["openssl", "req", "-x509"] + key + [
            "-keyout", dir + "/ca-key.pem", "-out", dir + "/ca-cert.pem", "-days", "3650",
            "-subj", "/CN=Rewind backup TLS CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ], timeout: 60)
        for (role, usage, san) in [("server", "serverAuth", "IP:127.0.0.1,DNS:localhost"), ("client", "clientAuth", "DNS:rewind-client")] {
            let extensions = dir + "/\(role).ext"
            do {
                try "subjectAltName=\(san)\nextendedKeyUsage=\(usage)\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    .write(toFile: extensions, atomically: true, encoding: .utf8)
            } catch {
                throw LiveHostError(.commandFailed, "cannot write \(extensions): \(error.localizedDescription)")
            }
            try Command.mustRun(["openssl", "req"] + key + [
                "-keyout", dir + "/\(role)-key.pem", "-out", dir + "/\(role).csr", "-subj", "/CN=rewind-\(role)",
            ], timeout: 60)
            try Command.mustRun(["openssl", "x509", "-req", "-in", dir + "/\(role).csr", "-CA", dir + "/ca-cert.pem",
                                 "-CAkey", dir + "/ca-key.pem", "-CAcreateserial", "-out", dir + "/\(role)-cert.pem",
                                 "-days", "3650", "-extfile", extensions], timeout: 60)
            try? fm.removeItem(atPath: dir + "/\(role).csr")
            try? fm.removeItem(atPath: extensions)
        }
        // QEMU (root here) and a client copying the client files read them; the keys stay root's.
        for file in ["server-key.pem", "client-key.pem", "ca-key.pem"] {
            try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/" + file)
        }
        return true
    }
}
