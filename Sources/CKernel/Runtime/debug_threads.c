/* The debugger's thread registry (include/debug_threads.h). */
#if defined(SKIFF_KERNEL)
#include "debug_threads.h"

__attribute__((used)) skiff_debug_thread *skiff_debug_threads;
__attribute__((used)) uint32_t skiff_debug_thread_capacity;
__attribute__((used)) uint64_t skiff_debug_percpu[SKIFF_DEBUG_CPU_LIMIT];
#endif
