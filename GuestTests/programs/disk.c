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
#include "../include/pattern.h"
#include "../include/tree.h"
#include <dirent.h>
#include <fcntl.h>
#ifndef BLKGETSIZE64
#define BLKGETSIZE64 0x80081272 /* _IOR(0x12, 114, size_t): not in musl's headers */
#endif
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>

static int tree(const char *dir) {
    char p[512], text[256];
    struct stat st;
    struct statfs sf;

    CHECK(statfs(dir, &sf) == 0 && sf.f_type == 0xEF53, "%s is ext4 (type %lx)", dir, (long)sf.f_type);
    path_in(p, sizeof p, dir, "seed/hello.txt");
    CHECK(read_text(p, text, sizeof text) == 20 && strcmp(text, "hello from the host\n") == 0, "a file mke2fs put there: %s", text);
    path_in(p, sizeof p, dir, "seed/nested/pattern.bin");
    CHECK(check_pattern(p, 1, 200000), "a 200000-byte file mke2fs put there");
    printf("disk: the host's files read back: ok\n");

    /* Directories, and files of sizes around block and extent boundaries. */
    tree_directories(dir);
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 65536, 1000000, 3 << 20};
    tree_sized_files(dir, sizes, sizeof sizes / sizeof sizes[0], 10007, 40000);
    /* 300 small files: the directory becomes several blocks. */
    tree_small_files(dir, 300);
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
    tree_appends(dir);
    printf("disk: sparse files, truncate and append: ok\n");

    /* A writable shared mapping of an ext4 file: stores reach read() at once, a forked child's
     * stores reach the parent, msync and munmap write them back; the host finds pattern 20 in
     * out/mapped, 3 pages and 100 bytes long (the bytes stored past the end are not the file's). */
    enum { PAGE = 4096, MAPPED = 3 * PAGE + 100 };
    path_in(p, sizeof p, dir, "out/mapped");
    fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, MAPPED) == 0, "ftruncate out/mapped");
    unsigned char *map = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED, "mmap MAP_SHARED of an ext4 file");
    fill(map, PAGE, 20, 0);
    CHECK(pread(fd, text, 64, 100) == 64 && matches((unsigned char *)text, 64, 20, 100), "a store shows in read() before msync");
    pid_t child = fork();
    if (child == 0) {
        fill(map + PAGE, PAGE, 20, PAGE);
        _exit(matches(map, PAGE, 20, 0) ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0 && matches(map + PAGE, PAGE, 20, PAGE),
          "a forked child's stores reach the parent's mapping");
    CHECK(msync(map, 2 * PAGE, MS_SYNC) == 0, "msync");
    fill(map + 2 * PAGE, PAGE + 100, 20, 2 * PAGE);
    memset(map + MAPPED, 'X', PAGE - 100);  /* past the end: stays out of the file */
    unsigned char head[16];
    fill(head, sizeof head, 20, 2 * PAGE);
    CHECK(pwrite(fd, head, sizeof head, 2 * PAGE) == (ssize_t)sizeof head, "write() into the mapped range");
    CHECK(munmap(map, 4 * PAGE) == 0 && fstat(fd, &st) == 0 && st.st_size == MAPPED, "munmap; the size is unchanged");
    CHECK(check_pattern(p, 20, MAPPED), "munmap wrote the pages back");
    CHECK(close(fd) == 0, "close");
    printf("disk: shared file mappings: ok\n");

    /* Links, renames, removal. */
    tree_links_and_renames(dir);
    tree_removal(dir);
    path_in(p, sizeof p, dir, "out/mode");
    fd = open(p, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0 && fchmod(fd, 0640) == 0 && fchown(fd, 1000, 1000) == 0 && close(fd) == 0, "chmod, chown");
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_uid == 1000 && st.st_gid == 1000, "mode %o uid %d", st.st_mode, st.st_uid);
    printf("disk: links, renames and removal: ok\n");

    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree > 0 && sf.f_files > 0, "statfs counts");
    sync();
    /* The volume's metadata blocks in memory show in /proc/meminfo as Buffers, as on Linux. */
    char info[4096] = {0};
    int mfd = open("/proc/meminfo", O_RDONLY);
    CHECK(mfd >= 0 && read(mfd, info, sizeof info - 1) > 0, "read /proc/meminfo");
    if (mfd >= 0) close(mfd);
    const char *buffers = strstr(info, "\nBuffers:");
    long kb = buffers ? strtol(buffers + 9, NULL, 10) : 0;
    CHECK(kb > 0, "meminfo Buffers counts the ext4 metadata cache (%ld kB)", kb);
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
