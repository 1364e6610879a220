/* Files of a known byte pattern and small file helpers, for guest programs whose results the
 * host checks byte for byte (disk.c, share.c; `diskPattern` in DiskGuestTests.swift). */
#ifndef SKIFF_PATTERN_H
#define SKIFF_PATTERN_H
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* Byte i of pattern `seed`. */
static inline unsigned char pattern(unsigned seed, unsigned long i) {
    return (unsigned char)((i * 131 + (i >> 9) * 7 + seed * 29) ^ (seed >> 3));
}

static inline void fill(unsigned char *buf, size_t n, unsigned seed, unsigned long offset) {
    for (size_t i = 0; i < n; i++) buf[i] = pattern(seed, offset + i);
}

static inline int matches(const unsigned char *buf, size_t n, unsigned seed, unsigned long offset) {
    for (size_t i = 0; i < n; i++)
        if (buf[i] != pattern(seed, offset + i)) return 0;
    return 1;
}

/* Room for one read or write of up to 1 MiB. */
static unsigned char pattern_buffer[1 << 20];

/* Writes `size` bytes of pattern `seed` to `path` in writes of `chunk` bytes (at most 1 MiB). */
static inline int write_pattern(const char *path, unsigned seed, size_t size, size_t chunk) {
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < size) {
        size_t n = size - done < chunk ? size - done : chunk;
        fill(pattern_buffer, n, seed, done);
        if (write(fd, pattern_buffer, n) != (ssize_t)n) { close(fd); return -1; }
        done += n;
    }
    return close(fd);
}

/* Whether `path` holds exactly `size` bytes of pattern `seed`, read `chunk` bytes at a time. */
static inline int check_pattern_in(const char *path, unsigned seed, size_t size, size_t chunk) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    size_t done = 0;
    ssize_t n;
    while ((n = read(fd, pattern_buffer, chunk)) > 0) {
        if (done + n > size || !matches(pattern_buffer, n, seed, done)) { close(fd); return 0; }
        done += n;
    }
    close(fd);
    return n == 0 && done == size;
}

static inline int check_pattern(const char *path, unsigned seed, size_t size) {
    return check_pattern_in(path, seed, size, 40000);
}

static inline int read_text(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return (int)n;
}

static inline int count_entries(const char *path) {
    DIR *d = opendir(path);
    if (!d) return -1;
    int n = 0;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

/* `dir`/`name`, without doubling the slash of a `dir` that is "/". */
static inline void path_in(char *out, size_t size, const char *dir, const char *name) {
    snprintf(out, size, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}
#endif
