/*
 * Host tests of the machine-disk backend (services/vmm/machine_disk.c) against a fake virtio
 * service that judges every message with the service's own decoder (lib/ipc/virtio.c) against
 * the client's window and buffer, and serves them from a disk in memory: transfers at and past
 * the window's end, requests larger than the buffer (cut into transfers, each checked), guest
 * segments of any length (300 + 212, empty ones, past RAM), read-only windows, the service's
 * error answers, and the set-up's refusals.
 */
#include "machine_disk.h"
#include <ipc/virtio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define RAM_BYTES      0x20000u
#define DISK_SECTORS   256u
#define WINDOW_FIRST   100u
#define WINDOW_SECTORS 64u

static struct {
    uint8_t ram[RAM_BYTES];
    uint8_t disk[DISK_SECTORS * 512];
    uint8_t buffer[VIRTIO_CLIENT_BUFFER_MAX];
    virtio_client_t client;
    pv_memory_t memory;
    unsigned calls;
    unsigned refused; /* messages the decoder refused */
    seL4_Word status; /* what reads and writes answer (VIRTIO_STATUS_OK unless a test says) */
    ipc_error_t ipc;  /* what the call itself returns */
} fake;

/* The service: decode as it does, then act on the disk in memory. */
static ipc_error_t fake_call(seL4_CPtr endpoint, ipc_msg_t *msg)
{
    virtio_request_t request;
    seL4_Word field = 0;
    ipc_error_t error = virtio_decode(msg, &fake.client, &request, &field);

    assert_int_equal(endpoint, 77);
    fake.calls++;
    if (fake.ipc != IPC_OK) {
        ipc_msg_error(msg, fake.ipc, 0);
        return fake.ipc;
    }
    if (error != IPC_OK) {
        fake.refused++;
        ipc_msg_error(msg, error, field);
        return error;
    }
    ipc_msg_init(msg, IPC_LABEL_OK);
    switch (request.label) {
    case VIRTIO_BLK_INFO:
        ipc_msg_push(msg, fake.client.disks[request.disk].sectors);
        ipc_msg_push(msg, fake.client.disks[request.disk].read_only);
        ipc_msg_push(msg, VIRTIO_REQUEST_SECTORS);
        break;
    case VIRTIO_BLK_READ:
    case VIRTIO_BLK_WRITE:
        if (fake.status == VIRTIO_STATUS_OK && request.label == VIRTIO_BLK_READ) {
            memcpy(fake.buffer + request.offset, fake.disk + request.sector * 512,
                   request.count * 512);
        } else if (fake.status == VIRTIO_STATUS_OK) {
            memcpy(fake.disk + request.sector * 512, fake.buffer + request.offset,
                   request.count * 512);
        }
        ipc_msg_push(msg, fake.status);
        break;
    case VIRTIO_BLK_FLUSH:
        ipc_msg_push(msg, fake.status);
        break;
    case VIRTIO_BLK_ID: {
        seL4_Word words[3] = {0};
        memcpy(words, "beaml4-disk0", 12);
        ipc_msg_push(msg, VIRTIO_STATUS_OK);
        for (unsigned i = 0; i < 3; i++) {
            ipc_msg_push(msg, words[i]);
        }
        break;
    }
    default:
        fail();
    }
    return IPC_OK;
}

static uint8_t disk_byte(uint64_t sector, unsigned i)
{
    return (uint8_t)(sector * 3 + i + 1);
}

static void fake_reset(bool read_only)
{
    memset(&fake, 0, sizeof(fake));
    for (unsigned s = 0; s < DISK_SECTORS; s++) {
        for (unsigned i = 0; i < 512; i++) {
            fake.disk[s * 512 + i] = disk_byte(s, i);
        }
    }
    fake.client.disks[1] = (virtio_window_t){WINDOW_FIRST, WINDOW_SECTORS, read_only};
    fake.client.buffer_bytes = VIRTIO_CLIENT_BUFFER_MAX;
    fake.memory = (pv_memory_t){fake.ram, RAM_BYTES};
    fake.status = VIRTIO_STATUS_OK;
}

static void open_ok(machine_disk_t *disk, bool read_only)
{
    char id[VDEV_BLK_ID_BYTES];

    fake_reset(read_only);
    assert_null(machine_disk_open(disk, fake_call, 77, fake.buffer, sizeof(fake.buffer), 1,
                                  &fake.memory, id));
    assert_int_equal(disk->sectors, WINDOW_SECTORS);
    assert_int_equal(disk->read_only, read_only);
    assert_memory_equal(id, "beaml4-disk0\0\0\0\0\0\0\0\0", VDEV_BLK_ID_BYTES);
    fake.calls = 0;
}

static vdev_blk_request_t make_request(uint32_t type, uint64_t sector, uint64_t bytes)
{
    vdev_blk_request_t r = {.type = type, .sector = sector, .bytes = bytes};
    r.segment_count = 1;
    r.segment[0] = (vdev_blk_segment_t){gpa(0x1000), (uint32_t)bytes};
    return r;
}

static void open_refusals(void **state)
{
    machine_disk_t disk;
    char id[VDEV_BLK_ID_BYTES];

    (void)state;
    fake_reset(false);
    /* Disk 2 was not granted: the service answers not found. */
    assert_non_null(machine_disk_open(&disk, fake_call, 77, fake.buffer, sizeof(fake.buffer), 2,
                                      &fake.memory, id));
    assert_non_null(machine_disk_open(&disk, fake_call, 0, fake.buffer, sizeof(fake.buffer), 1,
                                      &fake.memory, id));
    assert_non_null(machine_disk_open(&disk, fake_call, 77, fake.buffer, 511, 1, &fake.memory, id));
    fake.ipc = IPC_ERR_DENIED;
    assert_non_null(machine_disk_open(&disk, fake_call, 77, fake.buffer, sizeof(fake.buffer), 1,
                                      &fake.memory, id));
    /* A buffer said larger than a transfer is used up to a transfer; an odd size to sectors. */
    fake.ipc = IPC_OK;
    assert_null(
            machine_disk_open(&disk, fake_call, 77, fake.buffer, 1u << 20, 1, &fake.memory, id));
    assert_int_equal(disk.buffer_bytes, VIRTIO_REQUEST_SECTORS * 512);
    assert_null(machine_disk_open(&disk, fake_call, 77, fake.buffer, 1300, 1, &fake.memory, id));
    assert_int_equal(disk.buffer_bytes, 1024);
}

/* Writes of 1 to 64 sectors (up to 4 transfers of the buffer) at every place they fit, read back
 * through segments cut unevenly; the disk outside the request untouched. */
static void write_then_read(void **state)
{
    machine_disk_t disk;

    (void)state;
    open_ok(&disk, false);
    for (uint64_t count = 1; count <= WINDOW_SECTORS; count += 21) {
        for (uint64_t sector = 0; sector + count <= WINDOW_SECTORS; sector += 13) {
            vdev_blk_request_t w = make_request(VDEV_VIRTIO_BLK_T_OUT, sector, count * 512);
            for (uint64_t i = 0; i < count * 512; i++) {
                fake.ram[0x1000 + i] = (uint8_t)(i * 7 + sector + count);
            }
            fake.calls = 0;
            assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_OK);
            assert_int_equal(fake.calls, (count + 31) / 32);
            assert_memory_equal(fake.disk + (WINDOW_FIRST + sector) * 512, fake.ram + 0x1000,
                                count * 512);
            /* Read back cut in three: 300 bytes, nothing, the rest elsewhere. */
            vdev_blk_request_t r = make_request(VDEV_VIRTIO_BLK_T_IN, sector, count * 512);
            r.segment_count = 3;
            r.segment[0] = (vdev_blk_segment_t){gpa(0x9000), 300};
            r.segment[1] = (vdev_blk_segment_t){gpa(0x9400), 0};
            r.segment[2] = (vdev_blk_segment_t){gpa(0xa000), (uint32_t)(count * 512 - 300)};
            memset(fake.ram + 0x9000, 0, 0x10000);
            assert_int_equal(machine_disk_serve(&disk, &r), VDEV_VIRTIO_BLK_S_OK);
            assert_memory_equal(fake.ram + 0x9000, fake.ram + 0x1000, 300);
            assert_memory_equal(fake.ram + 0xa000, fake.ram + 0x1000 + 300, count * 512 - 300);
        }
    }
    assert_int_equal(fake.refused, 0);
    /* Outside the window nothing moved. */
    for (unsigned s = 0; s < DISK_SECTORS; s++) {
        if (s < WINDOW_FIRST || s >= WINDOW_FIRST + WINDOW_SECTORS) {
            for (unsigned i = 0; i < 512; i++) {
                assert_int_equal(fake.disk[s * 512 + i], disk_byte(s, i));
            }
        }
    }
}

/* Ranges at and past the window's end, wrapping ones, odd lengths: IOERR before any call. */
static void ranges_refused(void **state)
{
    machine_disk_t disk;
    static const struct {
        uint64_t sector, bytes;
    } bad[] = {
            {WINDOW_SECTORS, 512},           {WINDOW_SECTORS - 1, 1024},
            {WINDOW_SECTORS + 1, 0},         {UINT64_MAX, 512},
            {1, UINT64_MAX - 511},           {0, 513},
            {0, (WINDOW_SECTORS + 1) * 512}, {UINT64_MAX / 512, 1024},
    };

    (void)state;
    open_ok(&disk, false);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vdev_blk_request_t r = make_request(VDEV_VIRTIO_BLK_T_IN, bad[i].sector, bad[i].bytes);
        vdev_blk_request_t w = make_request(VDEV_VIRTIO_BLK_T_OUT, bad[i].sector, bad[i].bytes);
        assert_int_equal(machine_disk_serve(&disk, &r), VDEV_VIRTIO_BLK_S_IOERR);
        assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    }
    assert_int_equal(fake.calls, 0);
    /* The last sector is in. */
    vdev_blk_request_t last = make_request(VDEV_VIRTIO_BLK_T_IN, WINDOW_SECTORS - 1, 512);
    assert_int_equal(machine_disk_serve(&disk, &last), VDEV_VIRTIO_BLK_S_OK);
    assert_int_equal(fake.ram[0x1000 + 5], disk_byte(WINDOW_FIRST + WINDOW_SECTORS - 1, 5));
    /* An unknown type, GET_ID included (the device answers it): unsupported, no call. */
    vdev_blk_request_t other = make_request(VDEV_VIRTIO_BLK_T_GET_ID, 0, 0);
    assert_int_equal(machine_disk_serve(&disk, &other), VDEV_VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(fake.calls, 1);
}

/* Segments past guest RAM or too short for the request: IOERR; a write sends nothing. */
static void segments_refused(void **state)
{
    machine_disk_t disk;

    (void)state;
    open_ok(&disk, false);
    vdev_blk_request_t w = make_request(VDEV_VIRTIO_BLK_T_OUT, 0, 1024);
    w.segment[0] = (vdev_blk_segment_t){gpa(RAM_BYTES - 512), 1024};
    assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    w.segment[0] = (vdev_blk_segment_t){gpa(UINT64_MAX - 100), 1024};
    assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    w.segment[0] = (vdev_blk_segment_t){gpa(0x1000), 512}; /* short of the request's bytes */
    assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    w.segment_count = 0;
    assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    assert_int_equal(fake.calls, 0);
    /* A read whose data cannot be put back: IOERR (the service was asked). */
    vdev_blk_request_t r = make_request(VDEV_VIRTIO_BLK_T_IN, 0, 1024);
    r.segment[0] = (vdev_blk_segment_t){gpa(RAM_BYTES - 512), 1024};
    assert_int_equal(machine_disk_serve(&disk, &r), VDEV_VIRTIO_BLK_S_IOERR);
    assert_int_equal(fake.calls, 1);
    for (unsigned s = 0; s < DISK_SECTORS; s++) {
        assert_int_equal(fake.disk[s * 512 + 7], disk_byte(s, 7));
    }
}

/* A read-only window: writes refused before the service is asked; reads and flush go. */
static void read_only_window(void **state)
{
    machine_disk_t disk;

    (void)state;
    open_ok(&disk, true);
    vdev_blk_request_t w = make_request(VDEV_VIRTIO_BLK_T_OUT, 0, 512);
    assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    assert_int_equal(fake.calls, 0);
    vdev_blk_request_t r = make_request(VDEV_VIRTIO_BLK_T_IN, 0, 512);
    assert_int_equal(machine_disk_serve(&disk, &r), VDEV_VIRTIO_BLK_S_OK);
    vdev_blk_request_t f = make_request(VDEV_VIRTIO_BLK_T_FLUSH, 0, 0);
    assert_int_equal(machine_disk_serve(&disk, &f), VDEV_VIRTIO_BLK_S_OK);
    assert_int_equal(fake.refused, 0);
    /* Were the backend to send a write anyway, the service's decoder would refuse it. */
    disk.read_only = false;
    assert_int_equal(machine_disk_serve(&disk, &w), VDEV_VIRTIO_BLK_S_IOERR);
    assert_int_equal(fake.refused, 1);
}

/* The service's answers become statuses; a failure in the middle of a split request stops it. */
static void service_answers(void **state)
{
    machine_disk_t disk;
    static const struct {
        seL4_Word status;
        uint8_t blk;
    } map[] = {
            {VIRTIO_STATUS_OK, VDEV_VIRTIO_BLK_S_OK},
            {VIRTIO_STATUS_IO_ERROR, VDEV_VIRTIO_BLK_S_IOERR},
            {VIRTIO_STATUS_UNSUPPORTED, VDEV_VIRTIO_BLK_S_UNSUPP},
            {VIRTIO_STATUS_STOPPED, VDEV_VIRTIO_BLK_S_IOERR},
            {VIRTIO_STATUS_TIMEOUT, VDEV_VIRTIO_BLK_S_IOERR},
            {99, VDEV_VIRTIO_BLK_S_IOERR},
    };

    (void)state;
    open_ok(&disk, false);
    for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        fake.status = map[i].status;
        vdev_blk_request_t f = make_request(VDEV_VIRTIO_BLK_T_FLUSH, 0, 0);
        assert_int_equal(machine_disk_serve(&disk, &f), map[i].blk);
        fake.calls = 0;
        vdev_blk_request_t r = make_request(VDEV_VIRTIO_BLK_T_IN, 0, 64 * 512);
        assert_int_equal(machine_disk_serve(&disk, &r), map[i].blk);
        /* Two transfers when all is well, one when the first failed. */
        assert_int_equal(fake.calls, map[i].status == VIRTIO_STATUS_OK ? 2 : 1);
    }
    fake.status = VIRTIO_STATUS_OK;
    fake.ipc = IPC_ERR_NOT_FOUND; /* the grant gone (a restarted service not yet granted) */
    vdev_blk_request_t r = make_request(VDEV_VIRTIO_BLK_T_IN, 0, 512);
    assert_int_equal(machine_disk_serve(&disk, &r), VDEV_VIRTIO_BLK_S_IOERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(open_refusals),    cmocka_unit_test(write_then_read),
            cmocka_unit_test(ranges_refused),   cmocka_unit_test(segments_refused),
            cmocka_unit_test(read_only_window), cmocka_unit_test(service_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
