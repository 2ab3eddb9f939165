/*
 * Host tests of guest-virtual reads and writes (pv_virt_read/pv_virt_write): accesses across
 * pages, a fault or an MMIO page on the second page storing nothing, wrap-around at 4 GiB,
 * the end of the canonical range, empty accesses; and accessed/dirty updates racing a thread
 * that changes the same entries (no update of either side lost).
 */
#include "walk_fake.h"

#include <pthread.h>
#include <pv/walk.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define RAM_SIZE (1u << 20)
#define VA       0x00007f0000400000ull

static walk_fake_t fake;
static uint64_t root;
static pv_paging_t paging;

static int setup(void **state)
{
    (void)state;
    walk_fake_init(&fake, RAM_SIZE);
    root = walk_fake_table(&fake);
    paging = walk_fake_paging(PV_PAGING_4LEVEL, root);
    paging.cr0 |= PV_PAGING_CR0_WP;
    /* VA -> 0x10000, VA + 4 KiB -> 0x30000 (not contiguous on purpose). */
    walk_fake_map(&fake, PV_PAGING_4LEVEL, root, VA, 0x10000, 4096, WALK_URW, WALK_URW);
    walk_fake_map(&fake, PV_PAGING_4LEVEL, root, VA + 4096, 0x30000, 4096, WALK_URW, WALK_URW);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    walk_fake_free(&fake);
    return 0;
}

static void test_across_pages(void **state)
{
    uint8_t data[16], back[16];
    pv_walk_t walk;

    (void)state;
    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(0xa0 + i);
    }
    assert_int_equal(
            pv_virt_write(&fake.memory, &paging, gva(VA + 4088), data, 16, PV_ACCESS_USER, &walk),
            PV_WALK_OK);
    assert_int_equal(walk.address.value, 0x10000 + 4088); /* the first page's walk */
    assert_memory_equal(fake.ram + 0x10000 + 4088, data, 8);
    assert_memory_equal(fake.ram + 0x30000, data + 8, 8);
    assert_true(walk_fake_get(&fake, walk_fake_entry(&fake, PV_PAGING_4LEVEL, root, VA, 1), 8) &
                WALK_D);
    assert_true(
            walk_fake_get(&fake, walk_fake_entry(&fake, PV_PAGING_4LEVEL, root, VA + 4096, 1), 8) &
            WALK_D);
    memset(back, 0, sizeof(back));
    assert_int_equal(pv_virt_read(&fake.memory, &paging, gva(VA + 4088), back, 16, 0, NULL),
                     PV_WALK_OK);
    assert_memory_equal(back, data, 16);
    /* Empty accesses succeed without walking. */
    assert_int_equal(
            pv_virt_read(&fake.memory, &paging, gva(0x0000800000000000ull), back, 0, 0, &walk),
            PV_WALK_OK);
}

static void test_fault_on_second_page_stores_nothing(void **state)
{
    uint64_t second = walk_fake_entry(&fake, PV_PAGING_4LEVEL, root, VA + 4096, 1);
    uint8_t data[16], back[16];
    pv_walk_t walk;

    (void)state;
    memset(data, 0x5a, sizeof(data));
    memset(back, 0x11, sizeof(back));
    walk_fake_put(&fake, second, walk_fake_get(&fake, second, 8) & ~WALK_RW, 8);
    assert_int_equal(
            pv_virt_write(&fake.memory, &paging, gva(VA + 4090), data, 16, PV_ACCESS_USER, &walk),
            PV_WALK_FAULT);
    assert_int_equal(walk.error_code, PV_PF_PRESENT | PV_PF_WRITE | PV_PF_USER);
    assert_int_equal(walk.status, PV_WALK_FAULT);
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(fake.ram[0x10000 + 4090 + i], 0);
    }
    /* Reads of it are allowed; not-present refuses them and leaves the buffer alone. */
    assert_int_equal(pv_virt_read(&fake.memory, &paging, gva(VA + 4090), back, 16, 0, NULL),
                     PV_WALK_OK);
    walk_fake_put(&fake, second, 0, 8);
    memset(back, 0x11, sizeof(back));
    assert_int_equal(pv_virt_read(&fake.memory, &paging, gva(VA + 4090), back, 16, 0, &walk),
                     PV_WALK_FAULT);
    assert_int_equal(walk.error_code, 0);
    for (unsigned i = 0; i < sizeof(back); i++) {
        assert_int_equal(back[i], 0x11);
    }
}

static void test_mmio_page(void **state)
{
    uint64_t second = walk_fake_entry(&fake, PV_PAGING_4LEVEL, root, VA + 4096, 1);
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    pv_walk_t walk;

    (void)state;
    walk_fake_put(&fake, second, 0xfee00000ull | WALK_URW, 8);
    assert_int_equal(pv_virt_write(&fake.memory, &paging, gva(VA + 4092), data, 8, 0, &walk),
                     PV_WALK_NOT_RAM);
    assert_int_equal(walk.status, PV_WALK_NOT_RAM);
    assert_int_equal(walk.address.value, 0xfee00000ull);
    assert_int_equal(fake.ram[0x10000 + 4092], 0);
    /* The last page of RAM is RAM up to its last byte. */
    walk_fake_put(&fake, second, (RAM_SIZE - 4096) | WALK_URW, 8);
    assert_int_equal(pv_virt_write(&fake.memory, &paging, gva(VA + 8184), data, 8, 0, NULL),
                     PV_WALK_OK);
    assert_memory_equal(fake.ram + RAM_SIZE - 8, data, 8);
}

static void test_wrap_at_4g(void **state)
{
    uint64_t pd = walk_fake_table(&fake);
    pv_paging_t legacy = walk_fake_paging(PV_PAGING_32BIT, pd);
    uint8_t data[4] = {9, 8, 7, 6};

    (void)state;
    walk_fake_map(&fake, PV_PAGING_32BIT, pd, 0xfffff000u, 0x20000, 4096, WALK_URW, WALK_URW);
    walk_fake_map(&fake, PV_PAGING_32BIT, pd, 0, 0x21000, 4096, WALK_URW, WALK_URW);
    assert_int_equal(pv_virt_write(&fake.memory, &legacy, gva(0xfffffffe), data, 4, 0, NULL),
                     PV_WALK_OK);
    assert_memory_equal(fake.ram + 0x20ffe, data, 2);
    assert_memory_equal(fake.ram + 0x21000, data + 2, 2);
}

static void test_end_of_canonical_range(void **state)
{
    uint8_t data[4] = {1, 2, 3, 4};
    uint64_t last = 0x00007ffffffff000ull;
    pv_walk_t walk;

    (void)state;
    walk_fake_map(&fake, PV_PAGING_4LEVEL, root, last, 0x40000, 4096, WALK_URW, WALK_URW);
    assert_int_equal(pv_virt_write(&fake.memory, &paging, gva(last + 4094), data, 4, 0, &walk),
                     PV_WALK_NON_CANONICAL);
    assert_int_equal(fake.ram[0x40000 + 4094], 0);
    assert_int_equal(pv_virt_write(&fake.memory, &paging, gva(last + 4092), data, 4, 0, &walk),
                     PV_WALK_OK);
}

/* The racing thread: flips an ignored bit (bit 9) of the leaf and the PDE, COUNT times each. */
#define RACE_FLIPS 200000u

typedef struct race {
    uint64_t *words[2];
} race_t;

static void *race_flip(void *argument)
{
    race_t *race = argument;

    for (unsigned i = 0; i < RACE_FLIPS; i++) {
        __atomic_fetch_xor(race->words[i & 1], 1ull << 9, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void test_accessed_dirty_race(void **state)
{
    uint64_t leaf = walk_fake_entry(&fake, PV_PAGING_4LEVEL, root, VA, 1);
    uint64_t pde = walk_fake_entry(&fake, PV_PAGING_4LEVEL, root, VA, 2);
    race_t race = {{(uint64_t *)(void *)(fake.ram + leaf), (uint64_t *)(void *)(fake.ram + pde)}};
    pthread_t thread;
    pv_walk_t last;
    unsigned walks = 0;

    (void)state;
    assert_int_equal(pthread_create(&thread, NULL, race_flip, &race), 0);
    for (; walks < 20000; walks++) {
        pv_walk_t out;

        /* Clear A and D now and then (as a guest would), so the walker has bits to set. */
        if (walks % 2 == 0) {
            __atomic_fetch_and(race.words[0], ~(WALK_A | WALK_D), __ATOMIC_SEQ_CST);
            __atomic_fetch_and(race.words[1], ~WALK_A, __ATOMIC_SEQ_CST);
        }
        assert_int_equal(pv_walk(&fake.memory, &paging, gva(VA + 8), PV_ACCESS_WRITE, &out),
                         PV_WALK_OK);
        assert_int_equal(out.address.value, 0x10008);
    }
    assert_int_equal(pthread_join(thread, NULL), 0);
    /* An even number of flips each: bit 9 back to clear in both, whatever the interleaving. */
    assert_false(*race.words[0] & (1ull << 9));
    assert_false(*race.words[1] & (1ull << 9));
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(VA), PV_ACCESS_WRITE, &last), PV_WALK_OK);
    assert_true(last.dirty);
    assert_true(*race.words[0] & WALK_D);
    assert_true(*race.words[1] & WALK_A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_across_pages, setup, teardown),
            cmocka_unit_test_setup_teardown(test_fault_on_second_page_stores_nothing, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_mmio_page, setup, teardown),
            cmocka_unit_test_setup_teardown(test_wrap_at_4g, setup, teardown),
            cmocka_unit_test_setup_teardown(test_end_of_canonical_range, setup, teardown),
            cmocka_unit_test_setup_teardown(test_accessed_dirty_race, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
