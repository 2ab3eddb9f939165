/*
 * The interrupt self-test: a temporary IDT with three handlers, then the LAPIC timer, a self-IPI
 * and PIT channel 0 through the IOAPIC, each timed with the TSC. Boot-only; leaves every source
 * masked and the previous IDTR in place.
 */
#include <arch/boot_section.h>
#include <arch/interrupt_selftest.h>
#include <arch/io.h>
#include <arch/ioapic.h>
#include <arch/lapic.h>
#include <arch/pit.h>
#include <arch/tsc.h>
#include <arch/vectors.h>
#include <stdint.h>

#define VECTOR_SELFTEST_ISA VECTOR_IRQ_BASE
#define VECTOR_SELFTEST_IPI VECTOR_IPI_BASE
#define GATE_INTERRUPT      0x8e00 /* present, DPL 0, 64-bit interrupt gate (type/attr word) */
#define PIT_CHANNEL0_DATA   0x40
#define PIT_COMMAND         0x43
#define PIT_CMD_CH0_RATE    0x34 /* channel 0, low then high byte, mode 2 (rate generator) */
#define PIT_CMD_CH0_ONESHOT 0x30 /* channel 0, low then high byte, mode 0 */
#define PIT_1KHZ_COUNT      1193
#define WAIT_LIMIT_NS       500000000ull
#define DRAIN_NS            2000000ull

typedef struct {
    uint16_t offset_low;
    uint16_t selector;
    uint16_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
} idt_gate_t;

typedef struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
} descriptor_pointer_t;

struct interrupt_frame;

BOOT_DATA static idt_gate_t selftest_idt[256];
static volatile uint32_t timer_count;
static volatile uint64_t timer_last_tsc;
static volatile uint32_t ipi_count;
static volatile uint32_t isa_count;
static volatile uint64_t isa_last_tsc;

BOOT_CODE __attribute__((interrupt)) static void timer_handler(struct interrupt_frame *frame)
{
    (void)frame;
    timer_last_tsc = tsc_read();
    timer_count = timer_count + 1;
    lapic_eoi();
}

BOOT_CODE __attribute__((interrupt)) static void ipi_handler(struct interrupt_frame *frame)
{
    (void)frame;
    ipi_count = ipi_count + 1;
    lapic_eoi();
}

BOOT_CODE __attribute__((interrupt)) static void isa_handler(struct interrupt_frame *frame)
{
    (void)frame;
    isa_last_tsc = tsc_read();
    isa_count = isa_count + 1;
    lapic_eoi();
}

/* A spurious interrupt needs no EOI. */
BOOT_CODE __attribute__((interrupt)) static void spurious_handler(struct interrupt_frame *frame)
{
    (void)frame;
}

BOOT_CODE static void gate_set(uint8_t vector, void (*handler)(struct interrupt_frame *))
{
    uint64_t address = (uint64_t)handler;
    uint16_t code_selector;

    __asm__ volatile("mov %%cs, %0" : "=r"(code_selector));
    selftest_idt[vector].offset_low = (uint16_t)address;
    selftest_idt[vector].selector = code_selector;
    selftest_idt[vector].type_attributes = GATE_INTERRUPT;
    selftest_idt[vector].offset_middle = (uint16_t)(address >> 16);
    selftest_idt[vector].offset_high = (uint32_t)(address >> 32);
    selftest_idt[vector].reserved = 0;
}

/* Let interrupts in until *counter reaches target or the time limit passes. */
BOOT_CODE static void wait_for(const volatile uint32_t *counter, uint32_t target)
{
    uint64_t start = tsc_read();
    uint64_t limit = tsc_ns_to_ticks(WAIT_LIMIT_NS);

    __asm__ volatile("sti" ::: "memory");
    while (*counter < target && tsc_read() - start < limit) {
        cpu_pause();
    }
    __asm__ volatile("cli" ::: "memory");
}

/*
 * Let interrupts in for DRAIN_NS: a tick accepted into the IRR before its source was stopped
 * is still delivered, and must not be counted by the next check.
 */
BOOT_CODE static void drain_pending(void)
{
    uint64_t start = tsc_read();
    uint64_t ticks = tsc_ns_to_ticks(DRAIN_NS);

    __asm__ volatile("sti" ::: "memory");
    while (tsc_read() - start < ticks) {
        cpu_pause();
    }
    __asm__ volatile("cli" ::: "memory");
}

BOOT_CODE static platform_error_t lapic_timer_check(interrupt_selftest_result_t *result)
{
    uint64_t first;
    platform_error_t error;

    /* Periodic: time the ticks after the first, so the start-up phase does not count. */
    timer_count = 0;
    error = lapic_timer_start_periodic(INTERRUPT_SELFTEST_PERIOD_NS);
    if (error != PLATFORM_OK) {
        return error;
    }
    wait_for(&timer_count, 1);
    first = timer_last_tsc;
    timer_count = 0;
    wait_for(&timer_count, INTERRUPT_SELFTEST_TICKS);
    lapic_timer_stop();
    result->periodic_ticks = timer_count;
    if (timer_count == 0) {
        return PLATFORM_ERROR_TIMEOUT;
    }
    result->periodic_period_ns = tsc_ticks_to_ns(timer_last_tsc - first) / timer_count;

    /* One-shot: exactly one interrupt, after the asked delay. */
    drain_pending();
    timer_count = 0;
    uint64_t start = tsc_read();
    error = lapic_timer_start_oneshot(INTERRUPT_SELFTEST_ONESHOT_NS);
    if (error != PLATFORM_OK) {
        return error;
    }
    wait_for(&timer_count, 1);
    result->oneshot_delay_ns = timer_count == 1 ? tsc_ticks_to_ns(timer_last_tsc - start) : 0;
    lapic_timer_stop();
    drain_pending();
    return timer_count == 1 ? PLATFORM_OK : PLATFORM_ERROR_TIMEOUT;
}

BOOT_CODE static platform_error_t isa_check(interrupt_selftest_result_t *result)
{
    ioapic_trigger_t trigger;
    ioapic_polarity_t polarity;
    platform_error_t error;
    uint64_t first;

    error = ioapic_isa_irq_to_gsi(0, &result->isa_gsi, &trigger, &polarity);
    if (error == PLATFORM_OK) {
        error = ioapic_route_gsi(result->isa_gsi, VECTOR_SELFTEST_ISA, trigger, polarity,
                                 lapic_id());
    }
    if (error != PLATFORM_OK) {
        return error;
    }
    io_out8(PIT_COMMAND, PIT_CMD_CH0_RATE);
    io_out8(PIT_CHANNEL0_DATA, PIT_1KHZ_COUNT & 0xff);
    io_out8(PIT_CHANNEL0_DATA, PIT_1KHZ_COUNT >> 8);
    isa_count = 0;
    ioapic_unmask_gsi(result->isa_gsi);
    wait_for(&isa_count, 1);
    first = isa_last_tsc;
    isa_count = 0;
    wait_for(&isa_count, INTERRUPT_SELFTEST_TICKS);
    ioapic_mask_gsi(result->isa_gsi);
    /* Park channel 0: one-shot with the longest count, its output then stays put. */
    io_out8(PIT_COMMAND, PIT_CMD_CH0_ONESHOT);
    io_out8(PIT_CHANNEL0_DATA, 0xff);
    io_out8(PIT_CHANNEL0_DATA, 0xff);
    result->isa_ticks = isa_count;
    if (isa_count == 0) {
        return PLATFORM_ERROR_TIMEOUT;
    }
    result->isa_period_ns = tsc_ticks_to_ns(isa_last_tsc - first) / isa_count;
    return PLATFORM_OK;
}

BOOT_CODE platform_error_t interrupt_selftest_run(interrupt_selftest_result_t *result)
{
    descriptor_pointer_t previous;
    descriptor_pointer_t ours = {.limit = sizeof(selftest_idt) - 1, .base = (uint64_t)selftest_idt};
    platform_error_t error;

    *result = (interrupt_selftest_result_t){0};
    gate_set(VECTOR_LAPIC_TIMER, timer_handler);
    gate_set(VECTOR_SELFTEST_IPI, ipi_handler);
    gate_set(VECTOR_SELFTEST_ISA, isa_handler);
    gate_set(VECTOR_SPURIOUS, spurious_handler);
    gate_set(VECTOR_PIC_SPURIOUS_1, spurious_handler);
    gate_set(VECTOR_PIC_SPURIOUS_2, spurious_handler);
    __asm__ volatile("sidt %0" : "=m"(previous));
    __asm__ volatile("lidt %0" : : "m"(ours) : "memory");

    error = lapic_timer_check(result);
    if (error == PLATFORM_OK) {
        ipi_count = 0;
        error = lapic_send_ipi(lapic_id(), VECTOR_SELFTEST_IPI);
        wait_for(&ipi_count, 1);
        result->ipi_count = ipi_count;
        if (error == PLATFORM_OK && ipi_count != 1) {
            error = PLATFORM_ERROR_TIMEOUT;
        }
    }
    if (error == PLATFORM_OK) {
        error = isa_check(result);
    }
    __asm__ volatile("lidt %0" : : "m"(previous) : "memory");
    return error;
}
