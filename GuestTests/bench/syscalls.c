/* System-call latency: getppid() and a 1-byte read() of /dev/zero in a loop, in ns per call.
 * Usage: syscalls [ITERATIONS] */
#include "bench.h"
#include <fcntl.h>
#include <sys/syscall.h>
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
    return 0;
}
