/// The memory subsystem inside the guest: allocators, W^X, guard pages.
let memoryGuestTests: [GuestTest] = [
    GuestTest(
        "frame allocator, huge pages, heap and kernel stacks", "--kernel-test=memory", machines: [.q35, .microvm],
        status: 0, expect: [.contains("memory: frames ok, 2 MiB block ok, heap ok, stacks ok"), .matches(#"memory: [0-9]+ KiB managed"#)]),
    GuestTest(
        "a static program runs in 3 MiB of memory (OSv needs 11 MB)", "--quiet /bin/hello-static floor",
        machines: [.q35, .microvm], status: 0, expect: [.contains("arg 1: floor")], memoryMiB: 3,
        programs: ["hello-static"]),
    GuestTest(
        "kernel stack overflow hits the guard page", "--kernel-test=stack-overflow", status: 125,
        expect: [
            .contains("kernel panic: double fault (vector 8)"),
            .contains("kernel stack overflow: the stack ran into its guard page"),
            .contains("KernelTests.recurse"),
        ]),
    GuestTest(
        "kernel text is not writable (W^X)", "--kernel-test=write-protect", status: 125,
        expect: [.contains("kernel panic: page fault (vector 14)"), .contains("(protection violation, write)")]),
]
