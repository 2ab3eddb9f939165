/*
 * A fill of the software TLB on a host page fault (pv_shadow_fill). The check step walks the
 * guest's tables and decides the outcome and the rights with no host call; the act step makes
 * room in the pools (evicting the least recently filled tables, never one on the fill's own
 * path) and maps. Rights never exceed what the walk gave, in the view that faulted.
 */
#include "shadow_internal.h"

#define SHADOW_ACCESS_MASK (PV_ACCESS_WRITE | PV_ACCESS_FETCH | PV_ACCESS_USER | PV_ACCESS_AC)

static pv_shadow_status_t shadow_host_error(pv_shadow_t *shadow, pv_shadow_fill_t *out)
{
    out->status = PV_SHADOW_HOST_ERROR;
    out->host_error = shadow->host_error;
    return PV_SHADOW_HOST_ERROR;
}

static pv_shadow_status_t shadow_outcome(pv_shadow_fill_t *out, pv_shadow_status_t status)
{
    out->status = status;
    return status;
}

/*
 * The host rights of a page in a view, from the walk. Writable only when the leaf is dirty (the
 * first write must fault so that the walk sets D). The kernel view follows the supervisor rules:
 * CR0.WP clear lets it write read-only pages (the user view, a separate space, still maps them
 * read-only); SMEP takes execution away from user pages; under SMAP a user page is writable only
 * when AC let the access in (and then it is exposed: revoked when AC clears).
 */
static unsigned shadow_rights(const pv_paging_t *paging, pv_shadow_space_t space, unsigned access,
                              const pv_walk_t *walk, bool *exposed)
{
    bool paged = pv_paging_mode(paging) != PV_PAGING_OFF;
    bool smep = paged && (paging->cr4 & PV_PAGING_CR4_SMEP) != 0;
    bool smap = paged && (paging->cr4 & PV_PAGING_CR4_SMAP) != 0;
    bool ac = (access & PV_ACCESS_AC) != 0;
    unsigned rights = 0;

    *exposed = false;
    if (space == PV_SHADOW_USER) {
        rights |= walk->writable && walk->dirty ? PV_SHADOW_WRITE : 0;
        rights |= walk->executable ? PV_SHADOW_EXEC : 0;
        return rights;
    }
    if (walk->dirty && (walk->writable || (paging->cr0 & PV_PAGING_CR0_WP) == 0) &&
        !(walk->user && smap && !ac)) {
        rights |= PV_SHADOW_WRITE;
    }
    if (walk->executable && !(walk->user && smep)) {
        rights |= PV_SHADOW_EXEC;
    }
    *exposed = walk->user && smap && ac;
    return rights;
}

/* log2 of the guest page size (the walker gives 4 KiB, 2 MiB, 4 MiB or 1 GiB). */
static uint8_t shadow_order(uint64_t page_size)
{
    return (uint8_t)(63 - __builtin_clzll(page_size));
}

/* The check step: the walk and its outcome; FILLED means: map *page at the address. */
static pv_shadow_status_t shadow_check(pv_shadow_t *shadow, const pv_paging_t *paging,
                                       gva_t address, unsigned access, pv_shadow_fill_t *out,
                                       pv_shadow_page_t *page)
{
    pv_walk_t walk;
    bool exposed;

    switch (pv_walk(shadow->memory, paging, address, access, &walk)) {
    case PV_WALK_OK:
        break;
    case PV_WALK_FAULT:
        out->error_code = walk.error_code;
        shadow->stats.guest_faults++;
        return shadow_outcome(out, PV_SHADOW_GUEST_FAULT);
    case PV_WALK_BAD_TABLE:
        out->address = walk.table_address;
        shadow->stats.bad_tables++;
        return shadow_outcome(out, PV_SHADOW_BAD_TABLE);
    default:
        return shadow_outcome(out, PV_SHADOW_NON_CANONICAL);
    }
    if (pv_shadow_reserved(address)) {
        shadow->stats.reserved++;
        return shadow_outcome(out, PV_SHADOW_RESERVED);
    }
    if (!pv_memory_contains(shadow->memory, gpa(walk.address.value & ~(SHADOW_PAGE_SIZE - 1)),
                            SHADOW_PAGE_SIZE)) {
        out->address = walk.address;
        shadow->stats.mmio++;
        return shadow_outcome(out, PV_SHADOW_MMIO);
    }
    *page = (pv_shadow_page_t){
            .frame = walk.address.value & ~(SHADOW_PAGE_SIZE - 1),
            .rights = (uint8_t)shadow_rights(paging, out->space, access, &walk, &exposed),
            .order = shadow_order(walk.page_size),
            .flags = walk.global ? SHADOW_PAGE_GLOBAL : 0,
    };
    page->flags |= exposed ? SHADOW_PAGE_EXPOSED : 0;
    out->rights = page->rights;
    return PV_SHADOW_FILLED;
}

/* Whether a mapped page already is what the fill would map. */
static bool shadow_page_same(const pv_shadow_page_t *mapped, const pv_shadow_page_t *wanted)
{
    return mapped->frame == wanted->frame && mapped->rights == wanted->rights &&
           mapped->order == wanted->order &&
           (mapped->flags & (SHADOW_PAGE_GLOBAL | SHADOW_PAGE_EXPOSED)) == wanted->flags;
}

/* The oldest table of a pool that is not on the fill's path, or SHADOW_NONE. */
static uint16_t shadow_victim(const pv_shadow_t *shadow, unsigned pool, const shadow_path_t *path)
{
    uint16_t slot = shadow->pools[pool].oldest;

    while (slot != SHADOW_NONE && slot == path->tables[pool]) {
        slot = shadow->pools[pool].tables[slot].lru_newer;
    }
    return slot;
}

static bool shadow_evict(pv_shadow_t *shadow, unsigned pool, uint16_t victim)
{
    uint32_t pages = shadow->pages_used;

    if (!shadow_table_drop(shadow, pool, victim, true)) {
        return false;
    }
    shadow->stats.evictions[pool]++;
    shadow->stats.evictions[PV_SHADOW_POOL_PAGE] += pages - shadow->pages_used;
    return true;
}

/* Takes back every page of one PT (the fill's own, when no other PT is left to evict). */
static bool shadow_empty_table(pv_shadow_t *shadow, uint16_t slot)
{
    pv_shadow_table_t *table = &shadow->pools[2].tables[slot];

    for (unsigned i = 0; i < SHADOW_ENTRIES && table->used > 0; i++) {
        if (table->children[i] != SHADOW_NONE) {
            if (!shadow_page_drop(shadow, table->children[i], true)) {
                return false;
            }
            shadow->stats.evictions[PV_SHADOW_POOL_PAGE]++;
        }
    }
    return true;
}

/*
 * Frees what the fill needs (a table of each level missing on its path, one page slot) by
 * evicting the least recently filled tables that are not on the path.
 */
static bool shadow_make_room(pv_shadow_t *shadow, const shadow_path_t *path)
{
    for (unsigned pool = 0; pool < SHADOW_TABLE_POOLS; pool++) {
        while (path->tables[pool] == SHADOW_NONE && shadow->pools[pool].free == SHADOW_NONE) {
            /* Nothing on the path from this level down exists: every table is a candidate. */
            if (!shadow_evict(shadow, pool, shadow->pools[pool].oldest)) {
                return false;
            }
        }
    }
    while (shadow->page_free == SHADOW_NONE) {
        uint16_t victim = shadow_victim(shadow, 2, path);
        bool ok = victim != SHADOW_NONE ? shadow_evict(shadow, 2, victim)
                                        : shadow_empty_table(shadow, path->tables[2]);

        if (!ok) {
            return false;
        }
    }
    return true;
}

/* The act step: room, the missing tables, the page. */
static bool shadow_map(pv_shadow_t *shadow, pv_shadow_space_t space, uint64_t address,
                       const pv_shadow_page_t *page)
{
    shadow_path_t path;
    uint16_t parent = SHADOW_NONE;

    shadow_lookup(shadow, space, address, &path);
    if (path.page != SHADOW_NONE) {
        if (!shadow_page_drop(shadow, path.page, true)) {
            return false;
        }
        shadow->stats.remaps++;
        path.page = SHADOW_NONE;
    }
    if (!shadow_make_room(shadow, &path)) {
        return false;
    }
    for (unsigned pool = 0; pool < SHADOW_TABLE_POOLS; pool++) {
        if (path.tables[pool] == SHADOW_NONE &&
            !shadow_table_attach(shadow, pool, space, parent, address, &path.tables[pool])) {
            return false;
        }
        shadow_table_touch(shadow, pool, path.tables[pool]);
        parent = path.tables[pool];
    }
    if (!shadow_page_attach(shadow, path.tables[2], address, page)) {
        return false;
    }
    shadow->stats.fills++;
    return true;
}

pv_shadow_status_t pv_shadow_fill(pv_shadow_t *shadow, const pv_paging_t *paging, gva_t address,
                                  unsigned access, pv_shadow_fill_t *out)
{
    pv_shadow_page_t page;
    shadow_path_t path;
    pv_shadow_status_t status;
    uint64_t base = address.value & ~(SHADOW_PAGE_SIZE - 1);

    access &= SHADOW_ACCESS_MASK;
    *out = (pv_shadow_fill_t){
            .space = (access & PV_ACCESS_USER) != 0 ? PV_SHADOW_USER : PV_SHADOW_KERNEL,
    };
    if (shadow->broken || !shadow_adopt_paging(shadow, paging) ||
        ((access & PV_ACCESS_AC) == 0 && !shadow_revoke_exposed(shadow))) {
        return shadow_host_error(shadow, out);
    }
    status = shadow_check(shadow, paging, address, access, out, &page);
    if (status != PV_SHADOW_FILLED) {
        return status;
    }
    shadow_lookup(shadow, out->space, base, &path);
    if (path.page != SHADOW_NONE && shadow_page_same(&shadow->pages[path.page], &page)) {
        shadow->stats.spurious++;
        return shadow_outcome(out, PV_SHADOW_FILLED);
    }
    if (!shadow_map(shadow, out->space, base, &page)) {
        return shadow_host_error(shadow, out);
    }
    return shadow_outcome(out, PV_SHADOW_FILLED);
}
