/*
 * Host tests of the guest page-table walker outside 4-level paging: paging off, 32-bit paging
 * (4 KiB pages, 4 MiB pages with CR4.PSE and PSE-36, PS ignored without PSE, 4-byte accessed
 * and dirty updates) and PAE paging (the PDPT at CR3 bits 31:5, PDPTE formats, bits 62:M).
 */
#include "walk_fake.h"

#include <pv/walk.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define RAM_SIZE (1u << 20)

static walk_fake_t fake;

static int setup(void **state)
{
    (void)state;
    walk_fake_init(&fake, RAM_SIZE);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    walk_fake_free(&fake);
    return 0;
}

static void put_or(uint64_t at, unsigned width, uint64_t set, uint64_t clear)
{
    walk_fake_put(&fake, at, (walk_fake_get(&fake, at, width) | set) & ~clear, width);
}

static void test_paging_off(void **state)
{
    pv_paging_t paging = walk_fake_paging(PV_PAGING_OFF, 0);
    pv_walk_t out;

    (void)state;
    /* Every right, even with SMEP and SMAP set: without paging they do not apply. */
    paging.cr4 = PV_PAGING_CR4_SMEP | PV_PAGING_CR4_SMAP;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(0x12345), PV_ACCESS_FETCH, &out),
                     PV_WALK_OK);
    assert_int_equal(out.address.value, 0x12345);
    assert_int_equal(out.frame.value, 0x12000);
    assert_int_equal(out.page_size, 4096);
    assert_int_equal(out.levels, 0);
    assert_true(out.writable && out.user && out.executable && out.dirty);
    assert_false(out.global);
    /* Outside RAM is still a translation (the caller decides what it is). */
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(0xfee00000), 0, &out), PV_WALK_OK);
    assert_int_equal(out.address.value, 0xfee00000);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(0x100000000ull), 0, &out),
                     PV_WALK_NON_CANONICAL);
}

static void test_legacy_4k(void **state)
{
    uint64_t pd = walk_fake_table(&fake);
    pv_paging_t paging = walk_fake_paging(PV_PAGING_32BIT, pd);
    uint64_t va = 0xc0401234;
    uint64_t leaf = walk_fake_map(&fake, PV_PAGING_32BIT, pd, va, 0x7000, 4096, WALK_URW,
                                  WALK_URW | WALK_G);
    uint64_t neighbour = leaf ^ 4;
    uint64_t pde = walk_fake_entry(&fake, PV_PAGING_32BIT, pd, va, 2);
    pv_walk_t out;

    (void)state;
    walk_fake_put(&fake, neighbour, 0xdeadbe00, 4);
    paging.cr4 |= PV_PAGING_CR4_PGE;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_WRITE, &out), PV_WALK_OK);
    assert_int_equal(out.address.value, 0x7234);
    assert_int_equal(out.levels, 2);
    assert_true(out.global && out.dirty && out.executable);
    assert_int_equal(walk_fake_get(&fake, leaf, 4), 0x7000 | WALK_URW | WALK_G | WALK_A | WALK_D);
    assert_true(walk_fake_get(&fake, pde, 4) & WALK_A);
    assert_false(walk_fake_get(&fake, pde, 4) & WALK_D);
    assert_int_equal(walk_fake_get(&fake, neighbour, 4), 0xdeadbe00); /* the other half */
    /* No NX in 32-bit paging: bit 31 of a 4-byte PTE is an address bit. */
    put_or(leaf, 4, 0x80000000u, 0);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_FETCH, &out), PV_WALK_OK);
    assert_int_equal(out.frame.value, 0x80007000u);
    /* Rights over both levels; the fetch bit only with SMEP. */
    put_or(pde, 4, 0, WALK_US);
    assert_int_equal(
            pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_USER | PV_ACCESS_FETCH, &out),
            PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_USER);
    paging.cr4 |= PV_PAGING_CR4_SMEP;
    assert_int_equal(
            pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_USER | PV_ACCESS_FETCH, &out),
            PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_USER | PV_PF_FETCH);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(0x100000000ull), 0, &out),
                     PV_WALK_NON_CANONICAL);
}

static void test_legacy_4m(void **state)
{
    uint64_t pd = walk_fake_table(&fake);
    pv_paging_t paging = walk_fake_paging(PV_PAGING_32BIT, pd);
    uint64_t va = 0x80123456;
    uint64_t pde =
            walk_fake_map(&fake, PV_PAGING_32BIT, pd, va & ~0x3fffffull, 0, 1u << 22, 0, WALK_URW);
    pv_walk_t out;

    (void)state;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_WRITE, &out), PV_WALK_OK);
    assert_int_equal(out.page_size, 1u << 22);
    assert_int_equal(out.address.value, 0x123456);
    assert_int_equal(out.page_base.value, 0x80000000u);
    assert_int_equal(out.levels, 1);
    assert_true(walk_fake_get(&fake, pde, 4) & WALK_D);
    /* PSE-36: bits 20:13 are physical bits 39:32 below MAXPHYADDR; bit 21 is reserved. */
    paging.phys_addr_bits = 40;
    put_or(pde, 4, 0xffull << 13, 0);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_OK);
    assert_int_equal(out.frame.value, 0xff00000000ull);
    paging.phys_addr_bits = 36;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED);
    put_or(pde, 4, 0, 0xf0ull << 13);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_OK);
    assert_int_equal(out.frame.value, 0xf00000000ull);
    paging.phys_addr_bits = 32; /* no high bits at all */
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_FAULT);
    put_or(pde, 4, 1u << 21, 0xffull << 13);
    paging.phys_addr_bits = 40;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED);
    /* Without CR4.PSE the PS bit is ignored: the entry points to a page table (page 0). */
    put_or(pde, 4, 0, 1u << 21);
    walk_fake_put(&fake, ((va >> 12) & 1023) * 4, 0x3000 | WALK_P, 4);
    paging.cr4 &= ~PV_PAGING_CR4_PSE;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_OK);
    assert_int_equal(out.page_size, 4096);
    assert_int_equal(out.levels, 2);
    assert_int_equal(out.address.value, 0x3456);
}

static void test_pae(void **state)
{
    uint64_t page = walk_fake_table(&fake);
    uint64_t pdpt = page + 0x60; /* CR3 bits 31:5: a 32-byte table inside a page */
    pv_paging_t paging = walk_fake_paging(PV_PAGING_PAE, pdpt);
    uint64_t va = 0xc0601234;
    uint64_t leaf = walk_fake_map(&fake, PV_PAGING_PAE, pdpt, va, 0x9000, 4096, WALK_URW, WALK_URW);
    uint64_t pdpte = walk_fake_entry(&fake, PV_PAGING_PAE, pdpt, va, 3);
    uint64_t pde = walk_fake_entry(&fake, PV_PAGING_PAE, pdpt, va, 2);
    pv_walk_t out;

    (void)state;
    assert_int_equal(pdpte, pdpt + 3 * 8);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_WRITE, &out), PV_WALK_OK);
    assert_int_equal(out.address.value, 0x9234);
    assert_int_equal(out.levels, 3);
    assert_int_equal(walk_fake_get(&fake, pdpte, 8) & WALK_A, 0); /* PDPTEs have no A bit */
    assert_true(walk_fake_get(&fake, pde, 8) & WALK_A);
    assert_true(walk_fake_get(&fake, leaf, 8) & WALK_D);
    /* PDPTE: bits 2:1 and 8:5 and 63:M are reserved; R/W and U/S come from PD and PT only. */
    for (unsigned bit = 1; bit <= 8; bit++) {
        bool reserved = bit <= 2 || bit >= 5;

        put_or(pdpte, 8, 1ull << bit, 0);
        assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_USER, &out),
                         reserved ? PV_WALK_FAULT : PV_WALK_OK);
        if (reserved) {
            assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED | PV_PF_USER);
            assert_int_equal(out.levels, 1);
        }
        put_or(pdpte, 8, 0, 1ull << bit);
    }
    put_or(pdpte, 8, WALK_NX, 0);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_FAULT);
    put_or(pdpte, 8, 0, WALK_NX | WALK_P);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_WRITE, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_WRITE);
    assert_int_equal(out.levels, 1);
    put_or(pdpte, 8, WALK_P, 0);
    /* Bits 62:M are reserved in PAE entries (ignored under 4-level paging). */
    put_or(pde, 8, 1ull << 60, 0);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED);
    put_or(pde, 8, 0, 1ull << 60);
    /* NX in the PTE with NXE. */
    put_or(leaf, 8, WALK_NX, 0);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), PV_ACCESS_FETCH, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_FETCH);
}

static void test_pae_large_and_bad_pdpt(void **state)
{
    uint64_t pdpt = walk_fake_table(&fake);
    pv_paging_t paging = walk_fake_paging(PV_PAGING_PAE, pdpt);
    uint64_t va = 0x40212345;
    uint64_t pde = walk_fake_map(&fake, PV_PAGING_PAE, pdpt, va & ~0x1fffffull, 0x600000, 1u << 21,
                                 WALK_URW, WALK_URW);
    pv_walk_t out;

    (void)state;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_OK);
    assert_int_equal(out.page_size, 1u << 21);
    assert_int_equal(out.address.value, 0x612345);
    assert_int_equal(out.levels, 2);
    put_or(pde, 8, 1ull << 13, 0);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED);
    /* A PDPT past the end of RAM. */
    paging.cr3 = RAM_SIZE;
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(va), 0, &out), PV_WALK_BAD_TABLE);
    assert_int_equal(out.table_address.value, RAM_SIZE + 8);
    assert_int_equal(out.levels, 0);
}

static void test_pae_pdpt_used_as_every_table(void **state)
{
    uint64_t page = walk_fake_table(&fake);
    pv_paging_t paging = walk_fake_paging(PV_PAGING_PAE, page);
    pv_walk_t out;

    (void)state;
    /* One word is PDPTE 0, PDE 0 and PTE 0. The walk sets A in it as a PDE (the processor
     * works from the PDPTEs it loaded at the CR3 write); the next walk finds bit 5 set in the
     * PDPTE, which is reserved there (the processor would refuse it at the next CR3 write). */
    walk_fake_put(&fake, page, page | WALK_P, 8);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(0x123), 0, &out), PV_WALK_OK);
    assert_int_equal(out.address.value, page + 0x123);
    assert_int_equal(walk_fake_get(&fake, page, 8), page | WALK_P | WALK_A);
    assert_int_equal(pv_walk(&fake.memory, &paging, gva(0x123), 0, &out), PV_WALK_FAULT);
    assert_int_equal(out.error_code, PV_PF_PRESENT | PV_PF_RESERVED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_paging_off, setup, teardown),
            cmocka_unit_test_setup_teardown(test_legacy_4k, setup, teardown),
            cmocka_unit_test_setup_teardown(test_legacy_4m, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pae, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pae_large_and_bad_pdpt, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pae_pdpt_used_as_every_table, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
