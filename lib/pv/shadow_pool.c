/*
 * The software TLB's pools: table slots of each level and page slots, each on a free list;
 * tables in use also on their pool's list by last fill (newest first), which eviction reads
 * from the old end. Slots only: no host calls and no tree changes here.
 */
#include "shadow_internal.h"

static void shadow_lru_unlink(pv_shadow_pool_t *pool, uint16_t slot)
{
    pv_shadow_table_t *table = &pool->tables[slot];

    if (table->lru_newer != SHADOW_NONE) {
        pool->tables[table->lru_newer].lru_older = table->lru_older;
    } else {
        pool->newest = table->lru_older;
    }
    if (table->lru_older != SHADOW_NONE) {
        pool->tables[table->lru_older].lru_newer = table->lru_newer;
    } else {
        pool->oldest = table->lru_newer;
    }
    table->lru_newer = SHADOW_NONE;
    table->lru_older = SHADOW_NONE;
}

static void shadow_lru_push(pv_shadow_pool_t *pool, uint16_t slot)
{
    pv_shadow_table_t *table = &pool->tables[slot];

    table->lru_newer = SHADOW_NONE;
    table->lru_older = pool->newest;
    if (pool->newest != SHADOW_NONE) {
        pool->tables[pool->newest].lru_newer = slot;
    } else {
        pool->oldest = slot;
    }
    pool->newest = slot;
}

uint16_t shadow_table_take(pv_shadow_t *shadow, unsigned pool_index)
{
    pv_shadow_pool_t *pool = &shadow->pools[pool_index];
    uint16_t slot = pool->free;

    if (slot == SHADOW_NONE) {
        return SHADOW_NONE;
    }
    pool->free = pool->tables[slot].lru_older;
    pool->tables[slot].in_use = 1;
    shadow_lru_push(pool, slot);
    pool->used++;
    if (pool->used > pool->high_water) {
        pool->high_water = pool->used;
    }
    return slot;
}

void shadow_table_give(pv_shadow_t *shadow, unsigned pool_index, uint16_t slot)
{
    pv_shadow_pool_t *pool = &shadow->pools[pool_index];
    pv_shadow_table_t *table = &pool->tables[slot];

    shadow_lru_unlink(pool, slot);
    table->in_use = 0;
    table->lru_older = pool->free;
    pool->free = slot;
    pool->used--;
}

void shadow_table_touch(pv_shadow_t *shadow, unsigned pool_index, uint16_t slot)
{
    pv_shadow_pool_t *pool = &shadow->pools[pool_index];

    if (pool->newest != slot) {
        shadow_lru_unlink(pool, slot);
        shadow_lru_push(pool, slot);
    }
}

uint16_t shadow_page_take(pv_shadow_t *shadow)
{
    uint16_t slot = shadow->page_free;

    if (slot == SHADOW_NONE) {
        return SHADOW_NONE;
    }
    shadow->page_free = shadow->pages[slot].next;
    shadow->pages[slot].next = SHADOW_NONE;
    shadow->pages[slot].prev = SHADOW_NONE;
    shadow->pages_used++;
    if (shadow->pages_used > shadow->pages_high_water) {
        shadow->pages_high_water = shadow->pages_used;
    }
    return slot;
}

void shadow_page_give(pv_shadow_t *shadow, uint16_t slot)
{
    shadow->pages[slot] = (pv_shadow_page_t){
            .table = SHADOW_NONE,
            .next = shadow->page_free,
            .prev = SHADOW_NONE,
    };
    shadow->page_free = slot;
    shadow->pages_used--;
}

void shadow_exposed_link(pv_shadow_t *shadow, uint16_t slot)
{
    pv_shadow_page_t *page = &shadow->pages[slot];

    page->flags |= SHADOW_PAGE_EXPOSED;
    page->prev = SHADOW_NONE;
    page->next = shadow->exposed;
    if (shadow->exposed != SHADOW_NONE) {
        shadow->pages[shadow->exposed].prev = slot;
    }
    shadow->exposed = slot;
}

void shadow_exposed_unlink(pv_shadow_t *shadow, uint16_t slot)
{
    pv_shadow_page_t *page = &shadow->pages[slot];

    if ((page->flags & SHADOW_PAGE_EXPOSED) == 0) {
        return;
    }
    if (page->prev != SHADOW_NONE) {
        shadow->pages[page->prev].next = page->next;
    } else {
        shadow->exposed = page->next;
    }
    if (page->next != SHADOW_NONE) {
        shadow->pages[page->next].prev = page->prev;
    }
    page->flags &= (uint8_t)~SHADOW_PAGE_EXPOSED;
    page->next = SHADOW_NONE;
    page->prev = SHADOW_NONE;
}
