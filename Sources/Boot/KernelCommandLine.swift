/// Parses the kernel command line the VMM passes (QEMU `-append`, Firecracker `boot_args`).
///
/// The grammar is OSv's: leading `--option` and `--option=value` tokens configure the kernel, a
/// lone `--` ends them, and the remaining tokens are the application's argv. Tokens split on
/// whitespace; `\` escapes the next character, and single or double quotes group a token.
/// `virtio_mmio.device=` entries are taken from anywhere in the line, because QEMU's microvm
/// appends them after whatever the user wrote; a few Linux-style `key=value` parameters that
/// Firecracker users carry over (`console=`, `reboot=`, `panic=`, `pci=off`, …) are accepted
/// before the options.
public enum KernelCommandLine {
    /// Parses `text` into options and the application's argv.
    public static func parse(_ text: String) throws(BootOptionError) -> BootOptions {
        var tokens = try tokenize(text)
        var options = BootOptions()

        // virtio-mmio device descriptions may appear anywhere.
        var remaining: [String] = []
        for token in tokens {
            let bytes = Array(token.utf8)
            if bytes.starts(with: virtioMMIOPrefix) {
                options.virtioMMIODevices.append(
                    try parseVirtioMMIODevice(Array(bytes[virtioMMIOPrefix.count...]), token: token))
            } else {
                remaining.append(token)
            }
        }
        tokens = remaining

        var index = 0
        while index < tokens.count {
            let bytes = Array(tokens[index].utf8)
            if bytes == doubleDash {
                index += 1
                break
            }
            if bytes.starts(with: doubleDash) {
                try apply(Array(bytes[2...]), token: tokens[index], to: &options)
                index += 1
                continue
            }
            if let linux = linuxParameter(bytes) {
                if linux == .pciOff { options.noPCI = true }
                if linux == .pciNoMSI { options.noMSI = true }
                index += 1
                continue
            }
            break
        }
        options.arguments = Array(tokens[index...])
        return options
    }

    /// Splits a command line into tokens, honouring quotes and backslash escapes.
    public static func tokenize(_ text: String) throws(BootOptionError) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        var inToken = false
        var quote: UInt8? = nil
        var escaped = false
        for byte in text.utf8 {
            if escaped {
                current.append(byte)
                escaped = false
                inToken = true
                continue
            }
            if let q = quote {
                if byte == q {
                    quote = nil
                } else if byte == backslash && q == doubleQuote {
                    escaped = true
                } else {
                    current.append(byte)
                }
                continue
            }
            switch byte {
            case backslash:
                escaped = true
                inToken = true
            case singleQuote, doubleQuote:
                quote = byte
                inToken = true
            case space, tab, newline, carriageReturn:
                if inToken {
                    tokens.append(String(decoding: current, as: UTF8.self))
                    current.removeAll()
                    inToken = false
                }
            default:
                current.append(byte)
                inToken = true
            }
        }
        if quote != nil {
            throw BootOptionError("unterminated quote in the kernel command line")
        }
        if escaped {
            throw BootOptionError("the kernel command line ends with a lone backslash")
        }
        if inToken {
            tokens.append(String(decoding: current, as: UTF8.self))
        }
        return tokens
    }

    // MARK: - Options

    private static func apply(
        _ body: [UInt8], token: String, to options: inout BootOptions
    ) throws(BootOptionError) {
        var name = body
        var value: [UInt8]? = nil
        if let eq = body.firstIndex(of: equals) {
            name = Array(body[..<eq])
            value = Array(body[(eq + 1)...])
        }
        guard let option = BootOption(name: name) else {
            let spelled = "--" + String(decoding: name, as: UTF8.self)
            if let hint = BootOption.closest(to: name) {
                throw BootOptionError("unknown boot option '\(spelled)'; did you mean '--\(hint)'? (--help lists them)")
            }
            throw BootOptionError("unknown boot option '\(spelled)' (--help lists them)")
        }
        let display = "--" + option.name
        switch option.kind {
        case .flag:
            if value != nil { throw BootOptionError("\(display) takes no value (got '\(token)')") }
        case .value:
            guard let v = value, !v.isEmpty else {
                throw BootOptionError("\(display) needs a value: \(display)=\(option.valueHint)")
            }
        case .optionalValue:
            if let v = value, v.isEmpty {
                throw BootOptionError("\(display)= needs a value: \(display)=\(option.valueHint)")
            }
        case .unsupported(let reason):
            throw BootOptionError("\(display) is not supported by Skiff: \(reason)")
        }
        let v = value ?? []
        let text = String(decoding: v, as: UTF8.self)
        func invalid(_ expectation: String) -> BootOptionError {
            BootOptionError("invalid value '\(text)' for \(display): expected \(expectation)")
        }

        switch option {
        case .help: options.help = true
        case .bootchart: options.bootchart = true
        case .verbose: options.verbose = true
        case .quiet: options.quiet = true
        case .nopci: options.noPCI = true
        case .norandom: options.noRandom = true
        case .noshutdown: options.noShutdown = true
        case .powerOffOnAbort: options.powerOffOnAbort = true
        case .noinit: options.noInit = true
        case .nomount: options.noMount = true
        case .nopivot: options.noPivot = true
        case .disableROFSCache: options.disableImageCache = true
        case .noASLR: options.noASLR = true
        case .noVDSO: options.noVDSO = true
        case .traceBacktrace: options.traceBacktrace = true
        case .traceList: options.traceList = true
        case .strace: options.strace = true
        case .leak: options.leakDetector = true
        case .env:
            guard let eq = v.firstIndex(of: equals), eq > 0 else { throw invalid("NAME=VALUE") }
            options.environment.append(
                EnvironmentVariable(
                    name: String(decoding: v[..<eq], as: UTF8.self),
                    value: String(decoding: v[(eq + 1)...], as: UTF8.self)))
        case .cwd:
            guard v.first == slash else { throw invalid("an absolute path") }
            options.workingDirectory = text
        case .console:
            switch v {
            case Array("serial".utf8): options.console = .serial
            case Array("vga".utf8): options.console = .vga
            case Array("all".utf8): options.console = .all
            default: throw invalid("serial, vga or all")
            }
        case .rootfs:
            if v.starts(with: Array("9p,".utf8)) {
                guard v.count > 3 else { throw invalid("rofs, ramfs, ext, 9p or 9p,TAG") }
                options.rootFileSystem = .ninep
                options.rootShare = String(decoding: v[3...], as: UTF8.self)
                return
            }
            switch v {
            case Array("rofs".utf8), Array("image".utf8): options.rootFileSystem = .image
            case Array("ramfs".utf8): options.rootFileSystem = .ramfs
            case Array("ext".utf8), Array("ext4".utf8): options.rootFileSystem = .ext
            case Array("9p".utf8): options.rootFileSystem = .ninep
            case Array("zfs".utf8):
                throw BootOptionError("--rootfs=zfs is not supported by Skiff: use --rootfs=ext (ext4) for a writable root")
            case Array("virtiofs".utf8):
                throw BootOptionError("--rootfs=virtiofs is not supported by Skiff: share a host folder with --rootfs=9p")
            default: throw invalid("rofs, ramfs, ext, 9p or 9p,TAG")
            }
        case .mountFS:
            let parts = v.split(separator: comma, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, parts[2].first == slash else {
                throw invalid("TYPE,SOURCE,/PATH")
            }
            options.mounts.append(
                MountRequest(
                    type: String(decoding: parts[0], as: UTF8.self),
                    source: String(decoding: parts[1], as: UTF8.self),
                    path: String(decoding: parts[2], as: UTF8.self)))
        case .redirect:
            if v.starts(with: [greater, greater]) {
                guard v.count > 2 else { throw invalid("FILE or >>FILE") }
                options.redirect = OutputRedirect(path: String(decoding: v[2...], as: UTF8.self), append: true)
            } else {
                options.redirect = OutputRedirect(path: text, append: false)
            }
        case .delay:
            guard let micros = parseSecondsAsMicroseconds(v) else { throw invalid("seconds, such as 0.5") }
            options.delayMicroseconds = micros
        case .ip:
            let parts = v.split(separator: comma, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty,
                let address = IPv4Address(parsing: String(decoding: parts[1], as: UTF8.self)),
                let mask = IPv4Address(parsing: String(decoding: parts[2], as: UTF8.self))
            else { throw invalid("INTERFACE,ADDRESS,NETMASK such as eth0,192.168.122.10,255.255.255.0") }
            options.staticAddresses.append(
                StaticAddress(interface: String(decoding: parts[0], as: UTF8.self), address: address, netmask: mask))
        case .defaultgw:
            guard let address = IPv4Address(parsing: text) else { throw invalid("an IPv4 address") }
            options.defaultGateway = address
        case .nameserver:
            guard let address = IPv4Address(parsing: text) else { throw invalid("an IPv4 address") }
            options.nameservers.append(address)
        case .maxnic:
            guard let n = parseDecimal(v), n <= 64 else { throw invalid("a number of interfaces (0-64)") }
            options.maxNICs = n
        case .trace:
            for pattern in v.split(separator: comma) where !pattern.isEmpty {
                options.tracePatterns.append(String(decoding: pattern, as: UTF8.self))
            }
            if options.tracePatterns.isEmpty { throw invalid("tracepoint patterns such as sched*,syscall*") }
        case .sampler:
            guard let hz = parseDecimal(v), hz >= 1, hz <= 100_000 else { throw invalid("a frequency in Hz (1-100000)") }
            options.samplerHz = hz
        case .api, .monitor:
            if value == nil {
                options.monitorPort = 8000
            } else {
                guard let port = parseDecimal(v), port >= 1, port <= 65535 else { throw invalid("a TCP port (1-65535)") }
                options.monitorPort = port
            }
        case .kernelTest:
            options.kernelTest = text
        case .extraZFSPools, .preloadZFSLibrary, .assignNet:
            break  // rejected above as unsupported
        }
    }

    // MARK: - Linux-style parameters

    private enum LinuxParameter { case ignored, pciOff, pciNoMSI }

    private static let linuxParameterPrefixes: [[UInt8]] = [
        Array("console=".utf8), Array("earlycon".utf8), Array("reboot=".utf8), Array("panic=".utf8),
        Array("pci=".utf8), Array("i8042.".utf8), Array("8250.".utf8), Array("acpi=".utf8),
        Array("tsc=".utf8), Array("nokaslr".utf8),
    ]

    private static func linuxParameter(_ bytes: [UInt8]) -> LinuxParameter? {
        if bytes == Array("pci=off".utf8) { return .pciOff }
        if bytes == Array("pci=nomsi".utf8) { return .pciNoMSI }
        for prefix in linuxParameterPrefixes where bytes.starts(with: prefix) {
            return .ignored
        }
        return nil
    }

    // MARK: - virtio-mmio

    private static let virtioMMIOPrefix = Array("virtio_mmio.device=".utf8)

    /// `SIZE@BASE:IRQ[:ID]`; SIZE accepts K/M/G suffixes and BASE `0x` hex, as Linux does.
    static func parseVirtioMMIODevice(_ v: [UInt8], token: String) throws(BootOptionError) -> VirtioMMIODevice {
        let error = BootOptionError("invalid '\(token)': expected virtio_mmio.device=SIZE@BASE:IRQ[:ID]")
        guard let at = v.firstIndex(of: UInt8(ascii: "@")) else { throw error }
        let rest = v[(at + 1)...].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard rest.count == 2 || rest.count == 3,
            let size = parseSize(Array(v[..<at])), size > 0,
            let base = parseInteger(Array(rest[0])),
            let irq = parseInteger(Array(rest[1])), irq < 256
        else { throw error }
        var id: Int? = nil
        if rest.count == 3 {
            guard let parsed = parseInteger(Array(rest[2])) else { throw error }
            id = Int(parsed)
        }
        return VirtioMMIODevice(base: base, size: size, irq: Int(irq), id: id)
    }

    // MARK: - Number parsing (integer only: the kernel does not use floating point)

    static func parseDecimal(_ v: [UInt8]) -> Int? {
        guard !v.isEmpty, v.count <= 18 else { return nil }
        var n = 0
        for byte in v {
            guard byte >= zero && byte <= nine else { return nil }
            n = n * 10 + Int(byte - zero)
        }
        return n
    }

    /// Decimal or `0x` hexadecimal.
    static func parseInteger(_ v: [UInt8]) -> UInt64? {
        if v.count > 2 && v[0] == zero && (v[1] == UInt8(ascii: "x") || v[1] == UInt8(ascii: "X")) {
            guard v.count <= 18 else { return nil }
            var n: UInt64 = 0
            for byte in v[2...] {
                let digit: UInt8
                switch byte {
                case zero...nine: digit = byte - zero
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                n = n << 4 | UInt64(digit)
            }
            return n
        }
        guard let d = parseDecimal(v) else { return nil }
        return UInt64(d)
    }

    /// An integer with an optional K, M or G suffix.
    static func parseSize(_ v: [UInt8]) -> UInt64? {
        guard let last = v.last else { return nil }
        var shift: UInt64 = 0
        switch last {
        case UInt8(ascii: "k"), UInt8(ascii: "K"): shift = 10
        case UInt8(ascii: "m"), UInt8(ascii: "M"): shift = 20
        case UInt8(ascii: "g"), UInt8(ascii: "G"): shift = 30
        default: break
        }
        guard let n = parseInteger(shift == 0 ? v : Array(v.dropLast())) else { return nil }
        guard n <= (UInt64.max >> shift) else { return nil }
        return n << shift
    }

    /// `SECONDS[.FRACTION]` to microseconds, at most one day.
    static func parseSecondsAsMicroseconds(_ v: [UInt8]) -> Int? {
        let parts = v.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let whole = parts[0].isEmpty ? 0 : parseDecimal(Array(parts[0]))
        guard let seconds = whole, seconds <= 86_400 else { return nil }
        var micros = seconds * 1_000_000
        if parts.count == 2 {
            let fraction = Array(parts[1])
            guard !fraction.isEmpty || !parts[0].isEmpty else { return nil }
            var scale = 100_000
            for byte in fraction {
                guard byte >= zero && byte <= nine else { return nil }
                micros += Int(byte - zero) * scale
                scale /= 10
            }
        }
        return micros
    }

    // MARK: - Usage

    /// The text `--help` prints.
    public static let usage: StaticString = """
        Usage: [--option[=value] ...] [--] PROGRAM [ARGUMENTS ...]

        Skiff boot options (OSv's names where OSv has them):
          --help                   print this text and power off
          --bootchart              print the time of each boot phase
          --verbose                kernel debug messages
          --quiet                  no boot-time line before the application's output
          --env=NAME=VALUE         add to the application's environment (repeatable)
          --cwd=DIR                the application's working directory
          --console=serial|vga|all console selection
          --rootfs=rofs|ramfs|ext|9p[,TAG]   root file system (default: the boot image)
          --mount-fs=TYPE,SOURCE,PATH  mount a file system (repeatable)
          --nomount, --nopivot     keep the boot file system as root
          --redirect=FILE|>>FILE   application stdout and stderr to a file
          --ip=IF,ADDRESS,NETMASK  static IPv4 address (repeatable; disables DHCP)
          --defaultgw=ADDRESS      default gateway
          --nameserver=ADDRESS     DNS server (repeatable)
          --maxnic=N               probe at most N network interfaces
          --nopci                  skip PCI enumeration
          --norandom               do not initialize the random devices
          --trace=PATTERNS         enable tracepoints (comma list, * and ? wildcards)
          --trace-backtrace        record a backtrace with each trace event
          --trace-list             list the tracepoints at boot
          --strace                 print enabled tracepoints as they fire
          --sampler=HZ             start the sampling profiler
          --leak                   track allocations and report leaks at exit
          --monitor[=PORT]         monitoring HTTP server: OSv's REST paths and /metrics
                                   (default port 8000; --api is the same)
          --delay=SECONDS          wait before continuing the boot
          --noshutdown             keep running after the application exits
          --power-off-on-abort     power off (not halt) after a kernel panic
          --noinit                 skip the /init command files
          --disable_rofs_cache     read the image without the read-around cache
          --no-aslr                no address-space randomization
          --no-vdso                no vDSO: clock calls enter the kernel
        """
}

// MARK: - Byte constants

let space = UInt8(ascii: " ")
let tab = UInt8(ascii: "\t")
let newline = UInt8(ascii: "\n")
let carriageReturn = UInt8(ascii: "\r")
let backslash = UInt8(ascii: "\\")
let singleQuote = UInt8(ascii: "'")
let doubleQuote = UInt8(ascii: "\"")
let equals = UInt8(ascii: "=")
let comma = UInt8(ascii: ",")
let slash = UInt8(ascii: "/")
let greater = UInt8(ascii: ">")
let zero = UInt8(ascii: "0")
let nine = UInt8(ascii: "9")
let doubleDash: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "-")]
