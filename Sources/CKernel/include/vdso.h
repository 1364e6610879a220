/*
 * The vDSO's contract with the kernel: the clock page the kernel keeps current and every
 * process maps read-only one page below its vDSO (VDSO/vdso.c reads it), and the vDSO image
 * itself, which the kernel carries in its read-only data (Runtime/vdso_image.S).
 */
#ifndef SKIFF_VDSO_H
#define SKIFF_VDSO_H

#include <stdint.h>

/* `flags`: the TSC clock below may be read from user mode. */
#define SKIFF_VDSO_CLOCK_TSC 1u
/* `flags`: IA32_TSC_AUX holds each CPU's number, so RDTSCP answers getcpu. */
#define SKIFF_VDSO_GETCPU_RDTSCP 2u

/*
 * The same clock the kernel reads (Kernel/Time/Clock.swift): monotonic nanoseconds are
 * ((TSC - boot_tsc) * multiplier) >> 32, realtime adds wall_offset. `sequence` is odd while the
 * kernel rewrites the page; a reader retries until it sees the same even value on both sides.
 */
struct skiff_vdso_data {
    uint32_t sequence;
    uint32_t flags;
    uint64_t boot_tsc;
    uint64_t multiplier;
    uint64_t wall_offset;
};

#ifdef SKIFF_KERNEL
extern const uint8_t skiff_vdso_image_start[], skiff_vdso_image_end[];
static inline uintptr_t skiff_vdso_image_address(void) { return (uintptr_t)skiff_vdso_image_start; }
static inline uintptr_t skiff_vdso_image_size(void) {
    return (uintptr_t)skiff_vdso_image_end - (uintptr_t)skiff_vdso_image_start;
}
#endif

#endif
