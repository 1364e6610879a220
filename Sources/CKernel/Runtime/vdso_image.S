/*
 * The vDSO (VDSO/vdso.c, linked by the Makefile into build/vdso/vdso.so) inside the kernel's
 * read-only data, on pages of its own: processes map these very pages, so nothing else of the
 * kernel may share them. `make kernel` generates vdso_image.inc (an .incbin of the image and its
 * hash, so a new image rebuilds this file) and puts its folder on the include path.
 */
#if SKIFF_KERNEL
    .section .rodata.skiff_vdso, "a"
    .balign 4096                    /* Toolchain/kernel.ld puts this section first in .rodata */
    .globl skiff_vdso_image_start
skiff_vdso_image_start:
#include "vdso_image.inc"
    .globl skiff_vdso_image_end
skiff_vdso_image_end:
    .balign 4096
#endif
