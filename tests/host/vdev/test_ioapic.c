/*
 * Host tests of the I/O APIC against the 82093AA datasheet: the ID, version and arbitration
 * registers, redirection entries (writable and read-only bits), edge delivery (once per rising
 * assertion, lost while masked), level delivery with remote IRR (nothing more until the local
 * APIC's EOI or the EOI register, redelivery while still asserted), polarity, remote IRR
 * cleared by switching to edge, a message nobody accepts, and the MMIO window's widths.
 */
#include "vdev_test.h"

#include <vdev/ioapic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

typedef struct sink {
    vdev_apic_msg_t msgs[64];
    unsigned count;
    bool refuse;
} sink_t;

static bool sink_deliver(void *context, const vdev_apic_msg_t *msg)
{
    sink_t *s = context;

    if (s->refuse) {
        return false;
    }
    s->msgs[s->count++ % 64] = *msg;
    return true;
}

static void setup(vdev_ioapic_t *io, sink_t *s)
{
    memset(s, 0, sizeof(*s));
    vdev_ioapic_init(io, 2, 0, sink_deliver, s);
}

static void write_entry(vdev_ioapic_t *io, unsigned pin, uint64_t entry)
{
    vdev_ioapic_mmio_write(io, 0x00, 4, 0x11 + 2 * pin);
    vdev_ioapic_mmio_write(io, 0x10, 4, entry >> 32);
    vdev_ioapic_mmio_write(io, 0x00, 4, 0x10 + 2 * pin);
    vdev_ioapic_mmio_write(io, 0x10, 4, (uint32_t)entry);
}

static uint64_t read_entry(vdev_ioapic_t *io, unsigned pin)
{
    uint64_t low, high;

    vdev_ioapic_mmio_write(io, 0x00, 4, 0x10 + 2 * pin);
    low = vdev_ioapic_mmio_read(io, 0x10, 4) & UINT32_MAX;
    vdev_ioapic_mmio_write(io, 0x00, 4, 0x11 + 2 * pin);
    high = vdev_ioapic_mmio_read(io, 0x10, 4) & UINT32_MAX;
    return high << 32 | low;
}

static void identity_registers(void **state)
{
    vdev_ioapic_t io;
    sink_t s;

    (void)state;
    setup(&io, &s);
    assert_int_equal(vdev_ioapic_read_register(&io, 0), 0x02000000);
    assert_int_equal(vdev_ioapic_read_register(&io, 1), 0x00170020);
    assert_int_equal(vdev_ioapic_read_register(&io, 2), 0x02000000);
    vdev_ioapic_write_register(&io, 0, 0xffffffff);
    assert_int_equal(vdev_ioapic_read_register(&io, 0), 0x0f000000);
    vdev_ioapic_write_register(&io, 1, 0);
    assert_int_equal(vdev_ioapic_read_register(&io, 1), 0x00170020);
    assert_int_equal(vdev_ioapic_read_register(&io, 0x40), 0); /* past the last entry */
    for (unsigned pin = 0; pin < VDEV_IOAPIC_PINS; pin++) {
        assert_int_equal(read_entry(&io, pin), VDEV_IOAPIC_MASKED);
    }
    /* Read-only bits stay: delivery status, remote IRR; the high dword keeps bits 63:56. */
    write_entry(&io, 3, UINT64_MAX);
    assert_int_equal(read_entry(&io, 3), 0xff0000000001afffull);
}

static void edge_delivery(void **state)
{
    vdev_ioapic_t io;
    sink_t s;

    (void)state;
    setup(&io, &s);
    write_entry(&io, 4, 0x31 | (1ull << 11) | (3ull << 56));
    vdev_ioapic_set_pin(&io, 4, true);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.msgs[0].vector, 0x31);
    assert_true(s.msgs[0].logical);
    assert_int_equal(s.msgs[0].destination, 3);
    assert_false(s.msgs[0].level_triggered);
    vdev_ioapic_set_pin(&io, 4, true); /* still high: no new edge */
    vdev_ioapic_set_pin(&io, 4, false);
    assert_int_equal(s.count, 1);
    write_entry(&io, 4, 0x31 | VDEV_IOAPIC_MASKED);
    vdev_ioapic_set_pin(&io, 4, true);
    vdev_ioapic_set_pin(&io, 4, false);
    write_entry(&io, 4, 0x31);
    assert_int_equal(s.count, 1); /* the edge while masked is lost */
    vdev_ioapic_set_pin(&io, 4, true);
    assert_int_equal(s.count, 2);
}

static void level_delivery_and_remote_irr(void **state)
{
    vdev_ioapic_t io;
    sink_t s;

    (void)state;
    setup(&io, &s);
    write_entry(&io, 9, 0x49 | VDEV_IOAPIC_LEVEL);
    vdev_ioapic_set_pin(&io, 9, true);
    assert_int_equal(s.count, 1);
    assert_true(s.msgs[0].level_triggered);
    assert_true(read_entry(&io, 9) & VDEV_IOAPIC_REMOTE_IRR);
    vdev_ioapic_set_pin(&io, 9, false);
    vdev_ioapic_set_pin(&io, 9, true);
    assert_int_equal(s.count, 1); /* remote IRR holds it back */
    vdev_ioapic_eoi(&io, 0x48);   /* another vector: nothing */
    assert_int_equal(s.count, 1);
    vdev_ioapic_eoi(&io, 0x49); /* still asserted: delivered again */
    assert_int_equal(s.count, 2);
    vdev_ioapic_set_pin(&io, 9, false);
    vdev_ioapic_mmio_write(&io, 0x40, 4, 0x49); /* the EOI register */
    assert_false(read_entry(&io, 9) & VDEV_IOAPIC_REMOTE_IRR);
    assert_int_equal(s.count, 2);
    /* An asserted level pin is delivered when unmasked. */
    write_entry(&io, 9, 0x49 | VDEV_IOAPIC_LEVEL | VDEV_IOAPIC_MASKED);
    vdev_ioapic_set_pin(&io, 9, true);
    assert_int_equal(s.count, 2);
    write_entry(&io, 9, 0x49 | VDEV_IOAPIC_LEVEL);
    assert_int_equal(s.count, 3);
    /* Switching to edge clears remote IRR. */
    write_entry(&io, 9, 0x49 | VDEV_IOAPIC_LEVEL | VDEV_IOAPIC_MASKED);
    assert_true(read_entry(&io, 9) & VDEV_IOAPIC_REMOTE_IRR);
    write_entry(&io, 9, 0x49 | VDEV_IOAPIC_MASKED);
    assert_false(read_entry(&io, 9) & VDEV_IOAPIC_REMOTE_IRR);
}

static void refused_message_leaves_remote_irr_clear(void **state)
{
    vdev_ioapic_t io;
    sink_t s;

    (void)state;
    setup(&io, &s);
    s.refuse = true;
    write_entry(&io, 10, 0x50 | VDEV_IOAPIC_LEVEL);
    vdev_ioapic_set_pin(&io, 10, true);
    assert_false(read_entry(&io, 10) & VDEV_IOAPIC_REMOTE_IRR);
    assert_int_equal(io.dropped, 1);
    setup(&io, &s); /* accepting again */
    write_entry(&io, 11, 0x51 | (VDEV_APIC_EXTINT << 8));
    vdev_ioapic_set_pin(&io, 11, true);
    assert_int_equal(s.count, 0); /* ExtINT: nothing is wired to deliver */
    assert_int_equal(io.dropped, 1);
    write_entry(&io, 12, 0x52 | (VDEV_APIC_NMI << 8));
    vdev_ioapic_set_pin(&io, 12, true);
    assert_int_equal(s.msgs[0].delivery, VDEV_APIC_NMI);
}

static void polarity(void **state)
{
    vdev_ioapic_t io;
    sink_t s;

    (void)state;
    setup(&io, &s);
    /* A pin idle low programmed active low is asserted at once (level). */
    write_entry(&io, 16, 0x60 | VDEV_IOAPIC_LEVEL | VDEV_IOAPIC_ACTIVE_LOW);
    assert_int_equal(s.count, 1);
    vdev_ioapic_eoi(&io, 0x60);
    assert_int_equal(s.count, 2);
    vdev_ioapic_set_pin(&io, 16, true); /* de-asserted */
    vdev_ioapic_eoi(&io, 0x60);
    assert_int_equal(s.count, 2);
    /* Edge, active low: the falling electrical edge delivers. */
    write_entry(&io, 17, 0x61 | VDEV_IOAPIC_ACTIVE_LOW | VDEV_IOAPIC_MASKED);
    vdev_ioapic_set_pin(&io, 17, true);
    write_entry(&io, 17, 0x61 | VDEV_IOAPIC_ACTIVE_LOW);
    vdev_ioapic_set_pin(&io, 17, false);
    assert_int_equal(s.count, 3);
    assert_int_equal(s.msgs[2].vector, 0x61);
}

static void window_widths(void **state)
{
    vdev_ioapic_t io;
    sink_t s;

    (void)state;
    setup(&io, &s);
    vdev_ioapic_mmio_write(&io, 0x00, 1, 0x01);
    assert_int_equal(vdev_ioapic_mmio_read(&io, 0x00, 4), 0x01);
    assert_int_equal(vdev_ioapic_mmio_read(&io, 0x10, 1), 0x20);
    assert_int_equal(vdev_ioapic_mmio_read(&io, 0x12, 1), 0x17);
    assert_int_equal(vdev_ioapic_mmio_read(&io, 0x12, 2), 0x0017);
    assert_int_equal(vdev_ioapic_mmio_read(&io, 0x20, 4), 0);
    vdev_ioapic_mmio_write(&io, 0x00, 4, 0x12);
    vdev_ioapic_mmio_write(&io, 0x10, 2, 0x0040); /* a narrow IOWIN write is dropped */
    assert_int_equal(vdev_ioapic_read_register(&io, 0x12), VDEV_IOAPIC_MASKED);
    assert_int_equal(io.bad_accesses, 1);
    assert_int_equal(vdev_ioapic_mmio_read(&io, 0x13, 4), UINT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(identity_registers),
            cmocka_unit_test(edge_delivery),
            cmocka_unit_test(level_delivery_and_remote_irr),
            cmocka_unit_test(refused_message_leaves_remote_irr_clear),
            cmocka_unit_test(polarity),
            cmocka_unit_test(window_widths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
