#ifndef SKIFF_CPU_TABLES_H
#define SKIFF_CPU_TABLES_H

#include <stdint.h>

#define SKIFF_IST_COUNT 3
#define SKIFF_IST_STACK_SIZE 16384

extern uint64_t skiff_idt_storage[512];
extern uint64_t skiff_bsp_gdt_storage[16];
extern uint8_t skiff_bsp_tss_storage[128];
extern uint8_t skiff_bsp_ist_stacks[SKIFF_IST_COUNT][SKIFF_IST_STACK_SIZE];

struct skiff_percpu;
extern struct skiff_percpu skiff_bsp_percpu_storage;
static inline struct skiff_percpu *skiff_bsp_percpu(void) { return &skiff_bsp_percpu_storage; }
static inline uint64_t *skiff_idt(void) { return skiff_idt_storage; }
static inline uint64_t *skiff_bsp_gdt(void) { return skiff_bsp_gdt_storage; }
static inline uint8_t *skiff_bsp_tss(void) { return skiff_bsp_tss_storage; }
/* Top of interrupt stack `index` (0-based); stacks grow down. */
static inline uintptr_t skiff_bsp_ist_top(int index) {
    return (uintptr_t)&skiff_bsp_ist_stacks[index][SKIFF_IST_STACK_SIZE];
}

#endif
