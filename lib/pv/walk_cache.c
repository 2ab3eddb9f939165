/*
 * The vCPU's per-event translation cache (pv/walk.h): a few translations of 4 KiB pages, each
 * with the access flags it was walked for, all under one set of paging registers.
 */
#include <pv/walk.h>

#define PAGE_MASK 0xfffull

static bool paging_same(const pv_paging_t *a, const pv_paging_t *b)
{
    return a->cr3 == b->cr3 && a->cr0 == b->cr0 && a->cr4 == b->cr4 && a->efer == b->efer &&
           a->phys_addr_bits == b->phys_addr_bits;
}

bool pv_walk_cache_find(const pv_walk_cache_t *cache, const pv_paging_t *paging, gva_t address,
                        unsigned access, gpa_t *out)
{
    uint64_t page = address.value & ~PAGE_MASK;

    if (cache->count == 0 || !paging_same(&cache->paging, paging)) {
        return false;
    }
    for (unsigned i = 0; i < cache->count && i < PV_WALK_CACHE_ENTRIES; i++) {
        const pv_walk_cache_entry_t *entry = &cache->entries[i];
        if (entry->page == page && entry->access == access) {
            *out = gpa(entry->frame + (address.value & PAGE_MASK));
            return true;
        }
    }
    return false;
}

void pv_walk_cache_add(pv_walk_cache_t *cache, const pv_paging_t *paging, gva_t address,
                       unsigned access, gpa_t translated)
{
    unsigned slot;

    if (cache->count == 0 || !paging_same(&cache->paging, paging)) {
        cache->paging = *paging;
        pv_walk_cache_clear(cache);
    }
    if (cache->count < PV_WALK_CACHE_ENTRIES) {
        slot = cache->count++;
    } else {
        slot = cache->next % PV_WALK_CACHE_ENTRIES;
        cache->next = (slot + 1) % PV_WALK_CACHE_ENTRIES;
    }
    cache->entries[slot] = (pv_walk_cache_entry_t){
            .page = address.value & ~PAGE_MASK,
            .frame = translated.value & ~PAGE_MASK,
            .access = access,
    };
}
