#ifndef SKIFF_CPU_TABLES_H
#define SKIFF_CPU_TABLES_H

#include <stdint.h>

/* One small stack for all three IST slots until the page allocator can give each its own
 * guarded kernel stack: it only has to carry a panic report during early boot, and keeping it
 * small keeps the kernel's end low enough for a 3 MiB VM. */
#define SKIFF_EARLY_IST_STACK_SIZE 8192

extern uint64_t skiff_idt_storage[512];
extern uint64_t skiff_bsp_gdt_storage[16];
extern uint8_t skiff_bsp_tss_storage[128];
extern uint8_t skiff_early_ist_stack[SKIFF_EARLY_IST_STACK_SIZE];

struct skiff_percpu;
extern struct skiff_percpu skiff_bsp_percpu_storage;
static inline struct skiff_percpu *skiff_bsp_percpu(void) { return &skiff_bsp_percpu_storage; }
static inline uint64_t *skiff_idt(void) { return skiff_idt_storage; }
static inline uint64_t *skiff_bsp_gdt(void) { return skiff_bsp_gdt_storage; }
static inline uint8_t *skiff_bsp_tss(void) { return skiff_bsp_tss_storage; }
/* Top of the early interrupt stack; stacks grow down. */
static inline uintptr_t skiff_early_ist_top(void) {
    return (uintptr_t)&skiff_early_ist_stack[SKIFF_EARLY_IST_STACK_SIZE];
}

#endif
