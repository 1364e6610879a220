/*
 * The handful of C library symbols the Embedded Swift runtime and clang expect. There is no libc in
 * the kernel; these are the whole of it. Compiled with -fno-builtin so clang cannot turn the loops
 * back into calls to themselves.
 */
#if defined(SKIFF_KERNEL)

#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n) {
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n)::"memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    /* Overlap with dst above src: copy backwards. */
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n)::"memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* The stack protector (-fstack-protector-strong with a global guard: the usual %fs:0x28 canary
 * would be the application's TLS in the kernel). The guard is replaced by a random value at
 * boot, before any protected function is on the stack. */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ULL;

void skiff_stack_smashed(void);
__attribute__((noreturn)) void __stack_chk_fail(void) {
    skiff_stack_smashed();
    for (;;) __asm__ volatile("hlt");
}

__attribute__((no_stack_protector)) void skiff_set_stack_guard(uintptr_t value) {
    __stack_chk_guard = value;
}

/* For --kernel-test=stack-protector: writes past the end of a local array, as a buffer overflow
 * in C would; the protector must catch it on return. */
__attribute__((noinline)) void skiff_smash_stack(volatile uint8_t *count) {
    volatile uint8_t buffer[16];
    for (int i = 0; i < *count; i++) buffer[i] = 0x41;
}

/* `free` cannot be defined in Swift (the name is reserved for the runtime); forward it. */
void skiff_heap_free(void *p);
void free(void *p) {
    if (p) skiff_heap_free(p);
}

/* The accelerator self-check: exercise x87 and SSE, the instructions nested KVM fails on. */
uint64_t skiff_fpu_selfcheck(void) {
    uint64_t result = 0;
    static const double seven = 7.0;
    uint32_t out[4] __attribute__((aligned(16)));
    static const uint32_t in[4] __attribute__((aligned(16))) = {1, 2, 3, 4};
    __asm__ volatile(
        "fldl %1\n\t"
        "fistpll %0\n\t"
        : "=m"(result) : "m"(seven));
    __asm__ volatile(
        "movaps %1, %%xmm0\n\t"
        "paddd %%xmm0, %%xmm0\n\t"
        "movaps %%xmm0, %0\n\t"
        : "=m"(out) : "m"(in) : "xmm0", "memory");
    return result * 1000 + out[0] + out[1] + out[2] + out[3]; /* 7 * 1000 + 20 */
}

#endif

#if defined(SKIFF_KERNEL)
/* 128-bit division helpers clang calls for Swift's dividingFullWidth and 128-bit integers. */
typedef unsigned __int128 u128;
typedef __int128 i128;

static u128 udivmod128(u128 n, u128 d, u128 *rem) {
    if (d == 0) {
        __builtin_trap();
    }
    uint64_t nh = (uint64_t)(n >> 64), nl = (uint64_t)n;
    if ((d >> 64) == 0 && nh < (uint64_t)d) {
        /* The common case: one DIV instruction. */
        uint64_t q, r;
        __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(nl), "d"(nh), "r"((uint64_t)d));
        if (rem) *rem = r;
        return q;
    }
    u128 q = 0, r = 0;
    for (int i = 127; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= (u128)1 << i;
        }
    }
    if (rem) *rem = r;
    return q;
}

u128 __udivti3(u128 n, u128 d) { return udivmod128(n, d, 0); }
u128 __umodti3(u128 n, u128 d) { u128 r; udivmod128(n, d, &r); return r; }
i128 __divti3(i128 a, i128 b) {
    int neg = (a < 0) != (b < 0);
    u128 q = udivmod128(a < 0 ? -(u128)a : (u128)a, b < 0 ? -(u128)b : (u128)b, 0);
    return neg ? -(i128)q : (i128)q;
}
i128 __modti3(i128 a, i128 b) {
    u128 r;
    udivmod128(a < 0 ? -(u128)a : (u128)a, b < 0 ? -(u128)b : (u128)b, &r);
    return a < 0 ? -(i128)r : (i128)r;
}
#endif
