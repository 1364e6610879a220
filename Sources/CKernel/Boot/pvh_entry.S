/*
 * PVH entry (Xen's HVM direct boot ABI, which QEMU `-kernel`, microvm and Firecracker speak).
 *
 * The loader enters `pvh_start32` in 32-bit protected mode with paging off and %ebx pointing at
 * `struct hvm_start_info`. We record the TSC first (bootchart), zero .bss, build the boot page
 * tables — 0..4 GiB identity-mapped and aliased at the direct map (PML4 slot 224, 0x7000_0000_0000)
 * with 2 MiB pages — switch to long mode and call the Swift `kernel_main(startInfo, entryTSC)`.
 * The memory subsystem replaces these tables with W^X, 4 KiB-granular ones early in boot.
 */
#if defined(SKIFF_KERNEL)

#define CR0_PE   (1 << 0)
#define CR0_MP   (1 << 1)
#define CR0_EM   (1 << 2)
#define CR0_WP   (1 << 16)
#define CR0_PG   (1 << 31)
#define CR4_PAE  (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xC0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define DIRECT_MAP_PML4_SLOT 224
#define LOW_MODULE_BOTTOM 0x21000
#define LOW_MODULE_TOP 0x9f000

    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                 /* name size: "Xen\0" */
    .long 4                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start32

    .section .boot.text, "ax"
    .code32
    .globl pvh_start32
    .type pvh_start32, @function
pvh_start32:
    cli
    cld
    mov %ebx, %esi
    rdtsc
    mov %eax, boot_entry_tsc
    mov %edx, boot_entry_tsc + 4
    mov %esi, boot_start_info

    /* The loader puts the application image (a module) at the top of RAM. In a VM so small
     * that it reaches down into .bss, the zeroing below would wipe it, so such a module moves
     * under 1 MiB first and its list entry is updated. LOW_MODULE_BOTTOM..LOW_MODULE_TOP is RAM
     * that no loader we know uses once it has jumped here: QEMU's option ROM and qboot keep the
     * start info, module list and memory map below it or in the BIOS area, Firecracker its
     * command line at 0x20000. No stack exists yet: registers only. */
    mov 12(%esi), %ecx              /* nr_modules */
    mov 16(%esi), %ebx              /* modlist_paddr (below 4 GiB) */
    shl $5, %ecx                    /* 32-byte entries */
    lea (%ebx,%ecx), %ebp           /* end of the list */
    mov $LOW_MODULE_TOP, %edx       /* each moved module goes just under the previous one */
3:  cmp %ebp, %ebx
    jae 5f
    mov (%ebx), %eax                /* paddr */
    mov 8(%ebx), %ecx               /* size */
    lea (%eax,%ecx), %edi
    cmp $__bss_start, %edi
    jbe 4f                          /* ends below .bss */
    cmp $__bss_end, %eax
    jae 4f                          /* starts above it */
    mov %edx, %edi
    sub %ecx, %edi
    jb 4f                           /* too big to move: the kernel then reports a damaged image */
    and $~0xfff, %edi
    cmp $LOW_MODULE_BOTTOM, %edi
    jb 4f
    mov %edi, %edx
    mov %edi, (%ebx)
    movl $0, 4(%ebx)
    mov %eax, %esi
    rep movsb                       /* the destination is below the source: forward is safe */
4:  add $32, %ebx
    jmp 3b
5:  mov boot_start_info, %esi

    /* Zero .bss (boot stack and page tables live there). */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov $boot_stack_top, %esp

    /* PML4[0] and PML4[224] -> one PDPT whose first four entries cover 0..4 GiB. */
    mov $boot_pdpt, %eax
    or $0x3, %eax
    mov %eax, boot_pml4
    mov %eax, boot_pml4 + DIRECT_MAP_PML4_SLOT * 8
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $12, %eax
    add $boot_pd, %eax
    or $0x3, %eax
    mov %eax, boot_pdpt(,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jne 1b
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                  /* present | writable | 2 MiB */
    mov %eax, boot_pd(,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax
    mov %eax, boot_pd + 4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b

    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    mov %eax, %cr4

    /* EFER: long mode, SYSCALL, and no-execute when the CPU has it (CPUID 0x80000001 EDX.20). */
    mov $0x80000001, %eax
    cpuid
    xor %ebx, %ebx
    bt $20, %edx
    jnc 3f
    mov $EFER_NXE, %ebx
3:  mov $MSR_EFER, %ecx
    rdmsr
    or $(EFER_LME | EFER_SCE), %eax
    or %ebx, %eax
    wrmsr

    mov %cr0, %eax
    and $~CR0_EM, %eax
    or $(CR0_PG | CR0_PE | CR0_MP | CR0_WP), %eax
    mov %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x10, $pvh_start64

    .code64
    .type pvh_start64, @function
pvh_start64:
    mov $0x18, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $boot_stack_top, %rsp
    xor %ebp, %ebp                  /* ends every backtrace */
    fninit
    mov boot_start_info(%rip), %edi
    mov boot_entry_tsc(%rip), %rsi
    call kernel_main
4:  cli
    hlt
    jmp 4b

    .section .rodata.boot_gdt, "a"
    .p2align 4
boot_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* 0x08: 32-bit kernel code (unused) */
    .quad 0x00AF9A000000FFFF        /* 0x10: 64-bit kernel code */
    .quad 0x00CF92000000FFFF        /* 0x18: kernel data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .data.boot, "aw"
    .p2align 3
    .globl boot_entry_tsc, boot_start_info
boot_entry_tsc: .quad 0
boot_start_info: .quad 0

    .section .bss.pagetables, "aw", @nobits
    .p2align 12
    .globl boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096 * 4

    .section .bss.boot_stack, "aw", @nobits
    .p2align 12
    .globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard: .skip 4096        /* unmapped once the kernel page tables are built */
boot_stack_bottom: .skip 32768
boot_stack_top:

#endif
