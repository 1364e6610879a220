/* The register frame the trap stubs (Arch/trap_entry.S) build on the stack. */
#ifndef SKIFF_TRAP_FRAME_H
#define SKIFF_TRAP_FRAME_H

#include <stdint.h>

typedef struct skiff_trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* Pushed by the CPU. */
    uint64_t rip, cs, rflags, rsp, ss;
} skiff_trap_frame;

/* Address of the entry stub for each of the 256 vectors. */
extern const uint64_t skiff_trap_stubs[256];

#endif
