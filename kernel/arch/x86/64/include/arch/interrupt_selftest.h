/*
 * A boot-time proof that interrupts reach the CPU the way the platform layer programs them: the
 * LAPIC timer (periodic and one-shot, against its TSC calibration), a self-IPI, and an ISA IRQ
 * (PIT channel 0) routed through the MADT overrides and an IOAPIC. Runs only when the command
 * line asks for it ("platform_selftest"), under a temporary IDT of its own that it removes again;
 * the kernel core's IDT is installed later and never sees it.
 */
#ifndef ARCH_INTERRUPT_SELFTEST_H
#define ARCH_INTERRUPT_SELFTEST_H

#include <arch/platform_error.h>
#include <stdint.h>

typedef struct {
    uint32_t periodic_ticks;     /* LAPIC timer interrupts counted */
    uint64_t periodic_period_ns; /* measured mean period (asked: INTERRUPT_SELFTEST_PERIOD_NS) */
    uint64_t oneshot_delay_ns;   /* measured delay of the one-shot (asked: ..._ONESHOT_NS) */
    uint32_t ipi_count;          /* self-IPIs received (sent: 1) */
    uint32_t isa_gsi;            /* GSI of ISA IRQ 0 after the MADT overrides */
    uint32_t isa_ticks;          /* PIT interrupts through the IOAPIC */
    uint64_t isa_period_ns;      /* their measured mean period (programmed: 1 ms) */
} interrupt_selftest_result_t;

#define INTERRUPT_SELFTEST_PERIOD_NS  1000000ull
#define INTERRUPT_SELFTEST_ONESHOT_NS 3000000ull
#define INTERRUPT_SELFTEST_TICKS      20u

/*
 * Run the three checks with interrupts enabled only while waiting, then mask and stop every
 * source again and restore the previous IDTR. Needs platform_init()'s LAPIC, IOAPIC and TSC.
 * Errors: PLATFORM_ERROR_TIMEOUT when a source stays silent (the result says which);
 * the IOAPIC's routing errors for the ISA check.
 */
platform_error_t interrupt_selftest_run(interrupt_selftest_result_t *result);

#endif
