/* Files and directories through the VFS: every call of the file-system issue, with error paths. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int count_entries(const char *path, const char *want, int *found) {
    DIR *d = opendir(path);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    *found = 0;
    while ((e = readdir(d))) {
        n++;
        if (want && strcmp(e->d_name, want) == 0) *found = 1;
    }
    closedir(d);
    return n;
}

/* Linux constants musl has no header for. */
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif
#ifndef FALLOC_FL_COLLAPSE_RANGE
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif
#define SKIFF_RENAME_NOREPLACE 1
#define SKIFF_RENAME_EXCHANGE 2
#define SKIFF_RENAME_WHITEOUT 4
#define SKIFF_STATX_BASIC_STATS 0x7ffu
#define SKIFF_STATX_RESERVED 0x80000000u
#define SKIFF_AT_STATX_FORCE_SYNC 0x2000
#define SKIFF_AT_STATX_DONT_SYNC 0x4000

/* struct statx as the kernel writes it (musl 1.2.3 has neither the type nor a wrapper). */
struct kstatx_time { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct kstatx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad1;
    uint64_t ino, size, blocks, attributes_mask;
    struct kstatx_time atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id, spare[13];
};

static long kstatx(int dirfd, const char *path, int flags, unsigned mask, void *buf) {
    return syscall(SYS_statx, dirfd, path, flags, mask, buf);
}

/* A file of `size` bytes "0123456789…" at `path`, open read-write. */
static int digits_file(const char *path, int size) {
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    for (int i = 0; i < size; i++) write(fd, &"0123456789"[i % 10], 1);
    return fd;
}

/* Writes into a pipe until it is full, or reads it until it is empty, nonblocking meanwhile;
 * the bytes moved. */
static long fill_or_drain(int fd, int fill) {
    static char block[4096];
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    long total = 0;
    ssize_t n;
    while ((n = fill ? write(fd, block, sizeof block) : read(fd, block, sizeof block)) > 0) total += n;
    fcntl(fd, F_SETFL, flags);
    return total;
}

/* splice(2) and tee(2): every direction a pipe allows, offsets, waiting, and the errors. */
static void check_splice(void) {
    char buf[128];
    int src = digits_file("/tmp/splice-src", 100);
    int dst = open("/tmp/splice-dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int p[2], q[2], sv[2];
    CHECK(pipe(p) == 0 && pipe(q) == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "pipes and a socket pair");

    /* File to pipe: an offset leaves the position alone, none moves it. */
    loff_t off = 10;
    CHECK(splice(src, &off, p[1], NULL, 20, 0) == 20 && off == 30, "file to pipe at an offset: off %lld", (long long)off);
    CHECK(lseek(src, 0, SEEK_CUR) == 100, "the file position stayed");
    CHECK(read(p[0], buf, sizeof buf) == 20 && memcmp(buf, "01234567890123456789", 20) == 0, "the pipe has the bytes");
    lseek(src, 95, SEEK_SET);
    CHECK(splice(src, NULL, p[1], NULL, 50, 0) == 5 && lseek(src, 0, SEEK_CUR) == 100, "file to pipe stops at the end and moves the position");
    CHECK(splice(src, NULL, p[1], NULL, 50, 0) == 0, "at the end of the file: 0");
    CHECK(read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "56789", 5) == 0, "the last bytes");

    /* Pipe to file. */
    write(p[1], "hello", 5);
    off = 3;
    CHECK(splice(p[0], NULL, dst, &off, 100, SPLICE_F_MOVE | SPLICE_F_MORE) == 5 && off == 8, "pipe to file at an offset: off %lld", (long long)off);
    CHECK(pread(dst, buf, 5, 3) == 5 && memcmp(buf, "hello", 5) == 0 && lseek(dst, 0, SEEK_CUR) == 0, "the file has the bytes, its position stayed");
    write(p[1], "abcdef", 6);
    CHECK(splice(p[0], NULL, dst, NULL, 4, 0) == 4 && lseek(dst, 0, SEEK_CUR) == 4, "pipe to file at the position moves it");
    CHECK(read(p[0], buf, sizeof buf) == 2 && memcmp(buf, "ef", 2) == 0, "the rest stays in the pipe");

    /* Pipe to pipe, pipe to socket, socket to pipe, pipe to /dev/null. */
    write(p[1], "xyz", 3);
    CHECK(splice(p[0], NULL, q[1], NULL, 10, 0) == 3 && read(q[0], buf, sizeof buf) == 3 && memcmp(buf, "xyz", 3) == 0, "pipe to pipe");
    write(p[1], "sock", 4);
    CHECK(splice(p[0], NULL, sv[0], NULL, 4, 0) == 4 && read(sv[1], buf, sizeof buf) == 4 && memcmp(buf, "sock", 4) == 0, "pipe to socket");
    write(sv[1], "back", 4);
    CHECK(splice(sv[0], NULL, p[1], NULL, 100, 0) == 4 && read(p[0], buf, sizeof buf) == 4 && memcmp(buf, "back", 4) == 0, "socket to pipe");
    int null = open("/dev/null", O_WRONLY);
    write(p[1], "gone", 4);
    CHECK(splice(p[0], NULL, null, NULL, 4, 0) == 4, "pipe to /dev/null");
    close(null);

    /* tee copies without consuming. */
    write(p[1], "tee!", 4);
    CHECK(tee(p[0], q[1], 100, 0) == 4, "tee");
    CHECK(read(q[0], buf, sizeof buf) == 4 && memcmp(buf, "tee!", 4) == 0, "tee's copy arrived");
    CHECK(read(p[0], buf, sizeof buf) == 4 && memcmp(buf, "tee!", 4) == 0, "tee left the bytes in the source");

    /* Waiting: SPLICE_F_NONBLOCK on an empty or a full pipe, end of file once writers are gone. */
    CHECK_ERRNO(splice(p[0], NULL, dst, NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK_ERRNO(splice(sv[0], NULL, p[1], NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK_ERRNO(tee(p[0], q[1], 1, SPLICE_F_NONBLOCK), EAGAIN);
    long capacity = fill_or_drain(q[1], 1);
    CHECK(capacity >= 4096, "filled a pipe with %ld bytes", capacity);
    CHECK_ERRNO(splice(src, &(loff_t){0}, q[1], NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    write(p[1], "w", 1);
    CHECK_ERRNO(splice(p[0], NULL, q[1], NULL, 1, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK_ERRNO(tee(p[0], q[1], 1, SPLICE_F_NONBLOCK), EAGAIN);
    CHECK(fill_or_drain(q[0], 0) == capacity && read(p[0], buf, 1) == 1 && buf[0] == 'w', "nothing moved while full");
    /* Without the flag a splice sleeps until a writer fills the empty pipe or a reader makes room. */
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        write(p[1], "late", 4);
        _exit(0);
    }
    CHECK(splice(p[0], NULL, dst, &(loff_t){0}, 10, 0) == 4, "a splice from an empty pipe waits for the writer");
    waitpid(child, NULL, 0);
    fill_or_drain(q[1], 1);
    child = fork();
    if (child == 0) {
        usleep(50000);
        static char block[4096];
        for (long got = 0, n; got < capacity; got += n) {
            n = read(q[0], block, capacity - got < (long)sizeof block ? capacity - got : (long)sizeof block);
            if (n <= 0) _exit(1);
        }
        _exit(0);
    }
    CHECK(splice(src, &(loff_t){0}, q[1], NULL, 10, 0) == 10, "a splice into a full pipe waits for room");
    int status = -1;
    CHECK(waitpid(child, &status, 0) == child && status == 0, "the child drained the full pipe");
    CHECK(fill_or_drain(q[0], 0) == 10, "then the ten bytes came");
    int e[2];
    pipe(e);
    close(e[1]);
    CHECK(splice(e[0], NULL, dst, NULL, 10, 0) == 0, "an empty pipe without writers is at its end");
    CHECK(splice(e[0], NULL, q[1], NULL, 10, 0) == 0 && tee(e[0], q[1], 10, 0) == 0, "also to a pipe");
    close(e[0]);

    /* A reader gone: EPIPE (SIGPIPE ignored here), and the bytes stay in the source pipe. */
    signal(SIGPIPE, SIG_IGN);
    pipe(e);
    close(e[0]);
    CHECK_ERRNO(splice(src, &(loff_t){0}, e[1], NULL, 1, 0), EPIPE);
    write(p[1], "kept", 4);
    CHECK_ERRNO(splice(p[0], NULL, e[1], NULL, 4, 0), EPIPE);
    CHECK_ERRNO(tee(p[0], e[1], 4, 0), EPIPE);
    close(e[1]);
    int s2[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, s2);
    close(s2[1]);
    CHECK_ERRNO(splice(p[0], NULL, s2[0], NULL, 4, 0), EPIPE);
    close(s2[0]);
    CHECK(read(p[0], buf, sizeof buf) == 4 && memcmp(buf, "kept", 4) == 0, "a failed splice consumed nothing");
    signal(SIGPIPE, SIG_DFL);

    /* Errors, in Linux's order. */
    CHECK(splice(99, NULL, 98, NULL, 0, 0x100) == 0, "splice of 0 bytes is 0 before any check");
    CHECK_ERRNO(tee(99, 98, 0, 0x100), EINVAL);  /* tee checks flags first */
    CHECK(tee(99, 98, 0, 0) == 0, "tee of 0 bytes is 0 before the descriptors");
    CHECK_ERRNO(splice(p[0], NULL, dst, NULL, 1, 0x10), EINVAL);
    CHECK_ERRNO(splice(99, NULL, p[1], NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(p[0], NULL, 99, NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(p[0], &off, dst, NULL, 1, 0), ESPIPE);
    CHECK_ERRNO(splice(src, NULL, p[1], &off, 1, 0), ESPIPE);
    CHECK_ERRNO(splice(src, (loff_t *)8, p[1], NULL, 1, 0), EFAULT);
    CHECK_ERRNO(splice(p[0], NULL, dst, (loff_t *)8, 1, 0), EFAULT);
    CHECK_ERRNO(splice(src, NULL, p[0], NULL, 1, 0), EBADF);  /* the read end cannot be written */
    CHECK_ERRNO(splice(p[1], NULL, dst, NULL, 1, 0), EBADF);
    int wronly = open("/tmp/splice-src", O_WRONLY), rdonly = open("/tmp/splice-dst", O_RDONLY);
    int append = open("/tmp/splice-dst", O_WRONLY | O_APPEND);
    CHECK_ERRNO(splice(wronly, NULL, p[1], NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(p[0], NULL, rdonly, NULL, 1, 0), EBADF);
    CHECK_ERRNO(splice(p[0], NULL, append, NULL, 1, 0), EINVAL);
    CHECK_ERRNO(splice(src, NULL, dst, NULL, 1, 0), EINVAL);  /* no pipe */
    CHECK_ERRNO(splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL);  /* one pipe both ways */
    off = -1;
    CHECK_ERRNO(splice(src, &off, p[1], NULL, 1, 0), EINVAL);
    off = 0;
    CHECK_ERRNO(splice(sv[0], &off, p[1], NULL, 1, 0), EINVAL);  /* a socket has no offsets */
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY), efd = eventfd(1, 0);
    CHECK_ERRNO(splice(dir, NULL, p[1], NULL, 1, 0), EINVAL);
    CHECK_ERRNO(splice(efd, NULL, p[1], NULL, 1, 0), EINVAL);
    CHECK_ERRNO(tee(src, q[1], 1, 0), EINVAL);
    CHECK_ERRNO(tee(p[0], dst, 1, 0), EINVAL);
    CHECK_ERRNO(tee(p[0], p[1], 1, 0), EINVAL);
    CHECK_ERRNO(tee(p[1], q[1], 1, 0), EBADF);
    CHECK_ERRNO(tee(p[0], q[1], 1, 0x10), EINVAL);
    close(dir), close(efd), close(wronly), close(rdonly), close(append);
    close(p[0]), close(p[1]), close(q[0]), close(q[1]), close(sv[0]), close(sv[1]);
    close(src), close(dst);
    unlink("/tmp/splice-src"), unlink("/tmp/splice-dst");
}

/* sendfile and copy_file_range beyond the success path: other outputs, positions, errors. */
static void check_copy_errors(void) {
    char buf[64];
    int src = digits_file("/tmp/copy-src", 100);
    int dst = open("/tmp/copy-dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int p[2], sv[2];
    pipe(p);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    off_t off;

    /* sendfile to a pipe and a socket; without an offset it moves the input's position. */
    lseek(src, 90, SEEK_SET);
    CHECK(sendfile(p[1], src, NULL, 50) == 10 && lseek(src, 0, SEEK_CUR) == 100, "sendfile to a pipe from the position");
    CHECK(read(p[0], buf, sizeof buf) == 10 && memcmp(buf, "0123456789", 10) == 0, "the pipe has the bytes");
    off = 3;
    CHECK(sendfile(sv[0], src, &off, 4) == 4 && off == 7 && read(sv[1], buf, sizeof buf) == 4 && memcmp(buf, "3456", 4) == 0, "sendfile to a socket");
    CHECK(sendfile(dst, src, NULL, 10) == 0, "sendfile at the end of the input: 0");
    /* sendfile's errors. */
    int wronly = open("/tmp/copy-src", O_WRONLY), rdonly = open("/tmp/copy-dst", O_RDONLY);
    int append = open("/tmp/copy-dst", O_WRONLY | O_APPEND), dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_ERRNO(sendfile(dst, src, (off_t *)8, 1), EFAULT);
    CHECK_ERRNO(sendfile(dst, 99, NULL, 1), EBADF);
    CHECK_ERRNO(sendfile(99, src, NULL, 1), EBADF);
    CHECK_ERRNO(sendfile(dst, wronly, NULL, 1), EBADF);
    CHECK_ERRNO(sendfile(rdonly, src, NULL, 1), EBADF);
    off = -1;
    CHECK_ERRNO(sendfile(dst, src, &off, 1), EINVAL);
    off = 0;
    CHECK_ERRNO(sendfile(dst, p[0], &off, 1), ESPIPE);
    CHECK_ERRNO(sendfile(dst, p[0], NULL, 1), EINVAL);  /* without a pipe to write, the input needs positions */
    int p2[2];
    pipe(p2);
    write(p[1], "x", 1);
    CHECK_ERRNO(sendfile(p2[1], p[0], NULL, 1), EINVAL);  /* and a pipe is never sendfile's input */
    CHECK(read(p[0], buf, sizeof buf) == 1, "the byte stayed");
    close(p2[0]), close(p2[1]);
    CHECK_ERRNO(sendfile(append, src, &off, 1), EINVAL);
    CHECK_ERRNO(sendfile(dst, dir, &off, 1), EINVAL);

    /* copy_file_range: positions, the input's end, one file, and the errors. */
    lseek(src, 20, SEEK_SET);
    lseek(dst, 0, SEEK_SET);
    CHECK(copy_file_range(src, NULL, dst, NULL, 5, 0) == 5 && lseek(src, 0, SEEK_CUR) == 25 && lseek(dst, 0, SEEK_CUR) == 5, "copy_file_range moves both positions");
    loff_t in_off = 98, out_off = 0;
    CHECK(copy_file_range(src, &in_off, dst, &out_off, 10, 0) == 2 && in_off == 100 && out_off == 2, "copy_file_range stops at the end");
    CHECK(copy_file_range(src, &in_off, dst, &out_off, 10, 0) == 0, "past the end: 0");
    in_off = 0, out_off = 200;
    CHECK(copy_file_range(src, &in_off, src, &out_off, 100, 0) == 100 && pread(src, buf, 3, 200) == 3 && memcmp(buf, "012", 3) == 0, "within one file, apart");
    in_off = 0, out_off = 50;
    CHECK_ERRNO(copy_file_range(src, &in_off, src, &out_off, 100, 0), EINVAL);  /* overlapping */
    CHECK_ERRNO(copy_file_range(99, NULL, dst, NULL, 1, 0), EBADF);
    CHECK_ERRNO(copy_file_range(src, NULL, 99, NULL, 1, 0), EBADF);
    CHECK_ERRNO(copy_file_range(src, (loff_t *)8, dst, NULL, 1, 0), EFAULT);
    CHECK_ERRNO(copy_file_range(src, NULL, dst, (loff_t *)8, 1, 0), EFAULT);
    CHECK_ERRNO(copy_file_range(src, NULL, dst, NULL, 1, 1), EINVAL);
    CHECK_ERRNO(copy_file_range(dir, NULL, dst, NULL, 1, 0), EISDIR);
    CHECK_ERRNO(copy_file_range(p[0], NULL, dst, NULL, 1, 0), EINVAL);
    CHECK_ERRNO(copy_file_range(src, NULL, p[1], NULL, 1, 0), EINVAL);
    CHECK_ERRNO(copy_file_range(wronly, NULL, dst, NULL, 1, 0), EBADF);
    CHECK_ERRNO(copy_file_range(src, NULL, rdonly, NULL, 1, 0), EBADF);
    CHECK_ERRNO(copy_file_range(src, NULL, append, NULL, 1, 0), EBADF);
    in_off = -100;
    CHECK_ERRNO(copy_file_range(src, &in_off, dst, NULL, 1, 0), EINVAL);
    out_off = -100;
    CHECK_ERRNO(copy_file_range(src, NULL, dst, &out_off, 1, 0), EINVAL);
    in_off = -1;  /* Linux adds offset and count unsigned: -1 + 1 wraps */
    CHECK_ERRNO(copy_file_range(src, &in_off, dst, NULL, 1, 0), EOVERFLOW);
    /* Across file systems, even two tmpfs: EXDEV (Linux 5.19 and later). */
    int shm = open("/dev/shm/copy-dst", O_CREAT | O_RDWR, 0600);
    CHECK_ERRNO(copy_file_range(src, NULL, shm, NULL, 1, 0), EXDEV);
    close(shm);
    unlink("/dev/shm/copy-dst");
    close(wronly), close(rdonly), close(append), close(dir);
    close(p[0]), close(p[1]), close(sv[0]), close(sv[1]), close(src), close(dst);
    unlink("/tmp/copy-src"), unlink("/tmp/copy-dst");
}

/* statx against fstat, its flags, and its errors. */
static void check_statx(void) {
    struct kstatx sx;
    struct stat st;
    int fd = open("/tmp/statx", O_CREAT | O_RDWR | O_TRUNC, 0640);
    write(fd, "twelve bytes", 12);
    struct timespec times[2] = {{1000000000, 7}, {1100000000, 8}};
    futimens(fd, times);
    CHECK(fstat(fd, &st) == 0, "fstat");
    memset(&sx, 0xff, sizeof sx);
    CHECK(kstatx(AT_FDCWD, "/tmp/statx", 0, SKIFF_STATX_BASIC_STATS, &sx) == 0, "statx");
    CHECK((sx.mask & SKIFF_STATX_BASIC_STATS) == SKIFF_STATX_BASIC_STATS, "basic fields valid: mask %x", sx.mask);
    CHECK(sx.ino == st.st_ino && sx.size == 12 && sx.mode == st.st_mode && sx.nlink == st.st_nlink, "ino, size, mode, nlink");
    CHECK(sx.uid == st.st_uid && sx.gid == st.st_gid && sx.blocks == (uint64_t)st.st_blocks && sx.blksize == st.st_blksize, "uid, gid, blocks, blksize");
    CHECK(sx.mtime.tv_sec == 1100000000 && sx.mtime.tv_nsec == 8 && sx.atime.tv_sec == 1000000000 && sx.atime.tv_nsec == 7, "times");
    CHECK(sx.ctime.tv_sec == st.st_ctim.tv_sec && sx.ctime.tv_nsec == (uint32_t)st.st_ctim.tv_nsec, "ctime");
    CHECK(makedev(sx.dev_major, sx.dev_minor) == st.st_dev && sx.rdev_major == 0 && sx.rdev_minor == 0, "device numbers");
    /* A device node reports its own number in rdev. */
    CHECK(kstatx(AT_FDCWD, "/dev/null", 0, SKIFF_STATX_BASIC_STATS, &sx) == 0 && sx.rdev_major == 1 && sx.rdev_minor == 3, "/dev/null is 1:3");
    /* AT_EMPTY_PATH: the descriptor itself, or the working directory for AT_FDCWD. */
    CHECK(kstatx(fd, "", AT_EMPTY_PATH, SKIFF_STATX_BASIC_STATS, &sx) == 0 && sx.ino == st.st_ino && sx.size == 12, "AT_EMPTY_PATH on a descriptor");
    struct stat cwd;
    stat(".", &cwd);
    CHECK(kstatx(AT_FDCWD, "", AT_EMPTY_PATH, SKIFF_STATX_BASIC_STATS, &sx) == 0 && sx.ino == cwd.st_ino, "AT_EMPTY_PATH with AT_FDCWD");
    CHECK_ERRNO(kstatx(fd, "", 0, SKIFF_STATX_BASIC_STATS, &sx), ENOENT);
    /* A symlink, followed or not. */
    symlink("statx", "/tmp/statx-link");
    CHECK(kstatx(AT_FDCWD, "/tmp/statx-link", AT_SYMLINK_NOFOLLOW, SKIFF_STATX_BASIC_STATS, &sx) == 0 && S_ISLNK(sx.mode) && sx.size == 5, "AT_SYMLINK_NOFOLLOW");
    CHECK(kstatx(AT_FDCWD, "/tmp/statx-link", 0, SKIFF_STATX_BASIC_STATS, &sx) == 0 && S_ISREG(sx.mode) && sx.ino == st.st_ino, "followed");
    /* Relative to a directory descriptor; unknown mask bits are ignored, the reserved one is not. */
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(kstatx(dir, "statx", 0, SKIFF_STATX_BASIC_STATS | 0x40000, &sx) == 0 && sx.ino == st.st_ino, "relative to a directory, unknown mask bit");
    CHECK_ERRNO(kstatx(dir, "statx", 0, SKIFF_STATX_RESERVED, &sx), EINVAL);
    CHECK_ERRNO(kstatx(dir, "statx", 0x10000, SKIFF_STATX_BASIC_STATS, &sx), EINVAL);
    CHECK_ERRNO(kstatx(dir, "statx", SKIFF_AT_STATX_FORCE_SYNC | SKIFF_AT_STATX_DONT_SYNC, SKIFF_STATX_BASIC_STATS, &sx), EINVAL);
    CHECK(kstatx(dir, "statx", SKIFF_AT_STATX_DONT_SYNC, SKIFF_STATX_BASIC_STATS, &sx) == 0, "one sync flag is fine");
    CHECK_ERRNO(kstatx(dir, "statx", 0, SKIFF_STATX_BASIC_STATS, (void *)8), EFAULT);
    CHECK_ERRNO(kstatx(dir, (const char *)8, 0, SKIFF_STATX_BASIC_STATS, &sx), EFAULT);
    CHECK_ERRNO(kstatx(dir, "missing", 0, SKIFF_STATX_BASIC_STATS, &sx), ENOENT);
    CHECK_ERRNO(kstatx(99, "statx", 0, SKIFF_STATX_BASIC_STATS, &sx), EBADF);
    CHECK_ERRNO(kstatx(fd, "statx", 0, SKIFF_STATX_BASIC_STATS, &sx), ENOTDIR);
    close(dir), close(fd);
    unlink("/tmp/statx-link"), unlink("/tmp/statx");
}

/* fallocate's modes on tmpfs and its errors. */
static void check_fallocate(void) {
    char buf[16];
    struct stat st;
    int fd = open("/tmp/falloc", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fallocate(fd, 0, 0, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192 && st.st_blocks >= 16, "mode 0 extends: size %lld, blocks %lld", (long long)st.st_size, (long long)st.st_blocks);
    CHECK(pread(fd, buf, 16, 100) == 16 && buf[0] == 0 && buf[15] == 0, "allocated space reads as zeros");
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192 && st.st_blocks >= 32, "KEEP_SIZE allocates without growing: blocks %lld", (long long)st.st_blocks);
    static char xs[12288];
    memset(xs, 'x', sizeof xs);
    pwrite(fd, xs, sizeof xs, 0);
    long before = (long)(fstat(fd, &st), st.st_blocks);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 4096) == 0, "punch a hole");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 12288 && st.st_blocks < before, "the size stays, blocks go: %lld < %ld", (long long)st.st_blocks, before);
    CHECK(pread(fd, buf, 2, 4095) == 2 && buf[0] == 'x' && buf[1] == 0 && pread(fd, buf, 2, 8191) == 2 && buf[0] == 0 && buf[1] == 'x', "the hole reads as zeros, its edges do not");
    CHECK_ERRNO(fallocate(fd, 0, 0, 0), EINVAL);
    CHECK_ERRNO(fallocate(fd, 0, -1, 10), EINVAL);
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);  /* a punch needs KEEP_SIZE */
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096), EOPNOTSUPP);  /* tmpfs has neither */
    CHECK_ERRNO(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4096), EOPNOTSUPP);
    CHECK_ERRNO(fallocate(99, 0, 0, 10), EBADF);
    int rdonly = open("/tmp/falloc", O_RDONLY);
    CHECK_ERRNO(fallocate(rdonly, 0, 0, 10), EBADF);
    int p[2];
    pipe(p);
    CHECK_ERRNO(fallocate(p[1], 0, 0, 10), ESPIPE);
    CHECK_ERRNO(fallocate(fd, 0, 0x7fffffffffff0000ll, 0x20000), EFBIG);
    close(p[0]), close(p[1]), close(rdonly), close(fd);
    unlink("/tmp/falloc");
}

/* renameat2's flags: RENAME_EXCHANGE swaps two names, the combinations Linux refuses. */
static void check_renameat2(void) {
    char buf[8] = {0};
    int fd = open("/tmp/swap-a", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, "one", 3), close(fd);
    fd = open("/tmp/swap-b", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, "two", 3), close(fd);
    struct stat a, b;
    stat("/tmp/swap-a", &a), stat("/tmp/swap-b", &b);
    CHECK(syscall(SYS_renameat2, AT_FDCWD, "/tmp/swap-a", AT_FDCWD, "/tmp/swap-b", SKIFF_RENAME_EXCHANGE) == 0, "RENAME_EXCHANGE");
    struct stat a2, b2;
    stat("/tmp/swap-a", &a2), stat("/tmp/swap-b", &b2);
    CHECK(a2.st_ino == b.st_ino && b2.st_ino == a.st_ino, "the names swapped their files");
    fd = open("/tmp/swap-a", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 3 && memcmp(buf, "two", 3) == 0, "swap-a now holds two");
    close(fd);
    /* A directory and a file swap too, relative to directory descriptors. */
    mkdir("/tmp/swap-d", 0755);
    int tmp = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(syscall(SYS_renameat2, tmp, "swap-a", tmp, "swap-d", SKIFF_RENAME_EXCHANGE) == 0, "swap a file and a directory");
    CHECK(stat("/tmp/swap-a", &a2) == 0 && S_ISDIR(a2.st_mode) && stat("/tmp/swap-d", &b2) == 0 && S_ISREG(b2.st_mode), "types swapped");
    CHECK_ERRNO(syscall(SYS_renameat2, tmp, "swap-b", tmp, "swap-missing", SKIFF_RENAME_EXCHANGE), ENOENT);
    CHECK_ERRNO(syscall(SYS_renameat2, tmp, "swap-b", tmp, "swap-d", SKIFF_RENAME_EXCHANGE | SKIFF_RENAME_NOREPLACE), EINVAL);
    CHECK_ERRNO(syscall(SYS_renameat2, tmp, "swap-b", tmp, "swap-new", 8), EINVAL);
    CHECK(syscall(SYS_renameat2, tmp, "swap-b", tmp, "swap-new", SKIFF_RENAME_NOREPLACE) == 0 && access("/tmp/swap-b", F_OK) != 0, "RENAME_NOREPLACE to a free name");
    CHECK(syscall(SYS_renameat2, tmp, "swap-new", tmp, "swap-new", SKIFF_RENAME_EXCHANGE) == 0, "a name exchanged with itself");
    /* RENAME_WHITEOUT leaves an overlayfs whiteout at the old name: a character device 0/0
     * with no permission bits, owned by the caller (no privilege needed since Linux 5.8). */
    CHECK_ERRNO(syscall(SYS_renameat2, tmp, "swap-new", tmp, "swap-d", SKIFF_RENAME_EXCHANGE | SKIFF_RENAME_WHITEOUT), EINVAL);
    CHECK(stat("/tmp/swap-new", &a) == 0, "stat before RENAME_WHITEOUT");
    CHECK(syscall(SYS_renameat2, tmp, "swap-new", tmp, "swap-white", SKIFF_RENAME_WHITEOUT) == 0, "RENAME_WHITEOUT");
    CHECK(stat("/tmp/swap-white", &b) == 0 && b.st_ino == a.st_ino && S_ISREG(b.st_mode), "the file moved");
    struct stat w;
    CHECK(lstat("/tmp/swap-new", &w) == 0, "a whiteout is left at the old name");
    CHECK(S_ISCHR(w.st_mode) && (w.st_mode & 07777) == 0 && w.st_rdev == 0 && w.st_nlink == 1, "the whiteout is a character device 0/0, mode 0");
    CHECK(w.st_uid == geteuid() && w.st_ino != a.st_ino, "the whiteout is a new inode owned by the caller");
    close(tmp);
    rmdir("/tmp/swap-a"), unlink("/tmp/swap-d"), unlink("/tmp/swap-new"), unlink("/tmp/swap-white");
}

/* The *at calls as raw system calls: relative to a directory descriptor, AT_FDCWD, absolute
 * paths (which ignore dirfd), a descriptor that is not a directory, and unlinkat's flags. */
static void check_at_calls(void) {
    char buf[32];
    struct stat st;
    int tmp = open("/tmp", O_RDONLY | O_DIRECTORY);
    int file = open("/tmp/at-file", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(syscall(SYS_mkdirat, tmp, "at-dir", 0750) == 0 && stat("/tmp/at-dir", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0750, "mkdirat");
    int fd = syscall(SYS_openat, tmp, "at-dir/f", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && write(fd, "f", 1) == 1, "openat");
    close(fd);
    CHECK(syscall(SYS_linkat, tmp, "at-dir/f", tmp, "at-dir/g", 0) == 0 && stat("/tmp/at-dir/f", &st) == 0 && st.st_nlink == 2, "linkat");
    CHECK(syscall(SYS_symlinkat, "f", tmp, "at-dir/s") == 0, "symlinkat");
    CHECK(syscall(SYS_readlinkat, tmp, "at-dir/s", buf, sizeof buf) == 1 && buf[0] == 'f', "readlinkat");
    CHECK(syscall(SYS_fchmodat, tmp, "at-dir/f", 0600) == 0 && stat("/tmp/at-dir/f", &st) == 0 && (st.st_mode & 0777) == 0600, "fchmodat");
    CHECK(syscall(SYS_faccessat, tmp, "at-dir/f", R_OK | W_OK) == 0, "faccessat");
    CHECK(syscall(SYS_linkat, tmp, "at-dir/s", tmp, "at-dir/t", AT_SYMLINK_FOLLOW) == 0 && lstat("/tmp/at-dir/t", &st) == 0 && S_ISREG(st.st_mode), "linkat AT_SYMLINK_FOLLOW links the target");
    CHECK_ERRNO(syscall(SYS_readlinkat, tmp, "at-dir/f", buf, sizeof buf), EINVAL);
    CHECK_ERRNO(syscall(SYS_readlinkat, tmp, "at-dir/s", buf, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_faccessat, tmp, "at-dir/f", 8), EINVAL);
    /* unlinkat: AT_REMOVEDIR for directories only, plain for the rest. */
    CHECK_ERRNO(syscall(SYS_unlinkat, tmp, "at-dir", AT_REMOVEDIR), ENOTEMPTY);
    CHECK_ERRNO(syscall(SYS_unlinkat, tmp, "at-dir", 0), EISDIR);
    CHECK_ERRNO(syscall(SYS_unlinkat, tmp, "at-dir/f", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_unlinkat, tmp, "at-dir/f", 0x1), EINVAL);
    CHECK(syscall(SYS_unlinkat, tmp, "at-dir/g", 0) == 0 && syscall(SYS_unlinkat, tmp, "at-dir/s", 0) == 0, "unlinkat");
    CHECK(syscall(SYS_unlinkat, tmp, "at-dir/t", 0) == 0 && syscall(SYS_unlinkat, tmp, "at-dir/f", 0) == 0, "unlinkat");
    CHECK(syscall(SYS_unlinkat, tmp, "at-dir", AT_REMOVEDIR) == 0 && stat("/tmp/at-dir", &st) != 0, "unlinkat AT_REMOVEDIR");
    /* A descriptor that is not a directory: ENOTDIR for relative paths; a bad one EBADF. */
    CHECK_ERRNO(syscall(SYS_mkdirat, file, "x", 0755), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_openat, file, "x", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_unlinkat, file, "x", 0), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_linkat, file, "x", tmp, "y", 0), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_linkat, tmp, "at-file", file, "y", 0), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_symlinkat, "x", file, "y"), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_readlinkat, file, "x", buf, sizeof buf), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_fchmodat, file, "x", 0600), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_faccessat, file, "x", R_OK), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_mkdirat, 99, "x", 0755), EBADF);
    CHECK_ERRNO(syscall(SYS_unlinkat, 99, "x", 0), EBADF);
    CHECK_ERRNO(syscall(SYS_linkat, 99, "x", tmp, "y", 0), EBADF);
    CHECK_ERRNO(syscall(SYS_renameat, 99, "x", tmp, "y"), EBADF);
    int p[2];
    pipe(p);
    CHECK_ERRNO(syscall(SYS_mkdirat, p[0], "x", 0755), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_linkat, p[0], "x", tmp, "y", 0), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_renameat, p[0], "x", tmp, "y"), ENOTDIR);
    close(p[0]), close(p[1]);
    /* Both names of linkat and renameat, and symlinkat's target, are paths with path errors. */
    static char long_name[5000];
    memset(long_name, 'a', sizeof long_name - 1);
    CHECK_ERRNO(syscall(SYS_linkat, tmp, long_name, tmp, "y", 0), ENAMETOOLONG);
    CHECK_ERRNO(syscall(SYS_renameat, tmp, long_name, tmp, "y"), ENAMETOOLONG);
    CHECK_ERRNO(syscall(SYS_symlinkat, long_name, tmp, "y"), ENAMETOOLONG);
    CHECK_ERRNO(syscall(SYS_linkat, tmp, (char *)8, tmp, "y", 0), EFAULT);
    CHECK_ERRNO(syscall(SYS_symlinkat, (char *)8, tmp, "y"), EFAULT);
    /* Absolute paths ignore dirfd, even a bad one; AT_FDCWD is the working directory. */
    CHECK(syscall(SYS_mkdirat, 99, "/tmp/at-abs", 0755) == 0 && syscall(SYS_unlinkat, file, "/tmp/at-abs", AT_REMOVEDIR) == 0, "absolute paths ignore dirfd");
    CHECK(syscall(SYS_linkat, 99, "/tmp/at-file", file, "/tmp/at-link", 0) == 0, "linkat: absolute names ignore both dirfds");
    CHECK(syscall(SYS_renameat, 99, "/tmp/at-link", 98, "/tmp/at-link2") == 0 && unlink("/tmp/at-link2") == 0, "renameat too");
    CHECK(chdir("/tmp") == 0, "chdir");
    CHECK(syscall(SYS_mkdirat, AT_FDCWD, "at-cwd", 0755) == 0 && stat("/tmp/at-cwd", &st) == 0, "mkdirat AT_FDCWD");
    CHECK(syscall(SYS_symlinkat, "at-cwd", AT_FDCWD, "at-cwd-link") == 0 && syscall(SYS_readlinkat, AT_FDCWD, "at-cwd-link", buf, sizeof buf) == 6, "symlinkat/readlinkat AT_FDCWD");
    CHECK(syscall(SYS_unlinkat, AT_FDCWD, "at-cwd-link", 0) == 0 && syscall(SYS_unlinkat, AT_FDCWD, "at-cwd", AT_REMOVEDIR) == 0, "unlinkat AT_FDCWD");
    chdir("/");
    close(file), close(tmp);
    unlink("/tmp/at-file");
}

/* The devfs entries: random, console, tty, the std* and fd links, and /dev/shm for POSIX
 * shared memory. */
static void check_devfs(void) {
    char buf[64];
    struct stat st, st2;
    uint64_t r[4] = {0};
    int fd = open("/dev/random", O_RDONLY);
    CHECK(fd >= 0 && read(fd, r, 16) == 16 && read(fd, r + 2, 16) == 16 && (r[0] | r[1]) != 0 && memcmp(r, r + 2, 16) != 0, "/dev/random");
    CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 8, "/dev/random is 1:8");
    close(fd);
    CHECK(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 1 && (st.st_mode & 0777) == 0600, "/dev/console is 5:1, 0600");
    fd = open("/dev/console", O_WRONLY);
    CHECK(fd >= 0 && isatty(fd) && write(fd, "/dev/console works\n", 19) == 19, "write to /dev/console");
    close(fd);
    CHECK(stat("/dev/tty", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 0, "/dev/tty is 5:0");
    fd = open("/dev/tty", O_RDWR);
    CHECK(fd >= 0 && isatty(fd), "/dev/tty is a terminal");
    close(fd);
    /* The std* links lead to the process's own descriptors. */
    CHECK(readlink("/dev/stdin", buf, sizeof buf) == 15 && memcmp(buf, "/proc/self/fd/0", 15) == 0, "/dev/stdin links to fd 0");
    CHECK(stat("/dev/stdin", &st) == 0 && fstat(0, &st2) == 0 && st.st_ino == st2.st_ino && st.st_rdev == st2.st_rdev, "/dev/stdin is fd 0");
    fd = open("/dev/stderr", O_WRONLY);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && fstat(2, &st2) == 0 && st.st_ino == st2.st_ino && st.st_dev == st2.st_dev, "/dev/stderr opens fd 2's file");
    close(fd);
    /* /dev/fd/N opens the file anew, at offset 0. */
    CHECK(readlink("/dev/fd", buf, sizeof buf) == 13 && memcmp(buf, "/proc/self/fd", 13) == 0, "/dev/fd links to /proc/self/fd");
    int file = digits_file("/tmp/devfd", 10);
    char path[32];
    snprintf(path, sizeof path, "/dev/fd/%d", file);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && fd != file && lseek(fd, 0, SEEK_CUR) == 0 && read(fd, buf, 4) == 4 && memcmp(buf, "0123", 4) == 0, "open %s", path);
    CHECK(fstat(fd, &st) == 0 && fstat(file, &st2) == 0 && st.st_ino == st2.st_ino && lseek(file, 0, SEEK_CUR) == 10, "the same file, its own position");
    int found;
    snprintf(path, sizeof path, "%d", file);
    CHECK(count_entries("/dev/fd/", path, &found) > 3 && found, "/dev/fd lists descriptor %s", path);
    close(fd), close(file);
    unlink("/tmp/devfd");
    CHECK_ERRNO(open("/dev/fd/99", O_RDONLY), ENOENT);
    /* POSIX shared memory lives in /dev/shm, a tmpfs: create, size, map shared, unlink. */
    struct statfs sf;
    CHECK(statfs("/dev/shm", &sf) == 0 && sf.f_type == 0x01021994, "/dev/shm is a tmpfs");
    int shm = shm_open("/skiff-shm", O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK(shm >= 0 && stat("/dev/shm/skiff-shm", &st) == 0 && (st.st_mode & 0777) == 0600, "shm_open creates /dev/shm/skiff-shm");
    CHECK_ERRNO(shm_open("/skiff-shm", O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
    CHECK(ftruncate(shm, 8192) == 0 && pwrite(shm, "shared", 6, 5000) == 6, "size it, write it");
    int again = shm_open("/skiff-shm", O_RDONLY, 0);
    char *map = mmap(NULL, 8192, PROT_READ, MAP_SHARED, again, 0);
    CHECK(map != MAP_FAILED && strcmp(map + 5000, "shared") == 0 && map[0] == 0, "a second opener maps it shared");
    char *writable = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
    CHECK(writable != MAP_FAILED && (strcpy(writable + 100, "stored"), strcmp(map + 100, "stored") == 0),
          "a store through a writable mapping shows in the other");
    munmap(writable, 8192);
    CHECK(shm_unlink("/skiff-shm") == 0 && stat("/dev/shm/skiff-shm", &st) != 0, "shm_unlink");
    CHECK_ERRNO(shm_open("/skiff-shm", O_RDWR, 0), ENOENT);
    CHECK(strcmp(map + 5000, "shared") == 0 && pread(shm, buf, 6, 5000) == 6 && memcmp(buf, "shared", 6) == 0, "the object outlives its name");
    munmap(map, 8192);
    close(shm), close(again);
}

/* Named pipes: mkfifo, opens that wait for the other side, EOF, ENXIO, O_RDWR, EINTR. */
static void on_alarm(int sig) { (void)sig; }

static void check_fifo(void) {
    struct stat st, st2;
    char buf[32];
    CHECK(mkfifo("/tmp/fifo", 0640) == 0 && stat("/tmp/fifo", &st) == 0 && S_ISFIFO(st.st_mode) &&
              (st.st_mode & 0777) == 0640, "mkfifo makes a FIFO node");
    CHECK_ERRNO(mkfifo("/tmp/fifo", 0640), EEXIST);
    CHECK_ERRNO(mkfifo("/bin/fifo", 0640), EROFS);
    /* A writer alone fails at once without waiting; a reader alone goes on and sees end of file. */
    CHECK_ERRNO(open("/tmp/fifo", O_WRONLY | O_NONBLOCK), ENXIO);
    int lone = open("/tmp/fifo", O_RDONLY | O_NONBLOCK);
    CHECK(lone >= 0 && read(lone, buf, sizeof buf) == 0, "a nonblocking reader with no writer reads end of file");
    close(lone);
    /* A blocking writer waits for a reader; the reader (opened later) gets the bytes, then EOF. */
    pid_t child = fork();
    if (child == 0) {
        int w = open("/tmp/fifo", O_WRONLY);
        _exit(w >= 0 && write(w, "through the fifo", 16) == 16 && close(w) == 0 ? 0 : 1);
    }
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL); /* the child is now waiting in open */
    int r = open("/tmp/fifo", O_RDONLY);
    CHECK(r >= 0 && fstat(r, &st2) == 0 && S_ISFIFO(st2.st_mode) && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev,
          "the open FIFO is the node (fstat)");
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf && (n = read(r, buf + got, sizeof buf - got)) > 0) got += (size_t)n;
    CHECK(got == 16 && memcmp(buf, "through the fifo", 16) == 0, "the reader got the writer's 16 bytes (%zu)", got);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer succeeded");
    CHECK(read(r, buf, sizeof buf) == 0, "end of file once the writer closed");
    char link[64], path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", r);
    n = readlink(path, link, sizeof link - 1);
    CHECK(n == 9 && memcmp(link, "/tmp/fifo", 9) == 0, "/proc/self/fd names the FIFO's path");
    close(r);
    /* Either side may come first, and a writer may open, write, close and exit before the
     * reader's open returns: the reader must still get the bytes, then end of file. */
    int rounds_ok = 0;
    for (int i = 0; i < 40; i++) {
        pid_t writer = fork();
        if (writer == 0) {
            int w = open("/tmp/fifo", O_WRONLY);
            _exit(w >= 0 && write(w, "round", 5) == 5 && close(w) == 0 ? 0 : 1);
        }
        if (i % 2) sched_yield();
        int rd = open("/tmp/fifo", O_RDONLY);
        size_t total = 0;
        while (rd >= 0 && total < sizeof buf && (n = read(rd, buf + total, sizeof buf - total)) > 0) total += (size_t)n;
        rounds_ok += waitpid(writer, &status, 0) == writer && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                     total == 5 && memcmp(buf, "round", 5) == 0;
        close(rd);
    }
    CHECK(rounds_ok == 40, "%d of 40 writer-reader rounds through the FIFO", rounds_ok);
    /* O_RDWR holds both ends: it never waits, and reads back what it wrote. */
    int rw = open("/tmp/fifo", O_RDWR);
    CHECK(rw >= 0 && write(rw, "loop", 4) == 4 && read(rw, buf, sizeof buf) == 4 && memcmp(buf, "loop", 4) == 0,
          "an O_RDWR open reads its own write");
    /* Another open of the same FIFO meets the same pipe while one end is open. */
    int w2 = open("/tmp/fifo", O_WRONLY | O_NONBLOCK);
    CHECK(w2 >= 0 && write(w2, "meet", 4) == 4 && read(rw, buf, sizeof buf) == 4 && memcmp(buf, "meet", 4) == 0,
          "a second open shares the pipe");
    close(w2);
    close(rw);
    /* Bytes left when the last end closes go with the pipe. */
    rw = open("/tmp/fifo", O_RDWR);
    CHECK(rw >= 0 && write(rw, "stale", 5) == 5 && close(rw) == 0, "write and close");
    rw = open("/tmp/fifo", O_RDWR | O_NONBLOCK);
    CHECK_ERRNO(read(rw, buf, sizeof buf), EAGAIN);
    close(rw);
    /* A blocking open with no partner is interrupted by a signal without SA_RESTART. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval t = {{0, 0}, {0, 100 * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
    CHECK_ERRNO(open("/tmp/fifo", O_RDONLY), EINTR);
    signal(SIGALRM, SIG_DFL);
    CHECK(unlink("/tmp/fifo") == 0, "unlink the FIFO");
}

int main(int argc, char **argv) {
    (void)argc;
    char buf[256];
    /* The directory this program is in, and its own name there. */
    char self_dir[256], *self_name;
    strncpy(self_dir, argv[0], sizeof self_dir - 1);
    self_dir[sizeof self_dir - 1] = 0;
    char *slash = strrchr(self_dir, '/');
    if (slash && slash != self_dir) { *slash = 0; self_name = slash + 1; } else { strcpy(self_dir, "/"); self_name = argv[0] + (argv[0][0] == '/'); }
    struct stat st;

    /* The image is read-only; /tmp is a tmpfs. */
    CHECK_ERRNO(open("/bin/new-file", O_CREAT | O_WRONLY, 0644), EROFS);
    CHECK(stat("/bin", &st) == 0 && S_ISDIR(st.st_mode), "/bin is a directory");
    CHECK(stat("/tmp", &st) == 0 && (st.st_mode & 01777) == 01777, "/tmp is sticky and world-writable: %o", st.st_mode);
    struct statfs sf;
    CHECK(statfs("/tmp", &sf) == 0 && sf.f_type == 0x01021994, "/tmp is a tmpfs (type %lx)", (long)sf.f_type);

    /* Create, write, read back, seek. */
    int fd = open("/tmp/a.txt", O_CREAT | O_RDWR | O_EXCL | O_CLOEXEC, 0640);
    CHECK(fd >= 3, "open O_CREAT gives a new descriptor: %d", fd);
    CHECK(write(fd, "hello, skiff\n", 13) == 13, "write");
    CHECK(lseek(fd, 0, SEEK_CUR) == 13, "position after write");
    CHECK(lseek(fd, 7, SEEK_SET) == 7, "seek");
    CHECK(read(fd, buf, sizeof buf) == 6 && memcmp(buf, "skiff\n", 6) == 0, "read after seek");
    CHECK(read(fd, buf, sizeof buf) == 0, "end of file");
    CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0, "pread");
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5, "pwrite");
    CHECK(lseek(fd, 0, SEEK_CUR) == 13, "pread/pwrite leave the position");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 13 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0640, "fstat");
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "O_CLOEXEC is visible through F_GETFD");
    CHECK_ERRNO(open("/tmp/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    CHECK(lseek(fd, 100, SEEK_END) == 113, "seek past the end");
    CHECK(write(fd, "!", 1) == 1, "write past the end makes a hole");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 114, "size after sparse write: %lld", (long long)st.st_size);
    CHECK(pread(fd, buf, 4, 50) == 4 && buf[0] == 0 && buf[3] == 0, "holes read as zeros");
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync");

    /* Vectored I/O. */
    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && writev(fd, iov, 3) == 6, "writev");
    char x[3], y[3];
    struct iovec rio[2] = {{x, 3}, {y, 3}};
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && readv(fd, rio, 2) == 6 && memcmp(x, "abc", 3) == 0 && memcmp(y, "def", 3) == 0, "readv");

    /* Descriptors. */
    int d1 = dup(fd);
    CHECK(d1 > fd, "dup takes the lowest free number above: %d", d1);
    CHECK(dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0, "dup2 clears close-on-exec");
    CHECK(dup3(fd, 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC");
    CHECK_ERRNO(dup3(fd, fd, 0), EINVAL);
    CHECK(fcntl(fd, F_DUPFD, 30) == 30, "F_DUPFD");
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL");
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND), "F_SETFL O_APPEND");
    CHECK(write(d1, "Z", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 7, "dup shares the description (append went to the end)");
    CHECK(close(20) == 0 && close(21) == 0 && close(30) == 0 && close(d1) == 0, "close");
    CHECK_ERRNO(close(20), EBADF);
    CHECK_ERRNO(read(99, buf, 1), EBADF);
    CHECK_ERRNO(write(fd, (void *)8, 4), EFAULT);
    CHECK_ERRNO(read(fd, (void *)0x7fff00000000ull, 4), EFAULT);
    close(fd);

    /* Directories, links and renames. */
    CHECK(mkdir("/tmp/d", 0755) == 0, "mkdir");
    CHECK_ERRNO(mkdir("/tmp/d", 0755), EEXIST);
    CHECK_ERRNO(mkdir("/tmp/nope/x", 0755), ENOENT);
    CHECK(mkdir("/tmp/d/sub", 0700) == 0, "nested mkdir");
    CHECK(symlink("../a.txt", "/tmp/d/link") == 0, "symlink");
    ssize_t n = readlink("/tmp/d/link", buf, sizeof buf);
    CHECK(n == 8 && memcmp(buf, "../a.txt", 8) == 0, "readlink");
    CHECK(lstat("/tmp/d/link", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees the link");
    CHECK(stat("/tmp/d/link", &st) == 0 && S_ISREG(st.st_mode), "stat follows the link");
    CHECK_ERRNO(open("/tmp/d/link", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK(link("/tmp/a.txt", "/tmp/d/hard") == 0, "link");
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_nlink == 2, "two links: %lu", (unsigned long)st.st_nlink);
    int found;
    CHECK(count_entries("/tmp/d", "hard", &found) == 5 && found, "readdir sees ., .., sub, link, hard");
    CHECK(rename("/tmp/d/hard", "/tmp/d/renamed") == 0, "rename");
    CHECK_ERRNO(stat("/tmp/d/hard", &st), ENOENT);
    CHECK_ERRNO(rmdir("/tmp/d"), ENOTEMPTY);
    CHECK_ERRNO(unlink("/tmp/d/sub"), EISDIR);
    CHECK_ERRNO(rmdir("/tmp/d/renamed"), ENOTDIR);
    CHECK_ERRNO(rename("/tmp/d", "/tmp/d/sub/inside"), EINVAL);
    CHECK_ERRNO(rename("/tmp/a.txt", "/bin/a.txt"), EXDEV);
    CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, "/tmp/a.txt", AT_FDCWD, "/tmp/d/renamed", 1 /* RENAME_NOREPLACE */), EEXIST);
    CHECK(unlink("/tmp/d/renamed") == 0 && unlink("/tmp/d/link") == 0 && rmdir("/tmp/d/sub") == 0 && rmdir("/tmp/d") == 0, "cleanup");
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_nlink == 1, "one link left");

    /* Working directory and *at calls. */
    CHECK(chdir("/tmp") == 0, "chdir");
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/tmp") == 0, "getcwd: %s", buf);
    CHECK_ERRNO(syscall(SYS_getcwd, buf, 2), ERANGE);
    CHECK(access("a.txt", R_OK | W_OK) == 0, "relative access");
    int dfd = open(self_dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open a directory");
    CHECK(faccessat(dfd, self_name, X_OK, 0) == 0, "faccessat relative to a directory fd");
    CHECK_ERRNO(openat(dfd, "nope", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("/tmp/a.txt/x", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("/tmp/a.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK(fchdir(dfd) == 0 && getcwd(buf, sizeof buf) && strcmp(buf, self_dir) == 0, "fchdir: %s", buf);
    close(dfd);
    CHECK(chdir("/") == 0, "back to /");
    int pfd = open("/tmp/a.txt", O_PATH);
    CHECK(pfd >= 0 && fstat(pfd, &st) == 0, "O_PATH allows fstat");
    CHECK_ERRNO(read(pfd, buf, 1), EBADF);
    close(pfd);

    /* Attributes. */
    CHECK(chmod("/tmp/a.txt", 0600) == 0 && stat("/tmp/a.txt", &st) == 0 && (st.st_mode & 0777) == 0600, "chmod");
    struct timespec times[2] = {{1000000000, 5}, {1200000000, 6}};
    CHECK(utimensat(AT_FDCWD, "/tmp/a.txt", times, 0) == 0 && stat("/tmp/a.txt", &st) == 0 && st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 6, "utimensat");
    CHECK(truncate("/tmp/a.txt", 3) == 0 && stat("/tmp/a.txt", &st) == 0 && st.st_size == 3, "truncate");
    mode_t old = umask(077);
    CHECK(old == 022, "default umask: %o", old);
    fd = open("/tmp/masked", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "umask applies: %o", st.st_mode & 0777);
    close(fd);
    umask(old);

    /* Pipes. */
    int p[2];
    CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe2");
    CHECK(write(p[1], "through the pipe", 16) == 16, "write to a pipe");
    CHECK(read(p[0], buf, sizeof buf) == 16 && memcmp(buf, "through the pipe", 16) == 0, "read from a pipe");
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "nonblocking read end");
    CHECK_ERRNO(read(p[0], buf, 1), EAGAIN);
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "a pipe is a FIFO");
    CHECK_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(p[1]);
    CHECK(read(p[0], buf, 1) == 0, "end of file once the writer is gone");
    close(p[0]);

    /* Devices. */
    fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, "/dev/null");
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 8);
    CHECK(fd >= 0 && read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0, "/dev/zero");
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    CHECK_ERRNO(write(fd, "x", 1), ENOSPC);
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    uint64_t r1 = 0, r2 = 0;
    CHECK(fd >= 0 && read(fd, &r1, 8) == 8 && read(fd, &r2, 8) == 8 && r1 != r2, "/dev/urandom");
    close(fd);
    CHECK(isatty(1), "stdout is a terminal");
    CHECK(!isatty(3), "a closed descriptor is not");

    /* Copying between files. */
    fd = open("/tmp/src", O_CREAT | O_RDWR, 0644);
    for (int i = 0; i < 1000; i++) write(fd, "0123456789", 10);
    int out = open("/tmp/dst", O_CREAT | O_RDWR, 0644);
    off_t off = 0;
    CHECK(sendfile(out, fd, &off, 10000) == 10000 && off == 10000, "sendfile");
    CHECK(pread(out, buf, 10, 9990) == 10 && memcmp(buf, "0123456789", 10) == 0, "sendfile copied the bytes");
    loff_t in_off = 5, out_off = 0;
    CHECK(copy_file_range(fd, &in_off, out, &out_off, 5, 0) == 5 && pread(out, buf, 5, 0) == 5 && memcmp(buf, "56789", 5) == 0, "copy_file_range");
    close(fd);
    close(out);

    /* Big file: more than one bounce buffer. */
    fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char big[300000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    CHECK(write(fd, big, sizeof big) == (ssize_t)sizeof big, "write 300000 bytes");
    static char back[300000];
    CHECK(pread(fd, back, sizeof back, 0) == (ssize_t)sizeof back && memcmp(big, back, sizeof big) == 0, "read them back");
    close(fd);
    CHECK(unlink("/tmp/big") == 0, "unlink");

    check_splice();
    check_copy_errors();
    check_statx();
    check_fallocate();
    check_renameat2();
    check_at_calls();
    check_devfs();
    check_fifo();
    return check_summary();
}
