/*
 * The patch scanner on real kernels, differential against GNU objdump: the ELF files given as
 * arguments (make test-pv passes the test guest's four images and, when fetched, Debian's
 * vmlinux) are loaded, scanned from their boot entries and function symbols (vmlinux has none:
 * the targets of objdump's direct calls stand in for them), and every instruction start the
 * scan reached must be one of objdump's instructions, of the same length; every one of them that
 * objdump's mnemonic makes a site must be a site of that class, and no other may be.
 */
#include "patch_guest.h"
#include "patch_objdump.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define CAPACITY     (1u << 20)
#define WINDOW_32    0x10000u /* bytes of 32-bit listing from the 32-bit entry */
#define REPORT_LIMIT 8        /* disagreements printed per kind */

typedef struct {
    uint64_t matched;  /* reached starts that are objdump instructions */
    uint64_t sites;    /* of them, sites */
    uint64_t expected; /* of them, objdump's sensitive, CLI and STI instructions */
    uint64_t missed;   /* expected, not a site */
    uint64_t extra;    /* a site objdump's mnemonic does not make one */
    uint64_t differ;   /* a site of another class or length */
    uint64_t bad;      /* reached where objdump finds no instruction */
    uint64_t resynced; /* reached inside one of objdump's listed instructions */
} tally_t;

/* The identity alias of a virtual address, if its segment is linked away from its physical
 * address (the identity regions of PV_PATCH_ELF_IDENTITY); else the address itself. */
static uint64_t identity_of(const elf_image_t *image, uint64_t address)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        if (address - segment->vaddr < segment->memory_size) {
            return segment->paddr + (address - segment->vaddr);
        }
    }
    return address;
}

static void report(const char *what, const patch_objdump_insn_t *insn, uint64_t at,
                   const pv_patch_site_t *site, uint64_t count)
{
    if (count <= REPORT_LIMIT) {
        fprintf(stderr, "  %s at %#llx (listed at %#llx): objdump '%s %s' (%u bytes), site %s/%u\n",
                what, (unsigned long long)at, (unsigned long long)insn->address, insn->mnemonic,
                insn->operands, insn->length,
                site != NULL ? pv_patch_mnemonic_name(site->mnemonic) : "none",
                site != NULL ? (unsigned)site->length : 0u);
    }
}

static void check_start(const patch_guest_t *guest, const patch_objdump_insn_t *insn, uint64_t at,
                        pv_patch_mode_t mode, tally_t *tally)
{
    const pv_patch_site_t *site =
            pv_patch_find(guest->result.sites, guest->result.site_count, gva(at));
    unsigned expected = patch_objdump_site_mnemonic(insn, mode);

    tally->matched++;
    tally->sites += site != NULL;
    if (insn->length == 0) {
        report("reached, objdump has (bad)", insn, at, site, ++tally->bad);
        return;
    }
    if (expected == X86DEC_MN_OTHER) {
        if (site != NULL) {
            report("extra site", insn, at, site, ++tally->extra);
        }
        return;
    }
    tally->expected++;
    if (site == NULL) {
        report("missed", insn, at, site, ++tally->missed);
    } else if (site->mnemonic != expected || site->length != insn->length) {
        report("differs", insn, at, site, ++tally->differ);
    }
}

/* objdump's own decoding at one address (a start its linear listing stepped over: code that
 * overlaps itself, or its sweep lost in data), checked like a listed start. */
static void check_resync(const patch_guest_t *guest, const char *path, uint64_t listed, uint64_t at,
                         pv_patch_mode_t mode, tally_t *tally)
{
    char options[160];
    patch_objdump_insn_t insn;
    FILE *listing;

    snprintf(options, sizeof(options), "%s --start-address=%#llx --stop-address=%#llx",
             mode == PV_PATCH_MODE_32 ? "-m i386" : "", (unsigned long long)listed,
             (unsigned long long)listed + X86DEC_MAX_LENGTH + 1);
    listing = patch_objdump_run(path, options);
    assert_non_null(listing);
    assert_true(patch_objdump_next(listing, &insn));
    assert_int_equal(insn.address, listed);
    fclose(listing);
    tally->resynced++;
    check_start(guest, &insn, at, mode, tally);
}

/* Every instruction of a listing in [low, high): checked where the scan reached it, at its
 * address and at its identity alias; a start the scan reached inside one of them is checked
 * against objdump's decoding from that very address. */
static void check_listing(const patch_guest_t *guest, const elf_image_t *image, const char *path,
                          FILE *listing, pv_patch_mode_t mode, uint64_t low, uint64_t high,
                          tally_t *tally)
{
    patch_objdump_insn_t insn;

    while (patch_objdump_next(listing, &insn)) {
        uint64_t alias = identity_of(image, insn.address);
        if (insn.address < low || insn.address >= high) {
            continue;
        }
        if (pv_patch_reached(&guest->input, gva(insn.address), mode)) {
            check_start(guest, &insn, insn.address, mode, tally);
        }
        if (alias != insn.address && pv_patch_reached(&guest->input, gva(alias), mode)) {
            check_start(guest, &insn, alias, mode, tally);
        }
        for (unsigned k = 1; k < insn.length; k++) {
            if (pv_patch_reached(&guest->input, gva(insn.address + k), mode)) {
                check_resync(guest, path, insn.address + k, insn.address + k, mode, tally);
            }
            if (alias != insn.address && pv_patch_reached(&guest->input, gva(alias + k), mode)) {
                check_resync(guest, path, insn.address + k, alias + k, mode, tally);
            }
        }
    }
}

static void expect_agreement(const char *what, const tally_t *tally, uint64_t reached)
{
    printf("  %s: %llu reached starts, %llu at objdump's instructions (%llu where its listing "
           "stepped over them); %llu sites, %llu objdump instructions that must be sites\n",
           what, (unsigned long long)reached, (unsigned long long)tally->matched,
           (unsigned long long)tally->resynced, (unsigned long long)tally->sites,
           (unsigned long long)tally->expected);
    assert_int_equal(tally->bad, 0);
    assert_int_equal(tally->missed, 0);
    assert_int_equal(tally->extra, 0);
    assert_int_equal(tally->differ, 0);
    /* every reached start was among objdump's instructions */
    assert_int_equal(tally->matched, reached);
}

/* Entries for an image without symbols: objdump's direct call targets, as function symbols. */
static void add_call_targets(patch_guest_t *guest, FILE *listing)
{
    patch_objdump_insn_t insn;
    uint64_t target;

    while (patch_objdump_next(listing, &insn)) {
        if (patch_objdump_call_target(&insn, &target)) {
            patch_guest_entry(guest, target, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
        }
    }
    rewind(listing);
}

static void test_image(void **state)
{
    const char *path = *state;
    patch_guest_t guest;
    elf_image_t image;
    uint8_t *file = NULL;
    FILE *listing;
    FILE *listing32 = NULL;
    size_t count = 0;
    uint32_t flags;
    uint64_t entry32 = ~0ull;
    tally_t tally64 = {0};
    tally_t tally32 = {0};

    assert_true(patch_guest_load_elf(&guest, path, &image, &file, CAPACITY));
    flags = patch_guest_boot_flags(&image);
    assert_int_equal(pv_patch_regions_from_elf(&image, PV_PATCH_ELF_IDENTITY, guest.regions,
                                               PV_PATCH_REGIONS_MAX, &guest.region_count),
                     PV_PATCH_OK);
    assert_int_equal(
            pv_patch_entries_from_elf(&image, flags, guest.entries, guest.entry_capacity, &count),
            PV_PATCH_OK);
    guest.entry_count = count;
    for (size_t i = 0; i < count; i++) {
        if (guest.entries[i].mode == PV_PATCH_MODE_32 && guest.entries[i].address.value < entry32) {
            entry32 = guest.entries[i].address.value; /* the lowest: the listing starts there */
        }
    }
    listing = patch_objdump_run(path, "");
    assert_non_null(listing);
    if (count == 0 || guest.entries[count - 1].origin != PV_PATCH_ORIGIN_SYMBOL) {
        add_call_targets(&guest, listing);
    }
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    printf("%s: %zu regions, %zu entries; %zu sites, %zu conflicts (%zu breaking a patch), "
           "%zu notes\n",
           path, guest.region_count, guest.entry_count, guest.result.site_count,
           guest.result.conflict_count, guest.result.conflicts_breaking, guest.result.note_count);
    check_listing(&guest, &image, path, listing, PV_PATCH_MODE_64, 0, ~0ull, &tally64);
    fclose(listing);
    expect_agreement("64-bit", &tally64, guest.result.stats.instructions[PV_PATCH_MODE_64]);
    if (entry32 != ~0ull) {
        /* The 32-bit entry is physical; objdump lists the segment's virtual addresses. */
        uint64_t listed = entry32;
        char options[128];
        for (unsigned i = 0; i < image.segment_count; i++) {
            if (entry32 - image.segments[i].paddr < image.segments[i].memory_size) {
                listed = image.segments[i].vaddr + (entry32 - image.segments[i].paddr);
            }
        }
        snprintf(options, sizeof(options), "-m i386 --start-address=%#llx --stop-address=%#llx",
                 (unsigned long long)listed, (unsigned long long)(listed + WINDOW_32));
        listing32 = patch_objdump_run(path, options);
        assert_non_null(listing32);
        check_listing(&guest, &image, path, listing32, PV_PATCH_MODE_32, listed, listed + WINDOW_32,
                      &tally32);
        fclose(listing32);
        expect_agreement("32-bit", &tally32, guest.result.stats.instructions[PV_PATCH_MODE_32]);
    }
    /* Sites are reached starts, so each was met above exactly once. */
    assert_int_equal(tally64.sites + tally32.sites, guest.result.site_count);
    assert_int_equal(guest.result.conflicts_breaking, 0);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_OK);
    patch_guest_free(&guest);
    free(file);
}

int main(int argc, char **argv)
{
    struct CMUnitTest *tests = calloc((size_t)(argc > 1 ? argc - 1 : 1), sizeof(*tests));
    int status;

    if (tests == NULL) {
        return 1;
    }
    if (argc < 2) {
        printf("test_patch_images: no ELF file given: nothing to compare (make test-pv gives "
               "the test guest's images; make testguest builds them)\n");
        free(tests);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        tests[i - 1] = (struct CMUnitTest){
                .name = argv[i],
                .test_func = test_image,
                .initial_state = argv[i],
        };
    }
    status = _cmocka_run_group_tests("patch_images", tests, (size_t)(argc - 1), NULL, NULL);
    free(tests);
    return status;
}
