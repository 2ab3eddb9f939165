/*
 * Host tests of the block driver's check of what a device writes back (services/virtio
 * blk_check.c): a well-behaved completion in any order is taken; a used index that runs ahead,
 * ids that are not a chain's head, name a slot not in flight, one completed already or one twice,
 * lengths of 0 or past what the request let the device write, undefined status bytes, are each
 * refused with nothing changed; then random used rings by the hundred thousand against a model.
 */
#include "blk_internal.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PAGE 4096

typedef struct fixture {
    blk_disk_t disk;
    uint8_t *queue_page;
    uint8_t *headers;
} fixture_t;

static fixture_t *fixture_new(void)
{
    fixture_t *f = calloc(1, sizeof(*f));

    f->queue_page = aligned_alloc(PAGE, PAGE);
    f->headers = aligned_alloc(PAGE, PAGE);
    memset(f->headers, 0, PAGE);
    virtq_init(&f->disk.queue, (uintptr_t)f->queue_page, 0x100000, VIRTQ_SIZE_MAX);
    f->disk.headers = (uintptr_t)f->headers;
    return f;
}

static void fixture_free(fixture_t *f)
{
    free(f->queue_page);
    free(f->headers);
    free(f);
}

/* Slot s in flight, letting the device write `writable` bytes; its status byte set. */
static void in_flight(fixture_t *f, unsigned s, uint32_t writable, uint8_t status)
{
    f->disk.slots[s] = (blk_slot_t){.busy = true, .writable = writable};
    f->headers[s * BLK_HEADER_STRIDE + BLK_STATUS_OFFSET] = status;
}

/* The device's side: entry n after the last used, and the index. */
static void used_write(fixture_t *f, uint16_t n, uint32_t id, uint32_t length)
{
    uint8_t *entry = f->queue_page + VIRTQ_DEVICE_OFFSET + 4 +
                     8 * ((uint16_t)(f->disk.queue.last_used + n) % VIRTQ_SIZE_MAX);
    memcpy(entry, &id, 4);
    memcpy(entry + 4, &length, 4);
}

static void used_index(fixture_t *f, uint16_t index)
{
    memcpy(f->queue_page + VIRTQ_DEVICE_OFFSET + 2, &index, 2);
}

static bool check(fixture_t *f, unsigned slots[VIRTQ_SIZE_MAX], const char **why)
{
    uint16_t index;
    uint16_t pending = virtq_used_pending(&f->disk.queue, &index);
    blk_disk_t before = f->disk;
    bool ok = blk_used_check(&f->disk, pending, slots, why);

    assert_memory_equal(&before, &f->disk, sizeof(before)); /* no side effects */
    return ok;
}

static void test_good_completions(void **state)
{
    fixture_t *f = fixture_new();
    unsigned slots[VIRTQ_SIZE_MAX];
    const char *why = NULL;

    (void)state;
    for (unsigned s = 0; s < BLK_SLOTS; s++) {
        in_flight(f, s, 4097, VIRTIO_BLK_S_OK);
    }
    /* Out of order, some lengths short of the most, one IOERR. */
    f->headers[2 * BLK_HEADER_STRIDE + BLK_STATUS_OFFSET] = VIRTIO_BLK_S_IOERR;
    used_write(f, 0, 9, 4097);
    used_write(f, 1, 0, 1);
    used_write(f, 2, 6, 4097);
    used_index(f, 3);
    assert_true(check(f, slots, &why));
    assert_int_equal(slots[0], 3);
    assert_int_equal(slots[1], 0);
    assert_int_equal(slots[2], 2);
    /* Nothing new: nothing to check. */
    used_index(f, 0);
    assert_true(check(f, slots, &why));
    fixture_free(f);
}

typedef struct lie {
    uint16_t index;
    uint32_t id;
    uint32_t length;
    uint8_t status;
    const char *why;
} lie_t;

static void test_lies(void **state)
{
    static const lie_t lies[] = {
            {3, 0, 1, 0, "used index"},           /* two in flight, three said done */
            {0xffff, 0, 1, 0, "used index"},      /* the index moved backwards */
            {1, 1, 1, 0, "used id"},              /* not a chain's head */
            {1, 2, 1, 0, "used id"},              /* not a chain's head */
            {1, 6, 1, 0, "used id"},              /* slot 2: not in flight */
            {1, 3 * BLK_SLOTS, 1, 0, "used id"},  /* past the slots */
            {1, 0xffffffff, 1, 0, "used id"},     /* huge */
            {1, 0, 0, 0, "used length"},          /* not even the status byte */
            {1, 0, 4098, 0, "used length"},       /* past the data and the status */
            {1, 0, 0xffffffff, 0, "used length"}, /* huge */
            {1, 0, 1, 3, "status byte"},          /* undefined */
            {1, 0, 1, 0xff, "status byte"},       /* never written */
    };

    (void)state;
    for (unsigned i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        fixture_t *f = fixture_new();
        unsigned slots[VIRTQ_SIZE_MAX];
        const char *why = NULL;
        in_flight(f, 0, 4097, lies[i].status);
        in_flight(f, 1, 4097, VIRTIO_BLK_S_OK);
        used_write(f, 0, lies[i].id, lies[i].length);
        used_write(f, 1, 3, 1);
        used_index(f, lies[i].index);
        assert_false(check(f, slots, &why));
        assert_non_null(strstr(why, lies[i].why));
        fixture_free(f);
    }
}

static void test_twice_and_done(void **state)
{
    fixture_t *f = fixture_new();
    unsigned slots[VIRTQ_SIZE_MAX];
    const char *why = NULL;

    (void)state;
    in_flight(f, 0, 1, VIRTIO_BLK_S_OK);
    in_flight(f, 1, 1, VIRTIO_BLK_S_OK);
    used_write(f, 0, 3, 1);
    used_write(f, 1, 3, 1); /* the same request twice in one batch */
    used_index(f, 2);
    assert_false(check(f, slots, &why));
    assert_non_null(strstr(why, "used id"));
    /* A slot completed earlier, named again later. */
    f->disk.slots[1].done = true;
    used_index(f, 1);
    assert_false(check(f, slots, &why));
    fixture_free(f);
}

/* Random rings: accepted exactly when a model says every entry is truthful. */
static void test_random_rings(void **state)
{
    (void)state;
    srand(23);
    for (int round = 0; round < 50000; round++) {
        fixture_t *f = fixture_new();
        unsigned slots[VIRTQ_SIZE_MAX];
        const char *why = NULL;
        unsigned flying = 0;
        for (unsigned s = 0; s < BLK_SLOTS; s++) {
            if (rand() % 2) {
                in_flight(f, s, (uint32_t)(1 + rand() % 4097), (uint8_t)(rand() % 5));
                flying++;
            }
        }
        uint16_t pending = (uint16_t)(rand() % (flying + 2));
        bool truthful = pending <= flying;
        bool seen[BLK_SLOTS] = {false};
        for (uint16_t n = 0; n < pending; n++) {
            uint32_t id = (uint32_t)(rand() % 14);
            uint32_t length = (uint32_t)(rand() % 4100);
            used_write(f, n, id, length);
            unsigned s = id / 3;
            truthful = truthful && id % 3 == 0 && s < BLK_SLOTS && f->disk.slots[s].busy &&
                       !seen[s] && length >= 1 && length <= f->disk.slots[s].writable &&
                       blk_status_byte(&f->disk, s) <= VIRTIO_BLK_S_UNSUPP;
            if (s < BLK_SLOTS) {
                seen[s] = true;
            }
        }
        used_index(f, pending);
        assert_int_equal(check(f, slots, &why), truthful);
        fixture_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_good_completions),
            cmocka_unit_test(test_lies),
            cmocka_unit_test(test_twice_and_done),
            cmocka_unit_test(test_random_rings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
