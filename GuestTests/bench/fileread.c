/* File read throughput: 1, 2 and 4 threads each read the whole file PATH (their own
 * descriptor, 64 KiB reads) PASSES times; reports the total in MiB/s for each thread count.
 * Usage: fileread PATH [PASSES] */
#include "bench.h"
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static const char *path;
static long passes;
static long long file_size;

static void *reader(void *arg) {
    (void)arg;
    static __thread char buffer[65536];
    for (long p = 0; p < passes; p++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) bench_fail(path);
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

    static const int counts[] = {1, 2, 4};
    for (int c = 0; c < 3; c++) {
        pthread_t threads[4];
        long long start = bench_now_ns();
        for (int i = 0; i < counts[c]; i++) {
            if (pthread_create(&threads[i], NULL, reader, NULL) != 0) bench_fail("pthread_create");
        }
        for (int i = 0; i < counts[c]; i++) pthread_join(threads[i], NULL);
        double seconds = (double)(bench_now_ns() - start) / 1e9;
        double mib = (double)file_size * passes * counts[c] / (1024.0 * 1024.0);
        char name[32];
        snprintf(name, sizeof name, "file-read-%dt", counts[c]);
        bench_report(name, mib / seconds, "MiB/s");
    }
    return 0;
}
