/*
 * The boot CPU's local APIC: xAPIC through its MMIO page in the kernel window, or x2APIC through
 * MSRs when the CPU has it (and the command line does not say "no_x2apic"). Init, ID, EOI, a timer
 * calibrated against the TSC, and IPIs for SMP start-up. Only ever touches the executing CPU's
 * own LAPIC.
 */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <arch/platform_error.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    LAPIC_MODE_XAPIC = 1,
    LAPIC_MODE_X2APIC = 2,
} lapic_mode_t;

/* The timer counts down at the bus/core crystal clock divided by this. */
#define LAPIC_TIMER_DIVIDER 16

/*
 * Enable the LAPIC: global enable in IA32_APIC_BASE (plus x2APIC mode when use_x2apic and the
 * CPU has it), spurious vector VECTOR_SPURIOUS with software enable, task priority 0, LINT0
 * masked, LINT1 as NMI when nmi_lint is 1 (LINT0 when 0, none otherwise, from the MADT), error
 * vector VECTOR_LAPIC_ERROR, timer masked. The xAPIC page is read at the address IA32_APIC_BASE
 * holds; madt_address is only compared with it. Then calibrate the timer against the TSC
 * (needs tsc_init()). Errors: PLATFORM_ERROR_UNSUPPORTED without a LAPIC;
 * PLATFORM_ERROR_UNMAPPED when the xAPIC page is outside the kernel window;
 * PLATFORM_ERROR_TIMEOUT when the timer does not count.
 */
platform_error_t lapic_init(uint64_t madt_address, bool use_x2apic, int nmi_lint);

lapic_mode_t lapic_mode(void);

/* Physical address of the xAPIC page (also meaningful in x2APIC mode, where it is unused). */
uint64_t lapic_base_phys(void);

/* Whether the MADT's LAPIC address equals the one in IA32_APIC_BASE (firmware consistency). */
bool lapic_madt_address_matches(void);

/* This CPU's APIC ID (8 bits in xAPIC mode, 32 in x2APIC mode). */
uint32_t lapic_id(void);

/* The version register's version field (0x14 on current xAPICs) and its LVT entry count. */
uint32_t lapic_version(void);

/* Signal end of interrupt for the vector in service. */
void lapic_eoi(void);

/* Timer input frequency after the divider, in Hz (0 before calibration). */
uint64_t lapic_timer_hz(void);

/* Fire VECTOR_LAPIC_TIMER every period_ns (rounded to timer ticks, at least one tick). */
platform_error_t lapic_timer_start_periodic(uint64_t period_ns);

/* Fire VECTOR_LAPIC_TIMER once after delay_ns. */
platform_error_t lapic_timer_start_oneshot(uint64_t delay_ns);

/*
 * Stop the timer (mask it and clear its count). A tick the LAPIC accepted before this is still
 * pending and is delivered once interrupts are enabled: its handler must expect it.
 */
void lapic_timer_stop(void);

/* The timer's current count (for tests of the calibration). */
uint32_t lapic_timer_current_count(void);

/* Send a fixed-delivery IPI with vector to the CPU with APIC ID destination. */
platform_error_t lapic_send_ipi(uint32_t destination, uint8_t vector);

/* INIT and STARTUP (vector = 4 KiB page number of the real-mode entry) for AP start-up. */
platform_error_t lapic_send_init(uint32_t destination);
platform_error_t lapic_send_startup(uint32_t destination, uint8_t page);

#endif
