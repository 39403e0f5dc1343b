// Generated from /usr/include/libvirt/virterror.h (libvirt 9.0.0) by the maintainers; the numbers are libvirt's ABI.
// Do not edit by hand: regenerate when libvirt adds codes.

extension LibvirtError.Code {
    /// `VIR_ERR_OK` (0).
    public static let ok = Self(rawValue: 0)
    /// `VIR_ERR_INTERNAL_ERROR` (1).
    public static let internalError = Self(rawValue: 1)
    /// `VIR_ERR_NO_MEMORY` (2).
    public static let noMemory = Self(rawValue: 2)
    /// `VIR_ERR_NO_SUPPORT` (3).
    public static let noSupport = Self(rawValue: 3)
    /// `VIR_ERR_UNKNOWN_HOST` (4).
    public static let unknownHost = Self(rawValue: 4)
    /// `VIR_ERR_NO_CONNECT` (5).
    public static let noConnect = Self(rawValue: 5)
    /// `VIR_ERR_INVALID_CONN` (6).
    public static let invalidConn = Self(rawValue: 6)
    /// `VIR_ERR_INVALID_DOMAIN` (7).
    public static let invalidDomain = Self(rawValue: 7)
    /// `VIR_ERR_INVALID_ARG` (8).
    public static let invalidArg = Self(rawValue: 8)
    /// `VIR_ERR_OPERATION_FAILED` (9).
    public static let operationFailed = Self(rawValue: 9)
    /// `VIR_ERR_GET_FAILED` (10).
    public static let getFailed = Self(rawValue: 10)
    /// `VIR_ERR_POST_FAILED` (11).
    public static let postFailed = Self(rawValue: 11)
    /// `VIR_ERR_HTTP_ERROR` (12).
    public static let httpError = Self(rawValue: 12)
    /// `VIR_ERR_SEXPR_SERIAL` (13).
    public static let sexprSerial = Self(rawValue: 13)
    /// `VIR_ERR_NO_XEN` (14).
    public static let noXen = Self(rawValue: 14)
    /// `VIR_ERR_XEN_CALL` (15).
    public static let xenCall = Self(rawValue: 15)
    /// `VIR_ERR_OS_TYPE` (16).
    public static let osType = Self(rawValue: 16)
    /// `VIR_ERR_NO_KERNEL` (17).
    public static let noKernel = Self(rawValue: 17)
    /// `VIR_ERR_NO_ROOT` (18).
    public static let noRoot = Self(rawValue: 18)
    /// `VIR_ERR_NO_SOURCE` (19).
    public static let noSource = Self(rawValue: 19)
    /// `VIR_ERR_NO_TARGET` (20).
    public static let noTarget = Self(rawValue: 20)
    /// `VIR_ERR_NO_NAME` (21).
    public static let noName = Self(rawValue: 21)
    /// `VIR_ERR_NO_OS` (22).
    public static let noOs = Self(rawValue: 22)
    /// `VIR_ERR_NO_DEVICE` (23).
    public static let noDevice = Self(rawValue: 23)
    /// `VIR_ERR_NO_XENSTORE` (24).
    public static let noXenstore = Self(rawValue: 24)
    /// `VIR_ERR_DRIVER_FULL` (25).
    public static let driverFull = Self(rawValue: 25)
    /// `VIR_ERR_CALL_FAILED` (26).
    public static let callFailed = Self(rawValue: 26)
    /// `VIR_ERR_XML_ERROR` (27).
    public static let xmlError = Self(rawValue: 27)
    /// `VIR_ERR_DOM_EXIST` (28).
    public static let domExist = Self(rawValue: 28)
    /// `VIR_ERR_OPERATION_DENIED` (29).
    public static let operationDenied = Self(rawValue: 29)
    /// `VIR_ERR_OPEN_FAILED` (30).
    public static let openFailed = Self(rawValue: 30)
    /// `VIR_ERR_READ_FAILED` (31).
    public static let readFailed = Self(rawValue: 31)
    /// `VIR_ERR_PARSE_FAILED` (32).
    public static let parseFailed = Self(rawValue: 32)
    /// `VIR_ERR_CONF_SYNTAX` (33).
    public static let confSyntax = Self(rawValue: 33)
    /// `VIR_ERR_WRITE_FAILED` (34).
    public static let writeFailed = Self(rawValue: 34)
    /// `VIR_ERR_XML_DETAIL` (35).
    public static let xmlDetail = Self(rawValue: 35)
    /// `VIR_ERR_INVALID_NETWORK` (36).
    public static let invalidNetwork = Self(rawValue: 36)
    /// `VIR_ERR_NETWORK_EXIST` (37).
    public static let networkExist = Self(rawValue: 37)
    /// `VIR_ERR_SYSTEM_ERROR` (38).
    public static let systemError = Self(rawValue: 38)
    /// `VIR_ERR_RPC` (39).
    public static let rpc = Self(rawValue: 39)
    /// `VIR_ERR_GNUTLS_ERROR` (40).
    public static let gnutlsError = Self(rawValue: 40)
    /// `VIR_ERR_NO_DOMAIN` (42).
    public static let noDomain = Self(rawValue: 42)
    /// `VIR_ERR_NO_NETWORK` (43).
    public static let noNetwork = Self(rawValue: 43)
    /// `VIR_ERR_INVALID_MAC` (44).
    public static let invalidMac = Self(rawValue: 44)
    /// `VIR_ERR_AUTH_FAILED` (45).
    public static let authFailed = Self(rawValue: 45)
    /// `VIR_ERR_INVALID_STORAGE_POOL` (46).
    public static let invalidStoragePool = Self(rawValue: 46)
    /// `VIR_ERR_INVALID_STORAGE_VOL` (47).
    public static let invalidStorageVol = Self(rawValue: 47)
    /// `VIR_ERR_NO_STORAGE_POOL` (49).
    public static let noStoragePool = Self(rawValue: 49)
    /// `VIR_ERR_NO_STORAGE_VOL` (50).
    public static let noStorageVol = Self(rawValue: 50)
    /// `VIR_ERR_INVALID_NODE_DEVICE` (52).
    public static let invalidNodeDevice = Self(rawValue: 52)
    /// `VIR_ERR_NO_NODE_DEVICE` (53).
    public static let noNodeDevice = Self(rawValue: 53)
    /// `VIR_ERR_NO_SECURITY_MODEL` (54).
    public static let noSecurityModel = Self(rawValue: 54)
    /// `VIR_ERR_OPERATION_INVALID` (55).
    public static let operationInvalid = Self(rawValue: 55)
    /// `VIR_ERR_NO_INTERFACE` (57).
    public static let noInterface = Self(rawValue: 57)
    /// `VIR_ERR_INVALID_INTERFACE` (58).
    public static let invalidInterface = Self(rawValue: 58)
    /// `VIR_ERR_MULTIPLE_INTERFACES` (59).
    public static let multipleInterfaces = Self(rawValue: 59)
    /// `VIR_ERR_INVALID_NWFILTER` (61).
    public static let invalidNwfilter = Self(rawValue: 61)
    /// `VIR_ERR_NO_NWFILTER` (62).
    public static let noNwfilter = Self(rawValue: 62)
    /// `VIR_ERR_BUILD_FIREWALL` (63).
    public static let buildFirewall = Self(rawValue: 63)
    /// `VIR_ERR_INVALID_SECRET` (65).
    public static let invalidSecret = Self(rawValue: 65)
    /// `VIR_ERR_NO_SECRET` (66).
    public static let noSecret = Self(rawValue: 66)
    /// `VIR_ERR_CONFIG_UNSUPPORTED` (67).
    public static let configUnsupported = Self(rawValue: 67)
    /// `VIR_ERR_OPERATION_TIMEOUT` (68).
    public static let operationTimeout = Self(rawValue: 68)
    /// `VIR_ERR_MIGRATE_PERSIST_FAILED` (69).
    public static let migratePersistFailed = Self(rawValue: 69)
    /// `VIR_ERR_HOOK_SCRIPT_FAILED` (70).
    public static let hookScriptFailed = Self(rawValue: 70)
    /// `VIR_ERR_INVALID_DOMAIN_SNAPSHOT` (71).
    public static let invalidDomainSnapshot = Self(rawValue: 71)
    /// `VIR_ERR_NO_DOMAIN_SNAPSHOT` (72).
    public static let noDomainSnapshot = Self(rawValue: 72)
    /// `VIR_ERR_INVALID_STREAM` (73).
    public static let invalidStream = Self(rawValue: 73)
    /// `VIR_ERR_ARGUMENT_UNSUPPORTED` (74).
    public static let argumentUnsupported = Self(rawValue: 74)
    /// `VIR_ERR_STORAGE_PROBE_FAILED` (75).
    public static let storageProbeFailed = Self(rawValue: 75)
    /// `VIR_ERR_STORAGE_POOL_BUILT` (76).
    public static let storagePoolBuilt = Self(rawValue: 76)
    /// `VIR_ERR_SNAPSHOT_REVERT_RISKY` (77).
    public static let snapshotRevertRisky = Self(rawValue: 77)
    /// `VIR_ERR_OPERATION_ABORTED` (78).
    public static let operationAborted = Self(rawValue: 78)
    /// `VIR_ERR_AUTH_CANCELLED` (79).
    public static let authCancelled = Self(rawValue: 79)
    /// `VIR_ERR_NO_DOMAIN_METADATA` (80).
    public static let noDomainMetadata = Self(rawValue: 80)
    /// `VIR_ERR_MIGRATE_UNSAFE` (81).
    public static let migrateUnsafe = Self(rawValue: 81)
    /// `VIR_ERR_OVERFLOW` (82).
    public static let overflow = Self(rawValue: 82)
    /// `VIR_ERR_BLOCK_COPY_ACTIVE` (83).
    public static let blockCopyActive = Self(rawValue: 83)
    /// `VIR_ERR_OPERATION_UNSUPPORTED` (84).
    public static let operationUnsupported = Self(rawValue: 84)
    /// `VIR_ERR_SSH` (85).
    public static let ssh = Self(rawValue: 85)
    /// `VIR_ERR_AGENT_UNRESPONSIVE` (86).
    public static let agentUnresponsive = Self(rawValue: 86)
    /// `VIR_ERR_RESOURCE_BUSY` (87).
    public static let resourceBusy = Self(rawValue: 87)
    /// `VIR_ERR_ACCESS_DENIED` (88).
    public static let accessDenied = Self(rawValue: 88)
    /// `VIR_ERR_DBUS_SERVICE` (89).
    public static let dbusService = Self(rawValue: 89)
    /// `VIR_ERR_STORAGE_VOL_EXIST` (90).
    public static let storageVolExist = Self(rawValue: 90)
    /// `VIR_ERR_CPU_INCOMPATIBLE` (91).
    public static let cpuIncompatible = Self(rawValue: 91)
    /// `VIR_ERR_XML_INVALID_SCHEMA` (92).
    public static let xmlInvalidSchema = Self(rawValue: 92)
    /// `VIR_ERR_MIGRATE_FINISH_OK` (93).
    public static let migrateFinishOk = Self(rawValue: 93)
    /// `VIR_ERR_AUTH_UNAVAILABLE` (94).
    public static let authUnavailable = Self(rawValue: 94)
    /// `VIR_ERR_NO_SERVER` (95).
    public static let noServer = Self(rawValue: 95)
    /// `VIR_ERR_NO_CLIENT` (96).
    public static let noClient = Self(rawValue: 96)
    /// `VIR_ERR_AGENT_UNSYNCED` (97).
    public static let agentUnsynced = Self(rawValue: 97)
    /// `VIR_ERR_LIBSSH` (98).
    public static let libssh = Self(rawValue: 98)
    /// `VIR_ERR_DEVICE_MISSING` (99).
    public static let deviceMissing = Self(rawValue: 99)
    /// `VIR_ERR_INVALID_NWFILTER_BINDING` (100).
    public static let invalidNwfilterBinding = Self(rawValue: 100)
    /// `VIR_ERR_NO_NWFILTER_BINDING` (101).
    public static let noNwfilterBinding = Self(rawValue: 101)
    /// `VIR_ERR_INVALID_DOMAIN_CHECKPOINT` (102).
    public static let invalidDomainCheckpoint = Self(rawValue: 102)
    /// `VIR_ERR_NO_DOMAIN_CHECKPOINT` (103).
    public static let noDomainCheckpoint = Self(rawValue: 103)
    /// `VIR_ERR_NO_DOMAIN_BACKUP` (104).
    public static let noDomainBackup = Self(rawValue: 104)
    /// `VIR_ERR_INVALID_NETWORK_PORT` (105).
    public static let invalidNetworkPort = Self(rawValue: 105)
    /// `VIR_ERR_NETWORK_PORT_EXIST` (106).
    public static let networkPortExist = Self(rawValue: 106)
    /// `VIR_ERR_NO_NETWORK_PORT` (107).
    public static let noNetworkPort = Self(rawValue: 107)
    /// `VIR_ERR_NO_HOSTNAME` (108).
    public static let noHostname = Self(rawValue: 108)
    /// `VIR_ERR_CHECKPOINT_INCONSISTENT` (109).
    public static let checkpointInconsistent = Self(rawValue: 109)
    /// `VIR_ERR_MULTIPLE_DOMAINS` (110).
    public static let multipleDomains = Self(rawValue: 110)

    /// The C enumerator name for each known value, as in `virterror.h`.
    static let names: [Int32: String] = [
        0: "VIR_ERR_OK",
        1: "VIR_ERR_INTERNAL_ERROR",
        2: "VIR_ERR_NO_MEMORY",
        3: "VIR_ERR_NO_SUPPORT",
        4: "VIR_ERR_UNKNOWN_HOST",
        5: "VIR_ERR_NO_CONNECT",
        6: "VIR_ERR_INVALID_CONN",
        7: "VIR_ERR_INVALID_DOMAIN",
        8: "VIR_ERR_INVALID_ARG",
        9: "VIR_ERR_OPERATION_FAILED",
        10: "VIR_ERR_GET_FAILED",
        11: "VIR_ERR_POST_FAILED",
        12: "VIR_ERR_HTTP_ERROR",
        13: "VIR_ERR_SEXPR_SERIAL",
        14: "VIR_ERR_NO_XEN",
        15: "VIR_ERR_XEN_CALL",
        16: "VIR_ERR_OS_TYPE",
        17: "VIR_ERR_NO_KERNEL",
        18: "VIR_ERR_NO_ROOT",
        19: "VIR_ERR_NO_SOURCE",
        20: "VIR_ERR_NO_TARGET",
        21: "VIR_ERR_NO_NAME",
        22: "VIR_ERR_NO_OS",
        23: "VIR_ERR_NO_DEVICE",
        24: "VIR_ERR_NO_XENSTORE",
        25: "VIR_ERR_DRIVER_FULL",
        26: "VIR_ERR_CALL_FAILED",
        27: "VIR_ERR_XML_ERROR",
        28: "VIR_ERR_DOM_EXIST",
        29: "VIR_ERR_OPERATION_DENIED",
        30: "VIR_ERR_OPEN_FAILED",
        31: "VIR_ERR_READ_FAILED",
        32: "VIR_ERR_PARSE_FAILED",
        33: "VIR_ERR_CONF_SYNTAX",
        34: "VIR_ERR_WRITE_FAILED",
        35: "VIR_ERR_XML_DETAIL",
        36: "VIR_ERR_INVALID_NETWORK",
        37: "VIR_ERR_NETWORK_EXIST",
        38: "VIR_ERR_SYSTEM_ERROR",
        39: "VIR_ERR_RPC",
        40: "VIR_ERR_GNUTLS_ERROR",
        42: "VIR_ERR_NO_DOMAIN",
        43: "VIR_ERR_NO_NETWORK",
        44: "VIR_ERR_INVALID_MAC",
        45: "VIR_ERR_AUTH_FAILED",
        46: "VIR_ERR_INVALID_STORAGE_POOL",
        47: "VIR_ERR_INVALID_STORAGE_VOL",
        49: "VIR_ERR_NO_STORAGE_POOL",
        50: "VIR_ERR_NO_STORAGE_VOL",
        52: "VIR_ERR_INVALID_NODE_DEVICE",
        53: "VIR_ERR_NO_NODE_DEVICE",
        54: "VIR_ERR_NO_SECURITY_MODEL",
        55: "VIR_ERR_OPERATION_INVALID",
        57: "VIR_ERR_NO_INTERFACE",
        58: "VIR_ERR_INVALID_INTERFACE",
        59: "VIR_ERR_MULTIPLE_INTERFACES",
        61: "VIR_ERR_INVALID_NWFILTER",
        62: "VIR_ERR_NO_NWFILTER",
        63: "VIR_ERR_BUILD_FIREWALL",
        65: "VIR_ERR_INVALID_SECRET",
        66: "VIR_ERR_NO_SECRET",
        67: "VIR_ERR_CONFIG_UNSUPPORTED",
        68: "VIR_ERR_OPERATION_TIMEOUT",
        69: "VIR_ERR_MIGRATE_PERSIST_FAILED",
        70: "VIR_ERR_HOOK_SCRIPT_FAILED",
        71: "VIR_ERR_INVALID_DOMAIN_SNAPSHOT",
        72: "VIR_ERR_NO_DOMAIN_SNAPSHOT",
        73: "VIR_ERR_INVALID_STREAM",
        74: "VIR_ERR_ARGUMENT_UNSUPPORTED",
        75: "VIR_ERR_STORAGE_PROBE_FAILED",
        76: "VIR_ERR_STORAGE_POOL_BUILT",
        77: "VIR_ERR_SNAPSHOT_REVERT_RISKY",
        78: "VIR_ERR_OPERATION_ABORTED",
        79: "VIR_ERR_AUTH_CANCELLED",
        80: "VIR_ERR_NO_DOMAIN_METADATA",
        81: "VIR_ERR_MIGRATE_UNSAFE",
        82: "VIR_ERR_OVERFLOW",
        83: "VIR_ERR_BLOCK_COPY_ACTIVE",
        84: "VIR_ERR_OPERATION_UNSUPPORTED",
        85: "VIR_ERR_SSH",
        86: "VIR_ERR_AGENT_UNRESPONSIVE",
        87: "VIR_ERR_RESOURCE_BUSY",
        88: "VIR_ERR_ACCESS_DENIED",
        89: "VIR_ERR_DBUS_SERVICE",
        90: "VIR_ERR_STORAGE_VOL_EXIST",
        91: "VIR_ERR_CPU_INCOMPATIBLE",
        92: "VIR_ERR_XML_INVALID_SCHEMA",
        93: "VIR_ERR_MIGRATE_FINISH_OK",
        94: "VIR_ERR_AUTH_UNAVAILABLE",
        95: "VIR_ERR_NO_SERVER",
        96: "VIR_ERR_NO_CLIENT",
        97: "VIR_ERR_AGENT_UNSYNCED",
        98: "VIR_ERR_LIBSSH",
        99: "VIR_ERR_DEVICE_MISSING",
        100: "VIR_ERR_INVALID_NWFILTER_BINDING",
        101: "VIR_ERR_NO_NWFILTER_BINDING",
        102: "VIR_ERR_INVALID_DOMAIN_CHECKPOINT",
        103: "VIR_ERR_NO_DOMAIN_CHECKPOINT",
        104: "VIR_ERR_NO_DOMAIN_BACKUP",
        105: "VIR_ERR_INVALID_NETWORK_PORT",
        106: "VIR_ERR_NETWORK_PORT_EXIST",
        107: "VIR_ERR_NO_NETWORK_PORT",
        108: "VIR_ERR_NO_HOSTNAME",
        109: "VIR_ERR_CHECKPOINT_INCONSISTENT",
        110: "VIR_ERR_MULTIPLE_DOMAINS",
    ]
}

extension LibvirtError.Domain {
    /// `VIR_FROM_NONE` (0).
    public static let none = Self(rawValue: 0)
    /// `VIR_FROM_XEN` (1).
    public static let xen = Self(rawValue: 1)
    /// `VIR_FROM_XEND` (2).
    public static let xend = Self(rawValue: 2)
    /// `VIR_FROM_XENSTORE` (3).
    public static let xenstore = Self(rawValue: 3)
    /// `VIR_FROM_SEXPR` (4).
    public static let sexpr = Self(rawValue: 4)
    /// `VIR_FROM_XML` (5).
    public static let xml = Self(rawValue: 5)
    /// `VIR_FROM_DOM` (6).
    public static let dom = Self(rawValue: 6)
    /// `VIR_FROM_RPC` (7).
    public static let rpc = Self(rawValue: 7)
    /// `VIR_FROM_PROXY` (8).
    public static let proxy = Self(rawValue: 8)
    /// `VIR_FROM_CONF` (9).
    public static let conf = Self(rawValue: 9)
    /// `VIR_FROM_QEMU` (10).
    public static let qemu = Self(rawValue: 10)
    /// `VIR_FROM_NET` (11).
    public static let net = Self(rawValue: 11)
    /// `VIR_FROM_TEST` (12).
    public static let test = Self(rawValue: 12)
    /// `VIR_FROM_REMOTE` (13).
    public static let remote = Self(rawValue: 13)
    /// `VIR_FROM_OPENVZ` (14).
    public static let openvz = Self(rawValue: 14)
    /// `VIR_FROM_XENXM` (15).
    public static let xenxm = Self(rawValue: 15)
    /// `VIR_FROM_STATS_LINUX` (16).
    public static let statsLinux = Self(rawValue: 16)
    /// `VIR_FROM_LXC` (17).
    public static let lxc = Self(rawValue: 17)
    /// `VIR_FROM_STORAGE` (18).
    public static let storage = Self(rawValue: 18)
    /// `VIR_FROM_NETWORK` (19).
    public static let network = Self(rawValue: 19)
    /// `VIR_FROM_DOMAIN` (20).
    public static let domain = Self(rawValue: 20)
    /// `VIR_FROM_UML` (21).
    public static let uml = Self(rawValue: 21)
    /// `VIR_FROM_NODEDEV` (22).
    public static let nodedev = Self(rawValue: 22)
    /// `VIR_FROM_XEN_INOTIFY` (23).
    public static let xenInotify = Self(rawValue: 23)
    /// `VIR_FROM_SECURITY` (24).
    public static let security = Self(rawValue: 24)
    /// `VIR_FROM_VBOX` (25).
    public static let vbox = Self(rawValue: 25)
    /// `VIR_FROM_INTERFACE` (26).
    public static let interface = Self(rawValue: 26)
    /// `VIR_FROM_ONE` (27).
    public static let one = Self(rawValue: 27)
    /// `VIR_FROM_ESX` (28).
    public static let esx = Self(rawValue: 28)
    /// `VIR_FROM_PHYP` (29).
    public static let phyp = Self(rawValue: 29)
    /// `VIR_FROM_SECRET` (30).
    public static let secret = Self(rawValue: 30)
    /// `VIR_FROM_CPU` (31).
    public static let cpu = Self(rawValue: 31)
    /// `VIR_FROM_XENAPI` (32).
    public static let xenapi = Self(rawValue: 32)
    /// `VIR_FROM_NWFILTER` (33).
    public static let nwfilter = Self(rawValue: 33)
    /// `VIR_FROM_HOOK` (34).
    public static let hook = Self(rawValue: 34)
    /// `VIR_FROM_DOMAIN_SNAPSHOT` (35).
    public static let domainSnapshot = Self(rawValue: 35)
    /// `VIR_FROM_AUDIT` (36).
    public static let audit = Self(rawValue: 36)
    /// `VIR_FROM_SYSINFO` (37).
    public static let sysinfo = Self(rawValue: 37)
    /// `VIR_FROM_STREAMS` (38).
    public static let streams = Self(rawValue: 38)
    /// `VIR_FROM_VMWARE` (39).
    public static let vmware = Self(rawValue: 39)
    /// `VIR_FROM_EVENT` (40).
    public static let event = Self(rawValue: 40)
    /// `VIR_FROM_LIBXL` (41).
    public static let libxl = Self(rawValue: 41)
    /// `VIR_FROM_LOCKING` (42).
    public static let locking = Self(rawValue: 42)
    /// `VIR_FROM_HYPERV` (43).
    public static let hyperv = Self(rawValue: 43)
    /// `VIR_FROM_CAPABILITIES` (44).
    public static let capabilities = Self(rawValue: 44)
    /// `VIR_FROM_URI` (45).
    public static let uri = Self(rawValue: 45)
    /// `VIR_FROM_AUTH` (46).
    public static let auth = Self(rawValue: 46)
    /// `VIR_FROM_DBUS` (47).
    public static let dbus = Self(rawValue: 47)
    /// `VIR_FROM_PARALLELS` (48).
    public static let parallels = Self(rawValue: 48)
    /// `VIR_FROM_DEVICE` (49).
    public static let device = Self(rawValue: 49)
    /// `VIR_FROM_SSH` (50).
    public static let ssh = Self(rawValue: 50)
    /// `VIR_FROM_LOCKSPACE` (51).
    public static let lockspace = Self(rawValue: 51)
    /// `VIR_FROM_INITCTL` (52).
    public static let initctl = Self(rawValue: 52)
    /// `VIR_FROM_IDENTITY` (53).
    public static let identity = Self(rawValue: 53)
    /// `VIR_FROM_CGROUP` (54).
    public static let cgroup = Self(rawValue: 54)
    /// `VIR_FROM_ACCESS` (55).
    public static let access = Self(rawValue: 55)
    /// `VIR_FROM_SYSTEMD` (56).
    public static let systemd = Self(rawValue: 56)
    /// `VIR_FROM_BHYVE` (57).
    public static let bhyve = Self(rawValue: 57)
    /// `VIR_FROM_CRYPTO` (58).
    public static let crypto = Self(rawValue: 58)
    /// `VIR_FROM_FIREWALL` (59).
    public static let firewall = Self(rawValue: 59)
    /// `VIR_FROM_POLKIT` (60).
    public static let polkit = Self(rawValue: 60)
    /// `VIR_FROM_THREAD` (61).
    public static let thread = Self(rawValue: 61)
    /// `VIR_FROM_ADMIN` (62).
    public static let admin = Self(rawValue: 62)
    /// `VIR_FROM_LOGGING` (63).
    public static let logging = Self(rawValue: 63)
    /// `VIR_FROM_XENXL` (64).
    public static let xenxl = Self(rawValue: 64)
    /// `VIR_FROM_PERF` (65).
    public static let perf = Self(rawValue: 65)
    /// `VIR_FROM_LIBSSH` (66).
    public static let libssh = Self(rawValue: 66)
    /// `VIR_FROM_RESCTRL` (67).
    public static let resctrl = Self(rawValue: 67)
    /// `VIR_FROM_FIREWALLD` (68).
    public static let firewalld = Self(rawValue: 68)
    /// `VIR_FROM_DOMAIN_CHECKPOINT` (69).
    public static let domainCheckpoint = Self(rawValue: 69)
    /// `VIR_FROM_TPM` (70).
    public static let tpm = Self(rawValue: 70)
    /// `VIR_FROM_BPF` (71).
    public static let bpf = Self(rawValue: 71)
    /// `VIR_FROM_CH` (72).
    public static let ch = Self(rawValue: 72)

    /// The C enumerator name for each known value, as in `virterror.h`.
    static let names: [Int32: String] = [
        0: "VIR_FROM_NONE",
        1: "VIR_FROM_XEN",
        2: "VIR_FROM_XEND",
        3: "VIR_FROM_XENSTORE",
        4: "VIR_FROM_SEXPR",
        5: "VIR_FROM_XML",
        6: "VIR_FROM_DOM",
        7: "VIR_FROM_RPC",
        8: "VIR_FROM_PROXY",
        9: "VIR_FROM_CONF",
        10: "VIR_FROM_QEMU",
        11: "VIR_FROM_NET",
        12: "VIR_FROM_TEST",
        13: "VIR_FROM_REMOTE",
        14: "VIR_FROM_OPENVZ",
        15: "VIR_FROM_XENXM",
        16: "VIR_FROM_STATS_LINUX",
        17: "VIR_FROM_LXC",
        18: "VIR_FROM_STORAGE",
        19: "VIR_FROM_NETWORK",
        20: "VIR_FROM_DOMAIN",
        21: "VIR_FROM_UML",
        22: "VIR_FROM_NODEDEV",
        23: "VIR_FROM_XEN_INOTIFY",
        24: "VIR_FROM_SECURITY",
        25: "VIR_FROM_VBOX",
        26: "VIR_FROM_INTERFACE",
        27: "VIR_FROM_ONE",
        28: "VIR_FROM_ESX",
        29: "VIR_FROM_PHYP",
        30: "VIR_FROM_SECRET",
        31: "VIR_FROM_CPU",
        32: "VIR_FROM_XENAPI",
        33: "VIR_FROM_NWFILTER",
        34: "VIR_FROM_HOOK",
        35: "VIR_FROM_DOMAIN_SNAPSHOT",
        36: "VIR_FROM_AUDIT",
        37: "VIR_FROM_SYSINFO",
        38: "VIR_FROM_STREAMS",
        39: "VIR_FROM_VMWARE",
        40: "VIR_FROM_EVENT",
        41: "VIR_FROM_LIBXL",
        42: "VIR_FROM_LOCKING",
        43: "VIR_FROM_HYPERV",
        44: "VIR_FROM_CAPABILITIES",
        45: "VIR_FROM_URI",
        46: "VIR_FROM_AUTH",
        47: "VIR_FROM_DBUS",
        48: "VIR_FROM_PARALLELS",
        49: "VIR_FROM_DEVICE",
        50: "VIR_FROM_SSH",
        51: "VIR_FROM_LOCKSPACE",
        52: "VIR_FROM_INITCTL",
        53: "VIR_FROM_IDENTITY",
        54: "VIR_FROM_CGROUP",
        55: "VIR_FROM_ACCESS",
        56: "VIR_FROM_SYSTEMD",
        57: "VIR_FROM_BHYVE",
        58: "VIR_FROM_CRYPTO",
        59: "VIR_FROM_FIREWALL",
        60: "VIR_FROM_POLKIT",
        61: "VIR_FROM_THREAD",
        62: "VIR_FROM_ADMIN",
        63: "VIR_FROM_LOGGING",
        64: "VIR_FROM_XENXL",
        65: "VIR_FROM_PERF",
        66: "VIR_FROM_LIBSSH",
        67: "VIR_FROM_RESCTRL",
        68: "VIR_FROM_FIREWALLD",
        69: "VIR_FROM_DOMAIN_CHECKPOINT",
        70: "VIR_FROM_TPM",
        71: "VIR_FROM_BPF",
        72: "VIR_FROM_CH",
    ]
}
