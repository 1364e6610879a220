/* Application-processor start-up (Boot/ap_trampoline.S). */
#ifndef SKIFF_SMP_H
#define SKIFF_SMP_H
#include <stdint.h>

#define SKIFF_AP_TRAMPOLINE_BASE 0x8000

typedef struct {
    uint64_t cr3;
    uint64_t stack;
    uint64_t entry;
    uint32_t cpu;
    uint32_t efer_extra;
} skiff_ap_params;

extern char skiff_ap_trampoline_start[], skiff_ap_trampoline_end[], skiff_ap_trampoline_params[];
static inline uintptr_t skiff_ap_trampoline_code(void) { return (uintptr_t)skiff_ap_trampoline_start; }
static inline uint64_t skiff_ap_trampoline_size(void) {
    return (uint64_t)(skiff_ap_trampoline_end - skiff_ap_trampoline_start);
}
static inline uint64_t skiff_ap_params_offset(void) {
    return (uint64_t)(skiff_ap_trampoline_params - skiff_ap_trampoline_start);
}
void skiff_ap_main(uint32_t cpu);
static inline uintptr_t skiff_ap_main_address(void) { return (uintptr_t)skiff_ap_main; }
#endif
