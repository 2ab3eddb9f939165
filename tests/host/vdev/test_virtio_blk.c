/*
 * Host tests of virtio-blk (virtio 1.2 5.2) over the in-memory backend and over a backend that
 * completes later: reads and writes checked against the image byte for byte, the header and
 * data in any framing, FLUSH, GET_ID, unsupported types, read-only disks, sector ranges at and
 * past the capacity, lengths that are not whole sectors, buffers of the wrong direction and a
 * missing status byte (which break the device), many requests in flight, the queue waiting for
 * a free request, and a reset while requests are at the backend.
 */
#include "vdev_test.h"
#include "virtio_driver.h"

#include <vdev/blk_memory.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define IRQ      10u
#define SECTORS  64u
#define HEADER   0x40000u /* the request headers, 16 bytes apart */
#define DATA     0x50000u /* data buffers */
#define STATUS   0x80000u /* status bytes, 1 apart */
#define T_IN     0u
#define T_OUT    1u
#define T_FLUSH  4u
#define T_GET_ID 8u

typedef struct rig {
    drv_t d;
    vdev_virtio_blk_t blk;
    vdev_blk_memory_t backend;
    uint8_t *image;
    line_recorder_t rec;
    /* The deferred backend: requests kept until the test completes them. */
    vdev_blk_request_t *held[VDEV_BLK_IN_FLIGHT * 2];
    unsigned held_count;
} rig_t;

/* The disk's initial content: differs in every sector and within one. */
static uint8_t pattern(unsigned i)
{
    return (uint8_t)(i / 512 * 7 + i % 251);
}

static void hold_submit(void *context, vdev_blk_request_t *request)
{
    rig_t *r = context;

    r->held[r->held_count++] = request;
}

static void rig_init(rig_t *r, bool read_only, bool deferred)
{
    vdev_virtio_blk_config_t config;

    memset(r, 0, sizeof(*r));
    drv_ram_init(&r->d, DRV_RAM_BYTES);
    r->image = malloc(SECTORS * 512);
    for (unsigned i = 0; i < SECTORS * 512; i++) {
        r->image[i] = pattern(i);
    }
    vdev_blk_memory_init(&r->backend, r->image, read_only ? NULL : r->image, SECTORS * 512,
                         &r->d.memory);
    config = (vdev_virtio_blk_config_t){
            .capacity = vdev_blk_memory_capacity(&r->backend),
            .read_only = read_only,
            .id = "disk-one",
            .memory = &r->d.memory,
            .irq = line_recorder_line(&r->rec, IRQ),
            .backend = deferred ? (vdev_blk_backend_t){r, hold_submit}
                                : vdev_blk_memory_backend(&r->backend),
    };
    vdev_virtio_blk_init(&r->blk, &config);
    vdev_blk_memory_attach(&r->backend, &r->blk);
    r->d.transport = &r->blk.transport;
    drv_start(&r->d, 1, 128, 0);
}

static void rig_free(rig_t *r)
{
    free(r->image);
    drv_ram_free(&r->d);
}

static void header(rig_t *r, unsigned n, uint32_t type, uint64_t sector)
{
    drv_put32(&r->d, HEADER + 16ull * n, type);
    drv_put32(&r->d, HEADER + 16ull * n + 4, 0);
    drv_put64(&r->d, HEADER + 16ull * n + 8, sector);
}

/* The usual three-descriptor request n: header, data, status, at descriptors 3n.. */
static void request(rig_t *r, unsigned n, uint32_t type, uint64_t sector, uint32_t bytes)
{
    uint16_t d0 = (uint16_t)(3 * n);
    uint16_t data_flags = (type == T_OUT ? 0 : DRV_D_WRITE) | DRV_D_NEXT;

    header(r, n, type, sector);
    r->d.ram[STATUS + n] = 0xee;
    drv_desc(&r->d, 0, d0, HEADER + 16ull * n, 16, DRV_D_NEXT, (uint16_t)(d0 + 1));
    drv_desc(&r->d, 0, (uint16_t)(d0 + 1), DATA + 0x1000ull * n, bytes, data_flags,
             (uint16_t)(d0 + 2));
    drv_desc(&r->d, 0, (uint16_t)(d0 + 2), STATUS + n, 1, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, d0);
}

static void assert_used(rig_t *r, uint16_t slot, uint32_t head, uint32_t len)
{
    uint32_t id, written;

    drv_used_elem(&r->d, 0, slot, &id, &written);
    assert_int_equal(id, head);
    assert_int_equal(written, len);
}

static void assert_not_broken(rig_t *r)
{
    assert_int_equal(drv_read(&r->d, DRV_STATUS) & DRV_S_NEEDS_RESET, 0);
}

static void assert_broken(rig_t *r)
{
    assert_true(drv_read(&r->d, DRV_STATUS) & DRV_S_NEEDS_RESET);
    assert_true(drv_read(&r->d, DRV_INTERRUPT_STATUS) & 2u);
}

static void configuration(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, false, false);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_ID), 2);
    assert_int_equal(drv_read(&r.d, DRV_CONFIG), SECTORS); /* capacity, low */
    assert_int_equal(drv_read(&r.d, DRV_CONFIG + 4), 0);
    assert_int_equal(vdev_virtio_mmio_read(&r.blk.transport, DRV_CONFIG, 1), SECTORS);
    assert_int_equal(vdev_virtio_mmio_read(&r.blk.transport, DRV_CONFIG, 2), SECTORS);
    assert_int_equal(drv_read(&r.d, DRV_CONFIG + 12), 62);                            /* seg_max */
    assert_int_equal(drv_read(&r.d, DRV_CONFIG + 20), 512);                           /* blk_size */
    assert_int_equal(vdev_virtio_mmio_read(&r.blk.transport, DRV_CONFIG + 23, 2), 0); /* past */
    drv_write(&r.d, DRV_DEVICE_FEAT_SEL, 0);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_FEATURES), (1u << 2) | (1u << 9));
    assert_int_equal(drv_read(&r.d, DRV_QUEUE_NUM_MAX), 128);
    rig_free(&r);
    rig_init(&r, true, false);
    drv_write(&r.d, DRV_DEVICE_FEAT_SEL, 0);
    assert_int_equal(drv_read(&r.d, DRV_DEVICE_FEATURES), (1u << 2) | (1u << 5) | (1u << 9));
    /* A driver may take RO and SEG_MAX. */
    assert_true(drv_negotiate(&r.d, (1ull << 32) | (1u << 5) | (1u << 2)) & DRV_S_FEATURES_OK);
    rig_free(&r);
}

static void read_and_write(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, false, false);
    request(&r, 0, T_IN, 3, 1024);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    assert_used(&r, 0, 0, 1025);
    assert_int_equal(r.d.ram[STATUS], 0);
    assert_memory_equal(r.d.ram + DATA, r.image + 3 * 512, 1024);
    /* Write two sectors at the very end of the disk. */
    memset(r.d.ram + DATA + 0x1000, 0x5c, 1024);
    request(&r, 1, T_OUT, SECTORS - 2, 1024);
    assert_used(&r, 1, 3, 1);
    assert_int_equal(r.d.ram[STATUS + 1], 0);
    assert_int_equal(r.image[(SECTORS - 2) * 512], 0x5c);
    assert_int_equal(r.image[SECTORS * 512 - 1], 0x5c);
    assert_int_equal(r.image[(SECTORS - 2) * 512 - 1], pattern((SECTORS - 2) * 512 - 1));
    /* FLUSH and a zero-length read. */
    request(&r, 2, T_FLUSH, 0, 0);
    assert_int_equal(r.d.ram[STATUS + 2], 0);
    request(&r, 3, T_IN, SECTORS, 0); /* 0 sectors at the capacity: fine */
    assert_int_equal(r.d.ram[STATUS + 3], 0);
    assert_used(&r, 3, 9, 1);
    assert_true(r.rec.level[IRQ]);
    assert_not_broken(&r);
    /* vm stats's counts: by type, none of them an error. */
    assert_int_equal(r.blk.reads, 2);
    assert_int_equal(r.blk.writes, 1);
    assert_int_equal(r.blk.flushes, 1);
    assert_int_equal(r.blk.io_errors, 0);
    rig_free(&r);
}

static void io_errors(void **state)
{
    rig_t r;
    uint64_t sectors_over[] = {SECTORS - 1, SECTORS, SECTORS + 1, UINT64_MAX, UINT64_MAX / 512};

    (void)state;
    rig_init(&r, false, false);
    for (unsigned i = 0; i < 5; i++) {
        request(&r, i, T_IN, sectors_over[i], 1024); /* two sectors: each one past */
        assert_int_equal(r.d.ram[STATUS + i], 1);
        assert_used(&r, (uint16_t)i, 3 * i, 1);
    }
    request(&r, 5, T_IN, 0, 513); /* not whole sectors */
    assert_int_equal(r.d.ram[STATUS + 5], 1);
    request(&r, 6, T_OUT, 0, 100);
    assert_int_equal(r.d.ram[STATUS + 6], 1);
    request(&r, 7, 77, 0, 512); /* unknown type */
    assert_int_equal(r.d.ram[STATUS + 7], 2);
    request(&r, 8, T_OUT, SECTORS - 1, 512); /* the last sector: fine */
    assert_int_equal(r.d.ram[STATUS + 8], 0);
    assert_int_equal(r.blk.io_errors, 8);
    /* Refused requests count by their type too (the unknown one by none). */
    assert_int_equal(r.blk.reads, 6);
    assert_int_equal(r.blk.writes, 2);
    assert_int_equal(r.blk.flushes, 0);
    assert_int_equal(r.blk.completed, 9);
    assert_not_broken(&r);
    rig_free(&r);
    /* A read-only disk refuses OUT, serves IN. */
    rig_init(&r, true, false);
    memset(r.d.ram + DATA, 0x11, 512);
    request(&r, 0, T_OUT, 0, 512);
    assert_int_equal(r.d.ram[STATUS], 1);
    assert_int_equal(r.image[0], 0);
    request(&r, 1, T_IN, 1, 512);
    assert_int_equal(r.d.ram[STATUS + 1], 0);
    assert_memory_equal(r.d.ram + DATA + 0x1000, r.image + 512, 512);
    rig_free(&r);
}

static void get_id(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, false, false);
    memset(r.d.ram + DATA, 0xff, 64);
    request(&r, 0, T_GET_ID, 0, 64);
    assert_int_equal(r.d.ram[STATUS], 0);
    assert_string_equal((char *)r.d.ram + DATA, "disk-one");
    assert_int_equal(r.d.ram[DATA + 19], 0);
    assert_int_equal(r.d.ram[DATA + 20], 0xff); /* 20 bytes at most */
    assert_used(&r, 0, 0, 21);
    request(&r, 1, T_GET_ID, 0, 4); /* a shorter buffer gets what fits */
    assert_memory_equal(r.d.ram + DATA + 0x1000, "disk", 4);
    assert_used(&r, 1, 3, 5);
    rig_free(&r);
}

/* Header split over two descriptors, data over three, status in the data's last descriptor. */
static void any_framing(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, false, false);
    header(&r, 0, T_IN, 5);
    drv_desc(&r.d, 0, 10, HEADER, 7, DRV_D_NEXT, 11);
    drv_desc(&r.d, 0, 11, HEADER + 7, 9, DRV_D_NEXT, 12);
    drv_desc(&r.d, 0, 12, DATA, 100, DRV_D_WRITE | DRV_D_NEXT, 13);
    drv_desc(&r.d, 0, 13, DATA + 0x800, 0, DRV_D_WRITE | DRV_D_NEXT, 14);
    drv_desc(&r.d, 0, 14, DATA + 0x1000, 924 + 1, DRV_D_WRITE, 0);
    r.d.ram[DATA + 0x1000 + 924] = 0xee;
    drv_avail(&r.d, 0, 10);
    assert_int_equal(r.d.ram[DATA + 0x1000 + 924], 0);
    assert_memory_equal(r.d.ram + DATA, r.image + 5 * 512, 100);
    assert_memory_equal(r.d.ram + DATA + 0x1000, r.image + 5 * 512 + 100, 924);
    assert_used(&r, 0, 10, 1025);
    /* OUT with the header and data in one descriptor. */
    header(&r, 16, T_OUT, 9);
    memset(r.d.ram + HEADER + 256 + 16, 0x77, 512);
    drv_desc(&r.d, 0, 20, HEADER + 256, 16 + 512, DRV_D_NEXT, 21);
    drv_desc(&r.d, 0, 21, STATUS, 1, DRV_D_WRITE, 0);
    drv_avail(&r.d, 0, 20);
    assert_int_equal(r.d.ram[STATUS], 0);
    assert_int_equal(r.image[9 * 512], 0x77);
    assert_int_equal(r.image[10 * 512 - 1], 0x77);
    /* A short header: I/O error, not broken. */
    drv_desc(&r.d, 0, 30, HEADER, 15, DRV_D_NEXT, 31);
    drv_desc(&r.d, 0, 31, STATUS + 1, 1, DRV_D_WRITE, 0);
    r.d.ram[STATUS + 1] = 0xee;
    drv_avail(&r.d, 0, 30);
    assert_int_equal(r.d.ram[STATUS + 1], 1);
    assert_not_broken(&r);
    rig_free(&r);
}

typedef void (*hostile_fn)(rig_t *r);

static void hostile_in_with_readable_data(rig_t *r)
{
    header(r, 0, T_IN, 0);
    drv_desc(&r->d, 0, 0, HEADER, 16, DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, DATA, 512, DRV_D_NEXT, 2); /* the device must write here */
    drv_desc(&r->d, 0, 2, STATUS, 1, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_out_with_writable_data(rig_t *r)
{
    header(r, 0, T_OUT, 0);
    drv_desc(&r->d, 0, 0, HEADER, 16, DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, DATA, 512, DRV_D_WRITE | DRV_D_NEXT, 2); /* the device must read */
    drv_desc(&r->d, 0, 2, STATUS, 1, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_no_status(rig_t *r)
{
    header(r, 0, T_OUT, 0);
    drv_desc(&r->d, 0, 0, HEADER, 16, DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, DATA, 512, 0, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_status_of_length_zero(rig_t *r)
{
    header(r, 0, T_FLUSH, 0);
    drv_desc(&r->d, 0, 0, HEADER, 16, DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, STATUS, 0, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

/* 65 descriptors in a queue of 128: longer than the device takes. */
static void hostile_chain_too_long(rig_t *r)
{
    header(r, 0, T_IN, 0);
    drv_desc(&r->d, 0, 0, HEADER, 16, DRV_D_NEXT, 1);
    for (uint16_t i = 1; i < 64; i++) {
        drv_desc(&r->d, 0, i, DATA + 512ull * i, 512, DRV_D_WRITE | DRV_D_NEXT, (uint16_t)(i + 1));
    }
    drv_desc(&r->d, 0, 64, STATUS, 1, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

/* A data buffer past RAM in the middle of a long chain. */
static void hostile_data_past_ram(rig_t *r)
{
    header(r, 0, T_IN, 0);
    drv_desc(&r->d, 0, 0, HEADER, 16, DRV_D_NEXT, 1);
    drv_desc(&r->d, 0, 1, DRV_RAM_BYTES - 256, 512, DRV_D_WRITE | DRV_D_NEXT, 2);
    drv_desc(&r->d, 0, 2, STATUS, 1, DRV_D_WRITE, 0);
    drv_avail(&r->d, 0, 0);
}

static void hostile_requests(void **state)
{
    static const hostile_fn cases[] = {
            hostile_in_with_readable_data, hostile_out_with_writable_data, hostile_no_status,
            hostile_status_of_length_zero, hostile_chain_too_long,         hostile_data_past_ram,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rig_t r;
        uint8_t before[512];

        rig_init(&r, false, false);
        memcpy(before, r.image, sizeof(before));
        r.d.ram[STATUS] = 0xee;
        cases[i](&r);
        assert_broken(&r);
        assert_int_equal(drv_used_idx(&r.d, 0), 0);
        assert_int_equal(r.d.ram[STATUS], 0xee);
        assert_memory_equal(r.image, before, sizeof(before));
        assert_int_equal(r.backend.requests, 0);
        /* Nothing more until a reset. */
        request(&r, 5, T_IN, 0, 512);
        assert_int_equal(drv_used_idx(&r.d, 0), 0);
        drv_write(&r.d, DRV_STATUS, 0);
        memset(r.d.ram + 0x10000, 0, 0x3000);
        drv_start(&r.d, 1, 128, 0);
        request(&r, 5, T_IN, 0, 512);
        assert_int_equal(drv_used_idx(&r.d, 0), 1);
        assert_int_equal(r.d.ram[STATUS + 5], 0);
        rig_free(&r);
    }
}

/* Requests completed later, out of order; the queue waits while every request is out. */
static void deferred_completion(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, false, true);
    for (unsigned n = 0; n < 20; n++) {
        request(&r, n, T_IN, n, 512);
    }
    assert_int_equal(r.held_count, VDEV_BLK_IN_FLIGHT);
    assert_int_equal(vdev_virtio_blk_in_flight(&r.blk), VDEV_BLK_IN_FLIGHT);
    assert_int_equal(drv_used_idx(&r.d, 0), 0);
    /* The request carries the guest-physical data and the range. */
    assert_int_equal(r.held[2]->sector, 2);
    assert_int_equal(r.held[2]->bytes, 512);
    assert_int_equal(r.held[2]->segment_count, 1);
    assert_int_equal(r.held[2]->segment[0].address.value, DATA + 0x2000);
    /* Complete the third first: its chain is the first used entry, and one more is taken. */
    vdev_virtio_blk_complete(&r.blk, r.held[2], 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    assert_used(&r, 0, 6, 513);
    assert_int_equal(r.d.ram[STATUS + 2], 0);
    assert_int_equal(r.held_count, VDEV_BLK_IN_FLIGHT + 1);
    /* The freed request took the next chain at once (its slot is the same). */
    assert_ptr_equal(r.held[VDEV_BLK_IN_FLIGHT], r.held[2]);
    assert_int_equal(r.held[2]->sector, VDEV_BLK_IN_FLIGHT);
    /* A pointer that is not one of the device's requests does nothing. */
    vdev_blk_request_t foreign = *r.held[3];
    vdev_virtio_blk_complete(&r.blk, &foreign, 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    /* An error status reaches the guest as is. */
    vdev_virtio_blk_complete(&r.blk, r.held[0], 1);
    assert_int_equal(r.d.ram[STATUS], 1);
    assert_used(&r, 1, 0, 1);
    for (unsigned round = 0; round < 4 && vdev_virtio_blk_in_flight(&r.blk) != 0; round++) {
        for (unsigned i = 0; i < VDEV_BLK_IN_FLIGHT; i++) {
            vdev_virtio_blk_complete(&r.blk, &r.blk.request[i], 0);
        }
    }
    assert_int_equal(drv_used_idx(&r.d, 0), 20);
    /* A request completed twice: the second completion does nothing. */
    vdev_virtio_blk_complete(&r.blk, r.held[0], 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 20);
    assert_not_broken(&r);
    rig_free(&r);
}

/* A reset while requests are at the backend: their completions write nothing. */
static void reset_mid_request(void **state)
{
    rig_t r;

    (void)state;
    rig_init(&r, false, true);
    request(&r, 0, T_IN, 0, 512);
    request(&r, 1, T_IN, 1, 512);
    assert_int_equal(r.held_count, 2);
    drv_write(&r.d, DRV_STATUS, 0);
    vdev_virtio_blk_complete(&r.blk, r.held[0], 0);
    assert_int_equal(r.d.ram[STATUS], 0xee);
    assert_int_equal(drv_used_idx(&r.d, 0), 0);
    assert_int_equal(r.blk.stale_completions, 1);
    /* The driver starts again; the old request still out holds its slot until completed. */
    memset(r.d.ram + 0x10000, 0, 0x3000);
    drv_start(&r.d, 1, 128, 0);
    request(&r, 2, T_IN, 2, 512);
    assert_int_equal(vdev_virtio_blk_in_flight(&r.blk), 2);
    vdev_virtio_blk_complete(&r.blk, r.held[1], 0);
    assert_int_equal(r.d.ram[STATUS + 1], 0xee);
    vdev_virtio_blk_complete(&r.blk, r.held[2], 0);
    assert_int_equal(r.d.ram[STATUS + 2], 0);
    assert_int_equal(drv_used_idx(&r.d, 0), 1);
    assert_used(&r, 0, 6, 513);
    rig_free(&r);
}

/* The in-memory backend checks its own bounds. */
static void memory_backend_bounds(void **state)
{
    rig_t r;
    vdev_blk_request_t *request_slot;

    (void)state;
    rig_init(&r, true, false);
    request_slot = &r.blk.request[0];
    *request_slot = (vdev_blk_request_t){.type = T_IN,
                                         .sector = SECTORS,
                                         .bytes = 512,
                                         .segment_count = 1,
                                         .segment = {{gpa(DATA), 512}},
                                         .status_address = gpa(STATUS),
                                         .generation = r.blk.generation,
                                         .in_flight = true};
    r.d.ram[STATUS] = 0xee;
    vdev_blk_memory_backend(&r.backend).submit(&r.backend, request_slot);
    assert_int_equal(r.d.ram[STATUS], 1);
    *request_slot = (vdev_blk_request_t){.type = T_OUT,
                                         .sector = 0,
                                         .bytes = 512,
                                         .segment_count = 1,
                                         .segment = {{gpa(DATA), 512}},
                                         .status_address = gpa(STATUS),
                                         .generation = r.blk.generation,
                                         .in_flight = true};
    vdev_blk_memory_backend(&r.backend).submit(&r.backend, request_slot);
    assert_int_equal(r.d.ram[STATUS], 1); /* read-only image */
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(configuration),
            cmocka_unit_test(read_and_write),
            cmocka_unit_test(io_errors),
            cmocka_unit_test(get_id),
            cmocka_unit_test(any_framing),
            cmocka_unit_test(hostile_requests),
            cmocka_unit_test(deferred_completion),
            cmocka_unit_test(reset_mid_request),
            cmocka_unit_test(memory_backend_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
