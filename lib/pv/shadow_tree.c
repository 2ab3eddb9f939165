/*
 * The software TLB's shadow tree: which slot holds which host table or page, for both spaces,
 * kept in step with the host through the calls of shadow.c. A subtree is dropped with one host
 * call at its top; what lies below it is then unreachable on the host and only freed here.
 */
#include "shadow_internal.h"

void shadow_lookup(const pv_shadow_t *shadow, pv_shadow_space_t space, uint64_t address,
                   shadow_path_t *path)
{
    uint16_t slot = shadow->roots[space][shadow_index(address, 39)];

    path->page = SHADOW_NONE;
    for (unsigned pool = 0; pool < SHADOW_TABLE_POOLS; pool++) {
        path->tables[pool] = slot;
        if (slot != SHADOW_NONE) {
            slot = shadow->pools[pool]
                           .tables[slot]
                           .children[shadow_index(address, shadow_child_shift(pool))];
        }
    }
    path->page = slot;
}

uint64_t shadow_page_address(const pv_shadow_t *shadow, uint16_t slot)
{
    const pv_shadow_page_t *page = &shadow->pages[slot];

    return shadow->pools[2].tables[page->table].base + (uint64_t)page->index * SHADOW_PAGE_SIZE;
}

/* The entry that points to a table: a root of its space, or a child entry of its parent. */
static uint16_t *shadow_parent_entry(pv_shadow_t *shadow, unsigned pool, const pv_shadow_table_t *t)
{
    if (pool == 0) {
        return &shadow->roots[t->space][t->index];
    }
    return &shadow->pools[pool - 1].tables[t->parent].children[t->index];
}

bool shadow_table_attach(pv_shadow_t *shadow, unsigned pool, pv_shadow_space_t space,
                         uint16_t parent, uint64_t address, uint16_t *slot)
{
    unsigned shift = shadow_child_shift(pool) + 9;
    uint16_t taken = shadow_table_take(shadow, pool);
    pv_shadow_table_t *table;

    if (taken == SHADOW_NONE) {
        return false; /* the fill made room first: not reached */
    }
    table = &shadow->pools[pool].tables[taken];
    table->base = address & ~((1ull << shift) - 1);
    table->space = (uint8_t)space;
    table->parent = parent;
    table->index = (uint16_t)shadow_index(address, shift);
    table->used = 0;
    table->globals = 0;
    table->large = 0;
    if (!shadow_call_map_table(shadow, pool, taken)) {
        shadow_table_give(shadow, pool, taken);
        return false;
    }
    *shadow_parent_entry(shadow, pool, table) = taken;
    if (pool > 0) {
        shadow->pools[pool - 1].tables[parent].used++;
    }
    *slot = taken;
    return true;
}

/* Adds delta to the global and large-page counts of a page's PT and every table above it. */
static void shadow_count(pv_shadow_t *shadow, const pv_shadow_page_t *page, int delta)
{
    uint32_t globals = (page->flags & SHADOW_PAGE_GLOBAL) != 0 ? (uint32_t)delta : 0;
    uint32_t large = page->order > 12 ? (uint32_t)delta : 0;
    uint16_t slot = page->table;

    for (unsigned pool = SHADOW_TABLE_POOLS; pool-- > 0;) {
        pv_shadow_table_t *table = &shadow->pools[pool].tables[slot];

        table->globals += globals;
        table->large += large;
        slot = table->parent;
    }
}

bool shadow_page_attach(pv_shadow_t *shadow, uint16_t table, uint64_t address,
                        const pv_shadow_page_t *template)
{
    uint16_t slot = shadow_page_take(shadow);
    pv_shadow_page_t *page;
    pv_shadow_table_t *pt = &shadow->pools[2].tables[table];

    if (slot == SHADOW_NONE) {
        return false; /* the fill made room first: not reached */
    }
    page = &shadow->pages[slot];
    page->frame = template->frame;
    page->rights = template->rights;
    page->order = template->order;
    page->space = pt->space;
    page->flags = (uint8_t)((template->flags & ~SHADOW_PAGE_EXPOSED) | SHADOW_PAGE_USED);
    page->table = table;
    page->index = (uint16_t)shadow_index(address, 12);
    if (!shadow_call_map_page(shadow, slot)) {
        shadow_page_give(shadow, slot);
        return false;
    }
    pt->children[page->index] = slot;
    pt->used++;
    shadow_count(shadow, page, 1);
    if ((template->flags & SHADOW_PAGE_EXPOSED) != 0) {
        shadow_exposed_link(shadow, slot);
    }
    return true;
}

bool shadow_page_drop(pv_shadow_t *shadow, uint16_t slot, bool unmap)
{
    pv_shadow_page_t *page = &shadow->pages[slot];
    pv_shadow_table_t *pt = &shadow->pools[2].tables[page->table];

    if (unmap && !shadow_call_unmap_page(shadow, slot)) {
        return false;
    }
    shadow_exposed_unlink(shadow, slot);
    shadow_count(shadow, page, -1);
    pt->children[page->index] = SHADOW_NONE;
    pt->used--;
    shadow_page_give(shadow, slot);
    return true;
}

bool shadow_table_drop(pv_shadow_t *shadow, unsigned pool, uint16_t slot, bool unmap)
{
    pv_shadow_table_t *table = &shadow->pools[pool].tables[slot];

    if (unmap && !shadow_call_unmap_table(shadow, pool, slot)) {
        return false;
    }
    /* Below an unmapped table nothing is reachable: free without host calls. */
    for (unsigned i = 0; i < SHADOW_ENTRIES && table->used > 0; i++) {
        uint16_t child = table->children[i];

        if (child == SHADOW_NONE) {
            continue;
        }
        if (pool + 1 == SHADOW_TABLE_POOLS) {
            (void)shadow_page_drop(shadow, child, false);
        } else {
            (void)shadow_table_drop(shadow, pool + 1, child, false);
        }
    }
    *shadow_parent_entry(shadow, pool, table) = SHADOW_NONE;
    if (pool > 0) {
        shadow->pools[pool - 1].tables[table->parent].used--;
    }
    shadow_table_give(shadow, pool, slot);
    return true;
}
