/*
 * Application-processor start-up. The boot CPU copies this code to a page below 1 MiB (its
 * STARTUP IPI vector is that page number) and fills in the parameter block at its end. The AP
 * starts in 16-bit real mode at the beginning of the page, switches to protected mode, enables
 * long mode on the boot page tables (they live in the kernel image below 4 MiB, so a 32-bit
 * CR3 reaches them), then loads the kernel's real CR3 and stack and calls
 * `skiff_ap_main(cpuIndex)`.
 *
 * Everything is addressed relative to the page the code runs in (TRAMPOLINE_BASE).
 */
#if defined(SKIFF_KERNEL)

#define TRAMPOLINE_BASE 0x8000
#define REL(x) (TRAMPOLINE_BASE + (x) - skiff_ap_trampoline_start)

    .section .rodata.ap_trampoline, "a"
    .globl skiff_ap_trampoline_start, skiff_ap_trampoline_end, skiff_ap_trampoline_params
    .code16
skiff_ap_trampoline_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl REL(ap_gdt_pointer)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $REL(ap_protected)

    .code32
ap_protected:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax    /* PAE, OSFXSR, OSXMMEXCPT */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx                          /* EFER: LME | SCE, and NXE when supported */
    rdmsr
    orl $((1 << 8) | (1 << 0)), %eax
    orl REL(ap_param_efer_extra), %eax
    wrmsr
    movl %cr0, %eax
    andl $~(1 << 2), %eax                           /* EM off */
    orl $((1 << 31) | (1 << 16) | (1 << 1)), %eax   /* PG, WP, MP */
    movl %eax, %cr0
    ljmpl $0x18, $REL(ap_long)

    .code64
ap_long:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    /* This page is not mapped in the kernel's own page tables: continue in kernel text, which
     * is identity-mapped in both, before switching CR3. */
    movl REL(ap_param_cpu), %edi
    movq REL(ap_param_cr3), %rsi
    movq REL(ap_param_stack), %rdx
    movq REL(ap_param_entry), %rcx
    movabsq $skiff_ap_entry64, %rax
    jmpq *%rax

    .p2align 3
ap_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF                        /* 0x08: 32-bit code */
    .quad 0x00CF92000000FFFF                        /* 0x10: data */
    .quad 0x00AF9A000000FFFF                        /* 0x18: 64-bit code */
ap_gdt_end:
ap_gdt_pointer:
    .word ap_gdt_end - ap_gdt - 1
    .long REL(ap_gdt)

    .p2align 3
skiff_ap_trampoline_params:
ap_param_cr3:        .quad 0
ap_param_stack:      .quad 0
ap_param_entry:      .quad 0
ap_param_cpu:        .long 0
ap_param_efer_extra: .long 0
skiff_ap_trampoline_end:

    .text
    .code64
    .p2align 4
    .type skiff_ap_entry64, @function
skiff_ap_entry64:
    movq %rsi, %cr3
    movq %rdx, %rsp
    xorl %ebp, %ebp
    fninit
    callq *%rcx
2:  cli
    hlt
    jmp 2b
    .size skiff_ap_entry64, . - skiff_ap_entry64

#endif
