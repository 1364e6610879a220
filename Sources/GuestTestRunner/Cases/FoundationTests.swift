/// Boot, the command line, traps and power-off: the kernel before any application runs.
let foundationTests: [GuestTest] = [
    GuestTest(
        "boot with --bootchart", "--bootchart --kernel-test=bootchart", machines: [.q35, .microvm], status: 0,
        expect: [
            .contains("skiff: bootchart (TSC "), .contains("firmware and loader"), .contains("TSC calibration"),
            .matches(#"^Skiff [0-9.]+ booted in [0-9]+\.[0-9]{3} ms"#),
        ]),
    GuestTest(
        "exit status reaches the host", "--quiet --kernel-test=exit=42", machines: [.q35, .microvm], status: 42,
        expect: [.lacks("booted in")]),
    GuestTest("status 0 powers off cleanly", "--quiet --kernel-test=exit=0", machines: [.q35, .microvm], status: 0),
    GuestTest(
        "unknown boot option is an error", "--nopcii /hello", status: 2,
        expect: [.contains("skiff: unknown boot option '--nopcii'; did you mean '--nopci'?")]),
    GuestTest(
        "malformed --ip is an error", "--ip=eth0,10.0.0.300,255.255.255.0 /hello", status: 2,
        expect: [.contains("invalid value 'eth0,10.0.0.300,255.255.255.0' for --ip")]),
    GuestTest(
        "flag given a value is an error", "--nopci=1 /hello", status: 2,
        expect: [.contains("--nopci takes no value")]),
    GuestTest(
        "unsupported OSv option is explained", "--rootfs=zfs /hello", status: 2,
        expect: [.contains("--rootfs=zfs is not supported by Skiff")]),
    GuestTest(
        "unterminated quote is an error", "--env=\"A=b /hello", status: 2,
        expect: [.contains("unterminated quote")]),
    GuestTest("no application is an error", "--verbose", status: 2, expect: [.contains("no application given")]),
    GuestTest("--help prints usage", "--help", status: 0, expect: [.contains("Usage:"), .contains("--bootchart")]),
    GuestTest(
        "Linux-style parameters from Firecracker configs are accepted",
        "console=ttyS0 reboot=k panic=1 pci=off --quiet --kernel-test=exit=7", status: 7),
    GuestTest(
        "page fault in the kernel panics with registers and backtrace", "--kernel-test=page-fault",
        machines: [.q35, .microvm], status: 125,
        expect: [
            .matches(#"^skiff: \[CPU 0\] kernel panic: page fault \(vector 14\) in kernel mode"#),
            .contains("address 0x0000010000000000 (not present, write)"),
            .matches(#"rip 0x[0-9a-f]{16} .*KernelTests\.run"#), .contains("rax 0x"), .contains("cr2 0x0000010000000000"),
            .matches(#"#1 0x[0-9a-f]{16} kernel_main"#), .contains("skiff: powering off with status 125"),
        ]),
    GuestTest(
        "invalid opcode panics", "--kernel-test=invalid-opcode", status: 125,
        expect: [.contains("kernel panic: invalid opcode (vector 6)"), .matches(#"#0 0x[0-9a-f]{16} .*KernelTests"#)]),
    GuestTest(
        "Swift runtime trap panics with a backtrace", "--kernel-test=swift-trap", status: 125,
        expect: [.contains("kernel panic: Swift runtime check failed"), .matches(#"#[0-9] 0x[0-9a-f]{16} .*KernelTests"#)]),
    GuestTest(
        "breakpoint in the kernel is reported and resumes", "--kernel-test=breakpoint", status: 0,
        expect: [.contains("skiff: breakpoint at 0x"), .contains("breakpoint: resumed")]),
    GuestTest(
        "accelerator self-check runs FPU and SSE code", "--quiet --kernel-test=accel-check", status: 0,
        expect: [.contains("accel-check: ok")]),
]
