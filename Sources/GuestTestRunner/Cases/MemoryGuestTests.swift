/// The memory subsystem inside the guest: allocators, W^X, guard pages.
let memoryGuestTests: [GuestTest] = [
    GuestTest(
        "frame allocator, huge pages, heap and kernel stacks", "--kernel-test=memory", machines: [.q35, .microvm],
        status: 0, expect: [.contains("memory: frames ok, 2 MiB block ok, heap ok, stacks ok"),
            .matches(#"memory: object caches held [1-9][0-9]* bytes, 0 after reclaim; a freed block is reused at once: ok"#), .matches(#"memory: [0-9]+ KiB managed"#)]),
] + GuestTest.threeBuilds(
    "application memory: demand paging, MAP_POPULATE, mprotect, mremap, madvise, brk, file and shared mappings, errors",
    program: "memory")
+ [
    GuestTest(
        "a static program runs in 3 MiB of memory (OSv needs 11 MB)", "--quiet /bin/hello-static floor",
        status: 0, expect: [.contains("arg 1: floor")], memoryMiB: 3, programs: ["hello-static"]),
    // QEMU puts the image at the top of RAM; with 55 KiB more in it, a 3 MiB VM's image reaches
    // down into the kernel's .bss, and the boot path must move it under 1 MiB before zeroing
    // .bss. The program reads the file back and the host checks every byte's hash. (The image
    // must still start above __bss_start: if the kernel's loaded part grows past it, shrink this.)
    GuestTest(
        "a 3 MiB VM whose image overlaps the kernel's .bss: the image is moved, not wiped",
        "--quiet /bin/hello-static sum /filler", status: 0,
        expect: [.contains("sum /filler: \(fillerText.utf8.count) bytes, fnv1a \(fnv1a(fillerText))")], memoryMiB: 3,
        programs: ["hello-static"], recipe: ImageRecipe(name: "hello-filler", files: [("/filler", fillerText)])),
    // q35's firmware puts the image below a 160 KiB ACPI area at the top of RAM, which in a
    // 3 MiB VM is where the kernel ends.
    GuestTest(
        "a static program runs in 4 MiB of memory on q35", "--quiet /bin/hello-static floor", machines: [.q35],
        status: 0, expect: [.contains("arg 1: floor")], memoryMiB: 4, programs: ["hello-static"]),
    GuestTest(
        "ASLR: a static-pie's code, stack, heap and mmap move on every execve", "--quiet /bin/aslr-static-pie",
        status: 0, expect: [.contains("aslr: code 4 stack 4 heap 4 mmap 4")], programs: ["aslr-static-pie"]),
    GuestTest(
        "ASLR: a dynamic program and its libraries move (glibc)", "--quiet /bin/aslr-dynamic",
        status: 0, expect: [.contains("aslr: code 4 stack 4 heap 4 mmap 4")], programs: ["aslr-dynamic"]),
    GuestTest(
        "ASLR: a non-PIE keeps its code where it was linked; the rest moves", "--quiet /bin/aslr-static",
        status: 0, expect: [.contains("aslr: code 1 stack 4 heap 4 mmap 4")], programs: ["aslr-static"]),
    GuestTest(
        "--no-aslr: nothing moves", "--quiet --no-aslr /bin/aslr-static-pie", status: 0,
        expect: [.contains("aslr: code 1 stack 1 heap 1 mmap 1"), .contains("run 0: code 555555")],
        programs: ["aslr-static-pie"]),
    GuestTest(
        "SMAP: the kernel reading a user page outside a copy routine faults", "--kernel-test=smap", machines: [.q35, .microvm],
        status: 125,
        expect: [
            .contains("user page test: SMEP on, SMAP on"), .contains("kernel panic: page fault (vector 14) in kernel mode"),
            .contains("SMAP: the kernel touched user memory outside a copy routine"), .lacks("the kernel read"),
        ]),
    GuestTest(
        "SMEP: the kernel running code in a user page faults", "--kernel-test=smep", status: 125,
        expect: [
            .contains("user page test: SMEP on, SMAP on"), .contains("kernel panic: page fault (vector 14) in kernel mode"),
            .contains("SMEP: the kernel tried to run code in a user page"), .lacks("the kernel ran"),
        ]),
    GuestTest(
        "kernel stack overflow hits the guard page", "--kernel-test=stack-overflow", status: 125,
        expect: [
            .contains("kernel panic: double fault (vector 8)"),
            .contains("kernel stack overflow: the stack ran into its guard page"),
            .contains("KernelTests.recurse"),
        ]),
    GuestTest(
        "the C stack protector catches a buffer overflow in kernel C code", "--kernel-test=stack-protector",
        status: 125,
        expect: [.contains("kernel panic: stack protector: a C function's stack canary was overwritten"), .contains("skiff_smash_stack")]),
    GuestTest(
        "kernel text is not writable (W^X)", "--kernel-test=write-protect", status: 125,
        expect: [.contains("kernel panic: page fault (vector 14)"), .contains("(protection violation, write)")]),
    GuestTest(
        "kernel text is not writable through its direct-map alias either (W^X)", "--kernel-test=write-protect-alias",
        machines: [.q35, .microvm], status: 125,
        expect: [.contains("kernel panic: page fault (vector 14)"), .contains("(protection violation, write)")]),
    GuestTest(
        "kernel data does not run (NX): a call into a heap page faults", "--kernel-test=no-execute", machines: [.q35, .microvm],
        status: 125,
        expect: [
            .contains("kernel panic: page fault (vector 14)"), .contains("(protection violation, read, instruction fetch)"),
            .lacks("no-execute: heap memory ran"),
        ]),
]

/// About 55 KiB of numbered lines: enough to push a 3 MiB VM's image into the kernel's .bss.
let fillerText = (0..<5000).map { "line \(String($0 * 7919 % 100_000).padding(toLength: 5, withPad: " ", startingAt: 0))\n" }.joined()

/// FNV-1a (32-bit) of the text's bytes as 8 hex digits, as hello.c's `sum` prints it.
func fnv1a(_ text: String) -> String {
    var hash: UInt32 = 2_166_136_261
    for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
}
