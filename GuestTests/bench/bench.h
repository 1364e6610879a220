/* Shared helpers for the `make bench` programs. Each program prints its results as
 *
 *     bench: NAME VALUE UNIT
 *
 * lines (the host harness, Sources/SkiffBench, reads them), or
 *
 *     bench: NAME unavailable REASON
 *
 * when the system under test cannot run that measurement, and exits non-zero on any error so
 * a broken run is never mistaken for a number. Times come from CLOCK_MONOTONIC in the guest. */
#ifndef SKIFF_BENCH_H
#define SKIFF_BENCH_H
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline long long bench_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void bench_report(const char *name, double value, const char *unit) {
    printf("bench: %s %.3f %s\n", name, value, unit);
    fflush(stdout);
}

static inline void bench_unavailable(const char *name, const char *reason) {
    printf("bench: %s unavailable %s\n", name, reason);
    fflush(stdout);
}

/* Exits with status 1 after saying what failed. */
static inline void bench_fail(const char *what) {
    printf("bench-error: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

/* A TCP socket listening on `port` of every address of the system, or -1 with errno set: the
 * servers the host loads over the NIC. */
static inline int bench_listen(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* argv[index] as a positive count, or `fallback` when absent. */
static inline long bench_count(int argc, char **argv, int index, long fallback) {
    if (index >= argc) return fallback;
    long n = strtol(argv[index], NULL, 10);
    if (n <= 0) {
        printf("bench-error: bad count %s\n", argv[index]);
        exit(2);
    }
    return n;
}
#endif
