/*
 * Host tests of virtio-console (virtio 1.2 5.3: one port, receiveq 0 and transmitq 1) and
 * virtio-rng (5.4): the guest's output reaching the callback in order across buffers, input
 * filling the driver's receive buffers and waiting when there are none, the entropy callback's
 * bytes in the guest's buffers with the length in the used ring and its bound per chain, and
 * buffers of the wrong direction breaking the device.
 */
#include "vdev_test.h"
#include "virtio_driver.h"

#include <vdev/virtio_console.h>
#include <vdev/virtio_rng.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define IRQ    11u
#define BUFFER 0x40000u

typedef struct console_rig {
    drv_t d;
    vdev_virtio_console_t console;
    line_recorder_t rec;
    char out[256];
    size_t out_length;
} console_rig_t;

static void collect(void *context, uint8_t byte)
{
    console_rig_t *r = context;

    if (r->out_length < sizeof(r->out)) {
        r->out[r->out_length++] = (char)byte;
    }
}

static void console_rig_init(console_rig_t *r)
{
    vdev_virtio_console_config_t config;

    memset(r, 0, sizeof(*r));
    drv_ram_init(&r->d, DRV_RAM_BYTES);
    config = (vdev_virtio_console_config_t){.memory = &r->d.memory,
                                            .irq = line_recorder_line(&r->rec, IRQ),
                                            .transmit = collect,
                                            .transmit_context = r};
    vdev_virtio_console_init(&r->console, &config);
    r->d.transport = &r->console.transport;
}

static void console_transmit(void **state)
{
    console_rig_t r;
    uint32_t id, len;

    (void)state;
    console_rig_init(&r);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_ID), 3);
    drv_write(&r.d, DRV_QUEUE_SEL, 1);
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_NUM_MAX), 64);
    drv_write(&r.d, DRV_QUEUE_SEL, 2);
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_NUM_MAX), 0);
    drv_start(&r.d, 2, 16, 0);
    memcpy(r.d.ram + BUFFER, "hello, ", 7);
    memcpy(r.d.ram + BUFFER + 0x1000, "world\n", 6);
    drv_desc(&r.d, 1, 0, BUFFER, 7, DRV_D_NEXT, 1);
    drv_desc(&r.d, 1, 1, BUFFER + 0x1000, 6, 0, 0);
    drv_avail(&r.d, 1, 0);
    assert_int_equal(r.out_length, 13);
    assert_memory_equal(r.out, "hello, world\n", 13);
    assert_int_equal(drv_used_idx(&r.d, 1), 1);
    drv_used_elem(&r.d, 1, 0, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, 0);
    /* A 200-byte buffer crosses the device's copy chunks. */
    for (unsigned i = 0; i < 200; i++) {
        r.d.ram[BUFFER + i] = (uint8_t)('a' + i % 26);
    }
    r.out_length = 0;
    drv_desc(&r.d, 1, 2, BUFFER, 200, 0, 0);
    drv_avail(&r.d, 1, 2);
    assert_int_equal(r.out_length, 200);
    assert_int_equal(r.out[199], 'a' + 199 % 26);
    /* A transmit buffer the device would have to write breaks the device. */
    drv_desc(&r.d, 1, 3, BUFFER, 4, DRV_D_WRITE, 0);
    drv_avail(&r.d, 1, 3);
    assert_true(drv_read(&r.d, DRV_STATUS) & DRV_S_NEEDS_RESET);
    assert_int_equal(drv_used_idx(&r.d, 1), 2);
    assert_int_equal(r.console.requests, 2); /* the used ones: not the one that broke it */
    drv_ram_free(&r.d);
}

static void console_receive(void **state)
{
    console_rig_t r;
    uint32_t id, len;

    (void)state;
    console_rig_init(&r);
    /* Not live: nothing taken. */
    assert_int_equal(vdev_virtio_console_input(&r.console, (const uint8_t *)"x", 1), 0);
    drv_start(&r.d, 2, 16, 0);
    assert_int_equal(vdev_virtio_console_input(&r.console, (const uint8_t *)"x", 1), 0);
    drv_desc(&r.d, 0, 0, BUFFER, 4, DRV_D_WRITE, 0);
    drv_desc(&r.d, 0, 1, BUFFER + 0x100, 4, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 0);
    drv_avail(&r.d, 0, 1);
    assert_int_equal(drv_used_idx(&r.d, 0), 0); /* nothing to give yet */
    assert_int_equal(vdev_virtio_console_input(&r.console, (const uint8_t *)"abcdefghij", 10), 8);
    assert_memory_equal(r.d.ram + BUFFER, "abcd", 4);
    assert_memory_equal(r.d.ram + BUFFER + 0x100, "efgh", 4);
    assert_int_equal(drv_used_idx(&r.d, 0), 2);
    drv_used_elem(&r.d, 0, 1, &id, &len);
    assert_int_equal(id, 1);
    assert_int_equal(len, 4);
    assert_true(r.rec.level[IRQ]);
    /* Fewer bytes than the buffer: the used length says how many. */
    drv_avail(&r.d, 0, 0);
    assert_int_equal(vdev_virtio_console_input(&r.console, (const uint8_t *)"ij", 2), 2);
    drv_used_elem(&r.d, 0, 2, &id, &len);
    assert_int_equal(len, 2);
    /* A receive buffer the device would have to read breaks the device. */
    drv_desc(&r.d, 0, 2, BUFFER, 4, 0, 0);
    drv_avail(&r.d, 0, 2);
    assert_int_equal(vdev_virtio_console_input(&r.console, (const uint8_t *)"k", 1), 0);
    assert_true(drv_read(&r.d, DRV_STATUS) & DRV_S_NEEDS_RESET);
    assert_int_equal(r.console.requests, 3);
    drv_ram_free(&r.d);
}

typedef struct rng_rig {
    drv_t d;
    vdev_virtio_rng_t rng;
    line_recorder_t rec;
    uint8_t next;
} rng_rig_t;

static void counting_fill(void *context, uint8_t *out, size_t length)
{
    rng_rig_t *r = context;

    for (size_t i = 0; i < length; i++) {
        out[i] = r->next++;
    }
}

static void rng_fills_and_bounds(void **state)
{
    rng_rig_t r;
    vdev_virtio_rng_config_t config;
    uint32_t id, len;

    (void)state;
    memset(&r, 0, sizeof(r));
    drv_ram_init(&r.d, DRV_RAM_BYTES);
    config = (vdev_virtio_rng_config_t){.memory = &r.d.memory,
                                        .irq = line_recorder_line(&r.rec, IRQ),
                                        .fill = counting_fill,
                                        .fill_context = &r};
    vdev_virtio_rng_init(&r.rng, &config);
    r.d.transport = &r.rng.transport;
    drv_start(&r.d, 1, 16, 0);
    drv_desc(&r.d, 0, 0, BUFFER, 100, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 0);
    drv_used_elem(&r.d, 0, 0, &id, &len);
    assert_int_equal(len, 100);
    for (unsigned i = 0; i < 100; i++) {
        assert_int_equal(r.d.ram[BUFFER + i], (uint8_t)i);
    }
    /* A chain of 10000 bytes gets 4096. */
    memset(r.d.ram + BUFFER, 0xee, 0x3000);
    drv_desc(&r.d, 0, 1, BUFFER, 3000, DRV_D_WRITE | DRV_D_NEXT, 2);
    drv_desc(&r.d, 0, 2, BUFFER + 3000, 7000, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 1);
    drv_used_elem(&r.d, 0, 1, &id, &len);
    assert_int_equal(id, 1);
    assert_int_equal(len, 4096);
    assert_int_equal(r.d.ram[BUFFER + 4095], (uint8_t)(100 + 4095));
    assert_int_equal(r.d.ram[BUFFER + 4096], 0xee);
    assert_int_equal(r.rng.requests, 2);
    drv_ram_free(&r.d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(console_transmit),
            cmocka_unit_test(console_receive),
            cmocka_unit_test(rng_fills_and_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
