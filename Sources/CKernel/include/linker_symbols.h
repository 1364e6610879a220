/* Addresses the linker script (Toolchain/kernel.ld) and the boot code provide. */
#ifndef SKIFF_LINKER_SYMBOLS_H
#define SKIFF_LINKER_SYMBOLS_H

#include <stdint.h>

extern char __kernel_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[], __kernel_end[], __ksyms_start[];
extern char boot_stack_bottom[], boot_stack_top[];
extern char boot_pml4[];
extern uint64_t __smap_sites_start[], __smap_sites_end[];
extern char boot_stack_guard[];

static inline uintptr_t skiff_kernel_start(void) { return (uintptr_t)__kernel_start; }
static inline uintptr_t skiff_text_end(void) { return (uintptr_t)__text_end; }
static inline uintptr_t skiff_rodata_start(void) { return (uintptr_t)__rodata_start; }
static inline uintptr_t skiff_rodata_end(void) { return (uintptr_t)__rodata_end; }
static inline uintptr_t skiff_data_start(void) { return (uintptr_t)__data_start; }
static inline uintptr_t skiff_bss_start(void) { return (uintptr_t)__bss_start; }
static inline uintptr_t skiff_bss_end(void) { return (uintptr_t)__bss_end; }
static inline uintptr_t skiff_kernel_end(void) { return (uintptr_t)__kernel_end; }
static inline uintptr_t skiff_ksyms_start(void) { return (uintptr_t)__ksyms_start; }
static inline uintptr_t skiff_boot_stack_bottom(void) { return (uintptr_t)boot_stack_bottom; }
static inline uintptr_t skiff_boot_stack_top(void) { return (uintptr_t)boot_stack_top; }
static inline uintptr_t skiff_boot_pml4(void) { return (uintptr_t)boot_pml4; }
static inline uint64_t *skiff_smap_sites_start(void) { return __smap_sites_start; }
static inline uint64_t *skiff_smap_sites_end(void) { return __smap_sites_end; }
static inline uintptr_t skiff_boot_stack_guard(void) { return (uintptr_t)boot_stack_guard; }

#endif
