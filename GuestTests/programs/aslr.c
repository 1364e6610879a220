/* Address-space layout randomisation: the program re-executes itself three times, passing on
 * where its code, stack, heap and an mmap landed each time, then counts the distinct values.
 * With ASLR every execution of a PIE differs; a non-PIE keeps its code where it was linked;
 * with --no-aslr nothing moves. Prints "aslr: code N stack N heap N mmap N" (N of 4). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#define RUNS 4

static int distinct(uintptr_t *values, int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= values[j] == values[i];
        count += !seen;
    }
    return count;
}

int main(int argc, char **argv) {
    /* The stack's top page: AT_RANDOM's 16 bytes end just below it (8 bytes are kept free at
     * the very top). Local variables would move with the growing argument list. */
    uintptr_t stack_top = (getauxval(AT_RANDOM) + 16 + 8 + 4095) & ~(uintptr_t)4095;
    void *heap = malloc(16);
    void *area = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char here[128];
    snprintf(here, sizeof here, "%lx,%lx,%lx,%lx", (unsigned long)(uintptr_t)&main, (unsigned long)stack_top,
             (unsigned long)(uintptr_t)sbrk(0), (unsigned long)(uintptr_t)area);
    (void)heap;
    if (argc < RUNS) {
        char *next[RUNS + 2];
        for (int i = 0; i < argc; i++) next[i] = argv[i];
        next[argc] = here;
        next[argc + 1] = NULL;
        execv(argv[0], next);
        perror("execv");
        return 1;
    }
    uintptr_t seen[4][RUNS];
    for (int run = 0; run < RUNS; run++) {
        const char *text = run == RUNS - 1 ? here : argv[run + 1];
        unsigned long v[4];
        if (sscanf(text, "%lx,%lx,%lx,%lx", &v[0], &v[1], &v[2], &v[3]) != 4) return 2;
        for (int k = 0; k < 4; k++) seen[k][run] = v[k];
        printf("run %d: code %lx stack %lx heap %lx mmap %lx\n", run, v[0], v[1], v[2], v[3]);
    }
    printf("aslr: code %d stack %d heap %d mmap %d\n", distinct(seen[0], RUNS), distinct(seen[1], RUNS),
           distinct(seen[2], RUNS), distinct(seen[3], RUNS));
    return 0;
}
