/*
 * Host tests of the patch scanner's inputs and outputs: region and argument checks (empty,
 * overlapping, wrapping, non-canonical, not RAM, too many, a short or misaligned workspace), the
 * site capacity, aliased regions, applying and reverting patches (checked before any write),
 * trap-time lookups, the kernel's fast-path list and the ELF helpers.
 */
#include "patch_guest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RAM  0x40000u
#define CODE 0x1000u
#define VIRT 0x400000u

static void guest_with(patch_guest_t *guest, const char *hex, size_t capacity)
{
    patch_guest_init(guest, RAM, capacity);
    patch_guest_region(guest, VIRT, CODE, 0x1000);
    patch_guest_code(guest, CODE, hex);
    patch_guest_entry(guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
}

/* A scan of one code byte with these regions: the error and where. */
static pv_patch_error_t scan_regions(const pv_patch_region_t *regions, size_t count,
                                     uint64_t *where)
{
    patch_guest_t guest;
    pv_patch_error_t error;

    patch_guest_init(&guest, RAM, 16);
    for (size_t i = 0; i < count && i < PV_PATCH_REGIONS_MAX; i++) {
        guest.regions[i] = regions[i];
    }
    guest.region_count = count;
    guest.ram[CODE] = 0xc3;
    patch_guest_entry(&guest, VIRT, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL);
    error = patch_guest_scan(&guest);
    *where = guest.result.error_address.value;
    patch_guest_free(&guest);
    return error;
}

#define REGION(v, p, l)                                                                            \
    {                                                                                              \
        .virtual_start = {v}, .physical_start = {p}, .length = l                                   \
    }

static void test_region_checks(void **state)
{
    const pv_patch_region_t ok[] = {REGION(VIRT, CODE, 0x1000), REGION(VIRT + 0x1000, CODE, 16)};
    const pv_patch_region_t empty[] = {REGION(VIRT, CODE, 0x1000), REGION(0x900000, CODE, 0)};
    const pv_patch_region_t overlap[] = {REGION(VIRT, CODE, 0x1000), REGION(VIRT + 0xfff, CODE, 1)};
    const pv_patch_region_t wrap_virtual[] = {REGION(0xfffffffffffff000ull, CODE, 0x1000)};
    const pv_patch_region_t wrap_physical[] = {REGION(VIRT, 0xfffffffffffff000ull, 0x2000)};
    const pv_patch_region_t noncanonical[] = {REGION(0x00007ffffffff000ull, CODE, 0x2000)};
    const pv_patch_region_t not_ram[] = {REGION(VIRT, RAM - 8, 16)};
    const pv_patch_region_t far_ram[] = {REGION(VIRT, 0x100000000ull, 16)};
    pv_patch_region_t many[PV_PATCH_REGIONS_MAX + 1];
    uint64_t where = 0;

    (void)state;
    assert_int_equal(scan_regions(ok, 2, &where), PV_PATCH_OK); /* adjacent; aliased */
    assert_int_equal(scan_regions(empty, 2, &where), PV_PATCH_ERR_REGION_EMPTY);
    assert_int_equal(where, 0x900000);
    assert_int_equal(scan_regions(overlap, 2, &where), PV_PATCH_ERR_REGION_OVERLAP);
    assert_int_equal(where, VIRT + 0xfff);
    assert_int_equal(scan_regions(wrap_virtual, 1, &where), PV_PATCH_ERR_REGION_WRAP);
    assert_int_equal(scan_regions(wrap_physical, 1, &where), PV_PATCH_ERR_REGION_WRAP);
    assert_int_equal(scan_regions(noncanonical, 1, &where), PV_PATCH_ERR_REGION_NONCANONICAL);
    assert_int_equal(scan_regions(not_ram, 1, &where), PV_PATCH_ERR_REGION_NOT_RAM);
    assert_int_equal(scan_regions(far_ram, 1, &where), PV_PATCH_ERR_REGION_NOT_RAM);
    assert_int_equal(scan_regions(ok, 0, &where), PV_PATCH_ERR_REGION_COUNT);
    for (unsigned i = 0; i < PV_PATCH_REGIONS_MAX + 1; i++) {
        many[i] = (pv_patch_region_t)REGION(VIRT + 0x100ull * i, CODE, 0x100);
    }
    assert_int_equal(scan_regions(many, PV_PATCH_REGIONS_MAX, &where), PV_PATCH_OK);
    assert_int_equal(scan_regions(many, PV_PATCH_REGIONS_MAX + 1, &where),
                     PV_PATCH_ERR_REGION_COUNT);
}

static void test_arguments(void **state)
{
    patch_guest_t guest;
    size_t size = 0;

    (void)state;
    guest_with(&guest, "0f a2 c3", 16);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(pv_patch_scan(NULL, &guest.result), PV_PATCH_ERR_ARGUMENT);
    assert_int_equal(pv_patch_scan(&guest.input, NULL), PV_PATCH_ERR_ARGUMENT);
    guest.input.flags = 0x80;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_ARGUMENT);
    guest.input.flags = 0;
    guest.input.decoder.vendor = 2;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_ARGUMENT);
    guest.input.decoder.vendor = X86DEC_VENDOR_AMD;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_OK);
    guest.entries[0].mode = 2;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_ARGUMENT);
    guest.entries[0].mode = PV_PATCH_MODE_64;
    guest.entries[0].origin = 7;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_ARGUMENT);
    guest.entries[0].origin = PV_PATCH_ORIGIN_BOOT;
    guest.input.memory = NULL;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_ARGUMENT);
    guest.input.memory = &guest.memory;
    /* The workspace: one byte short, misaligned, missing. */
    assert_int_equal(pv_patch_workspace_size(guest.regions, 1, 0, &size), PV_PATCH_OK);
    assert_int_equal(size, 48 * (0x1000 / 64) + 8 * PV_PATCH_STACK_MIN);
    guest.input.workspace_size = size - 1;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_WORKSPACE);
    guest.input.workspace_size = size;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_OK);
    guest.input.workspace = (uint8_t *)guest.workspace + 4;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_WORKSPACE);
    guest.input.workspace = NULL;
    assert_int_equal(pv_patch_scan(&guest.input, &guest.result), PV_PATCH_ERR_WORKSPACE);
    assert_int_equal(pv_patch_workspace_size(guest.regions, 1, 0, NULL), PV_PATCH_ERR_ARGUMENT);
    patch_guest_free(&guest);
}

static void test_site_capacity(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* four sites; room for three, then for four */
    guest_with(&guest, "0f a2 9c 9d fa c3", 3);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_ERR_SITES_FULL);
    assert_int_equal(guest.result.error, PV_PATCH_ERR_SITES_FULL);
    assert_int_equal(guest.result.error_address.value, VIRT + 4); /* the first that did not fit */
    assert_int_equal(guest.result.site_count, 3);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_ARGUMENT);
    patch_guest_free(&guest);
    guest_with(&guest, "0f a2 9c 9d fa c3", 4);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 4);
    patch_guest_free(&guest);
}

/* Reports beyond their capacity: counted, the first ones kept. */
static void test_report_capacity(void **state)
{
    patch_guest_t guest;

    (void)state;
    /* three jumps outside the region: je, jne, jmp, each by 0x2000 */
    guest_with(&guest, "0f 84 00 20 00 00 0f 85 00 20 00 00 e9 00 20 00 00", 2);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.note_count, 3);
    assert_int_equal(guest.result.notes[0].kind, PV_PATCH_NOTE_TARGET_OUTSIDE);
    assert_int_equal(guest.result.notes[1].kind, PV_PATCH_NOTE_TARGET_OUTSIDE);
    patch_guest_free(&guest);
}

/* The same bytes through two regions: the same sites at both addresses, applied once. */
static void test_aliases(void **state)
{
    patch_guest_t guest;

    (void)state;
    guest_with(&guest, "0f a2 9c c3", 16);
    patch_guest_region(&guest, 0x800000, CODE, 0x1000);
    patch_guest_entry(&guest, 0x800000, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 4);
    assert_int_equal(guest.result.conflict_count, 0);
    assert_int_equal(guest.result.sites[0].physical.value, CODE);
    assert_int_equal(guest.result.sites[2].physical.value, CODE);
    assert_int_equal(guest.result.sites[2].region, 1);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_memory_equal(guest.ram + CODE, "\x0f\x0b\x06\xc3", 4);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_memory_equal(guest.ram + CODE, "\x0f\xa2\x9c\xc3", 4);
    patch_guest_free(&guest);

    /* Through the second alias a path enters the first's mov in its middle, at a pushf: its
     * patch would change the mov's immediate as the first alias runs it. */
    guest_with(&guest, "b8 9c 90 90 90 c3", 16);
    patch_guest_region(&guest, 0x800000, CODE, 0x1000);
    patch_guest_entry(&guest, 0x800001, PV_PATCH_MODE_64, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    assert_int_equal(guest.result.site_count, 1);
    assert_int_equal(guest.result.conflicts_breaking, 1);
    assert_int_equal(guest.result.conflicts[0].first.value, 0x800001);
    assert_int_equal(guest.result.conflicts[0].second.value, VIRT);
    assert_int_equal(guest.result.conflicts[0].second_length, 5);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_CONFLICT);
    patch_guest_free(&guest);
}

static void test_apply_and_revert(void **state)
{
    patch_guest_t guest;
    uint8_t *before = malloc(RAM);
    uint8_t patched[X86DEC_MAX_LENGTH];

    (void)state;
    assert_non_null(before);
    /* cpuid; mov %eax,%ds (8e d8); pushf; popf; cli; iretd (cf, INT3) */
    guest_with(&guest, "0f a2 8e d8 9c 9d fa 48 0f 01 f9 cf", 16);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    memcpy(before, guest.ram, RAM);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_OK);
    /* rdtscp with a REX prefix: UD2 over the first two bytes, the rest kept */
    assert_memory_equal(guest.ram + CODE, "\x0f\x0b\x0f\x0b\x06\x07\xfa\x0f\x0b\x01\xf9\xcc", 12);
    /* nothing else changed */
    for (size_t i = 0; i < RAM; i++) {
        if (i < CODE || i >= CODE + 12) {
            assert_int_equal(guest.ram[i], before[i]);
        }
    }
    pv_patch_site_bytes(&guest.result.sites[5], patched);
    assert_int_equal(patched[0], 0x0f);
    assert_int_equal(patched[2], 0x01);
    /* twice: the originals are gone */
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_CHANGED);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_OK);
    assert_memory_equal(guest.ram, before, RAM);
    assert_int_equal(pv_patch_revert(&guest.memory, &guest.result), PV_PATCH_ERR_CHANGED);
    /* a byte of the last site changed after the scan: refused, and nothing written at all */
    guest.ram[CODE + 11] = 0x90;
    memcpy(before, guest.ram, RAM);
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_CHANGED);
    assert_memory_equal(guest.ram, before, RAM);
    /* a site outside RAM (a forged table): refused before any write */
    guest.ram[CODE + 11] = 0xcf;
    guest.result.sites[6].physical = gpa(RAM - 1);
    guest.result.sites[6].length = 2;
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_NOT_RAM);
    assert_memory_equal(guest.ram, before, CODE + 11);
    guest.result.sites[6].length = 0;
    assert_int_equal(pv_patch_apply(&guest.memory, &guest.result), PV_PATCH_ERR_ARGUMENT);
    assert_int_equal(pv_patch_apply(NULL, &guest.result), PV_PATCH_ERR_ARGUMENT);
    free(before);
    patch_guest_free(&guest);
}

static void test_trap_lookup(void **state)
{
    patch_guest_t guest;
    const pv_patch_site_t *site = NULL;
    const pv_patch_site_t *sites;
    size_t count;

    (void)state;
    /* 0 cpuid (UD2); 2 cli; 3 iretd (INT3); after the iret, data */
    guest_with(&guest, "0f a2 fa cf", 16);
    assert_int_equal(patch_guest_scan(&guest), PV_PATCH_OK);
    sites = guest.result.sites;
    count = guest.result.site_count;
    assert_int_equal(count, 3);
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_UD, gva(VIRT), &site),
                     PV_PATCH_TRAP_SITE);
    assert_ptr_equal(site, &sites[0]);
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_UD, gva(VIRT + 1), &site),
                     PV_PATCH_TRAP_INSIDE);
    assert_ptr_equal(site, &sites[0]);
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_GP, gva(VIRT + 2), &site),
                     PV_PATCH_TRAP_SITE);
    /* a #UD where a CLI is: not the site's trap, the guest's own fault */
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_UD, gva(VIRT + 2), &site),
                     PV_PATCH_TRAP_NONE);
    assert_null(site);
    /* INT3 reports the address after it */
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_BP, gva(VIRT + 4), &site),
                     PV_PATCH_TRAP_SITE);
    assert_ptr_equal(site, &sites[2]);
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_BP, gva(VIRT + 3), &site),
                     PV_PATCH_TRAP_NONE);
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_BP, gva(VIRT + 1), &site),
                     PV_PATCH_TRAP_NONE); /* rip - 1 = VIRT: a UD2 site, not an INT3 one */
    assert_int_equal(pv_patch_trap_lookup(sites, count, PV_PATCH_VECTOR_GP, gva(VIRT + 9), NULL),
                     PV_PATCH_TRAP_NONE);
    assert_null(pv_patch_find(sites, count, gva(VIRT + 1)));
    assert_null(pv_patch_find_containing(sites, count, gva(VIRT)));
    assert_null(pv_patch_find_containing(sites, count, gva(VIRT + 2)));
    assert_null(pv_patch_find_containing(sites, 0, gva(VIRT)));
    assert_null(pv_patch_find(NULL, 5, gva(VIRT)));
    assert_null(pv_patch_find(sites, count, gva(0)));
    assert_null(pv_patch_find(sites, count, gva(~0ull)));
    patch_guest_free(&guest);
}

/* A table by hand: n one-byte sites of a kind every 2 bytes from base. */
static void table_fill(pv_patch_site_t *sites, size_t n, uint64_t base)
{
    static const pv_patch_kind_t kinds[] = {PV_PATCH_KIND_CLI, PV_PATCH_KIND_STI,
                                            PV_PATCH_KIND_PUSHF, PV_PATCH_KIND_POPF};
    memset(sites, 0, n * sizeof(*sites));
    for (size_t i = 0; i < n; i++) {
        sites[i].address = gva(base + 2 * i);
        sites[i].length = 1;
        sites[i].modes = 1u << PV_PATCH_MODE_64;
        sites[i].kind = (uint8_t)kinds[i % 4];
    }
}

static void test_fill_pv_page(void **state)
{
    enum { COUNT = 600 };
    pv_patch_site_t *sites = malloc(COUNT * sizeof(*sites));
    uint32_t *weights = calloc(COUNT, sizeof(*weights));
    seL4_PVPage *page = calloc(1, sizeof(*page));

    (void)state;
    assert_non_null(sites);
    assert_non_null(weights);
    assert_non_null(page);
    table_fill(sites, COUNT, 0x1000);
    /* not eligible: 32-bit only, two bytes, a UD2 site */
    sites[0].modes = 1u << PV_PATCH_MODE_32;
    sites[1].length = 2;
    sites[2].kind = PV_PATCH_KIND_UD2;
    page->enabled = 1;
    page->flags = seL4_PV_IF;
    assert_int_equal(pv_patch_fill_pv_page(sites, COUNT, NULL, page), COUNT - 3);
    assert_int_equal(page->site_count, seL4_PVSitesMax);
    assert_int_equal(page->sites[0].rip, 0x1000 + 2 * 3); /* the lowest eligible */
    assert_int_equal(page->sites[0].kind, seL4_PVSite_POPF);
    assert_int_equal(page->sites[1].kind, seL4_PVSite_CLI);
    assert_int_equal(page->sites[seL4_PVSitesMax - 1].rip, 0x1000 + 2 * (seL4_PVSitesMax + 2));
    assert_int_equal(page->enabled, 1); /* the rest of the page untouched */
    assert_int_equal(page->flags, seL4_PV_IF);
    /* weights: the heaviest, then sorted by address for the kernel's binary search */
    weights[COUNT - 1] = 5;
    weights[400] = 9;
    weights[10] = 1;
    assert_int_equal(pv_patch_fill_pv_page(sites, COUNT, weights, page), COUNT - 3);
    assert_int_equal(page->site_count, seL4_PVSitesMax);
    assert_int_equal(page->sites[0].rip, 0x1000 + 2 * 3);
    assert_int_equal(page->sites[seL4_PVSitesMax - 1].rip, 0x1000 + 2 * (COUNT - 1));
    assert_int_equal(page->sites[seL4_PVSitesMax - 2].rip, 0x1000 + 2 * 400);
    for (size_t i = 1; i < page->site_count; i++) {
        assert_true(page->sites[i - 1].rip < page->sites[i].rip);
    }
    /* fewer than the page holds: all of them */
    assert_int_equal(pv_patch_fill_pv_page(sites, 10, NULL, page), 7);
    assert_int_equal(page->site_count, 7);
    assert_int_equal(pv_patch_fill_pv_page(sites, 0, NULL, page), 0);
    assert_int_equal(page->site_count, 0);
    free(sites);
    free(weights);
    free(page);
}

static void test_elf_helpers(void **state)
{
    elf_image_t image;
    pv_patch_region_t regions[4];
    pv_patch_entry_t entries[4];
    size_t count = 0;

    (void)state;
    memset(&image, 0, sizeof(image));
    image.segment_count = 3;
    image.segments[0] = (elf_segment_t){.vaddr = 0x100000,
                                        .paddr = 0x100000,
                                        .memory_size = 0x200,
                                        .flags = ELF_SEGMENT_READ | ELF_SEGMENT_EXECUTE};
    image.segments[1] = (elf_segment_t){.vaddr = 0x101000,
                                        .paddr = 0x101000,
                                        .memory_size = 0x1000,
                                        .flags = ELF_SEGMENT_READ | ELF_SEGMENT_WRITE};
    image.segments[2] = (elf_segment_t){.vaddr = 0xffffffff80102000ull,
                                        .paddr = 0x102000,
                                        .memory_size = 0x3000,
                                        .flags = ELF_SEGMENT_READ | ELF_SEGMENT_EXECUTE};
    image.entry = 0x100010;
    image.bytes = (const uint8_t *)"\x7f"
                                   "ELF"; /* no section headers: no symbols */
    image.size = 4;
    assert_int_equal(pv_patch_regions_from_elf(&image, 0, regions, 4, &count), PV_PATCH_OK);
    assert_int_equal(count, 2);
    assert_int_equal(regions[1].virtual_start.value, 0xffffffff80102000ull);
    assert_int_equal(regions[1].physical_start.value, 0x102000);
    assert_int_equal(regions[1].length, 0x3000);
    assert_int_equal(pv_patch_regions_from_elf(&image, PV_PATCH_ELF_IDENTITY, regions, 4, &count),
                     PV_PATCH_OK);
    assert_int_equal(count, 3);
    assert_int_equal(regions[2].virtual_start.value, 0x102000);
    assert_int_equal(regions[2].physical_start.value, 0x102000);
    assert_int_equal(pv_patch_regions_from_elf(&image, PV_PATCH_ELF_IDENTITY, regions, 2, &count),
                     PV_PATCH_ERR_CAPACITY);
    assert_int_equal(count, 3);
    assert_int_equal(pv_patch_regions_from_elf(&image, 0x10, regions, 4, &count),
                     PV_PATCH_ERR_ARGUMENT);
    /* entries: e_entry in either mode, never both; no symbol table is no symbol */
    assert_int_equal(pv_patch_entries_from_elf(&image, PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_SYMBOLS,
                                               entries, 4, &count),
                     PV_PATCH_OK);
    assert_int_equal(count, 1);
    assert_int_equal(entries[0].address.value, 0x100010);
    assert_int_equal(entries[0].mode, PV_PATCH_MODE_32);
    assert_int_equal(entries[0].origin, PV_PATCH_ORIGIN_BOOT);
    assert_int_equal(pv_patch_entries_from_elf(&image, PV_PATCH_ELF_ENTRY32 | PV_PATCH_ELF_ENTRY64,
                                               entries, 4, &count),
                     PV_PATCH_ERR_ARGUMENT);
    assert_int_equal(pv_patch_entries_from_elf(&image, PV_PATCH_ELF_ENTRY64, entries, 0, &count),
                     PV_PATCH_ERR_CAPACITY);
    assert_int_equal(count, 1);
    /* a symbol table the parser refuses (section headers past the end) */
    image.shnum = 3;
    image.shoff = 0x1000;
    assert_int_equal(pv_patch_entries_from_elf(&image, PV_PATCH_ELF_SYMBOLS, entries, 4, &count),
                     PV_PATCH_ERR_ELF);
    /* no PVH note (no PT_NOTE at all) is not an error: no entry */
    assert_int_equal(pv_patch_entries_from_elf(&image, PV_PATCH_ELF_PVH, entries, 4, &count),
                     PV_PATCH_OK);
    assert_int_equal(count, 0);
}

static void test_names(void **state)
{
    (void)state;
    for (unsigned i = 0; i <= PV_PATCH_ERR_COUNT; i++) {
        assert_non_null(pv_patch_error_string((pv_patch_error_t)i));
    }
    assert_string_equal(pv_patch_kind_name(PV_PATCH_KIND_UD2), "ud2");
    assert_string_equal(pv_patch_note_name(PV_PATCH_NOTE_TRUNCATED), "truncated");
    assert_string_equal(pv_patch_note_name((pv_patch_note_kind_t)0), "unknown");
    assert_string_equal(pv_patch_mnemonic_name(X86DEC_MN_CPUID), "CPUID");
    assert_string_equal(pv_patch_mnemonic_name(PV_PATCH_MN_LES), "LES");
    assert_string_equal(pv_patch_mnemonic_name(PV_PATCH_MN_COUNT), "OTHER");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_region_checks), cmocka_unit_test(test_arguments),
            cmocka_unit_test(test_site_capacity), cmocka_unit_test(test_report_capacity),
            cmocka_unit_test(test_aliases),       cmocka_unit_test(test_apply_and_revert),
            cmocka_unit_test(test_trap_lookup),   cmocka_unit_test(test_fill_pv_page),
            cmocka_unit_test(test_elf_helpers),   cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
