/* Minimal test framework for guest programs: CHECK counts and reports; the program ends with
 * "N passed, M failed" and exits non-zero when anything failed. */
#ifndef SKIFF_CHECK_H
#define SKIFF_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (cond) {                                                               \
            check_passed++;                                                       \
        } else {                                                                  \
            check_failed++;                                                       \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                \
            printf(__VA_ARGS__);                                                  \
            printf(" (errno %d %s)\n", errno, strerror(errno));                   \
        }                                                                         \
    } while (0)

/* A system call expected to fail with `err`. */
#define CHECK_ERRNO(call, err)                                                    \
    do {                                                                          \
        errno = 0;                                                                \
        long check_r = (long)(call);                                              \
        CHECK(check_r == -1 && errno == (err), "%s returned %ld, expected errno %d", #call, check_r, (err)); \
    } while (0)

static inline int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    fflush(stdout);
    return check_failed ? 1 : 0;
}
#endif
