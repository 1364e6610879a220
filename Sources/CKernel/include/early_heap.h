#ifndef SKIFF_EARLY_HEAP_H
#define SKIFF_EARLY_HEAP_H
#include <stdint.h>

#define SKIFF_EARLY_HEAP_SIZE (512 * 1024)
extern uint8_t skiff_early_heap_storage[SKIFF_EARLY_HEAP_SIZE];
static inline uintptr_t skiff_early_heap_start(void) { return (uintptr_t)skiff_early_heap_storage; }
static inline uintptr_t skiff_early_heap_end(void) {
    return (uintptr_t)skiff_early_heap_storage + SKIFF_EARLY_HEAP_SIZE;
}
#endif
