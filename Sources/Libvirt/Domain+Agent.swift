internal import CLibvirt
internal import CLibvirtQemu

// Raw commands to the QEMU guest agent (libvirt-qemu).

extension Domain {
    /// How long `qemuAgentCommand` waits for the guest agent's reply (`virDomainQemuAgentCommandTimeoutValues`).
    public enum AgentTimeout: Sendable, Hashable {
        /// Waits until the agent answers, however long it takes (`VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK`).
        case block
        /// The domain's agent timeout: 5 seconds in libvirt 9.0 unless changed with
        /// `virDomainAgentSetResponseTimeout` (`VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT`).
        case `default`
        /// Sends the command and returns without waiting for a reply (`VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT`).
        case noWait
        /// Waits at most this many seconds (a positive number).
        case seconds(Int32)

        /// The value libvirt expects in the C `timeout` argument.
        public var rawValue: Int32 {
            switch self {
            case .block: VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK.rawValue
            case .default: VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT.rawValue
            case .noWait: VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT.rawValue
            case .seconds(let s): s
            }
        }
    }

    /// Sends a raw JSON command, such as `{"execute":"guest-ping"}`, to the QEMU guest agent running inside the
    /// domain, and returns the agent's raw JSON reply (the corresponding C function is `virDomainQemuAgentCommand`).
    ///
    /// The domain needs a `<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>`
    /// and a guest that runs `qemu-guest-agent` on it. Until the agent has opened its port the call fails with
    /// `VIR_ERR_AGENT_UNRESPONSIVE` ("QEMU guest agent is not connected"); without the channel it fails with
    /// `VIR_ERR_ARGUMENT_UNSUPPORTED` ("QEMU guest agent is not configured"). An error the agent itself returns
    /// (`{"error":…}`) is raised as a `LibvirtError` too, with the agent's description in its message.
    ///
    /// libvirt does not interpret the command, so its effect is not reflected in libvirt's own view of the domain:
    /// the domain is marked tainted (`custom-ga-command` in its QEMU log). Prefer the dedicated APIs (for example
    /// `virDomainFSFreeze`) where one exists.
    ///
    /// ```swift
    /// let reply = try domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: .seconds(2))
    /// // reply == #"{"return":{}}"#
    /// ```
    public func qemuAgentCommand(_ command: String, timeout: AgentTimeout = .default) throws(LibvirtError) -> String {
        try checkString(virDomainQemuAgentCommand(try handle(), command, timeout.rawValue, 0))
    }
}
