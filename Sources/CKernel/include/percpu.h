/* The per-CPU block GS points at in kernel mode. The assembly entry paths use the offsets. */
#ifndef SKIFF_PERCPU_H
#define SKIFF_PERCPU_H

#define PERCPU_SELF 0
#define PERCPU_KERNEL_STACK 8
#define PERCPU_USER_RSP 16
#define PERCPU_CURRENT_THREAD 24
#define PERCPU_CPU_INDEX 32
#define PERCPU_SYSCALLS 40

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef struct skiff_percpu {
    struct skiff_percpu *self_pointer;
    uint64_t kernel_stack_top;   /* loaded by SYSCALL entry; same value as TSS.RSP0 */
    uint64_t user_rsp;           /* scratch for SYSCALL entry */
    uint64_t current_thread;     /* opaque to C */
    uint32_t cpu_index;
    uint32_t reserved;
    uint64_t syscalls;           /* system calls entered on this CPU (monitoring) */
} skiff_percpu;

#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define MSR_TSC_AUX 0xC0000103
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_FMASK 0xC0000084

static inline skiff_percpu *skiff_this_cpu(void) {
    skiff_percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

/* The running thread and this CPU's index, each read with one GS-relative instruction. Reading
 * `skiff_this_cpu()` and then a field through it is two steps: a thread preempted between them
 * and resumed on another CPU reads the old CPU's field, for instance that CPU's idle thread as
 * "the current thread" in the middle of a system call. */
static inline __attribute__((always_inline)) uint64_t skiff_percpu_current_thread(void) {
    uint64_t thread;
    __asm__ volatile("movq %%gs:24, %0" : "=r"(thread));
    return thread;
}

static inline __attribute__((always_inline)) void skiff_percpu_set_current_thread(uint64_t thread) {
    __asm__ volatile("movq %0, %%gs:24" ::"r"(thread) : "memory");
}

static inline __attribute__((always_inline)) uint32_t skiff_percpu_cpu_index(void) {
    uint32_t index;
    __asm__ volatile("movl %%gs:32, %0" : "=r"(index));
    return index;
}

/* Counts a system call on this CPU: one instruction, so an interrupt cannot split it. */
static inline __attribute__((always_inline)) void skiff_percpu_count_syscall(void) {
    __asm__ volatile("incq %%gs:40" ::: "memory");
}

/* Entry points in Arch/syscall_entry.S. */
void skiff_syscall_entry(void);
/* Returns to the context in the trap frame at `frame` (user or kernel) through IRETQ. */
void skiff_return_to_frame(void *frame) __attribute__((noreturn));

/* Fault-tolerant user copies (Arch/user_copy.S). They run with SMAP temporarily lifted and return
 * the number of bytes NOT copied: 0 on success. A fault inside them resumes at a fixup. */
uint64_t skiff_user_copy(void *dst, const void *src, uint64_t length);
/* Copies a NUL-terminated string of at most `max` bytes (including the NUL); returns its length
 * without the NUL, `max` when no NUL was found within it, or -1 on a fault. */
int64_t skiff_user_strncpy(void *dst, const void *src, uint64_t max);
extern char skiff_user_copy_fault_start[], skiff_user_copy_fault_end[];
extern char skiff_user_copy_fixup[], skiff_user_strncpy_fixup[];
extern char skiff_user_strncpy_fault_start[], skiff_user_strncpy_fault_end[];
static inline uintptr_t skiff_user_copy_range_start(void) { return (uintptr_t)skiff_user_copy_fault_start; }
static inline uintptr_t skiff_user_copy_range_end(void) { return (uintptr_t)skiff_user_copy_fault_end; }
static inline uintptr_t skiff_user_copy_fixup_address(void) { return (uintptr_t)skiff_user_copy_fixup; }
static inline uintptr_t skiff_user_strncpy_range_start(void) { return (uintptr_t)skiff_user_strncpy_fault_start; }
static inline uintptr_t skiff_user_strncpy_range_end(void) { return (uintptr_t)skiff_user_strncpy_fault_end; }
static inline uintptr_t skiff_user_strncpy_fixup_address(void) { return (uintptr_t)skiff_user_strncpy_fixup; }
int skiff_user_cmpxchg32(uint32_t *address, uint32_t *expected, uint32_t desired);
extern char skiff_user_cmpxchg_fault_start[], skiff_user_cmpxchg_fault_end[], skiff_user_cmpxchg_fixup[];
static inline uintptr_t skiff_user_cmpxchg_range_start(void) { return (uintptr_t)skiff_user_cmpxchg_fault_start; }
static inline uintptr_t skiff_user_cmpxchg_range_end(void) { return (uintptr_t)skiff_user_cmpxchg_fault_end; }
static inline uintptr_t skiff_user_cmpxchg_fixup_address(void) { return (uintptr_t)skiff_user_cmpxchg_fixup; }
static inline uintptr_t skiff_syscall_entry_address(void) { return (uintptr_t)skiff_syscall_entry; }

#endif /* __ASSEMBLER__ */
#endif
