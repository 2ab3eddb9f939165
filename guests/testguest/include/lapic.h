/*
 * The local APIC in xAPIC mode (MMIO at the base IA32_APIC_BASE gives) and, where CPUID offers
 * it, in x2APIC mode (MSRs 0x800 + register offset / 16).
 */
#ifndef TESTGUEST_LAPIC_H
#define TESTGUEST_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_ID            0x020
#define LAPIC_VERSION       0x030
#define LAPIC_TPR           0x080
#define LAPIC_EOI           0x0b0
#define LAPIC_SVR           0x0f0
#define LAPIC_ISR           0x100
#define LAPIC_IRR           0x200
#define LAPIC_ESR           0x280
#define LAPIC_ICR_LOW       0x300
#define LAPIC_ICR_HIGH      0x310
#define LAPIC_LVT_TIMER     0x320
#define LAPIC_LVT_LINT0     0x350
#define LAPIC_LVT_LINT1     0x360
#define LAPIC_LVT_ERROR     0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0
#define LAPIC_SELF_IPI      0x3f0 /* x2APIC only */

#define LAPIC_SVR_ENABLE       (1u << 8)
#define LVT_MASKED             (1u << 16)
#define LVT_TIMER_ONE_SHOT     (0u << 17)
#define LVT_TIMER_PERIODIC     (1u << 17)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define LVT_DELIVERY_EXTINT    (7u << 8)
#define LVT_DELIVERY_NMI       (4u << 8)
#define ICR_DEST_SELF          (1u << 18)
#define ICR_DELIVERY_PENDING   (1u << 12)
#define TIMER_DIVIDE_BY_16     0x3u

#define APIC_BASE_BSP       (1ull << 8)
#define APIC_BASE_X2APIC    (1ull << 10)
#define APIC_BASE_ENABLE    (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

#define X2APIC_MSR(reg) (0x800u + ((reg) >> 4))

/* Enables the xAPIC (spurious vector VECTOR_LAPIC_SPURIOUS) with every LVT masked. */
void lapic_init(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
void lapic_eoi(void);
/* A fixed interrupt to this CPU, through the ICR's "self" shorthand. */
void lapic_self_ipi(uint8_t vector);
/* Is vector set in the IRR (requested) or ISR (in service)? */
bool lapic_irr_has(uint8_t vector);
bool lapic_isr_has(uint8_t vector);
/* Masks every LVT, stops the timer, drops TSC deadline, acknowledges what is in service. */
void lapic_quiesce(void);

#endif
