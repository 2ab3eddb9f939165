/*
 * Host tests of the patch scanner's control flow on small hand-assembled guests: what is
 * reached and what is not (data after every kind of flow end), both arms of branches, cycles,
 * calls, 32-bit entry code with its far jumps and far returns into 64-bit code, and hostile
 * layouts: overlapping instructions, jumps into instructions, targets outside every region,
 * regions ending inside an instruction, addresses that wrap, a full work stack.
 */
#include "patch_guest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RAM    0x40000u
#define CODE   0x1000u   /* guest-physical */
#define VIRT   0x400000u /* guest-virtual of CODE */
#define LENGTH 0x1000u

/* A guest with one region VIRT -> CODE and the code at its start, entered in mode. */
static void guest_with(patch_guest_t *guest, const char *hex, pv_patch_mode_t mode)
{
    patch_guest_init(guest, RAM, 1024);
    patch_guest_region(guest, VIRT, CODE, LENGTH);
    patch_guest_code(guest, CODE, hex);
    patch_guest_entry(guest, VIRT, mode, PV_PATCH_ORIGIN_BOOT);
}

static const pv_patch_site_t *site_at(const patch_guest_t *guest, uint64_t address)
{
    return pv_patch_find(guest->result.sites, guest->result.site_count, gva(address));
}

static void expect_site(const patch_guest_t *guest, uint64_t address, unsigned length,
                        pv_patch_kind_t kind, unsigned mnemonic)
{
    const pv_patch_site_t *site = site_at(guest, address);

    assert_non_null(site);
    assert_int_equal(site->length, length);
    assert_int_equal(site->kind, kind);
    assert_int_equal(site->mnemonic, mnemonic);
}

static void test_straight_line(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* cpuid; mov %eax,%ds (sensitive, 2 bytes); pushf; popf; cli; sti; ret */
    guest_with(&guest, "0f a2 8e d8 9c 9d fa fb c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 6);
    expect_site(&guest, VIRT, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    expect_site(&guest, VIRT + 2, 2, PV_PATCH_KIND_UD2, X86DEC_MN_MOV_TO_SREG);
    expect_site(&guest, VIRT + 4, 1, PV_PATCH_KIND_PUSHF, X86DEC_MN_PUSHF);
    expect_site(&guest, VIRT + 5, 1, PV_PATCH_KIND_POPF, X86DEC_MN_POPF);
    expect_site(&guest, VIRT + 6, 1, PV_PATCH_KIND_CLI, X86DEC_MN_CLI);
    expect_site(&guest, VIRT + 7, 1, PV_PATCH_KIND_STI, X86DEC_MN_STI);
    assert_int_equal(guest.result.sites[0].physical.value, CODE);
    assert_memory_equal(guest.result.sites[0].original, "\x0f\xa2", 2);
    assert_int_equal(guest.result.stats.instructions[PV_PATCH_MODE_64], 7);
    assert_int_equal(guest.result.stats.bytes_reached[0], 9);
    assert_int_equal(guest.result.stats.bytes_unreached, LENGTH - 9);
    assert_int_equal(guest.result.unreached_count, 1);
    assert_int_equal(guest.result.unreached[0].start.value, VIRT + 9);
    assert_int_equal(guest.result.unreached[0].length, LENGTH - 9);
    assert_int_equal(guest.result.note_count, 0);
    assert_true(pv_patch_reached(&guest.input, gva(VIRT + 8), PV_PATCH_MODE_64));
    assert_false(pv_patch_reached(&guest.input, gva(VIRT + 9), PV_PATCH_MODE_64));
    assert_false(pv_patch_reached(&guest.input, gva(VIRT + 1), PV_PATCH_MODE_64));
    assert_false(pv_patch_reached(&guest.input, gva(VIRT), PV_PATCH_MODE_32));
    patch_guest_free(&guest);
}

/* Bytes that decode as sensitive instructions after each kind of flow end: never reached. */
static void test_data_after_flow_ends(void **state)
{
    static const char *const ends[] = {
            "eb 07",             /* jmp +7 (over the data, to its ret) */
            "c3",                /* ret */
            "c2 08 00",          /* ret $8 */
            "48 cf",             /* iretq (itself a site) */
            "ff e0",             /* jmp *%rax */
            "ff 25 00 00 00 00", /* jmp *0(%rip) */
            "0f 0b",             /* ud2 */
            "0f b9 00",          /* ud1 (%rax),%eax */
            "48 0f 07",          /* sysretq */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        patch_guest_t guest;
        size_t length;

        guest_with(&guest, ends[i], PV_PATCH_MODE_64);
        length = patch_guest_code(&guest, CODE, ends[i]);
        /* cpuid, pushf, sgdt, iret: data, then a ret reached by the jmp */
        patch_guest_code(&guest, CODE + length, "0f a2 9c 0f 01 00 cf c3");
        assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
        for (size_t at = length; at < length + 8; at++) {
            if (i == 0 && at == length + 7) {
                continue; /* the ret the jmp lands on */
            }
            assert_null(site_at(&guest, VIRT + at));
            assert_false(pv_patch_reached(&guest.input, gva(VIRT + at), PV_PATCH_MODE_64));
        }
        assert_int_equal(guest.result.site_count, i == 3 ? 1u : 0u);
        patch_guest_free(&guest);
    }
}

static void test_both_arms_and_loops(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* 0: je +4 -> 6; 2: cpuid; 4: jmp 2 (a cycle); 6: loop 9 (e2 01) -> 9; 8: ret;
     * 9: jrcxz +1 -> 12 (e3 01); 11: pushf; 12: popf; 13: ret */
    guest_with(&guest, "74 04 0f a2 eb fc e2 01 c3 e3 01 9c 9d c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    expect_site(&guest, VIRT + 2, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    expect_site(&guest, VIRT + 11, 1, PV_PATCH_KIND_PUSHF, X86DEC_MN_PUSHF);
    expect_site(&guest, VIRT + 12, 1, PV_PATCH_KIND_POPF, X86DEC_MN_POPF);
    assert_int_equal(guest.result.site_count, 3);
    assert_int_equal(guest.result.stats.instructions[PV_PATCH_MODE_64], 9);
    assert_int_equal(guest.result.conflict_count, 0);
    patch_guest_free(&guest);
}

static void test_calls_return(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* 0: call +6 -> 11; 5: call *%rax; 7: cpuid; 9: ret; 10: hlt (after ret: data);
     * 11: hlt; 12: sti; 13: ret -- HLT does not end the flow, a call returns */
    guest_with(&guest, "e8 06 00 00 00 ff d0 0f a2 c3 f4 f4 fb c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    expect_site(&guest, VIRT + 7, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    expect_site(&guest, VIRT + 12, 1, PV_PATCH_KIND_STI, X86DEC_MN_STI);
    assert_false(pv_patch_reached(&guest.input, gva(VIRT + 10), PV_PATCH_MODE_64));
    assert_int_equal(guest.result.stats.indirect, 1);
    assert_int_equal(guest.result.stats.privileged, 1); /* the hlt at 11 */
    patch_guest_free(&guest);
}

static void test_jump_into_instruction(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* 0: mov $0x9090909c,%eax; 5: jmp -6 -> 1: pushf hides in the immediate. Patching the
     * pushf would change the mov's immediate: the conflict breaks the patch. The nops after
     * it (at 2, 3, 4) overlap the mov as well, without a patch. */
    guest_with(&guest, "b8 9c 90 90 90 eb fa", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.conflict_count, 4);
    assert_int_equal(guest.result.conflicts_breaking, 1);
    assert_int_equal(guest.result.conflicts[0].first.value, VIRT);
    assert_int_equal(guest.result.conflicts[0].first_length, 5);
    assert_int_equal(guest.result.conflicts[0].second.value, VIRT + 1);
    assert_int_equal(guest.result.conflicts[0].second_length, 1);
    assert_true(guest.result.conflicts[0].breaks_patch);
    expect_site(&guest, VIRT + 1, 1, PV_PATCH_KIND_PUSHF, X86DEC_MN_PUSHF);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_CONFLICT);
    assert_int_equal(guest.ram[CODE + 1], 0x9c); /* refused: nothing written */
    patch_guest_free(&guest);

    /* The classic "jmp into its own operand" (eb ff: jmp to its second byte, ff c0 inc %eax):
     * overlapping, but no site is involved, so patching may go on. */
    guest_with(&guest, "eb ff c0 0f a2 c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.conflict_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 0);
    assert_false(guest.result.conflicts[0].breaks_patch);
    expect_site(&guest, VIRT + 3, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    patch_guest_free(&guest);

    /* Two sites over the same bytes: 0: je +1 -> 3; 2: pushfw (66 9c, a site); 3: pushf, inside
     * it. The second is not listed (sites stay disjoint); the conflict breaks the patch. */
    guest_with(&guest, "74 01 66 9c c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    expect_site(&guest, VIRT + 2, 2, PV_PATCH_KIND_UD2, X86DEC_MN_PUSHF);
    assert_int_equal(guest.result.conflict_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 1);
    assert_non_null(
            pv_patch_find_containing(guest.result.sites, guest.result.site_count, gva(VIRT + 3)));
    patch_guest_free(&guest);

    /* Two sites sharing a byte that neither patch writes: 0: je +2 -> 4; 2: lar %dx,%edi
     * (0f 02 fa: UD2 over 2-3); 4: cli (fa, the LAR's last byte); 5: ret. Only one can be
     * listed, and a CLI at 4 would then be taken for a jump into the LAR: the patch breaks. */
    guest_with(&guest, "74 02 0f 02 fa c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.conflict_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 1);
    assert_true(guest.result.conflicts[0].breaks_patch);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_CONFLICT);
    patch_guest_free(&guest);
}

static void test_targets_outside(void **state)
{
    patch_guest_t guest;
    const pv_patch_note_t *note;

    (void)state;
    /* 0: jmp +0x2000 (outside the 4 KiB region); the call at 5 is never reached */
    guest_with(&guest, "e9 00 20 00 00", PV_PATCH_MODE_64);
    /* A call outside: noted, and the code after it still runs. */
    patch_guest_code(&guest, CODE + 0x100, "e8 00 00 01 00 0f a2 c3");
    patch_guest_entry(&guest, VIRT + 0x100, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    note = patch_guest_note(&guest, PV_PATCH_NOTE_TARGET_OUTSIDE, VIRT);
    assert_non_null(note);
    assert_int_equal(note->target.value, VIRT + 5 + 0x2000);
    note = patch_guest_note(&guest, PV_PATCH_NOTE_TARGET_OUTSIDE, VIRT + 0x100);
    assert_non_null(note);
    assert_int_equal(note->target.value, VIRT + 0x105 + 0x10000);
    expect_site(&guest, VIRT + 0x105, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    patch_guest_free(&guest);

    /* Falling off the region's end is leaving it too. */
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, VIRT, CODE, 3);
    patch_guest_code(&guest, CODE, "90 90 90 0f a2");
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    note = patch_guest_note(&guest, PV_PATCH_NOTE_TARGET_OUTSIDE, VIRT + 2);
    assert_non_null(note);
    assert_int_equal(note->target.value, VIRT + 3);
    assert_int_equal(guest.result.site_count, 0);
    patch_guest_free(&guest);
}

static void test_region_ends_inside_instruction(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* nop; then cpuid whose second byte is past the region: truncated, not a site, and its
     * bytes beyond the region never read as code */
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, VIRT, CODE, 2);
    patch_guest_code(&guest, CODE, "90 0f a2 c3");
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_TRUNCATED, VIRT + 1));
    assert_int_equal(guest.result.site_count, 0);
    assert_int_equal(guest.result.stats.bytes_reached[0], 1);
    patch_guest_free(&guest);

    /* Undefined encodings and overlong prefixes: noted where the path arrives. */
    guest_with(&guest, "74 01 06", PV_PATCH_MODE_64);
    patch_guest_code(&guest, CODE + 3, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90");
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_INVALID, VIRT + 2));
    assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_TOO_LONG, VIRT + 3));
    patch_guest_free(&guest);
}

static void test_entry_outside(void **state)
{
    patch_guest_t guest;

    (void)state;
    guest_with(&guest, "c3", PV_PATCH_MODE_64);
    patch_guest_entry(&guest, VIRT + LENGTH, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_ERR_ENTRY_OUTSIDE);
    assert_int_equal(guest.result.error, PV_PATCH_ERR_ENTRY_OUTSIDE);
    assert_int_equal(guest.result.error_address.value, VIRT + LENGTH);
    patch_guest_free(&guest);

    /* A function symbol outside every region is only a note. */
    guest_with(&guest, "c3", PV_PATCH_MODE_64);
    patch_guest_entry(&guest, 0x123456, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_SYMBOL_OUTSIDE, 0x123456));
    patch_guest_free(&guest);

    /* A 32-bit entry cannot lie above 4 GiB, even in a region that holds the address. */
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, 0x100000000ull, CODE, LENGTH);
    patch_guest_code(&guest, CODE, "c3");
    patch_guest_entry(&guest, 0x100000000ull, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_ERR_ENTRY_OUTSIDE);
    patch_guest_free(&guest);
}

static void test_32bit_entry_to_long_mode(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* 32-bit at VIRT: cli; cpuid; push %cs (site); ljmp $8,$VIRT+0x40 */
    guest_with(&guest, "fa 0f a2 0e ea 40 00 40 00 08 00 9c", PV_PATCH_MODE_32);
    /* 64-bit at +0x40: mov %eax,%ds; pushf; iretq; */
    patch_guest_code(&guest, CODE + 0x40, "8e d8 9c 48 cf");
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    expect_site(&guest, VIRT, 1, PV_PATCH_KIND_CLI, X86DEC_MN_CLI);
    expect_site(&guest, VIRT + 1, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    expect_site(&guest, VIRT + 3, 1, PV_PATCH_KIND_INT3, PV_PATCH_MN_PUSH_SREG);
    expect_site(&guest, VIRT + 4, 7, PV_PATCH_KIND_UD2, PV_PATCH_MN_JMP_FAR_DIRECT);
    expect_site(&guest, VIRT + 0x40, 2, PV_PATCH_KIND_UD2, X86DEC_MN_MOV_TO_SREG);
    expect_site(&guest, VIRT + 0x42, 1, PV_PATCH_KIND_PUSHF, X86DEC_MN_PUSHF);
    expect_site(&guest, VIRT + 0x43, 2, PV_PATCH_KIND_UD2, X86DEC_MN_IRET);
    assert_int_equal(site_at(&guest, VIRT)->modes, 1u << PV_PATCH_MODE_32);
    assert_int_equal(site_at(&guest, VIRT + 0x40)->modes, 1u << PV_PATCH_MODE_64);
    assert_null(site_at(&guest, VIRT + 11)); /* after the far jump: not reached */
    assert_int_equal(guest.result.stats.far_followed, 1);
    assert_int_equal(guest.result.stats.instructions[PV_PATCH_MODE_32], 4);
    assert_int_equal(guest.result.stats.instructions[PV_PATCH_MODE_64], 3);
    patch_guest_free(&guest);
}

/* One far-return pattern: code (32- or 64-bit) ending in lret, the target VIRT + 0x80 holding
 * cpuid; ret in 64-bit code. */
static void expect_far_return(const char *hex, pv_patch_mode_t mode, bool resolved)
{
    patch_guest_t guest;

    guest_with(&guest, hex, mode);
    patch_guest_code(&guest, CODE + 0x80, "0f a2 c3");
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    if (resolved) {
        expect_site(&guest, VIRT + 0x80, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
        assert_int_equal(site_at(&guest, VIRT + 0x80)->modes, 1u << PV_PATCH_MODE_64);
        assert_int_equal(patch_guest_notes(&guest, PV_PATCH_NOTE_FAR_UNRESOLVED), 0);
    } else {
        assert_null(site_at(&guest, VIRT + 0x80));
        assert_int_equal(patch_guest_notes(&guest, PV_PATCH_NOTE_FAR_UNRESOLVED), 1);
    }
    patch_guest_free(&guest);
}

static void test_far_return_patterns(void **state)
{
    (void)state;
    /* push $8; push $VIRT+0x80; lret */
    expect_far_return("6a 08 68 80 00 40 00 cb", PV_PATCH_MODE_32, true);
    /* push $8; mov $VIRT+0x80,%eax; push %eax; lret */
    expect_far_return("6a 08 b8 80 00 40 00 50 cb", PV_PATCH_MODE_32, true);
    /* mov first, then the selector: lea VIRT+0x80,%ecx; push $8; push %ecx; lret */
    expect_far_return("8d 0d 80 00 40 00 6a 08 51 cb", PV_PATCH_MODE_32, true);
    /* 64-bit: push $8; lea 0x77(%rip),%rax (to 0x80); push %rax; lretq */
    expect_far_return("6a 08 48 8d 05 77 00 00 00 50 48 cb", PV_PATCH_MODE_64, true);
    /* 64-bit: push $8; mov $VIRT+0x80,%r9 (49 c7 c1 imm32); push %r9; lretq */
    expect_far_return("6a 08 49 c7 c1 80 00 40 00 41 51 48 cb", PV_PATCH_MODE_64, true);
    /* the register pushed is not the one loaded */
    expect_far_return("6a 08 b8 80 00 40 00 51 cb", PV_PATCH_MODE_32, false);
    /* no selector push */
    expect_far_return("90 b8 80 00 40 00 50 cb", PV_PATCH_MODE_32, false);
    /* a computed offset (lea 0x80(%ebp)) */
    expect_far_return("6a 08 8d 85 80 00 00 00 50 cb", PV_PATCH_MODE_32, false);
    /* far jmp and call through memory */
    expect_far_return("ff 2d 00 00 00 00", PV_PATCH_MODE_64, false);
    expect_far_return("ff 1d 00 00 00 00 c3", PV_PATCH_MODE_64, false);
}

static void test_one_byte_traps(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* 32-bit: pushf, popf, pop %ss, iret: one byte each, INT3 (06/07 are PUSH/POP ES there) */
    guest_with(&guest, "9c 9d 17 1e cf", PV_PATCH_MODE_32);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    expect_site(&guest, VIRT, 1, PV_PATCH_KIND_INT3, X86DEC_MN_PUSHF);
    expect_site(&guest, VIRT + 1, 1, PV_PATCH_KIND_INT3, X86DEC_MN_POPF);
    expect_site(&guest, VIRT + 2, 1, PV_PATCH_KIND_INT3, PV_PATCH_MN_POP_SREG32);
    assert_null(site_at(&guest, VIRT + 3)); /* push %ds: the guest's own selector */
    expect_site(&guest, VIRT + 4, 1, PV_PATCH_KIND_INT3, X86DEC_MN_IRET);
    patch_guest_free(&guest);

    /* 64-bit: iretd and lret are one byte; prefixed pushf/popf are not the kernel's sites */
    guest_with(&guest, "66 9c 48 9d 74 01 cf cb", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    expect_site(&guest, VIRT, 2, PV_PATCH_KIND_UD2, X86DEC_MN_PUSHF);
    expect_site(&guest, VIRT + 2, 2, PV_PATCH_KIND_UD2, X86DEC_MN_POPF);
    expect_site(&guest, VIRT + 6, 1, PV_PATCH_KIND_INT3, X86DEC_MN_IRET);
    expect_site(&guest, VIRT + 7, 1, PV_PATCH_KIND_INT3, X86DEC_MN_RET_FAR);
    patch_guest_free(&guest);

    /* RDTSC is a site unless the caller lets the guest read the real TSC. */
    guest_with(&guest, "0f 31 0f 01 f9 c3", PV_PATCH_MODE_64);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 2);
    guest.flags = PV_PATCH_OPT_NATIVE_RDTSC;
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    expect_site(&guest, VIRT + 2, 3, PV_PATCH_KIND_UD2, X86DEC_MN_RDTSCP);
    patch_guest_free(&guest);
}

static void test_modes_meet(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* The same cpuid reached as 32-bit and as 64-bit code: one site, both modes. */
    guest_with(&guest, "0f a2 c3", PV_PATCH_MODE_32);
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.sites[0].modes, 3);
    assert_int_equal(guest.result.conflict_count, 0);
    patch_guest_free(&guest);

    /* 48 89 c8: mov %rcx,%rax in 64-bit code, dec %eax then mov %ecx,%eax in 32-bit code. */
    guest_with(&guest, "48 89 c8 c3", PV_PATCH_MODE_32);
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.conflict_count, 2); /* same start; and 89 c8 inside */
    assert_int_equal(guest.result.conflicts_breaking, 0);
    patch_guest_free(&guest);

    /* 9c: PUSHF either way, but 0x06 in 64-bit code and INT3 in 32-bit code: one listed, the
     * other a conflict that breaks the patch. */
    guest_with(&guest, "9c c3", PV_PATCH_MODE_32);
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 1);
    patch_guest_free(&guest);
}

static void test_symbols(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* A 32-bit entry; a function symbol on its code (32-bit code marked as a function) and one
     * on 64-bit code no path reaches. */
    guest_with(&guest, "fa 40 c3", PV_PATCH_MODE_32);
    patch_guest_entry(&guest, VIRT + 1, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
    patch_guest_code(&guest, CODE + 0x20, "0f a2 c3");
    patch_guest_entry(&guest, VIRT + 0x20, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_SYMBOL_32BIT, VIRT + 1));
    assert_false(pv_patch_reached(&guest.input, gva(VIRT + 1), PV_PATCH_MODE_64));
    expect_site(&guest, VIRT + 0x20, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    assert_int_equal(guest.result.stats.entries_scanned, 2);
    assert_int_equal(guest.result.conflict_count, 0);
    patch_guest_free(&guest);
}

/*
 * A 64-bit symbol on code a 32-bit symbol's path reaches (cli; inc %eax; ret: 40 c3 read as
 * 64-bit code would be rex; ret) is skipped, and the 32-bit symbol is scanned, whichever of the
 * two comes first in the input.
 */
static void test_symbols_in_either_order(void **state)
{
    (void)state;
    for (unsigned order = 0; order < 2; order++) {
        patch_guest_t guest;

        patch_guest_init(&guest, RAM, 64);
        patch_guest_region(&guest, VIRT, CODE, LENGTH);
        patch_guest_code(&guest, CODE, "fa 40 c3");
        patch_guest_entry(&guest, order == 0 ? VIRT : VIRT + 1,
                          order == 0 ? PV_PATCH_MODE_32 : PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
        patch_guest_entry(&guest, order == 0 ? VIRT + 1 : VIRT,
                          order == 0 ? PV_PATCH_MODE_64 : PV_PATCH_MODE_32, PV_PATCH_ORIGIN_SYMBOL);
        assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
        assert_non_null(patch_guest_note(&guest, PV_PATCH_NOTE_SYMBOL_32BIT, VIRT + 1));
        assert_int_equal(patch_guest_notes(&guest, PV_PATCH_NOTE_SYMBOL_32BIT), 1);
        assert_true(pv_patch_reached(&guest.input, gva(VIRT + 1), PV_PATCH_MODE_32));
        assert_false(pv_patch_reached(&guest.input, gva(VIRT + 1), PV_PATCH_MODE_64));
        expect_site(&guest, VIRT, 1, PV_PATCH_KIND_CLI, X86DEC_MN_CLI);
        assert_int_equal(guest.result.conflict_count, 0);
        patch_guest_free(&guest);
    }
}

static void test_wrapping_addresses(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* 64-bit code in the last bytes below 2^64 - 16: a jmp whose target wraps past 2^64 to a
     * low address: outside every region, noted with the wrapped target. */
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, 0xfffffffffffff000ull, CODE, 0xff0);
    patch_guest_code(&guest, CODE + 0xfe0, "e9 00 01 00 00");
    patch_guest_entry(&guest, 0xffffffffffffffe0ull, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(patch_guest_note(&guest, PV_PATCH_NOTE_TARGET_OUTSIDE, 0xffffffffffffffe0ull)
                             ->target.value,
                     0xe5u);
    patch_guest_free(&guest);

    /* 32-bit code just below 4 GiB jumping past it lands at EIP 0x20 (a region there). */
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, 0xfffff000u, CODE, 0x1000);
    patch_guest_region(&guest, 0, 0x8000, 0x1000);
    patch_guest_code(&guest, CODE + 0xff0, "e9 2b 00 00 00");
    patch_guest_code(&guest, 0x8020, "0f a2 c3");
    patch_guest_entry(&guest, 0xfffffff0u, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    expect_site(&guest, 0x20, 2, PV_PATCH_KIND_UD2, X86DEC_MN_CPUID);
    patch_guest_free(&guest);

    /* 32-bit code that falls past 4 GiB: EIP wraps to 0, where there is no region. */
    patch_guest_init(&guest, RAM, 64);
    patch_guest_region(&guest, 0xfffff000u, CODE, 0x1000);
    patch_guest_code(&guest, CODE + 0xffe, "90 90");
    patch_guest_entry(&guest, 0xfffffffeu, PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(
            patch_guest_note(&guest, PV_PATCH_NOTE_TARGET_OUTSIDE, 0xffffffffu)->target.value, 0);
    patch_guest_free(&guest);
}

/* Many branch targets and a stack of 64 entries: the sweeps find every one. */
static void test_full_stack(void **state)
{
    patch_guest_t small;
    patch_guest_t large;

    (void)state;
    patch_guest_init(&small, RAM, 4096);
    patch_guest_region(&small, VIRT, CODE, 0x8000);
    /* 1000 je's, each to its own stub "cpuid; ret" at 0x2000 + 4 * i */
    for (unsigned i = 0; i < 1000; i++) {
        uint32_t from = 6 * i + 6;
        uint32_t rel = 0x2000 + 4 * i - from;
        patch_guest_code(&small, CODE + 6 * i, "0f 84");
        small.ram[CODE + 6 * i + 2] = (uint8_t)rel;
        small.ram[CODE + 6 * i + 3] = (uint8_t)(rel >> 8);
        small.ram[CODE + 6 * i + 4] = 0;
        small.ram[CODE + 6 * i + 5] = 0;
        patch_guest_code(&small, CODE + 0x2000 + 4 * i, "0f a2 c3 cc");
    }
    patch_guest_code(&small, CODE + 6000, "c3");
    patch_guest_entry(&small, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    large = small;
    small.stack_entries = PV_PATCH_STACK_MIN;
    assert_int_equal(patch_guest_scan(&small), PV_PATCH_OK);
    assert_true(small.result.stats.sweeps > 0);
    assert_int_equal(small.result.site_count, 1000);
    /* the same with room for all: the same sites, no sweep */
    large.result = small.result;
    large.workspace = NULL;
    large.stack_entries = PV_PATCH_STACK_DEFAULT;
    {
        pv_patch_site_t *copy = malloc(1000 * sizeof(*copy));
        assert_non_null(copy);
        memcpy(copy, small.result.sites, 1000 * sizeof(*copy));
        assert_int_equal(patch_guest_scan(&large), PV_PATCH_OK);
        assert_int_equal(large.result.stats.sweeps, 0);
        assert_int_equal(large.result.site_count, 1000);
        assert_memory_equal(copy, large.result.sites, 1000 * sizeof(*copy));
        free(copy);
    }
    free(large.workspace);
    patch_guest_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_straight_line),
            cmocka_unit_test(test_data_after_flow_ends),
            cmocka_unit_test(test_both_arms_and_loops),
            cmocka_unit_test(test_calls_return),
            cmocka_unit_test(test_jump_into_instruction),
            cmocka_unit_test(test_targets_outside),
            cmocka_unit_test(test_region_ends_inside_instruction),
            cmocka_unit_test(test_entry_outside),
            cmocka_unit_test(test_32bit_entry_to_long_mode),
            cmocka_unit_test(test_far_return_patterns),
            cmocka_unit_test(test_one_byte_traps),
            cmocka_unit_test(test_modes_meet),
            cmocka_unit_test(test_symbols),
            cmocka_unit_test(test_symbols_in_either_order),
            cmocka_unit_test(test_wrapping_addresses),
            cmocka_unit_test(test_full_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
