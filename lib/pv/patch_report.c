/*
 * The scan's reports: notes, conflicts (with whether they break a patch), the check of sites
 * against every alias of their bytes, and at the end the reached and unreached bytes per region.
 * Writes only into the caller's result, never past a capacity.
 */
#include "patch_internal.h"

void patch_note(patch_scan_t *scan, pv_patch_note_kind_t kind, pv_patch_mode_t mode,
                uint64_t address, uint64_t target)
{
    pv_patch_result_t *result = scan->result;

    if (result->note_count < result->note_capacity) {
        pv_patch_note_t *note = &result->notes[result->note_count];
        note->kind = (uint8_t)kind;
        note->mode = (uint8_t)mode;
        note->address = gva(address);
        note->target = gva(target);
    }
    result->note_count++;
}

bool patch_insn_equivalent(const patch_insn_t *a, const patch_insn_t *b)
{
    return a->address == b->address && a->status == X86DEC_OK && b->status == X86DEC_OK &&
           a->insn.length == b->insn.length && a->kind == b->kind;
}

/* [start, start + length) of the bytes an instruction occupies (1 for an undecodable one) and of
 * the bytes its patch writes, both as region positions. */
static uint64_t occupied(const patch_insn_t *insn)
{
    return insn->status == X86DEC_OK ? insn->insn.length : 1u;
}

static bool ranges_meet(uint64_t a, uint64_t a_length, uint64_t b, uint64_t b_length)
{
    return a_length != 0 && b_length != 0 && a < b + b_length && b < a + a_length;
}

static void conflict_record(patch_scan_t *scan, const patch_insn_t *first,
                            const patch_insn_t *second, bool breaks)
{
    pv_patch_result_t *result = scan->result;

    if (result->conflict_count < result->conflict_capacity) {
        pv_patch_conflict_t *conflict = &result->conflicts[result->conflict_count];
        conflict->first = gva(first->address);
        conflict->second = gva(second->address);
        conflict->first_length = (uint8_t)(first->status == X86DEC_OK ? first->insn.length : 0);
        conflict->second_length = (uint8_t)(second->status == X86DEC_OK ? second->insn.length : 0);
        conflict->first_mode = (uint8_t)first->mode;
        conflict->second_mode = (uint8_t)second->mode;
        conflict->breaks_patch = breaks;
    }
    result->conflict_count++;
    if (breaks) {
        result->conflicts_breaking++;
    }
}

bool patch_conflict(patch_scan_t *scan, const patch_insn_t *first, const patch_insn_t *second)
{
    /* Both in one region: positions compare as addresses do. Two sites that share bytes break a
     * patch even when neither patch writes the other's bytes: sites stay disjoint, so one is
     * left out, and the path that reaches it would run it unemulated or take a trap the table
     * calls a jump into the other. */
    bool breaks = (first->kind != PV_PATCH_KIND_NONE && second->kind != PV_PATCH_KIND_NONE) ||
                  ranges_meet(first->position, patch_kind_bytes(first->kind), second->position,
                              occupied(second)) ||
                  ranges_meet(second->position, patch_kind_bytes(second->kind), first->position,
                              occupied(first));

    conflict_record(scan, first, second, breaks);
    return breaks;
}

/* ---- aliases: one guest-physical byte reached through two regions ---- */

static bool any_mark(const patch_scan_t *scan, uint64_t at)
{
    const patch_marks_t *marks = patch_marks_at(scan, at);

    return ((marks->cover | marks->body) & patch_bit(at)) != 0 || patch_marks_any_start(scan, at);
}

/* The alias's instruction over the site's first patched byte in `alias`, for the report: one
 * decoded at or before it that covers it, else the first start inside the patched bytes. */
static void alias_partner(const patch_scan_t *scan, unsigned alias, uint64_t first, uint64_t last,
                          patch_insn_t *out)
{
    const patch_region_t *region = &scan->regions[alias];
    uint64_t lowest = first - region->base >= X86DEC_MAX_LENGTH ? first - X86DEC_MAX_LENGTH + 1
                                                                : region->base;

    for (uint64_t at = first + 1; at-- > lowest;) {
        for (unsigned mode = 0; mode < 2; mode++) {
            if (patch_mark_test(&patch_marks_at(scan, at)->decoded[mode], at)) {
                patch_decode_at(scan, alias, at, (pv_patch_mode_t)mode, out);
                if (at + occupied(out) > first) {
                    return;
                }
            }
        }
    }
    for (uint64_t at = first; at <= last; at++) {
        for (unsigned mode = 0; mode < 2; mode++) {
            if (patch_mark_test(&patch_marks_at(scan, at)->decoded[mode], at)) {
                patch_decode_at(scan, alias, at, (pv_patch_mode_t)mode, out);
                return;
            }
        }
    }
    patch_decode_at(scan, alias, first, PV_PATCH_MODE_64, out);
}

/* Whether the alias decoded the site's very instruction: the same start in a mode the site was
 * reached in, nothing else over the patched bytes. */
static bool alias_agrees(const patch_scan_t *scan, const pv_patch_site_t *site, uint64_t start,
                         unsigned patched)
{
    const patch_marks_t *marks = patch_marks_at(scan, start);
    bool same_start = false;

    for (unsigned mode = 0; mode < 2; mode++) {
        if ((site->modes & (1u << mode)) != 0 && patch_mark_test(&marks->decoded[mode], start)) {
            same_start = true;
        }
    }
    if (!same_start || patch_mark_test(&marks->body, start)) {
        return false;
    }
    for (uint64_t at = start + 1; at < start + patched; at++) {
        if (patch_marks_any_start(scan, at)) {
            return false;
        }
    }
    return true;
}

static void check_site_aliases(patch_scan_t *scan, const pv_patch_site_t *site)
{
    unsigned patched = patch_kind_bytes((pv_patch_kind_t)site->kind);
    int home = patch_region_of_address(scan, site->address.value);
    uint64_t physical = site->physical.value;

    for (unsigned alias = 0; alias < scan->region_count && patched != 0 && home >= 0; alias++) {
        const patch_region_t *region = &scan->regions[alias];
        uint64_t first;
        uint64_t last;
        bool touched = false;
        patch_insn_t ours;
        patch_insn_t theirs;

        if ((int)alias == home ||
            !ranges_meet(region->physical_start, region->length, physical, patched)) {
            continue;
        }
        /* The patched bytes this alias holds, as its positions. */
        first = physical > region->physical_start ? physical - region->physical_start : 0;
        last = physical + patched - 1 - region->physical_start;
        if (last >= region->length) {
            last = region->length - 1;
        }
        first += region->base;
        last += region->base;
        for (uint64_t at = first; at <= last; at++) {
            touched |= any_mark(scan, at);
        }
        if (!touched || (physical >= region->physical_start &&
                         alias_agrees(scan, site, first, (unsigned)(last - first + 1)))) {
            continue;
        }
        patch_decode_at(scan, (unsigned)home,
                        scan->regions[home].base +
                                (site->address.value - scan->regions[home].virtual_start),
                        (site->modes & 1u) != 0 ? PV_PATCH_MODE_64 : PV_PATCH_MODE_32, &ours);
        alias_partner(scan, alias, first, last, &theirs);
        conflict_record(scan, &ours, &theirs, true);
    }
}

void patch_check_aliases(patch_scan_t *scan)
{
    bool aliased = false;

    for (unsigned i = 0; i < scan->region_count; i++) {
        for (unsigned j = i + 1; j < scan->region_count; j++) {
            aliased |= ranges_meet(scan->regions[i].physical_start, scan->regions[i].length,
                                   scan->regions[j].physical_start, scan->regions[j].length);
        }
    }
    for (size_t i = 0; aliased && i < scan->result->site_count; i++) {
        check_site_aliases(scan, &scan->result->sites[i]);
    }
}

/* ---- per region: reached bytes, unreached ranges ---- */

static void unreached_add(patch_scan_t *scan, const patch_region_t *region, uint64_t start,
                          uint64_t length)
{
    pv_patch_result_t *result = scan->result;

    if (result->unreached_count < result->unreached_capacity) {
        pv_patch_range_t *range = &result->unreached[result->unreached_count];
        range->start = gva(region->virtual_start + start);
        range->length = length;
        range->region = region->index;
    }
    result->unreached_count++;
    result->stats.bytes_unreached += length;
}

/* Set bits of a word (no libgcc: the freestanding build has no popcount instruction). */
static unsigned bits_set(uint64_t word)
{
    word = word - ((word >> 1) & 0x5555555555555555ull);
    word = (word & 0x3333333333333333ull) + ((word >> 2) & 0x3333333333333333ull);
    word = (word + (word >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((word * 0x0101010101010101ull) >> 56);
}

static void region_finish(patch_scan_t *scan, const patch_region_t *region)
{
    uint64_t run_start = 0;
    bool in_run = false;
    uint64_t reached = 0;

    for (uint64_t offset = 0; offset < region->length; offset += 64) {
        uint64_t cover = scan->marks[(region->base + offset) >> 6].cover;
        uint64_t valid =
                region->length - offset >= 64 ? ~0ull : (1ull << (region->length - offset)) - 1;

        cover &= valid;
        reached += bits_set(cover);
        if ((!in_run && cover == valid) || (in_run && cover == 0)) {
            continue; /* a whole word that extends the current state */
        }
        for (unsigned bit = 0; bit < 64 && offset + bit < region->length; bit++) {
            bool covered = ((cover >> bit) & 1u) != 0;
            if (!covered && !in_run) {
                run_start = offset + bit;
                in_run = true;
            } else if (covered && in_run) {
                unreached_add(scan, region, run_start, offset + bit - run_start);
                in_run = false;
            }
        }
    }
    if (in_run) {
        unreached_add(scan, region, run_start, region->length - run_start);
    }
    scan->result->stats.bytes_reached[region->index] = reached;
}

void patch_finish_reports(patch_scan_t *scan)
{
    /* Input order, so that the unreached ranges come by region as the caller listed them. */
    for (unsigned index = 0; index < scan->region_count; index++) {
        for (unsigned i = 0; i < scan->region_count; i++) {
            if (scan->regions[i].index == index) {
                region_finish(scan, &scan->regions[i]);
            }
        }
    }
}
