import Testing
@testable import Boot

@Suite struct KernelCommandLineTests {
    func parse(_ text: String) throws -> BootOptions {
        try KernelCommandLine.parse(text)
    }

    func error(_ text: String) -> String? {
        do {
            _ = try KernelCommandLine.parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func optionsThenApplication() throws {
        let o = try parse("--bootchart --env=A=1 --env=PATH=/bin:/usr/bin /usr/bin/python3 -c print(42)")
        #expect(o.bootchart)
        #expect(o.environment.map(\.entry) == ["A=1", "PATH=/bin:/usr/bin"])
        #expect(o.arguments == ["/usr/bin/python3", "-c", "print(42)"])
    }

    @Test func doubleDashEndsOptions() throws {
        let o = try parse("--verbose -- --not-an-option x")
        #expect(o.verbose)
        #expect(o.arguments == ["--not-an-option", "x"])
    }

    @Test func optionsAfterTheProgramBelongToTheProgram() throws {
        let o = try parse("/bin/ls --color=never")
        #expect(o.arguments == ["/bin/ls", "--color=never"])
    }

    @Test func quotingAndEscapes() throws {
        #expect(try KernelCommandLine.tokenize(#"a\ b "c d" 'e "f"' "g\"h" """#) == ["a b", "c d", #"e "f""#, #"g"h"#, ""])
        #expect(try KernelCommandLine.tokenize("  x\t\ny  ") == ["x", "y"])
        #expect(error(#"--env="A=b"#) == "unterminated quote in the kernel command line")
        #expect(error("x \\") == "the kernel command line ends with a lone backslash")
    }

    @Test func unknownOptionSuggestsTheClosest() {
        #expect(error("--nopcii /x") == "unknown boot option '--nopcii'; did you mean '--nopci'? (--help lists them)")
        #expect(error("--bootchrt /x") == "unknown boot option '--bootchrt'; did you mean '--bootchart'? (--help lists them)")
        #expect(error("--frobnicate /x") == "unknown boot option '--frobnicate' (--help lists them)")
    }

    @Test func flagsRejectValuesAndValuesAreRequired() {
        #expect(error("--nopci=1 /x") == "--nopci takes no value (got '--nopci=1')")
        #expect(error("--env /x") == "--env needs a value: --env=NAME=VALUE")
        #expect(error("--env= /x") == "--env needs a value: --env=NAME=VALUE")
        #expect(error("--env=NOVALUE /x") == "invalid value 'NOVALUE' for --env: expected NAME=VALUE")
    }

    @Test func networkOptions() throws {
        let o = try parse("--ip=eth0,192.168.122.10,255.255.255.0 --defaultgw=192.168.122.1 --nameserver=1.1.1.1 --nameserver=8.8.8.8 /x")
        #expect(o.staticAddresses.count == 1)
        #expect(o.staticAddresses[0].interface == "eth0")
        #expect(o.staticAddresses[0].address == IPv4Address(192, 168, 122, 10))
        #expect(o.staticAddresses[0].netmask == IPv4Address(255, 255, 255, 0))
        #expect(o.defaultGateway == IPv4Address(192, 168, 122, 1))
        #expect(o.nameservers == [IPv4Address(1, 1, 1, 1), IPv4Address(8, 8, 8, 8)])
        #expect(error("--ip=eth0,1.2.3 /x")?.hasPrefix("invalid value 'eth0,1.2.3' for --ip") == true)
        #expect(error("--defaultgw=256.1.1.1 /x") == "invalid value '256.1.1.1' for --defaultgw: expected an IPv4 address")
    }

    @Test func ipv4Parsing() {
        #expect(IPv4Address(parsing: "10.0.2.15")?.description == "10.0.2.15")
        for bad in ["", "1.2.3", "1.2.3.4.5", "1..2.3", "a.b.c.d", "1.2.3.4 ", "1234.1.1.1", "-1.2.3.4"] {
            #expect(IPv4Address(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func fileSystemOptions() throws {
        let o = try parse("--rootfs=ext --mount-fs=9p,share,/data --cwd=/srv --redirect=>>/log.txt /x")
        #expect(o.rootFileSystem == .ext)
        #expect(o.mounts.count == 1)
        #expect(o.mounts[0].type == "9p" && o.mounts[0].source == "share" && o.mounts[0].path == "/data")
        #expect(o.workingDirectory == "/srv")
        #expect(o.redirect?.path == "/log.txt" && o.redirect?.append == true)
        #expect(try parse("--rootfs=rofs /x").rootFileSystem == .image)
        let share = try parse("--rootfs=9p /x")
        #expect(share.rootFileSystem == .ninep && share.rootShare == nil)
        let tagged = try parse("--rootfs=9p,share1 /x")
        #expect(tagged.rootFileSystem == .ninep && tagged.rootShare == "share1")
        #expect(error("--rootfs=9p, /x") == "invalid value '9p,' for --rootfs: expected rofs, ramfs, ext, 9p or 9p,TAG")
        #expect(error("--rootfs=zfs /x")?.contains("not supported by Skiff") == true)
        #expect(error("--mount-fs=ext,/dev/vblk1 /x") != nil)
        #expect(error("--mount-fs=ext,/dev/vblk1,relative /x") != nil)
        #expect(error("--cwd=relative /x") == "invalid value 'relative' for --cwd: expected an absolute path")
    }

    @Test func numbers() throws {
        #expect(try parse("--delay=1.5 /x").delayMicroseconds == 1_500_000)
        #expect(try parse("--delay=.25 /x").delayMicroseconds == 250_000)
        #expect(try parse("--delay=2 /x").delayMicroseconds == 2_000_000)
        #expect(error("--delay=1.2.3 /x") != nil)
        #expect(error("--delay=abc /x") != nil)
        #expect(try parse("--maxnic=2 /x").maxNICs == 2)
        #expect(error("--maxnic=-1 /x") != nil)
        #expect(try parse("--sampler=1000 /x").samplerHz == 1000)
        #expect(error("--sampler=0 /x") != nil)
        #expect(try parse("--api /x").monitorPort == 8000)
        #expect(try parse("--api=9000 /x").monitorPort == 9000)
        #expect(try parse("--monitor /x").monitorPort == 8000)
        #expect(try parse("--monitor=8080 /x").monitorPort == 8080)
        #expect(error("--monitor=0 /x") == "invalid value '0' for --monitor: expected a TCP port (1-65535)")
        #expect(error("--monitor=99999 /x") != nil)
        #expect(error("--monitor=http /x") != nil)
        #expect(error("--monitor= /x") == "--monitor= needs a value: --monitor=PORT")
        #expect(error("--monitr /x") == "unknown boot option '--monitr'; did you mean '--monitor'? (--help lists them)")
        #expect(error("--api=70000 /x") != nil)
    }

    @Test func tracing() throws {
        let o = try parse("--trace=sched*,syscall_* --trace-backtrace --strace /x")
        #expect(o.tracePatterns == ["sched*", "syscall_*"])
        #expect(o.traceBacktrace && o.strace)
    }

    @Test func virtioMMIODevicesAnywhere() throws {
        let o = try parse("--nopci /x a virtio_mmio.device=512@0xfeb00000:12 virtio_mmio.device=4K@0xfeb00200:13:3")
        #expect(o.arguments == ["/x", "a"])
        #expect(o.virtioMMIODevices.count == 2)
        #expect(o.virtioMMIODevices[0].base == 0xFEB0_0000 && o.virtioMMIODevices[0].size == 512 && o.virtioMMIODevices[0].irq == 12)
        #expect(o.virtioMMIODevices[1].size == 4096 && o.virtioMMIODevices[1].id == 3)
        #expect(error("virtio_mmio.device=512 /x")?.hasPrefix("invalid 'virtio_mmio.device=512'") == true)
        #expect(error("virtio_mmio.device=0@0x1000:5 /x") != nil)
    }

    @Test func linuxParametersBeforeOptions() throws {
        let o = try parse("console=ttyS0 reboot=k panic=1 pci=off --quiet /hello")
        #expect(o.noPCI && o.quiet)
        #expect(!o.noMSI)
        #expect(o.arguments == ["/hello"])
        let nomsi = try parse("pci=nomsi /hello")
        #expect(nomsi.noMSI && !nomsi.noPCI)
    }

    @Test func zfsOnlyOptionsAreExplained() {
        #expect(error("--extra-zfs-pools /x")?.contains("not supported by Skiff") == true)
    }

    @Test func emptyCommandLine() throws {
        let o = try parse("")
        #expect(o.arguments.isEmpty)
        #expect(!o.help)
    }
}
