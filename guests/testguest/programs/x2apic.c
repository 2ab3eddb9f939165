/*
 * x2apic: the local APIC through MSRs, where CPUID offers x2APIC. QEMU 7.2 TCG does not, so
 * bare QEMU prints the skip line; Bochs (cpu model corei7_skylake_x, booted from a GRUB ISO) is
 * the reference for the rest. Checks: entering x2APIC mode, the 32-bit x2APIC ID, the version
 * register, a self-IPI through the SELF IPI register, and the timer in one-shot mode.
 */
#include "check.h"
#include "cpu.h"
#include "lapic.h"
#include "programs.h"
#include "timebase.h"
#include "traps.h"
#include "vectors.h"

static volatile uint64_t events;

static bool on_interrupt(trap_frame_t *frame)
{
    (void)frame;
    events++;
    wrmsr(X2APIC_MSR(LAPIC_EOI), 0);
    return true;
}

void program_x2apic(void)
{
    say("reference: Bochs corei7_skylake_x (QEMU 7.2 TCG offers no x2APIC)");
    if (!cpu_has_x2apic()) {
        skip("CPUID has no x2APIC");
        return;
    }
    trap_set_handler(VECTOR_SELF_IPI, on_interrupt);
    trap_set_handler(VECTOR_LAPIC_TIMER, on_interrupt);
    (void)tsc_hz();
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_X2APIC);
    check(rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC, "IA32_APIC_BASE: x2APIC mode entered");
    uint32_t initial_id = cpuid(1, 0).ebx >> 24;
    check_eq(rdmsr(X2APIC_MSR(LAPIC_ID)), initial_id, "x2APIC ID matches CPUID's initial APIC ID");
    check((rdmsr(X2APIC_MSR(LAPIC_VERSION)) & 0xf0) == 0x10,
          "version register reads through its MSR");
    wrmsr(X2APIC_MSR(LAPIC_SVR), LAPIC_SVR_ENABLE | VECTOR_LAPIC_SPURIOUS);

    events = 0;
    wrmsr(X2APIC_MSR(LAPIC_SELF_IPI), VECTOR_SELF_IPI);
    irq_enable();
    bool delivered = wait_for_count(&events, 1, 1000);
    irq_disable();
    check(delivered, "a self-IPI through the SELF IPI MSR arrives");

    events = 0;
    wrmsr(X2APIC_MSR(LAPIC_TIMER_DIVIDE), TIMER_DIVIDE_BY_16);
    wrmsr(X2APIC_MSR(LAPIC_LVT_TIMER), LVT_TIMER_ONE_SHOT | VECTOR_LAPIC_TIMER);
    wrmsr(X2APIC_MSR(LAPIC_TIMER_INITIAL), 100000);
    irq_enable();
    bool fired = wait_for_count(&events, 1, 2000);
    irq_disable();
    check(fired, "one-shot timer through the MSRs: an interrupt");
    wrmsr(X2APIC_MSR(LAPIC_LVT_TIMER), LVT_MASKED);
    /* lapic_init (between programs) takes the APIC back to xAPIC mode. */
}
