/* ptmgr: a page-table manager generic over the number of levels, index bits per level and
 * leaf page size (runtime configuration). It creates intermediate tables lazily, recycles them
 * through per-level pools, records which pages are mapped, and drives the real tables only
 * through callbacks (seL4 page-table capabilities, EPT/shadow tables in the VMM, fakes in
 * tests). It never allocates memory and never leaves a half-done operation behind. */
#ifndef ALGORITHMS_PTMGR_H
#define ALGORITHMS_PTMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

#define PTMGR_MAX_LEVELS         8u
#define PTMGR_MAX_BITS_PER_LEVEL 12u
#define PTMGR_NO_RECORD          UINT32_MAX

/*
 * Levels are numbered from the root: level 0 is the root table (supplied by the caller, never
 * pooled), level levels-1 holds the entries that map pages. Virtual addresses have
 * va_bits = leaf_bits + levels * bits_per_level bits (48 for x86-64 4-level paging).
 *
 * With `canonical` set, addresses must be canonical (bits above va_bits - 1 copy bit
 * va_bits - 1, as on x86-64) and callbacks receive canonical addresses; otherwise they must be
 * below 2^va_bits.
 */
typedef struct ptmgr_config {
    unsigned levels;         /* 1 .. PTMGR_MAX_LEVELS */
    unsigned bits_per_level; /* 1 .. PTMGR_MAX_BITS_PER_LEVEL */
    unsigned leaf_bits;      /* page size = 2^leaf_bits */
    bool canonical;
} ptmgr_config_t;

/*
 * Table objects are opaque 64-bit handles. Every callback returns 0 on success, non-zero on
 * failure, and must leave the real tables unchanged when it fails. `level` is the level of
 * the table concerned (1 .. levels-1); `vaddr` is the first address the table covers.
 */
typedef struct ptmgr_ops {
    int (*table_alloc)(void *ctx, unsigned level, uint64_t *table);
    void (*table_free)(void *ctx, unsigned level, uint64_t table);
    int (*table_install)(void *ctx, unsigned level, uint64_t table, uint64_t vaddr);
    int (*table_uninstall)(void *ctx, unsigned level, uint64_t table, uint64_t vaddr);
    int (*page_map)(void *ctx, uint64_t vaddr, uint64_t frame);
    int (*page_unmap)(void *ctx, uint64_t vaddr, uint64_t frame);
} ptmgr_ops_t;

typedef enum ptmgr_table_state {
    PTMGR_TABLE_SPARE = 0, /* record without a table object */
    PTMGR_TABLE_POOLED,    /* table object kept for reuse, not installed */
    PTMGR_TABLE_LIVE,      /* installed in the tree */
} ptmgr_table_state_t;

/* Bookkeeping for one table (private fields). */
typedef struct ptmgr_table {
    uint64_t handle;
    uint64_t base; /* first linear address covered while LIVE */
    uint32_t parent;
    uint32_t next; /* pool / spare list link */
    uint32_t used; /* present entries */
    uint8_t level;
    uint8_t state;
} ptmgr_table_t;

typedef struct ptmgr {
    ptmgr_config_t config;
    const ptmgr_ops_t *ops;
    void *ctx;
    unsigned va_bits;
    uint32_t entries;       /* 2^bits_per_level */
    uint32_t present_words; /* presence bitmap words per table */
    uint32_t max_tables;
    ptmgr_table_t *tables;           /* [max_tables], record 0 is the root */
    uint64_t *values;                /* [max_tables][entries]: child record index or frame */
    uint64_t *present;               /* [max_tables][present_words] */
    uint32_t pool[PTMGR_MAX_LEVELS]; /* POOLED records per level */
    uint32_t spare;                  /* SPARE records */
    uint32_t live[PTMGR_MAX_LEVELS];
    uint32_t pooled[PTMGR_MAX_LEVELS];
    uint32_t spare_count;
    uint64_t mapped;
} ptmgr_t;

/* Bytes of storage for a manager of up to `max_tables` tables (root included); 0 if the
 * configuration is invalid or max_tables is 0 or above 2^31. */
size_t ptmgr_storage_bytes(const ptmgr_config_t *config, uint32_t max_tables);

/* `root` is the handle of the already-installed root table (e.g. the VSpace).
 * Errors: INVALID_ARGUMENT (configuration, NULL ops/callback, max_tables), MISALIGNED
 * (storage not 8-byte aligned), STORAGE_TOO_SMALL. */
alg_error_t ptmgr_init(ptmgr_t *pm, const ptmgr_config_t *config, const ptmgr_ops_t *ops, void *ctx,
                       uint64_t root, uint32_t max_tables, void *storage, size_t storage_bytes);

/* Maps one page, creating missing tables (from the pool first). Errors: MISALIGNED,
 * OUT_OF_RANGE, ALREADY_MAPPED, OUT_OF_TABLES (no record left), CAP_OP_FAILED. On error
 * tables created by this call are released to the pool again. */
alg_error_t ptmgr_map(ptmgr_t *pm, uint64_t vaddr, uint64_t frame);

/* Unmaps one page and reports its frame (frame may be NULL). Tables stay in place.
 * Errors: MISALIGNED, OUT_OF_RANGE, NOT_MAPPED, CAP_OP_FAILED. */
alg_error_t ptmgr_unmap(ptmgr_t *pm, uint64_t vaddr, uint64_t *frame);

/* The frame mapping the page that contains `vaddr` (any alignment).
 * Errors: OUT_OF_RANGE, NOT_MAPPED. */
alg_error_t ptmgr_lookup(const ptmgr_t *pm, uint64_t vaddr, uint64_t *frame);

#define PTMGR_RELEASE_TABLES 1u /* also release tables left empty, to their pools */

/* Unmaps every mapped page in [vaddr, vaddr + size) (page_unmap is called for each, which is
 * how the caller learns the frames) visiting only present tables. With PTMGR_RELEASE_TABLES,
 * afterwards no table that intersects the range is left without entries: empty ones are
 * uninstalled into their pools, deepest first, so a parent emptied that way goes too (a
 * parent still holding a table outside the range stays).
 * *unmapped (may be NULL) counts the pages unmapped, also on error.
 * Errors: MISALIGNED (vaddr or size), OUT_OF_RANGE, INVALID_ARGUMENT (unknown flags),
 * CAP_OP_FAILED (stops there; everything done before stays done and consistent). */
alg_error_t ptmgr_unmap_range(ptmgr_t *pm, uint64_t vaddr, uint64_t size, unsigned flags,
                              uint64_t *unmapped);

/* The release half of ptmgr_unmap_range alone: leaves no table that intersects
 * [vaddr, vaddr + size) without entries, mappings untouched. Errors as ptmgr_unmap_range. */
alg_error_t ptmgr_release_empty(ptmgr_t *pm, uint64_t vaddr, uint64_t size);

/* Destroys every pooled table object (table_free) and returns the records to the spares. */
void ptmgr_pool_drain(ptmgr_t *pm);

static inline uint64_t ptmgr_mapped_pages(const ptmgr_t *pm)
{
    return pm->mapped;
}

static inline uint32_t ptmgr_live_tables(const ptmgr_t *pm, unsigned level)
{
    return level < PTMGR_MAX_LEVELS ? pm->live[level] : 0;
}

static inline uint32_t ptmgr_pooled_tables(const ptmgr_t *pm, unsigned level)
{
    return level < PTMGR_MAX_LEVELS ? pm->pooled[level] : 0;
}

/* Verifies presence counts, parent links and covered ranges of live tables, that every live
 * table is reachable from the root once, the pool and spare lists, and the counters. O(size);
 * ALG_OK or CORRUPT. */
alg_error_t ptmgr_check(const ptmgr_t *pm);

#endif
