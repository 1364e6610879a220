/* The guest side of the TCP stream benchmark over the virtual NIC: a server the host's client
 * (Sources/SkiffBench/StreamLoad.swift) connects to, one connection at a time. The host times
 * the transfers; this program only moves the bytes and checks their count. Each connection
 * starts with one command line:
 *   ping          answered with "pong": the host's readiness probe
 *   send MIB      MIB MiB to the host in 64 KiB writes, then close (guest -> host)
 *   receive MIB   read MIB MiB from the host, then answer "ok" (host -> guest), or "short N"
 *   quit          print what was done and exit: 0, or 1 if any transfer failed
 * A connection that fails is reported and the server goes on to the next, so the host can still
 * end it with quit: a probe the host gave up on must not end the benchmark.
 * Usage: tcpstream PORT */
#include "bench.h"
#include <signal.h>

static char buf[65536];

/* The command line, without its newline; false when the connection ends first. */
static int read_command(int fd, char *line, size_t size) {
    size_t have = 0;
    while (have < size - 1) {
        ssize_t n = read(fd, line + have, 1);
        if (n <= 0) return 0;
        if (line[have] == '\n') break;
        have++;
    }
    line[have] = 0;
    return 1;
}

static int send_stream(int fd, long mebibytes) {
    for (long i = 0; i < mebibytes * 16; i++) {
        size_t done = 0;
        while (done < sizeof buf) {
            ssize_t n = write(fd, buf + done, sizeof buf - done);
            if (n <= 0) return 0;
            done += n;
        }
    }
    return 1;
}

static int receive_stream(int fd, long mebibytes) {
    long long want = (long long)mebibytes << 20, got = 0;
    ssize_t n;
    while (got < want && (n = read(fd, buf, sizeof buf)) > 0) got += n;
    char answer[64];
    int length = got == want ? snprintf(answer, sizeof answer, "ok\n") : snprintf(answer, sizeof answer, "short %lld\n", got);
    return write(fd, answer, length) == length && got == want;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 5002;
    signal(SIGPIPE, SIG_IGN);
    memset(buf, 's', sizeof buf);
    int listener = bench_listen(port);
    if (listener < 0) {
        char reason[128];
        snprintf(reason, sizeof reason, "(cannot listen: %s)", strerror(errno));
        bench_unavailable("tcp-stream-to-host", reason);
        bench_unavailable("tcp-stream-from-host", reason);
        return 0;
    }
    printf("tcpstream: listening on port %d\n", port);
    fflush(stdout);
    long sent = 0, received = 0, failed = 0;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            bench_fail("accept");
        }
        char line[64];
        long mebibytes = 0;
        if (!read_command(fd, line, sizeof line)) {
            /* A probe QEMU's user network accepted for a guest not yet listening, or one the
             * host gave up on: nothing to report. */
        } else if (strcmp(line, "ping") == 0) {
            write(fd, "pong\n", 5);
        } else if (sscanf(line, "send %ld", &mebibytes) == 1 && mebibytes > 0) {
            if (send_stream(fd, mebibytes)) {
                sent += mebibytes;
            } else {
                printf("tcpstream: send %ld failed: %s\n", mebibytes, strerror(errno));
                failed++;
            }
        } else if (sscanf(line, "receive %ld", &mebibytes) == 1 && mebibytes > 0) {
            if (receive_stream(fd, mebibytes)) {
                received += mebibytes;
            } else {
                printf("tcpstream: receive %ld failed: %s\n", mebibytes, strerror(errno));
                failed++;
            }
        } else if (strcmp(line, "quit") == 0) {
            printf("tcpstream: sent %ld MiB, received %ld MiB, %ld transfers failed\n", sent, received, failed);
            fflush(stdout);
            return failed ? 1 : 0;
        } else {
            printf("tcpstream: unknown command '%s'\n", line);
            failed++;
        }
        fflush(stdout);
        close(fd);
    }
}
