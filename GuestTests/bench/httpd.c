/* A small HTTP/1.1 server for the request-rate benchmark: a thread per connection, keep-alive,
 * a fixed 13-byte body. The host's load generator connects through a port forward; `GET /quit`
 * ends the program, which then prints how many requests it answered.
 * Usage: httpd PORT */
#include "bench.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

static atomic_long served;
static const char response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\nhello, world\n";

static void *connection(void *arg) {
    int fd = (int)(long)arg;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buf[4096];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n <= 0) break;
        have += n;
        buf[have] = 0;
        char *end;
        while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
            if (strncmp(buf, "GET /quit", 9) == 0) {
                printf("httpd: served %ld requests\n", atomic_load(&served));
                fflush(stdout);
                exit(0);
            }
            if (write(fd, response, sizeof response - 1) != (ssize_t)(sizeof response - 1)) goto done;
            atomic_fetch_add(&served, 1);
            size_t used = (size_t)(end + 4 - buf);
            memmove(buf, buf + used, have - used + 1);
            have -= used;
        }
        if (have == sizeof buf - 1) break;  // a request too large: drop the connection
    }
done:
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int listener = bench_listen(port);
    if (listener < 0) {
        char reason[128];
        snprintf(reason, sizeof reason, "(cannot listen: %s)", strerror(errno));
        bench_unavailable("http-requests", reason);
        return 0;
    }
    printf("httpd: listening on port %d\n", port);
    fflush(stdout);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            bench_fail("accept");
        }
        pthread_t t;
        if (pthread_create(&t, NULL, connection, (void *)(long)fd) != 0) bench_fail("pthread_create");
        pthread_detach(t);
    }
}
