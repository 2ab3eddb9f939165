/*
 * Host tests of the virtio-mmio transport and the split virtqueue, driven as a driver would from
 * the specification's layouts (virtio_driver.h), on a virtio-rng device (one queue, the simplest
 * consumer): the register file, feature negotiation, queue setup and its checks, reset, the
 * interrupt line and its suppression, and every ring a hostile driver can write, each of which
 * must break only that device (DEVICE_NEEDS_RESET, a configuration interrupt, nothing processed
 * afterwards) until the driver resets it.
 */
#include "vdev_test.h"
#include "virtio_driver.h"

#include <vdev/virtio_rng.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define IRQ    5u
#define BUFFER 0x40000u

typedef struct rig {
    drv_t d;
    vdev_virtio_rng_t rng;
    line_recorder_t rec;
    unsigned fills;
} rig_t;

static void fill_pattern(void *context, uint8_t *out, size_t length)
{
    rig_t *r = context;

    for (size_t i = 0; i < length; i++) {
        out[i] = (uint8_t)(0xa0 + i);
    }
    r->fills++;
}

static void rig_init(rig_t *r, uint64_t ram)
{
    vdev_virtio_rng_config_t config;

    memset(r, 0, sizeof(*r));
    drv_ram_init(&r->d, ram);
    config = (vdev_virtio_rng_config_t){.memory = &r->d.memory,
                                        .irq = line_recorder_line(&r->rec, IRQ),
                                        .fill = fill_pattern,
                                        .fill_context = r};
    vdev_virtio_rng_init(&r->rng, &config);
    r->d.transport = &r->rng.transport;
}

static void rig_free(rig_t *r)
{
    drv_ram_free(&r->d);
}

/* The device is broken: NEEDS_RESET, the configuration-change interrupt, the line high. */
static void assert_broken(rig_t *r)
{
    assert_true(drv_read(&r->d, DRV_STATUS) & DRV_S_NEEDS_RESET);
    assert_true(drv_read(&r->d, DRV_INTERRUPT_STATUS) & 2u);
    assert_true(r->rec.level[IRQ]);
}

/* After a reset and a fresh start the device serves a request again. */
static void assert_recovers(rig_t *r)
{
    drv_write(&r->d, DRV_STATUS, 0);
    assert_int_equal(drv_read(&r->d, DRV_STATUS), 0);
    assert_int_equal(drv_read(&r->d, DRV_INTERRUPT_STATUS), 0);
    assert_false(r->rec.level[IRQ]);
    memset(r->d.ram + 0x10000, 0, 0x3000);
    drv_start(&r->d, 1, 16, 0);
    drv_desc(&r->d, 0, 0, BUFFER, 16, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
    assert_int_equal(drv_used_idx(&r->d, 0), 1);
    assert_int_equal(r->d.ram[BUFFER], 0xa0);
}

static void register_file(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    assert_int_equal(drv_read(&r.d, DRV_MAGIC), 0x74726976);
    assert_int_equal(drv_read(&r.d, DRV_VERSION), 2);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_ID), 4);
    assert_int_not_equal(drv_read(&r.d, DRV_VENDOR_ID), 0);
    drv_write(&r.d, DRV_DEVICE_FEAT_SEL, 1);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_FEATURES), 1); /* VERSION_1 is bit 32 */
    drv_write(&r.d, DRV_DEVICE_FEAT_SEL, 0);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_FEATURES), 0);
    drv_write(&r.d, DRV_DEVICE_FEAT_SEL, 2);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_FEATURES), 0);
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_NUM_MAX), 64);
    drv_write(&r.d, DRV_QUEUE_SEL, 1); /* no second queue */
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_NUM_MAX), 0);
    assert_int_equal(drv_read(&r.d, 0x0b0), 0xffffffffu); /* no shared memory region */
    /* Wrong widths and misaligned offsets read 0 and write nothing. */
    assert_int_equal(vdev_virtio_mmio_read(&r.rng.transport, DRV_MAGIC, 2), 0);
    assert_int_equal(vdev_virtio_mmio_read(&r.rng.transport, DRV_MAGIC, 1), 0);
    assert_int_equal(vdev_virtio_mmio_read(&r.rng.transport, DRV_MAGIC + 1, 4), 0);
    assert_int_equal(vdev_virtio_mmio_read(&r.rng.transport, DRV_MAGIC, 8), 0);
    vdev_virtio_mmio_write(&r.rng.transport, DRV_STATUS, 1, DRV_S_ACK, 0);
    vdev_virtio_mmio_write(&r.rng.transport, DRV_STATUS + 2, 4, DRV_S_ACK, 0);
    assert_int_equal(drv_read(&r.d, DRV_STATUS), 0);
    /* Past the window, and the configuration of a device that has none. */
    assert_int_equal(vdev_virtio_mmio_read(&r.rng.transport, 0x200, 4), 0);
    assert_int_equal(vdev_virtio_mmio_read(&r.rng.transport, DRV_CONFIG, 4), 0);
    rig_free(&r);
}

static void negotiation_rules(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    /* Without VERSION_1 FEATURES_OK does not stick. */
    assert_int_equal(drv_negotiate(&r.d, 0) & DRV_S_FEATURES_OK, 0);
    /* A feature the device did not offer. */
    assert_int_equal(drv_negotiate(&r.d, (1ull << 32) | (1ull << 28)) & DRV_S_FEATURES_OK, 0);
    assert_int_equal(drv_negotiate(&r.d, (1ull << 32) | (1ull << 33)) & DRV_S_FEATURES_OK, 0);
    /* DRIVER_OK without FEATURES_OK is refused. */
    drv_write(&r.d, DRV_STATUS, DRV_S_ACK | DRV_S_DRIVER | DRV_S_DRIVER_OK);
    assert_int_equal(drv_read(&r.d, DRV_STATUS) & DRV_S_DRIVER_OK, 0);
    /* FEATURES_OK without DRIVER is refused. */
    drv_write(&r.d, DRV_STATUS, 0);
    drv_write(&r.d, DRV_DRIVER_FEAT_SEL, 1);
    drv_write(&r.d, DRV_DRIVER_FEATURES, 1);
    drv_write(&r.d, DRV_STATUS, DRV_S_ACK | DRV_S_FEATURES_OK);
    assert_int_equal(drv_read(&r.d, DRV_STATUS) & DRV_S_FEATURES_OK, 0);
    /* The right way. */
    assert_int_equal(drv_negotiate(&r.d, 1ull << 32), DRV_S_ACK | DRV_S_DRIVER | DRV_S_FEATURES_OK);
    /* After FEATURES_OK the features are fixed, and status bits are not cleared but by 0. */
    drv_write(&r.d, DRV_DRIVER_FEAT_SEL, 1);
    drv_write(&r.d, DRV_DRIVER_FEATURES, 0);
    assert_true(r.rng.transport.driver_features & (1ull << 32));
    drv_write(&r.d, DRV_STATUS, DRV_S_ACK);
    assert_int_equal(drv_read(&r.d, DRV_STATUS), DRV_S_ACK | DRV_S_DRIVER | DRV_S_FEATURES_OK);
    /* The driver cannot set NEEDS_RESET itself. */
    drv_write(&r.d, DRV_STATUS, DRV_S_ACK | DRV_S_DRIVER | DRV_S_FEATURES_OK | DRV_S_NEEDS_RESET);
    assert_int_equal(drv_read(&r.d, DRV_STATUS), DRV_S_ACK | DRV_S_DRIVER | DRV_S_FEATURES_OK);
    rig_free(&r);
}

static void request_served_and_interrupt(void **state)
{
    rig_t r;
    uint32_t id, len;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_start(&r.d, 1, 16, 0);
    assert_int_equal(drv_read(&r.d, DRV_STATUS), 0xf);
    drv_desc(&r.d, 0, 3, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 5);
    drv_desc(&r.d, 0, 5, BUFFER + 0x100, 4, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 3);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    drv_used_elem(&r.d, 0, 0, &id, &len);
    assert_int_equal(id, 3);
    assert_int_equal(len, 12);
    assert_int_equal(r.d.ram[BUFFER + 7], 0xa7);
    assert_int_equal(r.d.ram[BUFFER + 8], 0);
    assert_int_equal(r.d.ram[BUFFER + 0x100], 0xa0);
    assert_int_equal(drv_read(&r.d, DRV_INTERRUPT_STATUS), 1);
    assert_true(r.rec.level[IRQ]);
    drv_write(&r.d, DRV_INTERRUPT_ACK, 1);
    assert_false(r.rec.level[IRQ]);
    assert_int_equal(drv_read(&r.d, DRV_INTERRUPT_STATUS), 0);
    /* With VIRTQ_AVAIL_F_NO_INTERRUPT the used ring moves, the line does not. */
    drv_avail_flags(&r.d, 0, 1);
    drv_avail(&r.d, 0, 5);
    assert_int_equal(drv_used_idx(&r.d, 0), 2);
    assert_int_equal(drv_read(&r.d, DRV_INTERRUPT_STATUS), 0);
    assert_false(r.rec.level[IRQ]);
    /* A second event while the line is high gives a new edge. */
    drv_avail_flags(&r.d, 0, 0);
    drv_avail(&r.d, 0, 5);
    drv_avail(&r.d, 0, 5);
    assert_int_equal(r.rec.rises[IRQ], 3);
    rig_free(&r);
}

static void notify_before_driver_ok_ignored(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_negotiate(&r.d, 1ull << 32);
    drv_queue_setup(&r.d, 0, 16, 0x10000);
    drv_desc(&r.d, 0, 0, BUFFER, 8, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 0);
    drv_driver_ok(&r.d);
    drv_kick(&r.d, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    /* A notification of a queue that does not exist does nothing. */
    drv_write(&r.d, DRV_QUEUE_NOTIFY, 7);
    drv_write(&r.d, DRV_QUEUE_NOTIFY, 0xffffffffu);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    /* Queue registers of a ready queue do not move it. */
    drv_write(&r.d, DRV_QUEUE_DESC_LO, 0x80000);
    assert_int_equal(r.rng.transport.queue[0].desc.value, 0x10000);
    rig_free(&r);
}

/* Queue setups that must break the device at QueueReady. */
static void bad_queue_setup(void **state)
{
    static const struct {
        uint32_t num;
        uint64_t desc, avail, used;
    } cases[] = {
            {0, 0x10000, 0x11000, 0x12000},                /* size 0 */
            {3, 0x10000, 0x11000, 0x12000},                /* not a power of two */
            {128, 0x10000, 0x11000, 0x12000},              /* above QueueNumMax (64) */
            {0x10000, 0x10000, 0x11000, 0x12000},          /* does not fit 16 bits */
            {16, 0x10008, 0x11000, 0x12000},               /* desc not 16-aligned */
            {16, 0x10000, 0x11001, 0x12000},               /* avail not 2-aligned */
            {16, 0x10000, 0x11000, 0x12002},               /* used not 4-aligned */
            {16, DRV_RAM_BYTES - 0xf0, 0x11000, 0x12000},  /* desc table past RAM */
            {16, 0x10000, DRV_RAM_BYTES - 36, 0x12000},    /* avail ring 2 bytes past RAM */
            {16, 0x10000, 0x11000, DRV_RAM_BYTES - 132},   /* used ring 2 bytes past RAM */
            {16, 0x10000, 0x11000, 0xfffffffffffff000ull}, /* used ring far above RAM */
            {16, 0xfffffffffffffff0ull, 0x11000, 0x12000}, /* desc table wrapping */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rig_t r;

        rig_init(&r, DRV_RAM_BYTES);
        drv_negotiate(&r.d, 1ull << 32);
        drv_write(&r.d, DRV_QUEUE_SEL, 0);
        drv_write(&r.d, DRV_QUEUE_NUM, cases[i].num);
        drv_write(&r.d, DRV_QUEUE_DESC_LO, (uint32_t)cases[i].desc);
        drv_write(&r.d, DRV_QUEUE_DESC_HI, (uint32_t)(cases[i].desc >> 32));
        drv_write(&r.d, DRV_QUEUE_AVAIL_LO, (uint32_t)cases[i].avail);
        drv_write(&r.d, DRV_QUEUE_AVAIL_HI, (uint32_t)(cases[i].avail >> 32));
        drv_write(&r.d, DRV_QUEUE_USED_LO, (uint32_t)cases[i].used);
        drv_write(&r.d, DRV_QUEUE_USED_HI, (uint32_t)(cases[i].used >> 32));
        drv_write(&r.d, DRV_QUEUE_READY, 1);
        assert_int_equal(drv_read(&r.d, DRV_QUEUE_READY), 0);
        assert_broken(&r);
        /* Broken: DRIVER_OK may be set, but nothing is processed. */
        drv_driver_ok(&r.d);
        drv_kick(&r.d, 0);
        assert_int_equal(r.fills, 0);
        assert_recovers(&r);
        rig_free(&r);
    }
}

/* Rings that fit exactly at the end of RAM are fine. */
static void rings_at_the_end_of_ram(void **state)
{
    rig_t r;
    uint64_t end = DRV_RAM_BYTES;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_negotiate(&r.d, 1ull << 32);
    r.d.queue[0] = (drv_queue_t){
            .size = 16, .desc = end - 0x1000, .avail = end - 38, .used = end - 0x200 - 136};
    drv_write(&r.d, DRV_QUEUE_SEL, 0);
    drv_write(&r.d, DRV_QUEUE_NUM, 16);
    drv_write(&r.d, DRV_QUEUE_DESC_LO, (uint32_t)r.d.queue[0].desc);
    drv_write(&r.d, DRV_QUEUE_AVAIL_LO, (uint32_t)r.d.queue[0].avail);
    drv_write(&r.d, DRV_QUEUE_USED_LO, (uint32_t)r.d.queue[0].used);
    drv_write(&r.d, DRV_QUEUE_READY, 1);
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_READY), 1);
    drv_driver_ok(&r.d);
    /* A buffer ending exactly at the end of RAM. */
    drv_desc(&r.d, 0, 15, end - 0x300, 4, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 15);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    assert_int_equal(drv_read(&r.d, DRV_STATUS) & DRV_S_NEEDS_RESET, 0);
    rig_free(&r);
}

typedef void (*hostile_fn)(rig_t *r);

static void hostile_avail_jump(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, DRV_D_WRITE, 0);
    drv_put16(&r->d, r->d.queue[0].avail + 2, 17); /* 17 new entries in a queue of 16 */
    drv_kick(&r->d, 0);
}

static void hostile_head_past_table(rig_t *r)
{
    drv_avail(&r->d, 0, 16);
}

static void hostile_next_past_table(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 16);
    drv_avail(&r->d, 0, 0);
}

static void hostile_loop(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_self_loop(rig_t *r)
{
    drv_desc(&r->d, 0, 7, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 7);
    drv_avail(&r->d, 0, 7);
}

/* 17 descriptors in a queue of 16, all distinct indices but one: a loop through all. */
static void hostile_full_cycle(rig_t *r)
{
    for (uint16_t i = 0; i < 16; i++) {
        drv_desc(&r->d, 0, i, BUFFER, 1, DRV_D_WRITE | DRV_D_NEXT, (uint16_t)((i + 1) % 16));
    }
    drv_avail(&r->d, 0, 0);
}

static void hostile_buffer_past_ram(rig_t *r)
{
    drv_desc(&r->d, 0, 0, DRV_RAM_BYTES - 4, 5, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_buffer_wraps(rig_t *r)
{
    drv_desc(&r->d, 0, 0, 0xfffffffffffffff0ull, 0x20, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_buffer_above_ram(rig_t *r)
{
    drv_desc(&r->d, 0, 0, 0xfeb00000ull, 4, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_second_buffer_past_ram(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, DRV_RAM_BYTES, 1, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_indirect(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 16, DRV_D_INDIRECT, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_readable_after_writable(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, BUFFER + 8, 8, 0, 0);
    drv_avail(&r->d, 0, 0);
}

/* The entropy device must write: a device-readable buffer is refused. */
static void hostile_read_only_buffer(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, 0, 0);
    drv_avail(&r->d, 0, 0);
}

/* A good request first, then the bad one: the good one is served, the rest never. */
static void hostile_after_good(rig_t *r)
{
    drv_desc(&r->d, 0, 0, BUFFER, 8, DRV_D_WRITE, 0);
    drv_desc(&r->d, 0, 1, BUFFER, 8, DRV_D_WRITE | DRV_D_NEXT, 99);
    drv_desc(&r->d, 0, 2, BUFFER, 8, DRV_D_WRITE, 0);
    drv_put16(&r->d, r->d.queue[0].avail + 4, 0);
    drv_put16(&r->d, r->d.queue[0].avail + 6, 1);
    drv_put16(&r->d, r->d.queue[0].avail + 8, 2);
    drv_put16(&r->d, r->d.queue[0].avail + 2, 3);
    r->d.queue[0].avail_idx = 3;
    drv_kick(&r->d, 0);
    assert_int_equal(drv_used_idx(&r->d, 0), 1);
}

static void hostile_rings(void **state)
{
    static const hostile_fn cases[] = {
            hostile_avail_jump,       hostile_head_past_table,
            hostile_next_past_table,  hostile_loop,
            hostile_self_loop,        hostile_full_cycle,
            hostile_buffer_past_ram,  hostile_buffer_wraps,
            hostile_buffer_above_ram, hostile_second_buffer_past_ram,
            hostile_indirect,         hostile_readable_after_writable,
            hostile_read_only_buffer, hostile_after_good,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rig_t r;
        uint16_t used;
        unsigned fills;

        rig_init(&r, DRV_RAM_BYTES);
        drv_start(&r.d, 1, 16, 0);
        cases[i](&r);
        assert_broken(&r);
        assert_int_not_equal(r.rng.transport.broken_by, VDEV_VIRTQ_OK);
        /* Nothing more is processed, whatever the driver makes available. */
        used = drv_used_idx(&r.d, 0);
        fills = r.fills;
        drv_desc(&r.d, 0, 4, BUFFER, 8, DRV_D_WRITE, 0);
        drv_avail(&r.d, 0, 4);
        assert_int_equal(drv_used_idx(&r.d, 0), used);
        assert_int_equal(r.fills, fills);
        /* The device's status keeps NEEDS_RESET whatever the driver writes but 0. */
        drv_write(&r.d, DRV_STATUS, 0x0f);
        assert_true(drv_read(&r.d, DRV_STATUS) & DRV_S_NEEDS_RESET);
        assert_recovers(&r);
        rig_free(&r);
    }
}

/* The longest chain a queue allows is taken; one more is a loop. */
static void chain_of_queue_size(void **state)
{
    rig_t r;
    uint32_t id, len;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_start(&r.d, 1, 16, 0);
    for (uint16_t i = 0; i < 16; i++) {
        drv_desc(&r.d, 0, i, BUFFER + 8ull * i, 8, DRV_D_WRITE | (i < 15 ? DRV_D_NEXT : 0),
                 (uint16_t)(i + 1));
    }
    drv_avail(&r.d, 0, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    drv_used_elem(&r.d, 0, 0, &id, &len);
    assert_int_equal(len, 128);
    assert_int_equal(drv_read(&r.d, DRV_STATUS) & DRV_S_NEEDS_RESET, 0);
    rig_free(&r);
}

/* A chain of VDEV_VIRTQ_CHAIN_MAX (64) descriptors is taken whole (one more: test_virtio_blk). */
static void chain_of_64_taken(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_start(&r.d, 1, 64, 0);
    for (uint16_t i = 0; i < 64; i++) {
        drv_desc(&r.d, 0, i, BUFFER + i, 1, DRV_D_WRITE | (i < 63 ? DRV_D_NEXT : 0),
                 (uint16_t)(i + 1));
    }
    drv_avail(&r.d, 0, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    assert_int_equal(r.d.ram[BUFFER + 63], 0xa0); /* one byte per buffer */
    rig_free(&r);
}

/* A driver that never reads its used ring: the device goes on, wrapping both rings. */
static void driver_never_consumes(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_start(&r.d, 1, 16, 0);
    drv_desc(&r.d, 0, 0, BUFFER, 4, DRV_D_WRITE, 0);
    for (unsigned i = 0; i < 70000; i++) {
        drv_avail(&r.d, 0, 0);
    }
    assert_int_equal(drv_used_idx(&r.d, 0), (uint16_t)70000);
    assert_int_equal(drv_read(&r.d, DRV_STATUS) & DRV_S_NEEDS_RESET, 0);
    rig_free(&r);
}

/* A buffer at address 0 is valid; a queue made not ready is served no more. */
static void queue_disable_and_reenable(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, DRV_RAM_BYTES);
    drv_start(&r.d, 1, 16, 0);
    drv_desc(&r.d, 0, 0, 0, 4, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    drv_write(&r.d, DRV_QUEUE_SEL, 0);
    drv_write(&r.d, DRV_QUEUE_READY, 0);
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_READY), 0);
    drv_avail(&r.d, 0, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1); /* not ready: not served */
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(register_file),
            cmocka_unit_test(negotiation_rules),
            cmocka_unit_test(request_served_and_interrupt),
            cmocka_unit_test(notify_before_driver_ok_ignored),
            cmocka_unit_test(bad_queue_setup),
            cmocka_unit_test(rings_at_the_end_of_ram),
            cmocka_unit_test(hostile_rings),
            cmocka_unit_test(chain_of_queue_size),
            cmocka_unit_test(chain_of_64_taken),
            cmocka_unit_test(driver_never_consumes),
            cmocka_unit_test(queue_disable_and_reenable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
