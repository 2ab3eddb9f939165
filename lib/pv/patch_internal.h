/*
 * The patch scanner's private state, shared by lib/pv/patch_*.c: the sorted regions, the marks
 * kept per region byte in the caller's workspace, and the steps of a scan. Never exported.
 */
#ifndef PV_PATCH_INTERNAL_H
#define PV_PATCH_INTERNAL_H

#include <pv/patch.h>

/*
 * Marks for 64 consecutive region bytes (bit i: byte base + i), interleaved so that the marks of
 * one instruction share a cache line:
 *   queued[m]  a path claimed an instruction start here in mode m (set before it is decoded)
 *   decoded[m] the start was decoded in mode m (or found undecodable): queued & ~decoded is
 *              pending work
 *   body       inside a decoded instruction, not its first byte
 *   cover      inside a decoded instruction, first byte included
 */
typedef struct {
    uint64_t queued[2];
    uint64_t decoded[2];
    uint64_t body;
    uint64_t cover;
} patch_marks_t;

typedef struct {
    uint64_t virtual_start;
    uint64_t physical_start;
    uint64_t length;
    uint64_t base;        /* the position of its first byte in the marks (a multiple of 64) */
    const uint8_t *bytes; /* the host's view of its guest RAM (pv_memory_span) */
    uint8_t index;        /* in the input's regions */
} patch_region_t;

/* One decoded instruction, where it is and what it does. */
typedef struct {
    uint64_t address;  /* linear */
    uint64_t position; /* in the marks */
    unsigned region;   /* in the sorted regions */
    pv_patch_mode_t mode;
    x86dec_status_t status;
    x86dec_insn_t insn;
    uint8_t bytes[X86DEC_MAX_LENGTH];
    pv_patch_kind_t kind;
} patch_insn_t;

/* What the far-return push patterns need of an instruction. */
typedef struct {
    uint64_t address;
    uint64_t imm;
    int64_t disp;
    uint8_t length;
    uint8_t map;
    uint8_t opcode;
    uint8_t modrm;
    uint8_t rex;
    uint8_t mode;
    bool has_modrm;
    bool has_sib;
    bool rip_relative;
    uint8_t imm_size;
    uint8_t address_size;
} patch_step_t;

/* The last instructions of a straight-line run (a ring; the newest at next - 1). */
#define PATCH_HISTORY 3
typedef struct {
    patch_step_t steps[PATCH_HISTORY];
    unsigned next;
    unsigned count;
} patch_history_t;

typedef struct {
    const pv_patch_input_t *input;
    pv_patch_result_t *result;
    patch_region_t regions[PV_PATCH_REGIONS_MAX]; /* sorted by virtual_start */
    unsigned region_count;
    patch_marks_t *marks;
    uint64_t mark_words;
    uint64_t *stack; /* pending work: position << 1 | mode */
    size_t stack_capacity;
    size_t stack_depth;
    bool overflowed; /* a claim found the stack full: sweep the marks for pending work */
    bool full;       /* the sites did not fit: stop */
} patch_scan_t;

/* ---- regions and marks (patch_regions.c) ---- */
/* Check the regions (and, with memory, that they are guest RAM), sort them into scan->regions
 * and give each its mark positions; *positions receives the total. On an error, *where is the
 * offending region's virtual start. */
pv_patch_error_t patch_regions_prepare(patch_scan_t *scan, const pv_patch_region_t *regions,
                                       size_t count, const pv_memory_t *memory, uint64_t *positions,
                                       uint64_t *where);
/* The sorted region holding a linear address, or -1. */
int patch_region_of_address(const patch_scan_t *scan, uint64_t address);
/* The sorted region holding a mark position (which must be inside one). */
unsigned patch_region_of_position(const patch_scan_t *scan, uint64_t position);

static inline bool patch_mark_test(const uint64_t *word, uint64_t position)
{
    return (*word >> (position & 63)) & 1u;
}

static inline patch_marks_t *patch_marks_at(const patch_scan_t *scan, uint64_t position)
{
    return &scan->marks[position >> 6];
}

static inline uint64_t patch_bit(uint64_t position)
{
    return 1ull << (position & 63);
}

bool patch_marks_any_start(const patch_scan_t *scan, uint64_t position);

/* ---- decoding in place (patch_scan.c) ---- */
/* Decode the instruction at a region position in a mode; fills every field of *out. */
void patch_decode_at(const patch_scan_t *scan, unsigned region, uint64_t position,
                     pv_patch_mode_t mode, patch_insn_t *out);
/* The patch bytes' count of a kind (0 for CLI/STI and non-sites). */
unsigned patch_kind_bytes(pv_patch_kind_t kind);

/* ---- control flow (patch_flow.c) ---- */
#define PATCH_FLOW_FALLS_THROUGH 0x1u  /* the next instruction runs after this one */
#define PATCH_FLOW_TARGET        0x2u  /* target is a successor */
#define PATCH_FLOW_FAR           0x4u  /* ... reached by a far transfer: decoded as 64-bit code */
#define PATCH_FLOW_INDIRECT      0x8u  /* a register or memory target (counted) */
#define PATCH_FLOW_UNRESOLVED    0x10u /* a far transfer the scan cannot follow (a note) */
typedef struct {
    unsigned flags;
    uint64_t target;
} patch_flow_t;

void patch_flow_of(const patch_insn_t *insn, const patch_history_t *history, patch_flow_t *flow);
void patch_history_push(patch_history_t *history, const patch_insn_t *insn);

/* ---- reports (patch_report.c) ---- */
void patch_note(patch_scan_t *scan, pv_patch_note_kind_t kind, pv_patch_mode_t mode,
                uint64_t address, uint64_t target);
/* Two instructions share bytes; records the conflict, returns whether it breaks a patch. */
bool patch_conflict(patch_scan_t *scan, const patch_insn_t *first, const patch_insn_t *second);
/* Same start, same length, same patch: the same instruction as far as patching goes. */
bool patch_insn_equivalent(const patch_insn_t *a, const patch_insn_t *b);
void patch_finish_reports(patch_scan_t *scan);
/* Aliased regions: every site's patch checked against what the other aliases decoded. */
void patch_check_aliases(patch_scan_t *scan);

/* ---- sites (patch_sites.c) ---- */
void patch_site_add(patch_scan_t *scan, const patch_insn_t *insn);
void patch_sites_sort(pv_patch_site_t *sites, size_t count);

#endif
