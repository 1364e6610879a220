/* Waiting for descriptors: poll, ppoll, select, pselect, epoll (level, edge, one-shot,
 * nesting), eventfd, timerfd and signalfd, including wake-ups from other threads and errors,
 * and what fstat and /proc/self/fd show for them. */
#define _GNU_SOURCE
#include "../include/check.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static long elapsed_ms(struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

struct delayed_write {
    int fd;
    int delay_us;
    uint64_t value;
    int size;
};

static void *write_later(void *arg) {
    struct delayed_write *d = arg;
    usleep(d->delay_us);
    write(d->fd, &d->value, d->size);
    return NULL;
}

static void on_usr1(int sig) { (void)sig; }

/* eventfd, epoll, timerfd and signalfd share Linux's one anon_inode: fstat shows mode 0600 with
 * no file-type bits, one link, size 0, a 4096-byte block and the same device and inode for
 * all; /proc/self/fd names the kind. */
static void check_anonymous_inodes(void) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    int fds[4] = {eventfd(0, 0), epoll_create1(0), timerfd_create(CLOCK_MONOTONIC, 0), signalfd(-1, &mask, 0)};
    const char *names[4] = {"anon_inode:[eventfd]", "anon_inode:[eventpoll]", "anon_inode:[timerfd]", "anon_inode:[signalfd]"};
    struct stat first;
    for (int i = 0; i < 4; i++) {
        struct stat st;
        CHECK(fds[i] >= 0 && fstat(fds[i], &st) == 0, "fstat %s", names[i]);
        CHECK(st.st_mode == 0600 && !S_ISREG(st.st_mode), "%s: st_mode %#o, no type bits", names[i], st.st_mode);
        CHECK(st.st_nlink == 1 && st.st_size == 0 && st.st_blksize == 4096 && st.st_blocks == 0,
              "%s: nlink %lu size %ld blksize %ld", names[i], (unsigned long)st.st_nlink, (long)st.st_size, (long)st.st_blksize);
        if (i == 0) first = st;
        CHECK(st.st_ino == first.st_ino && st.st_dev == first.st_dev, "%s shares the anon inode", names[i]);
        char path[64], link[64] = {0};
        snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
        CHECK(readlink(path, link, sizeof link - 1) == (ssize_t)strlen(names[i]) && strcmp(link, names[i]) == 0,
              "readlink %s: %s", path, link);
        CHECK(stat(path, &st) == 0 && st.st_mode == 0600 && st.st_ino == first.st_ino, "stat through %s", path);
        close(fds[i]);
    }
}

int main(void) {
    int p[2];
    CHECK(pipe(p) == 0, "pipe");

    /* poll: an empty pipe is writable, not readable; data makes it readable. */
    struct pollfd fds[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
    CHECK(poll(fds, 2, 0) == 1 && fds[0].revents == 0 && fds[1].revents == POLLOUT, "empty pipe: only the write end is ready");
    write(p[1], "a", 1);
    CHECK(poll(fds, 2, 0) == 2 && (fds[0].revents & POLLIN), "data: the read end is ready");
    char c;
    read(p[0], &c, 1);

    /* poll times out, then wakes for a write from another thread. */
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK(poll(fds, 1, 50) == 0, "poll times out with nothing ready");
    long ms = elapsed_ms(&start);
    CHECK(ms >= 45 && ms < 2000, "poll waited about 50 ms (%ld)", ms);
    struct delayed_write dw = {.fd = p[1], .delay_us = 30000, .value = 'b', .size = 1};
    pthread_t t;
    pthread_create(&t, NULL, write_later, &dw);
    CHECK(poll(fds, 1, 5000) == 1 && (fds[0].revents & POLLIN), "poll wakes when another thread writes");
    pthread_join(t, NULL);
    read(p[0], &c, 1);

    /* A bad descriptor is POLLNVAL; a negative one is skipped. */
    struct pollfd bad[2] = {{.fd = 999, .events = POLLIN}, {.fd = -1, .events = POLLIN}};
    CHECK(poll(bad, 2, 0) == 1 && bad[0].revents == POLLNVAL && bad[1].revents == 0, "POLLNVAL for a closed fd");
    CHECK_ERRNO(syscall(SYS_poll, (struct pollfd *)8, 1, 0), EFAULT);

    /* Hang-up: the writer closes. */
    int q[2];
    pipe(q);
    close(q[1]);
    struct pollfd h = {.fd = q[0], .events = POLLIN};
    CHECK(poll(&h, 1, 0) == 1 && (h.revents & POLLHUP), "POLLHUP when the write end is closed (%#x)", h.revents);
    close(q[0]);

    /* select. */
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(p[0], &rs);
    FD_SET(p[1], &ws);
    struct timeval tv = {0, 0};
    CHECK(select(p[1] + 1, &rs, &ws, NULL, &tv) == 1 && !FD_ISSET(p[0], &rs) && FD_ISSET(p[1], &ws), "select: write end ready");
    write(p[1], "c", 1);
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    tv.tv_sec = 1;
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rs), "select: read end ready");
    read(p[0], &c, 1);
    FD_ZERO(&rs);
    FD_SET(500, &rs);
    tv.tv_sec = 0;
    CHECK_ERRNO(select(501, &rs, NULL, NULL, &tv), EBADF);
    struct timespec pts = {0, 20 * 1000 * 1000};
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    CHECK(pselect(p[0] + 1, &rs, NULL, NULL, &pts, NULL) == 0, "pselect times out");

    /* epoll, level-triggered: reported while data remains. */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0, "epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "EPOLL_CTL_ADD");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "nothing ready yet");
    write(p[1], "xy", 2);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ull,
          "ready with the user data");
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "level-triggered: still reported");
    read(p[0], &c, 1);
    read(p[0], &c, 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "drained: not reported");

    /* Edge-triggered: once per change. */
    ev.events = EPOLLIN | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "EPOLL_CTL_MOD to edge-triggered");
    write(p[1], "z", 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "edge: reported once");
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "edge: not again without a new write");
    write(p[1], "z", 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "edge: reported after another write");
    read(p[0], &c, 1);
    read(p[0], &c, 1);

    /* One-shot: disabled after one report until re-armed. */
    ev.events = EPOLLIN | EPOLLONESHOT;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    write(p[1], "o", 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "one-shot: reported");
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "one-shot: disabled afterwards");
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "one-shot: re-armed by EPOLL_CTL_MOD");
    read(p[0], &c, 1);

    /* epoll_wait blocks until another thread writes. */
    ev.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    dw.value = 'w';
    pthread_create(&t, NULL, write_later, &dw);
    CHECK(epoll_wait(ep, out, 4, 5000) == 1, "epoll_wait wakes for a write from another thread");
    pthread_join(t, NULL);
    read(p[0], &c, 1);
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK(epoll_wait(ep, out, 4, 30) == 0 && elapsed_ms(&start) >= 25, "epoll_wait times out");

    /* Errors. */
    int file = open("/tmp/events-file", O_CREAT | O_RDWR, 0600);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev), EPERM);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT);
    CHECK_ERRNO(epoll_ctl(file, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    CHECK_ERRNO(epoll_wait(ep, out, 0, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_epoll_create, 0), EINVAL);
    close(file);

    /* Nested epoll: the outer one sees the inner one become ready. */
    int outer = epoll_create1(0);
    struct epoll_event nev = {.events = EPOLLIN, .data.fd = ep};
    CHECK(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &nev) == 0, "an epoll inside an epoll");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, outer, &nev), ELOOP);
    CHECK(epoll_wait(outer, out, 4, 0) == 0, "inner not ready");
    write(p[1], "n", 1);
    CHECK(epoll_wait(outer, out, 4, 0) == 1 && out[0].data.fd == ep, "inner ready shows in the outer");
    read(p[0], &c, 1);
    close(outer);

    /* The item belongs to the open file description: a dup keeps it alive after the
     * registered descriptor is closed, closing the last descriptor removes it. */
    int r[2];
    pipe(r);
    ev.events = EPOLLIN;
    ev.data.fd = r[0];
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "EPOLL_CTL_DEL");
    epoll_ctl(ep, EPOLL_CTL_ADD, r[0], &ev);
    int d = dup(r[0]);
    close(r[0]);
    write(r[1], "q", 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.fd == r[0], "a dup keeps the item");
    close(d);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "closing the last descriptor removed the item");
    close(r[1]);
    close(ep);

    /* eventfd: a counter. */
    int efd = eventfd(3, EFD_NONBLOCK);
    uint64_t v = 0;
    CHECK(read(efd, &v, 8) == 8 && v == 3, "eventfd reads the initial value: %llu", (unsigned long long)v);
    CHECK_ERRNO(read(efd, &v, 8), EAGAIN);
    v = 5;
    write(efd, &v, 8);
    v = 7;
    write(efd, &v, 8);
    CHECK(read(efd, &v, 8) == 8 && v == 12, "writes add up: %llu", (unsigned long long)v);
    CHECK_ERRNO(read(efd, &v, 4), EINVAL);
    v = UINT64_MAX;
    CHECK_ERRNO(write(efd, &v, 8), EINVAL);
    v = 0xfffffffffffffffeull;
    write(efd, &v, 8);
    v = 1;
    CHECK_ERRNO(write(efd, &v, 8), EAGAIN);
    struct pollfd ep1 = {.fd = efd, .events = POLLIN | POLLOUT};
    CHECK(poll(&ep1, 1, 0) == 1 && ep1.revents == POLLIN, "a full counter is readable, not writable (%#x)", ep1.revents);
    close(efd);
    int sem = eventfd(2, EFD_SEMAPHORE);
    CHECK(read(sem, &v, 8) == 8 && v == 1 && read(sem, &v, 8) == 8 && v == 1, "EFD_SEMAPHORE reads one at a time");
    struct delayed_write dv = {.fd = sem, .delay_us = 20000, .value = 1, .size = 8};
    pthread_create(&t, NULL, write_later, &dv);
    CHECK(read(sem, &v, 8) == 8 && v == 1, "a blocking read waits for a write from another thread");
    pthread_join(t, NULL);
    close(sem);

    /* timerfd: periodic expirations counted. */
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(tfd >= 0, "timerfd_create");
    struct itimerspec its = {.it_value = {0, 10000000}, .it_interval = {0, 10000000}};
    CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0, "timerfd_settime");
    uint64_t expirations = 0, total = 0;
    for (int i = 0; i < 3; i++) {
        CHECK(read(tfd, &expirations, 8) == 8 && expirations >= 1, "timerfd read %d: %llu", i, (unsigned long long)expirations);
        total += expirations;
    }
    CHECK(total >= 3, "at least three expirations");
    struct itimerspec cur;
    CHECK(timerfd_gettime(tfd, &cur) == 0 && cur.it_interval.tv_nsec == 10000000, "timerfd_gettime");
    struct itimerspec off = {0};
    timerfd_settime(tfd, 0, &off, NULL);
    fcntl(tfd, F_SETFL, O_NONBLOCK);
    CHECK_ERRNO(read(tfd, &expirations, 8), EAGAIN);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    its.it_interval.tv_nsec = 0;
    its.it_value.tv_sec = now.tv_sec;
    its.it_value.tv_nsec = now.tv_nsec + 20000000;
    if (its.it_value.tv_nsec >= 1000000000) { its.it_value.tv_sec++; its.it_value.tv_nsec -= 1000000000; }
    CHECK(timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0, "absolute timerfd");
    int efd2 = epoll_create1(0);
    struct epoll_event tev = {.events = EPOLLIN, .data.fd = tfd};
    epoll_ctl(efd2, EPOLL_CTL_ADD, tfd, &tev);
    CHECK(epoll_wait(efd2, out, 4, 2000) == 1 && out[0].data.fd == tfd, "epoll sees the timerfd expire");
    CHECK(read(tfd, &expirations, 8) == 8 && expirations == 1, "one expiration");
    CHECK_ERRNO(timerfd_create(12345, 0), EINVAL);
    close(efd2);
    close(tfd);

    /* signalfd: blocked signals read as records. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    CHECK(sfd >= 0, "signalfd");
    struct signalfd_siginfo ssi;
    CHECK_ERRNO(read(sfd, &ssi, sizeof ssi), EAGAIN);
    kill(getpid(), SIGUSR1);
    struct pollfd sp = {.fd = sfd, .events = POLLIN};
    CHECK(poll(&sp, 1, 1000) == 1, "signalfd is readable with a signal pending");
    CHECK(read(sfd, &ssi, sizeof ssi) == sizeof ssi && ssi.ssi_signo == SIGUSR1 && ssi.ssi_pid == (uint32_t)getpid(),
          "the record names SIGUSR1 and the sender (%u, %u)", ssi.ssi_signo, ssi.ssi_pid);
    CHECK_ERRNO(read(sfd, &ssi, 8), EINVAL);
    close(sfd);
    check_anonymous_inodes();

    /* ppoll with a mask that lets a signal in: EINTR after its handler, and the mask is back. */
    signal(SIGUSR1, on_usr1);
    kill(getpid(), SIGUSR1); /* pending, blocked */
    sigset_t empty;
    sigemptyset(&empty);
    struct pollfd none = {.fd = p[0], .events = POLLIN};
    struct timespec long_wait = {5, 0};
    errno = 0;
    CHECK(ppoll(&none, 1, &long_wait, &empty) == -1 && errno == EINTR, "ppoll: EINTR from a signal its mask lets in");
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    CHECK(sigismember(&after, SIGUSR1), "the caller's mask is back after ppoll");

    return check_summary();
}
