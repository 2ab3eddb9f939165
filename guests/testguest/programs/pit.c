/*
 * pit: the 8254's channel 0 as an interrupt source, first through the 8259 PIC (in virtual
 * wire mode: the local APIC's LINT0 as ExtINT), then through the I/O APIC pin the ACPI MADT
 * names for ISA IRQ 0; and channel 2 as the stopwatch that calibrates the TSC. The 8259's IRR
 * must latch IRQ 0 while it is masked, and its ISR must show it in service until EOI.
 */
#include "acpi.h"
#include "bootinfo.h"
#include "check.h"
#include "cpu.h"
#include "ioapic.h"
#include "lapic.h"
#include "pic.h"
#include "pit.h"
#include "programs.h"
#include "timebase.h"
#include "traps.h"
#include "vectors.h"

#define PIT_TEST_HZ  1000
#define WANTED_TICKS 10

/* MPS INTI flags of an interrupt source override. */
#define INTI_POLARITY_MASK 0x3
#define INTI_ACTIVE_LOW    0x3
#define INTI_TRIGGER_MASK  0xc
#define INTI_LEVEL         0xc

static volatile uint64_t ticks;
static volatile bool pic_in_service_seen;

static bool on_pic_irq0(trap_frame_t *frame)
{
    (void)frame;
    ticks++;
    pic_in_service_seen = (pic_read_isr() & 1) != 0;
    pic_eoi(0);
    return true;
}

static bool on_ioapic_pit(trap_frame_t *frame)
{
    (void)frame;
    ticks++;
    lapic_eoi();
    return true;
}

static void through_pic(void)
{
    pic_set_mask(0xffff);
    pit_channel0_periodic(PIT_TEST_HZ);
    uint64_t deadline = tsc_after_ms(50);
    while (!(pic_read_irr() & 1) && !tsc_passed(deadline)) {
        cpu_relax();
    }
    check(pic_read_irr() & 1, "8259: IRR latches IRQ 0 while it is masked");

    ticks = 0;
    lapic_write(LAPIC_LVT_LINT0, LVT_DELIVERY_EXTINT);
    pic_set_mask((uint16_t)~1u);
    irq_enable();
    bool enough = wait_for_count(&ticks, WANTED_TICKS, 2000);
    irq_disable();
    pic_set_mask(0xffff);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    check(enough, "PIT channel 0 through the 8259 PIC: at least %d interrupts", WANTED_TICKS);
    check(pic_in_service_seen, "8259: ISR shows IRQ 0 in service before EOI");
    check_eq(pic_read_isr(), 0, "8259: nothing in service after EOI");
}

static void through_ioapic(void)
{
    uint64_t rsdp = acpi_find_rsdp(&boot_info);
    acpi_madt_info_t madt = {0};
    if (!check(rsdp != 0 && acpi_parse_madt(acpi_find_table(rsdp, "APIC"), &madt) &&
                       madt.ioapic_count > 0,
               "the MADT names an I/O APIC")) {
        return;
    }
    uint64_t base = madt.ioapic_address;
    unsigned pins = ioapic_pin_count(base);
    check(pins >= 16, "the I/O APIC has at least 16 pins");
    uint32_t gsi = madt.isa_gsi[0];
    if (!check(gsi >= madt.ioapic_gsi_base && gsi - madt.ioapic_gsi_base < pins,
               "ISA IRQ 0's GSI is a pin of that I/O APIC")) {
        return;
    }
    /* ISA interrupts are edge-triggered, active high, unless the override says otherwise. */
    uint64_t entry = VECTOR_IOAPIC_PIT | ((uint64_t)(lapic_read(LAPIC_ID) >> 24) << 56);
    uint16_t flags = madt.isa_flags[0];
    if ((flags & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW) {
        entry |= IOAPIC_REDIR_ACTIVE_LOW;
    }
    if ((flags & INTI_TRIGGER_MASK) == INTI_LEVEL) {
        entry |= IOAPIC_REDIR_LEVEL;
    }
    ticks = 0;
    pit_channel0_periodic(PIT_TEST_HZ);
    ioapic_route(base, gsi - madt.ioapic_gsi_base, entry);
    irq_enable();
    bool enough = wait_for_count(&ticks, WANTED_TICKS, 2000);
    irq_disable();
    ioapic_route(base, gsi - madt.ioapic_gsi_base, IOAPIC_REDIR_MASKED);
    check(enough, "PIT channel 0 through the I/O APIC: at least %d interrupts", WANTED_TICKS);
}

static void channel2(void)
{
    pit_channel2_start(0xffff);
    bool low_while_counting = !pit_channel2_done();
    uint64_t deadline = tsc_after_ms(500);
    while (!pit_channel2_done() && !tsc_passed(deadline)) {
        cpu_relax();
    }
    check(low_while_counting && pit_channel2_done(),
          "channel 2 (mode 0): OUT low while counting, high at the end");
    uint64_t hz = tsc_hz();
    figure("TSC %llu kHz by PIT channel 2", (unsigned long long)(hz / 1000));
    check(hz >= 50000000ull && hz <= 20000000000ull,
          "TSC rate calibrated by channel 2 between 50 MHz and 20 GHz");
}

void program_pit(void)
{
    trap_set_handler(VECTOR_PIC_BASE, on_pic_irq0);
    trap_set_handler(VECTOR_IOAPIC_PIT, on_ioapic_pit);
    channel2();
    through_pic();
    through_ioapic();
    pit_channel0_stop();
}
