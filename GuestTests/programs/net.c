/* Sockets: TCP and UDP over IPv4 and IPv6 loopback, AF_UNIX stream/datagram/seqpacket with
 * SCM_RIGHTS and credentials, socket options, non-blocking connect and epoll on sockets,
 * getifaddrs through rtnetlink, SIOCGIF* ioctls, and errors.
 *
 *   net               all loopback checks, then "N passed, M failed"
 *   net client HOST PORT [udp]   connect to a host server, send "ping from skiff", print the reply
 *   net server PORT N            accept N connections on 0.0.0.0:PORT, echo each upper-cased
 *   net storm TCPPORT UDPPORT    serve TCP (echo upper-cased) and count UDP datagrams while the
 *                                host sends garbage, until a connection says "quit" */
#define _GNU_SOURCE
#include "../include/check.h"
#include "../include/pattern.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t make_address(int family, const char *text, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        inet_pton(AF_INET, text, &a->sin_addr);
        return sizeof *a;
    }
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, text, &a->sin6_addr);
    return sizeof *a;
}

static int port_of(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static ssize_t read_full(int fd, char *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, buf + done, n - done);
        if (r <= 0) return done ? (ssize_t)done : r;
        done += r;
    }
    return done;
}

struct transfer { int fd; size_t bytes; };

static void *send_pattern(void *arg) {
    struct transfer *t = arg;
    static char chunk[65536];
    for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (char)(i * 7);
    size_t sent = 0;
    while (sent < t->bytes) {
        size_t n = t->bytes - sent < sizeof chunk ? t->bytes - sent : sizeof chunk;
        ssize_t r = send(t->fd, chunk, n, 0);
        if (r <= 0) break;
        sent += r;
    }
    shutdown(t->fd, SHUT_WR);
    t->bytes = sent;
    return NULL;
}

static void tcp_loopback(int family, const char *loopback) {
    const char *tag = family == AF_INET ? "tcp4" : "tcp6";
    printf("== %s\n", tag);
    fflush(stdout);
    int server = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(server >= 0, "%s socket", tag);
    int one = 1;
    CHECK(setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "%s SO_REUSEADDR", tag);
    struct sockaddr_storage ss;
    socklen_t len = make_address(family, loopback, 0, &ss);
    CHECK(bind(server, (struct sockaddr *)&ss, len) == 0, "%s bind", tag);
    CHECK(listen(server, 8) == 0, "%s listen", tag);
    int port = port_of(server);
    CHECK(port >= 1024, "%s ephemeral port %d", tag, port);
    int accepting = 0;
    socklen_t optlen = sizeof accepting;
    CHECK(getsockopt(server, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &optlen) == 0 && accepting == 1, "%s SO_ACCEPTCONN", tag);

    /* Non-blocking connect: EINPROGRESS, then writable with SO_ERROR 0. */
    int client = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    len = make_address(family, loopback, port, &ss);
    int r = connect(client, (struct sockaddr *)&ss, len);
    CHECK(r == 0 || errno == EINPROGRESS, "%s non-blocking connect", tag);
    struct pollfd pfd = {.fd = client, .events = POLLOUT};
    CHECK(poll(&pfd, 1, 2000) == 1 && (pfd.revents & POLLOUT), "%s connect completes", tag);
    int err = -1;
    optlen = sizeof err;
    CHECK(getsockopt(client, SOL_SOCKET, SO_ERROR, &err, &optlen) == 0 && err == 0, "%s SO_ERROR 0", tag);
    fcntl(client, F_SETFL, 0);

    struct sockaddr_storage peer;
    socklen_t peerlen = sizeof peer;
    int conn = accept4(server, (struct sockaddr *)&peer, &peerlen, SOCK_CLOEXEC);
    CHECK(conn >= 0, "%s accept4", tag);
    CHECK(peer.ss_family == family && peerlen == len, "%s peer address family %d len %u", tag, peer.ss_family, peerlen);
    CHECK((fcntl(conn, F_GETFD) & FD_CLOEXEC) != 0, "%s SOCK_CLOEXEC on accept4", tag);
    CHECK(setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "%s TCP_NODELAY", tag);
    int nodelay = 0;
    optlen = sizeof nodelay;
    CHECK(getsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &nodelay, &optlen) == 0 && nodelay, "%s TCP_NODELAY reads back", tag);

    /* A 4 MiB transfer arrives byte-exact while a thread sends. */
    struct transfer t = {.fd = client, .bytes = 4 << 20};
    pthread_t thread;
    pthread_create(&thread, NULL, send_pattern, &t);
    static char buf[65536];
    size_t received = 0;
    int exact = 1;
    for (;;) {
        ssize_t n = recv(conn, buf, sizeof buf, 0);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != (char)(((received + i) % 65536) * 7)) exact = 0;
        received += n;
    }
    pthread_join(thread, NULL);
    CHECK(received == (size_t)4 << 20 && exact, "%s 4 MiB byte-exact (got %zu)", tag, received);

    /* The other direction, then orderly close: EOF; writing to a reset peer fails. */
    CHECK(send(conn, "bye", 3, 0) == 3, "%s send back", tag);
    CHECK(shutdown(conn, SHUT_WR) == 0, "%s shutdown(SHUT_WR)", tag);
    char small[8] = {0};
    CHECK(recv(client, small, sizeof small, MSG_WAITALL) == 3 && memcmp(small, "bye", 3) == 0, "%s recv back until EOF", tag);
    int avail = -1;
    CHECK(ioctl(conn, FIONREAD, &avail) == 0 && avail == 0, "%s FIONREAD 0", tag);
    close(conn);
    CHECK(recv(client, small, sizeof small, 0) == 0, "%s EOF after close", tag);
    close(client);

    /* Refused: nothing listens on the port any more. */
    close(server);
    client = socket(family, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(client, (struct sockaddr *)&ss, len), ECONNREFUSED);
    close(client);
}

static void udp_loopback(int family, const char *loopback) {
    const char *tag = family == AF_INET ? "udp4" : "udp6";
    printf("== %s\n", tag);
    fflush(stdout);
    int a = socket(family, SOCK_DGRAM, 0), b = socket(family, SOCK_DGRAM, 0);
    struct sockaddr_storage ss;
    socklen_t len = make_address(family, loopback, 0, &ss);
    CHECK(bind(a, (struct sockaddr *)&ss, len) == 0, "%s bind", tag);
    len = make_address(family, loopback, port_of(a), &ss);
    CHECK(sendto(b, "hello", 5, 0, (struct sockaddr *)&ss, len) == 5, "%s sendto", tag);
    char buf[16];
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    CHECK(recvfrom(a, buf, 3, MSG_TRUNC, (struct sockaddr *)&from, &fromlen) == 5, "%s MSG_TRUNC returns the full length", tag);
    CHECK(memcmp(buf, "hel", 3) == 0 && fromlen == len && port_of(b) == ntohs(family == AF_INET ? ((struct sockaddr_in *)&from)->sin_port : ((struct sockaddr_in6 *)&from)->sin6_port), "%s source is the sender", tag);
    /* recvmsg reports truncation in msg_flags; sendmmsg/recvmmsg move several at once. */
    struct mmsghdr msgs[3];
    struct iovec iov[3];
    char data[3][8];
    for (int i = 0; i < 3; i++) {
        snprintf(data[i], sizeof data[i], "m%d", i);
        iov[i].iov_base = data[i];
        iov[i].iov_len = 2;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &ss;
        msgs[i].msg_hdr.msg_namelen = len;
    }
    CHECK(sendmmsg(b, msgs, 3, 0) == 3, "%s sendmmsg", tag);
    char in[3][8];
    for (int i = 0; i < 3; i++) {
        iov[i].iov_base = in[i];
        iov[i].iov_len = sizeof in[i];
        msgs[i].msg_hdr.msg_name = NULL;
    }
    CHECK(recvmmsg(a, msgs, 3, 0, NULL) == 3 && msgs[2].msg_len == 2 && memcmp(in[2], "m2", 2) == 0, "%s recvmmsg", tag);
    /* Non-blocking receive on an empty socket. */
    CHECK_ERRNO(recv(a, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    /* SO_RCVTIMEO: a blocking receive gives up. */
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    CHECK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "%s SO_RCVTIMEO", tag);
    CHECK_ERRNO(recv(a, buf, sizeof buf, 0), EAGAIN);
    /* Connected UDP: send/recv without addresses. */
    CHECK(connect(b, (struct sockaddr *)&ss, len) == 0, "%s connect", tag);
    CHECK(send(b, "x", 1, 0) == 1 && recv(a, buf, sizeof buf, 0) == 1, "%s connected send", tag);
    close(a);
    close(b);
}

static void epoll_on_sockets(void) {
    printf("== epoll_on_sockets\n");
    fflush(stdout);
    int server = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_storage ss;
    socklen_t len = make_address(AF_INET, "127.0.0.1", 0, &ss);
    bind(server, (struct sockaddr *)&ss, len);
    listen(server, 4);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = server};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, server, &ev) == 0, "epoll_ctl ADD listening socket");
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "no connection yet");
    CHECK_ERRNO(accept(server, NULL, NULL), EAGAIN);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    len = make_address(AF_INET, "127.0.0.1", port_of(server), &ss);
    CHECK(connect(client, (struct sockaddr *)&ss, len) == 0, "blocking connect");
    CHECK(epoll_wait(ep, out, 4, 1000) == 1 && out[0].data.fd == server, "epoll reports the pending connection");
    int conn = accept(server, NULL, NULL);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = conn;
    epoll_ctl(ep, EPOLL_CTL_ADD, conn, &ev);
    write(client, "abc", 3);
    CHECK(epoll_wait(ep, out, 4, 1000) == 1 && out[0].data.fd == conn, "edge-triggered data");
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "edge fires once");
    close(client);
    CHECK(epoll_wait(ep, out, 4, 1000) == 1 && (out[0].events & (EPOLLIN | EPOLLRDHUP)), "peer close is an edge");
    close(conn);
    close(server);
    close(ep);
}

/* Passes a pipe's read end from sv[0] to sv[1] with SCM_RIGHTS (stream or datagram pair) and
 * reads the pipe through the received descriptor. */
static void check_fd_passing(int sv[2], const char *tag) {
    int p[2];
    pipe(p);
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    CHECK(sendmsg(sv[0], &msg, 0) == 1, "%s: sendmsg with SCM_RIGHTS", tag);
    close(p[0]);
    char got = 0;
    iov.iov_base = &got;
    memset(&control, 0, sizeof control);
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    CHECK(recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC) == 1 && got == 'F', "%s: recvmsg data", tag);
    c = CMSG_FIRSTHDR(&msg);
    CHECK(c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)), "%s: SCM_RIGHTS arrives", tag);
    int passed = -1;
    if (c) memcpy(&passed, CMSG_DATA(c), sizeof(int));
    write(p[1], "through", 7);
    char buf[32] = {0};
    CHECK(passed >= 0 && read(passed, buf, sizeof buf) == 7 && strcmp(buf, "through") == 0, "%s: the passed descriptor reads the pipe", tag);
    CHECK(passed >= 0 && (fcntl(passed, F_GETFD) & FD_CLOEXEC), "%s: MSG_CMSG_CLOEXEC", tag);
    close(passed);
    close(p[1]);
}

/* FIONBIO switches O_NONBLOCK like fcntl does; epoll_pwait waits with a signal mask and wakes
 * for a datagram that carries a descriptor. */
static void check_fionbio_and_epoll_pwait(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "datagram socketpair");
    int on = 1;
    char buf[16];
    CHECK(ioctl(sv[1], FIONBIO, &on) == 0 && (fcntl(sv[1], F_GETFL) & O_NONBLOCK), "FIONBIO sets O_NONBLOCK");
    CHECK_ERRNO(recv(sv[1], buf, sizeof buf, 0), EAGAIN);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = sv[1]}, out[2];
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev) == 0, "epoll_ctl on a datagram socket");
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    CHECK(epoll_pwait(ep, out, 2, 10, &mask) == 0, "epoll_pwait times out with nothing to read");
    CHECK(send(sv[0], "dgram", 5, 0) == 5, "send a datagram");
    CHECK(epoll_pwait(ep, out, 2, 1000, &mask) == 1 && out[0].data.fd == sv[1], "epoll_pwait reports the datagram");
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 5, "read it");
    check_fd_passing(sv, "datagram pair");
    int off = 0;
    CHECK(ioctl(sv[1], FIONBIO, &off) == 0 && !(fcntl(sv[1], F_GETFL) & O_NONBLOCK), "FIONBIO clears O_NONBLOCK");
    close(ep);
    close(sv[0]);
    close(sv[1]);
}

static void unix_sockets(void) {
    printf("== unix_sockets\n");
    fflush(stdout);
    /* socketpair stream with SCM_RIGHTS: pass a pipe's read end. */
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    check_fd_passing(sv, "stream pair");
    check_fionbio_and_epoll_pwait();
    char buf[32] = {0};
    struct ucred cred;
    socklen_t clen = sizeof cred;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.pid == getpid(), "SO_PEERCRED");
    close(sv[1]);
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "ignore SIGPIPE");
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    close(sv[0]);

    /* A named stream server in /tmp. */
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    strcpy(sun.sun_path, "/tmp/skiff.sock");
    unlink(sun.sun_path);
    CHECK(bind(server, (struct sockaddr *)&sun, sizeof sun) == 0, "bind unix path");
    struct stat st;
    CHECK(stat(sun.sun_path, &st) == 0 && S_ISSOCK(st.st_mode), "the path is a socket");
    CHECK_ERRNO(bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&sun, sizeof sun), EADDRINUSE);
    CHECK(listen(server, 2) == 0, "listen unix");
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr *)&sun, sizeof sun) == 0, "connect unix path");
    int conn = accept(server, NULL, NULL);
    CHECK(conn >= 0, "accept unix");
    CHECK(write(client, "hello ", 6) == 6 && write(client, "world", 5) == 5, "stream writes");
    CHECK(read_full(conn, buf, 11) == 11 && memcmp(buf, "hello world", 11) == 0, "stream bytes arrive in order");
    struct sockaddr_un name;
    socklen_t nlen = sizeof name;
    CHECK(getpeername(client, (struct sockaddr *)&name, &nlen) == 0 && strcmp(name.sun_path, "/tmp/skiff.sock") == 0, "getpeername");
    close(client);
    CHECK(read(conn, buf, sizeof buf) == 0, "EOF after the peer closes");
    close(conn);
    close(server);
    unlink(sun.sun_path);
    sun.sun_path[0] = 0;
    strcpy(sun.sun_path + 1, "nobody");
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(client, (struct sockaddr *)&sun, offsetof(struct sockaddr_un, sun_path) + 7), ECONNREFUSED);
    close(client);

    /* Abstract datagram sockets keep message boundaries and report the sender. */
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un an = {.sun_family = AF_UNIX}, bn = {.sun_family = AF_UNIX};
    strcpy(an.sun_path + 1, "skiff-a");
    strcpy(bn.sun_path + 1, "skiff-b");
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 8;
    CHECK(bind(a, (struct sockaddr *)&an, alen) == 0 && bind(b, (struct sockaddr *)&bn, alen) == 0, "bind abstract");
    CHECK(sendto(b, "one", 3, 0, (struct sockaddr *)&an, alen) == 3 && sendto(b, "two!", 4, 0, (struct sockaddr *)&an, alen) == 4, "dgram sendto");
    struct sockaddr_un from;
    socklen_t flen = sizeof from;
    CHECK(recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen) == 3 && flen == alen && memcmp(from.sun_path + 1, "skiff-b", 7) == 0, "first datagram and its sender");
    CHECK(recv(a, buf, sizeof buf, 0) == 4, "second datagram whole");
    close(a);
    close(b);

    /* Seqpacket pairs keep boundaries too. */
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "seqpacket pair");
    write(sv[0], "12345", 5);
    write(sv[0], "67", 2);
    CHECK(read(sv[1], buf, 3) == 3 && read(sv[1], buf, sizeof buf) == 2, "seqpacket records (the rest of the first is dropped)");
    close(sv[0]);
    close(sv[1]);
}

static void interfaces(void) {
    printf("== interfaces\n");
    fflush(stdout);
    struct ifaddrs *list;
    CHECK(getifaddrs(&list) == 0, "getifaddrs");
    int lo4 = 0, lo6 = 0;
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        char text[64] = "";
        if (i->ifa_addr->sa_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, text, sizeof text);
        if (i->ifa_addr->sa_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, text, sizeof text);
        if (text[0]) printf("interface %s %s\n", i->ifa_name, text);
        if (strcmp(i->ifa_name, "lo") == 0 && strcmp(text, "127.0.0.1") == 0) lo4 = 1;
        if (strcmp(i->ifa_name, "lo") == 0 && strcmp(text, "::1") == 0) lo6 = 1;
    }
    freeifaddrs(list);
    CHECK(lo4 && lo6, "lo has 127.0.0.1 and ::1");
    CHECK(if_nametoindex("lo") == 1, "if_nametoindex(lo)");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    CHECK(ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_LOOPBACK) && (ifr.ifr_flags & IFF_UP), "SIOCGIFFLAGS lo");
    CHECK(ioctl(fd, SIOCGIFADDR, &ifr) == 0 && ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK), "SIOCGIFADDR lo");
    strcpy(ifr.ifr_name, "nope0");
    CHECK_ERRNO(ioctl(fd, SIOCGIFFLAGS, &ifr), ENODEV);
    close(fd);
}

static void errors(void) {
    printf("== errors\n");
    fflush(stdout);
    CHECK_ERRNO(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, 99), EPROTONOSUPPORT);
    int p[2];
    pipe(p);
    CHECK_ERRNO(listen(p[0], 1), ENOTSOCK);
    CHECK_ERRNO(listen(999, 1), EBADF);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(fd, (struct sockaddr *)8, 16), EFAULT);
    CHECK_ERRNO(send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
    struct sockaddr_in six = {.sin_family = AF_INET6};
    CHECK_ERRNO(bind(fd, (struct sockaddr *)&six, sizeof six), EAFNOSUPPORT);
    int bogus;
    socklen_t blen = sizeof bogus;
    CHECK_ERRNO(getsockopt(fd, SOL_SOCKET, 9999, &bogus, &blen), ENOPROTOOPT);
    close(fd);
    close(p[0]);
    close(p[1]);
}

static int client_mode(const char *host, int port, int udp) {
    int family = strchr(host, ':') ? AF_INET6 : AF_INET;
    struct sockaddr_storage ss;
    socklen_t len = make_address(family, host, port, &ss);
    /* IPv6 addresses come from router advertisements shortly after boot: retry a while. */
    int fd = -1;
    for (int attempt = 0; attempt < 50; attempt++) {
        fd = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, len) == 0) break;
        if (attempt == 49) {
            printf("connect %s port %d: %s\n", host, port, strerror(errno));
            return 1;
        }
        close(fd);
        usleep(200000);
    }
    const char *message = "ping from skiff\n";
    send(fd, message, strlen(message), 0);
    char buf[256];
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) {
        printf("no reply: %s\n", n < 0 ? strerror(errno) : "end of stream");
        return 1;
    }
    buf[n] = 0;
    printf("reply: %s", buf);
    close(fd);
    return 0;
}

/* A TCP socket listening on 0.0.0.0:port, or -1 (said why). */
static int listen_on(int port, int backlog) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t len = make_address(AF_INET, "0.0.0.0", port, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog) != 0) {
        printf("listen: %s\n", strerror(errno));
        return -1;
    }
    return fd;
}

/* Answers `count` clients upper-cased: TCP connections (one read each) or UDP datagrams, on
 * IPv4 or IPv6 (`v6`: an IPv6-only socket, so the test shows IPv6 did the work). */
static int server_mode(int port, int count, int udp, int v6) {
    int fd;
    if (udp || v6) {
        int family = v6 ? AF_INET6 : AF_INET;
        fd = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (v6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        struct sockaddr_storage ss;
        socklen_t len = make_address(family, v6 ? "::" : "0.0.0.0", port, &ss);
        if (bind(fd, (struct sockaddr *)&ss, len) != 0 || (!udp && listen(fd, 16) != 0)) {
            printf("listen: %s\n", strerror(errno));
            return 1;
        }
    } else {
        fd = listen_on(port, 16);
    }
    if (fd < 0) return 1;
    printf("listening on port %d (%s over IPv%d)\n", port, udp ? "UDP" : "TCP", v6 ? 6 : 4);
    fflush(stdout);
    for (int i = 0; i < count; i++) {
        char buf[256];
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        int c = fd;
        ssize_t n;
        if (udp) {
            n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&peer, &plen);
        } else {
            c = accept(fd, (struct sockaddr *)&peer, &plen);
            if (c < 0) {
                printf("accept: %s\n", strerror(errno));
                return 1;
            }
            n = recv(c, buf, sizeof buf - 1, 0);
        }
        if (n <= 0) {
            if (!udp) close(c);
            i--;
            continue;
        }
        buf[n] = 0;
        char from[INET6_ADDRSTRLEN] = "?";
        if (peer.ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, from, sizeof from);
        else inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, from, sizeof from);
        printf("client %s\nreceived: %s", from, buf);
        for (ssize_t k = 0; k < n; k++) buf[k] = toupper((unsigned char)buf[k]);
        if (udp) {
            sendto(fd, buf, n, 0, (struct sockaddr *)&peer, plen);
        } else {
            send(c, buf, n, 0);
            /* Wait for the client to close before closing: after the last client the program
             * exits and the VM powers off, which would drop a reply still in flight. */
            shutdown(c, SHUT_WR);
            struct timeval patience = {.tv_sec = 10};
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
            while (recv(c, buf, sizeof buf, 0) > 0) {}
            close(c);
        }
    }
    close(fd);
    return 0;
}

/* A bulk transfer with a host client over a real link: accepts one connection, receives
 * `mib` MiB of pattern 1 (checked byte for byte), sends `mib` MiB of pattern 2, and waits for
 * the client to close. Over a tap device the stack leaves checksums and segmenting to the NIC;
 * the host checks the frame sizes. */
static int stream_mode(int port, long mib) {
    int fd = listen_on(port, 4);
    if (fd < 0) return 1;
    printf("listening on port %d\n", port);
    fflush(stdout);
    int c = accept(fd, NULL, NULL);
    if (c < 0) {
        printf("accept: %s\n", strerror(errno));
        return 1;
    }
    static unsigned char buf[256 << 10];
    unsigned long total = (unsigned long)mib << 20, got = 0, sent = 0;
    int intact = 1;
    while (got < total) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) {
            printf("stream: recv after %lu bytes: %s\n", got, n == 0 ? "end of stream" : strerror(errno));
            return 1;
        }
        if (intact && !matches(buf, (size_t)n, 1, got)) intact = 0;
        got += (unsigned long)n;
    }
    while (sent < total) {
        size_t want = total - sent < sizeof buf ? total - sent : sizeof buf;
        fill(buf, want, 2, sent);
        ssize_t n = send(c, buf, want, 0);
        if (n <= 0) {
            printf("stream: send after %lu bytes: %s\n", sent, strerror(errno));
            return 1;
        }
        sent += (unsigned long)n;
    }
    shutdown(c, SHUT_WR);
    while (recv(c, buf, sizeof buf, 0) > 0) {}
    close(c);
    close(fd);
    printf("stream: received %ld MiB %s, sent %ld MiB\n", mib, intact ? "intact" : "CORRUPTED", mib);
    return intact ? 0 : 1;
}

/* A service under a storm of garbage from the host: every connection is read once (within two
 * seconds) and answered upper-cased; datagrams are counted. Only "ping from host" is printed;
 * "quit" ends the program. */
static int storm_mode(int tcp_port, int udp_port) {
    int fd = listen_on(tcp_port, 64);
    if (fd < 0) return 1;
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_storage ss;
    socklen_t len = make_address(AF_INET, "0.0.0.0", udp_port, &ss);
    if (bind(udp, (struct sockaddr *)&ss, len) != 0) {
        printf("bind udp: %s\n", strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", tcp_port);
    long connections = 0, datagrams = 0, garbage = 0, errors = 0;
    for (;;) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = udp, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            printf("poll: %s\n", strerror(errno));
            return 1;
        }
        if (p[1].revents & POLLIN) {
            char d[65536];
            while (recv(udp, d, sizeof d, MSG_DONTWAIT) >= 0) datagrams++;
        }
        if (!(p[0].revents & POLLIN)) continue;
        int c = accept(fd, NULL, NULL);
        if (c < 0) {
            errors++;
            continue;
        }
        connections++;
        struct pollfd cp = {.fd = c, .events = POLLIN};
        char buf[4096];
        ssize_t n = poll(&cp, 1, 2000) == 1 ? recv(c, buf, sizeof buf - 1, 0) : -1;
        if (n <= 0) {
            close(c);
            continue;
        }
        buf[n] = 0;
        if (strcmp(buf, "quit\n") == 0) {
            close(c);
            break;
        }
        if (strcmp(buf, "ping from host\n") == 0) printf("received: %s", buf);
        else garbage++;
        for (ssize_t k = 0; k < n; k++) buf[k] = toupper((unsigned char)buf[k]);
        send(c, buf, n, MSG_NOSIGNAL);
        close(c);
    }
    printf("storm: %ld connections (%ld with garbage), %ld datagrams, %ld accept errors\n", connections, garbage,
           datagrams, errors);
    return 0;
}

/* The name-resolution files the kernel provides (/etc/resolv.conf, /etc/hosts), through libc. */
static int resolver_mode(const char *address) {
    char text[512] = {0};
    int fd = open("/etc/resolv.conf", O_RDONLY);
    CHECK(fd >= 0 && read(fd, text, sizeof text - 1) > 0, "read /etc/resolv.conf");
    if (fd >= 0) close(fd);
    CHECK(strstr(text, "nameserver 10.0.2.3\n") != NULL, "resolv.conf names QEMU's DNS server: %s", text);
    char host[64] = {0};
    CHECK(gethostname(host, sizeof host) == 0 && strcmp(host, "skiff") == 0, "hostname %s", host);
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *found = NULL;
    char shown[INET_ADDRSTRLEN] = "";
    int r = getaddrinfo("localhost", "80", &hints, &found);
    if (r == 0) inet_ntop(AF_INET, &((struct sockaddr_in *)found->ai_addr)->sin_addr, shown, sizeof shown);
    CHECK(r == 0 && strcmp(shown, "127.0.0.1") == 0, "localhost is %s (%s)", shown, r ? gai_strerror(r) : "");
    if (found) freeaddrinfo(found);
    found = NULL;
    r = getaddrinfo(host, NULL, &hints, &found);
    shown[0] = 0;
    if (r == 0) inet_ntop(AF_INET, &((struct sockaddr_in *)found->ai_addr)->sin_addr, shown, sizeof shown);
    CHECK(r == 0 && strcmp(shown, address) == 0, "%s is %s (%s)", host, shown, r ? gai_strerror(r) : "");
    if (found) freeaddrinfo(found);
    printf("resolver: %s is %s\n", host, shown);
    return check_summary();
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 3 && strcmp(argv[1], "resolver") == 0) return resolver_mode(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "client") == 0) return client_mode(argv[2], atoi(argv[3]), argc > 4);
    if (argc >= 4 && strcmp(argv[1], "server") == 0) {
        int udp = 0, v6 = 0;
        for (int i = 4; i < argc; i++) {
            if (strcmp(argv[i], "udp") == 0) udp = 1;
            if (strcmp(argv[i], "v6") == 0) v6 = 1;
        }
        return server_mode(atoi(argv[2]), atoi(argv[3]), udp, v6);
    }
    if (argc >= 4 && strcmp(argv[1], "stream") == 0) return stream_mode(atoi(argv[2]), atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "storm") == 0) return storm_mode(atoi(argv[2]), atoi(argv[3]));
    tcp_loopback(AF_INET, "127.0.0.1");
    tcp_loopback(AF_INET6, "::1");
    udp_loopback(AF_INET, "127.0.0.1");
    udp_loopback(AF_INET6, "::1");
    epoll_on_sockets();
    unix_sockets();
    interfaces();
    errors();
    return check_summary();
}
