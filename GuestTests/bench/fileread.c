/* File read throughput: 1, 2 and 4 threads each read the whole file PATH (their own
 * descriptor, 64 KiB reads) PASSES times; reports the total in MiB/s for each thread count.
 * Then the same with a file of each thread's own: four copies of PATH in /tmp (tmpfs on both
 * systems), so the readers share no file at all.
 * Usage: fileread PATH [PASSES] */
#include "bench.h"
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static const char *path;
static long passes;
static long long file_size;

static char copies[4][32];

/* Reads PATH, or the copy numbered by `arg` minus one when it is not NULL. */
static void *reader(void *arg) {
    static __thread char buffer[65536];
    const char *file = arg ? copies[(long)arg - 1] : path;
    for (long p = 0; p < passes; p++) {
        int fd = open(file, O_RDONLY);
        if (fd < 0) bench_fail(file);
        long long total = 0;
        ssize_t n;
        while ((n = read(fd, buffer, sizeof buffer)) > 0) total += n;
        if (n < 0) bench_fail("read");
        if (total != file_size) {
            errno = EIO;
            bench_fail("short read");
        }
        close(fd);
    }
    return NULL;
}

/* Times 1, 2 and 4 readers; `own` gives each its own copy. Reports NAME-Nt. */
static void measure(const char *name, int own) {
    static const int counts[] = {1, 2, 4};
    for (int c = 0; c < 3; c++) {
        pthread_t threads[4];
        long long start = bench_now_ns();
        for (int i = 0; i < counts[c]; i++) {
            if (pthread_create(&threads[i], NULL, reader, own ? (void *)(long)(i + 1) : NULL) != 0) bench_fail("pthread_create");
        }
        for (int i = 0; i < counts[c]; i++) pthread_join(threads[i], NULL);
        double seconds = (double)(bench_now_ns() - start) / 1e9;
        double mib = (double)file_size * passes * counts[c] / (1024.0 * 1024.0);
        char metric[32];
        snprintf(metric, sizeof metric, "%s-%dt", name, counts[c]);
        bench_report(metric, mib / seconds, "MiB/s");
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: fileread PATH [PASSES]\n");
        return 2;
    }
    path = argv[1];
    passes = bench_count(argc, argv, 2, 4);
    int fd = open(path, O_RDONLY);
    if (fd < 0) bench_fail(path);
    file_size = lseek(fd, 0, SEEK_END);
    close(fd);
    reader(NULL);  // warm up: page cache on Linux, first touch of the image on Skiff

    measure("file-read", 0);

    /* The copies, written in 64 KiB pieces and read once each before timing. */
    static char chunk[65536];
    int source = open(path, O_RDONLY);
    if (source < 0) bench_fail(path);
    for (int i = 0; i < 4; i++) {
        snprintf(copies[i], sizeof copies[i], "/tmp/fileread-%d", i);
        int out = open(copies[i], O_CREAT | O_TRUNC | O_WRONLY, 0600);
        if (out < 0) bench_fail(copies[i]);
        ssize_t n;
        lseek(source, 0, SEEK_SET);
        while ((n = read(source, chunk, sizeof chunk)) > 0) {
            if (write(out, chunk, (size_t)n) != n) bench_fail("write");
        }
        if (n < 0 || close(out) != 0) bench_fail("copy");
    }
    close(source);
    measure("file-read-own", 1);
    for (int i = 0; i < 4; i++) unlink(copies[i]);
    return 0;
}
