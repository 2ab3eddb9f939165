/*
 * lapic: the local APIC in xAPIC mode. Its base and ID are where the architecture puts them;
 * the timer interrupts periodically, once (one-shot) and at a TSC deadline where CPUID offers
 * that mode; the ISR shows an interrupt in service until EOI; the task priority holds back a
 * vector of its class or lower, and CR8 is the same register. Counts are printed only as
 * "at least N", never as measured rates.
 */
#include "check.h"
#include "cpu.h"
#include "lapic.h"
#include "programs.h"
#include "timebase.h"
#include "traps.h"
#include "vectors.h"

#define PERIODIC_COUNT 100000u /* about 1.6 ms at QEMU's 1 GHz APIC clock, divided by 16 */
#define WANTED_TICKS   10

static volatile uint64_t ticks;
static volatile bool in_service_seen;

static bool on_timer(trap_frame_t *frame)
{
    (void)frame;
    ticks++;
    in_service_seen = lapic_isr_has(VECTOR_LAPIC_TIMER);
    lapic_eoi();
    return true;
}

static bool on_self_ipi(trap_frame_t *frame)
{
    (void)frame;
    ticks++;
    lapic_eoi();
    return true;
}

/* Lets interrupts in for ms milliseconds. */
static void open_for(uint64_t ms)
{
    uint64_t deadline = tsc_after_ms(ms);
    irq_enable();
    while (!tsc_passed(deadline)) {
        cpu_relax();
    }
    irq_disable();
}

static void identity(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    check((base & APIC_BASE_ENABLE) && !(base & APIC_BASE_X2APIC), "IA32_APIC_BASE: xAPIC enabled");
    check(base & APIC_BASE_BSP, "IA32_APIC_BASE: this is the bootstrap processor");
    check_eq(base & APIC_BASE_ADDR_MASK, 0xfee00000, "IA32_APIC_BASE: the default base");
    check_eq(lapic_read(LAPIC_ID) >> 24, cpuid(1, 0).ebx >> 24,
             "APIC ID register matches CPUID's initial APIC ID");
    uint32_t version = lapic_read(LAPIC_VERSION);
    check((version & 0xf0) == 0x10 && ((version >> 16) & 0xff) >= 4,
          "version register: an integrated APIC with at least 5 LVT entries");
}

static void periodic(void)
{
    ticks = 0;
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | VECTOR_LAPIC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, PERIODIC_COUNT);
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    check(current <= PERIODIC_COUNT, "current count starts at or below the initial count");
    irq_enable();
    bool enough = wait_for_count(&ticks, WANTED_TICKS, 2000);
    irq_disable();
    check(enough, "periodic timer: at least %d interrupts", WANTED_TICKS);
    check(in_service_seen, "the handler sees its vector in service (ISR) before EOI");
    check(!lapic_isr_has(VECTOR_LAPIC_TIMER), "after EOI the vector is no longer in service");

    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_PERIODIC | VECTOR_LAPIC_TIMER);
    open_for(2); /* one interrupt may have been requested before the mask */
    uint64_t masked_at = ticks;
    open_for(20);
    check_eq(ticks, masked_at, "masked timer: no interrupt in 20 ms");
    lapic_write(LAPIC_TIMER_INITIAL, 0);
}

static void one_shot(void)
{
    ticks = 0;
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONE_SHOT | VECTOR_LAPIC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, PERIODIC_COUNT);
    irq_enable();
    bool fired = wait_for_count(&ticks, 1, 2000);
    irq_disable();
    open_for(30);
    check(fired && ticks == 1, "one-shot timer: exactly one interrupt");
    check_eq(lapic_read(LAPIC_TIMER_CURRENT), 0, "one-shot timer: current count ends at 0");
}

static void tsc_deadline(void)
{
    if (!cpu_has_tsc_deadline()) {
        skip("TSC-deadline mode: CPUID has no tsc-deadline");
        return;
    }
    ticks = 0;
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VECTOR_LAPIC_TIMER);
    wrmsr(MSR_TSC_DEADLINE, tsc_after_ms(5));
    irq_enable();
    bool fired = wait_for_count(&ticks, 1, 2000);
    irq_disable();
    open_for(20);
    check(fired && ticks == 1, "TSC-deadline timer: exactly one interrupt");
    check_eq(rdmsr(MSR_TSC_DEADLINE), 0, "TSC-deadline timer: the MSR reads 0 once it fired");
    wrmsr(MSR_TSC_DEADLINE, rdtsc() - 1000);
    irq_enable();
    fired = wait_for_count(&ticks, 2, 2000);
    irq_disable();
    check(fired, "TSC-deadline timer: a deadline in the past fires at once");
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}

/* Vector 0x60 is priority class 6: a task priority of class 6 holds it back, 5 lets it in. */
static void task_priority(void)
{
    ticks = 0;
    lapic_write(LAPIC_TPR, 0x60);
    lapic_self_ipi(VECTOR_SELF_IPI);
    open_for(1);
    bool held = ticks == 0 && lapic_irr_has(VECTOR_SELF_IPI);
    lapic_write(LAPIC_TPR, 0x50);
    open_for(1);
    check(held && ticks == 1, "TPR class 6 holds back vector 0x60; class 5 lets it in");

    uint64_t cr8;
    __asm__ volatile("mov %1, %%cr8; mov %%cr8, %0" : "=r"(cr8) : "r"(6ull));
    check(cr8 == 6 && (lapic_read(LAPIC_TPR) >> 4) == 6, "CR8 and the TPR are the same register");
    __asm__ volatile("mov %0, %%cr8" ::"r"(0ull));
}

void program_lapic(void)
{
    trap_set_handler(VECTOR_LAPIC_TIMER, on_timer);
    trap_set_handler(VECTOR_SELF_IPI, on_self_ipi);
    (void)tsc_hz();
    identity();
    periodic();
    one_shot();
    tsc_deadline();
    task_priority();
}
