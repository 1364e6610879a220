/* Resources running out: the application gets an error, the kernel keeps going.
 *
 *   faults oom         in a small VM: populated mappings until ENOMEM, the memory comes back
 *                      when unmapped; a child touching lazily allocated memory past the end dies
 *                      by a signal, not the kernel; descriptors, pipes and fork fail cleanly or
 *                      work while memory is short
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
#define MAX_CHUNKS 4096

static void *chunks[MAX_CHUNKS];

/* Populated 1 MiB mappings until one fails; returns how many succeeded. */
static int fill_memory(int *error) {
    int n = 0;
    *error = 0;
    while (n < MAX_CHUNKS) {
        void *p = mmap(0, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p == MAP_FAILED) {
            *error = errno;
            break;
        }
        ((volatile char *)p)[0] = 1;
        ((volatile char *)p)[CHUNK - 1] = 1;
        chunks[n++] = p;
    }
    return n;
}

static void release(int n) {
    for (int i = 0; i < n; i++) munmap(chunks[i], CHUNK);
}

static int oom(void) {
    int error;
    int first = fill_memory(&error);
    CHECK(error == ENOMEM, "populated mappings end with ENOMEM after %d MiB (errno %d)", first, error);
    CHECK(first > 4 && first < MAX_CHUNKS, "%d MiB before running out", first);

    /* With memory exhausted, kernel objects fail cleanly (or still work). */
    int p[2];
    int r = pipe(p);
    CHECK(r == 0 || errno == ENOMEM || errno == ENFILE || errno == EMFILE, "pipe: %d", r);
    if (r == 0) { close(p[0]); close(p[1]); }
    int fd = open("/tmp/oom-file", O_CREAT | O_RDWR, 0644);
    if (fd >= 0) {
        char page[4096] = {1};
        ssize_t w = write(fd, page, sizeof page);
        CHECK(w == (ssize_t)sizeof page || errno == ENOMEM || errno == ENOSPC, "write to tmpfs: %zd", w);
        close(fd);
        unlink("/tmp/oom-file");
    } else {
        CHECK(errno == ENOMEM || errno == ENOSPC, "open while out of memory");
    }
    pid_t child = fork();
    if (child == 0) _exit(3);
    if (child > 0) {
        int status = 0;
        CHECK(waitpid(child, &status, 0) == child, "reap the child forked while memory is short");
    } else {
        CHECK(errno == ENOMEM || errno == EAGAIN, "fork while out of memory");
    }
    void *big = malloc(64 << 20);
    CHECK(big == 0, "malloc(64 MiB) fails when memory is gone");

    release(first);
    int again = fill_memory(&error);
    CHECK(again >= first - 2, "the memory came back: %d MiB then %d MiB", first, again);
    release(again);

    /* Lazily allocated memory past the end: the child dies, the parent and kernel go on. */
    child = fork();
    if (child == 0) {
        size_t size = (size_t)(first + 64) * CHUNK;
        char *lazy = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (lazy == MAP_FAILED) _exit(4);
        for (size_t i = 0; i < size; i += 4096) lazy[i] = 1;
        _exit(5);
    }
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child, "reap the child that ran out");
    CHECK(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 4),
          "the child touching too much memory is killed by a signal (status %#x)", status);
    int after = fill_memory(&error);
    CHECK(after >= first - 2, "its memory came back too: %d MiB", after);
    release(after);
    printf("faults: out of memory: ENOMEM after %d MiB, memory back after unmap\n", first);
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
