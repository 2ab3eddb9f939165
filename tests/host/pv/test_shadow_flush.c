/*
 * Host tests of the software TLB's invalidation and recycling on a fake host: INVLPG of 4 KiB,
 * 2 MiB and 1 GiB guest pages, CR3 writes and global pages, paging-mode changes that matter and
 * ones that do not, full flushes, whole tables dropped in one call, and eviction of the least
 * recently filled tables under pool pressure, across both views.
 */
#include "shadow_fixture.h"

#include <pv/shadow.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define RAM_SIZE SHADOW_FIXTURE_RAM
#define USER_VA  0x0000000000400000ull
#define KERN_VA  0xffffffff80000000ull
#define MIB      (1ull << 20)

static void map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    walk_fake_map(&shadow_fx.guest, PV_PAGING_4LEVEL, shadow_fx.root, va, pa, size, WALK_URW,
                  flags);
}

static void filled(uint64_t va, unsigned access)
{
    pv_shadow_fill_t out;

    assert_int_equal(pv_shadow_fill(&shadow_fx.shadow, &shadow_fx.paging, gva(va), access, &out),
                     PV_SHADOW_FILLED);
}

static bool mapped(pv_shadow_space_t space, uint64_t va)
{
    return shadow_fake_translate(&shadow_fx.host, space, va).present;
}

static pv_shadow_stats_t stats(void)
{
    pv_shadow_stats_t out;

    pv_shadow_stats(&shadow_fx.shadow, &out);
    return out;
}

static void test_invlpg_4k(void **state)
{
    (void)state;
    map(USER_VA, 0x5000, 4096, WALK_URW);
    map(USER_VA + 4096, 0x6000, 4096, WALK_URW | WALK_G);
    filled(USER_VA, 0);
    filled(USER_VA, PV_ACCESS_USER);
    filled(USER_VA + 4096, PV_ACCESS_USER);
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(USER_VA + 0x123)),
                     PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_KERNEL, USER_VA));
    assert_false(mapped(PV_SHADOW_USER, USER_VA));
    assert_true(mapped(PV_SHADOW_USER, USER_VA + 4096));
    /* INVLPG takes global pages too. */
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(USER_VA + 4096)),
                     PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_USER, USER_VA + 4096));
    assert_int_equal(stats().invalidations, 2);
    assert_int_equal(stats().in_use[PV_SHADOW_POOL_PAGE], 0);
}

static void test_invlpg_large_pages(void **state)
{
    uint64_t big = 0x40000000ull, huge = 0x8000000000ull;

    (void)state;
    map(big, 2 * MIB, 2 * MIB, WALK_URW);
    map(big + 2 * MIB, 0, 2 * MIB, WALK_URW); /* the next 2 MiB page */
    map(huge, 0, 1ull << 30, WALK_P | WALK_RW);
    filled(big, PV_ACCESS_USER);
    filled(big + 0x1000, 0);
    filled(big + 0x1ff000, PV_ACCESS_USER);
    filled(big + 2 * MIB, PV_ACCESS_USER);
    filled(huge + 0x1000, 0);
    filled(huge + 0x201000, 0);
    filled(huge + 0x3ff000, 0);
    /* Any address in the 2 MiB page: its three shadow pages go, the next page's stays. */
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(big + 0x80000)),
                     PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_USER, big));
    assert_false(mapped(PV_SHADOW_KERNEL, big + 0x1000));
    assert_false(mapped(PV_SHADOW_USER, big + 0x1ff000));
    assert_true(mapped(PV_SHADOW_USER, big + 2 * MIB));
    /* Any address in the 1 GiB page: pages in every PT under it go. */
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(huge + 0x3fffff00)),
                     PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_KERNEL, huge + 0x1000));
    assert_false(mapped(PV_SHADOW_KERNEL, huge + 0x201000));
    assert_false(mapped(PV_SHADOW_KERNEL, huge + 0x3ff000));
    assert_int_equal(stats().in_use[PV_SHADOW_POOL_PAGE], 1);
}

static void test_invlpg_after_guest_shrank_the_page(void **state)
{
    uint64_t big = 0x40000000ull;

    (void)state;
    map(big, 2 * MIB, 2 * MIB, WALK_URW);
    filled(big + 0x5000, PV_ACCESS_USER);
    /* The guest replaces the 2 MiB page by a table of 4 KiB pages and flushes one address:
     * the old translation of every address in the large page goes (SDM 4.10.4.1). */
    walk_fake_put(&shadow_fx.guest,
                  walk_fake_entry(&shadow_fx.guest, PV_PAGING_4LEVEL, shadow_fx.root, big, 2), 0,
                  8);
    map(big, 0x9000, 4096, WALK_URW);
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(big)), PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_USER, big + 0x5000));
}

static void test_cr3_keeps_global_pages(void **state)
{
    uint64_t calls;

    (void)state;
    map(USER_VA, 0x5000, 4096, WALK_URW);
    map(KERN_VA, 0x6000, 4096, WALK_P | WALK_RW | WALK_G);
    map(KERN_VA + 4096, 0x7000, 4096, WALK_P | WALK_RW);
    filled(USER_VA, PV_ACCESS_USER);
    filled(USER_VA, 0);
    filled(KERN_VA, 0);
    filled(KERN_VA + 4096, 0);
    calls = shadow_fx.host.all_calls;
    assert_int_equal(pv_shadow_new_cr3(&shadow_fx.shadow, &shadow_fx.paging),
                     PV_SHADOW_OK); /* same value */
    assert_false(mapped(PV_SHADOW_USER, USER_VA));
    assert_false(mapped(PV_SHADOW_KERNEL, USER_VA));
    assert_true(mapped(PV_SHADOW_KERNEL, KERN_VA));
    assert_false(mapped(PV_SHADOW_KERNEL, KERN_VA + 4096));
    /* The user view's PDPT (no global page below) and the kernel view's lower PDPT go whole;
     * the kernel half keeps its tables and loses one page. */
    assert_int_equal(shadow_fx.host.all_calls - calls, 3);
    assert_int_equal(shadow_fx.host.calls[1], 2);
    assert_int_equal(stats().cr3_flushes, 1);
    /* A CR3 write nobody reported: the next fill flushes. */
    filled(USER_VA, PV_ACCESS_USER);
    shadow_fx.paging.cr3 = walk_fake_table(&shadow_fx.guest);
    walk_fake_put(&shadow_fx.guest, shadow_fx.paging.cr3 + 511 * 8,
                  walk_fake_get(&shadow_fx.guest, shadow_fx.root + 511 * 8, 8), 8);
    filled(KERN_VA + 4096, 0);
    assert_false(mapped(PV_SHADOW_USER, USER_VA));
    assert_true(mapped(PV_SHADOW_KERNEL, KERN_VA));
    /* Without CR4.PGE nothing is global: the change flushes all, and so does a CR3 write. */
    shadow_fx.paging.cr4 &= ~PV_PAGING_CR4_PGE;
    assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_KERNEL, KERN_VA));
    filled(KERN_VA, 0);
    assert_int_equal(pv_shadow_new_cr3(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_KERNEL, KERN_VA));
}

static void test_mode_changes(void **state)
{
    static const uint64_t cr4_relevant[] = {PV_PAGING_CR4_PGE, PV_PAGING_CR4_SMEP,
                                            PV_PAGING_CR4_SMAP};
    uint64_t calls;

    (void)state;
    map(USER_VA, 0x5000, 4096, WALK_URW | WALK_G);
    filled(USER_VA, PV_ACCESS_USER);
    /* Bits the walk does not read change nothing. */
    calls = shadow_fx.host.all_calls;
    shadow_fx.paging.cr4 |= 1ull << 9;  /* OSFXSR */
    shadow_fx.paging.cr0 |= 1ull << 5;  /* NE */
    shadow_fx.paging.efer |= 1ull << 0; /* SCE */
    assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_OK);
    assert_int_equal(shadow_fx.host.all_calls, calls);
    assert_true(mapped(PV_SHADOW_USER, USER_VA));
    /* Every bit it reads flushes everything, global pages too. */
    for (unsigned i = 0; i < 3; i++) {
        shadow_fx.paging.cr4 ^= cr4_relevant[i];
        assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging),
                         PV_SHADOW_OK);
        assert_false(mapped(PV_SHADOW_USER, USER_VA));
        shadow_fx.paging.cr4 ^= cr4_relevant[i];
        assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging),
                         PV_SHADOW_OK);
        filled(USER_VA, PV_ACCESS_USER);
    }
    shadow_fx.paging.cr0 ^= PV_PAGING_CR0_WP;
    filled(USER_VA + 0x10, PV_ACCESS_USER); /* unreported: the fill flushes, then maps again */
    shadow_fx.paging.efer ^= PV_PAGING_EFER_NXE;
    shadow_fx.paging.phys_addr_bits = 40;
    assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_USER, USER_VA));
    assert_int_equal(stats().flushes, 8);
}

static void test_full_flush(void **state)
{
    (void)state;
    map(USER_VA, 0x5000, 4096, WALK_URW | WALK_G);
    map(USER_VA + 4096, 0x6000, 4096, WALK_URW);
    filled(USER_VA, PV_ACCESS_USER);
    filled(USER_VA + 4096, PV_ACCESS_USER);
    assert_int_equal(pv_shadow_flush(&shadow_fx.shadow, true), PV_SHADOW_OK);
    assert_true(mapped(PV_SHADOW_USER, USER_VA));
    assert_false(mapped(PV_SHADOW_USER, USER_VA + 4096));
    assert_int_equal(pv_shadow_flush(&shadow_fx.shadow, false), PV_SHADOW_OK);
    assert_false(mapped(PV_SHADOW_USER, USER_VA));
    for (unsigned pool = 0; pool < PV_SHADOW_POOLS; pool++) {
        assert_int_equal(stats().in_use[pool], 0);
    }
    assert_int_equal(shadow_fx.host.calls[1], 1); /* one PDPT unmapped took everything */
}

static void test_pressure_with_one_slot_each(void **state)
{
    const pv_shadow_config_t bounds = {1, 1, 1, 2};
    pv_shadow_stats_t now;

    (void)state;
    shadow_fixture_stop(&shadow_fx);
    shadow_fixture_start(&shadow_fx, &bounds, RAM_SIZE);
    for (unsigned i = 0; i < 3; i++) {
        map(USER_VA + i * 4096, 0x5000 + i * 4096, 4096, WALK_URW);
    }
    map(USER_VA + 2 * MIB, 0x9000, 4096, WALK_URW);
    map(0x40000000ull, 0xa000, 4096, WALK_URW);
    map(KERN_VA, 0xb000, 4096, WALK_P | WALK_RW);
    filled(USER_VA, PV_ACCESS_USER);
    filled(USER_VA + 4096, PV_ACCESS_USER);
    /* A third page of the same PT: no other PT to evict, so the PT's own pages go. */
    filled(USER_VA + 8192, PV_ACCESS_USER);
    now = stats();
    assert_int_equal(now.evictions[PV_SHADOW_POOL_PAGE], 2);
    assert_false(mapped(PV_SHADOW_USER, USER_VA));
    assert_true(mapped(PV_SHADOW_USER, USER_VA + 8192));
    /* Another PT of the same PD: the PT goes in one call, its page with it. */
    filled(USER_VA + 2 * MIB, PV_ACCESS_USER);
    now = stats();
    assert_int_equal(now.evictions[PV_SHADOW_POOL_PT], 1);
    assert_int_equal(now.evictions[PV_SHADOW_POOL_PAGE], 3);
    /* Another PD, then another PDPT, then the other view. */
    filled(0x40000000ull, PV_ACCESS_USER);
    filled(KERN_VA, 0);
    filled(USER_VA, 0);
    now = stats();
    assert_int_equal(now.evictions[PV_SHADOW_POOL_PD], 1);
    assert_int_equal(now.evictions[PV_SHADOW_POOL_PDPT], 2);
    for (unsigned pool = 0; pool < PV_SHADOW_POOLS; pool++) {
        assert_true(now.high_water[pool] <= now.bounds[pool]);
    }
    assert_true(mapped(PV_SHADOW_KERNEL, USER_VA));
    assert_false(mapped(PV_SHADOW_KERNEL, KERN_VA));
}

static void test_least_recently_filled_goes_first(void **state)
{
    const pv_shadow_config_t bounds = {4, 4, 2, 64};

    (void)state;
    shadow_fixture_stop(&shadow_fx);
    shadow_fixture_start(&shadow_fx, &bounds, RAM_SIZE);
    for (unsigned i = 0; i < 3; i++) {
        map(USER_VA + i * 2 * MIB, 0x5000 + i * 4096, 4096, WALK_URW);
        map(USER_VA + i * 2 * MIB + 4096, 0x9000 + i * 4096, 4096, WALK_URW);
    }
    filled(USER_VA, PV_ACCESS_USER);
    filled(USER_VA + 2 * MIB, PV_ACCESS_USER);
    filled(USER_VA + 4096, PV_ACCESS_USER); /* the first PT is the most recently filled now */
    filled(USER_VA + 4 * MIB, PV_ACCESS_USER);
    assert_true(mapped(PV_SHADOW_USER, USER_VA));
    assert_true(mapped(PV_SHADOW_USER, USER_VA + 4096));
    assert_false(mapped(PV_SHADOW_USER, USER_VA + 2 * MIB));
    assert_true(mapped(PV_SHADOW_USER, USER_VA + 4 * MIB));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            SHADOW_FIXTURE_TEST(test_invlpg_4k),
            SHADOW_FIXTURE_TEST(test_invlpg_large_pages),
            SHADOW_FIXTURE_TEST(test_invlpg_after_guest_shrank_the_page),
            SHADOW_FIXTURE_TEST(test_cr3_keeps_global_pages),
            SHADOW_FIXTURE_TEST(test_mode_changes),
            SHADOW_FIXTURE_TEST(test_full_flush),
            SHADOW_FIXTURE_TEST(test_pressure_with_one_slot_each),
            SHADOW_FIXTURE_TEST(test_least_recently_filled_goes_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
