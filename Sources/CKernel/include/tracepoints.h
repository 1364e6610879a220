/* Tracepoint enable bytes. A disabled tracepoint costs one byte load and a predictable branch:
 * Swift calls these inline functions, which compile to `cmpb $0, table(...)` and a jump. The
 * tables are written only at boot (--trace=) and by the monitoring API. */
#ifndef SKIFF_TRACEPOINTS_H
#define SKIFF_TRACEPOINTS_H

#include <stdint.h>

#define SKIFF_TRACE_FIXED_LIMIT 32
#define SKIFF_TRACE_SYSCALL_LIMIT 512

/* Fixed tracepoints by ID (Trace.Tracepoint): nonzero when enabled. */
extern volatile uint8_t skiff_trace_fixed[SKIFF_TRACE_FIXED_LIMIT];
/* Per system call number: bit 0 entry tracepoint enabled, bit 1 exit. */
extern volatile uint8_t skiff_trace_syscalls[SKIFF_TRACE_SYSCALL_LIMIT];

static inline __attribute__((always_inline)) uint8_t skiff_trace_on(uint32_t id) {
    return skiff_trace_fixed[id & (SKIFF_TRACE_FIXED_LIMIT - 1)];
}

static inline __attribute__((always_inline)) uint8_t skiff_trace_syscall_flags(uint64_t number) {
    return number < SKIFF_TRACE_SYSCALL_LIMIT ? skiff_trace_syscalls[number] : 0;
}

static inline void skiff_trace_set_fixed(uint32_t id, uint8_t on) {
    skiff_trace_fixed[id & (SKIFF_TRACE_FIXED_LIMIT - 1)] = on;
}

static inline void skiff_trace_set_syscall(uint32_t number, uint8_t flags) {
    if (number < SKIFF_TRACE_SYSCALL_LIMIT) skiff_trace_syscalls[number] = flags;
}

#endif
