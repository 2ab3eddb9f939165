/* Unit tests of the page-table manager against the fake page-table backend: lazy creation,
 * canonical addresses, pools and recycling, range unmapping, table release, and every error
 * code including failing callbacks, each followed by the invariant checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include <algorithms/ptmgr.h>

#include "fake_ptables.h"

static const ptmgr_config_t x86 = {
        .levels = 4, .bits_per_level = 9, .leaf_bits = 12, .canonical = true};

typedef struct fixture {
    fake_ptables_t fake;
    ptmgr_t pm;
    void *storage;
} fixture_t;

static fixture_t *fixture_new(const ptmgr_config_t *cfg, uint32_t max_tables)
{
    fixture_t *f = test_calloc(1, sizeof *f);
    fake_ptables_init(&f->fake, cfg, 1);
    size_t bytes = ptmgr_storage_bytes(cfg, max_tables);
    assert_true(bytes > 0);
    f->storage = test_malloc(bytes);
    assert_int_equal(ptmgr_init(&f->pm, cfg, &fake_ptables_ops, &f->fake, FAKE_PT_ROOT, max_tables,
                                f->storage, bytes),
                     ALG_OK);
    return f;
}

static void fixture_free(fixture_t *f)
{
    fake_ptables_destroy(&f->fake);
    test_free(f->storage);
    test_free(f);
}

static void assert_consistent(fixture_t *f)
{
    assert_int_equal(ptmgr_check(&f->pm), ALG_OK);
    if (f->fake.violations != 0) {
        fail_msg("fake page tables: %s", f->fake.last_violation);
    }
    assert_int_equal(ptmgr_mapped_pages(&f->pm), fake_ptables_pages(&f->fake));
    size_t objects = 0;
    for (unsigned l = 1; l < f->pm.config.levels; l++) {
        assert_int_equal(ptmgr_live_tables(&f->pm, l), fake_ptables_installed(&f->fake, l));
        objects += ptmgr_live_tables(&f->pm, l) + ptmgr_pooled_tables(&f->pm, l);
    }
    assert_int_equal(objects, fake_ptables_objects(&f->fake));
}

static void test_config_and_storage_errors(void **state)
{
    (void)state;
    ptmgr_config_t bad = x86;
    bad.levels = 0;
    assert_int_equal(ptmgr_storage_bytes(&bad, 8), 0);
    bad.levels = PTMGR_MAX_LEVELS + 1;
    assert_int_equal(ptmgr_storage_bytes(&bad, 8), 0);
    bad = x86;
    bad.bits_per_level = 0;
    assert_int_equal(ptmgr_storage_bytes(&bad, 8), 0);
    bad.bits_per_level = PTMGR_MAX_BITS_PER_LEVEL + 1;
    assert_int_equal(ptmgr_storage_bytes(&bad, 8), 0);
    bad = x86;
    bad.leaf_bits = 29; /* 29 + 36 = 65 address bits */
    assert_int_equal(ptmgr_storage_bytes(&bad, 8), 0);
    assert_int_equal(ptmgr_storage_bytes(&x86, 0), 0);
    assert_int_equal(ptmgr_storage_bytes(NULL, 8), 0);
    /* 512 values + 8 presence words per table. */
    assert_int_equal(ptmgr_storage_bytes(&x86, 8), 8 * (sizeof(ptmgr_table_t) + 520 * 8));

    fake_ptables_t fake;
    fake_ptables_init(&fake, &x86, 1);
    ptmgr_t pm;
    size_t bytes = ptmgr_storage_bytes(&x86, 8);
    uint64_t *storage = test_malloc(bytes + 8);
    ptmgr_ops_t partial = fake_ptables_ops;
    partial.page_unmap = NULL;
    assert_int_equal(ptmgr_init(&pm, &x86, NULL, &fake, 1, 8, storage, bytes),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ptmgr_init(&pm, &x86, &partial, &fake, 1, 8, storage, bytes),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ptmgr_init(&pm, &bad, &fake_ptables_ops, &fake, 1, 8, storage, bytes),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ptmgr_init(&pm, &x86, &fake_ptables_ops, &fake, 1, 0, storage, bytes),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ptmgr_init(&pm, &x86, &fake_ptables_ops, &fake, 1, 8, NULL, bytes),
                     ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(
            ptmgr_init(&pm, &x86, &fake_ptables_ops, &fake, 1, 8, (char *)storage + 4, bytes),
            ALG_ERR_MISALIGNED);
    assert_int_equal(ptmgr_init(&pm, &x86, &fake_ptables_ops, &fake, 1, 8, storage, bytes - 1),
                     ALG_ERR_STORAGE_TOO_SMALL);
    test_free(storage);
    fake_ptables_destroy(&fake);
}

static void test_map_creates_tables_lazily(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 64);
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 101), ALG_OK);
    assert_int_equal(f->fake.calls[FAKE_PT_INSTALL], 3);
    for (unsigned l = 1; l < 4; l++) {
        assert_int_equal(ptmgr_live_tables(&f->pm, l), 1);
    }
    assert_int_equal(ptmgr_map(&f->pm, 0x2000, 102), ALG_OK);
    assert_int_equal(f->fake.calls[FAKE_PT_INSTALL], 3); /* same page table */
    assert_int_equal(ptmgr_map(&f->pm, 0x200000, 103), ALG_OK);
    assert_int_equal(f->fake.calls[FAKE_PT_INSTALL], 4); /* a second PT under the same PD */
    /* The upper half: the fake rejects any callback address that is not canonical. */
    assert_int_equal(ptmgr_map(&f->pm, 0xffffffff80000000ull, 104), ALG_OK);
    assert_int_equal(f->fake.calls[FAKE_PT_INSTALL], 7);
    uint64_t frame = 0;
    assert_true(fake_ptables_lookup(&f->fake, 0xffffffff80000000ull, &frame));
    assert_int_equal(frame, 104);
    assert_int_equal(ptmgr_lookup(&f->pm, 0xffffffff80000123ull, &frame), ALG_OK);
    assert_int_equal(frame, 104);
    assert_int_equal(ptmgr_lookup(&f->pm, 0x2fff, &frame), ALG_OK);
    assert_int_equal(frame, 102);
    assert_int_equal(ptmgr_mapped_pages(&f->pm), 4);
    assert_consistent(f);
    fixture_free(f);
}

static void test_map_errors(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 64);
    assert_int_equal(ptmgr_map(&f->pm, 0x1001, 1), ALG_ERR_MISALIGNED);
    assert_int_equal(ptmgr_map(&f->pm, 0x0000800000000000ull, 1), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_map(&f->pm, 0xffff7ffffffff000ull, 1), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_map(&f->pm, 0x5000, 7), ALG_OK);
    uint64_t installs = f->fake.calls[FAKE_PT_INSTALL];
    assert_int_equal(ptmgr_map(&f->pm, 0x5000, 8), ALG_ERR_ALREADY_MAPPED);
    assert_int_equal(f->fake.calls[FAKE_PT_INSTALL], installs);
    uint64_t frame;
    assert_int_equal(ptmgr_lookup(&f->pm, 0x5000, &frame), ALG_OK);
    assert_int_equal(frame, 7);
    assert_consistent(f);
    fixture_free(f);

    /* Without `canonical`, the address must simply be below 2^48. */
    ptmgr_config_t plain = x86;
    plain.canonical = false;
    f = fixture_new(&plain, 64);
    assert_int_equal(ptmgr_map(&f->pm, 0xffffffff80000000ull, 1), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_map(&f->pm, 0x0001000000000000ull, 1), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_map(&f->pm, 0x0000fffffffff000ull, 1), ALG_OK);
    assert_consistent(f);
    fixture_free(f);
}

static void test_unmap_and_lookup_errors(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 64);
    uint64_t frame = 0;
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, &frame), ALG_ERR_NOT_MAPPED); /* no tables */
    assert_int_equal(ptmgr_lookup(&f->pm, 0x1000, &frame), ALG_ERR_NOT_MAPPED);
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 55), ALG_OK);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x3000, &frame), ALG_ERR_NOT_MAPPED); /* empty entry */
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1800, &frame), ALG_ERR_MISALIGNED);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x0000800000000000ull, &frame), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_lookup(&f->pm, 0x0000800000000000ull, &frame), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, &frame), ALG_OK);
    assert_int_equal(frame, 55);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, NULL), ALG_ERR_NOT_MAPPED);
    /* Tables stay for cheap re-mapping. */
    assert_int_equal(ptmgr_live_tables(&f->pm, 3), 1);
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 56), ALG_OK);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, NULL), ALG_OK);
    assert_consistent(f);
    fixture_free(f);
}

static void test_out_of_tables_rolls_back_and_pool_recycles(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 5); /* root + 4 */
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_OK);
    /* PML4 slot 1 needs a PDPT, a PD and a PT: only one record is left. */
    assert_int_equal(ptmgr_map(&f->pm, 0x8000000000ull, 2), ALG_ERR_OUT_OF_TABLES);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 1);
    assert_int_equal(ptmgr_pooled_tables(&f->pm, 1), 1); /* the PDPT made on the way */
    assert_int_equal(f->fake.calls[FAKE_PT_UNINSTALL], 1);
    assert_consistent(f);
    /* Free everything under slot 0; the retry then runs on recycled tables only. */
    uint64_t unmapped = 0;
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0, 0x8000000000ull, PTMGR_RELEASE_TABLES, &unmapped),
                     ALG_OK);
    assert_int_equal(unmapped, 1);
    for (unsigned l = 1; l < 4; l++) {
        assert_int_equal(ptmgr_live_tables(&f->pm, l), 0);
    }
    assert_int_equal(ptmgr_pooled_tables(&f->pm, 1), 2);
    uint64_t allocs = f->fake.calls[FAKE_PT_TABLE_ALLOC];
    assert_int_equal(ptmgr_map(&f->pm, 0x8000000000ull, 2), ALG_OK);
    assert_int_equal(f->fake.calls[FAKE_PT_TABLE_ALLOC], allocs);
    assert_consistent(f);
    fixture_free(f);
}

static void test_callback_failures_change_nothing(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 64);
    f->fake.fail_at[FAKE_PT_TABLE_ALLOC] = 1;
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 0);
    assert_consistent(f);
    /* Second install fails: the first table is uninstalled, the failed one is pooled. */
    f->fake.fail_at[FAKE_PT_INSTALL] = 2;
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 0);
    assert_int_equal(ptmgr_pooled_tables(&f->pm, 1) + ptmgr_pooled_tables(&f->pm, 2), 2);
    assert_consistent(f);
    f->fake.fail_at[FAKE_PT_PAGE_MAP] = 1;
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(ptmgr_mapped_pages(&f->pm), 0);
    assert_int_equal(ptmgr_live_tables(&f->pm, 3), 0);
    assert_consistent(f);
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_OK);
    f->fake.fail_at[FAKE_PT_PAGE_UNMAP] = 1;
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, NULL), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(ptmgr_mapped_pages(&f->pm), 1);
    assert_consistent(f);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, NULL), ALG_OK);
    f->fake.fail_at[FAKE_PT_UNINSTALL] = 1;
    assert_int_equal(ptmgr_release_empty(&f->pm, 0, 0x1000), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(ptmgr_live_tables(&f->pm, 3), 1);
    assert_consistent(f);
    assert_int_equal(ptmgr_release_empty(&f->pm, 0, 0x1000), ALG_OK);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 0);
    assert_consistent(f);
    fixture_free(f);
}

static void test_unmap_range(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 64);
    static const uint64_t pages[] = {0x1000,
                                     0x2000,
                                     0x1ff000,
                                     0x200000,
                                     0x201000,
                                     0x40000000,
                                     0x7ffffff000ull,
                                     0x8000000000ull,
                                     0xffff800000000000ull,
                                     0xfffffffffffff000ull};
    for (unsigned i = 0; i < 10; i++) {
        assert_int_equal(ptmgr_map(&f->pm, pages[i], 100 + i), ALG_OK);
    }
    uint64_t n = 99;
    /* [0x2000, 0x201000): pages 0x2000, 0x1ff000, 0x200000. */
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0x2000, 0x1ff000, 0, &n), ALG_OK);
    assert_int_equal(n, 3);
    uint64_t frame;
    assert_int_equal(ptmgr_lookup(&f->pm, 0x1000, &frame), ALG_OK);
    assert_int_equal(ptmgr_lookup(&f->pm, 0x201000, &frame), ALG_OK);
    assert_int_equal(ptmgr_lookup(&f->pm, 0x200000, &frame), ALG_ERR_NOT_MAPPED);
    assert_int_equal(ptmgr_live_tables(&f->pm, 3), 7); /* no release requested */
    /* Releasing: the PT of [0, 2 MiB) is empty once 0x1000 goes; the one of [2, 4 MiB) still
     * maps 0x201000 and stays. */
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0x1000, 0x1000, PTMGR_RELEASE_TABLES, &n), ALG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ptmgr_live_tables(&f->pm, 3), 6);
    assert_int_equal(ptmgr_live_tables(&f->pm, 2), 6); /* its PD still holds the other PT */
    assert_consistent(f);
    /* The whole upper half, releasing: its PDPT, PDs and PTs all go to the pools. */
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0xffff800000000000ull, 0x800000000000ull,
                                       PTMGR_RELEASE_TABLES, &n),
                     ALG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 2);
    assert_consistent(f);
    /* Errors. */
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0, 0x1000, 4, &n), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0x800, 0x1000, 0, &n), ALG_ERR_MISALIGNED);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0, 0x1800, 0, &n), ALG_ERR_MISALIGNED);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0x7ffffffff000ull, 0x2000, 0, &n),
                     ALG_ERR_OUT_OF_RANGE); /* would cross the non-canonical hole */
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0x0000800000000000ull, 0x1000, 0, &n),
                     ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0xfffffffffffff000ull, 0x2000, 0, &n),
                     ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0x1000, 0, 0, &n), ALG_OK);
    assert_int_equal(n, 0);
    /* A failing unmap stops the walk; the count says how far it got. */
    f->fake.fail_at[FAKE_PT_PAGE_UNMAP] = 2;
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0, 0x800000000000ull, 0, &n), ALG_ERR_CAP_OP_FAILED);
    assert_int_equal(n, 1);
    assert_int_equal(ptmgr_mapped_pages(&f->pm), 3);
    assert_consistent(f);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0, 0x800000000000ull, PTMGR_RELEASE_TABLES, &n),
                     ALG_OK);
    assert_int_equal(n, 3);
    for (unsigned l = 1; l < 4; l++) {
        assert_int_equal(ptmgr_live_tables(&f->pm, l), 0);
    }
    assert_consistent(f);
    fixture_free(f);
}

static void test_release_empty_and_drain(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 64);
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_OK);
    assert_int_equal(ptmgr_map(&f->pm, 0x40000000, 2), ALG_OK); /* second PD under one PDPT */
    assert_int_equal(ptmgr_unmap(&f->pm, 0x40000000, NULL), ALG_OK);
    /* Only the now-empty PT and PD go; the PDPT still holds the other PD. */
    assert_int_equal(ptmgr_release_empty(&f->pm, 0, 0x800000000000ull), ALG_OK);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 1);
    assert_int_equal(ptmgr_live_tables(&f->pm, 2), 1);
    assert_int_equal(ptmgr_live_tables(&f->pm, 3), 1);
    assert_int_equal(ptmgr_pooled_tables(&f->pm, 2), 1);
    assert_int_equal(ptmgr_pooled_tables(&f->pm, 3), 1);
    assert_consistent(f);
    assert_int_equal(ptmgr_release_empty(&f->pm, 0x1000, 0x7000), ALG_OK);
    assert_int_equal(ptmgr_unmap(&f->pm, 0x1000, NULL), ALG_OK);
    assert_int_equal(ptmgr_release_empty(&f->pm, 0x1000, 0x1000), ALG_OK);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 0);
    uint32_t spare_before = f->pm.spare_count;
    ptmgr_pool_drain(&f->pm);
    assert_int_equal(f->fake.table_frees, 5);
    assert_int_equal(f->pm.spare_count, spare_before + 5);
    assert_int_equal(fake_ptables_objects(&f->fake), 0);
    assert_consistent(f);
    uint64_t allocs = f->fake.calls[FAKE_PT_TABLE_ALLOC];
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_OK);
    assert_int_equal(f->fake.calls[FAKE_PT_TABLE_ALLOC], allocs + 3);
    assert_consistent(f);
    fixture_free(f);
}

static void test_single_level_and_full_width(void **state)
{
    (void)state;
    static const ptmgr_config_t one = {.levels = 1, .bits_per_level = 4, .leaf_bits = 12};
    fixture_t *f = fixture_new(&one, 1);
    assert_int_equal(ptmgr_map(&f->pm, 0xf000, 9), ALG_OK);
    assert_int_equal(ptmgr_map(&f->pm, 0x10000, 9), ALG_ERR_OUT_OF_RANGE);
    assert_int_equal(f->fake.calls[FAKE_PT_INSTALL], 0);
    uint64_t n;
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0, 0x10000, PTMGR_RELEASE_TABLES, &n), ALG_OK);
    assert_int_equal(n, 1);
    assert_consistent(f);
    fixture_free(f);

    /* 16 + 4 * 12 = 64 address bits: the top page and a range ending at 2^64. */
    static const ptmgr_config_t wide = {.levels = 4, .bits_per_level = 12, .leaf_bits = 16};
    f = fixture_new(&wide, 16);
    assert_int_equal(ptmgr_map(&f->pm, 0xffffffffffff0000ull, 3), ALG_OK);
    assert_int_equal(ptmgr_map(&f->pm, 0, 4), ALG_OK);
    uint64_t frame;
    assert_int_equal(ptmgr_lookup(&f->pm, UINT64_MAX, &frame), ALG_OK);
    assert_int_equal(frame, 3);
    assert_int_equal(ptmgr_unmap_range(&f->pm, 0xffff000000000000ull, 0x0001000000000000ull,
                                       PTMGR_RELEASE_TABLES, &n),
                     ALG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ptmgr_live_tables(&f->pm, 1), 1);
    assert_consistent(f);
    fixture_free(f);
}

static void test_check_detects_corruption(void **state)
{
    (void)state;
    fixture_t *f = fixture_new(&x86, 16);
    assert_int_equal(ptmgr_map(&f->pm, 0x1000, 1), ALG_OK);
    assert_int_equal(ptmgr_check(&f->pm), ALG_OK);
    f->pm.mapped++;
    assert_int_equal(ptmgr_check(&f->pm), ALG_ERR_CORRUPT);
    f->pm.mapped--;
    f->pm.tables[1].used++;
    assert_int_equal(ptmgr_check(&f->pm), ALG_ERR_CORRUPT);
    f->pm.tables[1].used--;
    f->pm.spare_count--;
    assert_int_equal(ptmgr_check(&f->pm), ALG_ERR_CORRUPT);
    f->pm.spare_count++;
    f->pm.tables[2].base += 0x1000;
    assert_int_equal(ptmgr_check(&f->pm), ALG_ERR_CORRUPT);
    f->pm.tables[2].base -= 0x1000;
    assert_int_equal(ptmgr_check(&f->pm), ALG_OK);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_config_and_storage_errors),
            cmocka_unit_test(test_map_creates_tables_lazily),
            cmocka_unit_test(test_map_errors),
            cmocka_unit_test(test_unmap_and_lookup_errors),
            cmocka_unit_test(test_out_of_tables_rolls_back_and_pool_recycles),
            cmocka_unit_test(test_callback_failures_change_nothing),
            cmocka_unit_test(test_unmap_range),
            cmocka_unit_test(test_release_empty_and_drain),
            cmocka_unit_test(test_single_level_and_full_width),
            cmocka_unit_test(test_check_detects_corruption),
    };
    return cmocka_run_group_tests_name("ptmgr", tests, NULL, NULL);
}
