/* System-call latency: getppid() and a 1-byte read() of /dev/zero in a loop, and libc's
 * clock_gettime(CLOCK_MONOTONIC) (a vDSO call on both systems), in ns per call.
 * Usage: syscalls [ITERATIONS] */
#include "bench.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = bench_count(argc, argv, 1, 200000);

    pid_t parent = (pid_t)syscall(SYS_getppid);
    for (long i = 0; i < n / 10; i++) syscall(SYS_getppid);  // warm up
    long long start = bench_now_ns();
    for (long i = 0; i < n; i++) {
        if ((pid_t)syscall(SYS_getppid) != parent) bench_fail("getppid changed");
    }
    bench_report("getppid", (double)(bench_now_ns() - start) / n, "ns/op");

    int fd = open("/dev/zero", O_RDONLY);
    if (fd < 0) bench_fail("open /dev/zero");
    char byte = 1;
    for (long i = 0; i < n / 10; i++) read(fd, &byte, 1);
    start = bench_now_ns();
    for (long i = 0; i < n; i++) {
        if (read(fd, &byte, 1) != 1 || byte != 0) bench_fail("read /dev/zero");
    }
    bench_report("read-dev-zero", (double)(bench_now_ns() - start) / n, "ns/op");
    close(fd);

    struct timespec t, last = {0, 0};
    for (long i = 0; i < n / 10; i++) clock_gettime(CLOCK_MONOTONIC, &t);
    start = bench_now_ns();
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec < last.tv_sec || (t.tv_sec == last.tv_sec && t.tv_nsec < last.tv_nsec)) bench_fail("clock went back");
        last = t;
    }
    bench_report("clock-gettime", (double)(bench_now_ns() - start) / n, "ns/op");
    return 0;
}
