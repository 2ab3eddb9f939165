/*
 * The software TLB's set-up, statistics and host calls (pv/shadow.h). Every callback goes through
 * here: a failure is recorded once and makes every later operation report it, since the host's
 * state is then unknown.
 */
#include "shadow_internal.h"

static const pv_shadow_config_t shadow_defaults = {
        .pdpts = PV_SHADOW_DEFAULT_PDPTS,
        .pds = PV_SHADOW_DEFAULT_PDS,
        .pts = PV_SHADOW_DEFAULT_PTS,
        .pages = PV_SHADOW_DEFAULT_PAGES,
};

static bool shadow_bound_valid(uint32_t bound)
{
    return bound >= 1 && bound <= PV_SHADOW_POOL_MAX;
}

size_t pv_shadow_storage_size(const pv_shadow_config_t *config)
{
    const pv_shadow_config_t *bounds = config != NULL ? config : &shadow_defaults;
    size_t tables = (size_t)bounds->pdpts + bounds->pds + bounds->pts;

    if (!shadow_bound_valid(bounds->pdpts) || !shadow_bound_valid(bounds->pds) ||
        !shadow_bound_valid(bounds->pts) || !shadow_bound_valid(bounds->pages)) {
        return 0;
    }
    return tables * (sizeof(pv_shadow_table_t) + SHADOW_ENTRIES * sizeof(uint16_t)) +
           (size_t)bounds->pages * sizeof(pv_shadow_page_t);
}

/* Carves one pool's slots out of the storage; each slot's children follow the slot array. */
static uint8_t *shadow_pool_init(pv_shadow_pool_t *pool, uint32_t bound, uint8_t *cursor)
{
    uint16_t *children;

    pool->tables = (pv_shadow_table_t *)(void *)cursor;
    cursor += (size_t)bound * sizeof(pv_shadow_table_t);
    children = (uint16_t *)(void *)cursor;
    cursor += (size_t)bound * SHADOW_ENTRIES * sizeof(uint16_t);
    pool->bound = bound;
    pool->used = 0;
    pool->high_water = 0;
    pool->newest = SHADOW_NONE;
    pool->oldest = SHADOW_NONE;
    pool->free = 0;
    for (uint32_t i = 0; i < bound; i++) {
        pool->tables[i] = (pv_shadow_table_t){
                .children = children + (size_t)i * SHADOW_ENTRIES,
                .lru_older = i + 1 < bound ? (uint16_t)(i + 1) : SHADOW_NONE,
                .lru_newer = SHADOW_NONE,
        };
        __builtin_memset(pool->tables[i].children, 0xff, SHADOW_ENTRIES * sizeof(uint16_t));
    }
    return cursor;
}

pv_shadow_status_t pv_shadow_init(pv_shadow_t *shadow, const pv_shadow_config_t *config,
                                  const pv_shadow_ops_t *ops, const pv_memory_t *memory,
                                  void *storage, size_t storage_size)
{
    const pv_shadow_config_t *bounds = config != NULL ? config : &shadow_defaults;
    size_t needed = pv_shadow_storage_size(bounds);
    uint8_t *cursor = storage;

    if (needed == 0 || storage == NULL || storage_size < needed || ((uintptr_t)storage & 7) != 0) {
        return PV_SHADOW_BAD_CONFIG;
    }
    __builtin_memset(shadow, 0, sizeof(*shadow));
    shadow->ops = *ops;
    shadow->memory = memory;
    cursor = shadow_pool_init(&shadow->pools[0], bounds->pdpts, cursor);
    cursor = shadow_pool_init(&shadow->pools[1], bounds->pds, cursor);
    cursor = shadow_pool_init(&shadow->pools[2], bounds->pts, cursor);
    shadow->pages = (pv_shadow_page_t *)(void *)cursor;
    shadow->page_bound = bounds->pages;
    for (uint32_t i = 0; i < bounds->pages; i++) {
        shadow->pages[i] = (pv_shadow_page_t){
                .table = SHADOW_NONE,
                .next = i + 1 < bounds->pages ? (uint16_t)(i + 1) : SHADOW_NONE,
                .prev = SHADOW_NONE,
        };
    }
    shadow->page_free = 0;
    shadow->exposed = SHADOW_NONE;
    __builtin_memset(shadow->roots, 0xff, sizeof(shadow->roots));
    return PV_SHADOW_OK;
}

void pv_shadow_stats(const pv_shadow_t *shadow, pv_shadow_stats_t *out)
{
    *out = shadow->stats;
    for (unsigned pool = 0; pool < SHADOW_TABLE_POOLS; pool++) {
        out->in_use[pool] = shadow->pools[pool].used;
        out->high_water[pool] = shadow->pools[pool].high_water;
        out->bounds[pool] = shadow->pools[pool].bound;
    }
    out->in_use[PV_SHADOW_POOL_PAGE] = shadow->pages_used;
    out->high_water[PV_SHADOW_POOL_PAGE] = shadow->pages_high_water;
    out->bounds[PV_SHADOW_POOL_PAGE] = shadow->page_bound;
}

static bool shadow_call_result(pv_shadow_t *shadow, int error)
{
    shadow->stats.host_calls++;
    if (error != 0) {
        shadow->broken = true;
        shadow->host_error = error;
        return false;
    }
    return true;
}

bool shadow_call_map_table(pv_shadow_t *shadow, unsigned pool, uint16_t slot)
{
    const pv_shadow_table_t *table = &shadow->pools[pool].tables[slot];

    return shadow_call_result(shadow,
                              shadow->ops.map_table(shadow->ops.context, table->space,
                                                    shadow_level(pool), slot, gva(table->base)));
}

bool shadow_call_unmap_table(pv_shadow_t *shadow, unsigned pool, uint16_t slot)
{
    const pv_shadow_table_t *table = &shadow->pools[pool].tables[slot];

    return shadow_call_result(shadow,
                              shadow->ops.unmap_table(shadow->ops.context, table->space,
                                                      shadow_level(pool), slot, gva(table->base)));
}

bool shadow_call_map_page(pv_shadow_t *shadow, uint16_t slot)
{
    const pv_shadow_page_t *page = &shadow->pages[slot];

    return shadow_call_result(shadow, shadow->ops.map_page(shadow->ops.context, page->space, slot,
                                                           gva(shadow_page_address(shadow, slot)),
                                                           gpa(page->frame), page->rights));
}

bool shadow_call_unmap_page(pv_shadow_t *shadow, uint16_t slot)
{
    const pv_shadow_page_t *page = &shadow->pages[slot];

    return shadow_call_result(shadow,
                              shadow->ops.unmap_page(shadow->ops.context, page->space, slot,
                                                     gva(shadow_page_address(shadow, slot))));
}
