/* virtio-blk reads through the disk's device node, opened with O_DIRECT so every read reaches
 * the device: READS preads of 4 KiB at random aligned offsets (reads per second), then the
 * whole disk in 1 MiB reads, PASSES times (MiB per second).
 * Usage: blockread DEVICE [READS [PASSES]] */
#include "bench.h"
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: blockread DEVICE [READS]\n");
        return 2;
    }
    long reads = bench_count(argc, argv, 2, 5000);
    int fd = -1;
    // Linux creates the node from devtmpfs's thread just after the driver probes.
    for (int tries = 0; tries < 100 && fd < 0; tries++) {
        fd = open(argv[1], O_RDONLY | O_DIRECT);
        if (fd < 0 && errno == ENOENT) usleep(10000);
        else break;
    }
    if (fd < 0) {
        char reason[128];
        snprintf(reason, sizeof reason, "(no %s: %s)", argv[1], strerror(errno));
        bench_unavailable("block-random-read-4k", reason);
        return 0;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 4096) bench_fail("device size");
    uint64_t blocks = (uint64_t)size / 4096, state = 0x9E3779B97F4A7C15ULL;
    void *buffer;
    if (posix_memalign(&buffer, 4096, 4096) != 0) bench_fail("posix_memalign");
    long long start = 0;
    for (long i = -reads / 10; i < reads; i++) {  // the first tenth warms up
        if (i == 0) start = bench_now_ns();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if (pread(fd, buffer, 4096, (off_t)(state % blocks) * 4096) != 4096) bench_fail("pread");
    }
    bench_report("block-random-read-4k", reads / ((double)(bench_now_ns() - start) / 1e9), "IOPS");

    long passes = bench_count(argc, argv, 3, 2);
    void *big;
    if (posix_memalign(&big, 4096, 1 << 20) != 0) bench_fail("posix_memalign");
    start = bench_now_ns();
    long long total = 0;
    for (long pass = 0; pass < passes; pass++) {
        for (off_t offset = 0; offset + (1 << 20) <= size; offset += 1 << 20) {
            if (pread(fd, big, 1 << 20, offset) != 1 << 20) bench_fail("sequential pread");
            total += 1 << 20;
        }
    }
    bench_report("block-sequential-read", (double)total / (1 << 20) / ((double)(bench_now_ns() - start) / 1e9), "MiB/s");
    return 0;
}
