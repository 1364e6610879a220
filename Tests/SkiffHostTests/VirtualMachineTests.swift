import Testing

@testable import SkiffHost

@Suite struct VirtualMachineTests {
    @Test func exitStatusDecoding() {
        #expect(VirtualMachine.decodeExitStatus(qemuStatus: 0, qemuErrors: "") == 0)
        #expect(VirtualMachine.decodeExitStatus(qemuStatus: 85, qemuErrors: "") == 42)
        #expect(VirtualMachine.decodeExitStatus(qemuStatus: 251, qemuErrors: "") == 125)
        #expect(VirtualMachine.decodeExitStatus(qemuStatus: 1, qemuErrors: "") == 0)
        #expect(VirtualMachine.decodeExitStatus(qemuStatus: 1, qemuErrors: "qemu-system-x86_64: -m: bad size") == nil)
        #expect(VirtualMachine.decodeExitStatus(qemuStatus: 2, qemuErrors: "") == nil)
    }

    @Test func statusesAbove127ComeFromTheConsole() {
        #expect(VirtualMachine.fullExitStatus(decoded: 11, console: "x\nskiff: exit status 139\n") == 139)
        #expect(VirtualMachine.fullExitStatus(decoded: 11, console: "no line\n") == 11)
        #expect(VirtualMachine.fullExitStatus(decoded: 12, console: "skiff: exit status 139\n") == 12)
        #expect(VirtualMachine.fullExitStatus(decoded: 42, console: "skiff: exit status 42\n") == 42)
    }

    @Test func argumentsForMicrovm() {
        var vm = VirtualMachine(kernel: "/k.elf")
        vm.commandLine = "--bootchart /hello"
        vm.initrd = "/app.img"
        vm.memoryMiB = 64
        vm.cpus = 2
        vm.network = .user
        vm.forwards = [.init(hostPort: 8080, guestPort: 80)]
        let args = vm.arguments(accelerator: .tcg)
        #expect(args.starts(with: ["-M", "microvm,x-option-roms=off", "-accel", "tcg", "-cpu", "max", "-m", "64M", "-smp", "2"]))
        #expect(args.contains("-initrd") && args.contains("/app.img"))
        #expect(args.contains("user,id=net0,hostfwd=tcp::8080-:80"))
        #expect(args.contains("virtio-net-device,netdev=net0"))
        #expect(args.contains("isa-debug-exit,iobase=0xf4,iosize=0x04"))
        #expect(args.contains("virtio-mmio.force-legacy=false"))
    }

    @Test func legacyVirtioMMIOAndRandomNumberGenerator() {
        var vm = VirtualMachine(kernel: "/k.elf")
        vm.legacyVirtioMMIO = true
        vm.randomNumberGenerator = true
        let args = vm.arguments(accelerator: .tcg)
        #expect(!args.contains("virtio-mmio.force-legacy=false"))
        #expect(args.contains("virtio-rng-device,rng=rng0"))
    }

    @Test func argumentsForQ35UseKVMWithTheHostCPU() {
        var vm = VirtualMachine(kernel: "/k.elf")
        vm.machine = .q35
        vm.disks = [.init(path: "/d.img")]
        let args = vm.arguments(accelerator: .kvm)
        #expect(args.starts(with: ["-M", "q35", "-accel", "kvm", "-cpu", "host"]))
        #expect(args.contains("virtio-blk-pci,drive=disk0"))
        #expect(args.contains("if=none,id=disk0,file=/d.img,format=raw,cache=unsafe,discard=unmap"))
        #expect(!args.contains("virtio-mmio.force-legacy=false"))
    }
}

@Suite struct KernelSymbolTableTests {
    @Test func encodingIsSortedWithAStringTable() {
        let table = KernelSymbolTable(entries: [
            .init(address: 0x2000, size: 16, name: Array("b".utf8)),
            .init(address: 0x1000, size: 32, name: Array("a".utf8)),
        ])
        let bytes = table.encoded()
        func u32(_ o: Int) -> UInt32 { bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) } }
        func u64(_ o: Int) -> UInt64 { bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) } }
        #expect(u32(0) == 0x4D59_534B)
        #expect(u32(4) == 1)
        #expect(u32(8) == 2)
        #expect(u32(12) == 4)  // "a\0b\0"
        #expect(u64(16) == 0x1000 && u32(24) == 32 && u32(28) == 0)
        #expect(u64(32) == 0x2000 && u32(40) == 16 && u32(44) == 2)
        #expect(Array(bytes[48...]) == [0x61, 0, 0x62, 0])
    }
}

/// Timing a console line: the chunk that completes the line gives its arrival time.
@Suite struct ConsoleTimelineTests {
    @Test func lineArrivesWithTheChunkHoldingItsNewline() {
        let text = Array("boot\nbench: boot-clock 12 ms\ndone\n".utf8)
        // chunks end after "boot\nbench: bo" (14), after the first newline (28), and at the end.
        let timeline = ConsoleTimeline(
            bytes: text,
            arrivals: [.init(end: 14, elapsed: 0.1), .init(end: 29, elapsed: 0.25), .init(end: text.count, elapsed: 0.4)])
        #expect(timeline.elapsed(untilLineContaining: "boot") == 0.1)
        #expect(timeline.elapsed(untilLineContaining: "bench: boot-clock") == 0.25)
        #expect(timeline.elapsed(untilLineContaining: "done") == 0.4)
        #expect(timeline.elapsed(untilLineContaining: "missing") == nil)
    }

    @Test func lineWithoutNewlineEndsWithTheOutput() {
        let text = Array("partial".utf8)
        let timeline = ConsoleTimeline(bytes: text, arrivals: [.init(end: 3, elapsed: 1), .init(end: 7, elapsed: 2)])
        #expect(timeline.elapsed(untilLineContaining: "par") == 2)
    }
}
