/*
 * An in-guest system call fuzzer: random system calls with random and boundary arguments,
 * from a seed, in forked children; then the kernel must still answer.
 *
 *   sysfuzz [-c CALLS] [-k CHILDREN] SEED...
 *
 * For each seed, CHILDREN children (default 16) each make CALLS/CHILDREN calls (default 4000
 * in all) with numbers 0..459 and arguments drawn from: 0, -1, small numbers, boundary values,
 * random 32- and 64-bit values, pointers into a buffer of random bytes, pointers to paths under
 * a scratch directory, descriptors of open files, pipes, sockets and event files, and pointers
 * the kernel must refuse: its own image (0x100000), its direct map (0x7000_0000_0000), the
 * upper half (0xffff800000000000) and unmapped user addresses. A child killed by a signal is
 * fine (it may unmap its own code); one still running after a second is killed. The calls that
 * would legitimately end or escape the test are never made: exit, exit_group, kill/tkill/tgkill,
 * reboot, fork/vfork/clone/clone3 (a fuzzing child would multiply), mount/umount2/pivot_root
 * (they would change the tree for everyone: one file-system namespace) and real-time scheduling
 * (a spinning SCHED_FIFO child could starve the parent). Children's stdin, stdout and stderr
 * are /dev/null; the pipe, sockets and eventfd are non-blocking.
 *
 * Afterwards the parent checks the kernel still answers: getpid, a write to stdout, a file
 * created, written and read back, the program's own file read, a thread created and joined, a child forked
 * and reaped. It prints one summary line per seed and "sysfuzz: the kernel still answers".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SYSCALL 460
#define TIME_LIMIT_NS 1000000000L

static uint64_t rng;

static uint64_t next(void) { /* SplitMix64 */
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n) { return next() % n; }

static int excluded(long n) {
    switch (n) {
    case SYS_exit: case SYS_exit_group: case SYS_kill: case SYS_tkill: case SYS_tgkill: case SYS_reboot:
    case SYS_fork: case SYS_vfork: case SYS_clone: case 435 /* clone3 */:
    case SYS_mount: case SYS_umount2: case SYS_pivot_root:
    case SYS_sched_setscheduler: case SYS_sched_setparam: case SYS_sched_setattr:
    case SYS_rt_sigreturn: /* a forged frame: the child dies, nothing to learn */
        return 1;
    }
    return 0;
}

static unsigned char *buffer;     /* 64 KiB of random bytes */
#define BUFFER_SIZE 65536
static char *paths;               /* NUL-terminated paths, one per 256 bytes */
static const char *path_list[] = {
    "/tmp/sysfuzz/a", "/tmp/sysfuzz/b", "/tmp/sysfuzz/dir", "/tmp/sysfuzz/dir/c", "/tmp/sysfuzz", "/tmp/sysfuzz/sock",
    "/", ".", "", "/proc/self/maps", "/proc/self/fd/0", "/dev/null", "/dev/zero", "/nonexistent/x", "a", "../..",
};
#define PATH_COUNT (sizeof path_list / sizeof path_list[0])
static int fds[16];
static int fd_count;

static uint64_t argument(void) {
    static const uint64_t boundaries[] = {
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
        4095, 4096, 4097, 65536, 1 << 20, 0xfffffffffffff000ULL, (uint64_t)-4096, 255, 256, 1023,
    };
    static const uint64_t refused[] = {
        0x100000, 0x200000, 0x3ff000,                   /* the kernel image */
        0x700000000000ULL, 0x700000100000ULL,           /* the direct map */
        0xffff800000000000ULL, 0xffffffff80000000ULL, 0xfffffffffffffff0ULL,
        0x1000, 0xdead0000, 0x6ffffffff000ULL, 0x7ffffffff000ULL, 0x800000000000ULL, /* unmapped */
    };
    switch (below(14)) {
    case 0: return 0;
    case 1: return (uint64_t)-1;
    case 2: return below(17);
    case 3: return boundaries[below(sizeof boundaries / sizeof boundaries[0])];
    case 4: return (uint32_t)next();
    case 5: return next();
    case 6: case 7: return (uint64_t)(buffer + below(BUFFER_SIZE));
    case 8: return (uint64_t)buffer;
    case 9: return (uint64_t)(paths + 256 * below(PATH_COUNT));
    case 10: return refused[below(sizeof refused / sizeof refused[0])];
    case 11: case 12: return fd_count ? (uint64_t)fds[below(fd_count)] : 0;
    default: return (uint64_t)(buffer + BUFFER_SIZE - below(64)); /* runs off the end */
    }
}

/* What a child reports to the parent, in memory they share. */
struct progress {
    volatile long calls;
    volatile long current;
};

static void fuzz(uint64_t seed, int calls, struct progress *progress) {
    rng = seed;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0); /* the console is stdin too */
        dup2(null, 1);
        dup2(null, 2);
    }
    for (int i = 0; i < calls; i++) {
        long n;
        do n = (long)below(MAX_SYSCALL); while (excluded(n));
        uint64_t a[6];
        for (int j = 0; j < 6; j++) a[j] = argument();
        /* Refresh some random bytes now and then: earlier calls may have written there. */
        if (below(8) == 0) for (int j = 0; j < 64; j++) buffer[below(BUFFER_SIZE)] = (unsigned char)next();
        progress->current = n;
        syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
        progress->calls = i + 1;
    }
    _exit(0);
}

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *thread_main(void *arg) { return (void *)((long)arg * 2); }

static int still_answers(pid_t pid, const char *program) {
    int ok = 1;
    if (getpid() != pid) { printf("sysfuzz: getpid changed\n"); ok = 0; }
    const char line[] = "sysfuzz: writing to stdout\n";
    if (write(1, line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) ok = 0;
    int fd = open("/tmp/sysfuzz-check", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char back[6] = {0};
    if (fd < 0 || write(fd, "check", 5) != 5 || pread(fd, back, 5, 0) != 5 || strcmp(back, "check") != 0) {
        printf("sysfuzz: a file cannot be written and read back (errno %d)\n", errno);
        ok = 0;
    }
    if (fd >= 0) close(fd);
    char magic[4] = {0};
    fd = open(program, O_RDONLY);
    if (fd < 0 || read(fd, magic, 4) != 4 || memcmp(magic, "\177ELF", 4) != 0) {
        printf("sysfuzz: the program's own file %s is unreadable (errno %d)\n", program, errno);
        ok = 0;
    }
    if (fd >= 0) close(fd);
    pthread_t t;
    void *result = 0;
    if (pthread_create(&t, 0, thread_main, (void *)21) != 0 || pthread_join(t, &result) != 0 || (long)result != 42) {
        printf("sysfuzz: a thread cannot be created and joined\n");
        ok = 0;
    }
    pid_t child = fork();
    if (child == 0) _exit(7);
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 7) {
        printf("sysfuzz: a child cannot be forked and reaped\n");
        ok = 0;
    }
    return ok;
}

int main(int argc, char **argv) {
    int total_calls = 4000, children = 16, first = 1;
    while (first + 1 < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "-c") == 0) total_calls = atoi(argv[first + 1]);
        else if (strcmp(argv[first], "-k") == 0) children = atoi(argv[first + 1]);
        first += 2;
    }
    if (first >= argc || children < 1) {
        fprintf(stderr, "usage: sysfuzz [-c CALLS] [-k CHILDREN] SEED...\n");
        return 2;
    }
    setvbuf(stdout, 0, _IONBF, 0);
    pid_t self = getpid();
    mkdir("/tmp/sysfuzz", 0755);
    mkdir("/tmp/sysfuzz/dir", 0755);
    buffer = mmap(0, BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    paths = mmap(0, 256 * PATH_COUNT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct progress *progress = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (buffer == MAP_FAILED || paths == MAP_FAILED || progress == MAP_FAILED) { perror("mmap"); return 1; }
    for (unsigned i = 0; i < PATH_COUNT; i++) strcpy(paths + 256 * i, path_list[i]);
    /* Descriptors for the calls to use: a file, a directory, a pipe, sockets, an eventfd. */
    int p[2], s[2];
    fds[fd_count++] = open("/tmp/sysfuzz/a", O_CREAT | O_RDWR, 0644);
    fds[fd_count++] = open("/tmp/sysfuzz", O_RDONLY | O_DIRECTORY);
    if (pipe(p) == 0) { fds[fd_count++] = p[0]; fds[fd_count++] = p[1]; }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0) { fds[fd_count++] = s[0]; fds[fd_count++] = s[1]; }
    fds[fd_count++] = socket(AF_INET, SOCK_DGRAM, 0);
    fds[fd_count++] = socket(AF_INET6, SOCK_STREAM, 0);
    fds[fd_count++] = eventfd(0, 0);
    fds[fd_count++] = 0;
    fds[fd_count++] = 1;
    fds[fd_count++] = 1000;
    /* Non-blocking, so more calls do something than wait for the time limit. */
    for (int i = 2; i < fd_count - 3; i++) fcntl(fds[i], F_SETFL, O_NONBLOCK);

    int ok = 1;
    for (int a = first; a < argc; a++) {
        uint64_t seed = strtoull(argv[a], 0, 0);
        rng = seed;
        for (int i = 0; i < BUFFER_SIZE; i++) buffer[i] = (unsigned char)next();
        long calls = 0;
        int exited = 0, signalled = 0, timed_out = 0;
        for (int c = 0; c < children; c++) {
            progress->calls = 0;
            progress->current = -1;
            pid_t child = fork();
            if (child < 0) { printf("sysfuzz: fork failed (errno %d)\n", errno); ok = 0; break; }
            if (child == 0) fuzz(seed * 1000003 + (uint64_t)c, total_calls / children, progress);
            long start = now_ns();
            int status = 0, killed = 0;
            for (;;) {
                pid_t r = waitpid(child, &status, WNOHANG);
                if (r == child) break;
                if (r < 0) { printf("sysfuzz: waitpid failed (errno %d)\n", errno); ok = 0; break; }
                if (!killed && now_ns() - start > TIME_LIMIT_NS) {
                    kill(child, SIGKILL);
                    killed = 1;
                    timed_out++;
                }
                if (now_ns() - start > 20 * TIME_LIMIT_NS) {
                    printf("sysfuzz: child %d (seed %llu) survives SIGKILL in syscall %ld\n", c,
                           (unsigned long long)seed, progress->current);
                    return 1;
                }
                struct timespec pause = {0, 2000000};
                nanosleep(&pause, 0);
            }
            calls += progress->calls;
            if (killed) continue;
            if (WIFEXITED(status)) exited++;
            else if (WIFSIGNALED(status)) signalled++;
        }
        printf("sysfuzz: seed %llu: %ld calls in %d children: %d exited, %d killed by a signal, %d stopped after %ld s\n",
               (unsigned long long)seed, calls, children, exited, signalled, timed_out, TIME_LIMIT_NS / 1000000000L);
    }
    if (still_answers(self, argv[0]) && ok) {
        printf("sysfuzz: the kernel still answers\n");
        return 0;
    }
    return 1;
}
