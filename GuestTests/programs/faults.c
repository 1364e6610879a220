/* Resources running out: the application gets an error, the kernel keeps going.
 *
 *   faults oom         in a small VM: a child touching memory until none is left dies by a
 *                      signal, not the kernel, and its memory comes back; fork of a process
 *                      holding most of memory is ENOMEM (fork copies eagerly); pipes and files
 *                      fail cleanly or work while memory is short
 *   faults tmpfs-full  write /tmp until ENOSPC: nothing written is lost, the space comes back
 *                      after unlink
 */
#define _GNU_SOURCE
#include "../include/check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (1 << 20)

/* Shared with the children: how many MiB they have touched. */
static volatile long *touched;

/* Touches fresh memory 1 MiB at a time, every page, up to `limit` MiB (or until the kernel runs
 * out and the process dies). */
static void touch_memory(long limit) {
    for (*touched = 0; *touched < limit; (*touched)++) {
        char *p = mmap(0, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) _exit(4);
        for (long i = 0; i < CHUNK; i += 4096) p[i] = 1;
    }
}

/* A child touching memory until it dies; returns the MiB it got, or -1. */
static long exhaust(void) {
    pid_t child = fork();
    if (child == 0) {
        touch_memory(1 << 20);
        _exit(5);
    }
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child, "reap the child that ran out");
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          "the child touching too much memory is killed by SIGKILL, as by Linux's OOM killer (status %#x)", status);
    return WIFSIGNALED(status) ? *touched : -1;
}

static int oom(void) {
    touched = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long capacity = exhaust();
    CHECK(capacity > 4, "%ld MiB before running out", capacity);
    long again = exhaust();
    CHECK(again >= capacity - 2, "the memory came back: %ld MiB then %ld MiB", capacity, again);

    /* fork copies private memory eagerly: a process holding most of memory cannot be copied. */
    long held = capacity * 2 / 3;
    char **mine = malloc(sizeof(char *) * (size_t)held);
    for (long m = 0; m < held; m++) {
        mine[m] = mmap(0, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (long i = 0; i < CHUNK; i += 4096) mine[m][i] = 1;
    }
    pid_t child = fork();
    if (child == 0) _exit(3);
    int status = 0;
    if (child > 0) waitpid(child, &status, 0);
    CHECK(child < 0 && errno == ENOMEM, "fork of a process holding %ld of %ld MiB is ENOMEM (pid %d)", held, capacity,
          (int)child);

    for (long m = 0; m < held; m++) munmap(mine[m], CHUNK);
    free(mine);

    /* Nearly all memory held by a child that then waits: kernel objects fail cleanly or work. */
    pid_t filler = fork();
    if (filler == 0) {
        touch_memory(capacity - 1);
        pause();
        _exit(0);
    }
    for (int i = 0; i < 200 && *touched < capacity - 1; i++) usleep(20000);
    int p[2];
    int r = pipe(p);
    CHECK(r == 0 || errno == ENOMEM || errno == ENFILE, "pipe while memory is short: %d", r);
    if (r == 0) {
        CHECK(write(p[1], "x", 1) == 1 || errno == ENOMEM, "write to the pipe");
        close(p[0]);
        close(p[1]);
    }
    int fd = open("/tmp/oom-file", O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0 || errno == ENOMEM || errno == ENOSPC, "open while memory is short");
    if (fd >= 0) {
        static char page[65536];
        ssize_t w = write(fd, page, sizeof page);
        CHECK(w > 0 || errno == ENOMEM || errno == ENOSPC, "write to tmpfs while memory is short: %zd", w);
        close(fd);
        unlink("/tmp/oom-file");
    }
    kill(filler, SIGKILL);
    CHECK(waitpid(filler, &status, 0) == filler && WIFSIGNALED(status), "the filler is killed");
    long after = exhaust();
    CHECK(after >= capacity - 2, "all memory came back: %ld MiB", after);
    printf("faults: out of memory: a child got %ld MiB then died, fork of %ld MiB is ENOMEM, memory comes back\n",
           capacity, held);
    return check_summary();
}

static int tmpfs_full(void) {
    struct statfs sf;
    CHECK(statfs("/tmp", &sf) == 0, "statfs /tmp");
    int fd = open("/tmp/fill", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0, "create /tmp/fill");
    static char block[65536];
    for (size_t i = 0; i < sizeof block; i++) block[i] = (char)(i * 7 + 1);
    long total = 0;
    ssize_t n;
    while ((n = write(fd, block, sizeof block)) > 0) total += n;
    CHECK(n == -1 && errno == ENOSPC, "/tmp fills up with ENOSPC after %ld bytes (n %zd)", total, n);
    CHECK(total > (1 << 20), "%ld bytes fit first", total);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == total, "the file holds all %ld bytes written (size %ld)", total,
          (long)st.st_size);
    char back[100];
    CHECK(pread(fd, back, 100, 0) == 100 && memcmp(back, block, 100) == 0, "the first bytes read back");
    int other = open("/tmp/another", O_CREAT | O_WRONLY, 0644);
    CHECK(other >= 0 || errno == ENOSPC, "a second file: created or ENOSPC");
    if (other >= 0) {
        CHECK_ERRNO(write(other, block, sizeof block), ENOSPC);
        close(other);
        unlink("/tmp/another");
    }
    close(fd);
    CHECK(unlink("/tmp/fill") == 0, "unlink the full file");
    fd = open("/tmp/after", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, block, sizeof block) == (ssize_t)sizeof block, "space is back after unlink");
    close(fd);
    printf("faults: full tmpfs: ENOSPC after %ld bytes, space back after unlink\n", total);
    return check_summary();
}

int main(int argc, char **argv) {
    setvbuf(stdout, 0, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "oom") == 0) return oom();
    if (argc == 2 && strcmp(argv[1], "tmpfs-full") == 0) return tmpfs_full();
    fprintf(stderr, "usage: faults oom|tmpfs-full\n");
    return 2;
}
