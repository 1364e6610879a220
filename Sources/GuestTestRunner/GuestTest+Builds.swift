extension GuestTest {
    /// A C program from GuestTests/programs that checks itself and prints "N passed, 0 failed",
    /// run as each of the three builds make makes of it: musl static on both machines, musl
    /// static-pie on two CPUs, and glibc dynamic through its own ld.so (on `dynamicCPUs`).
    /// The three libcs reach the kernel through different calls (musl's posix_spawn vs glibc's
    /// clone(CLONE_VM|CLONE_VFORK), rseq probes, PI-mutex choices), so each build is its own test.
    static func threeBuilds(
        _ description: String, program: String, expect: [Expectation] = [], staticCPUs: Int = 1, dynamicCPUs: Int = 1,
        timeout: Double = 90
    ) -> [GuestTest] {
        let summary: [Expectation] = [.matches(#"^[0-9]+ passed, 0 failed$"#)] + expect
        return [
            GuestTest(
                "\(description) (musl static)", "--quiet /bin/\(program)-static", machines: [.q35, .microvm], status: 0,
                expect: summary, cpus: staticCPUs, timeout: timeout, programs: ["\(program)-static"]),
            GuestTest(
                "\(program) (static-pie) on 2 CPUs", "--quiet /bin/\(program)-static-pie", status: 0, expect: summary, cpus: 2,
                timeout: timeout, programs: ["\(program)-static-pie"]),
            GuestTest(
                "\(program) (glibc dynamic)", "--quiet /bin/\(program)-dynamic", status: 0, expect: summary, cpus: dynamicCPUs,
                timeout: timeout, programs: ["\(program)-dynamic"]),
        ]
    }
}
