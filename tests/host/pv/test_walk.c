/*
 * Host tests of the guest page-table walker under 4-level paging, one rule at a time: the
 * translation, accessed and dirty bits, large pages, reserved bits by level, U/S, R/W with
 * CR0.WP, NX, SMEP, SMAP with AC and implicit accesses, global pages, and the error codes.
 */
#include "walk_fake.h"

#include <pv/walk.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define RAM_SIZE (1u << 20)
#define VA       0x00007f0000401234ull
#define PA       0x5000ull

typedef struct fixture {
    walk_fake_t fake;
    uint64_t root;
    pv_paging_t paging;
} fixture_t;

static fixture_t fx;

static int setup(void **state)
{
    (void)state;
    walk_fake_init(&fx.fake, RAM_SIZE);
    fx.root = walk_fake_table(&fx.fake);
    fx.paging = walk_fake_paging(PV_PAGING_4LEVEL, fx.root);
    fx.paging.cr0 |= PV_PAGING_CR0_WP;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    walk_fake_free(&fx.fake);
    return 0;
}

static uint64_t entry_at(uint64_t va, unsigned level)
{
    return walk_fake_get(&fx.fake, walk_fake_entry(&fx.fake, PV_PAGING_4LEVEL, fx.root, va, level),
                         8);
}

static void entry_or(uint64_t va, unsigned level, uint64_t set, uint64_t clear)
{
    uint64_t at = walk_fake_entry(&fx.fake, PV_PAGING_4LEVEL, fx.root, va, level);

    walk_fake_put(&fx.fake, at, (walk_fake_get(&fx.fake, at, 8) | set) & ~clear, 8);
}

static pv_walk_status_t walk(uint64_t va, unsigned access, pv_walk_t *out)
{
    return pv_walk(&fx.fake.memory, &fx.paging, gva(va), access, out);
}

/* A fault with exactly this error code. */
static void expect_fault(uint64_t va, unsigned access, uint32_t error_code)
{
    pv_walk_t out;

    assert_int_equal(walk(va, access, &out), PV_WALK_FAULT);
    assert_int_equal(out.status, PV_WALK_FAULT);
    assert_int_equal(out.error_code, error_code);
}

static void expect_ok(uint64_t va, unsigned access)
{
    pv_walk_t out;

    assert_int_equal(walk(va, access, &out), PV_WALK_OK);
}

static void map_user_page(void)
{
    walk_fake_map(&fx.fake, PV_PAGING_4LEVEL, fx.root, VA, PA, 1u << 12, WALK_URW, WALK_URW);
}

static void test_translation_and_accessed_bits(void **state)
{
    pv_walk_t out;

    (void)state;
    map_user_page();
    assert_int_equal(walk(VA, PV_ACCESS_USER, &out), PV_WALK_OK);
    assert_int_equal(out.address.value, PA + (VA & 0xfff));
    assert_int_equal(out.frame.value, PA);
    assert_int_equal(out.page_base.value, VA & ~0xfffull);
    assert_int_equal(out.page_size, 4096);
    assert_int_equal(out.levels, 4);
    assert_true(out.writable && out.user && out.executable);
    assert_false(out.global);
    assert_false(out.dirty); /* a read sets no dirty bit */
    for (unsigned level = 1; level <= 4; level++) {
        assert_true(entry_at(VA, level) & WALK_A);
        assert_false(entry_at(VA, level) & WALK_D);
    }
    assert_int_equal(walk(VA, PV_ACCESS_USER | PV_ACCESS_WRITE, &out), PV_WALK_OK);
    assert_true(out.dirty);
    assert_true(entry_at(VA, 1) & WALK_D);
    assert_false(entry_at(VA, 2) & WALK_D); /* only the leaf */
}

static void test_no_ad_touches_nothing(void **state)
{
    pv_walk_t out;

    (void)state;
    map_user_page();
    assert_int_equal(walk(VA, PV_ACCESS_WRITE | PV_ACCESS_NO_AD, &out), PV_WALK_OK);
    assert_false(out.dirty);
    for (unsigned level = 1; level <= 4; level++) {
        assert_false(entry_at(VA, level) & (WALK_A | WALK_D));
    }
}

static void test_failed_walk_sets_no_bit(void **state)
{
    (void)state;
    map_user_page();
    entry_or(VA, 1, 0, WALK_P);
    expect_fault(VA, PV_ACCESS_WRITE, PV_PF_WRITE);
    for (unsigned level = 2; level <= 4; level++) {
        assert_false(entry_at(VA, level) & WALK_A);
    }
    entry_or(VA, 1, WALK_P, WALK_RW);
    expect_fault(VA, PV_ACCESS_WRITE | PV_ACCESS_USER, PV_PF_PRESENT | PV_PF_WRITE | PV_PF_USER);
    for (unsigned level = 1; level <= 4; level++) {
        assert_false(entry_at(VA, level) & (WALK_A | WALK_D));
    }
}

static void test_not_present_at_each_level(void **state)
{
    pv_walk_t out;

    (void)state;
    for (unsigned level = 1; level <= 4; level++) {
        map_user_page();
        entry_or(VA, level, 0, WALK_P);
        assert_int_equal(walk(VA, 0, &out), PV_WALK_FAULT);
        assert_int_equal(out.error_code, 0);
        assert_int_equal(out.levels, 5 - level);
        expect_fault(VA, PV_ACCESS_USER | PV_ACCESS_WRITE, PV_PF_USER | PV_PF_WRITE);
        expect_fault(VA, PV_ACCESS_FETCH, PV_PF_FETCH); /* NXE set: I/D reported */
        entry_or(VA, level, WALK_P, 0);
        expect_ok(VA, PV_ACCESS_USER | PV_ACCESS_WRITE);
    }
}

static void test_large_pages(void **state)
{
    uint64_t va2m = 0x40000000ull + 0x12345, va1g = 0x8000000000ull + 0x1234567;
    uint64_t leaf;
    pv_walk_t out;

    (void)state;
    leaf = walk_fake_map(&fx.fake, PV_PAGING_4LEVEL, fx.root, va2m & ~0x1fffffull, 0x200000,
                         1u << 21, WALK_URW, WALK_URW);
    assert_int_equal(walk(va2m, 0, &out), PV_WALK_OK);
    assert_int_equal(out.page_size, 1u << 21);
    assert_int_equal(out.frame.value, 0x200000);
    assert_int_equal(out.address.value, 0x200000 + 0x12345);
    assert_int_equal(out.page_base.value, 0x40000000ull);
    assert_int_equal(out.levels, 3);
    assert_true(walk_fake_get(&fx.fake, leaf, 8) & WALK_A);
    /* PAT (bit 12) is allowed and is not an address bit; bits 20:13 are reserved. */
    walk_fake_put(&fx.fake, leaf, walk_fake_get(&fx.fake, leaf, 8) | 0x1000, 8);
    assert_int_equal(walk(va2m, 0, &out), PV_WALK_OK);
    assert_int_equal(out.frame.value, 0x200000);
    for (unsigned bit = 13; bit <= 20; bit++) {
        walk_fake_put(&fx.fake, leaf, walk_fake_get(&fx.fake, leaf, 8) | 1ull << bit, 8);
        expect_fault(va2m, 0, PV_PF_PRESENT | PV_PF_RESERVED);
        walk_fake_put(&fx.fake, leaf, walk_fake_get(&fx.fake, leaf, 8) & ~(1ull << bit), 8);
    }
    leaf = walk_fake_map(&fx.fake, PV_PAGING_4LEVEL, fx.root, va1g & ~0x3fffffffull, 0x40000000,
                         1u << 30, WALK_URW, WALK_URW);
    assert_int_equal(walk(va1g, PV_ACCESS_WRITE, &out), PV_WALK_OK);
    assert_int_equal(out.page_size, 1u << 30);
    assert_int_equal(out.address.value, 0x40000000 + 0x1234567);
    assert_int_equal(out.levels, 2);
    assert_true(walk_fake_get(&fx.fake, leaf, 8) & WALK_D);
    walk_fake_put(&fx.fake, leaf, walk_fake_get(&fx.fake, leaf, 8) | 1ull << 29, 8);
    expect_fault(va1g, PV_ACCESS_USER, PV_PF_PRESENT | PV_PF_RESERVED | PV_PF_USER);
}

static void test_reserved_bits_by_level(void **state)
{
    pv_walk_t out;

    (void)state;
    map_user_page();
    /* PS in a PML4 entry. */
    entry_or(VA, 4, WALK_PS, 0);
    assert_int_equal(walk(VA, 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED);
    assert_int_equal(out.levels, 1);
    entry_or(VA, 4, 0, WALK_PS);
    /* Bits above MAXPHYADDR (46 here) and NX without EFER.NXE, at every level. */
    for (unsigned level = 1; level <= 4; level++) {
        entry_or(VA, level, 1ull << 46, 0);
        assert_int_equal(walk(VA, PV_ACCESS_USER, &out), PV_WALK_FAULT);
        assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED | PV_PF_USER);
        assert_int_equal(out.levels, 5 - level);
        entry_or(VA, level, 0, 1ull << 46);
        entry_or(VA, level, WALK_NX, 0);
        fx.paging.efer &= ~PV_PAGING_EFER_NXE;
        expect_fault(VA, 0, PV_PF_PRESENT | PV_PF_RESERVED);
        fx.paging.efer |= PV_PAGING_EFER_NXE;
        expect_ok(VA, 0);
        entry_or(VA, level, 0, WALK_NX);
        /* Bits 58:52 and 62:59 are ignored under 4-level paging (no protection keys). */
        entry_or(VA, level, 0x7ffull << 52, 0);
        expect_ok(VA, 0);
        entry_or(VA, level, 0, 0x7ffull << 52);
    }
    /* With MAXPHYADDR 52 nothing below bit 52 is reserved; 40 makes bit 40 reserved. */
    entry_or(VA, 1, 1ull << 50, 0);
    fx.paging.phys_addr_bits = 52;
    assert_int_equal(walk(VA, 0, &out), PV_WALK_OK);
    assert_int_equal(out.frame.value, PA | 1ull << 50);
    fx.paging.phys_addr_bits = 40;
    entry_or(VA, 1, 1ull << 40, 1ull << 50);
    expect_fault(VA, 0, PV_PF_PRESENT | PV_PF_RESERVED);
    entry_or(VA, 1, 0, 1ull << 40);
    entry_or(VA, 1, 1ull << 39, 0);
    expect_ok(VA, 0);
}

static void test_user_supervisor(void **state)
{
    pv_walk_t out;

    (void)state;
    for (unsigned level = 1; level <= 4; level++) {
        map_user_page();
        entry_or(VA, level, 0, WALK_US);
        expect_fault(VA, PV_ACCESS_USER, PV_PF_PRESENT | PV_PF_USER);
        expect_fault(VA, PV_ACCESS_USER | PV_ACCESS_FETCH,
                     PV_PF_PRESENT | PV_PF_USER | PV_PF_FETCH);
        assert_int_equal(walk(VA, PV_ACCESS_WRITE, &out), PV_WALK_OK);
        assert_false(out.user);
        entry_or(VA, level, WALK_US, 0);
    }
}

static void test_read_write_and_wp(void **state)
{
    pv_walk_t out;

    (void)state;
    for (unsigned level = 1; level <= 4; level++) {
        map_user_page();
        entry_or(VA, 1, 0, WALK_D);
        entry_or(VA, level, 0, WALK_RW);
        expect_fault(VA, PV_ACCESS_USER | PV_ACCESS_WRITE,
                     PV_PF_PRESENT | PV_PF_USER | PV_PF_WRITE);
        expect_fault(VA, PV_ACCESS_WRITE, PV_PF_PRESENT | PV_PF_WRITE);
        assert_false(entry_at(VA, 1) & WALK_D);
        expect_ok(VA, PV_ACCESS_USER);
        /* CR0.WP clear: supervisor writes ignore R/W (and set D); user writes do not. */
        fx.paging.cr0 &= ~PV_PAGING_CR0_WP;
        assert_int_equal(walk(VA, PV_ACCESS_WRITE, &out), PV_WALK_OK);
        assert_false(out.writable);
        assert_true(out.dirty);
        assert_true(entry_at(VA, 1) & WALK_D);
        expect_fault(VA, PV_ACCESS_USER | PV_ACCESS_WRITE,
                     PV_PF_PRESENT | PV_PF_USER | PV_PF_WRITE);
        fx.paging.cr0 |= PV_PAGING_CR0_WP;
        entry_or(VA, level, WALK_RW, 0);
    }
}

static void test_no_execute(void **state)
{
    pv_walk_t out;

    (void)state;
    for (unsigned level = 1; level <= 4; level++) {
        map_user_page();
        entry_or(VA, level, WALK_NX, 0);
        expect_fault(VA, PV_ACCESS_FETCH, PV_PF_PRESENT | PV_PF_FETCH);
        expect_fault(VA, PV_ACCESS_FETCH | PV_ACCESS_USER,
                     PV_PF_PRESENT | PV_PF_FETCH | PV_PF_USER);
        assert_int_equal(walk(VA, PV_ACCESS_USER | PV_ACCESS_WRITE, &out), PV_WALK_OK);
        assert_false(out.executable);
        entry_or(VA, level, 0, WALK_NX);
    }
}

static void test_smep(void **state)
{
    (void)state;
    map_user_page();
    expect_ok(VA, PV_ACCESS_FETCH);
    fx.paging.cr4 |= PV_PAGING_CR4_SMEP;
    expect_fault(VA, PV_ACCESS_FETCH, PV_PF_PRESENT | PV_PF_FETCH);
    expect_ok(VA, PV_ACCESS_FETCH | PV_ACCESS_USER); /* user fetches: not SMEP's business */
    expect_ok(VA, 0);                                /* nor supervisor reads */
    entry_or(VA, 2, 0, WALK_US);                     /* a supervisor page */
    expect_ok(VA, PV_ACCESS_FETCH);
    /* SMEP makes the error code report fetches even without EFER.NXE. */
    fx.paging.efer &= ~PV_PAGING_EFER_NXE;
    entry_or(VA, 1, 0, WALK_P);
    expect_fault(VA, PV_ACCESS_FETCH, PV_PF_FETCH);
    fx.paging.cr4 &= ~PV_PAGING_CR4_SMEP;
    expect_fault(VA, PV_ACCESS_FETCH, 0);
}

static void test_smap(void **state)
{
    (void)state;
    map_user_page();
    fx.paging.cr4 |= PV_PAGING_CR4_SMAP;
    expect_fault(VA, 0, PV_PF_PRESENT);
    expect_fault(VA, PV_ACCESS_WRITE, PV_PF_PRESENT | PV_PF_WRITE);
    expect_ok(VA, PV_ACCESS_AC);
    expect_ok(VA, PV_ACCESS_AC | PV_ACCESS_WRITE);
    /* Implicit supervisor accesses (descriptor tables, delivery stacks) ignore AC. */
    expect_fault(VA, PV_ACCESS_AC | PV_ACCESS_IMPLICIT, PV_PF_PRESENT);
    expect_fault(VA, PV_ACCESS_IMPLICIT, PV_PF_PRESENT);
    /* User accesses and fetches are not SMAP's business; AC does not lift R/W with WP. */
    expect_ok(VA, PV_ACCESS_USER | PV_ACCESS_WRITE);
    expect_ok(VA, PV_ACCESS_FETCH);
    entry_or(VA, 1, 0, WALK_RW);
    expect_fault(VA, PV_ACCESS_AC | PV_ACCESS_WRITE, PV_PF_PRESENT | PV_PF_WRITE);
    entry_or(VA, 1, WALK_RW, WALK_US); /* a supervisor page: no SMAP check */
    expect_ok(VA, PV_ACCESS_IMPLICIT | PV_ACCESS_WRITE);
    expect_ok(VA, 0);
}

static void test_global(void **state)
{
    pv_walk_t out;

    (void)state;
    map_user_page();
    entry_or(VA, 2, WALK_G, 0); /* G in a table pointer means nothing */
    fx.paging.cr4 |= PV_PAGING_CR4_PGE;
    assert_int_equal(walk(VA, 0, &out), PV_WALK_OK);
    assert_false(out.global);
    entry_or(VA, 1, WALK_G, 0);
    assert_int_equal(walk(VA, 0, &out), PV_WALK_OK);
    assert_true(out.global);
    fx.paging.cr4 &= ~PV_PAGING_CR4_PGE;
    assert_int_equal(walk(VA, 0, &out), PV_WALK_OK);
    assert_false(out.global);
}

static void test_write_and_fetch_together(void **state)
{
    (void)state;
    map_user_page();
    entry_or(VA, 1, WALK_NX, 0);
    expect_fault(VA, PV_ACCESS_WRITE | PV_ACCESS_FETCH, PV_PF_PRESENT | PV_PF_WRITE | PV_PF_FETCH);
    entry_or(VA, 1, 0, WALK_NX | WALK_RW);
    expect_fault(VA, PV_ACCESS_WRITE | PV_ACCESS_FETCH, PV_PF_PRESENT | PV_PF_WRITE | PV_PF_FETCH);
    entry_or(VA, 1, WALK_RW, 0);
    expect_ok(VA, PV_ACCESS_WRITE | PV_ACCESS_FETCH);
}

static void test_non_canonical(void **state)
{
    pv_walk_t out;

    (void)state;
    assert_int_equal(walk(0x0000800000000000ull, 0, &out), PV_WALK_NON_CANONICAL);
    assert_int_equal(out.status, PV_WALK_NON_CANONICAL);
    assert_int_equal(out.levels, 0);
    assert_int_equal(walk(0xfffe000000000000ull, 0, &out), PV_WALK_NON_CANONICAL);
    /* The first upper-half address is canonical: walked (not present here). */
    assert_int_equal(walk(0xffff800000000000ull, 0, &out), PV_WALK_FAULT);
    assert_int_equal(walk(0x00007fffffffffffull, 0, &out), PV_WALK_FAULT);
}

static void test_bad_table(void **state)
{
    pv_walk_t out;

    (void)state;
    map_user_page();
    entry_or(VA, 2, 0, 0x000ffffffffff000ull);
    entry_or(VA, 2, RAM_SIZE, 0); /* the PT lies past RAM */
    assert_int_equal(walk(VA, 0, &out), PV_WALK_BAD_TABLE);
    assert_int_equal(out.table_address.value, RAM_SIZE + ((VA >> 12) & 511) * 8);
    assert_int_equal(out.levels, 3);
    for (unsigned level = 2; level <= 4; level++) {
        assert_false(entry_at(VA, level) & WALK_A);
    }
    fx.paging.cr3 = 0x7ffff000ull;
    assert_int_equal(walk(VA, 0, &out), PV_WALK_BAD_TABLE);
    assert_int_equal(out.table_address.value, 0x7ffff000ull + ((VA >> 39) & 511) * 8);
    assert_int_equal(out.levels, 0);
    /* The last entry of the last page of RAM is RAM. */
    fx.paging.cr3 = RAM_SIZE - 4096;
    assert_int_equal(walk(0xffffff8000000000ull, 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.levels, 1);
}

static void test_self_referencing_table(void **state)
{
    unsigned k = 0x1ed;
    uint64_t self = fx.root + k * 8;
    uint64_t va = (uint64_t)k << 39 | (uint64_t)k << 30 | (uint64_t)k << 21 | (uint64_t)k << 12;
    pv_walk_t out;

    (void)state;
    /* A PML4 entry that points to its own table (a recursive mapping): one entry at every level,
     * the PML4 itself as the page. The walk sets A and D in it once, as the processor would. */
    walk_fake_put(&fx.fake, self, fx.root | WALK_URW, 8);
    va = (uint64_t)((int64_t)(va << 16) >> 16);
    assert_int_equal(walk(va + 0x18, PV_ACCESS_WRITE, &out), PV_WALK_OK);
    assert_int_equal(out.frame.value, fx.root);
    assert_int_equal(out.address.value, fx.root + 0x18);
    assert_int_equal(out.levels, 4);
    assert_true(out.dirty);
    assert_int_equal(walk_fake_get(&fx.fake, self, 8), fx.root | WALK_URW | WALK_A | WALK_D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_translation_and_accessed_bits, setup, teardown),
            cmocka_unit_test_setup_teardown(test_no_ad_touches_nothing, setup, teardown),
            cmocka_unit_test_setup_teardown(test_failed_walk_sets_no_bit, setup, teardown),
            cmocka_unit_test_setup_teardown(test_not_present_at_each_level, setup, teardown),
            cmocka_unit_test_setup_teardown(test_large_pages, setup, teardown),
            cmocka_unit_test_setup_teardown(test_reserved_bits_by_level, setup, teardown),
            cmocka_unit_test_setup_teardown(test_user_supervisor, setup, teardown),
            cmocka_unit_test_setup_teardown(test_read_write_and_wp, setup, teardown),
            cmocka_unit_test_setup_teardown(test_no_execute, setup, teardown),
            cmocka_unit_test_setup_teardown(test_smep, setup, teardown),
            cmocka_unit_test_setup_teardown(test_smap, setup, teardown),
            cmocka_unit_test_setup_teardown(test_global, setup, teardown),
            cmocka_unit_test_setup_teardown(test_write_and_fetch_together, setup, teardown),
            cmocka_unit_test_setup_teardown(test_non_canonical, setup, teardown),
            cmocka_unit_test_setup_teardown(test_bad_table, setup, teardown),
            cmocka_unit_test_setup_teardown(test_self_referencing_table, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
