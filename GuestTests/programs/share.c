/* A host folder shared over virtio-9p. The host seeds the folder before the VM starts and checks
 * it byte for byte afterwards (ShareGuestTests.swift), so every byte written here follows a
 * pattern the host test computes too.
 *
 *   share tree DIR       the host's files read back; a tree written (files larger than msize,
 *                        directories, links, renames, truncation, attributes; six threads
 *                        at once); error paths
 *   share mount TAG DIR  mount(2) of the share by tag, read-write then read-only, umount2(2);
 *                        leaves DIR/mounted.txt
 */
#define _GNU_SOURCE
#include "../include/check.h"
#include "../include/pattern.h"
#include "../include/tree.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#define V9FS_MAGIC 0x01021997

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    return close(fd) == 0 && n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Whether /proc/mounts lists a 9p mount at `dir`. */
static int mounted_9p(const char *dir) {
    FILE *f = fopen("/proc/mounts", "r");
    if (!f) return 0;
    char source[256], target[256], type[64];
    int found = 0;
    while (fscanf(f, "%255s %255s %63s %*[^\n]", source, target, type) == 3)
        if (strcmp(target, dir) == 0 && strcmp(type, "9p") == 0) found = 1;
    fclose(f);
    return found;
}

enum { THREADS = 6, THREAD_BYTES = 200000 };
static const char *thread_dir;
static unsigned char thread_buffers[THREADS][THREAD_BYTES];

/* Writes out/thread-N (pattern 40 + N) in pieces, fsyncs, reads it back: the threads' requests
 * are in flight at once, more of them than the driver has message buffers at first. */
static void *thread_body(void *arg) {
    long n = (long)arg;
    unsigned char *buf = thread_buffers[n];
    char p[512];
    snprintf(p, sizeof p, "%s/out/thread-%ld", thread_dir, n);
    fill(buf, THREAD_BYTES, 40 + n, 0);
    int fd = open(p, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) return (void *)1;
    for (size_t done = 0; done < THREAD_BYTES; done += 70000) {
        size_t piece = THREAD_BYTES - done < 70000 ? THREAD_BYTES - done : 70000;
        if (pwrite(fd, buf + done, piece, done) != (ssize_t)piece) return (void *)2;
    }
    if (fsync(fd) != 0) return (void *)3;
    memset(buf, 0, THREAD_BYTES);
    if (pread(fd, buf, THREAD_BYTES, 0) != THREAD_BYTES || !matches(buf, THREAD_BYTES, 40 + n, 0)) return (void *)4;
    return close(fd) == 0 ? NULL : (void *)5;
}

static int tree(const char *dir) {
    char p[512], q[512], text[256];
    struct stat st;
    struct statfs sf;

    CHECK(statfs(dir, &sf) == 0 && sf.f_type == V9FS_MAGIC, "%s is 9p (type %lx)", dir, (long)sf.f_type);
    CHECK(sf.f_bsize > 0 && sf.f_blocks > 0, "statfs reports the host's space");
    CHECK(mounted_9p(dir), "/proc/mounts lists %s as 9p", dir);
    path_in(p, sizeof p, dir, "seed/hello.txt");
    CHECK(read_text(p, text, sizeof text) == 20 && strcmp(text, "hello from the host\n") == 0, "a file the host wrote: %s", text);
    path_in(p, sizeof p, dir, "seed/nested/pattern.bin");
    CHECK(check_pattern_in(p, 1, 200000, 40000), "200000 bytes the host wrote, in small reads");
    CHECK(check_pattern_in(p, 1, 200000, 1 << 20), "and in one read larger than msize");
    CHECK(stat(p, &st) == 0 && st.st_size == 200000 && S_ISREG(st.st_mode), "stat of the host's file");
    printf("share: the host's files read back: ok\n");

    tree_directories(dir);
    /* Writes of up to 1 MiB in one call: the kernel splits them into msize messages. */
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 65536, 300000, 1 << 20};
    tree_sized_files(dir, sizes, sizeof sizes / sizeof sizes[0], 1 << 20, 10007);
    tree_small_files(dir, 100);
    /* getcwd climbs through `..` and reads the directories. */
    path_in(p, sizeof p, dir, "out/a/b");
    char cwd[512];
    CHECK(chdir(p) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, p) == 0, "getcwd in %s: %s", p, cwd);
    CHECK(chdir("/") == 0, "chdir /");
    thread_dir = dir;
    pthread_t threads[THREADS];
    for (long n = 0; n < THREADS; n++) CHECK(pthread_create(&threads[n], NULL, thread_body, (void *)n) == 0, "thread %ld", n);
    for (long n = 0; n < THREADS; n++) {
        void *result = (void *)-1;
        CHECK(pthread_join(threads[n], &result) == 0 && result == NULL, "thread %ld: step %ld failed", n, (long)result);
    }
    printf("share: directories and files written: ok\n");

    path_in(p, sizeof p, dir, "out/size-300000");
    CHECK(truncate(p, 123457) == 0 && check_pattern_in(p, 16, 123457, 65536), "truncate shorter");
    path_in(p, sizeof p, dir, "out/grown");
    int fd = open(p, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 300000) == 0, "ftruncate longer");
    CHECK(pwrite(fd, "middle", 6, 150000) == 6, "pwrite in the middle");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 300000, "size after pwrite: %ld", (long)st.st_size);
    CHECK(pread(fd, text, 8, 149999) == 8 && memcmp(text, "\0middle\0", 8) == 0, "zeros around what was written");
    CHECK(fsync(fd) == 0 && fdatasync(fd) == 0 && close(fd) == 0, "fsync, fdatasync");
    tree_appends(dir);
    path_in(p, sizeof p, dir, "out/mode");
    fd = open(p, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0 && fchmod(fd, 0640) == 0 && close(fd) == 0, "fchmod");
    struct timespec times[2] = {{1500000000, 0}, {1600000000, 0}};
    CHECK(utimensat(AT_FDCWD, p, times, 0) == 0, "utimensat");
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_mtime == 1600000000 && st.st_atime == 1500000000,
          "mode %o, mtime %ld", st.st_mode, (long)st.st_mtime);
    printf("share: truncate, append and attributes: ok\n");

    tree_links_and_renames(dir);
    tree_removal(dir);
    /* A file made after an unlink may get the host's freed inode number: it must be itself. */
    path_in(p, sizeof p, dir, "out/a/small-000");
    CHECK(write_text(p, "reborn\n") == 0 && read_text(p, text, sizeof text) == 7 && strcmp(text, "reborn\n") == 0, "a new file of the old name");
    printf("share: links, renames and removal: ok\n");

    path_in(p, sizeof p, dir, "missing/x");
    CHECK_ERRNO(open(p, O_RDONLY), ENOENT);
    CHECK_ERRNO(mkdir(p, 0755), ENOENT);
    path_in(p, sizeof p, dir, "out/a");
    path_in(q, sizeof q, dir, "out/a/b/inside");
    CHECK_ERRNO(rename(p, q), EINVAL);
    path_in(p, sizeof p, dir, "out/log");
    CHECK_ERRNO(rmdir(p), ENOTDIR);
    CHECK_ERRNO(open(p, O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERRNO(open(p, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    path_in(q, sizeof q, dir, "out/log/x");
    CHECK_ERRNO(open(q, O_RDONLY), ENOTDIR);
    path_in(q, sizeof q, dir, "out/link");
    CHECK_ERRNO(symlink("x", q), EEXIST);
    path_in(p, sizeof p, dir, "out");
    CHECK_ERRNO(open(p, O_WRONLY), EISDIR);
    printf("share: error paths: ok\n");
    return check_summary();
}

static int mount_calls(const char *tag, const char *dir) {
    char p[512], text[64];
    CHECK_ERRNO(mount("no-such-tag", dir, "9p", 0, "trans=virtio"), ENOENT);
    CHECK(mount(tag, dir, "9p", 0, "trans=virtio,version=9p2000.L") == 0, "mount -t 9p %s %s", tag, dir);
    CHECK(mounted_9p(dir), "/proc/mounts lists the share");
    path_in(p, sizeof p, dir, "mounted.txt");
    CHECK(write_text(p, "written after mount(2)\n") == 0, "write on the share");
    CHECK(umount2(dir, 0) == 0 && access(p, F_OK) == -1, "umount2: the file is gone from view");
    CHECK(mount(tag, dir, "9p", MS_RDONLY, "trans=virtio") == 0, "mount read-only");
    CHECK(read_text(p, text, sizeof text) == 23, "the file is on the share");
    path_in(p, sizeof p, dir, "refused.txt");
    CHECK_ERRNO(open(p, O_CREAT | O_WRONLY, 0644), EROFS);
    CHECK(umount2(dir, 0) == 0, "umount2");
    printf("share: mount and umount: ok\n");
    return check_summary();
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "tree") == 0) return tree(argv[2]);
    if (argc == 4 && strcmp(argv[1], "mount") == 0) return mount_calls(argv[2], argv[3]);
    fprintf(stderr, "usage: share tree DIR, share mount TAG DIR\n");
    return 2;
}
