/*
 * Host tests of the 8259A pair against the datasheet: the firmware state it starts in, the
 * ICW1-4 sequence, IRR latching while masked, INTA and the ISR, fully nested priority, non-
 * specific and specific EOI, auto-EOI, rotation and set-priority, special mask mode, special
 * fully nested mode, the cascade (vectors of the slave, the master's IR2 in service), spurious
 * IRQ 7 and IRQ 15, edge and level inputs through the ELCR and its fixed bits, poll mode.
 */
#include "vdev_test.h"

#include <vdev/pic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

static void out(vdev_pic_t *pic, unsigned port, uint8_t value)
{
    if (port == 0x4d0 || port == 0x4d1) {
        vdev_pic_elcr_write(pic, port & 1u, value);
    } else {
        vdev_pic_write(pic, port >= 0xa0 ? 1 : 0, port & 1u, value);
    }
}

static uint8_t in(vdev_pic_t *pic, unsigned port)
{
    if (port == 0x4d0 || port == 0x4d1) {
        return vdev_pic_elcr_read(pic, port & 1u);
    }
    return vdev_pic_read(pic, port >= 0xa0 ? 1 : 0, port & 1u);
}

/* The sequence a guest uses: vectors 0x20 and 0x28, cascade on IR2, 8086 mode, all unmasked. */
static void program(vdev_pic_t *pic, uint8_t icw4)
{
    out(pic, 0x20, 0x11);
    out(pic, 0xa0, 0x11);
    out(pic, 0x21, 0x20);
    out(pic, 0xa1, 0x28);
    out(pic, 0x21, 0x04);
    out(pic, 0xa1, 0x02);
    out(pic, 0x21, icw4);
    out(pic, 0xa1, icw4);
    out(pic, 0x21, 0x00);
    out(pic, 0xa1, 0x00);
}

static void pulse(vdev_pic_t *pic, unsigned irq)
{
    vdev_pic_set_irq(pic, irq, true);
    vdev_pic_set_irq(pic, irq, false);
}

static uint8_t read_isr(vdev_pic_t *pic, unsigned port)
{
    out(pic, port, 0x0b);
    return in(pic, port);
}

static uint8_t read_irr(vdev_pic_t *pic, unsigned port)
{
    out(pic, port, 0x0a);
    return in(pic, port);
}

static void firmware_state(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    assert_int_equal(in(&pic, 0x21), 0xfb);
    assert_int_equal(in(&pic, 0xa1), 0xff);
    assert_false(vdev_pic_output(&pic));
    out(&pic, 0x21, 0xfe);
    pulse(&pic, 0);
    assert_true(vdev_pic_output(&pic));
    assert_int_equal(vdev_pic_ack(&pic), 0x08);
    vdev_pic_write(&pic, 0, 0, 0x20);
    out(&pic, 0x21, 0xfb);
    out(&pic, 0xa1, 0xfe);
    pulse(&pic, 8);
    assert_int_equal(vdev_pic_ack(&pic), 0x70);
}

static void init_sequence_and_masking(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    pulse(&pic, 5); /* an edge before the guest initialises is forgotten by ICW1 */
    program(&pic, 0x01);
    assert_int_equal(read_irr(&pic, 0x20), 0);
    out(&pic, 0x21, 0xff);
    pulse(&pic, 0);
    assert_false(vdev_pic_output(&pic));
    assert_int_equal(read_irr(&pic, 0x20) & 1, 1); /* latched while masked */
    out(&pic, 0x21, 0xfe);
    assert_true(vdev_pic_output(&pic));
    assert_int_equal(vdev_pic_peek_vector(&pic), 0x20);
    assert_int_equal(vdev_pic_ack(&pic), 0x20);
    assert_int_equal(read_isr(&pic, 0x20), 0x01);
    assert_int_equal(read_irr(&pic, 0x20), 0x00);
    out(&pic, 0x20, 0x20); /* non-specific EOI */
    assert_int_equal(read_isr(&pic, 0x20), 0);
    /* In the middle of an initialisation nothing is requested. */
    pulse(&pic, 1);
    out(&pic, 0x20, 0x11);
    assert_false(vdev_pic_output(&pic));
}

static void fully_nested_priority(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    pulse(&pic, 3);
    assert_int_equal(vdev_pic_ack(&pic), 0x23);
    pulse(&pic, 5);
    assert_false(vdev_pic_output(&pic)); /* IRQ 5 waits behind IRQ 3 in service */
    pulse(&pic, 1);
    assert_true(vdev_pic_output(&pic)); /* IRQ 1 outranks it */
    assert_int_equal(vdev_pic_ack(&pic), 0x21);
    assert_int_equal(read_isr(&pic, 0x20), 0x0a);
    out(&pic, 0x20, 0x20); /* clears IRQ 1, the highest in service */
    assert_int_equal(read_isr(&pic, 0x20), 0x08);
    assert_false(vdev_pic_output(&pic));
    out(&pic, 0x20, 0x63); /* specific EOI for IRQ 3 */
    assert_int_equal(read_isr(&pic, 0x20), 0);
    assert_int_equal(vdev_pic_ack(&pic), 0x25);
}

static void auto_eoi(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x03);
    pulse(&pic, 4);
    pulse(&pic, 6);
    assert_int_equal(vdev_pic_ack(&pic), 0x24);
    assert_int_equal(read_isr(&pic, 0x20), 0);
    assert_int_equal(vdev_pic_ack(&pic), 0x26); /* nothing in service blocks it */
}

static void rotation_and_set_priority(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    pulse(&pic, 0);
    pulse(&pic, 4);
    assert_int_equal(vdev_pic_ack(&pic), 0x20);
    out(&pic, 0x20, 0xa0); /* rotate on non-specific EOI: IRQ 0 becomes the lowest */
    pulse(&pic, 0);
    assert_int_equal(vdev_pic_ack(&pic), 0x24); /* IRQ 4 now outranks IRQ 0 */
    out(&pic, 0x20, 0x20);
    assert_int_equal(vdev_pic_ack(&pic), 0x20);
    out(&pic, 0x20, 0x20);
    out(&pic, 0x20, 0xc5); /* set priority: IRQ 5 lowest, IRQ 6 highest */
    pulse(&pic, 3);
    pulse(&pic, 7);
    assert_int_equal(vdev_pic_ack(&pic), 0x27); /* 7 outranks 3 now */
    assert_int_equal(read_isr(&pic, 0x20), 0x80);
    assert_false(vdev_pic_output(&pic));
    out(&pic, 0x20, 0xe7); /* rotate on specific EOI of IRQ 7: 7 becomes the lowest */
    assert_int_equal(read_isr(&pic, 0x20), 0);
    pulse(&pic, 7);
    assert_int_equal(vdev_pic_ack(&pic), 0x23);
    /* 7, now the lowest, waits behind 3: an acknowledge now finds nothing (IRQ 7's vector). */
    assert_false(vdev_pic_output(&pic));
    assert_int_equal(vdev_pic_ack(&pic), 0x27);
    assert_int_equal(read_isr(&pic, 0x20), 0x08);
}

static void special_mask_mode(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    pulse(&pic, 3);
    assert_int_equal(vdev_pic_ack(&pic), 0x23);
    pulse(&pic, 5);
    assert_false(vdev_pic_output(&pic));
    out(&pic, 0x20, 0x68); /* OCW3: set special mask mode */
    out(&pic, 0x21, 0x08); /* mask IRQ 3, which is in service */
    assert_true(vdev_pic_output(&pic));
    assert_int_equal(vdev_pic_ack(&pic), 0x25);
    out(&pic, 0x20, 0x48); /* reset special mask mode */
    out(&pic, 0x21, 0x00);
    assert_int_equal(read_isr(&pic, 0x20), 0x28);
}

static void cascade_and_special_fully_nested(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    pulse(&pic, 9);
    assert_int_equal(vdev_pic_peek_vector(&pic), 0x29);
    assert_int_equal(vdev_pic_ack(&pic), 0x29);
    assert_int_equal(read_isr(&pic, 0x20), 0x04);
    assert_int_equal(read_isr(&pic, 0xa0), 0x02);
    pulse(&pic, 8);
    assert_false(vdev_pic_output(&pic)); /* the master's IR2 is in service */
    out(&pic, 0xa0, 0x20);
    out(&pic, 0x20, 0x20);
    assert_int_equal(vdev_pic_ack(&pic), 0x28);
    out(&pic, 0xa0, 0x20);
    out(&pic, 0x20, 0x20);

    program(&pic, 0x11); /* special fully nested mode */
    pulse(&pic, 9);
    assert_int_equal(vdev_pic_ack(&pic), 0x29);
    pulse(&pic, 8);
    assert_true(vdev_pic_output(&pic));
    assert_int_equal(vdev_pic_ack(&pic), 0x28);
    assert_int_equal(read_isr(&pic, 0xa0), 0x03);
    vdev_pic_set_irq(&pic, 2, true); /* ISA has no IRQ 2: ignored */
    assert_false(vdev_pic_output(&pic));
}

static void spurious_interrupts(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    out(&pic, 0x4d0, 0x08); /* IRQ 3 level-triggered */
    vdev_pic_set_irq(&pic, 3, true);
    assert_true(vdev_pic_output(&pic));
    vdev_pic_set_irq(&pic, 3, false); /* gone before the acknowledge */
    assert_int_equal(vdev_pic_ack(&pic), 0x27);
    assert_int_equal(read_isr(&pic, 0x20), 0);
    assert_int_equal(pic.spurious, 1);

    out(&pic, 0x4d1, 0x04); /* IRQ 10 level-triggered */
    vdev_pic_set_irq(&pic, 10, true);
    assert_int_equal(read_irr(&pic, 0x20) & 0x04, 0x04);
    vdev_pic_set_irq(&pic, 10, false);
    /* The master latched the cascade's edge; the slave has nothing: IRQ 15's vector. */
    assert_int_equal(vdev_pic_ack(&pic), 0x2f);
    assert_int_equal(read_isr(&pic, 0x20), 0x04);
    assert_int_equal(read_isr(&pic, 0xa0), 0);
    assert_int_equal(pic.spurious, 2);
}

static void edge_and_level_inputs(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    out(&pic, 0x4d0, 0xff);
    out(&pic, 0x4d1, 0xff);
    assert_int_equal(in(&pic, 0x4d0), 0xf8); /* IRQ 0, 1, 2 are always edge */
    assert_int_equal(in(&pic, 0x4d1), 0xde); /* IRQ 8 and 13 too */
    out(&pic, 0x4d0, 0x20);
    out(&pic, 0x4d1, 0x00);
    /* Level IRQ 5: delivered again after EOI while the line stays high. */
    vdev_pic_set_irq(&pic, 5, true);
    assert_int_equal(vdev_pic_ack(&pic), 0x25);
    assert_int_equal(read_irr(&pic, 0x20) & 0x20, 0x20);
    out(&pic, 0x20, 0x20);
    assert_int_equal(vdev_pic_ack(&pic), 0x25);
    vdev_pic_set_irq(&pic, 5, false);
    out(&pic, 0x20, 0x20);
    assert_false(vdev_pic_output(&pic));
    /* Edge IRQ 4: a line held high gives one interrupt only. */
    vdev_pic_set_irq(&pic, 4, true);
    assert_int_equal(vdev_pic_ack(&pic), 0x24);
    out(&pic, 0x20, 0x20);
    vdev_pic_set_irq(&pic, 4, true);
    assert_false(vdev_pic_output(&pic));
    vdev_pic_set_irq(&pic, 4, false);
    vdev_pic_set_irq(&pic, 4, true);
    assert_true(vdev_pic_output(&pic));
}

static void poll_mode(void **state)
{
    vdev_pic_t pic;

    (void)state;
    vdev_pic_init(&pic);
    program(&pic, 0x01);
    out(&pic, 0x20, 0x0c); /* OCW3: poll */
    assert_int_equal(in(&pic, 0x20), 0x00);
    pulse(&pic, 6);
    out(&pic, 0x20, 0x0c);
    assert_int_equal(in(&pic, 0x20), 0x86);
    assert_int_equal(read_isr(&pic, 0x20), 0x40); /* the poll acknowledged it */
    assert_int_equal(in(&pic, 0x20), 0x40);       /* and the read select is back */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(firmware_state),
            cmocka_unit_test(init_sequence_and_masking),
            cmocka_unit_test(fully_nested_priority),
            cmocka_unit_test(auto_eoi),
            cmocka_unit_test(rotation_and_set_priority),
            cmocka_unit_test(special_mask_mode),
            cmocka_unit_test(cascade_and_special_fully_nested),
            cmocka_unit_test(spurious_interrupts),
            cmocka_unit_test(edge_and_level_inputs),
            cmocka_unit_test(poll_mode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
