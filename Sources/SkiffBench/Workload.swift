/// One benchmark program run: which image, which arguments, and what it needs attached.
struct Workload {
    var name: String
    var image: BenchImage
    var arguments: [String]
    /// What is attached as virtio-blk.
    var disk: BenchDisk = .none
    /// Load the host puts on a server the program runs. The VM then gets virtio-net on the run's
    /// network (`BenchNetwork`); the load measures the metrics the program does not print.
    var hostLoad: (any HostLoad)? = nil
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
        let diskPasses = quick ? 1 : 2
        let smallFiles = quick ? 20 : 500
        let writeMiB = quick ? 4 : 32
        let streamMiB = quick ? 8 : 256
        let tcpRounds = quick ? 200 : 5_000
        let httpSeconds = quick ? 1 : 5
        let nicStreamMiB = quick ? 4 : 128
        return [
            Workload(
                name: "boot", image: .hello, arguments: ["/bin/hello"], bootMarker: helloMarker, metrics: ["boot-clock"]),
            Workload(
                name: "syscalls", image: .suite, arguments: ["/bin/syscalls", "\(syscalls)"],
                metrics: ["getppid", "read-dev-zero", "clock-gettime"]),
            Workload(
                name: "threads", image: .suite, arguments: ["/bin/threads", "\(roundTrips)", "\(threads)"],
                metrics: ["futex-pingpong", "thread-create-join"]),
            Workload(
                name: "file-read", image: .suite, arguments: ["/bin/fileread", BenchImage.dataPath, "\(passes)"],
                metrics: ["file-read-1t", "file-read-2t", "file-read-4t", "file-read-own-1t", "file-read-own-2t", "file-read-own-4t"]),
            Workload(
                name: "tcp-loopback", image: .suite, arguments: ["/bin/tcploop", "\(streamMiB)", "\(tcpRounds)"],
                metrics: ["tcp-loopback-throughput", "tcp-loopback-round-trips"]),
            Workload(
                name: "http", image: .suite, arguments: ["/bin/httpd", "8080"],
                hostLoad: HTTPLoad(guestPort: 8080, seconds: httpSeconds, connections: 4, threads: 2),
                metrics: ["http-requests", "http-latency-p50", "http-latency-p99"]),
            Workload(
                name: "tcp-stream", image: .suite, arguments: ["/bin/tcpstream", "5002"],
                hostLoad: StreamLoad(guestPort: 5002, mebibytes: nicStreamMiB), metrics: ["tcp-stream-to-host", "tcp-stream-from-host"]),
            Workload(
                name: "block-read", image: .suite, arguments: ["/bin/blockread", "/dev/vda", "\(reads)", "\(diskPasses)"],
                disk: .raw, metrics: ["block-random-read-4k", "block-sequential-read"]),
            Workload(
                name: "ext4", image: .suite, arguments: ["/bin/fsbench", "/dev/vda", "/tmp/mnt", "\(smallFiles)", "\(writeMiB)"],
                disk: .ext4, metrics: ["ext4-small-files", "ext4-sequential-write"]),
        ]
    }
}

/// A disk attached to a benchmark VM.
enum BenchDisk {
    case none
    /// The 64 MiB raw disk of pseudo-random bytes (read only by the programs).
    case raw
    /// A fresh, empty 256 MiB ext4 volume made by mke2fs before each boot, the same for both
    /// systems.
    case ext4
}
