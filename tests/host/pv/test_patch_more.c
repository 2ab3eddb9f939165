/*
 * Host tests of the patch scanner continued from entries found at run time (pv_patch_scan_more):
 * only the new code is decoded, and the result is the one a full scan from every entry gives;
 * an entry reached already adds nothing; an entry in the middle of a site is a conflict, which
 * breaks the patch (apply refuses) only where it overlaps the patched bytes; entries outside
 * every region are notes; the revert, scan, apply cycle the VMM runs; refusals.
 */
#include "patch_guest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define RAM    0x40000u
#define CODE   0x1000u   /* guest-physical */
#define VIRT   0x400000u /* guest-virtual of CODE */
#define LENGTH 0x1000u

/* pushf; ret at VIRT (the boot entry); popf; cpuid; cli; ret at VIRT + 0x10, which nothing
 * reaches statically (a handler the guest installs, a user entry point). */
static void two_blocks(patch_guest_t *guest)
{
    patch_guest_init(guest, RAM, 64);
    patch_guest_region(guest, VIRT, CODE, LENGTH);
    patch_guest_code(guest, CODE, "9c c3");
    patch_guest_code(guest, CODE + 0x10, "9d 0f a2 fa c3");
    patch_guest_entry(guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
}

static void test_more_finds_new_code(void **state)
{
    patch_guest_t guest;
    patch_guest_t whole;

    (void)state;
    two_blocks(&guest);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_false(pv_patch_reached(&guest.input, gva(VIRT + 0x10), PV_PATCH_MODE_64));

    patch_guest_entry(&guest, VIRT + 0x10, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 1), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 4);
    /* The first block is not decoded again: 2 + 4 instructions. */
    assert_int_equal(guest.result.stats.instructions[PV_PATCH_MODE_64], 6);
    assert_int_equal(guest.result.stats.entries_scanned, 2);
    assert_int_equal(guest.result.stats.bytes_reached[0], 7);
    assert_int_equal(guest.result.stats.bytes_unreached, LENGTH - 7);
    assert_int_equal(guest.result.unreached_count, 2);
    assert_int_equal(guest.result.unreached[0].start.value, VIRT + 2);
    assert_int_equal(guest.result.unreached[1].start.value, VIRT + 0x15);
    assert_true(pv_patch_reached(&guest.input, gva(VIRT + 0x14), PV_PATCH_MODE_64));

    /* The same sites as one scan from both entries. */
    two_blocks(&whole);
    patch_guest_entry(&whole, VIRT + 0x10, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan(&whole), PV_PATCH_OK);
    assert_int_equal(whole.result.site_count, 4);
    assert_memory_equal(whole.result.sites, guest.result.sites, 4 * sizeof(pv_patch_site_t));
    patch_guest_free(&whole);
    patch_guest_free(&guest);
}

/* An entry the scan reached already, or one of the entries scanned before: nothing decoded. */
static void test_more_nothing_new(void **state)
{
    patch_guest_t guest;

    (void)state;
    two_blocks(&guest);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    patch_guest_entry(&guest, VIRT + 1, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 1), PV_PATCH_OK);
    assert_int_equal(patch_guest_scan_more(&guest, 0), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.stats.instructions[PV_PATCH_MODE_64], 2);
    assert_int_equal(guest.result.stats.entries_scanned, 1);
    assert_int_equal(guest.result.conflict_count, 0);
    assert_int_equal(guest.result.unreached_count, 1);
    patch_guest_free(&guest);
}

/*
 * sgdt 0xb0f(%rip) (0f 01 05 0f 0b 00 00: a UD2 site of 7 bytes; its displacement reads as UD2)
 * and a guest that runs it from the middle. From offset 3 the UD2 leaves the patched bytes alone:
 * a conflict that breaks nothing. From offset 1 (01 05 ...: an ADD over the patched bytes) the
 * patch would change the other instruction: apply refuses.
 */
static void test_more_inside_a_site(void **state)
{
    patch_guest_t guest;

    (void)state;
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, VIRT, CODE, LENGTH);
    patch_guest_code(&guest, CODE, "0f 01 05 0f 0b 00 00 c3");
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);

    patch_guest_entry(&guest, VIRT + 3, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 1), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.conflict_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 0);
    assert_int_equal(guest.result.conflicts[0].first.value, VIRT);
    assert_int_equal(guest.result.conflicts[0].second.value, VIRT + 3);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_OK);

    patch_guest_entry(&guest, VIRT + 1, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 2), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 1);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_CONFLICT);
    assert_memory_equal(guest.ram + CODE, "\x0f\x01\x05\x0f\x0b", 5); /* nothing written */
    patch_guest_free(&guest);
}

/* Outside every region, and past 4 GiB in 32-bit code: notes. In a full scan too. */
static void test_more_outside(void **state)
{
    patch_guest_t guest;

    (void)state;
    two_blocks(&guest);
    patch_guest_entry(&guest, VIRT + LENGTH, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_RUNTIME_OUTSIDE, VIRT + LENGTH));
    patch_guest_entry(&guest, 0x100000000ull + VIRT, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 2), PV_PATCH_OK);
    assert_int_equal(patch_guest_notes(&guest, PV_PATCH_NOTE_RUNTIME_OUTSIDE), 2);
    assert_int_equal(guest.result.site_count, 1);
    assert_string_equal(pv_patch_note_name(PV_PATCH_NOTE_RUNTIME_OUTSIDE), "runtime-outside");
    patch_guest_free(&guest);
}

/* What the VMM does: apply; the guest runs; revert, continue the scan, apply the whole table. */
static void test_more_apply_cycle(void **state)
{
    patch_guest_t guest;

    (void)state;
    two_blocks(&guest);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_int_equal(guest.ram[CODE], 0x06);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_OK);
    patch_guest_entry(&guest, VIRT + 0x10, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 1), PV_PATCH_OK);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_memory_equal(guest.ram + CODE, "\x06\xc3", 2);
    assert_memory_equal(guest.ram + CODE + 0x10, "\x07\x0f\x0b\xfa\xc3", 5);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_memory_equal(guest.ram + CODE + 0x10, "\x9d\x0f\xa2\xfa\xc3", 5);
    patch_guest_free(&guest);
}

/* Sites, notes and conflicts of two results alike (the statistics say how the work was split). */
static void expect_same_result(const patch_guest_t *a, const patch_guest_t *b)
{
    assert_int_equal(a->result.site_count, b->result.site_count);
    assert_memory_equal(a->result.sites, b->result.sites,
                        a->result.site_count * sizeof(*a->result.sites));
    assert_int_equal(a->result.note_count, b->result.note_count);
    assert_int_equal(patch_guest_notes(a, PV_PATCH_NOTE_SYMBOL_32BIT),
                     patch_guest_notes(b, PV_PATCH_NOTE_SYMBOL_32BIT));
    assert_int_equal(a->result.conflict_count, b->result.conflict_count);
}

/*
 * pushf; ret (9c c3: an INT3 site in 32-bit code) at CODE, seen through two aliases: VIRT and an
 * identity region. A 32-bit symbol at VIRT and a 32-bit boot entry at CODE: each reaches the
 * site through its own alias, and the guest may trap at either address. The boot entry's path
 * through the identity alias must not make the scan drop the symbol; given in two steps, the
 * symbol first, the entries find the same two sites as in one scan.
 */
static void aliased_32bit(patch_guest_t *guest)
{
    patch_guest_init(guest, RAM, 64);
    patch_guest_region(guest, VIRT, CODE, LENGTH);
    patch_guest_region(guest, CODE, CODE, LENGTH);
    patch_guest_code(guest, CODE, "9c c3");
    patch_guest_entry(guest, VIRT, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_SYMBOL);
    patch_guest_entry(guest, CODE, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT);
}

static void test_more_32bit_symbol_on_an_alias(void **state)
{
    patch_guest_t whole;
    patch_guest_t steps;

    (void)state;
    aliased_32bit(&whole);
    assert_int_equal(patch_guest_scan(&whole), PV_PATCH_OK);
    assert_int_equal(whole.result.site_count, 2);
    assert_int_equal(whole.result.sites[0].address.value, CODE);
    assert_int_equal(whole.result.sites[1].address.value, VIRT);
    assert_int_equal(whole.result.sites[1].kind, PV_PATCH_KIND_INT3);
    assert_null(patch_guest_note(&whole, PV_PATCH_NOTE_SYMBOL_32BIT, ~0ull));

    aliased_32bit(&steps);
    steps.entry_count = 1;
    assert_int_equal(patch_guest_scan(&steps), PV_PATCH_OK);
    steps.entry_count = 2;
    assert_int_equal(patch_guest_scan_more(&steps, 1), PV_PATCH_OK);
    expect_same_result(&whole, &steps);
    patch_guest_free(&steps);
    patch_guest_free(&whole);
}

/*
 * cli; inc %eax; ret (fa 40 c3) entered as 32-bit code at run time, and a 64-bit function symbol
 * at its second instruction (40 c3 would be rex; ret). The symbol is 32-bit code marked as a
 * function and skipped, whether the run-time entry comes in the same scan (after the symbols in
 * the input) or in a first one.
 */
static void symbol_on_runtime_32bit(patch_guest_t *guest)
{
    patch_guest_init(guest, RAM, 64);
    patch_guest_region(guest, VIRT, CODE, LENGTH);
    patch_guest_code(guest, CODE, "fa 40 c3");
    patch_guest_entry(guest, VIRT, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_RUNTIME);
    patch_guest_entry(guest, VIRT + 1, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
}

static void test_more_symbol_on_32bit_code_found_first(void **state)
{
    patch_guest_t whole;
    patch_guest_t steps;

    (void)state;
    symbol_on_runtime_32bit(&whole);
    assert_int_equal(patch_guest_scan(&whole), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&whole, PV_PATCH_NOTE_SYMBOL_32BIT, VIRT + 1));
    assert_false(pv_patch_reached(&whole.input, gva(VIRT + 1), PV_PATCH_MODE_64));
    assert_int_equal(whole.result.conflict_count, 0);

    symbol_on_runtime_32bit(&steps);
    steps.entry_count = 1;
    assert_int_equal(patch_guest_scan(&steps), PV_PATCH_OK);
    steps.entry_count = 2;
    assert_int_equal(patch_guest_scan_more(&steps, 1), PV_PATCH_OK);
    assert_false(pv_patch_reached(&steps.input, gva(VIRT + 1), PV_PATCH_MODE_64));
    expect_same_result(&whole, &steps);
    patch_guest_free(&steps);
    patch_guest_free(&whole);
}

/*
 * The other way round: a 64-bit symbol at VIRT scanned first, then 32-bit code entered at run
 * time at the same byte. 48 b8 00 00 00 00 c3 00 00 00 0f a2 c3 is dec %eax; mov $0, %eax; ret
 * as 32-bit code, but movabs $imm64, %rax; cpuid; ret as 64-bit code. A whole scan skips the
 * symbol (no cpuid site); continued, the scan must not keep what it read from the symbol.
 */
static void symbol_then_runtime_32bit(patch_guest_t *guest)
{
    patch_guest_init(guest, RAM, 64);
    patch_guest_region(guest, VIRT, CODE, LENGTH);
    patch_guest_code(guest, CODE, "48 b8 00 00 00 00 c3 00 00 00 0f a2 c3");
    patch_guest_entry(guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
    patch_guest_entry(guest, VIRT, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_RUNTIME);
}

static void test_more_32bit_code_under_an_earlier_symbol(void **state)
{
    patch_guest_t whole;
    patch_guest_t steps;

    (void)state;
    symbol_then_runtime_32bit(&whole);
    assert_int_equal(patch_guest_scan(&whole), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&whole, PV_PATCH_NOTE_SYMBOL_32BIT, VIRT));
    assert_int_equal(whole.result.site_count, 0);

    symbol_then_runtime_32bit(&steps);
    steps.entry_count = 1;
    assert_int_equal(patch_guest_scan(&steps), PV_PATCH_OK);
    assert_int_equal(steps.result.site_count, 1); /* the cpuid, as 64-bit code */
    steps.entry_count = 2;
    assert_int_equal(patch_guest_scan_more(&steps, 1), PV_PATCH_OK);
    assert_false(pv_patch_reached(&steps.input, gva(VIRT + 10), PV_PATCH_MODE_64));
    expect_same_result(&whole, &steps);
    patch_guest_free(&steps);
    patch_guest_free(&whole);
}

/* Refusals: no successful scan before, entries past the count, a full site table. */
static void test_more_refusals(void **state)
{
    patch_guest_t guest;

    (void)state;
    assert_int_equal(pv_patch_scan_more(NULL, 0, NULL), PV_PATCH_ERR_ARGUMENT);
    two_blocks(&guest);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(patch_guest_scan_more(&guest, 2), PV_PATCH_ERR_ARGUMENT);
    assert_int_equal(guest.result.error, PV_PATCH_ERR_ARGUMENT);
    assert_int_equal(patch_guest_scan_more(&guest, 0), PV_PATCH_ERR_ARGUMENT); /* after that */
    patch_guest_free(&guest);

    two_blocks(&guest);
    guest.result.site_capacity = 2;
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    patch_guest_entry(&guest, VIRT + 0x10, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_RUNTIME);
    assert_int_equal(patch_guest_scan_more(&guest, 1), PV_PATCH_ERR_SITES_FULL);
    assert_int_equal(guest.result.error_address.value, VIRT + 0x11);
    patch_guest_free(&guest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_more_finds_new_code),
            cmocka_unit_test(test_more_nothing_new),
            cmocka_unit_test(test_more_inside_a_site),
            cmocka_unit_test(test_more_outside),
            cmocka_unit_test(test_more_apply_cycle),
            cmocka_unit_test(test_more_refusals),
            cmocka_unit_test(test_more_32bit_symbol_on_an_alias),
            cmocka_unit_test(test_more_symbol_on_32bit_code_found_first),
            cmocka_unit_test(test_more_32bit_code_under_an_earlier_symbol),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
