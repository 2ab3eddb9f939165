/* A fake page-table backend for ptmgr tests: table objects with levels, installation under an
 * installed parent, leaf mappings, and failure injection. It counts every misuse (installing
 * twice, uninstalling a non-empty table, mapping without a leaf table, freeing an installed
 * table, ...) as a violation so tests can assert there were none. Host-only. */
#ifndef FAKE_PTABLES_H
#define FAKE_PTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/ptmgr.h>

#include "test_util.h"

#define FAKE_PT_ROOT     0x5007ull /* handle of the root table */
#define FAKE_MAP_BUCKETS 4096u

typedef enum fake_pt_op {
    FAKE_PT_TABLE_ALLOC = 0,
    FAKE_PT_INSTALL,
    FAKE_PT_UNINSTALL,
    FAKE_PT_PAGE_MAP,
    FAKE_PT_PAGE_UNMAP,
    FAKE_PT_OP_COUNT
} fake_pt_op_t;

/* Chained hash map from 64-bit keys to 64-bit values. */
typedef struct fake_map_entry {
    uint64_t key;
    uint64_t value;
    int32_t next;
} fake_map_entry_t;

typedef struct fake_map {
    int32_t buckets[FAKE_MAP_BUCKETS];
    fake_map_entry_t *entries;
    size_t capacity;
    int32_t free_list;
    size_t count;
} fake_map_t;

typedef struct fake_table {
    bool allocated;
    bool installed;
    unsigned level;
    uint64_t base;     /* linear address covered while installed */
    uint64_t contents; /* installed child tables + mapped pages */
} fake_table_t;

typedef struct fake_ptables {
    ptmgr_config_t cfg;
    unsigned va_bits;
    fake_table_t *tables; /* handle h -> tables[h - 1] */
    size_t table_count;
    size_t table_capacity;
    uint64_t root_contents;
    fake_map_t installed[PTMGR_MAX_LEVELS]; /* base -> handle, per level */
    fake_map_t pages;                       /* linear vaddr -> frame */
    test_rng_t rng;
    unsigned fail_percent[FAKE_PT_OP_COUNT];
    unsigned fail_at[FAKE_PT_OP_COUNT]; /* n > 0: the n-th next call fails, once */
    uint64_t calls[FAKE_PT_OP_COUNT];
    uint64_t table_frees;
    uint64_t violations;
    char last_violation[200];
} fake_ptables_t;

extern const ptmgr_ops_t fake_ptables_ops;

void fake_ptables_init(fake_ptables_t *fake, const ptmgr_config_t *cfg, uint64_t seed);
void fake_ptables_destroy(fake_ptables_t *fake);

/* The frame mapped at `vaddr` (virtual, as ptmgr passes it), or false. */
bool fake_ptables_lookup(const fake_ptables_t *fake, uint64_t vaddr, uint64_t *frame);

static inline size_t fake_ptables_pages(const fake_ptables_t *fake)
{
    return fake->pages.count;
}

/* Installed tables at `level` (1 .. levels-1). */
size_t fake_ptables_installed(const fake_ptables_t *fake, unsigned level);

/* Installed tables with no contents (no child table, no page) that intersect the linear
 * range [first, last]. */
size_t fake_ptables_empty_tables(const fake_ptables_t *fake, uint64_t first, uint64_t last);

/* Table objects that exist (allocated and not freed), installed or not. */
size_t fake_ptables_objects(const fake_ptables_t *fake);

#endif
