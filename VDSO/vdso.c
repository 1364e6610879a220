/*
 * Skiff's vDSO: clock_gettime, gettimeofday, time, clock_getres and getcpu without entering the
 * kernel. glibc and musl find these through AT_SYSINFO_EHDR, by the names and the LINUX_2.6
 * version Linux's vDSO exports (vdso.map). Clocks the page below does not cover (CPU-time
 * clocks, unknown IDs) and a clock page the kernel marks unusable fall back to the system call,
 * so results never differ from the kernel's.
 *
 * Built freestanding as a position-independent shared object with no relocations (the Makefile
 * checks); the kernel maps its clock page one page below the image (vdso.lds).
 */
#include <stdint.h>
#include "vdso.h"

#define EXPORT __attribute__((visibility("default")))

struct vdso_timespec { long tv_sec; long tv_nsec; };
struct vdso_timeval { long tv_sec; long tv_usec; };
struct vdso_timezone { int tz_minuteswest; int tz_dsttime; };

enum {
    CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
    CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
};
enum { SYS_gettimeofday = 96, SYS_time = 201, SYS_clock_gettime = 228, SYS_clock_getres = 229, SYS_getcpu = 309 };

extern const struct skiff_vdso_data skiff_vvar __attribute__((visibility("hidden")));

static long syscall3(long number, long a, long b, long c) {
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return result;
}

static inline uint64_t read_tsc(void) {
    uint32_t low, high;
    /* LFENCE keeps RDTSC from running ahead of the sequence read before it. */
    __asm__ volatile("lfence; rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t)high << 32 | low;
}

/* Monotonic nanoseconds, plus the wall-clock offset read in the same consistent snapshot;
 * 0 when the kernel says its clock cannot be read from here. */
static int read_clock(uint64_t *monotonic, uint64_t *wall_offset) {
    const volatile struct skiff_vdso_data *data = &skiff_vvar;
    for (;;) {
        uint32_t sequence = data->sequence;
        __asm__ volatile("" ::: "memory");
        if (sequence & 1) continue;
        if (!(data->flags & SKIFF_VDSO_CLOCK_TSC)) return 0;
        uint64_t ticks = read_tsc() - data->boot_tsc;
        unsigned __int128 product = (unsigned __int128)ticks * data->multiplier;
        uint64_t offset = data->wall_offset;
        __asm__ volatile("" ::: "memory");
        if (data->sequence != sequence) continue;
        *monotonic = (uint64_t)(product >> 32);
        *wall_offset = offset;
        return 1;
    }
}

/* Nanoseconds on `clock`, or 0 (with *ok clear) when the system call must answer. */
static uint64_t clock_nanoseconds(int clock, int *ok) {
    uint64_t monotonic, wall;
    *ok = 0;
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE:
        if (!read_clock(&monotonic, &wall)) return 0;
        *ok = 1;
        return wall + monotonic;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
        if (!read_clock(&monotonic, &wall)) return 0;
        *ok = 1;
        return monotonic;
    default:
        return 0;
    }
}

EXPORT int __vdso_clock_gettime(int clock, struct vdso_timespec *ts) {
    int ok;
    uint64_t ns = clock_nanoseconds(clock, &ok);
    if (!ok) return (int)syscall3(SYS_clock_gettime, clock, (long)ts, 0);
    ts->tv_sec = (long)(ns / 1000000000u);
    ts->tv_nsec = (long)(ns % 1000000000u);
    return 0;
}

EXPORT int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz) {
    int ok = 1;
    uint64_t ns = tv ? clock_nanoseconds(CLOCK_REALTIME, &ok) : 0;
    if (!ok) return (int)syscall3(SYS_gettimeofday, (long)tv, (long)tz, 0);
    if (tv) {
        tv->tv_sec = (long)(ns / 1000000000u);
        tv->tv_usec = (long)(ns % 1000000000u / 1000u);
    }
    if (tz) {
        tz->tz_minuteswest = 0;
        tz->tz_dsttime = 0;
    }
    return 0;
}

EXPORT long __vdso_time(long *t) {
    int ok;
    uint64_t ns = clock_nanoseconds(CLOCK_REALTIME, &ok);
    if (!ok) return syscall3(SYS_time, (long)t, 0, 0);
    long seconds = (long)(ns / 1000000000u);
    if (t) *t = seconds;
    return seconds;
}

/* The kernel's resolutions (Kernel/Time/Time.swift): 1 ns, the coarse clocks 4 ms. */
EXPORT int __vdso_clock_getres(int clock, struct vdso_timespec *res) {
    long nanoseconds;
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME: nanoseconds = 1; break;
    case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE: nanoseconds = 4000000; break;
    default: return (int)syscall3(SYS_clock_getres, clock, (long)res, 0);
    }
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = nanoseconds;
    }
    return 0;
}

EXPORT long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache) {
    (void)cache;
    if (!(skiff_vvar.flags & SKIFF_VDSO_GETCPU_RDTSCP)) return syscall3(SYS_getcpu, (long)cpu, (long)node, 0);
    uint32_t low, high, aux;
    __asm__ volatile("rdtscp" : "=a"(low), "=d"(high), "=c"(aux));
    if (cpu) *cpu = aux & 0xfff;
    if (node) *node = aux >> 12;
    return 0;
}

/* The unprefixed names Linux's vDSO also exports. */
EXPORT int clock_gettime(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
EXPORT int gettimeofday(struct vdso_timeval *, struct vdso_timezone *) __attribute__((weak, alias("__vdso_gettimeofday")));
EXPORT long time(long *) __attribute__((weak, alias("__vdso_time")));
EXPORT int clock_getres(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
EXPORT long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
