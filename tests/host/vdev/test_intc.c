/*
 * Host tests of the board's interrupt wiring and of the injection interface: ISA IRQ 0 reaching
 * both the 8259 and I/O APIC pin 2, the 8259 through LINT0 (virtual wire) as ExtINT, what
 * vdev_intc_pending says for every combination of RFLAGS.IF, interrupt shadow and NMI blocking,
 * NMI before ExtINT before the local APIC, level-triggered EOIs going back to the I/O APIC,
 * PCI lines active low, MSIs, IPIs between vCPUs with lowest-priority arbitration.
 */
#include "vdev_test.h"

#include <vdev/intc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static const vdev_cpu_interruptibility_t open_cpu = {.interrupts_enabled = true};

static void setup(vdev_intc_t *intc, unsigned vcpus)
{
    vdev_intc_config_t config = {
            .vcpus = vcpus,
            .lapic = {.id = 0,
                      .x2apic = true,
                      .tsc_deadline = true,
                      .lint0_virtual_wire = true,
                      .phys_addr_bits = 39,
                      .timer_hz = 1000000000ull,
                      .tsc_hz = 1000000000ull},
            .ioapic_id = 1,
    };

    vdev_intc_init(intc, &config);
    for (unsigned i = 0; i < vcpus; i++) {
        vdev_lapic_mmio_write(&intc->lapic[i], VDEV_LAPIC_SVR, 4, 0x1ff, 0);
    }
}

/* The guest's 8259 set-up: vectors 0x20/0x28, everything masked but `unmasked`. */
static void program_pic(vdev_intc_t *intc, uint16_t unmasked)
{
    const uint8_t master[] = {0x11, 0x20, 0x04, 0x01};
    const uint8_t slave[] = {0x11, 0x28, 0x02, 0x01};

    for (unsigned i = 0; i < 4; i++) {
        vdev_intc_pic_write(intc, 0, i == 0 ? 0 : 1, master[i]);
        vdev_intc_pic_write(intc, 1, i == 0 ? 0 : 1, slave[i]);
    }
    vdev_intc_pic_write(intc, 0, 1, (uint8_t)~unmasked);
    vdev_intc_pic_write(intc, 1, 1, (uint8_t)(~unmasked >> 8));
}

static void route_pin(vdev_intc_t *intc, unsigned pin, uint64_t entry)
{
    vdev_ioapic_write_register(&intc->ioapic, 0x11 + 2 * pin, (uint32_t)(entry >> 32));
    vdev_ioapic_write_register(&intc->ioapic, 0x10 + 2 * pin, (uint32_t)entry);
}

static void irq0_reaches_pic_and_pin_2(void **state)
{
    vdev_intc_t intc;
    vdev_intr_t intr;

    (void)state;
    setup(&intc, 1);
    program_pic(&intc, 0);
    route_pin(&intc, 2, 0x30);
    route_pin(&intc, 0, 0x3f); /* pin 0 is not IRQ 0 */
    vdev_intc_set_isa_irq(&intc, 0, true);
    vdev_intc_set_isa_irq(&intc, 0, false);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), 0x30);
    assert_int_equal(vdev_pic_read(&intc.pic, 0, 0) & 1, 1); /* IRR, masked in the 8259 */
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_FIXED);
    assert_int_equal(intr.vector, 0x30);
    assert_int_equal(vdev_intc_ack(&intc, 0, intr.kind), 0x30);
    /* IRQ 2 is the cascade: it reaches no pin. */
    route_pin(&intc, 2, VDEV_IOAPIC_MASKED);
    vdev_intc_set_isa_irq(&intc, 2, true);
    assert_int_equal(intc.ioapic.delivered, 1);
}

static void extint_through_lint0(void **state)
{
    vdev_intc_t intc;
    vdev_intr_t intr;
    vdev_cpu_interruptibility_t cpu = {0};

    (void)state;
    setup(&intc, 1);
    program_pic(&intc, 0x0001);
    vdev_intc_set_isa_irq(&intc, 0, true);
    vdev_intc_pending(&intc, 0, &cpu, &intr); /* IF = 0 */
    assert_int_equal(intr.kind, VDEV_INTR_NONE);
    assert_true(intr.irq_window);
    cpu.interrupts_enabled = true;
    cpu.interrupt_shadow = true;
    vdev_intc_pending(&intc, 0, &cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_NONE);
    assert_true(intr.irq_window);
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_EXTINT);
    assert_int_equal(intr.vector, 0x20);
    assert_false(intr.irq_window);
    assert_int_equal(vdev_intc_ack(&intc, 0, VDEV_INTR_EXTINT), 0x20);
    assert_int_equal(intc.pic.chip[0].isr, 1);
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_NONE);
    assert_false(intr.irq_window);
    vdev_intc_pic_write(&intc, 0, 0, 0x20);
    /* Masking LINT0 cuts the 8259 off. */
    vdev_intc_set_isa_irq(&intc, 0, false);
    vdev_intc_set_isa_irq(&intc, 0, true);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_LVT_LINT0, 4, VDEV_LVT_MASKED | 0x700, 0);
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_NONE);
    /* LINT0 as a fixed edge input: the 8259's INTR rising gives the LVT's vector. */
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_LVT_LINT0, 4, 0x66, 0);
    vdev_intc_pic_write(&intc, 0, 1, 0xff);
    vdev_intc_pic_write(&intc, 0, 1, 0xfe);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), 0x66);
}

static void nmi_first_and_windows(void **state)
{
    vdev_intc_t intc;
    vdev_intr_t intr;
    vdev_cpu_interruptibility_t cpu = {.interrupts_enabled = true, .nmi_blocked = true};

    (void)state;
    setup(&intc, 1);
    program_pic(&intc, 0x0002);
    vdev_intc_set_isa_irq(&intc, 1, true);
    vdev_lapic_accept(&intc.lapic[0], VDEV_APIC_FIXED, 0xe0, false);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_LVT_LINT1, 4, VDEV_APIC_NMI << 8, 0);
    vdev_intc_nmi(&intc);
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_NMI);
    assert_int_equal(intr.vector, 2);
    assert_true(intr.irq_window);
    vdev_intc_pending(&intc, 0, &cpu, &intr); /* NMIs blocked: the 8259 goes first */
    assert_int_equal(intr.kind, VDEV_INTR_EXTINT);
    assert_int_equal(intr.vector, 0x21);
    assert_true(intr.nmi_window);
    cpu.interrupt_shadow = true; /* a shadow blocks both */
    vdev_intc_pending(&intc, 0, &cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_NONE);
    assert_true(intr.nmi_window);
    assert_true(intr.irq_window);
    assert_int_equal(vdev_intc_ack(&intc, 0, VDEV_INTR_NMI), 2);
    assert_int_equal(vdev_intc_ack(&intc, 0, VDEV_INTR_EXTINT), 0x21);
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_FIXED);
    assert_int_equal(intr.vector, 0xe0);
    assert_int_equal(intc.injected[VDEV_INTR_NMI], 1);
    assert_int_equal(intc.injected[VDEV_INTR_EXTINT], 1);
    assert_int_equal(vdev_intc_ack(&intc, 5, VDEV_INTR_FIXED), 0); /* no such vCPU */
}

static void level_eoi_returns_to_ioapic(void **state)
{
    vdev_intc_t intc;
    vdev_intr_t intr;

    (void)state;
    setup(&intc, 1);
    route_pin(&intc, 9, 0x59 | VDEV_IOAPIC_LEVEL);
    vdev_intc_set_isa_irq(&intc, 9, true);
    vdev_intc_pending(&intc, 0, &open_cpu, &intr);
    assert_int_equal(vdev_intc_ack(&intc, 0, intr.kind), 0x59);
    assert_true(intc.ioapic.entry[9] & VDEV_IOAPIC_REMOTE_IRR);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_EOI, 4, 0, 0);
    /* Still asserted: remote IRR set again by a second delivery. */
    assert_true(intc.ioapic.entry[9] & VDEV_IOAPIC_REMOTE_IRR);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), 0x59);
    vdev_intc_set_isa_irq(&intc, 9, false);
    vdev_intc_ack(&intc, 0, VDEV_INTR_FIXED);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_EOI, 4, 0, 0);
    assert_false(intc.ioapic.entry[9] & VDEV_IOAPIC_REMOTE_IRR);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), -1);
}

static void pci_lines_and_msi(void **state)
{
    vdev_intc_t intc;

    (void)state;
    setup(&intc, 1);
    route_pin(&intc, 16, 0x70 | VDEV_IOAPIC_LEVEL | VDEV_IOAPIC_ACTIVE_LOW);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), -1); /* idle high */
    vdev_intc_set_gsi(&intc, 16, true);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), 0x70);
    vdev_intc_set_gsi(&intc, 3, true); /* not a PCI line: ignored */
    assert_true(vdev_intc_msi(&intc, 0xfee00000, 0x4071));
    assert_true((intc.lapic[0].irr[0x71 / 32] >> (0x71 % 32)) & 1);
    assert_false(vdev_intc_msi(&intc, 0xfed00000, 0x72));  /* not the MSI window */
    assert_false(vdev_intc_msi(&intc, 0xfee05000, 0x73));  /* APIC 5 does not exist */
    assert_false(vdev_intc_msi(&intc, 0xfee00000, 0x573)); /* INIT: not by MSI */
    assert_int_equal(intc.msi_dropped, 3);
    assert_true(vdev_intc_msi(&intc, 0xfee00000, 0x400));
    assert_true(intc.lapic[0].nmi_pending);
}

static void ipis_between_vcpus(void **state)
{
    vdev_intc_t intc;

    (void)state;
    setup(&intc, 3);
    assert_int_equal(vdev_lapic_read_register(&intc.lapic[2], VDEV_LAPIC_ID, 0), 2u << 24);
    assert_false(intc.lapic[1].config.bsp);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_HIGH, 4, 0x01000000, 0);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_LOW, 4, 0x44, 0);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[1]), 0x44);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), -1);
    vdev_lapic_mmio_write(&intc.lapic[1], VDEV_LAPIC_ICR_LOW, 4, 0x000c0045, 0); /* all but self */
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[0]), 0x45);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[2]), 0x45);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[1]), 0x44);
    /* Lowest priority to everyone: the APIC with the lowest TPR class takes it. */
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_TPR, 4, 0x30, 0);
    vdev_lapic_mmio_write(&intc.lapic[1], VDEV_LAPIC_TPR, 4, 0x10, 0);
    vdev_lapic_mmio_write(&intc.lapic[2], VDEV_LAPIC_TPR, 4, 0x20, 0);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_HIGH, 4, 0xff000000, 0);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_LOW, 4, 0x00000146, 0);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[1]), 0x46);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[2]), 0x45);
    /* INIT and start-up are recorded for the VMM. */
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_HIGH, 4, 0x02000000, 0);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_LOW, 4, 0x00004500, 0);
    vdev_lapic_mmio_write(&intc.lapic[0], VDEV_LAPIC_ICR_LOW, 4, 0x00004698, 0);
    assert_true(intc.lapic[2].init_pending);
    assert_true(intc.lapic[2].sipi_pending);
    assert_int_equal(intc.lapic[2].sipi_vector, 0x98);
    assert_false(intc.lapic[1].init_pending);
}

static void timers_of_every_vcpu(void **state)
{
    vdev_intc_t intc;

    (void)state;
    setup(&intc, 2);
    vdev_lapic_mmio_write(&intc.lapic[1], VDEV_LAPIC_TIMER_DIVIDE, 4, 0xb, 0);
    vdev_lapic_mmio_write(&intc.lapic[1], VDEV_LAPIC_LVT_TIMER, 4, 0x80, 0);
    vdev_lapic_mmio_write(&intc.lapic[1], VDEV_LAPIC_TIMER_INITIAL, 4, 500, 100);
    assert_int_equal(vdev_intc_next_deadline(&intc, 100), 600);
    vdev_intc_advance(&intc, 600);
    assert_int_equal(vdev_lapic_pending_vector(&intc.lapic[1]), 0x80);
    assert_int_equal(vdev_intc_next_deadline(&intc, 600), VDEV_NO_DEADLINE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(irq0_reaches_pic_and_pin_2),
            cmocka_unit_test(extint_through_lint0),
            cmocka_unit_test(nmi_first_and_windows),
            cmocka_unit_test(level_eoi_returns_to_ioapic),
            cmocka_unit_test(pci_lines_and_msi),
            cmocka_unit_test(ipis_between_vcpus),
            cmocka_unit_test(timers_of_every_vcpu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
