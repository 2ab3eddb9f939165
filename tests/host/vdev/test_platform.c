/*
 * Host tests of the whole platform through the guest's own means (ports, MMIO, MSRs) as a
 * guest kernel uses them: the 8259 and PIT set up by port writes and the timer's interrupts
 * injected one by one (ExtINT through LINT0, then through the I/O APIC), COM1 output and input
 * with IRQ 4, the RTC and PM timer by port, the ways to end a VM (debug exit, ACPI S5, reset
 * register), PCI configuration by port, the xAPIC page following IA32_APIC_BASE, unclaimed ports
 * and addresses, and every deadline lying ahead once the platform has been advanced.
 */
#include "vdev_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static const vdev_cpu_interruptibility_t open_cpu = {.interrupts_enabled = true};

static void outb(vdev_platform_t *p, uint16_t port, uint8_t value, uint64_t now)
{
    assert_int_equal(vdev_platform_io_out(p, port, 1, value, now), VDEV_BUS_OK);
}

static uint8_t inb(vdev_platform_t *p, uint16_t port, uint64_t now)
{
    uint32_t value;

    vdev_platform_io_in(p, port, 1, &value, now);
    return (uint8_t)value;
}

static uint32_t mmio32(vdev_platform_t *p, uint64_t address, uint64_t now)
{
    uint64_t value;

    vdev_platform_mmio_read(p, 0, address, 4, &value, now);
    return (uint32_t)value;
}

static void mmio_write32(vdev_platform_t *p, uint64_t address, uint32_t value, uint64_t now)
{
    vdev_platform_mmio_write(p, 0, address, 4, value, now);
}

static void pic_init(vdev_platform_t *p, uint8_t mask)
{
    const uint8_t icw[] = {0x11, 0x20, 0x04, 0x01};

    outb(p, 0x21, 0xff, 0);
    outb(p, 0xa1, 0xff, 0);
    for (unsigned i = 0; i < 4; i++) {
        outb(p, i == 0 ? 0x20 : 0x21, icw[i], 0);
        outb(p, i == 0 ? 0xa0 : 0xa1, (uint8_t)(i == 1 ? 0x28 : i == 2 ? 0x02 : icw[i]), 0);
    }
    outb(p, 0x21, mask, 0);
    outb(p, 0xa1, 0xff, 0);
}

/* Runs the VM's "event loop" until `until`: advance to each deadline, inject what is ready,
 * let the "handler" EOI. Returns the vectors injected, counted. */
static unsigned run(vdev_platform_t *p, uint64_t from, uint64_t until, uint8_t vector,
                    bool lapic_eoi)
{
    unsigned count = 0;
    uint64_t now = from;

    while (now < until) {
        vdev_intr_t intr;
        uint64_t next;

        vdev_platform_advance(p, now);
        vdev_intc_pending(&p->intc, 0, &open_cpu, &intr);
        while (intr.kind != VDEV_INTR_NONE) {
            assert_int_equal(vdev_intc_ack(&p->intc, 0, intr.kind), vector);
            count++;
            if (lapic_eoi) {
                mmio_write32(p, 0xfee000b0, 0, now);
            } else {
                outb(p, 0x20, 0x20, now);
            }
            vdev_intc_pending(&p->intc, 0, &open_cpu, &intr);
        }
        next = vdev_platform_next_deadline(p, now);
        assert_true(next > now);
        now = next;
    }
    return count;
}

static void pit_through_pic_then_ioapic(void **state)
{
    vdev_platform_t p;
    unsigned count;

    (void)state;
    test_platform_init(&p, 1, NULL);
    pic_init(&p, 0xfe);
    outb(&p, 0x43, 0x34, 0); /* channel 0, mode 2 */
    outb(&p, 0x40, 0xa9, 0); /* 1193: about 1 kHz */
    outb(&p, 0x40, 0x04, 0);
    /* OUT rises when the mode 2 control word is written (it was low in mode 0 at power-on),
     * then once per period: at 0.99985 ms, 1.9997 ms, ... 9.9985 ms. */
    count = run(&p, 0, 10000000, 0x20, false);
    assert_int_equal(count, 11);
    assert_int_equal(inb(&p, 0x20, 10000000), 0x00); /* nothing left in IRR */
    /* The same interrupts through the I/O APIC: mask the 8259, route pin 2 to vector 0x40. */
    outb(&p, 0x21, 0xff, 10000000);
    mmio_write32(&p, 0xfee000f0, 0x1ff, 10000000);   /* SVR: enabled */
    mmio_write32(&p, 0xfee00350, 0x10700, 10000000); /* LINT0 masked */
    mmio_write32(&p, 0xfec00000, 0x14, 10000000);    /* pin 2, low dword */
    mmio_write32(&p, 0xfec00010, 0x40, 10000000);
    count = run(&p, 10000000, 20000000, 0x40, true); /* 10.998 ms to 19.997 ms */
    assert_int_equal(count, 10);
}

static void com1_output_and_input(void **state)
{
    vdev_platform_t p;
    test_output_t out;
    vdev_intr_t intr;
    const char *text = "hello from COM1\n";

    (void)state;
    test_platform_init(&p, 1, &out);
    for (const char *c = text; *c != '\0'; c++) {
        while (!(inb(&p, 0x3fd, 0) & 0x20)) {
        }
        outb(&p, 0x3f8, (uint8_t)*c, 0);
    }
    assert_int_equal(out.length, strlen(text));
    assert_memory_equal(out.bytes, text, strlen(text));
    /* Input on IRQ 4 through the I/O APIC. */
    mmio_write32(&p, 0xfee000f0, 0x1ff, 0);
    mmio_write32(&p, 0xfec00000, 0x18, 0);
    mmio_write32(&p, 0xfec00010, 0x44, 0);
    outb(&p, 0x3fc, 0x0b, 0); /* DTR, RTS, OUT2 */
    outb(&p, 0x3f9, 0x01, 0); /* received data interrupt */
    assert_int_equal(vdev_platform_console_input(&p, (const uint8_t *)"ls\r", 3, 100), 1);
    vdev_intc_pending(&p.intc, 0, &open_cpu, &intr);
    assert_int_equal(intr.kind, VDEV_INTR_FIXED);
    assert_int_equal(intr.vector, 0x44);
    assert_int_equal(inb(&p, 0x3fa, 100), 0x04);
    assert_int_equal(inb(&p, 0x3f8, 100), 'l');
    assert_int_equal(inb(&p, 0x3fa, 100), 0x01);
}

static void ending_the_vm(void **state)
{
    vdev_platform_t p;

    (void)state;
    test_platform_init(&p, 1, NULL);
    outb(&p, 0xf4, 0x21, 0);
    assert_int_equal(p.power.exit.kind, VDEV_EXIT_DEBUG_EXIT);
    assert_int_equal(p.power.exit.status, 0x43);
    test_platform_init(&p, 1, NULL);
    assert_int_equal(vdev_platform_io_out(&p, 0xf4, 4, 0, 0), VDEV_BUS_OK);
    assert_int_equal(p.power.exit.status, 1);
    test_platform_init(&p, 1, NULL);
    assert_int_equal(vdev_platform_io_out(&p, 0x604, 2, 5u << 10 | 1u << 13, 0), VDEV_BUS_OK);
    assert_int_equal(p.power.exit.kind, VDEV_EXIT_POWER_OFF);
    assert_int_equal(p.power.exit.status, 0);
    test_platform_init(&p, 1, NULL);
    outb(&p, 0xcf9, 0x06, 0);
    assert_int_equal(p.power.exit.kind, VDEV_EXIT_RESET);
}

static void ports_of_every_device(void **state)
{
    vdev_platform_t p;
    uint32_t v;
    const uint64_t second = 1000000000ull;

    (void)state;
    test_platform_init(&p, 1, NULL);
    /* PCI: the host bridge by dword and byte, CONFIG_ADDRESS only as a dword. */
    assert_int_equal(vdev_platform_io_out(&p, 0xcf8, 4, 0x80000000, 0), VDEV_BUS_OK);
    assert_int_equal(vdev_platform_io_in(&p, 0xcfc, 4, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0x29c08086);
    assert_int_equal(inb(&p, 0xcfe, 0), 0xc0);
    assert_int_equal(vdev_platform_io_in(&p, 0xcf8, 4, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0x80000000);
    assert_int_equal(vdev_platform_io_in(&p, 0xcf8, 2, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0xffff);
    assert_int_equal(vdev_platform_io_out(&p, 0xcf8, 4, 0x80000800, 0), VDEV_BUS_OK);
    assert_int_equal(vdev_platform_io_in(&p, 0xcfc, 4, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0xffffffff); /* 00:01.0 is absent */
    /* RTC: the year in BCD; CMOS memory size. */
    outb(&p, 0x70, 0x09, 0);
    assert_int_equal(inb(&p, 0x71, 0), 0x26);
    outb(&p, 0x70, 0x34, 0);
    assert_int_equal(inb(&p, 0x71, 0), 0x00);
    outb(&p, 0x70, 0x35, 0);
    assert_int_equal(inb(&p, 0x71, 0), 0x0f); /* (256 - 16) MiB in 64 KiB units */
    /* PM timer, a dword at 0x608. */
    assert_int_equal(vdev_platform_io_in(&p, 0x608, 4, &v, second), VDEV_BUS_OK);
    assert_int_equal(v, 3579545);
    /* Port B and the POST code port. */
    outb(&p, 0x80, 0x42, 0);
    assert_int_equal(p.post_code, 0x42);
    assert_int_equal(inb(&p, 0x61, 0) & 0x0f, 0);
    /* ELCR. */
    outb(&p, 0x4d1, 0xff, 0);
    assert_int_equal(inb(&p, 0x4d1, 0), 0xde);
    /* Nobody at the keyboard controller: all-ones, counted. */
    assert_int_equal(vdev_platform_io_in(&p, 0x64, 1, &v, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(v, 0xff);
    assert_int_equal(p.bus.stats.unclaimed_reads, 1);
    /* A 16-bit IN of the 8259's two ports: split into its two byte registers. */
    assert_int_equal(vdev_platform_io_in(&p, 0x20, 2, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0xfb00);
}

static void xapic_page_follows_apic_base(void **state)
{
    vdev_platform_t p;
    uint64_t v;
    const vdev_msr_cpu_t cpu = {.efer = 0x500, .paging = true};

    (void)state;
    test_platform_init(&p, 1, NULL);
    assert_int_equal(mmio32(&p, 0xfee00030, 0), 0x00050014);
    assert_int_equal(vdev_platform_mmio_read(&p, 0, 0xfee00030, 8, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0x00050014); /* the next dword, at 0x34, reads 0 */
    v = 0xfed00800;
    assert_int_equal(vdev_platform_msr_write(&p, 0, &cpu, VDEV_APIC_BASE_MSR, &v, 0), VDEV_MSR_OK);
    assert_int_equal(vdev_platform_mmio_read(&p, 0, 0xfee00030, 4, &v, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(mmio32(&p, 0xfed00030, 0), 0x00050014);
    /* Onto the I/O APIC: refused by the bus; the page is not decoded, the I/O APIC still is. */
    v = 0xfec00800;
    assert_int_equal(vdev_platform_msr_write(&p, 0, &cpu, VDEV_APIC_BASE_MSR, &v, 0), VDEV_MSR_OK);
    assert_int_equal(p.lapic_page_conflicts, 1);
    mmio_write32(&p, 0xfec00000, 0x01, 0);
    assert_int_equal(mmio32(&p, 0xfec00010, 0), 0x00170020);
    /* x2APIC mode: no page at all. */
    v = 0xfee00c00;
    assert_int_equal(vdev_platform_msr_write(&p, 0, &cpu, VDEV_APIC_BASE_MSR, &v, 0), VDEV_MSR_OK);
    assert_int_equal(vdev_platform_mmio_read(&p, 0, 0xfee00030, 4, &v, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(vdev_platform_msr_read(&p, 0, 0x803, &v, 0), VDEV_MSR_OK);
    assert_int_equal(v, 0x00050014);
    assert_int_equal(vdev_platform_msr_read(&p, 3, 0x803, &v, 0), VDEV_MSR_GP); /* no vCPU 3 */
}

static void deadlines_lie_ahead(void **state)
{
    vdev_platform_t p;
    test_random_t r = {314};
    uint64_t now = 0;
    const uint16_t ports[] = {0x40,  0x41,  0x42,  0x43,  0x61,  0x70, 0x71,
                              0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x20, 0x21};

    (void)state;
    test_platform_init(&p, 1, NULL);
    mmio_write32(&p, 0xfee000f0, 0x1ff, 0);
    for (unsigned i = 0; i < 100000; i++) {
        unsigned what = (unsigned)test_random_below(&r, 10);

        now += test_random_below(&r, 2000000);
        if (what < 6) {
            uint16_t port = ports[test_random_below(&r, sizeof(ports) / sizeof(ports[0]))];
            vdev_platform_io_out(&p, port, 1, (uint32_t)test_random_next(&r), now);
        } else if (what < 8) {
            uint32_t offset = 0x300 + 0x10 * (uint32_t)test_random_below(&r, 0xf);
            mmio_write32(&p, 0xfee00000 + offset, (uint32_t)test_random_next(&r), now);
        } else {
            vdev_intr_t intr;
            vdev_intc_pending(&p.intc, 0, &open_cpu, &intr);
            if (intr.kind != VDEV_INTR_NONE) {
                vdev_intc_ack(&p.intc, 0, intr.kind);
            }
        }
        vdev_platform_advance(&p, now);
        assert_true(vdev_platform_next_deadline(&p, now) > now);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(pit_through_pic_then_ioapic),
            cmocka_unit_test(com1_output_and_input),
            cmocka_unit_test(ending_the_vm),
            cmocka_unit_test(ports_of_every_device),
            cmocka_unit_test(xapic_page_follows_apic_base),
            cmocka_unit_test(deadlines_lie_ahead),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
