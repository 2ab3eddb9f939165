/*
 * Trap-time lookups in a sorted, disjoint site table: the site at an address, the site around
 * one, what a trap means, and the kernel's fast-path list. Read-only on the table; writes only
 * the PV page's site list.
 */
#include "patch_internal.h"

/* Index of the first site whose address is above address (binary search). */
static size_t upper_bound(const pv_patch_site_t *sites, size_t count, uint64_t address)
{
    size_t low = 0;
    size_t high = count;

    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (sites[middle].address.value <= address) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return low;
}

const pv_patch_site_t *pv_patch_find(const pv_patch_site_t *sites, size_t count, gva_t address)
{
    size_t after;

    if (sites == NULL) {
        return NULL;
    }
    after = upper_bound(sites, count, address.value);
    return after > 0 && sites[after - 1].address.value == address.value ? &sites[after - 1] : NULL;
}

const pv_patch_site_t *pv_patch_find_containing(const pv_patch_site_t *sites, size_t count,
                                                gva_t address)
{
    size_t after;
    const pv_patch_site_t *site;

    if (sites == NULL) {
        return NULL;
    }
    after = upper_bound(sites, count, address.value);
    if (after == 0) {
        return NULL;
    }
    site = &sites[after - 1];
    return address.value != site->address.value &&
                           address.value - site->address.value < site->length
                   ? site
                   : NULL;
}

static bool kind_traps_with(unsigned kind, unsigned vector)
{
    switch (kind) {
    case PV_PATCH_KIND_CLI:
    case PV_PATCH_KIND_STI:
        return vector == PV_PATCH_VECTOR_GP;
    case PV_PATCH_KIND_PUSHF:
    case PV_PATCH_KIND_POPF:
    case PV_PATCH_KIND_UD2:
        return vector == PV_PATCH_VECTOR_UD;
    case PV_PATCH_KIND_INT3:
        return vector == PV_PATCH_VECTOR_BP;
    default:
        return false;
    }
}

pv_patch_trap_t pv_patch_trap_lookup(const pv_patch_site_t *sites, size_t count, unsigned vector,
                                     gva_t rip, const pv_patch_site_t **site)
{
    /* INT3 is a trap: RIP is past it, so the site is one byte back. */
    gva_t at = vector == PV_PATCH_VECTOR_BP ? gva(rip.value - 1) : rip;
    const pv_patch_site_t *found = pv_patch_find(sites, count, at);

    if (site != NULL) {
        *site = NULL;
    }
    if (found != NULL) {
        if (!kind_traps_with(found->kind, vector)) {
            return PV_PATCH_TRAP_NONE;
        }
        if (site != NULL) {
            *site = found;
        }
        return PV_PATCH_TRAP_SITE;
    }
    found = pv_patch_find_containing(sites, count, at);
    if (found != NULL) {
        if (site != NULL) {
            *site = found;
        }
        return PV_PATCH_TRAP_INSIDE;
    }
    return PV_PATCH_TRAP_NONE;
}

/* ---- the kernel's fast-path list ---- */

static bool fast_path_eligible(const pv_patch_site_t *site)
{
    bool kind = site->kind == PV_PATCH_KIND_CLI || site->kind == PV_PATCH_KIND_STI ||
                site->kind == PV_PATCH_KIND_PUSHF || site->kind == PV_PATCH_KIND_POPF;

    return kind && site->length == 1 && (site->modes & (1u << PV_PATCH_MODE_64)) != 0;
}

static seL4_Word fast_path_kind(unsigned kind)
{
    switch (kind) {
    case PV_PATCH_KIND_CLI:
        return seL4_PVSite_CLI;
    case PV_PATCH_KIND_STI:
        return seL4_PVSite_STI;
    case PV_PATCH_KIND_PUSHF:
        return seL4_PVSite_PUSHF;
    default:
        return seL4_PVSite_POPF;
    }
}

/* Whether site i ranks above site j: heavier, or as heavy and lower (sites are sorted, so a
 * lower index is a lower address). */
static bool ranks_above(const uint32_t *weights, size_t i, size_t j)
{
    uint32_t wi = weights != NULL ? weights[i] : 0;
    uint32_t wj = weights != NULL ? weights[j] : 0;

    return wi > wj || (wi == wj && i < j);
}

size_t pv_patch_fill_pv_page(const pv_patch_site_t *sites, size_t count, const uint32_t *weights,
                             seL4_PVPage *page)
{
    /* The chosen sites' indices, kept ordered by rank (an insertion into at most
     * seL4_PVSitesMax): the lowest-ranked chosen one is the last. */
    size_t chosen[seL4_PVSitesMax];
    size_t chosen_count = 0;
    size_t eligible = 0;

    if (page == NULL || (sites == NULL && count != 0)) {
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        size_t at;
        if (!fast_path_eligible(&sites[i])) {
            continue;
        }
        eligible++;
        if (chosen_count == seL4_PVSitesMax &&
            !ranks_above(weights, i, chosen[seL4_PVSitesMax - 1])) {
            continue;
        }
        at = chosen_count < seL4_PVSitesMax ? chosen_count++ : seL4_PVSitesMax - 1;
        while (at > 0 && ranks_above(weights, i, chosen[at - 1])) {
            chosen[at] = chosen[at - 1];
            at--;
        }
        chosen[at] = i;
    }
    /* Back to address order: the kernel searches the list by RIP. */
    for (size_t i = 1; i < chosen_count; i++) {
        size_t index = chosen[i];
        size_t at = i;
        while (at > 0 && chosen[at - 1] > index) {
            chosen[at] = chosen[at - 1];
            at--;
        }
        chosen[at] = index;
    }
    for (size_t i = 0; i < chosen_count; i++) {
        page->sites[i].rip = sites[chosen[i]].address.value;
        page->sites[i].kind = fast_path_kind(sites[chosen[i]].kind);
    }
    page->site_count = chosen_count;
    return eligible;
}
