/*
 * The scan: input checked whole first (regions, entries, workspace, the caller's arrays), then
 * control flow followed from every entry with a bounded stack and, when it fills, passes over
 * the marks for the work left pending. Guest memory is only read, a copy of each instruction's
 * bytes at a time; nothing outside the regions is decoded.
 */
#include "patch_internal.h"

#include <stddef.h>

#define MODE_COUNT 2

void patch_decode_at(const patch_scan_t *scan, unsigned region, uint64_t position,
                     pv_patch_mode_t mode, patch_insn_t *out)
{
    const patch_region_t *r = &scan->regions[region];
    uint64_t offset = position - r->base;
    uint64_t available = r->length - offset;

    if (available > X86DEC_MAX_LENGTH) {
        available = X86DEC_MAX_LENGTH;
    }
    out->address = r->virtual_start + offset;
    if (mode == PV_PATCH_MODE_32 && (1ull << 32) - out->address < available) {
        available = (1ull << 32) - out->address; /* EIP does not run past 4 GiB */
    }
    out->position = position;
    out->region = region;
    out->mode = mode;
    __builtin_memset(out->bytes, 0, sizeof(out->bytes));
    /* pv_patch_decode fills it all, but from another file: cleared here for the analyzers */
    __builtin_memset(&out->insn, 0, sizeof(out->insn));
    __builtin_memcpy(out->bytes, r->bytes + offset, (size_t)available);
    out->status =
            pv_patch_decode(out->bytes, (size_t)available, mode, &scan->input->decoder, &out->insn);
    out->kind = out->status == X86DEC_OK ? pv_patch_kind_of(&out->insn, mode, scan->input->flags)
                                         : PV_PATCH_KIND_NONE;
}

/* Claim an instruction start for a mode: false when a path already did. */
static bool claim(patch_scan_t *scan, uint64_t position, pv_patch_mode_t mode)
{
    patch_marks_t *marks = patch_marks_at(scan, position);
    uint64_t bit = patch_bit(position);

    if ((marks->queued[mode] & bit) != 0) {
        return false;
    }
    marks->queued[mode] |= bit;
    return true;
}

/* Work for later; when the stack is full the claim's mark keeps it for a sweep. */
static void push(patch_scan_t *scan, uint64_t position, pv_patch_mode_t mode)
{
    if (scan->stack_depth < scan->stack_capacity) {
        scan->stack[scan->stack_depth++] = position << 1 | (uint64_t)mode;
    } else {
        scan->overflowed = true;
    }
}

/* The linear address in a mode's reach and the region holding it, or -1. */
static int resolve(const patch_scan_t *scan, uint64_t address, pv_patch_mode_t mode,
                   uint64_t *position)
{
    int region;

    if (mode == PV_PATCH_MODE_32 && address > 0xffffffffu) {
        return -1;
    }
    region = patch_region_of_address(scan, address);
    if (region >= 0) {
        *position = scan->regions[region].base + (address - scan->regions[region].virtual_start);
    }
    return region;
}

static void follow(patch_scan_t *scan, const patch_insn_t *from, uint64_t target,
                   pv_patch_mode_t mode)
{
    uint64_t position;

    if (resolve(scan, target, mode, &position) < 0) {
        patch_note(scan, PV_PATCH_NOTE_TARGET_OUTSIDE, from->mode, from->address, target);
    } else if (claim(scan, position, mode)) {
        push(scan, position, mode);
    }
}

/* The bits of one plane over positions [first, first + count) (count <= 15: at most two words). */
static uint64_t plane_range(const patch_scan_t *scan, size_t plane, uint64_t first, unsigned count)
{
    const uint64_t *low = (const uint64_t *)patch_marks_at(scan, first) + plane;
    unsigned shift = (unsigned)(first & 63);
    uint64_t bits = *low >> shift;

    if (shift + count > 64) {
        bits |= ((const uint64_t *)patch_marks_at(scan, first + count - 1))[plane] << (64 - shift);
    }
    return count >= 64 ? bits : bits & ((1ull << count) - 1);
}

/* Sets the bits of one plane over positions [first, first + count), count <= 15. */
static void plane_set(const patch_scan_t *scan, size_t plane, uint64_t first, unsigned count)
{
    for (uint64_t at = first; at < first + count;) {
        uint64_t *word = (uint64_t *)patch_marks_at(scan, at) + plane;
        unsigned shift = (unsigned)(at & 63);
        unsigned here =
                64 - shift < first + count - at ? 64 - shift : (unsigned)(first + count - at);
        *word |= (here >= 64 ? ~0ull : (1ull << here) - 1) << shift;
        at += here;
    }
}

#define PLANE_DECODED_64 offsetof(patch_marks_t, decoded[0]) / sizeof(uint64_t)
#define PLANE_DECODED_32 offsetof(patch_marks_t, decoded[1]) / sizeof(uint64_t)
#define PLANE_BODY       offsetof(patch_marks_t, body) / sizeof(uint64_t)
#define PLANE_COVER      offsetof(patch_marks_t, cover) / sizeof(uint64_t)

/* Conflicts of a freshly decoded instruction with those decoded before it over its bytes.
 * Returns whether one of them is a site (then this one is not listed: sites stay disjoint). */
static bool check_overlaps(patch_scan_t *scan, const patch_insn_t *insn)
{
    const patch_region_t *region = &scan->regions[insn->region];
    const patch_marks_t *marks = patch_marks_at(scan, insn->position);
    uint64_t length = insn->status == X86DEC_OK ? insn->insn.length : 1u;
    bool site_partner = false;
    patch_insn_t other;

    /* Starts decoded inside this instruction, in either mode (rare: looked at only if any). */
    bool inner =
            length > 1 &&
            (plane_range(scan, PLANE_DECODED_64, insn->position + 1, (unsigned)length - 1) |
             plane_range(scan, PLANE_DECODED_32, insn->position + 1, (unsigned)length - 1)) != 0;

    for (uint64_t at = insn->position + 1; inner && at < insn->position + length; at++) {
        for (unsigned mode = 0; mode < MODE_COUNT; mode++) {
            if (patch_mark_test(&patch_marks_at(scan, at)->decoded[mode], at)) {
                patch_decode_at(scan, insn->region, at, (pv_patch_mode_t)mode, &other);
                patch_conflict(scan, &other, insn);
                site_partner |= other.kind != PV_PATCH_KIND_NONE;
            }
        }
    }
    /* This start inside instructions decoded before: look back at most 14 bytes for them. */
    if (patch_mark_test(&marks->body, insn->position)) {
        uint64_t lowest = insn->position - region->base >= X86DEC_MAX_LENGTH - 1
                                  ? insn->position - (X86DEC_MAX_LENGTH - 1)
                                  : region->base;
        for (uint64_t at = insn->position; at-- > lowest;) {
            for (unsigned mode = 0; mode < MODE_COUNT; mode++) {
                if (!patch_mark_test(&patch_marks_at(scan, at)->decoded[mode], at)) {
                    continue;
                }
                patch_decode_at(scan, insn->region, at, (pv_patch_mode_t)mode, &other);
                if (other.status == X86DEC_OK && at + other.insn.length > insn->position) {
                    patch_conflict(scan, &other, insn);
                    site_partner |= other.kind != PV_PATCH_KIND_NONE;
                }
            }
        }
    }
    /* The same start decoded in the other mode. */
    if (patch_mark_test(&marks->decoded[1 - insn->mode], insn->position)) {
        patch_decode_at(scan, insn->region, insn->position, (pv_patch_mode_t)(1 - insn->mode),
                        &other);
        if (!patch_insn_equivalent(&other, insn)) {
            patch_conflict(scan, &other, insn);
            site_partner |= other.kind != PV_PATCH_KIND_NONE;
        }
    }
    return site_partner;
}

/* Account for a decoded instruction: marks, conflicts, statistics, its site. */
static void record(patch_scan_t *scan, const patch_insn_t *insn)
{
    bool site_partner = check_overlaps(scan, insn);

    patch_marks_at(scan, insn->position)->decoded[insn->mode] |= patch_bit(insn->position);
    if (insn->status != X86DEC_OK) {
        return;
    }
    plane_set(scan, PLANE_COVER, insn->position, insn->insn.length);
    if (insn->insn.length > 1) {
        plane_set(scan, PLANE_BODY, insn->position + 1, insn->insn.length - 1u);
    }
    scan->result->stats.instructions[insn->mode]++;
    if (insn->kind != PV_PATCH_KIND_NONE && !site_partner) {
        patch_site_add(scan, insn);
    } else if (insn->kind == PV_PATCH_KIND_NONE && (insn->insn.flags & X86DEC_F_PRIVILEGED) != 0) {
        scan->result->stats.privileged++;
    }
}

static void note_failure(patch_scan_t *scan, const patch_insn_t *insn)
{
    pv_patch_note_kind_t kind = insn->status == X86DEC_ERR_TRUNCATED  ? PV_PATCH_NOTE_TRUNCATED
                                : insn->status == X86DEC_ERR_TOO_LONG ? PV_PATCH_NOTE_TOO_LONG
                                                                      : PV_PATCH_NOTE_INVALID;
    patch_note(scan, kind, insn->mode, insn->address, insn->address);
}

/* Successors of an instruction other than its fall-through. */
static void follow_branches(patch_scan_t *scan, const patch_insn_t *insn, const patch_flow_t *flow)
{
    if ((flow->flags & PATCH_FLOW_INDIRECT) != 0) {
        scan->result->stats.indirect++;
    }
    if ((flow->flags & PATCH_FLOW_UNRESOLVED) != 0) {
        patch_note(scan, PV_PATCH_NOTE_FAR_UNRESOLVED, insn->mode, insn->address, 0);
    }
    if ((flow->flags & PATCH_FLOW_TARGET) != 0) {
        bool far = (flow->flags & PATCH_FLOW_FAR) != 0;
        if (far) {
            scan->result->stats.far_followed++;
        }
        follow(scan, insn, flow->target, far ? PV_PATCH_MODE_64 : insn->mode);
    }
}

/* One straight-line run from a claimed start, until the flow ends or meets claimed code. */
static void run(patch_scan_t *scan, uint64_t position, pv_patch_mode_t mode)
{
    patch_history_t history = {.next = 0, .count = 0};
    unsigned region = patch_region_of_position(scan, position);
    patch_insn_t insn;
    patch_flow_t flow;

    while (!scan->full) {
        uint64_t next;
        int next_region;

        patch_decode_at(scan, region, position, mode, &insn);
        record(scan, &insn);
        if (insn.status != X86DEC_OK) {
            note_failure(scan, &insn);
            return;
        }
        patch_flow_of(&insn, &history, &flow);
        patch_history_push(&history, &insn);
        follow_branches(scan, &insn, &flow);
        if ((flow.flags & PATCH_FLOW_FALLS_THROUGH) == 0) {
            return;
        }
        next = insn.address + insn.insn.length;
        if (mode == PV_PATCH_MODE_32) {
            next &= 0xffffffffu;
        }
        if (next - scan->regions[region].virtual_start < scan->regions[region].length) {
            next_region = (int)region; /* the common case: the same region */
            position = scan->regions[region].base + (next - scan->regions[region].virtual_start);
        } else {
            next_region = resolve(scan, next, mode, &position);
        }
        if (next_region < 0) {
            patch_note(scan, PV_PATCH_NOTE_TARGET_OUTSIDE, mode, insn.address, next);
            return;
        }
        if (!claim(scan, position, mode)) {
            return;
        }
        region = (unsigned)next_region;
    }
}

/* Every pending start: the stack first, then (after an overflow) the marks, until none is left. */
static void drain(patch_scan_t *scan)
{
    for (;;) {
        while (scan->stack_depth > 0 && !scan->full) {
            uint64_t item = scan->stack[--scan->stack_depth];
            run(scan, item >> 1, (pv_patch_mode_t)(item & 1));
        }
        if (!scan->overflowed || scan->full) {
            return;
        }
        scan->overflowed = false;
        scan->result->stats.sweeps++;
        for (uint64_t word = 0; word < scan->mark_words && !scan->overflowed; word++) {
            for (unsigned mode = 0; mode < MODE_COUNT; mode++) {
                patch_marks_t *marks = &scan->marks[word];
                uint64_t pending = marks->queued[mode] & ~marks->decoded[mode];
                while (pending != 0 && !scan->overflowed) {
                    unsigned bit = (unsigned)__builtin_ctzll(pending);
                    pending &= pending - 1;
                    push(scan, word * 64 + bit, (pv_patch_mode_t)mode);
                }
            }
        }
    }
}

/* Whether a 32-bit path claimed the guest-physical byte behind a region position, through any
 * region that maps it. */
static bool reached_by_32bit_code(const patch_scan_t *scan, unsigned region, uint64_t position)
{
    uint64_t physical =
            scan->regions[region].physical_start + (position - scan->regions[region].base);

    for (unsigned i = 0; i < scan->region_count; i++) {
        const patch_region_t *alias = &scan->regions[i];
        if (physical - alias->physical_start < alias->length) {
            uint64_t at = alias->base + (physical - alias->physical_start);
            if (patch_mark_test(&patch_marks_at(scan, at)->queued[PV_PATCH_MODE_32], at)) {
                return true;
            }
        }
    }
    return false;
}

/* One entry's start claimed and pushed (boot entries were checked before the scan began). */
static void scan_entry(patch_scan_t *scan, const pv_patch_entry_t *entry)
{
    pv_patch_mode_t mode = (pv_patch_mode_t)entry->mode;
    uint64_t position;
    int region = resolve(scan, entry->address.value, mode, &position);

    if (region < 0) {
        patch_note(scan,
                   entry->origin == PV_PATCH_ORIGIN_RUNTIME ? PV_PATCH_NOTE_RUNTIME_OUTSIDE
                                                            : PV_PATCH_NOTE_SYMBOL_OUTSIDE,
                   mode, entry->address.value, 0);
        return;
    }
    /* Only a 64-bit symbol can misread 32-bit code; a 32-bit one reads it as it runs, and the
     * guest may call it at this alias's addresses, which another alias's path does not cover. */
    if (entry->origin == PV_PATCH_ORIGIN_SYMBOL && mode == PV_PATCH_MODE_64 &&
        reached_by_32bit_code(scan, (unsigned)region, position)) {
        patch_note(scan, PV_PATCH_NOTE_SYMBOL_32BIT, mode, entry->address.value, 0);
        return;
    }
    if (claim(scan, position, mode)) {
        scan->result->stats.entries_scanned++;
        push(scan, position, mode);
    }
}

/* The entries of one mode and origin from index `first` on, and everything they reach. */
static void scan_entries(patch_scan_t *scan, pv_patch_mode_t mode, pv_patch_origin_t origin,
                         size_t first)
{
    const pv_patch_input_t *input = scan->input;

    for (size_t i = first; i < input->entry_count && !scan->full; i++) {
        if (input->entries[i].mode == mode && input->entries[i].origin == origin) {
            scan_entry(scan, &input->entries[i]);
        }
    }
    drain(scan);
}

/* The entries of one mode from index `first` on, boot entries first, then symbols, then those
 * found at run time. */
static void scan_mode_entries(patch_scan_t *scan, pv_patch_mode_t mode, size_t first)
{
    scan_entries(scan, mode, PV_PATCH_ORIGIN_BOOT, first);
    scan_entries(scan, mode, PV_PATCH_ORIGIN_SYMBOL, first);
    scan_entries(scan, mode, PV_PATCH_ORIGIN_RUNTIME, first);
}

/*
 * Whether a 64-bit symbol before index `first` started a path (its start is claimed as 64-bit
 * code) on bytes 32-bit code now reaches. A whole scan, which scans every 32-bit entry before
 * any 64-bit one, skips such a symbol; the marks cannot take back what was read from it. (A
 * symbol claimed by another 64-bit path counts too: whether that path stays is not known.)
 */
static bool symbol_read_before_32bit_code(const patch_scan_t *scan, size_t first)
{
    bool new_32bit = false;

    for (size_t i = first; i < scan->input->entry_count; i++) {
        new_32bit |= scan->input->entries[i].mode == PV_PATCH_MODE_32;
    }
    for (size_t i = 0; i < first && new_32bit; i++) {
        const pv_patch_entry_t *entry = &scan->input->entries[i];
        uint64_t position;
        int region;

        if (entry->origin != PV_PATCH_ORIGIN_SYMBOL || entry->mode != PV_PATCH_MODE_64) {
            continue;
        }
        region = resolve(scan, entry->address.value, PV_PATCH_MODE_64, &position);
        if (region >= 0 &&
            patch_mark_test(&patch_marks_at(scan, position)->queued[PV_PATCH_MODE_64], position) &&
            reached_by_32bit_code(scan, (unsigned)region, position)) {
            return true;
        }
    }
    return false;
}

/* ---- the decode step: everything checked before anything is written ---- */

static bool array_ok(const void *array, size_t capacity)
{
    return array != NULL || capacity == 0;
}

static pv_patch_error_t check_entries(const patch_scan_t *scan, uint64_t *where)
{
    const pv_patch_input_t *input = scan->input;

    for (size_t i = 0; i < input->entry_count; i++) {
        const pv_patch_entry_t *entry = &input->entries[i];
        uint64_t position;

        *where = entry->address.value;
        if (entry->mode > PV_PATCH_MODE_32 || entry->origin > PV_PATCH_ORIGIN_RUNTIME) {
            return PV_PATCH_ERR_ARGUMENT;
        }
        if (entry->origin == PV_PATCH_ORIGIN_BOOT &&
            resolve(scan, entry->address.value, (pv_patch_mode_t)entry->mode, &position) < 0) {
            return PV_PATCH_ERR_ENTRY_OUTSIDE;
        }
    }
    *where = 0;
    return PV_PATCH_OK;
}

static pv_patch_error_t check_input(patch_scan_t *scan, uint64_t *where)
{
    const pv_patch_input_t *input = scan->input;
    const pv_patch_result_t *result = scan->result;
    uint64_t positions = 0;
    uint64_t marks_bytes;
    pv_patch_error_t error;

    *where = 0;
    if (input->memory == NULL || !array_ok(input->entries, input->entry_count) ||
        (input->flags & ~PV_PATCH_OPT_NATIVE_RDTSC) != 0 ||
        input->decoder.vendor > X86DEC_VENDOR_AMD ||
        (input->decoder.flags & ~(X86DEC_OPT_NO_MPX | X86DEC_OPT_UD0_SHORT)) != 0 ||
        !array_ok(result->sites, result->site_capacity) ||
        !array_ok(result->unreached, result->unreached_capacity) ||
        !array_ok(result->conflicts, result->conflict_capacity) ||
        !array_ok(result->notes, result->note_capacity)) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    error = patch_regions_prepare(scan, input->regions, input->region_count, input->memory,
                                  &positions, where);
    if (error != PV_PATCH_OK) {
        return error;
    }
    scan->mark_words = positions / 64;
    marks_bytes = scan->mark_words * sizeof(patch_marks_t);
    if (input->workspace == NULL || ((uintptr_t)input->workspace & 7u) != 0 ||
        input->workspace_size < marks_bytes ||
        (input->workspace_size - marks_bytes) / sizeof(uint64_t) < PV_PATCH_STACK_MIN) {
        return PV_PATCH_ERR_WORKSPACE;
    }
    scan->marks = input->workspace;
    scan->stack = (uint64_t *)((uint8_t *)input->workspace + marks_bytes);
    scan->stack_capacity = (input->workspace_size - marks_bytes) / sizeof(uint64_t);
    return check_entries(scan, where);
}

static void result_reset(pv_patch_result_t *result)
{
    result->site_count = 0;
    result->unreached_count = 0;
    result->conflict_count = 0;
    result->conflicts_breaking = 0;
    result->note_count = 0;
    __builtin_memset(&result->stats, 0, sizeof(result->stats));
    result->error = PV_PATCH_OK;
    result->error_address = gva(0);
}

/* The end of a scan: sites sorted, aliases checked, the reports. */
static pv_patch_error_t scan_finish(patch_scan_t *scan)
{
    pv_patch_result_t *result = scan->result;

    if (scan->full) {
        result->error = PV_PATCH_ERR_SITES_FULL; /* error_address set by patch_site_add */
        return result->error;
    }
    patch_sites_sort(result->sites, result->site_count);
    patch_check_aliases(scan);
    patch_finish_reports(scan);
    return PV_PATCH_OK;
}

pv_patch_error_t pv_patch_scan(const pv_patch_input_t *input, pv_patch_result_t *result)
{
    patch_scan_t scan = {.input = input, .result = result};
    uint64_t where = 0;
    pv_patch_error_t error;

    if (input == NULL || result == NULL) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    result_reset(result);
    error = check_input(&scan, &where);
    if (error != PV_PATCH_OK) {
        result->error = error;
        result->error_address = gva(where);
        return error;
    }
    __builtin_memset(scan.marks, 0, (size_t)(scan.mark_words * sizeof(patch_marks_t)));
    /* Every 32-bit entry (of any origin) before any 64-bit one: only 32-bit paths claim 32-bit
     * code (a far transfer enters 64-bit code), so the 64-bit symbols are checked against all of
     * it (scan_entry), and which are skipped does not depend on the order of the entries. */
    scan_mode_entries(&scan, PV_PATCH_MODE_32, 0);
    scan_mode_entries(&scan, PV_PATCH_MODE_64, 0);
    return scan_finish(&scan);
}

pv_patch_error_t pv_patch_scan_more(const pv_patch_input_t *input, size_t first,
                                    pv_patch_result_t *result)
{
    patch_scan_t scan = {.input = input, .result = result};
    uint64_t where = 0;
    pv_patch_error_t error;

    if (input == NULL || result == NULL) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    /* Only after a scan that succeeded: its marks are what this one builds on. */
    error = result->error != PV_PATCH_OK || first > input->entry_count ? PV_PATCH_ERR_ARGUMENT
                                                                       : check_input(&scan, &where);
    if (error != PV_PATCH_OK) {
        result->error = error;
        result->error_address = gva(where);
        return error;
    }
    /* Counted again at the end from the marks; the rest adds up. */
    result->unreached_count = 0;
    result->stats.bytes_unreached = 0;
    scan_mode_entries(&scan, PV_PATCH_MODE_32, first);
    /* New 32-bit code under a symbol read as 64-bit code before: the result of one scan from
     * every entry is a whole scan's (rare: 32-bit code marked as a function, entered late). */
    if (!scan.full && symbol_read_before_32bit_code(&scan, first)) {
        return pv_patch_scan(input, result);
    }
    scan_mode_entries(&scan, PV_PATCH_MODE_64, first);
    return scan_finish(&scan);
}
