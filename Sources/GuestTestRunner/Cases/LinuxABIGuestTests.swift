/// Linux programs in ring 3: loading, system calls, faults.
let linuxABIGuestTests: [GuestTest] = [
    GuestTest(
        "static musl hello world", "/bin/hello-static one 'two words'", machines: [.q35, .microvm], status: 0,
        expect: [
            // The boot time is the first line, before anything the application prints.
            .firstLineMatches(#"^Skiff [0-9.]+ booted in [0-9.]+ ms"#), .contains("hello from /bin/hello-static\narg 1: one\narg 2: two words\n"),
            .contains("stderr works"),
        ],
        programs: ["hello-static"]),
    GuestTest(
        "static-pie hello world", "--env=GREETING=hi /bin/hello-static-pie", status: 0,
        expect: [.contains("hello from /bin/hello-static-pie"), .contains("GREETING=hi")], programs: ["hello-static-pie"]),
    GuestTest(
        "glibc dynamic hello world through its own ld.so", "--env=GREETING=dyn /bin/hello-dynamic x", status: 0,
        expect: [.contains("hello from /bin/hello-dynamic\narg 1: x\n"), .contains("GREETING=dyn")],
        programs: ["hello-dynamic"]),
] + GuestTest.threeBuilds("files and directories: every VFS call and its errors", program: "files")
    + GuestTest.threeBuilds(
        "processes: fork, vfork+execve, posix_spawn, wait, kill, #! scripts, flock and fcntl locks", program: "processes",
        expect: [.contains("child says hello (parent 1)")])
    + GuestTest.threeBuilds(
        "signals: handlers, masks, faults to handlers, sigreturn, altstack, SA_RESTART, timers", program: "signals")
    + GuestTest.threeBuilds("poll, select, epoll, eventfd, timerfd, signalfd", program: "events", dynamicCPUs: 2)
    + GuestTest.threeBuilds(
        "vDSO: clocks beside the system calls, getcpu, clock_settime, maps, protections", program: "vdso", staticCPUs: 2,
        dynamicCPUs: 2)
    + GuestTest.threeBuilds(
        "system: uname, getrandom, resource limits, the auxiliary vector, reboot's checks, ENOSYS", program: "system")
    + [
    GuestTest(
        "an unknown system call is ENOSYS every time and logged once with its name", "--quiet /bin/system-static",
        status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#)],
        programs: ["system-static"],
        consoleCheck: { console in
            ["system call 246 (kexec_load) is not implemented", "system call 335 (unassigned) is not implemented"].compactMap { line in
                let n = console.components(separatedBy: line).count - 1
                return n == 1 ? nil : "\"\(line)\" logged \(n) times, expected once"
            }
        }),
    GuestTest(
        "reboot(RB_POWER_OFF) powers the machine off with status 0", "--quiet /bin/system-static poweroff",
        machines: [.q35, .microvm], status: 0,
        expect: [.contains("skiff: reboot: the application powered the machine off"), .lacks("returned: errno")],
        programs: ["system-static"]),
    GuestTest(
        "reboot(RB_AUTOBOOT) resets the machine (QEMU runs with -no-reboot, so it ends)", "--quiet /bin/system-static restart",
        machines: [.q35, .microvm], status: 0,
        expect: [.contains("skiff: reboot: the application restarts the machine"), .lacks("returned: errno")],
        timeout: 60, programs: ["system-static"]),
    GuestTest(
        "processes on 4 CPUs", "--quiet /bin/processes-static", status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#)], cpus: 4, timeout: 180, programs: ["processes-static"]),
    clockCallsStayOut("musl's clock calls stay out of the kernel: the tracer sees only the CPU-time clock", "vdso-static"),
    clockCallsStayOut("glibc's clock calls stay out of the kernel", "vdso-dynamic"),
    GuestTest(
        "--no-vdso: no AT_SYSINFO_EHDR, the clocks by system call", "--no-vdso --quiet /bin/vdso-static absent", status: 0,
        expect: [.matches(#"^3 passed, 0 failed$"#)], programs: ["vdso-static"]),
    GuestTest(
        "program exit status is the VM's", "--quiet /bin/hello-static exit 42", status: 42,
        expect: [.contains("arg 2: 42")], programs: ["hello-static"]),
    GuestTest(
        "a program name is looked up in /bin", "--quiet hello-static", status: 0,
        expect: [.contains("hello from hello-static")], programs: ["hello-static"]),
    GuestTest(
        "missing program exits 127", "--quiet /bin/nope", status: 127,
        expect: [.contains("skiff: /bin/nope: no such file in the image")], programs: ["hello-static"]),
    GuestTest(
        "null pointer write kills the program with SIGSEGV, not the kernel", "--quiet /bin/crash-static segv", status: 139,
        expect: [
            .contains("killed by SIGSEGV (page fault at 0x10"), .contains("skiff: exit status 139"), .lacks("kernel panic"),
            // Where: the instruction and its callers (frame pointers), as file offsets.
            .matches(#"^skiff:   at /bin/crash-static\+0x[0-9a-f]+ < /bin/crash-static\+0x[0-9a-f]+"#),
        ],
        programs: ["crash-static"]),
    GuestTest(
        "reading kernel memory from user mode is SIGSEGV", "--quiet /bin/crash-static kernel", status: 139,
        expect: [.contains("killed by SIGSEGV (page fault at 0x100000"), .lacks("kernel panic")], programs: ["crash-static"]),
    GuestTest(
        "invalid instruction is SIGILL", "--quiet /bin/crash-static ill", status: 132,
        expect: [.contains("killed by SIGILL (invalid opcode")], programs: ["crash-static"]),
    GuestTest(
        "division by zero is SIGFPE", "--quiet /bin/crash-static fpe", status: 136,
        expect: [.contains("killed by SIGFPE (divide error")], programs: ["crash-static"]),
    GuestTest(
        "the stack is not executable", "--quiet /bin/crash-static exec-stack", status: 139,
        expect: [.contains("killed by SIGSEGV (page fault")], programs: ["crash-static"]),
]

/// `program loop 1000` under the tracer: a thousand clock_gettime(CLOCK_MONOTONIC), one
/// gettimeofday and one time through libc, then one CPU-time clock, which only the kernel has and
/// which shows the tracer is on.
func clockCallsStayOut(_ title: String, _ program: String) -> GuestTest {
    GuestTest(
        title, "--trace=syscall_clock_gettime,syscall_gettimeofday,syscall_time --strace /bin/\(program) loop 1000", status: 0,
        expect: [
            .contains("vdso: loop ends"), .matches(#"t1 syscall_clock_gettime\(0x2, "#), .lacks("syscall_clock_gettime(0x1,"),
            .lacks("syscall_gettimeofday("), .lacks("syscall_time("), .matches(#"^1 passed, 0 failed$"#),
        ],
        programs: [program])
}
