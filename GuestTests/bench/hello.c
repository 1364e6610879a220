/* Boot time and memory floor: the first thing it does is print one line, so the host can time
 * QEMU's start to the application's first output. The line carries CLOCK_BOOTTIME as the guest
 * sees it at that moment (Linux starts that clock when its timekeeping starts, a little after
 * the kernel is entered; Skiff starts it at its entry point). */
#include "bench.h"

int main(void) {
    struct timespec t;
    clock_gettime(CLOCK_BOOTTIME, &t);
    printf("bench: boot-clock %.3f ms\n", t.tv_sec * 1e3 + t.tv_nsec / 1e6);
    fflush(stdout);
    return 0;
}
