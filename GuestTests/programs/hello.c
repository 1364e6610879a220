/* The first program Skiff runs: arguments, environment, stdio and the exit status.
 * `hello sum FILE` prints FILE's size and FNV-1a hash, so the host can check an image's bytes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int print_sum(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return perror(path), 1;
    uint32_t hash = 2166136261u;
    unsigned char buffer[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < n; i++) hash = (hash ^ buffer[i]) * 16777619u;
        total += n;
    }
    close(fd);
    printf("sum %s: %ld bytes, fnv1a %08x\n", path, total, hash);
    return n < 0;
}

int main(int argc, char **argv) {
    printf("hello from %s\n", argv[0]);
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    if (greeting) printf("GREETING=%s\n", greeting);
    fprintf(stderr, "stderr works\n");
    if (argc > 2 && strcmp(argv[1], "exit") == 0) return atoi(argv[2]);
    if (argc > 2 && strcmp(argv[1], "sum") == 0) return print_sum(argv[2]);
    return 0;
}
