/*
 * The arena the Swift runtime allocates from before the page allocator exists. The kernel heap
 * takes over once memory is initialized; blocks from here are never returned.
 */
#if defined(SKIFF_KERNEL)
#include <stdint.h>
#include "early_heap.h"

uint8_t skiff_early_heap_storage[SKIFF_EARLY_HEAP_SIZE] __attribute__((aligned(4096)));
#endif
