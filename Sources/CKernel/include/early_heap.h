#ifndef SKIFF_EARLY_HEAP_H
#define SKIFF_EARLY_HEAP_H
#include <stdint.h>

/* Boot uses about 5 KiB before the slab heap starts with one CPU and 19 KiB with 255 in the
 * MADT (per-CPU tables are sized from it); the guest test "SMP: 255 CPUs" boots that many.
 * Every byte here is .bss, which must end inside a 3 MiB VM's RAM. */
#define SKIFF_EARLY_HEAP_SIZE (24 * 1024)
extern uint8_t skiff_early_heap_storage[SKIFF_EARLY_HEAP_SIZE];
static inline uintptr_t skiff_early_heap_start(void) { return (uintptr_t)skiff_early_heap_storage; }
static inline uintptr_t skiff_early_heap_end(void) {
    return (uintptr_t)skiff_early_heap_storage + SKIFF_EARLY_HEAP_SIZE;
}
#endif
