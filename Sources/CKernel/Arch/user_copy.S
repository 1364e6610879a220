/*
 * Copies between kernel and user memory. The kernel never dereferences a user pointer directly:
 * it validates the range (below the user limit, no wrap-around) and copies through these, with
 * SMAP lifted only for the copy itself. A page fault inside the marked ranges that demand paging
 * cannot resolve makes the fault handler resume at the fixup, so a bad pointer becomes EFAULT
 * instead of a kernel panic.
 */
#if defined(SKIFF_KERNEL)

/* STAC/CLAC fault on CPUs without SMAP; every site is recorded so boot can patch them to NOPs. */
.macro STAC
771: stac
    .pushsection .smap_sites, "a"
    .quad 771b
    .popsection
.endm
.macro CLAC
772: clac
    .pushsection .smap_sites, "a"
    .quad 772b
    .popsection
.endm

    .text
    .code64

/* uint64_t skiff_user_copy(void *dst, const void *src, uint64_t length): bytes not copied. */
    .p2align 4
    .globl skiff_user_copy, skiff_user_copy_fault_start, skiff_user_copy_fault_end, skiff_user_copy_fixup
    .type skiff_user_copy, @function
skiff_user_copy:
    movq %rdx, %rcx
    STAC
skiff_user_copy_fault_start:
    rep movsb
skiff_user_copy_fault_end:
    CLAC
    xorl %eax, %eax
    ret
skiff_user_copy_fixup:
    CLAC
    movq %rcx, %rax
    ret
    .size skiff_user_copy, . - skiff_user_copy

/* int64_t skiff_user_strncpy(void *dst, const void *src, uint64_t max) */
    .p2align 4
    .globl skiff_user_strncpy, skiff_user_strncpy_fault_start, skiff_user_strncpy_fault_end, skiff_user_strncpy_fixup
    .type skiff_user_strncpy, @function
skiff_user_strncpy:
    xorl %eax, %eax
    STAC
1:  cmpq %rdx, %rax
    jae 3f
skiff_user_strncpy_fault_start:
    movb (%rsi,%rax), %cl
skiff_user_strncpy_fault_end:
    movb %cl, (%rdi,%rax)
    testb %cl, %cl
    jz 2f
    incq %rax
    jmp 1b
2:  CLAC                            /* found the NUL: length excludes it */
    ret
3:  CLAC                            /* no NUL within max bytes */
    ret
skiff_user_strncpy_fixup:
    CLAC
    movq $-1, %rax
    ret
    .size skiff_user_strncpy, . - skiff_user_strncpy

/* int skiff_user_cmpxchg32(uint32_t *address, uint32_t *expected, uint32_t desired): LOCK CMPXCHG
 * on a user word (PI futexes change it as user space does). 0 with *expected holding the old
 * value (the exchange happened when it equals what was expected), -1 on a fault. */
    .p2align 4
    .globl skiff_user_cmpxchg32, skiff_user_cmpxchg_fault_start, skiff_user_cmpxchg_fault_end, skiff_user_cmpxchg_fixup
    .type skiff_user_cmpxchg32, @function
skiff_user_cmpxchg32:
    movl (%rsi), %eax
    STAC
skiff_user_cmpxchg_fault_start:
    lock cmpxchgl %edx, (%rdi)
skiff_user_cmpxchg_fault_end:
    CLAC
    movl %eax, (%rsi)
    xorl %eax, %eax
    ret
skiff_user_cmpxchg_fixup:
    CLAC
    movl $-1, %eax
    ret
    .size skiff_user_cmpxchg32, . - skiff_user_cmpxchg32

#endif
