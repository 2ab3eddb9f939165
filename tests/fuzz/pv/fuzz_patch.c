/*
 * libFuzzer target for the patch scanner: random code in random regions (aliased, identity,
 * high, just below 4 GiB, at the top of the address space, empty, non-canonical) with random
 * entries, scanned; whatever the scan returns, its outputs must hold together:
 *   - sites sorted, disjoint, each inside a region, its original bytes those of guest RAM, and
 *     decoding them in its mode gives its length, class and kind back; each site reached;
 *   - reached and unreached bytes add up to the regions; unreached ranges inside them;
 *   - applying changes guest RAM only inside the sites' patch bytes, to pv_patch_site_bytes(),
 *     and reverting restores it exactly;
 *   - the lookups and the trap rules agree with a brute-force search; the fast-path list is
 *     sorted, eligible and bounded;
 *   - a scan with a 64-entry stack (sweeps) gives the same sites when no conflict breaks a patch.
 * Any violation aborts with a line saying which.
 *
 * Input: byte 0 options (bits 0-1 regions - 1, bit 2 AMD, bit 3 PV_PATCH_OPT_NATIVE_RDTSC, bits
 * 4-5 site capacity 1/4/16/1024); 4 bytes per region (placement, physical page, length); a count
 * of entries (low 3 bits) and 3 bytes per entry (region, mode, origin; offset); then the code,
 * copied to guest-physical 0.
 */
#include "patch_guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE 0x8000u /* regions may start up to 0x7f00 and run past it */

#define CHECK(condition, what)                                                                     \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            fprintf(stderr, "fuzz_patch: %s (%s:%d)\n", what, __FILE__, __LINE__);                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t at;
} input_t;

static uint8_t input_byte(input_t *input)
{
    return input->at < input->size ? input->data[input->at++] : 0;
}

static void region_from(patch_guest_t *guest, unsigned index, input_t *input)
{
    uint8_t placement = input_byte(input);
    uint64_t physical = (uint64_t)(input_byte(input) & 0x7f) << 8;
    uint64_t length = 1 + ((input_byte(input) | (uint64_t)input_byte(input) << 8) & 0x7ff);
    uint64_t virtual_start;

    switch (placement & 7) {
    case 0:
        virtual_start = 0x400000 + 0x10000ull * index + physical;
        break;
    case 1:
        virtual_start = physical;
        break;
    case 2: /* an alias of the first region's bytes */
        physical = guest->region_count > 0 ? guest->regions[0].physical_start.value : physical;
        virtual_start = 0x800000 + 0x10000ull * index;
        break;
    case 3:
        virtual_start = 0xffffffff80000000ull + 0x10000ull * index;
        break;
    case 4:
        virtual_start = 0x100000000ull - length;
        break; /* ends at 4 GiB */
    case 5:
        virtual_start = 0xffffffffffffe000ull;
        break; /* may reach 2^64 */
    case 6:
        length = 0;
        virtual_start = 0x500000;
        break;
    default:
        virtual_start = 0x00007ffffffff000ull;
        break; /* may cross the hole */
    }
    patch_guest_region(guest, virtual_start, physical, length);
}

static void entry_from(patch_guest_t *guest, input_t *input)
{
    uint8_t which = input_byte(input);
    uint64_t offset = input_byte(input) | (uint64_t)input_byte(input) << 8;
    const pv_patch_region_t *region =
            &guest->regions[guest->region_count > 0 ? (which & 3) % guest->region_count : 0];
    static const pv_patch_origin_t origins[4] = {PV_PATCH_ORIGIN_BOOT, PV_PATCH_ORIGIN_SYMBOL,
                                                 PV_PATCH_ORIGIN_BOOT, PV_PATCH_ORIGIN_RUNTIME};

    /* mostly inside the region, sometimes past it */
    patch_guest_entry(guest, region->virtual_start.value + (offset & 0x3fff),
                      (which & 4) != 0 ? PV_PATCH_MODE_32 : PV_PATCH_MODE_64,
                      origins[(which >> 3) & 3]);
}

/* The region (input order) holding a site's address, or NULL. */
static const pv_patch_region_t *region_of(const patch_guest_t *guest, uint64_t address,
                                          uint64_t length)
{
    for (size_t i = 0; i < guest->region_count; i++) {
        const pv_patch_region_t *r = &guest->regions[i];
        if (address - r->virtual_start.value < r->length &&
            length <= r->length - (address - r->virtual_start.value)) {
            return r;
        }
    }
    return NULL;
}

static void check_sites(const patch_guest_t *guest)
{
    const pv_patch_result_t *result = &guest->result;

    for (size_t i = 0; i < result->site_count; i++) {
        const pv_patch_site_t *site = &result->sites[i];
        const pv_patch_region_t *region = region_of(guest, site->address.value, site->length);
        bool decoded = false;

        CHECK(i == 0 || result->sites[i - 1].address.value + result->sites[i - 1].length <=
                                site->address.value,
              "sites sorted and disjoint");
        CHECK(region != NULL, "site inside a region");
        CHECK(&guest->regions[site->region] == region, "site's region index");
        CHECK(site->physical.value == region->physical_start.value +
                                              (site->address.value - region->virtual_start.value),
              "site's physical address");
        CHECK(memcmp(guest->ram + site->physical.value, site->original, site->length) == 0,
              "site's original bytes are guest RAM's");
        CHECK(site->modes != 0 && site->modes <= 3, "site's modes");
        for (unsigned mode = 0; mode < 2; mode++) {
            x86dec_insn_t insn;
            if ((site->modes & (1u << mode)) == 0) {
                continue;
            }
            CHECK(pv_patch_reached(&guest->input, site->address, (pv_patch_mode_t)mode),
                  "site reached");
            CHECK(pv_patch_decode(site->original, site->length, (pv_patch_mode_t)mode,
                                  &guest->decoder, &insn) == X86DEC_OK,
                  "site decodes");
            CHECK(insn.length == site->length, "site's length");
            CHECK(insn.mnemonic == site->mnemonic, "site's class");
            CHECK(pv_patch_kind_of(&insn, (pv_patch_mode_t)mode, guest->flags) == site->kind,
                  "site's kind");
            decoded = true;
        }
        CHECK(decoded, "site decoded in a mode");
    }
}

static void check_bytes(const patch_guest_t *guest)
{
    const pv_patch_result_t *result = &guest->result;
    uint64_t total = 0;
    uint64_t reached = 0;
    size_t stored = result->unreached_count < result->unreached_capacity
                            ? result->unreached_count
                            : result->unreached_capacity;

    for (size_t i = 0; i < guest->region_count; i++) {
        total += guest->regions[i].length;
        reached += result->stats.bytes_reached[i];
    }
    CHECK(reached + result->stats.bytes_unreached == total, "reached + unreached = regions");
    for (size_t i = 0; i < stored; i++) {
        const pv_patch_range_t *range = &result->unreached[i];
        const pv_patch_region_t *region = &guest->regions[range->region];
        CHECK(range->length > 0 &&
                      range->start.value - region->virtual_start.value < region->length &&
                      range->length <=
                              region->length - (range->start.value - region->virtual_start.value),
              "unreached range inside its region");
        for (unsigned mode = 0; mode < 2; mode++) {
            CHECK(!pv_patch_reached(&guest->input, range->start, (pv_patch_mode_t)mode),
                  "an unreached range starts where nothing was decoded");
        }
    }
}

/* A linear search over the sites (sorted, as check_sites saw), for the binary searches. */
static const pv_patch_site_t *find_slow(const patch_guest_t *guest, uint64_t address, bool inside)
{
    for (size_t i = 0; i < guest->result.site_count; i++) {
        const pv_patch_site_t *site = &guest->result.sites[i];
        if (site->address.value > address) {
            break;
        }
        if (inside ? address > site->address.value && address - site->address.value < site->length
                   : address == site->address.value) {
            return site;
        }
    }
    return NULL;
}

/* Every lookup at one address, against the linear search. */
static void check_lookups_at(const patch_guest_t *guest, uint64_t address)
{
    static const unsigned vectors[] = {PV_PATCH_VECTOR_UD, PV_PATCH_VECTOR_GP, PV_PATCH_VECTOR_BP};
    const pv_patch_result_t *result = &guest->result;

    CHECK(pv_patch_find(result->sites, result->site_count, gva(address)) ==
                  find_slow(guest, address, false),
          "pv_patch_find");
    CHECK(pv_patch_find_containing(result->sites, result->site_count, gva(address)) ==
                  find_slow(guest, address, true),
          "pv_patch_find_containing");
    for (unsigned v = 0; v < 3; v++) {
        const pv_patch_site_t *site = NULL;
        uint64_t at = vectors[v] == PV_PATCH_VECTOR_BP ? address - 1 : address;
        pv_patch_trap_t trap = pv_patch_trap_lookup(result->sites, result->site_count, vectors[v],
                                                    gva(address), &site);
        const pv_patch_site_t *start = find_slow(guest, at, false);
        if (trap == PV_PATCH_TRAP_SITE) {
            CHECK(site == start && site != NULL, "trap at a site's start");
        } else if (trap == PV_PATCH_TRAP_INSIDE) {
            CHECK(start == NULL && site == find_slow(guest, at, true), "trap inside");
        } else {
            CHECK(site == NULL && (start != NULL || find_slow(guest, at, true) == NULL),
                  "trap elsewhere");
        }
    }
}

/* Around 16 sites spread over the table: before, at, inside, at the end and after each. */
static void check_lookups(const patch_guest_t *guest)
{
    size_t count = guest->result.site_count;

    for (size_t k = 0; k < 16 && k < count; k++) {
        const pv_patch_site_t *site = &guest->result.sites[k * count / (count < 16 ? count : 16)];
        uint64_t address = site->address.value;
        const uint64_t probes[] = {address - 1,
                                   address,
                                   address + 1,
                                   address + site->length - 1,
                                   address + site->length,
                                   address + site->length + 1};
        for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
            check_lookups_at(guest, probes[p]);
        }
    }
    check_lookups_at(guest, 0);
    check_lookups_at(guest, ~0ull);
}

static void check_pv_page(const patch_guest_t *guest)
{
    static seL4_PVPage page_storage;
    seL4_PVPage *page = &page_storage;
    size_t eligible;

    eligible = pv_patch_fill_pv_page(guest->result.sites, guest->result.site_count, NULL, page);
    CHECK(page->site_count <= seL4_PVSitesMax && page->site_count <= eligible,
          "fast-path list bounded");
    for (size_t i = 0; i < page->site_count; i++) {
        const pv_patch_site_t *site = find_slow(guest, page->sites[i].rip, false);
        CHECK(i == 0 || page->sites[i - 1].rip < page->sites[i].rip, "fast-path list sorted");
        CHECK(site != NULL && site->length == 1 && (site->modes & 1u) != 0,
              "fast-path site is a one-byte 64-bit site");
        CHECK(page->sites[i].kind >= seL4_PVSite_CLI && page->sites[i].kind <= seL4_PVSite_POPF,
              "fast-path kind");
    }
}

static void check_apply(patch_guest_t *guest)
{
    const pv_patch_result_t *result = &guest->result;
    static uint8_t before[RAM_SIZE];
    static uint8_t expected[RAM_SIZE];
    pv_patch_error_t error;

    memcpy(before, guest->ram, RAM_SIZE);
    error = pv_patch_apply(&guest->memory, result);
    if (result->conflicts_breaking != 0) {
        CHECK(error == PV_PATCH_ERR_CONFLICT, "apply refuses a breaking conflict");
        CHECK(memcmp(before, guest->ram, RAM_SIZE) == 0, "a refused apply writes nothing");
        return;
    }
    CHECK(error == PV_PATCH_OK, "apply");
    /* guest RAM as it should be: the original with each site's patched bytes over it */
    memcpy(expected, before, RAM_SIZE);
    for (size_t i = 0; i < result->site_count; i++) {
        const pv_patch_site_t *site = &result->sites[i];
        uint8_t patched[X86DEC_MAX_LENGTH];
        pv_patch_site_bytes(site, patched);
        memcpy(expected + site->physical.value, patched, site->length);
    }
    CHECK(memcmp(expected, guest->ram, RAM_SIZE) == 0,
          "patched bytes, and nothing patched outside sites");
    CHECK(pv_patch_revert(&guest->memory, result) == PV_PATCH_OK, "revert");
    CHECK(memcmp(before, guest->ram, RAM_SIZE) == 0, "revert restores");
}

/*
 * The entries in two steps: a scan from the first half, continued from the rest
 * (pv_patch_scan_more). The outputs' invariants hold, and the sites are those of one scan when
 * no conflict left a site out (which one is left out depends on the order of the paths).
 */
static void check_in_two_steps(patch_guest_t *guest, const pv_patch_site_t *whole,
                               size_t whole_count, size_t whole_breaking)
{
    size_t all = guest->entry_count;
    size_t half = all / 2;
    pv_patch_error_t error;

    guest->entry_count = half;
    error = patch_guest_scan(guest);
    guest->entry_count = all;
    if (error != PV_PATCH_OK) {
        CHECK(error == PV_PATCH_ERR_ENTRY_OUTSIDE, "a first half refused only for its entries");
        return;
    }
    error = patch_guest_scan_more(guest, half);
    CHECK(error == guest->result.error, "returned error = result's error (more)");
    if (error == PV_PATCH_ERR_SITES_FULL) {
        return;
    }
    CHECK(error == PV_PATCH_OK, "scan continued");
    check_sites(guest);
    check_bytes(guest);
    if (whole_breaking == 0 && guest->result.conflicts_breaking == 0) {
        CHECK(guest->result.site_count == whole_count &&
                      memcmp(whole, guest->result.sites, whole_count * sizeof(*whole)) == 0,
              "the same sites in two steps");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t capacities[] = {1, 4, 16, 1024};
    static patch_guest_t guest; /* kept: fresh pages cost more than a scan */
    static bool ready;
    static pv_patch_site_t first[1024];
    input_t input = {data, size, 0};
    uint8_t options = input_byte(&input);
    unsigned regions = (options & 3) + 1;
    unsigned entries;
    pv_patch_error_t error;

    if (!ready) {
        patch_guest_init(&guest, RAM_SIZE, 1024);
        ready = true;
    }
    patch_guest_reset(&guest);
    guest.result.site_capacity = capacities[(options >> 4) & 3];
    guest.decoder.vendor = (options & 4) != 0 ? X86DEC_VENDOR_AMD : X86DEC_VENDOR_INTEL;
    guest.flags = (options & 8) != 0 ? PV_PATCH_OPT_NATIVE_RDTSC : 0;
    guest.stack_entries = 4096; /* more than these inputs need, and cheap to allocate */
    for (unsigned i = 0; i < regions; i++) {
        region_from(&guest, i, &input);
    }
    entries = input_byte(&input) & 7;
    for (unsigned i = 0; i < entries; i++) {
        entry_from(&guest, &input);
    }
    memcpy(guest.ram, data + input.at, size - input.at < RAM_SIZE ? size - input.at : RAM_SIZE);
    error = patch_guest_scan(&guest);
    CHECK(error == guest.result.error, "returned error = result's error");
    CHECK(guest.result.site_count <= guest.result.site_capacity, "sites within capacity");
    if (error == PV_PATCH_ERR_SITES_FULL) {
        CHECK(guest.result.site_count == guest.result.site_capacity, "full means full");
    }
    if (error == PV_PATCH_OK) {
        size_t first_count = guest.result.site_count;
        size_t first_breaking = guest.result.conflicts_breaking;

        check_sites(&guest);
        check_bytes(&guest);
        check_lookups(&guest);
        check_pv_page(&guest);
        memcpy(first, guest.result.sites, first_count * sizeof(*first));
        check_apply(&guest);
        /* again, sweeping the marks: the same sites when none was left out for a conflict */
        guest.stack_entries = PV_PATCH_STACK_MIN;
        CHECK(patch_guest_scan(&guest) == PV_PATCH_OK, "scan with a small stack");
        if (first_breaking == 0 && guest.result.conflicts_breaking == 0) {
            CHECK(guest.result.site_count == first_count &&
                          memcmp(first, guest.result.sites, first_count * sizeof(*first)) == 0,
                  "the same sites whatever the stack");
        }
        check_in_two_steps(&guest, first, first_count, first_breaking);
    }
    return 0;
}
