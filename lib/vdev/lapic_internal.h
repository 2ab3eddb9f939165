/*
 * What the local APIC's files share: bit-set helpers over the 256-bit IRR/ISR/TMR, errors, and
 * the timer's entry points for the register code. Not part of the library's interface.
 */
#ifndef VDEV_LAPIC_INTERNAL_H
#define VDEV_LAPIC_INTERNAL_H

#include <vdev/lapic.h>

static inline bool lapic_bit_test(const uint32_t *set, uint8_t vector)
{
    return (set[vector / 32u] >> (vector % 32u)) & 1u;
}

static inline void lapic_bit_set(uint32_t *set, uint8_t vector)
{
    set[vector / 32u] |= 1u << (vector % 32u);
}

static inline void lapic_bit_clear(uint32_t *set, uint8_t vector)
{
    set[vector / 32u] &= ~(1u << (vector % 32u));
}

/* The highest vector in a set, or -1. */
int vdev_lapic_highest(const uint32_t *set);

static inline bool lapic_software_enabled(const vdev_lapic_t *lapic)
{
    return (lapic->svr & VDEV_SVR_ENABLE) != 0;
}

static inline bool lapic_lvt_masked(const vdev_lapic_t *lapic, unsigned index)
{
    return (lapic->lvt[index] & VDEV_LVT_MASKED) != 0 || !lapic_software_enabled(lapic);
}

/* Records ESR bits; a newly set bit raises the error LVT's interrupt. */
void vdev_lapic_signal_error(vdev_lapic_t *lapic, uint32_t bits);

/* A locally generated fixed interrupt (LVT, self IPI): accepted, or an illegal-vector error. */
void vdev_lapic_local_interrupt(vdev_lapic_t *lapic, uint8_t vector, bool level_triggered);

/* Registers back to their power-on values (the IDs and IA32_APIC_BASE are kept). */
void vdev_lapic_reset_registers(vdev_lapic_t *lapic, bool virtual_wire);

/* The EOI register's effect. */
void vdev_lapic_eoi(vdev_lapic_t *lapic);

/* Timer, for the register code (each brings the timer to `now` first where it matters). */
uint32_t vdev_lapic_timer_current(vdev_lapic_t *lapic, uint64_t now);
void vdev_lapic_timer_write_lvt(vdev_lapic_t *lapic, uint32_t value, uint64_t now);
void vdev_lapic_timer_write_initial(vdev_lapic_t *lapic, uint32_t value, uint64_t now);
void vdev_lapic_timer_write_divide(vdev_lapic_t *lapic, uint32_t value, uint64_t now);
void vdev_lapic_timer_stop(vdev_lapic_t *lapic);
uint64_t vdev_lapic_tsc_deadline_read(vdev_lapic_t *lapic, uint64_t now);
void vdev_lapic_tsc_deadline_write(vdev_lapic_t *lapic, uint64_t value, uint64_t now);

/* Register access shared by both interfaces; x2apic selects the x2APIC rules. */
bool vdev_lapic_register_read(vdev_lapic_t *lapic, uint32_t offset, bool x2apic, uint64_t *value,
                              uint64_t now);
bool vdev_lapic_register_write(vdev_lapic_t *lapic, uint32_t offset, bool x2apic, uint64_t value,
                               uint64_t now);

#endif
