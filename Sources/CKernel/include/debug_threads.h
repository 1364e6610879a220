/* A thread registry for debuggers (Tools/gdb/skiff.py), in plain C layout so a gdb script can
 * read it from raw memory without understanding Swift objects. Written when threads are
 * registered and unregistered, never on the scheduling path. */
#ifndef SKIFF_DEBUG_THREADS_H
#define SKIFF_DEBUG_THREADS_H

#include <stdint.h>

#define SKIFF_DEBUG_CPU_LIMIT 64

typedef struct skiff_debug_thread {
    uint64_t object;          /* the Swift Thread object; 0 marks a free entry (offset 0) */
    uint64_t context_slot;    /* where its kernel %rsp is saved while switched out (offset 8) */
    int32_t tid;              /* Linux TID, 0 for kernel threads (offset 16) */
    int32_t pid;              /* its process, 0 for kernel threads (offset 20) */
    char name[24];            /* NUL-terminated (offset 24) */
} skiff_debug_thread;          /* 48 bytes */

/* Indexed by the scheduler's thread slot; grown on the heap as slots are used (a fixed array
 * would cap what a debugger sees and cost its whole size in every image, even a 3 MiB one). */
extern skiff_debug_thread *skiff_debug_threads;
extern uint32_t skiff_debug_thread_capacity;
/* Per-CPU blocks (skiff_percpu *) by CPU index, 0 for absent CPUs. */
extern uint64_t skiff_debug_percpu[SKIFF_DEBUG_CPU_LIMIT];


/* Accessors: Swift cannot touch C globals directly under strict concurrency. */
static inline skiff_debug_thread *skiff_debug_thread_registry(void) { return skiff_debug_threads; }
static inline uint32_t skiff_debug_thread_registry_capacity(void) { return skiff_debug_thread_capacity; }
static inline void skiff_debug_publish_thread_registry(skiff_debug_thread *entries, uint32_t capacity) {
    skiff_debug_threads = entries;
    skiff_debug_thread_capacity = capacity;
}

static inline void skiff_debug_set_percpu(uint32_t index, uint64_t block) {
    if (index < SKIFF_DEBUG_CPU_LIMIT) skiff_debug_percpu[index] = block;
}

#endif
