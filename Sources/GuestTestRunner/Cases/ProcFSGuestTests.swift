/// procps (ps, free, vmstat) from the host with busybox's shell: the usual /proc parsers.
let procpsImage = ImageRecipe(
    name: "procps",
    hostPrograms: [
        ("/bin/busybox", "/bin/busybox"), ("/usr/bin/ps", "/usr/bin/ps"), ("/usr/bin/free", "/usr/bin/free"),
        ("/usr/bin/vmstat", "/usr/bin/vmstat"),
    ],
    symlinks: [("/bin/sh", "busybox")])

/// procfs and sysfs: what programs read from /proc and /sys, and tools built on them.
let procfsGuestTests: [GuestTest] = [
    GuestTest(
        "procfs and sysfs: maps, status, stat, fd links, threads, meminfo, cpu lists, errors (musl static)",
        "--quiet /bin/procfs-static 128 1", machines: [.q35, .microvm], status: 0,
        expect: [
            .matches(#"^[0-9]+ passed, 0 failed$"#), .contains("through /dev/stdout\n"),
            .matches(#"^code: [0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} [0-9]+ +/bin/procfs-static$"#),
        ],
        programs: ["procfs-static"]),
    GuestTest(
        "procfs (static-pie) on 2 CPUs", "--quiet /bin/procfs-static-pie 128 2", status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#)], cpus: 2, timeout: 120, programs: ["procfs-static-pie"]),
    GuestTest(
        "procfs (glibc dynamic, 256 MiB)", "--quiet /bin/procfs-dynamic 256 1", status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#), .matches(#"^MemTotal [0-9]+ kB of 256 MiB$"#)],
        memoryMiB: 256, programs: ["procfs-dynamic"]),
    GuestTest(
        "busybox ps, free, df, uptime, top and cat /proc/cpuinfo",
        "--quiet /bin/sh -c 'ps; free; df; uptime; top -bn1; cat /proc/cpuinfo; mount'", status: 0,
        expect: [
            .matches(#"^PID\s+USER\s+(TIME\s+)?COMMAND$"#), .matches(#"^\s+1 (root|0)\s+(0:00 )?/bin/sh -c ps; free"#),
            .matches(#"^Mem:\s+[0-9]+\s+[0-9]+\s+[0-9]+"#),
            .matches(#"^Filesystem\s+1K-blocks\s+Used\s+Available\s+Use% Mounted on$"#),
            .matches(#"^tmpfs\s+[0-9]+\s+[0-9]+\s+[0-9]+\s+[0-9]+% /tmp$"#),
            .matches(#"up\s.*load average: [0-9]+\.[0-9]{2}, "#), .matches(#"^CPU:\s+[0-9]+% usr\s+[0-9]+% sys"#),
            .matches(#"^Load average: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$"#),
            .matches(#"^processor\s+: 0$"#), .matches(#"^flags\s+: fpu "#),
            .contains("proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)"),
        ],
        recipe: busyboxImage),
    GuestTest(
        "procps ps -eLfww, free and vmstat (glibc dynamic)", "--quiet /bin/sh -c '/usr/bin/ps -eLfww; /usr/bin/free; /usr/bin/vmstat'",
        status: 0,
        expect: [
            .matches(#"^UID\s+PID\s+PPID\s+LWP\s+C\s+NLWP\s+STIME\s+TTY\s+TIME\s+CMD$"#),
            // The image's /etc/passwd names UID 0.
            .matches(#"^root\s+1\s+0\s+1\s+[0-9]+\s+1 .* /bin/sh -c /usr/bin/ps -eLfww; /usr/bin/free"#),
            .matches(#"^root\s+2\s+1\s+2\s+[0-9]+\s+1 .* /usr/bin/ps -eLfww$"#),
            .matches(#"^Mem:\s+[0-9]+\s+[0-9]+\s+[0-9]+"#), .matches(#"^ r  b   swpd   free"#),
            .matches(#"^\s*[0-9]+\s+0\s+0\s+[0-9]+\s+0\s+[0-9]+(\s+[0-9]+){11}$"#),
        ],
        recipe: procpsImage),
]
