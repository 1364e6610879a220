/*
 * Kernel context switch. Only the callee-saved registers need saving: the switch is an ordinary
 * function call from the scheduler, so everything else is already saved by the caller (and the
 * user context of an application thread is in its trap frame on its kernel stack).
 *
 *   void skiff_switch_context(uint64_t *save_rsp, uint64_t load_rsp)
 *
 * A new thread's stack is prepared to "return" into skiff_thread_trampoline, which calls the
 * Swift `skiff_thread_start()` with interrupts still disabled from the scheduler.
 */
#if defined(SKIFF_KERNEL)
    .text
    .code64
    .p2align 4
    .globl skiff_switch_context
    .type skiff_switch_context, @function
skiff_switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size skiff_switch_context, . - skiff_switch_context

    .p2align 4
    .globl skiff_thread_trampoline
    .type skiff_thread_trampoline, @function
skiff_thread_trampoline:
    xorl %ebp, %ebp                 /* ends backtraces of the new thread */
    call skiff_thread_start
    ud2
    .size skiff_thread_trampoline, . - skiff_thread_trampoline
#endif
