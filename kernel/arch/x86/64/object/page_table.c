/*
 * Paging-structure invocations (PDPT, page directory, page table): Map into a VSpace and
 * Unmap. Unmapping clears the structure so it can be mapped again at once (the shadow page
 * tables of the PV VMM recycle structures this way); it requires the only capability to it.
 */
#include <arch/object/asid.h>
#include <arch/object/vspace.h>
#include <kernel/string.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

/* The level of the entry that points to a structure of this capability type. */
static unsigned table_entry_shift(cap_type_t type)
{
    switch (type) {
    case CAP_PDPT:
        return PML4_INDEX_SHIFT;
    case CAP_PAGE_DIRECTORY:
        return PDPT_INDEX_SHIFT;
    default:
        return PD_INDEX_SHIFT;
    }
}

void table_unmap(cap_t *cap)
{
    arch_cap_table_t *table = &cap->u.table;
    paddr_t pml4;

    if (table->mapped_asid == ASID_INVALID) {
        return;
    }
    pml4 = asid_find_vspace(table->mapped_asid);
    if (pml4 != 0) {
        unsigned shift = table_entry_shift(cap->type);
        word_t bits_left;
        pte_t *entry = vspace_lookup_entry(pml4, table->mapped_vaddr, shift, &bits_left);
        if (entry != NULL && pte_is_present(*entry) && !pte_is_page(*entry, shift) &&
            pte_table_address(*entry) == table->paddr) {
            *entry = 0;
            vspace_flush_all(pml4);
        }
    }
    table->mapped_asid = ASID_INVALID;
    table->mapped_vaddr = 0;
}

static void invoke_table_unmap(cte_t *slot)
{
    paddr_t paddr = slot->cap.u.table.paddr;

    table_unmap(&slot->cap);
    memzero_words(paging_table(paddr), BIT(seL4_PageTableBits));
}

static void invoke_table_map(cte_t *slot, pte_t *entry, asid_t asid, vaddr_t vaddr)
{
    *entry = slot->cap.u.table.paddr | PTE_TABLE_FLAGS;
    slot->cap.u.table.mapped_asid = asid;
    slot->cap.u.table.mapped_vaddr = vaddr;
}

static seL4_Error decode_table_map(invocation_t *inv, cap_t cap, cte_t *slot)
{
    unsigned shift = table_entry_shift(cap.type);
    vaddr_t vaddr = ALIGN_DOWN(inv_arg(inv, 0), shift);
    paddr_t pml4;
    asid_t asid;
    pte_t *entry;
    seL4_Error error;

    if (inv->length < 2 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (cap.u.table.mapped_asid != ASID_INVALID) {
        return error_invalid_capability(0);
    }
    error = vspace_decode_root(inv_extra_cap(inv, 0), 1, &pml4, &asid);
    if (error != seL4_NoError) {
        return error;
    }
    if (!vspace_user_range_valid(vaddr, BIT(shift))) {
        return error_invalid_argument(0);
    }
    error = vspace_decode_entry(pml4, vaddr, shift, &entry);
    if (error != seL4_NoError) {
        return error;
    }
    if (pte_is_present(*entry)) {
        return error_simple(seL4_DeleteFirst);
    }
    invoke_table_map(slot, entry, asid, vaddr);
    return seL4_NoError;
}

/* The capability type a paging-structure label applies to; CAP_NULL for any other label. */
static cap_type_t table_label_type(word_t label)
{
    switch (label) {
    case X86PDPTMap:
    case X86PDPTUnmap:
        return CAP_PDPT;
    case X86PageDirectoryMap:
    case X86PageDirectoryUnmap:
        return CAP_PAGE_DIRECTORY;
    case X86PageTableMap:
    case X86PageTableUnmap:
        return CAP_PAGE_TABLE;
    default:
        return CAP_NULL;
    }
}

seL4_Error table_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    if (table_label_type(inv->label) != cap.type) {
        return error_simple(seL4_IllegalOperation);
    }
    switch (inv->label) {
    case X86PDPTMap:
    case X86PageDirectoryMap:
    case X86PageTableMap:
        return decode_table_map(inv, cap, slot);
    case X86PDPTUnmap:
    case X86PageDirectoryUnmap:
    case X86PageTableUnmap:
        if (!cte_is_final(slot)) {
            return error_simple(seL4_RevokeFirst);
        }
        invoke_table_unmap(slot);
        return seL4_NoError;
    default:
        return error_simple(seL4_IllegalOperation);
    }
}
