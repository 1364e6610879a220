/*
 * SYSCALL entry. The CPU leaves the user RIP in %rcx and RFLAGS in %r11, masks IF (FMASK) and
 * does not switch stacks, so the first instructions swap GS, park the user %rsp in the per-CPU
 * block and load the thread's kernel stack. The frame built here has the same layout as a trap
 * frame (skiff_trap_frame, vector 0x100 marks a syscall), so signal delivery, exec and the
 * scheduler see one kind of saved user context.
 *
 * `skiff_syscall(frame)` returns 0 when SYSRET can return (the common case) or 1 when the frame
 * was changed in a way SYSRET cannot restore (a signal handler, execve, a non-canonical RIP):
 * then the IRET path in trap_entry.S restores every register.
 */
#if defined(SKIFF_KERNEL)
#include "../include/percpu.h"

    .text
    .code64
    .p2align 4
    .globl skiff_syscall_entry
    .type skiff_syscall_entry, @function
skiff_syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK, %rsp
    pushq $0x2B                     /* user SS */
    pushq %gs:PERCPU_USER_RSP       /* user RSP */
    pushq %r11                      /* RFLAGS */
    pushq $0x33                     /* user CS */
    pushq %rcx                      /* RIP */
    pushq $0                        /* error code */
    pushq $0x100                    /* "vector": a system call */
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    xorl %ebp, %ebp                 /* the backtrace stops at the user boundary */
    movq %rsp, %rdi
    cld
    sti
    call skiff_syscall
    cli
    testl %eax, %eax
    jnz skiff_trap_return           /* full restore through IRETQ */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                  /* vector, error code */
    popq %rcx                       /* RIP for SYSRET */
    addq $8, %rsp                   /* CS */
    popq %r11                       /* RFLAGS for SYSRET */
    popq %rsp                       /* user RSP; SS is implied */
    swapgs
    sysretq
    .size skiff_syscall_entry, . - skiff_syscall_entry

/* skiff_return_to_frame(frame): switch to the frame and leave through the trap return path. */
    .globl skiff_return_to_frame
    .type skiff_return_to_frame, @function
skiff_return_to_frame:
    cli
    movq %rdi, %rsp
    jmp skiff_trap_return
    .size skiff_return_to_frame, . - skiff_return_to_frame

#endif
