/* The tree disk.c (on ext4) and share.c (on 9p) both write, which the host then finds byte for
 * byte (`writtenTreeExpected` in DiskGuestTests.swift). Each step CHECKs what it does; include
 * check.h and pattern.h first. */
#ifndef SKIFF_TREE_H
#define SKIFF_TREE_H
#include <sys/stat.h>

/* out, out/a, out/a/b; mkdir of a name that exists is EEXIST. */
static inline void tree_directories(const char *dir) {
    char p[512];
    path_in(p, sizeof p, dir, "out");
    CHECK(mkdir(p, 0755) == 0, "mkdir out");
    CHECK_ERRNO(mkdir(p, 0755), EEXIST);
    path_in(p, sizeof p, dir, "out/a");
    CHECK(mkdir(p, 0750) == 0, "mkdir out/a");
    path_in(p, sizeof p, dir, "out/a/b");
    CHECK(mkdir(p, 0700) == 0, "mkdir out/a/b");
}

/* out/size-N for each of `sizes` (pattern 10 + index), written `write_chunk` bytes per write
 * and read back `read_chunk` bytes per read. */
static inline void tree_sized_files(const char *dir, const size_t *sizes, unsigned count, size_t write_chunk, size_t read_chunk) {
    char p[512];
    for (unsigned i = 0; i < count; i++) {
        snprintf(p, sizeof p, "%s/out/size-%zu", dir, sizes[i]);
        CHECK(write_pattern(p, 10 + i, sizes[i], write_chunk) == 0, "write %s", p);
        CHECK(check_pattern_in(p, 10 + i, sizes[i], read_chunk), "read back %s", p);
    }
}

/* `count` files out/a/small-NNN ("small file N\n"); out/a then lists them, b, . and .. */
static inline void tree_small_files(const char *dir, int count) {
    char p[512], text[64];
    for (int i = 0; i < count; i++) {
        snprintf(p, sizeof p, "%s/out/a/small-%03d", dir, i);
        int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0600);
        int len = snprintf(text, sizeof text, "small file %d\n", i);
        CHECK(fd >= 0 && write(fd, text, len) == len && close(fd) == 0, "small file %d", i);
    }
    path_in(p, sizeof p, dir, "out/a");
    CHECK(count_entries(p) == count + 3, "out/a lists %d files, b, . and ..: %d", count, count_entries(p));
}

/* Three O_APPEND writes to out/log after seeking to 0: they land at the end. */
static inline void tree_appends(const char *dir) {
    char p[512], text[64];
    path_in(p, sizeof p, dir, "out/log");
    for (int i = 0; i < 3; i++) {
        int fd = open(p, O_CREAT | O_WRONLY | O_APPEND, 0644);
        int len = snprintf(text, sizeof text, "line %d\n", i);
        CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, text, len) == len && close(fd) == 0, "append %d", i);
    }
    CHECK(read_text(p, text, sizeof text) == 21 && strcmp(text, "line 0\nline 1\nline 2\n") == 0, "appends: %s", text);
}

/* size-4096 linked as a/b/hard and reached through the symlink out/link; size-4097 moved to
 * a/renamed; size-1 renamed over size-0. */
static inline void tree_links_and_renames(const char *dir) {
    char p[512], q[512], text[64];
    struct stat st;
    path_in(p, sizeof p, dir, "out/size-4096");
    path_in(q, sizeof q, dir, "out/a/b/hard");
    CHECK(link(p, q) == 0 && stat(q, &st) == 0 && st.st_nlink == 2, "hard link (%ld links)", (long)st.st_nlink);
    path_in(q, sizeof q, dir, "out/link");
    CHECK(symlink("a/b/hard", q) == 0, "symlink");
    CHECK(readlink(q, text, sizeof text) == 8 && memcmp(text, "a/b/hard", 8) == 0, "readlink");
    CHECK(lstat(q, &st) == 0 && S_ISLNK(st.st_mode), "lstat of the symlink");
    CHECK(check_pattern(q, 13, 4096), "through the symlink");
    path_in(p, sizeof p, dir, "out/size-4097");
    path_in(q, sizeof q, dir, "out/a/renamed");
    CHECK(rename(p, q) == 0 && access(p, F_OK) == -1 && check_pattern(q, 14, 4097), "rename across directories");
    path_in(p, sizeof p, dir, "out/size-1");
    path_in(q, sizeof q, dir, "out/size-0");
    CHECK(rename(p, q) == 0 && check_pattern(q, 11, 1), "rename over a file");
}

/* a/small-000 unlinked (then ENOENT); out/a is ENOTEMPTY for rmdir and EISDIR for unlink; a
 * directory made and removed; a file unlinked while open read to its end. */
static inline void tree_removal(const char *dir) {
    char p[512];
    struct stat st;
    path_in(p, sizeof p, dir, "out/a/small-000");
    CHECK(unlink(p) == 0, "unlink");
    CHECK_ERRNO(unlink(p), ENOENT);
    path_in(p, sizeof p, dir, "out/a");
    CHECK_ERRNO(rmdir(p), ENOTEMPTY);
    CHECK_ERRNO(unlink(p), EISDIR);
    path_in(p, sizeof p, dir, "out/gone");
    CHECK(mkdir(p, 0755) == 0 && rmdir(p) == 0 && access(p, F_OK) == -1, "rmdir");
    path_in(p, sizeof p, dir, "out/open-unlinked");
    CHECK(write_pattern(p, 99, 50000, 4096) == 0, "write open-unlinked");
    int fd = open(p, O_RDONLY);
    CHECK(fd >= 0 && unlink(p) == 0, "unlink while open");
    CHECK(read(fd, pattern_buffer, 50000) == 50000 && matches(pattern_buffer, 50000, 99, 0), "read after unlink");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 50000, "fstat after unlink: %ld", (long)st.st_size);
    close(fd);
}
#endif
