/* Single x86_64 instructions as inline functions. */
#ifndef SKIFF_X86_H
#define SKIFF_X86_H

#include <stdint.h>

#define SKIFF_INLINE static inline __attribute__((always_inline))

SKIFF_INLINE void x86_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
SKIFF_INLINE void x86_outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
SKIFF_INLINE void x86_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
SKIFF_INLINE uint8_t x86_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
SKIFF_INLINE uint16_t x86_inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
SKIFF_INLINE uint32_t x86_inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

SKIFF_INLINE uint64_t x86_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
SKIFF_INLINE uint64_t x86_rdtscp(uint32_t *aux) {
    uint32_t lo, hi, c;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
    *aux = c;
    return ((uint64_t)hi << 32) | lo;
}
SKIFF_INLINE uint64_t x86_rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
SKIFF_INLINE void x86_wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

typedef struct { uint32_t eax, ebx, ecx, edx; } x86_cpuid_result;
SKIFF_INLINE x86_cpuid_result x86_cpuid(uint32_t leaf, uint32_t subleaf) {
    x86_cpuid_result r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

SKIFF_INLINE uint64_t x86_read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
SKIFF_INLINE uint64_t x86_read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
SKIFF_INLINE uint64_t x86_read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
SKIFF_INLINE uint64_t x86_read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
SKIFF_INLINE void x86_write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
SKIFF_INLINE void x86_write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
SKIFF_INLINE void x86_write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
SKIFF_INLINE void x86_invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
SKIFF_INLINE uint64_t x86_xgetbv(uint32_t index) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}
SKIFF_INLINE void x86_xsetbv(uint32_t index, uint64_t v) {
    __asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

SKIFF_INLINE void x86_cli(void) { __asm__ volatile("cli" ::: "memory"); }
SKIFF_INLINE void x86_sti(void) { __asm__ volatile("sti" ::: "memory"); }
SKIFF_INLINE void x86_hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* `sti; hlt` is atomic with respect to interrupts: the one-instruction shadow after STI. */
SKIFF_INLINE void x86_sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
SKIFF_INLINE void x86_pause(void) { __asm__ volatile("pause" ::: "memory"); }
SKIFF_INLINE void x86_ud2(void) { __asm__ volatile("ud2"); }
SKIFF_INLINE void x86_int3(void) { __asm__ volatile("int3"); }
/* Calls the code at `address` (the SMEP kernel test runs a user page this way). */
SKIFF_INLINE void x86_call(uint64_t address) { ((void (*)(void))(uintptr_t)address)(); }
SKIFF_INLINE void x86_stac(void) { __asm__ volatile("stac" ::: "memory", "cc"); }
SKIFF_INLINE void x86_clac(void) { __asm__ volatile("clac" ::: "memory", "cc"); }
SKIFF_INLINE void x86_mfence(void) { __asm__ volatile("mfence" ::: "memory"); }
SKIFF_INLINE void x86_compiler_barrier(void) { __asm__ volatile("" ::: "memory"); }

SKIFF_INLINE uint64_t x86_read_rflags(void) { uint64_t v; __asm__ volatile("pushfq; popq %0" : "=r"(v)); return v; }
SKIFF_INLINE uint64_t x86_read_rbp(void) { uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }
SKIFF_INLINE uint64_t x86_read_rsp(void) { uint64_t v; __asm__ volatile("mov %%rsp, %0" : "=r"(v)); return v; }
SKIFF_INLINE uint16_t x86_read_cs(void) { uint16_t v; __asm__ volatile("mov %%cs, %0" : "=r"(v)); return v; }

/* Descriptor-table pointer as LGDT/LIDT expect it. */
typedef struct __attribute__((packed)) { uint16_t limit; uint64_t base; } x86_descriptor_pointer;
SKIFF_INLINE void x86_lgdt(uint64_t base, uint16_t limit) {
    x86_descriptor_pointer p = {limit, base};
    __asm__ volatile("lgdt %0" ::"m"(p) : "memory");
}
SKIFF_INLINE void x86_lidt(uint64_t base, uint16_t limit) {
    x86_descriptor_pointer p = {limit, base};
    __asm__ volatile("lidt %0" ::"m"(p) : "memory");
}
SKIFF_INLINE void x86_ltr(uint16_t selector) { __asm__ volatile("ltr %0" ::"r"(selector) : "memory"); }

/* Reload CS with a far return and the data segments after installing a new GDT. */
SKIFF_INLINE void x86_reload_segments(uint16_t code, uint16_t data) {
    __asm__ volatile(
        "pushq %q0\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "mov %w1, %%ds\n\t"
        "mov %w1, %%es\n\t"
        "mov %w1, %%ss\n\t"
        ::"r"((uint64_t)code), "r"(data) : "rax", "memory");
}

/* RDRAND with the architectural retry loop; returns 0 when the CPU gave no value. */
SKIFF_INLINE int x86_rdrand64(uint64_t *out) {
    for (int i = 0; i < 10; i++) {
        unsigned char ok;
        uint64_t v;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        if (ok) { *out = v; return 1; }
    }
    return 0;
}

/* Tests that the FPU/SSE unit works: x87 and SSE arithmetic whose result the caller checks.
 * Used by the accelerator self-check (nested KVM here faults on exactly these instructions). */
uint64_t skiff_fpu_selfcheck(void);
/* The C stack protector's guard (freestanding.c): set once at boot from the entropy pool. */
void skiff_set_stack_guard(uintptr_t value);
void skiff_smash_stack(volatile uint8_t *count);

#endif
