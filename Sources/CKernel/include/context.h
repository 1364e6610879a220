/* Context switching and FPU state (Arch/context_switch.S). */
#ifndef SKIFF_CONTEXT_H
#define SKIFF_CONTEXT_H
#include <stdint.h>

void skiff_switch_context(uint64_t *save_rsp, uint64_t load_rsp);
void skiff_thread_trampoline(void);
static inline uintptr_t skiff_thread_trampoline_address(void) { return (uintptr_t)skiff_thread_trampoline; }

/* FPU/SSE/AVX state. The area must be 64-byte aligned. */
static inline void x86_fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
static inline void x86_fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }
static inline void x86_xsave(void *area, uint64_t mask) {
    __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}
static inline void x86_xrstor(const void *area, uint64_t mask) {
    __asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}
/* The state a new thread starts with: x87 reset (control word 0x37F) and MXCSR 0x1F80. */
static inline void x86_fpu_reset(void) {
    uint32_t mxcsr = 0x1F80;
    __asm__ volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
}
#endif
