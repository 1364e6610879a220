/// Reliability and security (docs/security.md): random system calls never panic the kernel,
/// and faults from below (disk errors, memory and space running out, garbage from the network)
/// reach the application as errors while the kernel keeps serving.
let securityGuestTests: [GuestTest] = [
    GuestTest(
        "syscall fuzzer: 4000 random calls per seed, seeds 1-3 (musl static); the kernel still answers",
        "--quiet /bin/sysfuzz-static 1 2 3", machines: [.q35, .microvm], status: 0,
        expect: [
            .matches(#"^sysfuzz: seed 1: [0-9]+ calls in 16 children"#),
            .matches(#"^sysfuzz: seed 3: [0-9]+ calls in 16 children"#),
            .contains("sysfuzz: the kernel still answers"), .lacks("kernel panic"),
        ],
        timeout: 240, programs: ["sysfuzz-static"]),
    GuestTest(
        "syscall fuzzer with two CPUs, seeds 4-5 (static-pie)", "--quiet /bin/sysfuzz-static-pie 4 5", status: 0,
        expect: [.matches(#"^sysfuzz: seed 5: [0-9]+ calls"#), .contains("sysfuzz: the kernel still answers"), .lacks("kernel panic")],
        cpus: 2, timeout: 240, programs: ["sysfuzz-static-pie"]),
    GuestTest(
        "syscall fuzzer through glibc, seed 6 (dynamic)", "--quiet /bin/sysfuzz-dynamic 6", status: 0,
        expect: [.matches(#"^sysfuzz: seed 6: [0-9]+ calls"#), .contains("sysfuzz: the kernel still answers"), .lacks("kernel panic")],
        timeout: 240, programs: ["sysfuzz-dynamic"]),
    GuestTest(
        "fault: virtio-blk read and write errors reach the application as EIO; the rest of the disk works",
        "/bin/disk-static ioerror /dev/vda", status: 0,
        expect: [.contains("disk: I/O errors: ok"), .matches(#"^\d+ passed, 0 failed$"#), .lacks("kernel panic")],
        programs: ["disk-static"], disks: [faultyDisk]),
    GuestTest(
        "fault: out of memory: a child touching too much dies, fork is ENOMEM, memory comes back",
        "--quiet /bin/faults-static oom", machines: [.q35, .microvm], status: 0,
        expect: [.contains("faults: out of memory: a child got"), .matches(#"^skiff: out of memory: killed process [0-9]+ \("#), .lacks("kernel panic"), .matches(#"^\d+ passed, 0 failed$"#)], memoryMiB: 48,
        timeout: 180, programs: ["faults-static"]),
    GuestTest(
        "fault: a full tmpfs is ENOSPC, nothing written is lost, space comes back after unlink",
        "--quiet /bin/faults-static tmpfs-full", status: 0,
        expect: [.contains("faults: full tmpfs: ENOSPC after"), .matches(#"^\d+ passed, 0 failed$"#)], memoryMiB: 48,
        programs: ["faults-static"]),
    GuestTest(
        "fault: a storm of garbage UDP datagrams and TCP connections from the host does not stop a guest service",
        "--quiet /bin/net-static storm 8080 9090", status: 0,
        expect: [.contains("received: ping from host"), .matches(#"^storm: [0-9]+ connections \([0-9]+ with garbage\), [1-9][0-9]* datagrams"#)],
        timeout: 180, programs: ["net-static"], network: true, hostPeer: .storm(tcpPort: 8080, udpPort: 9090)),
]

/// 4 MiB of pattern 3 behind QEMU's blkdebug: reads touching sector 2048 and writes touching
/// sector 4096 fail with EIO.
let faultyDisk: GuestDisk = {
    var disk = GuestDisk(sectors: 8192, contents: { diskPattern(3, $0) })
    disk.faults = """
        [inject-error]
        event = "read_aio"
        errno = "5"
        sector = "2048"

        [inject-error]
        event = "write_aio"
        errno = "5"
        sector = "4096"

        """
    return disk
}()
