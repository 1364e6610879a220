#ifndef SKIFF_EARLY_HEAP_H
#define SKIFF_EARLY_HEAP_H
#include <stdint.h>

/* Boot uses about 5 KiB before the slab heap starts (more with many CPUs in the MADT). */
#define SKIFF_EARLY_HEAP_SIZE (32 * 1024)
extern uint8_t skiff_early_heap_storage[SKIFF_EARLY_HEAP_SIZE];
static inline uintptr_t skiff_early_heap_start(void) { return (uintptr_t)skiff_early_heap_storage; }
static inline uintptr_t skiff_early_heap_end(void) {
    return (uintptr_t)skiff_early_heap_storage + SKIFF_EARLY_HEAP_SIZE;
}
#endif
