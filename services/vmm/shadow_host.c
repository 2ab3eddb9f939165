/*
 * The software TLB's host side (pv/shadow.h's callbacks) over seL4: the guest's two views are
 * PML4s init made for this VM; PDPT, PD and PT objects live in fixed pools of the VMM's CNode,
 * each retyped from the VMM's untyped on first use and reused after; a page mapping is a copy of
 * the guest frame's capability in a slot of the page pool, with only the rights the guest's own
 * tables give. A copy maps nothing but the frame it copies, so no mapping can reach past guest
 * RAM, and deleting the copy takes the mapping away.
 */
#include "shadow_host.h"
#include "memory.h"
#include "profile.h"
#include <runtime/heap.h>
#include <runtime/log.h>

static const seL4_Word level_type[4] = {
        [PV_SHADOW_PT] = seL4_X86_PageTableObject,
        [PV_SHADOW_PD] = seL4_X86_PageDirectoryObject,
        [PV_SHADOW_PDPT] = seL4_X86_PDPTObject,
};

/*
 * Per table slot: whether its object exists and whether it is mapped; per page slot: whether it
 * holds a copy, and where that copy is mapped. A copy is deleted as soon as its mapping goes,
 * with the mappings below any table that is unmapped: the kernel finds a frame's mapping again
 * by address when its capability is deleted, so a copy left behind would take with it a later
 * mapping of the same frame at the same address. The held copies are also chained twice: by the
 * 2 MiB range they lie in (hashed with their space), so that a page table going finds its pages
 * without a look at every slot, and by space, for a larger table (a CR3 write drops the PDPTs).
 */
#define SHADOW_BUCKETS  1024u /* a power of two */
#define SHADOW_NONE     UINT32_MAX
#define SHADOW_PT_SHIFT 21 /* the range a page table maps */

typedef struct shadow_host {
    vmm_t *vmm;
    bool *made[PV_SHADOW_POOL_PAGE];
    bool *mapped[PV_SHADOW_POOL_PAGE];
    bool *held;
    uint8_t *page_space;
    uint64_t *page_address;
    uint32_t *next; /* the held copies of one bucket, doubly linked; SHADOW_NONE ends */
    uint32_t *prev;
    uint32_t *bucket;     /* SHADOW_BUCKETS heads */
    uint32_t *space_next; /* the held copies of one space, doubly linked */
    uint32_t *space_prev;
    uint32_t space_head[PV_SHADOW_SPACES];
} shadow_host_t;

static shadow_host_t host;

static unsigned pool_of(unsigned level)
{
    return level == PV_SHADOW_PDPT ? PV_SHADOW_POOL_PDPT
           : level == PV_SHADOW_PD ? PV_SHADOW_POOL_PD
                                   : PV_SHADOW_POOL_PT;
}

static uint64_t level_coverage(unsigned level)
{
    return level == PV_SHADOW_PDPT ? 1ull << 39 : level == PV_SHADOW_PD ? 1ull << 30 : 1ull << 21;
}

static uint32_t bucket_of(unsigned space, uint64_t address)
{
    uint64_t key = (address >> SHADOW_PT_SHIFT) * 2 + space;

    return (uint32_t)((key ^ (key >> 10) ^ (key >> 20)) & (SHADOW_BUCKETS - 1));
}

static void list_insert(uint32_t *head, uint32_t *next, uint32_t *prev, uint32_t slot)
{
    prev[slot] = SHADOW_NONE;
    next[slot] = *head;
    if (*head != SHADOW_NONE) {
        prev[*head] = slot;
    }
    *head = slot;
}

static void list_remove(uint32_t *head, uint32_t *next, uint32_t *prev, uint32_t slot)
{
    if (prev[slot] != SHADOW_NONE) {
        next[prev[slot]] = next[slot];
    } else {
        *head = next[slot];
    }
    if (next[slot] != SHADOW_NONE) {
        prev[next[slot]] = prev[slot];
    }
}

static void chain_insert(uint32_t slot)
{
    unsigned space = host.page_space[slot];

    list_insert(&host.bucket[bucket_of(space, host.page_address[slot])], host.next, host.prev,
                slot);
    list_insert(&host.space_head[space], host.space_next, host.space_prev, slot);
}

static void chain_remove(uint32_t slot)
{
    unsigned space = host.page_space[slot];

    list_remove(&host.bucket[bucket_of(space, host.page_address[slot])], host.next, host.prev,
                slot);
    list_remove(&host.space_head[space], host.space_next, host.space_prev, slot);
}

static void page_release(const vmm_t *vmm, uint32_t slot)
{
    seL4_CNode_Delete(SERVICE_SLOT_CNODE, vmm->shadow_slots[PV_SHADOW_POOL_PAGE] + slot,
                      seL4_WordBits);
    chain_remove(slot);
    host.held[slot] = false;
}

/* Deletes the copies mapped in [base, base + size) of a space (the table over them is going):
 * a page table's through its range's chain, a larger table's through its space's. */
static void pages_release(const vmm_t *vmm, pv_shadow_space_t space, uint64_t base, uint64_t size)
{
    bool by_range = size == 1ull << SHADOW_PT_SHIFT;
    const uint32_t *next = by_range ? host.next : host.space_next;
    uint32_t slot = by_range ? host.bucket[bucket_of(space, base)] : host.space_head[space];

    while (slot != SHADOW_NONE) {
        uint32_t following = next[slot];
        if (host.page_space[slot] == space && host.page_address[slot] - base < size) {
            page_release(vmm, slot);
        }
        slot = following;
    }
}

static seL4_Error table_unmap(unsigned level, seL4_CPtr cap)
{
    switch (level) {
    case PV_SHADOW_PDPT:
        return seL4_X86_PDPT_Unmap(cap);
    case PV_SHADOW_PD:
        return seL4_X86_PageDirectory_Unmap(cap);
    default:
        return seL4_X86_PageTable_Unmap(cap);
    }
}

static seL4_Error table_map(unsigned level, seL4_CPtr cap, seL4_CPtr space, seL4_Word base)
{
    switch (level) {
    case PV_SHADOW_PDPT:
        return seL4_X86_PDPT_Map(cap, space, base, seL4_X86_Default_VMAttributes);
    case PV_SHADOW_PD:
        return seL4_X86_PageDirectory_Map(cap, space, base, seL4_X86_Default_VMAttributes);
    default:
        return seL4_X86_PageTable_Map(cap, space, base, seL4_X86_Default_VMAttributes);
    }
}

static int shadow_map_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                            gva_t base)
{
    vmm_t *vmm = context;
    unsigned pool = pool_of(level);
    seL4_CPtr cap = vmm->shadow_slots[pool] + slot;
    seL4_Error error = seL4_NoError;

    if (level < PV_SHADOW_PT || level > PV_SHADOW_PDPT || space >= PV_SHADOW_SPACES) {
        return seL4_InvalidArgument;
    }
    if (!host.made[pool][slot]) {
        error = memory_retype_at(level_type[level], 0, cap);
        host.made[pool][slot] = error == seL4_NoError;
    } else if (host.mapped[pool][slot]) {
        /* Unreachable since its parent went (its pages with it): empty it for reuse. */
        table_unmap(level, cap);
        host.mapped[pool][slot] = false;
    }
    if (error == seL4_NoError) {
        error = table_map(level, cap, vmm->spaces[space], base.value);
    }
    host.mapped[pool][slot] = error == seL4_NoError;
    return (int)error;
}

static int shadow_unmap_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                              gva_t base)
{
    vmm_t *vmm = context;
    unsigned pool = pool_of(level);

    if (!host.mapped[pool][slot]) {
        return 0;
    }
    pages_release(vmm, space, base.value, level_coverage(level));
    host.mapped[pool][slot] = false;
    return (int)table_unmap(level, vmm->shadow_slots[pool] + slot);
}

static int shadow_map_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address,
                           gpa_t frame, unsigned rights)
{
    vmm_t *vmm = context;
    seL4_CPtr cap = vmm->shadow_slots[PV_SHADOW_POOL_PAGE] + slot;
    seL4_Word page = frame.value >> seL4_PageBits;
    seL4_CapRights_t cap_rights = (rights & PV_SHADOW_WRITE) ? seL4_ReadWrite : seL4_CanRead;
    seL4_Word attributes = seL4_X86_Default_VMAttributes;

    if (page >= vmm->ram_pages || space >= PV_SHADOW_SPACES) {
        return seL4_InvalidArgument; /* the software TLB maps guest RAM only: a bug */
    }
    if (host.held[slot]) {
        page_release(vmm, slot);
    }
    seL4_Error error = seL4_CNode_Copy(SERVICE_SLOT_CNODE, cap, seL4_WordBits, SERVICE_SLOT_CNODE,
                                       vmm->ram_frames + page, seL4_WordBits, cap_rights);
    if (error != seL4_NoError) {
        return (int)error;
    }
    host.held[slot] = true;
    host.page_space[slot] = (uint8_t)space;
    host.page_address[slot] = address.value;
    chain_insert(slot);
    if (!(rights & PV_SHADOW_EXEC)) {
        attributes |= seL4_X86_ExecuteNever;
    }
    return (int)seL4_X86_Page_Map(cap, vmm->spaces[space], address.value, cap_rights,
                                  (seL4_X86_VMAttributes)attributes);
}

static int shadow_unmap_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address)
{
    vmm_t *vmm = context;

    (void)space;
    (void)address;
    if (host.held[slot]) {
        page_release(vmm, slot); /* deleting the copy takes its mapping with it */
    }
    return 0;
}

/* The callbacks, timed as the software TLB's part of a trap. */
static int host_map_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                          gva_t base)
{
    uint64_t begun = profile_part_begin();
    int error = shadow_map_table(context, space, level, slot, base);

    profile_part_end(PROFILE_TLB, begun);
    return error;
}

static int host_unmap_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                            gva_t base)
{
    uint64_t begun = profile_part_begin();
    int error = shadow_unmap_table(context, space, level, slot, base);

    profile_part_end(PROFILE_TLB, begun);
    return error;
}

static int host_map_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address,
                         gpa_t frame, unsigned rights)
{
    uint64_t begun = profile_part_begin();
    int error = shadow_map_page(context, space, slot, address, frame, rights);

    profile_part_end(PROFILE_TLB, begun);
    return error;
}

static int host_unmap_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address)
{
    uint64_t begun = profile_part_begin();
    int error = shadow_unmap_page(context, space, slot, address);

    profile_part_end(PROFILE_TLB, begun);
    return error;
}

bool shadow_host_setup(vmm_t *vmm)
{
    const pv_shadow_config_t config = {
            .pdpts = VMM_SHADOW_PDPTS,
            .pds = VMM_SHADOW_PDS,
            .pts = VMM_SHADOW_PTS,
            .pages = VMM_SHADOW_PAGES,
    };
    const uint32_t bounds[PV_SHADOW_POOLS] = {VMM_SHADOW_PDPTS, VMM_SHADOW_PDS, VMM_SHADOW_PTS,
                                              VMM_SHADOW_PAGES};
    const pv_shadow_ops_t ops = {
            .context = vmm,
            .map_table = host_map_table,
            .unmap_table = host_unmap_table,
            .map_page = host_map_page,
            .unmap_page = host_unmap_page,
    };
    size_t bytes = pv_shadow_storage_size(&config);

    host.vmm = vmm;
    for (unsigned pool = 0; pool < PV_SHADOW_POOLS; pool++) {
        vmm->shadow_slots[pool] = vmm_slots(vmm, bounds[pool]);
        if (vmm->shadow_slots[pool] == 0) {
            return false;
        }
        if (pool < PV_SHADOW_POOL_PAGE) {
            host.made[pool] = calloc(bounds[pool], sizeof(bool));
            host.mapped[pool] = calloc(bounds[pool], sizeof(bool));
            if (host.made[pool] == NULL || host.mapped[pool] == NULL) {
                return false;
            }
        }
    }
    host.held = calloc(VMM_SHADOW_PAGES, sizeof(bool));
    host.page_space = calloc(VMM_SHADOW_PAGES, sizeof(uint8_t));
    host.page_address = calloc(VMM_SHADOW_PAGES, sizeof(uint64_t));
    host.next = calloc(VMM_SHADOW_PAGES, sizeof(uint32_t));
    host.prev = calloc(VMM_SHADOW_PAGES, sizeof(uint32_t));
    host.bucket = malloc(SHADOW_BUCKETS * sizeof(uint32_t));
    host.space_next = calloc(VMM_SHADOW_PAGES, sizeof(uint32_t));
    host.space_prev = calloc(VMM_SHADOW_PAGES, sizeof(uint32_t));
    for (unsigned space = 0; space < PV_SHADOW_SPACES; space++) {
        vmm->spaces[space] = runtime_service->caps[VMM_CAP_VSPACE_FIRST + space];
    }
    if (host.held == NULL || host.page_space == NULL || host.page_address == NULL ||
        host.next == NULL || host.prev == NULL || host.bucket == NULL || host.space_next == NULL ||
        host.space_prev == NULL || bytes == 0) {
        return false;
    }
    for (unsigned space = 0; space < PV_SHADOW_SPACES; space++) {
        host.space_head[space] = SHADOW_NONE;
    }
    for (uint32_t i = 0; i < SHADOW_BUCKETS; i++) {
        host.bucket[i] = SHADOW_NONE;
    }
    void *storage = malloc(bytes); /* the software TLB's for as long as the VM runs */
    return storage != NULL &&
           pv_shadow_init(&vmm->shadow, &config, &ops, &vmm->ram, storage, bytes) == PV_SHADOW_OK;
}
