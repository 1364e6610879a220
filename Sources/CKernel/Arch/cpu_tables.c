/*
 * Storage for the boot CPU's descriptor tables and the early interrupt stack. Swift fills them in
 * (Sources/Kernel/Arch/x86_64); they live here so their alignment and placement are explicit and
 * no Swift global initializer runs before the IDT exists.
 */
#if defined(SKIFF_KERNEL)

#include <stdint.h>
#include "cpu_tables.h"

uint64_t skiff_idt_storage[512] __attribute__((aligned(4096)));
uint64_t skiff_bsp_gdt_storage[16] __attribute__((aligned(64)));
uint8_t skiff_bsp_tss_storage[128] __attribute__((aligned(64)));
uint8_t skiff_early_ist_stack[SKIFF_EARLY_IST_STACK_SIZE] __attribute__((aligned(4096)));

#endif

#if defined(SKIFF_KERNEL)
/* Keeps the `ksyms` PT_LOAD in the linked image; `skiff dev embed-symbols` replaces its contents
 * with the real symbol table. Zero magic means "no table". */
__attribute__((section(".ksyms"), used, aligned(16))) const unsigned char skiff_ksyms_placeholder[16] = {0};
#endif

#if defined(SKIFF_KERNEL)
#include "percpu.h"
skiff_percpu skiff_bsp_percpu_storage __attribute__((aligned(64)));
#endif
