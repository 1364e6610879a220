/* Faults that must kill the program with the right signal, never the kernel. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "segv";
    printf("crash: %s\n", what);
    fflush(stdout);
    if (strcmp(what, "segv") == 0) {
        volatile int *p = (int *)0x10;
        *p = 1;
    } else if (strcmp(what, "kernel") == 0) {
        volatile unsigned long *p = (unsigned long *)0x100000; /* the kernel image: supervisor-only */
        return (int)*p;
    } else if (strcmp(what, "ill") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(what, "fpe") == 0) {
        volatile int zero = 0;
        return 10 / zero;
    } else if (strcmp(what, "exec-stack") == 0) {
        unsigned char code[] = {0xc3}; /* ret, on the non-executable stack */
        ((void (*)(void))code)();
    }
    return 0;
}
