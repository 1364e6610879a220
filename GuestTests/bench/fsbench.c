/* ext4 on virtio-blk: mounts DEVICE (a fresh ext4 volume the host made) on DIR with mount(2),
 * then
 *   - creates FILES files of 4 KiB, each written and fsync'd before the next (files per second:
 *     the cost of a durable small write, a journal commit each);
 *   - writes one file of MIB MiB in 1 MiB writes and fsyncs it (MiB per second, fsync included).
 * Usage: fsbench DEVICE DIR [FILES [MIB]] */
#include "bench.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        printf("usage: fsbench DEVICE DIR [FILES [MIB]]\n");
        return 2;
    }
    long files = bench_count(argc, argv, 3, 500);
    long mebibytes = bench_count(argc, argv, 4, 32);
    mkdir(argv[2], 0755);
    int mounted = -1;
    // Linux creates the node from devtmpfs's thread just after the driver probes.
    for (int tries = 0; tries < 100 && mounted != 0; tries++) {
        mounted = mount(argv[1], argv[2], "ext4", 0, NULL);
        if (mounted != 0 && errno == ENOENT) usleep(10000);
        else break;
    }
    if (mounted != 0) {
        char reason[160];
        snprintf(reason, sizeof reason, "(mount ext4 %s: %s)", argv[1], strerror(errno));
        bench_unavailable("ext4-small-files", reason);
        bench_unavailable("ext4-sequential-write", reason);
        return 0;
    }
    char path[512];
    static char block[4096];
    memset(block, 'x', sizeof block);
    snprintf(path, sizeof path, "%s/small", argv[2]);
    if (mkdir(path, 0755) != 0) bench_fail("mkdir");
    long long start = bench_now_ns();
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/small/f%ld", argv[2], i);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) bench_fail("open");
        if (write(fd, block, sizeof block) != sizeof block) bench_fail("write");
        if (fsync(fd) != 0) bench_fail("fsync");
        close(fd);
    }
    bench_report("ext4-small-files", files / ((double)(bench_now_ns() - start) / 1e9), "files/s");

    char *big = malloc(1 << 20);
    if (!big) bench_fail("malloc");
    for (int i = 0; i < 1 << 20; i++) big[i] = (char)(i * 7);
    snprintf(path, sizeof path, "%s/big", argv[2]);
    start = bench_now_ns();
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) bench_fail("open big");
    for (long i = 0; i < mebibytes; i++) {
        if (write(fd, big, 1 << 20) != 1 << 20) bench_fail("write big");
    }
    if (fsync(fd) != 0) bench_fail("fsync big");
    close(fd);
    bench_report("ext4-sequential-write", mebibytes / ((double)(bench_now_ns() - start) / 1e9), "MiB/s");
    if (umount(argv[2]) != 0) bench_fail("umount");
    return 0;
}
