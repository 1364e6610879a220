/* TCP over the loopback interface, through each system's own stack:
 *   - throughput: one thread writes MIB MiB in 64 KiB writes to another that reads them
 *     (MiB per second, from connect to the last byte read);
 *   - round trips: ROUNDS one-byte request/response exchanges with TCP_NODELAY (per second).
 * Usage: tcploop [MIB [ROUNDS]] */
#include "bench.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener;
static long long received;

static void *sink(void *arg) {
    (void)arg;
    int c = accept(listener, NULL, NULL);
    if (c < 0) bench_fail("accept");
    static char buf[65536];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) received += n;
    if (n < 0) bench_fail("read");
    close(c);
    return NULL;
}

static void *echo(void *arg) {
    long rounds = (long)arg;
    int c = accept(listener, NULL, NULL);
    if (c < 0) bench_fail("accept");
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char b;
    for (long i = 0; i < rounds; i++) {
        if (read(c, &b, 1) != 1 || write(c, &b, 1) != 1) bench_fail("echo");
    }
    close(c);
    return NULL;
}

static int connect_loopback(struct sockaddr_in *a) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)a, sizeof *a) != 0) bench_fail("connect");
    return fd;
}

int main(int argc, char **argv) {
    long mebibytes = bench_count(argc, argv, 1, 256);
    long rounds = bench_count(argc, argv, 2, 5000);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(5001)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&a, sizeof a) != 0 || listen(listener, 4) != 0) {
        char reason[128];
        snprintf(reason, sizeof reason, "(no loopback: %s)", strerror(errno));
        bench_unavailable("tcp-loopback-throughput", reason);
        bench_unavailable("tcp-loopback-round-trips", reason);
        return 0;
    }

    pthread_t t;
    pthread_create(&t, NULL, sink, NULL);
    static char buf[65536];
    memset(buf, 'z', sizeof buf);
    long long start = bench_now_ns();
    int fd = connect_loopback(&a);
    for (long i = 0; i < mebibytes * 16; i++) {
        if (write(fd, buf, sizeof buf) != sizeof buf) bench_fail("write");
    }
    close(fd);
    pthread_join(t, NULL);
    if (received != (long long)mebibytes << 20) bench_fail("bytes lost");
    bench_report("tcp-loopback-throughput", mebibytes / ((double)(bench_now_ns() - start) / 1e9), "MiB/s");

    pthread_create(&t, NULL, echo, (void *)rounds);
    fd = connect_loopback(&a);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char b = 'x';
    start = bench_now_ns();
    for (long i = 0; i < rounds; i++) {
        if (write(fd, &b, 1) != 1 || read(fd, &b, 1) != 1) bench_fail("round trip");
    }
    bench_report("tcp-loopback-round-trips", rounds / ((double)(bench_now_ns() - start) / 1e9), "round trips/s");
    close(fd);
    pthread_join(t, NULL);
    return 0;
}
