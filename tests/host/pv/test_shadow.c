/*
 * Host tests of the software TLB, one rule at a time, on a fake host (shadow_fake.c): set-up
 * checks, fills and their rights in each view (dirty before writable, CR0.WP, NX, SMEP, SMAP and
 * AC), the outcomes that map nothing (guest #PF, MMIO, reserved range, bad tables), spurious
 * faults and remaps, and a failing host call ending the software TLB's use.
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

static uint64_t map(uint64_t va, uint64_t pa, uint64_t flags)
{
    return walk_fake_map(&shadow_fx.guest, PV_PAGING_4LEVEL, shadow_fx.root, va, pa, 4096, WALK_URW,
                         flags);
}

static pv_shadow_fill_t fill(uint64_t va, unsigned access)
{
    pv_shadow_fill_t out;
    pv_shadow_status_t status =
            pv_shadow_fill(&shadow_fx.shadow, &shadow_fx.paging, gva(va), access, &out);

    assert_int_equal(status, out.status);
    return out;
}

static shadow_fake_translation_t host(pv_shadow_space_t space, uint64_t va)
{
    return shadow_fake_translate(&shadow_fx.host, space, va);
}

static void test_config_checks(void **state)
{
    const pv_shadow_config_t zero = {0, 1, 1, 1}, huge = {1, 1, 1, PV_SHADOW_POOL_MAX + 1};
    const pv_shadow_config_t small = {1, 1, 1, 1};
    size_t defaults = pv_shadow_storage_size(NULL);
    uint64_t buffer[4096];
    pv_shadow_t shadow;
    pv_shadow_ops_t ops = shadow_fake_ops(&shadow_fx.host);

    (void)state;
    assert_int_equal(pv_shadow_storage_size(&zero), 0);
    assert_int_equal(pv_shadow_storage_size(&huge), 0);
    /* A slot record and 512 two-byte children per table slot, a record per page slot. */
    assert_int_equal(defaults, (size_t)(PV_SHADOW_DEFAULT_PDPTS + PV_SHADOW_DEFAULT_PDS +
                                        PV_SHADOW_DEFAULT_PTS) *
                                               (sizeof(pv_shadow_table_t) + 1024) +
                                       (size_t)PV_SHADOW_DEFAULT_PAGES * sizeof(pv_shadow_page_t));
    assert_int_equal(pv_shadow_storage_size(&small),
                     3 * (sizeof(pv_shadow_table_t) + 1024) + sizeof(pv_shadow_page_t));
    assert_int_equal(
            pv_shadow_init(&shadow, &zero, &ops, &shadow_fx.guest.memory, buffer, sizeof(buffer)),
            PV_SHADOW_BAD_CONFIG);
    assert_int_equal(pv_shadow_init(&shadow, &small, &ops, &shadow_fx.guest.memory, buffer,
                                    pv_shadow_storage_size(&small) - 1),
                     PV_SHADOW_BAD_CONFIG);
    assert_int_equal(pv_shadow_init(&shadow, &small, &ops, &shadow_fx.guest.memory,
                                    (uint8_t *)buffer + 4, sizeof(buffer) - 8),
                     PV_SHADOW_BAD_CONFIG);
    assert_int_equal(pv_shadow_init(&shadow, &small, &ops, &shadow_fx.guest.memory, buffer,
                                    pv_shadow_storage_size(&small)),
                     PV_SHADOW_OK);
}

static void test_fill_maps_one_page_read_only_until_dirty(void **state)
{
    uint64_t leaf = map(USER_VA, 0x5000, WALK_URW);
    pv_shadow_fill_t out;
    pv_shadow_stats_t stats;

    (void)state;
    out = fill(USER_VA + 0x10, PV_ACCESS_USER);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_int_equal(out.space, PV_SHADOW_USER);
    assert_int_equal(out.rights, PV_SHADOW_EXEC); /* D clear: the first write must fault */
    assert_true(host(PV_SHADOW_USER, USER_VA).present);
    assert_int_equal(host(PV_SHADOW_USER, USER_VA).frame, 0x5000);
    assert_false(host(PV_SHADOW_KERNEL, USER_VA).present); /* the other view is untouched */
    assert_int_equal(shadow_fx.host.calls[0], 3);          /* a PDPT, a PD, a PT */
    assert_true(walk_fake_get(&shadow_fx.guest, leaf, 8) & WALK_A);
    /* The same fault again: nothing to do. */
    out = fill(USER_VA, PV_ACCESS_USER);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_int_equal(shadow_fx.host.calls[2], 1);
    /* The write: D set by the walk, the page mapped again writable. */
    out = fill(USER_VA, PV_ACCESS_USER | PV_ACCESS_WRITE);
    assert_int_equal(out.rights, PV_SHADOW_WRITE | PV_SHADOW_EXEC);
    assert_true(walk_fake_get(&shadow_fx.guest, leaf, 8) & WALK_D);
    assert_int_equal(host(PV_SHADOW_USER, USER_VA).rights, PV_SHADOW_WRITE | PV_SHADOW_EXEC);
    assert_int_equal(shadow_fx.host.calls[3], 1); /* the read-only mapping went first */
    pv_shadow_stats(&shadow_fx.shadow, &stats);
    assert_int_equal(stats.fills, 2);
    assert_int_equal(stats.remaps, 1);
    assert_int_equal(stats.spurious, 1);
    assert_int_equal(stats.in_use[PV_SHADOW_POOL_PAGE], 1);
    assert_int_equal(stats.in_use[PV_SHADOW_POOL_PT], 1);
    /* Dirty already: a read maps it writable at once. */
    map(USER_VA + 4096, 0x6000, WALK_URW | WALK_D);
    assert_int_equal(fill(USER_VA + 4096, PV_ACCESS_USER).rights, PV_SHADOW_WRITE | PV_SHADOW_EXEC);
}

static void test_user_view_never_maps_supervisor_pages(void **state)
{
    pv_shadow_fill_t out;

    (void)state;
    map(KERN_VA, 0x7000, WALK_P | WALK_RW | WALK_D);
    out = fill(KERN_VA, PV_ACCESS_USER);
    assert_int_equal(out.status, PV_SHADOW_GUEST_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_USER);
    assert_false(host(PV_SHADOW_USER, KERN_VA).present);
    out = fill(KERN_VA, PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_int_equal(out.space, PV_SHADOW_KERNEL);
    assert_true(host(PV_SHADOW_KERNEL, KERN_VA).present);
    assert_false(host(PV_SHADOW_USER, KERN_VA).present);
}

static void test_write_protect(void **state)
{
    pv_shadow_fill_t out;

    (void)state;
    map(USER_VA, 0x5000, WALK_P | WALK_US | WALK_D); /* read-only, dirty */
    out = fill(USER_VA, PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_GUEST_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_WRITE);
    /* CR0.WP clear: the kernel view writes read-only pages; the user view still may not. */
    shadow_fx.paging.cr0 &= ~PV_PAGING_CR0_WP;
    assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_OK);
    out = fill(USER_VA, PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_true(host(PV_SHADOW_KERNEL, USER_VA).rights & PV_SHADOW_WRITE);
    out = fill(USER_VA, PV_ACCESS_USER);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_false(host(PV_SHADOW_USER, USER_VA).rights & PV_SHADOW_WRITE);
    out = fill(USER_VA, PV_ACCESS_USER | PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_GUEST_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_WRITE | PV_PF_USER);
}

static void test_no_execute_and_smep(void **state)
{
    pv_shadow_fill_t out;

    (void)state;
    map(USER_VA, 0x5000, WALK_URW | WALK_NX);
    map(USER_VA + 4096, 0x6000, WALK_URW);
    out = fill(USER_VA, PV_ACCESS_USER | PV_ACCESS_FETCH);
    assert_int_equal(out.status, PV_SHADOW_GUEST_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_USER | PV_PF_FETCH);
    assert_int_equal(fill(USER_VA, PV_ACCESS_USER).rights, 0);
    /* SMEP: the kernel view maps user pages without execute. */
    shadow_fx.paging.cr4 |= PV_PAGING_CR4_SMEP;
    assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_OK);
    assert_int_equal(fill(USER_VA + 4096, 0).rights, 0);
    out = fill(USER_VA + 4096, PV_ACCESS_FETCH);
    assert_int_equal(out.status, PV_SHADOW_GUEST_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_FETCH);
    assert_int_equal(fill(USER_VA + 4096, PV_ACCESS_USER).rights, PV_SHADOW_EXEC);
}

static void test_smap_and_ac(void **state)
{
    pv_shadow_fill_t out;
    pv_shadow_stats_t stats;

    (void)state;
    map(USER_VA, 0x5000, WALK_URW | WALK_D);
    map(KERN_VA, 0x7000, WALK_P | WALK_RW | WALK_D);
    shadow_fx.paging.cr4 |= PV_PAGING_CR4_SMAP;
    out = fill(USER_VA, 0);
    assert_int_equal(out.status, PV_SHADOW_GUEST_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT);
    out = fill(USER_VA, PV_ACCESS_AC | PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_true(host(PV_SHADOW_KERNEL, USER_VA).rights & PV_SHADOW_WRITE);
    assert_int_equal(fill(KERN_VA, PV_ACCESS_AC).status, PV_SHADOW_FILLED);
    /* AC set again: nothing changes; cleared: the user page goes, the kernel page stays. */
    assert_int_equal(pv_shadow_ac_changed(&shadow_fx.shadow, true), PV_SHADOW_OK);
    assert_true(host(PV_SHADOW_KERNEL, USER_VA).present);
    assert_int_equal(pv_shadow_ac_changed(&shadow_fx.shadow, false), PV_SHADOW_OK);
    assert_false(host(PV_SHADOW_KERNEL, USER_VA).present);
    assert_true(host(PV_SHADOW_KERNEL, KERN_VA).present);
    /* A fill with AC clear revokes too, even if the change was not reported. */
    assert_int_equal(fill(USER_VA, PV_ACCESS_AC).status, PV_SHADOW_FILLED);
    assert_int_equal(fill(KERN_VA + 4096, 0).status, PV_SHADOW_GUEST_FAULT);
    assert_false(host(PV_SHADOW_KERNEL, USER_VA).present);
    pv_shadow_stats(&shadow_fx.shadow, &stats);
    assert_int_equal(stats.ac_revocations, 2);
    /* The user view is not SMAP's business. */
    assert_int_equal(fill(USER_VA, PV_ACCESS_USER | PV_ACCESS_WRITE).status, PV_SHADOW_FILLED);
}

static void test_outcomes_that_map_nothing(void **state)
{
    pv_shadow_fill_t out;
    pv_shadow_stats_t stats;

    (void)state;
    map(USER_VA, 0xfee00000ull, WALK_URW);
    out = fill(USER_VA + 0x30, PV_ACCESS_USER | PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_MMIO);
    assert_int_equal(out.address.value, 0xfee00030ull);
    map(USER_VA + 4096, RAM_SIZE - 4096, WALK_URW); /* the last page of RAM is RAM */
    assert_int_equal(fill(USER_VA + 4096, PV_ACCESS_USER).status, PV_SHADOW_FILLED);
    map(USER_VA + 8192, RAM_SIZE, WALK_URW);
    assert_int_equal(fill(USER_VA + 8192, PV_ACCESS_USER).status, PV_SHADOW_MMIO);
    /* The reserved range: mapped by the guest, reported; not mapped, the guest's #PF. */
    map(PV_SHADOW_RESERVED_BASE + 0x1000, 0x5000, WALK_P | WALK_RW);
    assert_int_equal(fill(PV_SHADOW_RESERVED_BASE + 0x1000, 0).status, PV_SHADOW_RESERVED);
    assert_int_equal(fill(PV_SHADOW_RESERVED_BASE + 0x2000, 0).status, PV_SHADOW_GUEST_FAULT);
    map(PV_SHADOW_RESERVED_END - 4096, 0x5000, WALK_P | WALK_RW);
    assert_int_equal(fill(PV_SHADOW_RESERVED_END - 4096, 0).status, PV_SHADOW_RESERVED);
    map(PV_SHADOW_RESERVED_END, 0x5000, WALK_P | WALK_RW);
    assert_int_equal(fill(PV_SHADOW_RESERVED_END, 0).status, PV_SHADOW_FILLED);
    /* A table outside RAM. */
    walk_fake_put(&shadow_fx.guest, shadow_fx.root + 5 * 8, (uint64_t)RAM_SIZE | WALK_URW, 8);
    out = fill(5ull << 39, 0);
    assert_int_equal(out.status, PV_SHADOW_BAD_TABLE);
    assert_int_equal(out.address.value, RAM_SIZE);
    assert_int_equal(fill(0x0000800000000000ull, 0).status, PV_SHADOW_NON_CANONICAL);
    pv_shadow_stats(&shadow_fx.shadow, &stats);
    assert_int_equal(stats.mmio, 2);
    assert_int_equal(stats.reserved, 2);
    assert_int_equal(stats.bad_tables, 1);
    assert_int_equal(stats.guest_faults, 1);
    assert_int_equal(stats.in_use[PV_SHADOW_POOL_PAGE], 2);
}

static void test_paging_off_and_legacy_modes(void **state)
{
    uint64_t pd = walk_fake_table(&shadow_fx.guest);
    pv_shadow_fill_t out;

    (void)state;
    shadow_fx.paging = walk_fake_paging(PV_PAGING_OFF, 0);
    shadow_fx.paging.cr4 = PV_PAGING_CR4_SMEP | PV_PAGING_CR4_SMAP; /* no effect without paging */
    out = fill(0x3000, PV_ACCESS_FETCH);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_int_equal(out.rights, PV_SHADOW_WRITE | PV_SHADOW_EXEC);
    assert_int_equal(host(PV_SHADOW_KERNEL, 0x3000).frame, 0x3000);
    assert_int_equal(fill(0x100000000ull, 0).status, PV_SHADOW_NON_CANONICAL);
    /* 32-bit paging: a 4 MiB page; entering the mode flushed the identity mapping. */
    shadow_fx.paging = walk_fake_paging(PV_PAGING_32BIT, pd);
    walk_fake_map(&shadow_fx.guest, PV_PAGING_32BIT, pd, 0xc0000000u, 0, 4u << 20, 0, WALK_URW);
    out = fill(0xc0212345u, PV_ACCESS_USER | PV_ACCESS_WRITE);
    assert_int_equal(out.status, PV_SHADOW_FILLED);
    assert_false(host(PV_SHADOW_KERNEL, 0x3000).present);
    assert_int_equal(host(PV_SHADOW_USER, 0xc0212000u).frame, 0x212000);
    assert_int_equal(fill(0xc0001000u, PV_ACCESS_USER).status, PV_SHADOW_FILLED);
    /* INVLPG anywhere in the 4 MiB page takes both (they lie in two host PTs). */
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(0xc03ff000u)), PV_SHADOW_OK);
    assert_false(host(PV_SHADOW_USER, 0xc0212000u).present);
    assert_false(host(PV_SHADOW_USER, 0xc0001000u).present);
}

static void test_host_failure_is_final(void **state)
{
    pv_shadow_fill_t out;
    pv_shadow_stats_t stats;

    (void)state;
    map(USER_VA, 0x5000, WALK_URW);
    map(USER_VA + 4096, 0x6000, WALK_URW);
    assert_int_equal(fill(USER_VA, PV_ACCESS_USER).status, PV_SHADOW_FILLED);
    shadow_fx.host.fail_at = shadow_fx.host.all_calls + 1; /* the next map_page */
    out = fill(USER_VA + 4096, PV_ACCESS_USER);
    assert_int_equal(out.status, PV_SHADOW_HOST_ERROR);
    assert_int_equal(out.host_error, 7);
    assert_false(host(PV_SHADOW_USER, USER_VA + 4096).present);
    pv_shadow_stats(&shadow_fx.shadow, &stats);
    assert_int_equal(stats.in_use[PV_SHADOW_POOL_PAGE], 1); /* the slot went back */
    /* From now on, every call says so and makes no host call. */
    shadow_fx.host.fail_at = 0;
    assert_int_equal(fill(USER_VA + 4096, PV_ACCESS_USER).status, PV_SHADOW_HOST_ERROR);
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(USER_VA)),
                     PV_SHADOW_HOST_ERROR);
    assert_int_equal(pv_shadow_new_cr3(&shadow_fx.shadow, &shadow_fx.paging), PV_SHADOW_HOST_ERROR);
    assert_int_equal(pv_shadow_paging_changed(&shadow_fx.shadow, &shadow_fx.paging),
                     PV_SHADOW_HOST_ERROR);
    assert_int_equal(pv_shadow_flush(&shadow_fx.shadow, false), PV_SHADOW_HOST_ERROR);
    assert_int_equal(pv_shadow_ac_changed(&shadow_fx.shadow, false), PV_SHADOW_HOST_ERROR);
    pv_shadow_stats(&shadow_fx.shadow, &stats);
    assert_int_equal(stats.host_calls, shadow_fx.host.all_calls);
}

static void test_failing_table_and_unmap_calls(void **state)
{
    (void)state;
    map(USER_VA, 0x5000, WALK_URW);
    shadow_fx.host.fail_at = 2; /* the PD's map_table */
    assert_int_equal(fill(USER_VA, PV_ACCESS_USER).status, PV_SHADOW_HOST_ERROR);
    assert_int_equal(shadow_fx.shadow.pools[1].used, 0);
    assert_int_equal(shadow_fx.shadow.pools[0].used, 1); /* the PDPT is mapped: kept and counted */
}

static void test_failing_unmap(void **state)
{
    (void)state;
    map(USER_VA, 0x5000, WALK_URW);
    assert_int_equal(fill(USER_VA, PV_ACCESS_USER).status, PV_SHADOW_FILLED);
    shadow_fx.host.fail_at = shadow_fx.host.all_calls + 1;
    assert_int_equal(pv_shadow_invalidate_page(&shadow_fx.shadow, gva(USER_VA)),
                     PV_SHADOW_HOST_ERROR);
    assert_true(host(PV_SHADOW_USER, USER_VA).present); /* the host kept it, and so did we */
    assert_int_equal(shadow_fx.shadow.pages_used, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            SHADOW_FIXTURE_TEST(test_config_checks),
            SHADOW_FIXTURE_TEST(test_fill_maps_one_page_read_only_until_dirty),
            SHADOW_FIXTURE_TEST(test_user_view_never_maps_supervisor_pages),
            SHADOW_FIXTURE_TEST(test_write_protect),
            SHADOW_FIXTURE_TEST(test_no_execute_and_smep),
            SHADOW_FIXTURE_TEST(test_smap_and_ac),
            SHADOW_FIXTURE_TEST(test_outcomes_that_map_nothing),
            SHADOW_FIXTURE_TEST(test_paging_off_and_legacy_modes),
            SHADOW_FIXTURE_TEST(test_host_failure_is_final),
            SHADOW_FIXTURE_TEST(test_failing_table_and_unmap_calls),
            SHADOW_FIXTURE_TEST(test_failing_unmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
