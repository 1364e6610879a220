/// One benchmark program run: which image, which arguments, and what it needs attached.
struct Workload {
    var name: String
    var image: BenchImage
    var arguments: [String]
    /// Attach the benchmark disk as virtio-blk.
    var needsDisk = false
    /// Time the boot to the line containing this text (host clock, from QEMU's start).
    var bootMarker: String? = nil
    /// The `bench:` results the program must print.
    var metrics: [String]

    static let helloMarker = "bench: boot-clock"

    /// The workloads in the order each run goes through them. Quick mode only checks that every
    /// path works: its counts are too small to mean anything.
    static func all(quick: Bool) -> [Workload] {
        let syscalls = quick ? 5_000 : 200_000
        let roundTrips = quick ? 500 : 20_000
        let threads = quick ? 50 : 500
        let passes = quick ? 1 : 2
        let reads = quick ? 200 : 5_000
        return [
            Workload(
                name: "boot", image: .hello, arguments: ["/bin/hello"], bootMarker: helloMarker, metrics: ["boot-clock"]),
            Workload(
                name: "syscalls", image: .suite, arguments: ["/bin/syscalls", "\(syscalls)"],
                metrics: ["getppid", "read-dev-zero"]),
            Workload(
                name: "threads", image: .suite, arguments: ["/bin/threads", "\(roundTrips)", "\(threads)"],
                metrics: ["futex-pingpong", "thread-create-join"]),
            Workload(
                name: "file-read", image: .suite, arguments: ["/bin/fileread", BenchImage.dataPath, "\(passes)"],
                metrics: ["file-read-1t", "file-read-2t", "file-read-4t"]),
            Workload(
                name: "block-read", image: .suite, arguments: ["/bin/blockread", "/dev/vda", "\(reads)"], needsDisk: true,
                metrics: ["block-random-read-4k"]),
        ]
    }
}
