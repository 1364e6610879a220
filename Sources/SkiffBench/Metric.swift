/// One row of the benchmark table.
struct Metric {
    var id: String
    var title: String
    var unit: String
    var lowerIsBetter: Bool

    /// Every row, in the order the table shows them. The ids of rows the guest programs measure
    /// are the names they print (`bench: NAME VALUE UNIT`).
    static let catalog: [Metric] = [
        Metric(id: "boot-host", title: "boot to first output, host clock", unit: "ms", lowerIsBetter: true),
        Metric(id: "boot-clock", title: "boot to first output, guest clock", unit: "ms", lowerIsBetter: true),
        Metric(id: "hello-total", title: "hello: QEMU start to exit", unit: "ms", lowerIsBetter: true),
        Metric(id: "memory-floor", title: "memory floor (hello exits 0)", unit: "MiB", lowerIsBetter: true),
        Metric(id: "kernel-size", title: "kernel file", unit: "KiB", lowerIsBetter: true),
        Metric(id: "image-size", title: "kernel + hello image", unit: "KiB", lowerIsBetter: true),
        Metric(id: "getppid", title: "getppid()", unit: "ns/op", lowerIsBetter: true),
        Metric(id: "read-dev-zero", title: "read(/dev/zero, 1 byte)", unit: "ns/op", lowerIsBetter: true),
        Metric(id: "clock-gettime", title: "clock_gettime(MONOTONIC), vDSO", unit: "ns/op", lowerIsBetter: true),
        Metric(id: "futex-pingpong", title: "futex ping-pong, 2 threads", unit: "round trips/s", lowerIsBetter: false),
        Metric(id: "thread-create-join", title: "pthread create + join", unit: "µs/op", lowerIsBetter: true),
        Metric(id: "file-read-1t", title: "file read, 1 thread", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "file-read-2t", title: "file read, 2 threads", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "file-read-4t", title: "file read, 4 threads", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "file-read-own-1t", title: "file read, a tmpfs file per thread, 1 thread", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "file-read-own-2t", title: "file read, a tmpfs file per thread, 2 threads", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "file-read-own-4t", title: "file read, a tmpfs file per thread, 4 threads", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "tcp-loopback-throughput", title: "TCP over loopback, one stream", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "tcp-loopback-round-trips", title: "TCP over loopback, 1-byte round trips", unit: "round trips/s", lowerIsBetter: false),
        Metric(id: "http-requests", title: "HTTP requests from the host (wrk, 4 connections)", unit: "req/s", lowerIsBetter: false),
        Metric(id: "http-latency-p50", title: "HTTP latency under that load, median", unit: "ms", lowerIsBetter: true),
        Metric(id: "http-latency-p99", title: "HTTP latency under that load, 99th percentile", unit: "ms", lowerIsBetter: true),
        Metric(id: "tcp-stream-to-host", title: "TCP stream over virtio-net, guest to host", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "tcp-stream-from-host", title: "TCP stream over virtio-net, host to guest", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "block-random-read-4k", title: "virtio-blk random 4 KiB reads", unit: "IOPS", lowerIsBetter: false),
        Metric(id: "block-sequential-read", title: "virtio-blk sequential reads", unit: "MiB/s", lowerIsBetter: false),
        Metric(id: "ext4-small-files", title: "ext4: create, write 4 KiB, fsync", unit: "files/s", lowerIsBetter: false),
        Metric(id: "ext4-sequential-write", title: "ext4: sequential write + fsync", unit: "MiB/s", lowerIsBetter: false),
    ]
}
