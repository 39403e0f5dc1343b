internal import CLibvirt
internal import CLibvirtQemu
import Synchronization

/// The process-wide table of libvirt event registrations, one per (connection, domain, source),
/// each shared by the streams subscribed to it.
///
/// The first subscriber registers the callback (`virConnectDomainEventRegisterAny` with the domain as
/// filter, or `virConnectDomainQemuMonitorEventRegister` for a QEMU monitor event name); the last one to
/// leave deregisters it (`virConnectDomainEventDeregisterAny` / `virConnectDomainQemuMonitorEventDeregister`). libvirt then
/// calls the free callback, which releases the context. The table's lock is held across those C calls so
/// that registration and deregistration of one key never interleave; the event loop thread never takes it.
enum EventRegistry {
    /// What a registration delivers: one libvirt event ID, or the QEMU monitor events of one name.
    enum Source: Hashable, Sendable {
        case domainEvent(DomainEvent.ID)
        case qemuMonitor(String)
    }

    struct Key: Hashable, Sendable {
        /// The `virConnectPtr` of the domain handle. The entry keeps the `Domain`, hence that connection,
        /// alive, so the address cannot be reused while the entry exists.
        var connection: UInt
        var domainUUID: String
        var source: Source
    }

    private struct Entry {
        var callbackID: Int32
        var context: EventCallbackContext
        var domain: Domain
        var subscribers: Int
    }

    private static let table = Mutex<[Key: Entry]>([:])
    private static let tokens = Atomic<UInt64>(0)

    /// A process-unique token identifying one subscriber.
    static func makeToken() -> UInt64 { tokens.add(1, ordering: .relaxed).newValue }

    /// Adds `queue` as a subscriber of `source`'s events of `domain`, registering with libvirt if it is the
    /// first. Returns the key to unsubscribe with and the release signal of the registration's context.
    static func subscribe(domain: Domain, source: Source, queue: EventQueue,
                          token: UInt64) throws(LibvirtError) -> (Key, ReleaseSignal) {
        _ = try domain.handle() // the connection must still be open
        guard let conn = virDomainGetConnect(domain.rawHandle) else { throw LibvirtError.last() }
        let key = Key(connection: UInt(bitPattern: conn), domainUUID: domain.uuid, source: source)
        let result: Result<ReleaseSignal, LibvirtError> = table.withLock { table in
            if var entry = table[key] {
                entry.context.add(queue, token: token)
                entry.subscribers += 1
                table[key] = entry
                return .success(entry.context.released)
            }
            let context = EventCallbackContext()
            context.add(queue, token: token)
            do throws(LibvirtError) {
                let callbackID: Int32
                switch source {
                case .domainEvent(let id):
                    callbackID = try registerDomainEvent(connection: conn, domain: domain.rawHandle, id: id,
                                                         context: context)
                case .qemuMonitor(let name):
                    callbackID = try registerQemuMonitorEvent(connection: conn, domain: domain.rawHandle,
                                                              name: name, context: context)
                }
                table[key] = Entry(callbackID: callbackID, context: context, domain: domain, subscribers: 1)
                return .success(context.released)
            } catch {
                return .failure(error)
            }
        }
        return (key, try result.get())
    }

    /// Removes a subscriber; the last one deregisters the libvirt callback.
    static func unsubscribe(_ key: Key, token: UInt64) {
        // The removed entry is returned so that its Domain (and maybe the last reference to the connection)
        // is released after the lock.
        let removed: Entry? = table.withLock { table in
            guard var entry = table[key] else { return nil }
            entry.context.remove(token: token)
            entry.subscribers -= 1
            guard entry.subscribers == 0 else {
                table[key] = entry
                return nil
            }
            table[key] = nil
            if let conn = virDomainGetConnect(entry.domain.rawHandle) {
                let status = switch key.source {
                case .domainEvent: virConnectDomainEventDeregisterAny(conn, entry.callbackID)
                case .qemuMonitor: virConnectDomainQemuMonitorEventDeregister(conn, entry.callbackID)
                }
                guard status < 0 else { return entry }
                // Nothing to recover (the connection is broken); do not leave the error for the next caller.
                virResetLastError()
            }
            return entry
        }
        _ = removed
    }
}
