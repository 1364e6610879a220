/* virtio-blk random 4 KiB reads: READS preads at random 4 KiB-aligned offsets of DEVICE,
 * opened with O_DIRECT so every read reaches the device; reports reads per second.
 * Usage: blockread DEVICE [READS] */
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
    return 0;
}
