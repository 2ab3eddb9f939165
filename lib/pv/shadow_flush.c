/*
 * Invalidation in the software TLB: INVLPG (with the guest large page around the address), CR3
 * writes (non-global translations), paging-mode changes and full flushes (everything), and the
 * end of AC's exposure of user pages under SMAP. A table with nothing to keep goes in one host
 * call; only tables holding global pages are walked page by page.
 */
#include "shadow_internal.h"

/* Drops a table, or (keep_global, global pages below it) everything but those pages. */
static bool shadow_flush_table(pv_shadow_t *shadow, unsigned pool, uint16_t slot, bool keep_global)
{
    pv_shadow_table_t *table = &shadow->pools[pool].tables[slot];

    if (!keep_global || table->globals == 0) {
        return shadow_table_drop(shadow, pool, slot, true);
    }
    for (unsigned i = 0; i < SHADOW_ENTRIES; i++) {
        uint16_t child = table->children[i];
        bool ok = true;

        if (child == SHADOW_NONE) {
            continue;
        }
        if (pool + 1 < SHADOW_TABLE_POOLS) {
            ok = shadow_flush_table(shadow, pool + 1, child, true);
        } else if ((shadow->pages[child].flags & SHADOW_PAGE_GLOBAL) == 0) {
            ok = shadow_page_drop(shadow, child, true);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool shadow_flush_all(pv_shadow_t *shadow, bool keep_global)
{
    for (unsigned space = 0; space < PV_SHADOW_SPACES; space++) {
        for (unsigned i = 0; i < SHADOW_ENTRIES; i++) {
            uint16_t slot = shadow->roots[space][i];

            if (slot != SHADOW_NONE && !shadow_flush_table(shadow, 0, slot, keep_global)) {
                return false;
            }
        }
    }
    if (keep_global) {
        shadow->stats.cr3_flushes++;
    } else {
        shadow->stats.flushes++;
    }
    return true;
}

bool shadow_revoke_exposed(pv_shadow_t *shadow)
{
    while (shadow->exposed != SHADOW_NONE) {
        if (!shadow_page_drop(shadow, shadow->exposed, true)) {
            return false;
        }
        shadow->stats.ac_revocations++;
    }
    return true;
}

/* The paging bits that decide what a walk gives (any change flushes everything). */
static void shadow_paging_key(const pv_paging_t *paging, uint64_t key[4])
{
    key[0] = paging->cr0 & (PV_PAGING_CR0_PG | PV_PAGING_CR0_WP);
    key[1] = paging->cr4 & (PV_PAGING_CR4_PSE | PV_PAGING_CR4_PAE | PV_PAGING_CR4_PGE |
                            PV_PAGING_CR4_SMEP | PV_PAGING_CR4_SMAP);
    key[2] = paging->efer & (PV_PAGING_EFER_LME | PV_PAGING_EFER_NXE);
    key[3] = paging->phys_addr_bits;
}

bool shadow_adopt_paging(pv_shadow_t *shadow, const pv_paging_t *paging)
{
    uint64_t key[4];
    bool ok = true;

    shadow_paging_key(paging, key);
    if (shadow->have_paging && __builtin_memcmp(key, shadow->paging_key, sizeof(key)) != 0) {
        ok = shadow_flush_all(shadow, false);
    } else if (shadow->have_paging && paging->cr3 != shadow->cr3) {
        ok = shadow_flush_all(shadow, true);
    }
    __builtin_memcpy(shadow->paging_key, key, sizeof(key));
    shadow->cr3 = paging->cr3;
    shadow->have_paging = true;
    return ok;
}

/* Drops the pages of one PT that shadow part of the guest page [base, base + 2^order). */
static bool shadow_drop_large(pv_shadow_t *shadow, uint16_t slot, unsigned order, uint64_t base)
{
    pv_shadow_table_t *table = &shadow->pools[2].tables[slot];

    for (unsigned i = 0; i < SHADOW_ENTRIES && table->large > 0; i++) {
        uint16_t child = table->children[i];

        if (child == SHADOW_NONE || shadow->pages[child].order != order ||
            (shadow_page_address(shadow, child) & ~((1ull << order) - 1)) != base) {
            continue;
        }
        if (!shadow_page_drop(shadow, child, true)) {
            return false;
        }
    }
    return true;
}

/* INVLPG in one space: the page, then pages of a guest large page around the address. */
static bool shadow_invalidate_in(pv_shadow_t *shadow, pv_shadow_space_t space, uint64_t address)
{
    static const uint8_t orders[] = {21, 22, 30};
    shadow_path_t path;
    const pv_shadow_table_t *pd;

    shadow_lookup(shadow, space, address, &path);
    if (path.page != SHADOW_NONE && !shadow_page_drop(shadow, path.page, true)) {
        return false;
    }
    if (path.tables[1] == SHADOW_NONE || shadow->pools[1].tables[path.tables[1]].large == 0) {
        return true;
    }
    /* Every such page lies in the 1 GiB this PD covers. */
    pd = &shadow->pools[1].tables[path.tables[1]];
    for (unsigned o = 0; o < sizeof(orders); o++) {
        uint64_t size = 1ull << orders[o];
        uint64_t base = address & ~(size - 1);

        for (uint64_t at = base; at - base < size && pd->large > 0; at += 1ull << 21) {
            uint16_t pt = pd->children[shadow_index(at, 21)];

            if (pt != SHADOW_NONE && !shadow_drop_large(shadow, pt, orders[o], base)) {
                return false;
            }
        }
    }
    return true;
}

pv_shadow_status_t pv_shadow_invalidate_page(pv_shadow_t *shadow, gva_t address)
{
    if (shadow->broken) {
        return PV_SHADOW_HOST_ERROR;
    }
    for (unsigned space = 0; space < PV_SHADOW_SPACES; space++) {
        if (!shadow_invalidate_in(shadow, (pv_shadow_space_t)space, address.value)) {
            return PV_SHADOW_HOST_ERROR;
        }
    }
    shadow->stats.invalidations++;
    return PV_SHADOW_OK;
}

pv_shadow_status_t pv_shadow_new_cr3(pv_shadow_t *shadow, const pv_paging_t *paging)
{
    uint64_t flushes = shadow->stats.flushes + shadow->stats.cr3_flushes;

    if (shadow->broken || !shadow_adopt_paging(shadow, paging)) {
        return PV_SHADOW_HOST_ERROR;
    }
    /* A new value has been flushed for by adopting it; a write of the same value flushes too. */
    if (shadow->stats.flushes + shadow->stats.cr3_flushes == flushes &&
        !shadow_flush_all(shadow, true)) {
        return PV_SHADOW_HOST_ERROR;
    }
    return PV_SHADOW_OK;
}

pv_shadow_status_t pv_shadow_paging_changed(pv_shadow_t *shadow, const pv_paging_t *paging)
{
    if (shadow->broken || !shadow_adopt_paging(shadow, paging)) {
        return PV_SHADOW_HOST_ERROR;
    }
    return PV_SHADOW_OK;
}

pv_shadow_status_t pv_shadow_flush(pv_shadow_t *shadow, bool keep_global)
{
    if (shadow->broken || !shadow_flush_all(shadow, keep_global)) {
        return PV_SHADOW_HOST_ERROR;
    }
    return PV_SHADOW_OK;
}

pv_shadow_status_t pv_shadow_ac_changed(pv_shadow_t *shadow, bool ac)
{
    if (shadow->broken || (!ac && !shadow_revoke_exposed(shadow))) {
        return PV_SHADOW_HOST_ERROR;
    }
    return PV_SHADOW_OK;
}
