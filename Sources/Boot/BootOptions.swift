/// Everything the kernel command line configures.
///
/// Option names follow OSv's loader (`--ip`, `--nopci`, `--env`, `--bootchart`, …) so OSv users
/// can move their command lines over unchanged. Unlike OSv, an option Skiff does not know or a
/// malformed value is an error the kernel reports before powering off with a non-zero status; it
/// is never silently ignored.
public struct BootOptions {
    /// `--help`: print the option summary and power off.
    public var help = false
    /// `--bootchart`: print the time of each boot phase.
    public var bootchart = false
    /// `--verbose`: kernel debug messages on the console.
    public var verbose = false
    /// `--quiet`: do not print the boot-time line before the application's output.
    public var quiet = false
    /// `--nopci` (or Linux's `pci=off`): skip PCI enumeration.
    public var noPCI = false
    /// Linux's `pci=nomsi`: PCI devices interrupt through their INTx lines and the I/O APIC
    /// instead of MSI-X.
    public var noMSI = false
    /// `--norandom`: do not initialize the random devices.
    public var noRandom = false
    /// `--noshutdown`: keep the VM running after the application exits.
    public var noShutdown = false
    /// `--power-off-on-abort`: power off instead of halting after a kernel panic.
    public var powerOffOnAbort = false
    /// `--noinit`: skip the `/init` command files.
    public var noInit = false
    /// `--nomount`: do not mount the root file system.
    public var noMount = false
    /// `--nopivot`: mount the root file system without pivoting to it.
    public var noPivot = false
    /// `--disable_rofs_cache`: read the image without the read-around cache.
    public var disableImageCache = false
    /// `--no-aslr` (Skiff): load the application, its stack and mmap areas at fixed addresses.
    public var noASLR = false
    /// `--no-vdso` (Skiff, Linux's `vdso=0`): no vDSO; programs make every clock call a system call.
    public var noVDSO = false

    /// `--env=NAME=VALUE`, repeatable, in command-line order.
    public var environment: [EnvironmentVariable] = []
    /// `--cwd=DIR`: the application's working directory.
    public var workingDirectory: String? = nil
    /// `--console=serial|vga|all`.
    public var console: ConsoleSelection = .all
    /// `--rootfs=…`: the root file system type; nil chooses automatically.
    public var rootFileSystem: RootFileSystem? = nil
    /// `--rootfs=9p,TAG`: the share to boot from; nil is the first one.
    public var rootShare: String? = nil
    /// `--mount-fs=TYPE,SOURCE,PATH`, repeatable.
    public var mounts: [MountRequest] = []
    /// `--redirect=FILE` or `--redirect=>>FILE`: application stdout and stderr to a file.
    public var redirect: OutputRedirect? = nil
    /// `--delay=SECONDS`: wait before continuing the boot, in microseconds.
    public var delayMicroseconds: Int = 0

    /// `--ip=IF,ADDRESS,NETMASK`, repeatable; any static address disables DHCP on that interface.
    public var staticAddresses: [StaticAddress] = []
    /// `--defaultgw=ADDRESS`.
    public var defaultGateway: IPv4Address? = nil
    /// `--nameserver=ADDRESS`, repeatable.
    public var nameservers: [IPv4Address] = []
    /// `--maxnic=N`: probe at most N network interfaces.
    public var maxNICs: Int? = nil

    /// `--trace=PATTERNS`: tracepoint name patterns (`*` and `?` wildcards), comma separated.
    public var tracePatterns: [String] = []
    /// `--trace-backtrace`: record a backtrace with each trace event.
    public var traceBacktrace = false
    /// `--trace-list`: list the tracepoints at boot.
    public var traceList = false
    /// `--strace`: print enabled tracepoints on the console as they fire.
    public var strace = false
    /// `--sampler=HZ`: start the sampling profiler.
    public var samplerHz: Int? = nil
    /// `--leak`: track allocations to report leaks at exit.
    public var leakDetector = false
    /// `--monitor[=PORT]`, or OSv's `--api[=PORT]`: start the monitoring HTTP server (OSv's
    /// port 8000 by default).
    public var monitorPort: Int? = nil

    /// `virtio_mmio.device=SIZE@BASE:IRQ[:ID]` entries, as QEMU microvm and Firecracker pass them.
    public var virtioMMIODevices: [VirtioMMIODevice] = []

    /// `--kernel-test=NAME` (Skiff, for the test suite): run a built-in kernel test instead of an
    /// application.
    public var kernelTest: String? = nil

    /// The application's command line: argv[0] is the program.
    public var arguments: [String] = []

    public init() {}
}

/// One `--env=NAME=VALUE` entry.
public struct EnvironmentVariable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The `NAME=VALUE` form placed in the application's environment block.
    public var entry: String { name + "=" + value }
}

/// Where kernel console output goes (`--console=`).
public enum ConsoleSelection {
    case serial, vga, all
}

/// Root file systems `--rootfs=` may name.
public enum RootFileSystem {
    /// The read-only application image (OSv's "rofs").
    case image
    /// An empty ramfs.
    case ramfs
    /// ext4 on the first virtio-blk disk.
    case ext
    /// A host folder shared over virtio-9p (`rootShare`, or the first share).
    case ninep
}

/// A `--mount-fs=TYPE,SOURCE,PATH` request.
public struct MountRequest {
    public var type: String
    public var source: String
    public var path: String

    public init(type: String, source: String, path: String) {
        self.type = type
        self.source = source
        self.path = path
    }
}

/// A `--redirect=` target.
public struct OutputRedirect {
    public var path: String
    public var append: Bool

    public init(path: String, append: Bool) {
        self.path = path
        self.append = append
    }
}

/// An `--ip=IF,ADDRESS,NETMASK` entry.
public struct StaticAddress {
    public var interface: String
    public var address: IPv4Address
    public var netmask: IPv4Address

    public init(interface: String, address: IPv4Address, netmask: IPv4Address) {
        self.interface = interface
        self.address = address
        self.netmask = netmask
    }
}

/// A `virtio_mmio.device=SIZE@BASE:IRQ[:ID]` entry (the Linux syntax).
public struct VirtioMMIODevice {
    public var base: UInt64
    public var size: UInt64
    public var irq: Int
    public var id: Int?

    public init(base: UInt64, size: UInt64, irq: Int, id: Int? = nil) {
        self.base = base
        self.size = size
        self.irq = irq
        self.id = id
    }
}
