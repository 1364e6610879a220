import SkiffHost

/// One guest test: a boot of Skiff with a command line, and what its console and exit status
/// must show. A test runs once per machine it lists.
struct GuestTest {
    enum Expectation {
        /// The console contains this text.
        case contains(String)
        /// The console does not contain this text.
        case lacks(String)
        /// Some console line matches this regular expression.
        case matches(String)
        /// The console's first line matches this regular expression.
        case firstLineMatches(String)
    }

    var name: String
    var commandLine: String
    var machines: [VirtualMachine.Machine] = [.microvm]
    var status: Int32
    var expect: [Expectation] = []
    var memoryMiB = 128
    var cpus = 1
    var timeout: Double = 90
    /// Programs built from GuestTests/programs (e.g. "hello-static"), placed in the image at
    /// /bin/NAME with everything they need.
    var programs: [String] = []
    /// More image contents (host programs, directories, files).
    var recipe: ImageRecipe? = nil
    /// Disk images attached as virtio-blk, checked on the host after the VM exits.
    var disks: [GuestDisk] = []
    /// Host folders shared over virtio-9p (tags share0, share1, …), checked after the VM exits.
    var shares: [GuestShare] = []
    /// A virtio-rng device.
    var randomNumberGenerator = false
    /// virtio-net on QEMU's user network (10.0.2.0/24, gateway 10.0.2.2).
    var network = false
    /// microvm's virtio-mmio in its legacy (version 1) form.
    var legacyVirtioMMIO = false
    /// More QEMU arguments (e.g. `-machine acpi=off`).
    var qemuArguments: [String] = []
    /// virtio-net on a tap with offloads, a queue pair per CPU, in a network namespace of the
    /// test's own (`NetworkNamespace`) instead of the user network; the guest is
    /// `tapGuestAddress`/24, the host `tapHostAddress`.
    var tap = false
    static let tapDevice = "sktap0"
    static let tapHostAddress = "10.77.0.1"
    static let tapGuestAddress = "10.77.0.2"
    /// The guest's link-local address on the tap: from QEMU's first MAC, 52:54:00:12:34:56.
    static let tapGuestLinkLocal = "fe80::5054:ff:fe12:3456"
    /// A server or client on the host that talks to the guest over the user network.
    var hostPeer: HostPeer? = nil
    /// Kill QEMU at a random moment this many seconds after it starts, like pulling the power:
    /// the program is expected to be still running then, and the disks' `inspect` judges what
    /// survived. The exit status is not checked.
    var powerCut: ClosedRange<Double>? = nil
    /// More checks of the console output (a trace dump in it, say): the problems found.
    var consoleCheck: (@Sendable (String) -> [String])? = nil

    init(
        _ name: String, _ commandLine: String, machines: [VirtualMachine.Machine] = [.microvm], status: Int32,
        expect: [Expectation] = [], memoryMiB: Int = 128, cpus: Int = 1, timeout: Double = 90, programs: [String] = [],
        recipe: ImageRecipe? = nil,
        disks: [GuestDisk] = [], shares: [GuestShare] = [], randomNumberGenerator: Bool = false, network: Bool = false, tap: Bool = false, legacyVirtioMMIO: Bool = false,
        qemuArguments: [String] = [], hostPeer: HostPeer? = nil, powerCut: ClosedRange<Double>? = nil,
        consoleCheck: (@Sendable (String) -> [String])? = nil
    ) {
        self.name = name
        self.commandLine = commandLine
        self.machines = machines
        self.status = status
        self.expect = expect
        self.memoryMiB = memoryMiB
        self.cpus = cpus
        self.timeout = timeout
        self.programs = programs
        self.recipe = recipe
        self.disks = disks
        self.shares = shares
        self.randomNumberGenerator = randomNumberGenerator
        self.network = network
        self.tap = tap
        self.legacyVirtioMMIO = legacyVirtioMMIO
        self.qemuArguments = qemuArguments
        self.hostPeer = hostPeer
        self.powerCut = powerCut
        self.consoleCheck = consoleCheck
    }
}

extension GuestTest {
    /// Identifies the image the test boots (tests with the same key share it).
    var imageKey: String { programs.joined(separator: ",") + "|" + (recipe?.name ?? "") }
    var needsImage: Bool { !programs.isEmpty || recipe != nil }
}
