/* Device register and DMA memory access: volatile loads and stores the compiler may neither
 * merge, split, reorder among themselves nor elide. */
#ifndef SKIFF_MMIO_H
#define SKIFF_MMIO_H

#include <stdint.h>
#include "x86.h"

SKIFF_INLINE uint8_t mmio_read8(const void *p) { return *(const volatile uint8_t *)p; }
SKIFF_INLINE uint16_t mmio_read16(const void *p) { return *(const volatile uint16_t *)p; }
SKIFF_INLINE uint32_t mmio_read32(const void *p) { return *(const volatile uint32_t *)p; }
SKIFF_INLINE uint64_t mmio_read64(const void *p) { return *(const volatile uint64_t *)p; }
SKIFF_INLINE void mmio_write8(void *p, uint8_t v) { *(volatile uint8_t *)p = v; }
SKIFF_INLINE void mmio_write16(void *p, uint16_t v) { *(volatile uint16_t *)p = v; }
SKIFF_INLINE void mmio_write32(void *p, uint32_t v) { *(volatile uint32_t *)p = v; }
SKIFF_INLINE void mmio_write64(void *p, uint64_t v) { *(volatile uint64_t *)p = v; }

#endif
