/*
 * Guest-physical structure invocations: mapping EPT PDPTs, PDs and PTs into a guest-physical
 * root and unmapping them (seL4_X86_EPT*_Map/Unmap), and mapping frames (seL4_X86_Page_MapEPT).
 * The same rules as the host's paging objects: each capability maps once, an occupied entry is
 * DeleteFirst, a missing table FailedLookup, unmapping a table needs its only capability and
 * clears it. Every removal is followed by a guest TLB flush before the guest runs again.
 */
#include <arch/object/asid.h>
#include <arch/object/guest_paging.h>
#include <arch/virt/virt.h>
#include <kernel/string.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

#define GUEST_PHYS_LIMIT BIT(GUEST_PHYS_BITS)

/* The level of the entry that points to a structure of this capability type. */
static unsigned guest_table_shift(cap_type_t type)
{
    switch (type) {
    case CAP_EPT_PDPT:
        return PML4_INDEX_SHIFT;
    case CAP_EPT_PD:
        return PDPT_INDEX_SHIFT;
    default:
        return PD_INDEX_SHIFT;
    }
}

void guest_table_unmap(cap_t *cap)
{
    arch_cap_table_t *table = &cap->u.table;
    paddr_t root;

    if (table->mapped_asid == ASID_INVALID) {
        return;
    }
    root = asid_find_guest_root(table->mapped_asid);
    if (root != 0) {
        unsigned shift = guest_table_shift(cap->type);
        word_t bits_left;
        pte_t *entry = guest_lookup_entry(root, table->mapped_vaddr, shift, &bits_left);
        if (entry != NULL && guest_entry_present(*entry) && !guest_entry_is_page(*entry, shift) &&
            pte_table_address(*entry) == table->paddr) {
            *entry = 0;
            guest_root_flush(root);
        }
    }
    table->mapped_asid = ASID_INVALID;
    table->mapped_vaddr = 0;
}

static void invoke_guest_table_map(cte_t *slot, pte_t *entry, asid_t asid, word_t gpa)
{
    *entry = guest_table_entry(slot->cap.u.table.paddr);
    slot->cap.u.table.mapped_asid = asid;
    slot->cap.u.table.mapped_vaddr = gpa;
}

static void invoke_guest_table_unmap(cte_t *slot)
{
    guest_table_unmap(&slot->cap);
    memzero_words(paging_table(slot->cap.u.table.paddr), BIT(seL4_PageTableBits));
}

/* The entry a map call writes at `shift` for gpa, through a live root (C0); NULL with *error set
 * when there is none. */
static pte_t *decode_guest_entry(invocation_t *inv, word_t gpa, unsigned shift, asid_t *asid,
                                 seL4_Error *error)
{
    word_t bits_left = 0;
    paddr_t root;
    pte_t *entry;

    *error = guest_decode_root(inv_extra_cap(inv, 0), 1, &root, asid);
    if (*error != seL4_NoError) {
        return NULL;
    }
    if (gpa >= GUEST_PHYS_LIMIT) {
        *error = error_invalid_argument(0);
        return NULL;
    }
    entry = guest_lookup_entry(root, gpa, shift, &bits_left);
    if (entry == NULL) {
        *error = error_failed_lookup(false, lookup_fault_missing_capability(bits_left));
    }
    return entry;
}

static seL4_Error decode_guest_table_map(invocation_t *inv, cap_t cap, cte_t *slot)
{
    unsigned shift = guest_table_shift(cap.type);
    word_t gpa = ALIGN_DOWN(inv_arg(inv, 0), shift);
    asid_t asid;
    pte_t *entry;
    seL4_Error error;

    if (inv->length < 2 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (cap.u.table.mapped_asid != ASID_INVALID) {
        return error_invalid_capability(0);
    }
    entry = decode_guest_entry(inv, gpa, shift, &asid, &error);
    if (entry == NULL) {
        return error;
    }
    if (guest_entry_present(*entry)) {
        return error_simple(seL4_DeleteFirst);
    }
    invoke_guest_table_map(slot, entry, asid, gpa);
    return seL4_NoError;
}

static cap_type_t guest_table_label_type(word_t label)
{
    switch (label) {
    case X86EPTPDPTMap:
    case X86EPTPDPTUnmap:
        return CAP_EPT_PDPT;
    case X86EPTPDMap:
    case X86EPTPDUnmap:
        return CAP_EPT_PD;
    case X86EPTPTMap:
    case X86EPTPTUnmap:
        return CAP_EPT_PT;
    default:
        return CAP_NULL;
    }
}

seL4_Error guest_table_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    if (guest_table_label_type(inv->label) != cap.type) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->label == X86EPTPDPTMap || inv->label == X86EPTPDMap || inv->label == X86EPTPTMap) {
        return decode_guest_table_map(inv, cap, slot);
    }
    if (!cte_is_final(slot)) {
        return error_simple(seL4_RevokeFirst);
    }
    invoke_guest_table_unmap(slot);
    return seL4_NoError;
}

static unsigned guest_frame_shift(const arch_cap_frame_t *frame)
{
    return frame->size_bits == seL4_LargePageBits ? PD_INDEX_SHIFT : PT_INDEX_SHIFT;
}

/* Whether a live entry is this frame's mapping (as frame.c's check, in the guest format). */
static bool guest_entry_maps_frame(pte_t entry, const arch_cap_frame_t *frame)
{
    unsigned shift = guest_frame_shift(frame);

    return guest_entry_present(entry) && guest_entry_is_page(entry, shift) &&
           pte_page_address(entry, shift) == frame->paddr;
}

void guest_frame_unmap(cap_t *cap)
{
    arch_cap_frame_t *frame = &cap->u.frame;
    paddr_t root = asid_find_guest_root(frame->mapped_asid);

    if (root != 0) {
        word_t bits_left;
        pte_t *entry =
                guest_lookup_entry(root, frame->mapped_vaddr, guest_frame_shift(frame), &bits_left);
        if (entry != NULL && guest_entry_maps_frame(*entry, frame)) {
            *entry = 0;
            guest_root_flush(root);
        }
    }
    frame->mapped_asid = ASID_INVALID;
    frame->mapped_vaddr = 0;
    frame->mapped_guest = false;
}

static void invoke_guest_frame_map(cte_t *slot, pte_t *entry, pte_t value, asid_t asid, word_t gpa,
                                   bool remap)
{
    *entry = value;
    if (remap) {
        guest_root_flush(asid_find_guest_root(asid));
    }
    slot->cap.u.frame.mapped_asid = asid;
    slot->cap.u.frame.mapped_vaddr = gpa;
    slot->cap.u.frame.mapped_guest = true;
}

/* X86PageMapEPT: MR0 guest-physical address, MR1 rights, MR2 attributes; C0 the root. */
seL4_Error guest_frame_decode_map(invocation_t *inv, cap_t cap, cte_t *slot)
{
    const arch_cap_frame_t *frame = &cap.u.frame;
    word_t gpa = inv_arg(inv, 0);
    unsigned rights =
            frame->rights & (unsigned)inv_arg(inv, 1) & (CAP_RIGHT_READ | CAP_RIGHT_WRITE);
    bool large = frame->size_bits == seL4_LargePageBits;
    bool remap = frame->mapped_asid != ASID_INVALID;
    asid_t asid;
    pte_t *entry;
    seL4_Error error;

    if (inv->length < 3 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (remap && !frame->mapped_guest) {
        return error_invalid_capability(0); /* mapped in a host VSpace */
    }
    if (large && virt_is_vmx() && !(virt()->api.flags & seL4_X86_Virt_EPTLargePages)) {
        return error_simple(seL4_IllegalOperation);
    }
    if ((rights & CAP_RIGHT_READ) == 0) {
        return error_invalid_argument(1); /* neither format has write-only pages */
    }
    if (!IS_ALIGNED(gpa, frame->size_bits)) {
        return error_simple(seL4_AlignmentError);
    }
    entry = decode_guest_entry(inv, gpa, guest_frame_shift(frame), &asid, &error);
    if (entry == NULL) {
        return error;
    }
    if (remap && (frame->mapped_asid != asid || frame->mapped_vaddr != gpa)) {
        return error_invalid_argument(0);
    }
    if (guest_entry_present(*entry) && (!remap || !guest_entry_maps_frame(*entry, frame))) {
        return error_simple(seL4_DeleteFirst);
    }
    invoke_guest_frame_map(slot, entry,
                           guest_page_entry(frame->paddr, rights, inv_arg(inv, 2), large), asid,
                           gpa, remap);
    return seL4_NoError;
}
