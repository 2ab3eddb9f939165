/*
 * The scanner's regions: checked (non-empty, no wrap, canonical, guest RAM, no shared virtual
 * byte), sorted by virtual address, and laid out in the workspace's marks. Also the workspace's
 * size. Reads the caller's region array only.
 */
#include "patch_internal.h"

static bool canonical(uint64_t address)
{
    return (uint64_t)((int64_t)(address << 16) >> 16) == address;
}

/* Both ends canonical and in the same half: then every byte between is canonical too. */
static bool canonical_range(uint64_t start, uint64_t last)
{
    return canonical(start) && canonical(last) && (start >> 63) == (last >> 63);
}

static pv_patch_error_t region_check(const pv_patch_region_t *region, const pv_memory_t *memory)
{
    uint64_t end;

    if (region->length == 0) {
        return PV_PATCH_ERR_REGION_EMPTY;
    }
    if (__builtin_add_overflow(region->virtual_start.value, region->length, &end) ||
        __builtin_add_overflow(region->physical_start.value, region->length, &end)) {
        return PV_PATCH_ERR_REGION_WRAP;
    }
    if (!canonical_range(region->virtual_start.value,
                         region->virtual_start.value + region->length - 1)) {
        return PV_PATCH_ERR_REGION_NONCANONICAL;
    }
    if (memory != NULL && pv_memory_span(memory, region->physical_start, region->length) == NULL) {
        return PV_PATCH_ERR_REGION_NOT_RAM;
    }
    return PV_PATCH_OK;
}

/* Each region's marks start at a word of their own, in input order: a position then depends on
 * the input alone (pv_patch_reached() finds it without sorting). */
static pv_patch_error_t region_bases(const pv_patch_region_t *regions, size_t count,
                                     uint64_t *bases, uint64_t *positions, uint64_t *where)
{
    uint64_t base = 0;

    for (size_t i = 0; i < count; i++) {
        uint64_t rounded;
        uint64_t next;

        if (__builtin_add_overflow(regions[i].length, 63u, &rounded) ||
            __builtin_add_overflow(base, rounded & ~63ull, &next)) {
            *where = regions[i].virtual_start.value;
            return PV_PATCH_ERR_ARGUMENT;
        }
        bases[i] = base;
        base = next;
    }
    *positions = base;
    return PV_PATCH_OK;
}

pv_patch_error_t patch_regions_prepare(patch_scan_t *scan, const pv_patch_region_t *regions,
                                       size_t count, const pv_memory_t *memory, uint64_t *positions,
                                       uint64_t *where)
{
    uint64_t bases[PV_PATCH_REGIONS_MAX];
    pv_patch_error_t error;

    *where = 0;
    if (regions == NULL || count == 0 || count > PV_PATCH_REGIONS_MAX) {
        return regions == NULL && count != 0 ? PV_PATCH_ERR_ARGUMENT : PV_PATCH_ERR_REGION_COUNT;
    }
    for (size_t i = 0; i < count; i++) {
        error = region_check(&regions[i], memory);
        if (error != PV_PATCH_OK) {
            *where = regions[i].virtual_start.value;
            return error;
        }
    }
    error = region_bases(regions, count, bases, positions, where);
    if (error != PV_PATCH_OK) {
        return error;
    }
    /* Insertion sort by virtual address: at most PV_PATCH_REGIONS_MAX of them. */
    scan->region_count = (unsigned)count;
    for (size_t i = 0; i < count; i++) {
        patch_region_t region = {
                .virtual_start = regions[i].virtual_start.value,
                .physical_start = regions[i].physical_start.value,
                .length = regions[i].length,
                .base = bases[i],
                .bytes = memory != NULL ? pv_memory_span(memory, regions[i].physical_start,
                                                         regions[i].length)
                                        : NULL,
                .index = (uint8_t)i,
        };
        size_t at = i;
        while (at > 0 && scan->regions[at - 1].virtual_start > region.virtual_start) {
            scan->regions[at] = scan->regions[at - 1];
            at--;
        }
        scan->regions[at] = region;
    }
    for (unsigned i = 1; i < scan->region_count; i++) {
        if (scan->regions[i].virtual_start - scan->regions[i - 1].virtual_start <
            scan->regions[i - 1].length) {
            *where = scan->regions[i].virtual_start;
            return PV_PATCH_ERR_REGION_OVERLAP;
        }
    }
    return PV_PATCH_OK;
}

int patch_region_of_address(const patch_scan_t *scan, uint64_t address)
{
    unsigned low = 0;
    unsigned high = scan->region_count;

    /* The last region starting at or below address, then whether it reaches that far. */
    while (low < high) {
        unsigned middle = low + (high - low) / 2;
        if (scan->regions[middle].virtual_start <= address) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    if (low == 0 ||
        address - scan->regions[low - 1].virtual_start >= scan->regions[low - 1].length) {
        return -1;
    }
    return (int)(low - 1);
}

unsigned patch_region_of_position(const patch_scan_t *scan, uint64_t position)
{
    for (unsigned region = 0; region < scan->region_count; region++) {
        if (position - scan->regions[region].base < scan->regions[region].length) {
            return region;
        }
    }
    return 0; /* not reached: positions come from claims inside a region */
}

bool patch_marks_any_start(const patch_scan_t *scan, uint64_t position)
{
    const patch_marks_t *marks = patch_marks_at(scan, position);
    uint64_t bit = patch_bit(position);

    return ((marks->queued[0] | marks->queued[1] | marks->decoded[0] | marks->decoded[1]) & bit) !=
           0;
}

pv_patch_error_t pv_patch_workspace_size(const pv_patch_region_t *regions, size_t region_count,
                                         size_t stack_entries, size_t *size)
{
    patch_scan_t scan;
    uint64_t positions = 0;
    uint64_t where = 0;
    uint64_t marks;
    uint64_t stack;
    uint64_t total;
    pv_patch_error_t error;

    if (size == NULL) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    *size = 0;
    error = patch_regions_prepare(&scan, regions, region_count, NULL, &positions, &where);
    if (error != PV_PATCH_OK) {
        return error;
    }
    if (stack_entries < PV_PATCH_STACK_MIN) {
        stack_entries = PV_PATCH_STACK_MIN;
    }
    if (__builtin_mul_overflow(positions / 64, (uint64_t)sizeof(patch_marks_t), &marks) ||
        __builtin_mul_overflow((uint64_t)stack_entries, (uint64_t)sizeof(uint64_t), &stack) ||
        __builtin_add_overflow(marks, stack, &total) || total > (uint64_t)SIZE_MAX) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    *size = (size_t)total;
    return PV_PATCH_OK;
}

bool pv_patch_reached(const pv_patch_input_t *input, gva_t address, pv_patch_mode_t mode)
{
    uint64_t base = 0;

    if (input == NULL || input->regions == NULL || input->workspace == NULL ||
        input->region_count > PV_PATCH_REGIONS_MAX || mode > PV_PATCH_MODE_32 ||
        (mode == PV_PATCH_MODE_32 && address.value > 0xffffffffu)) {
        return false;
    }
    /* The same layout as the scan's (region_bases), found without sorting. */
    for (size_t i = 0; i < input->region_count; i++) {
        const pv_patch_region_t *region = &input->regions[i];
        uint64_t offset = address.value - region->virtual_start.value;
        if (offset < region->length) {
            uint64_t position = base + offset;
            const patch_marks_t *marks;
            if ((position >> 6) >= input->workspace_size / sizeof(patch_marks_t)) {
                return false;
            }
            marks = (const patch_marks_t *)input->workspace + (position >> 6);
            return ((marks->decoded[mode] & marks->cover) >> (position & 63) & 1u) != 0;
        }
        base += (region->length + 63) & ~63ull;
    }
    return false;
}
