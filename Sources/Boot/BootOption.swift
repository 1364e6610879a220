/// The boot options Skiff knows, with how each takes its value.
enum BootOption: CaseIterable {
    case help, bootchart, verbose, quiet, nopci, norandom, noshutdown, powerOffOnAbort, noinit
    case nomount, nopivot, disableROFSCache, noASLR, noVDSO, traceBacktrace, traceList, strace, leak
    case env, cwd, console, rootfs, mountFS, redirect, delay, ip, defaultgw, nameserver, maxnic
    case trace, sampler, api, monitor, kernelTest
    case extraZFSPools, preloadZFSLibrary, assignNet

    enum Kind {
        case flag
        case value
        case optionalValue
        case unsupported(String)
    }

    /// The spelling after `--`.
    var name: String {
        switch self {
        case .help: "help"
        case .bootchart: "bootchart"
        case .verbose: "verbose"
        case .quiet: "quiet"
        case .nopci: "nopci"
        case .norandom: "norandom"
        case .noshutdown: "noshutdown"
        case .powerOffOnAbort: "power-off-on-abort"
        case .noinit: "noinit"
        case .nomount: "nomount"
        case .nopivot: "nopivot"
        case .disableROFSCache: "disable_rofs_cache"
        case .noASLR: "no-aslr"
        case .noVDSO: "no-vdso"
        case .traceBacktrace: "trace-backtrace"
        case .traceList: "trace-list"
        case .strace: "strace"
        case .leak: "leak"
        case .env: "env"
        case .cwd: "cwd"
        case .console: "console"
        case .rootfs: "rootfs"
        case .mountFS: "mount-fs"
        case .redirect: "redirect"
        case .delay: "delay"
        case .ip: "ip"
        case .defaultgw: "defaultgw"
        case .nameserver: "nameserver"
        case .maxnic: "maxnic"
        case .trace: "trace"
        case .sampler: "sampler"
        case .api: "api"
        case .monitor: "monitor"
        case .kernelTest: "kernel-test"
        case .extraZFSPools: "extra-zfs-pools"
        case .preloadZFSLibrary: "preload-zfs-library"
        case .assignNet: "assign-net"
        }
    }

    var kind: Kind {
        switch self {
        case .env, .cwd, .console, .rootfs, .mountFS, .redirect, .delay, .ip, .defaultgw, .nameserver,
            .maxnic, .trace, .sampler, .kernelTest:
            .value
        case .api, .monitor: .optionalValue
        case .extraZFSPools, .preloadZFSLibrary: .unsupported("Skiff has no ZFS; use ext4 (--rootfs=ext)")
        case .assignNet: .unsupported("network interfaces are configured with --ip or DHCP")
        default: .flag
        }
    }

    /// What the value looks like, for error messages.
    var valueHint: String {
        switch self {
        case .env: "NAME=VALUE"
        case .cwd: "/DIR"
        case .console: "serial|vga|all"
        case .rootfs: "rofs|ramfs|ext|9p[,TAG]"
        case .mountFS: "TYPE,SOURCE,/PATH"
        case .redirect: "FILE"
        case .delay: "SECONDS"
        case .ip: "IF,ADDRESS,NETMASK"
        case .defaultgw, .nameserver: "ADDRESS"
        case .maxnic: "N"
        case .trace: "PATTERNS"
        case .sampler: "HZ"
        case .api, .monitor: "PORT"
        case .kernelTest: "NAME"
        default: ""
        }
    }

    init?(name: [UInt8]) {
        for option in BootOption.allCases where Array(option.name.utf8) == name {
            self = option
            return
        }
        return nil
    }

    /// The known option nearest to a misspelling, when it is close enough to suggest.
    static func closest(to name: [UInt8]) -> String? {
        var best: (String, Int)? = nil
        for option in BootOption.allCases {
            if case .unsupported = option.kind { continue }
            let distance = editDistance(Array(option.name.utf8), name)
            if distance <= 2, best == nil || distance < best!.1 {
                best = (option.name, distance)
            }
        }
        return best?.0
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
