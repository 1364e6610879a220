/*
 * CKernel: the few things Swift cannot express — single instructions, the trap frame layout
 * shared with the assembly stubs, and linker-provided symbols. Everything here is header-only
 * `static inline` so Swift calls compile to the instruction itself.
 */
#ifndef SKIFF_CKERNEL_H
#define SKIFF_CKERNEL_H

#include "x86.h"
#include "mmio.h"
#include "trap_frame.h"
#include "linker_symbols.h"
#include "cpu_tables.h"
#include "early_heap.h"
#include "percpu.h"
#include "context.h"
#include "smp.h"
#include "tracepoints.h"
#include "debug_threads.h"
#include "vdso.h"

#endif
