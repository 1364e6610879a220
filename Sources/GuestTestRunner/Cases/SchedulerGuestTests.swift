/// Threads, the scheduler and SMP inside the guest.
let schedulerGuestTests: [GuestTest] = [
    GuestTest(
        "kernel threads: sleep, mutex contention, preemption", "--kernel-test=scheduler", machines: [.q35, .microvm],
        status: 0,
        expect: [
            .matches(#"scheduler: slept [0-9]+ us for 20000 us: ok"#),
            .contains("scheduler: 16 threads x 200 locked increments = 3200: ok"),
            .contains("scheduler: condition variables passed 400 items through a queue of 4: ok"),
            .contains("scheduler: CPU-bound threads interleaved: ok"),
            // TCG has no TSC-deadline timer, so there this is the one-shot count-down timer
            // calibrated against the TSC; under KVM it is TSC-deadline.
            .matches(#"scheduler: APIC timer in (TSC-deadline|one-shot) mode"#),
        ]),
] + GuestTest.threeBuilds(
    "pthreads, mutexes, condition variables, futexes, clocks, affinity", program: "threads", dynamicCPUs: 2)
+ [
    GuestTest(
        "SMP: 2 CPUs", "--quiet /bin/threads-static", machines: [.q35], status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#), .matches(#"workers ran on [2-9] CPUs"#)], cpus: 2,
        timeout: 180, programs: ["threads-static"]),
    GuestTest(
        "SMP: 4 CPUs", "--quiet /bin/threads-static", status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#), .matches(#"workers ran on [2-9] CPUs"#)], cpus: 4,
        timeout: 180, programs: ["threads-static"]),
    GuestTest(
        "SMP: 8 CPUs", "--quiet /bin/threads-static", status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#), .matches(#"workers ran on [2-9] CPUs"#)], cpus: 8,
        timeout: 240, programs: ["threads-static"]),
    // No fixed CPU limit (OSv stops at 64): 255 is the most QEMU 7.2 starts without x2APIC.
    // procfs.c checks /proc/cpuinfo, /sys's online and possible lists, sysconf and affinity.
    GuestTest(
        "SMP: 255 CPUs on both machines, each in /proc/cpuinfo and /sys", "--quiet /bin/procfs-static 512 255",
        machines: [.q35, .microvm], status: 0, expect: [.matches(#"^[0-9]+ passed, 0 failed$"#)], memoryMiB: 512,
        cpus: 255, timeout: 180, programs: ["procfs-static"]),
    GuestTest(
        "SMP: kernel threads on 4 CPUs", "--kernel-test=scheduler", status: 0,
        expect: [
            .contains("locked increments = 3200: ok"), .contains("items through a queue of 4: ok"), .contains("interleaved: ok"),
        ],
        cpus: 4),
]
