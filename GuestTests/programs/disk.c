/* ext4 on virtio-blk and the raw disk device. The host checks what is left on the disk after
 * the VM ends (e2fsck -fn, then the tree byte for byte), so every byte written here follows
 * a pattern the host test computes too (see DiskGuestTests.swift).
 *
 *   disk tree DIR      host seed files readable; build the tree the host expects; error paths
 *   disk fill DIR      fill the volume: ENOSPC, nothing lost, space back after unlink
 *   disk churn DIR     write, fsync, rename and delete forever; "durable N" once round N is
 *                      fsynced (the host kills the VM at a random moment)
 *   disk raw DEV       read and write the block device itself
 *   disk ioerror DEV   the host's disk fails reads of sector 2048 and writes of sector 4096
 *                      (QEMU blkdebug): EIO for those, the rest of the disk keeps working
 *   disk mount DEV DIR mount(2) and umount2(2) of ext4, read-write then read-only; leaves
 *                      DIR/mounted.txt
 */
#define _GNU_SOURCE
#include "../include/check.h"
#include <dirent.h>
#include <fcntl.h>
#ifndef BLKGETSIZE64
#define BLKGETSIZE64 0x80081272 /* _IOR(0x12, 114, size_t): not in musl's headers */
#endif
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>

/* Byte i of pattern `seed` (the host's `diskPattern`). */
static unsigned char pattern(unsigned seed, unsigned long i) {
    return (unsigned char)((i * 131 + (i >> 9) * 7 + seed * 29) ^ (seed >> 3));
}

static void fill(unsigned char *buf, size_t n, unsigned seed, unsigned long offset) {
    for (size_t i = 0; i < n; i++) buf[i] = pattern(seed, offset + i);
}

static int matches(const unsigned char *buf, size_t n, unsigned seed, unsigned long offset) {
    for (size_t i = 0; i < n; i++)
        if (buf[i] != pattern(seed, offset + i)) return 0;
    return 1;
}

/* Writes `size` bytes of pattern `seed` to `path` in chunks of `chunk` bytes. */
static int write_pattern(const char *path, unsigned seed, size_t size, size_t chunk) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) return -1;
    static unsigned char buf[65536];
    size_t done = 0;
    while (done < size) {
        size_t n = size - done < chunk ? size - done : chunk;
        fill(buf, n, seed, done);
        if (write(fd, buf, n) != (ssize_t)n) { close(fd); return -1; }
        done += n;
    }
    return close(fd);
}

/* Whether `path` holds exactly `size` bytes of pattern `seed`. */
static int check_pattern(const char *path, unsigned seed, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    static unsigned char buf[40000];
    size_t done = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (done + n > size || !matches(buf, n, seed, done)) { close(fd); return 0; }
        done += n;
    }
    close(fd);
    return n == 0 && done == size;
}

static int read_text(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return (int)n;
}

static int count_entries(const char *path) {
    DIR *d = opendir(path);
    if (!d) return -1;
    int n = 0;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

static void path_in(char *out, size_t size, const char *dir, const char *name) {
    snprintf(out, size, "%s/%s", dir, name);
}

static int tree(const char *dir) {
    char p[512], q[512], text[256];
    struct stat st;
    struct statfs sf;

    CHECK(statfs(dir, &sf) == 0 && sf.f_type == 0xEF53, "%s is ext4 (type %lx)", dir, (long)sf.f_type);
    path_in(p, sizeof p, dir, "seed/hello.txt");
    CHECK(read_text(p, text, sizeof text) == 20 && strcmp(text, "hello from the host\n") == 0, "a file mke2fs put there: %s", text);
    path_in(p, sizeof p, dir, "seed/nested/pattern.bin");
    CHECK(check_pattern(p, 1, 200000), "a 200000-byte file mke2fs put there");
    printf("disk: the host's files read back: ok\n");

    /* Directories, and files of sizes around block and extent boundaries. */
    path_in(p, sizeof p, dir, "out");
    CHECK(mkdir(p, 0755) == 0, "mkdir out");
    CHECK_ERRNO(mkdir(p, 0755), EEXIST);
    path_in(p, sizeof p, dir, "out/a");
    CHECK(mkdir(p, 0750) == 0, "mkdir out/a");
    path_in(p, sizeof p, dir, "out/a/b");
    CHECK(mkdir(p, 0700) == 0, "mkdir out/a/b");
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 65536, 1000000, 3 << 20};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        snprintf(p, sizeof p, "%s/out/size-%zu", dir, sizes[i]);
        CHECK(write_pattern(p, 10 + i, sizes[i], 10007) == 0, "write %s", p);
        CHECK(check_pattern(p, 10 + i, sizes[i]), "read back %s", p);
    }
    /* 300 small files: the directory becomes several blocks. */
    for (int i = 0; i < 300; i++) {
        snprintf(p, sizeof p, "%s/out/a/small-%03d", dir, i);
        int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0600);
        int len = snprintf(text, sizeof text, "small file %d\n", i);
        CHECK(fd >= 0 && write(fd, text, len) == len && close(fd) == 0, "small file %d", i);
    }
    path_in(p, sizeof p, dir, "out/a");
    CHECK(count_entries(p) == 303, "out/a lists 300 files, b, . and ..: %d", count_entries(p));
    printf("disk: directories and files written: ok\n");

    /* Sparse file, pwrite in the middle, truncation, append. */
    path_in(p, sizeof p, dir, "out/sparse");
    int fd = open(p, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 10 << 20) == 0, "ftruncate to 10 MiB");
    CHECK(pwrite(fd, "middle", 6, 5 << 20) == 6, "pwrite in the middle of a hole");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 10 << 20 && st.st_blocks <= 64, "sparse: size %ld, %ld blocks", (long)st.st_size, (long)st.st_blocks);
    CHECK(pread(fd, text, 8, (5 << 20) - 1) == 8 && memcmp(text, "\0middle\0", 8) == 0, "holes read as zeros");
    CHECK(fsync(fd) == 0 && close(fd) == 0, "fsync");
    snprintf(p, sizeof p, "%s/out/size-1000000", dir);
    CHECK(truncate(p, 123457) == 0, "truncate shorter");
    CHECK(check_pattern(p, 16, 123457), "the truncated file keeps its head");
    path_in(p, sizeof p, dir, "out/log");
    for (int i = 0; i < 3; i++) {
        fd = open(p, O_CREAT | O_WRONLY | O_APPEND, 0644);
        int len = snprintf(text, sizeof text, "line %d\n", i);
        CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, text, len) == len && close(fd) == 0, "append %d", i);
    }
    CHECK(read_text(p, text, sizeof text) == 21 && strcmp(text, "line 0\nline 1\nline 2\n") == 0, "appends: %s", text);
    printf("disk: sparse files, truncate and append: ok\n");

    /* Links, renames, removal. */
    path_in(p, sizeof p, dir, "out/size-4096");
    path_in(q, sizeof q, dir, "out/a/b/hard");
    CHECK(link(p, q) == 0 && stat(q, &st) == 0 && st.st_nlink == 2, "hard link");
    path_in(q, sizeof q, dir, "out/link");
    CHECK(symlink("a/b/hard", q) == 0, "symlink");
    CHECK(readlink(q, text, sizeof text) == 8 && memcmp(text, "a/b/hard", 8) == 0, "readlink");
    CHECK(check_pattern(q, 13, 4096), "through the symlink");
    path_in(p, sizeof p, dir, "out/size-4097");
    path_in(q, sizeof q, dir, "out/a/renamed");
    CHECK(rename(p, q) == 0 && access(p, F_OK) == -1 && check_pattern(q, 14, 4097), "rename across directories");
    path_in(p, sizeof p, dir, "out/size-1");
    path_in(q, sizeof q, dir, "out/size-0");
    CHECK(rename(p, q) == 0, "rename over a file");
    path_in(p, sizeof p, dir, "out/a/small-000");
    CHECK(unlink(p) == 0, "unlink");
    CHECK_ERRNO(unlink(p), ENOENT);
    path_in(p, sizeof p, dir, "out/a");
    CHECK_ERRNO(rmdir(p), ENOTEMPTY);
    CHECK_ERRNO(unlink(p), EISDIR);
    path_in(p, sizeof p, dir, "out/gone");
    CHECK(mkdir(p, 0755) == 0 && rmdir(p) == 0, "rmdir");
    /* A file unlinked while open keeps its data until closed. */
    path_in(p, sizeof p, dir, "out/open-unlinked");
    CHECK(write_pattern(p, 99, 50000, 4096) == 0, "write open-unlinked");
    fd = open(p, O_RDONLY);
    CHECK(fd >= 0 && unlink(p) == 0, "unlink while open");
    static unsigned char big[50000];
    CHECK(read(fd, big, sizeof big) == 50000 && matches(big, 50000, 99, 0), "read after unlink");
    close(fd);
    path_in(p, sizeof p, dir, "out/mode");
    fd = open(p, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0 && fchmod(fd, 0640) == 0 && fchown(fd, 1000, 1000) == 0 && close(fd) == 0, "chmod, chown");
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_uid == 1000 && st.st_gid == 1000, "mode %o uid %d", st.st_mode, st.st_uid);
    printf("disk: links, renames and removal: ok\n");

    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree > 0 && sf.f_files > 0, "statfs counts");
    sync();
    return check_summary();
}

static int fill_volume(const char *dir) {
    char p[512];
    struct statfs before, after;
    CHECK(statfs(dir, &before) == 0, "statfs");
    path_in(p, sizeof p, dir, "keep");
    CHECK(write_pattern(p, 5, 100000, 8192) == 0, "a file to keep");
    path_in(p, sizeof p, dir, "filler");
    int fd = open(p, O_CREAT | O_WRONLY, 0644);
    static unsigned char buf[65536];
    memset(buf, 0xAB, sizeof buf);
    long total = 0;
    ssize_t n;
    while ((n = write(fd, buf, sizeof buf)) > 0) total += n;
    CHECK(n == -1 && errno == ENOSPC, "the volume fills up with ENOSPC after %ld bytes (n %ld)", total, (long)n);
    CHECK(total > 4 << 20, "most of the volume was usable: %ld bytes", total);
    CHECK(close(fd) == 0, "close the filler");
    path_in(p, sizeof p, dir, "more");
    CHECK_ERRNO(write_pattern(p, 6, 1 << 20, 65536), ENOSPC);
    path_in(p, sizeof p, dir, "keep");
    CHECK(check_pattern(p, 5, 100000), "the file written before is intact");
    path_in(p, sizeof p, dir, "filler");
    CHECK(unlink(p) == 0, "unlink the filler");
    sync();
    CHECK(statfs(dir, &after) == 0 && after.f_bfree + 64 >= before.f_bfree - 100000 / before.f_bsize - 64, "space comes back: %ld of %ld", (long)after.f_bfree, (long)before.f_bfree);
    path_in(p, sizeof p, dir, "after");
    CHECK(write_pattern(p, 7, 1 << 20, 65536) == 0 && check_pattern(p, 7, 1 << 20), "a file after the space came back");
    printf("disk: full volume: ok\n");
    return check_summary();
}

static int churn(const char *dir) {
    char p[600], q[600], d[512];
    path_in(d, sizeof d, dir, "churn");
    mkdir(d, 0755);
    int dfd = open(d, O_RDONLY | O_DIRECTORY);
    printf("churn: started\n");
    fflush(stdout);
    for (unsigned round = 0;; round++) {
        /* A temporary name, fsync, then the final name, and the directory fsynced. */
        snprintf(p, sizeof p, "%s/tmp-%u", d, round);
        snprintf(q, sizeof q, "%s/r%u", d, round);
        size_t size = 1000 + (round * 7919) % 300000;
        int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
        static unsigned char buf[65536];
        size_t done = 0;
        while (done < size) {
            size_t n = size - done < sizeof buf ? size - done : sizeof buf;
            fill(buf, n, round, done);
            if (write(fd, buf, n) != (ssize_t)n) { printf("churn: write failed: %s\n", strerror(errno)); return 1; }
            done += n;
        }
        if (fsync(fd) != 0 || close(fd) != 0 || rename(p, q) != 0 || fsync(dfd) != 0) {
            printf("churn: round %u failed: %s\n", round, strerror(errno));
            return 1;
        }
        if (round >= 12) {
            snprintf(p, sizeof p, "%s/r%u", d, round - 12);
            unlink(p);
        }
        printf("durable %u %zu\n", round, size);
        fflush(stdout);
    }
}

static int raw(const char *dev) {
    int fd = open(dev, O_RDWR);
    CHECK(fd >= 0, "open %s", dev);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode), "%s is a block device", dev);
    unsigned long long size = 0;
    CHECK(ioctl(fd, BLKGETSIZE64, &size) == 0 && size == 2 << 20, "BLKGETSIZE64 %llu", size);
    CHECK(lseek(fd, 0, SEEK_END) == 2 << 20, "SEEK_END is the disk's size");
    unsigned char buf[5000];
    CHECK(pread(fd, buf, 4096, 0) == 4096 && matches(buf, 4096, 3, 0), "the host's bytes at sector 0");
    /* An unaligned write in the middle of a sector, across a sector boundary. */
    fill(buf, 1000, 8, 0);
    CHECK(pwrite(fd, buf, 1000, 100000) == 1000, "unaligned pwrite");
    fill(buf, 4096, 9, 0);
    CHECK(pwrite(fd, buf, 4096, 1 << 20) == 4096, "aligned pwrite");
    CHECK(fsync(fd) == 0, "fsync the disk");
    CHECK(pread(fd, buf, 1000, 100000) == 1000 && matches(buf, 1000, 8, 0), "read back unaligned");
    CHECK(pread(fd, buf, 10, (2 << 20) - 4) == 4, "a read at the end is short");
    CHECK(pwrite(fd, buf, 10, 2 << 20) == -1 && errno == ENOSPC, "a write past the end is ENOSPC");
    close(fd);
    printf("disk: raw device: ok\n");
    return check_summary();
}

static int io_errors(const char *dev) {
    int fd = open(dev, O_RDWR);
    CHECK(fd >= 0, "open %s", dev);
    unsigned char buf[4096];
    CHECK(pread(fd, buf, 4096, 0) == 4096 && matches(buf, 4096, 3, 0), "sector 0 reads");
    for (int i = 0; i < 3; i++) CHECK_ERRNO(pread(fd, buf, 4096, 1 << 20), EIO);
    CHECK_ERRNO(pread(fd, buf, 512, (1 << 20) + 0), EIO);
    fill(buf, 4096, 9, 0);
    CHECK_ERRNO(pwrite(fd, buf, 4096, 2 << 20), EIO);
    CHECK(pwrite(fd, buf, 4096, 3 << 20) == 4096, "a write elsewhere succeeds");
    CHECK(fsync(fd) == 0, "fsync");
    CHECK(pread(fd, buf, 4096, 3 << 20) == 4096 && matches(buf, 4096, 9, 0), "and reads back");
    CHECK(pread(fd, buf, 4096, 4096) == 4096 && matches(buf, 4096, 3, 4096), "sector 8 still reads");
    close(fd);
    printf("disk: I/O errors: ok\n");
    return check_summary();
}

static int mount_calls(const char *dev, const char *dir) {
    char p[600];
    struct statfs sf;
    CHECK_ERRNO(mount(dev, dir, "nosuchfs", 0, NULL), ENODEV);
    CHECK_ERRNO(mount("/dev/null", dir, "ext4", 0, NULL), ENOTBLK);
    CHECK(mount(dev, dir, "ext4", 0, NULL) == 0, "mount %s on %s", dev, dir);
    CHECK_ERRNO(mount(dev, "/tmp", "ext4", 0, NULL), EBUSY);
    CHECK(statfs(dir, &sf) == 0 && sf.f_type == 0xEF53, "statfs after mount: %lx", (long)sf.f_type);
    path_in(p, sizeof p, dir, "mounted.txt");
    int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(fd >= 0 && write(fd, "written after mount(2)\n", 23) == 23, "write after mount");
    CHECK_ERRNO(umount(dir), EBUSY);
    CHECK(close(fd) == 0 && umount(dir) == 0, "umount");
    CHECK_ERRNO(access(p, F_OK), ENOENT);
    CHECK(mount(dev, dir, "ext4", MS_RDONLY, NULL) == 0, "mount read-only");
    char text[64];
    CHECK(read_text(p, text, sizeof text) == 23, "the file is there after mounting again");
    CHECK_ERRNO(open(p, O_WRONLY | O_TRUNC), EROFS);
    CHECK(umount2(dir, 0) == 0, "umount2");
    CHECK_ERRNO(umount2(dir, 0), EINVAL);
    printf("disk: mount and umount: ok\n");
    return check_summary();
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "tree") == 0) return tree(argv[2]);
    if (argc == 3 && strcmp(argv[1], "fill") == 0) return fill_volume(argv[2]);
    if (argc == 3 && strcmp(argv[1], "churn") == 0) return churn(argv[2]);
    if (argc == 3 && strcmp(argv[1], "raw") == 0) return raw(argv[2]);
    if (argc == 3 && strcmp(argv[1], "ioerror") == 0) return io_errors(argv[2]);
    if (argc == 4 && strcmp(argv[1], "mount") == 0) return mount_calls(argv[2], argv[3]);
    fprintf(stderr, "usage: disk tree|fill|churn DIR, disk raw DEVICE\n");
    return 2;
}
