/*
 * The local APIC in xAPIC mode, through the MMIO page at IA32_APIC_BASE (identity-mapped,
 * uncached). The x2APIC program reaches the same registers through MSRs on its own.
 */
#include "lapic.h"

#include "cpu.h"
#include "vectors.h"

static uint64_t lapic_base(void)
{
    return rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;
}

uint32_t lapic_read(uint32_t reg)
{
    return *(volatile uint32_t *)(uintptr_t)(lapic_base() + reg);
}

void lapic_write(uint32_t reg, uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)(lapic_base() + reg) = value;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if ((base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) != APIC_BASE_ENABLE) {
        /* Leaving x2APIC mode needs a pass through "disabled" (SDM: the APIC state machine). */
        wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_ENABLE | APIC_BASE_X2APIC));
        wrmsr(MSR_APIC_BASE, (base & ~APIC_BASE_X2APIC) | APIC_BASE_ENABLE);
    }
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VECTOR_LAPIC_SPURIOUS);
    lapic_write(LAPIC_TPR, 0);
    lapic_quiesce();
}

static bool bit_in(uint32_t reg_base, uint8_t vector)
{
    return (lapic_read(reg_base + (uint32_t)(vector / 32) * 0x10) >> (vector % 32)) & 1;
}

bool lapic_irr_has(uint8_t vector)
{
    return bit_in(LAPIC_IRR, vector);
}

bool lapic_isr_has(uint8_t vector)
{
    return bit_in(LAPIC_ISR, vector);
}

void lapic_self_ipi(uint8_t vector)
{
    lapic_write(LAPIC_ICR_HIGH, 0);
    lapic_write(LAPIC_ICR_LOW, ICR_DEST_SELF | vector);
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (!(lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING)) {
            break;
        }
        cpu_relax();
    }
}

void lapic_quiesce(void)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    if (cpu_has_tsc_deadline()) {
        wrmsr(MSR_TSC_DEADLINE, 0);
    }
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    /* Anything still in service (a test that stopped early) is acknowledged. */
    for (unsigned i = 0; i < 256; i++) {
        bool in_service = false;
        for (unsigned v = 32; v < 256; v++) {
            if (lapic_isr_has((uint8_t)v)) {
                in_service = true;
                break;
            }
        }
        if (!in_service) {
            break;
        }
        lapic_eoi();
    }
}
