/*
 * Inside the software TLB (lib/pv/shadow*.c only): the shadow tree mirrors the host's tables of
 * both spaces (roots: PML4 entries; tables: PDPT, PD, PT slots; leaves: page slots), with counts
 * of global and large-page-derived pages per table so that flushes can drop whole tables.
 */
#ifndef PV_SHADOW_INTERNAL_H
#define PV_SHADOW_INTERNAL_H

#include <pv/shadow.h>

#define SHADOW_NONE        0xffffu
#define SHADOW_TABLE_POOLS 3u /* PDPT, PD, PT: pool index = 3 - level */
#define SHADOW_ENTRIES     512u
#define SHADOW_PAGE_SIZE   4096ull

/* Page slot flags. */
#define SHADOW_PAGE_USED    0x1u
#define SHADOW_PAGE_GLOBAL  0x2u
#define SHADOW_PAGE_EXPOSED 0x4u /* kernel view, a user page mapped under SMAP because AC was set */

/* The address bits that index a table's children: PDPT 38:30, PD 29:21, PT 20:12. */
static inline unsigned shadow_child_shift(unsigned pool)
{
    return 30u - 9u * pool;
}

static inline unsigned shadow_level(unsigned pool)
{
    return 3u - pool;
}

static inline unsigned shadow_index(uint64_t address, unsigned shift)
{
    return (unsigned)(address >> shift) & (SHADOW_ENTRIES - 1);
}

/* The slots on the way to one page of one space (SHADOW_NONE where absent). */
typedef struct shadow_path {
    uint16_t tables[SHADOW_TABLE_POOLS];
    uint16_t page;
} shadow_path_t;

/* Host calls (shadow.c): false after a failure, which leaves the TLB broken. */
bool shadow_call_map_table(pv_shadow_t *shadow, unsigned pool, uint16_t slot);
bool shadow_call_unmap_table(pv_shadow_t *shadow, unsigned pool, uint16_t slot);
bool shadow_call_map_page(pv_shadow_t *shadow, uint16_t slot);
bool shadow_call_unmap_page(pv_shadow_t *shadow, uint16_t slot);

/* Pools (shadow_pool.c): slots taken from and given back to free lists; tables in LRU order. */
uint16_t shadow_table_take(pv_shadow_t *shadow, unsigned pool);
void shadow_table_give(pv_shadow_t *shadow, unsigned pool, uint16_t slot);
void shadow_table_touch(pv_shadow_t *shadow, unsigned pool, uint16_t slot);
uint16_t shadow_page_take(pv_shadow_t *shadow);
void shadow_page_give(pv_shadow_t *shadow, uint16_t slot);
void shadow_exposed_link(pv_shadow_t *shadow, uint16_t slot);
void shadow_exposed_unlink(pv_shadow_t *shadow, uint16_t slot);

/* The tree (shadow_tree.c). */
void shadow_lookup(const pv_shadow_t *shadow, pv_shadow_space_t space, uint64_t address,
                   shadow_path_t *path);
uint64_t shadow_page_address(const pv_shadow_t *shadow, uint16_t slot);
bool shadow_table_attach(pv_shadow_t *shadow, unsigned pool, pv_shadow_space_t space,
                         uint16_t parent, uint64_t address, uint16_t *slot);
bool shadow_page_attach(pv_shadow_t *shadow, uint16_t table, uint64_t address,
                        const pv_shadow_page_t *page);
bool shadow_page_drop(pv_shadow_t *shadow, uint16_t slot, bool unmap);
bool shadow_table_drop(pv_shadow_t *shadow, unsigned pool, uint16_t slot, bool unmap);

/* Flushes (shadow_flush.c), also used by fills that find the paging state changed. */
bool shadow_flush_all(pv_shadow_t *shadow, bool keep_global);
bool shadow_revoke_exposed(pv_shadow_t *shadow);
/* Flushes what a change of paging mode (everything) or of CR3 (non-global) since the mappings
 * were made requires, then records the state. */
bool shadow_adopt_paging(pv_shadow_t *shadow, const pv_paging_t *paging);

#endif
