/* The tracepoint enable tables (include/tracepoints.h). */
#if defined(SKIFF_KERNEL)
#include "tracepoints.h"

volatile uint8_t skiff_trace_fixed[SKIFF_TRACE_FIXED_LIMIT];
volatile uint8_t skiff_trace_syscalls[SKIFF_TRACE_SYSCALL_LIMIT];
#endif
