/*
 * Frame invocations: Map (or remap with new rights at the same address), MapEPT (into a
 * guest-physical space: object/ept.c), Unmap, GetAddress. Each frame capability maps its frame
 * at most once, in a VSpace or a guest-physical space; the capability records where.
 */
#include <arch/kernel_window.h>
#include <arch/object/asid.h>
#include <arch/object/ept.h>
#include <arch/object/vspace.h>
#include <arch/virt/virt.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

/* PAT entries programmed at boot (arch/kernel/cpu_init.c): index = PAT bit, PCD, PWT. */
static pte_t cache_bits(word_t attributes, bool large)
{
    pte_t pat = large ? PTE_PAT_LARGE : PTE_PAT_4K;

    switch (attributes & 0xff) {
    case seL4_X86_WriteThrough:
        return PTE_PWT;
    case seL4_X86_CacheDisabled:
        return PTE_PCD;
    case seL4_X86_Uncacheable:
        return PTE_PCD | PTE_PWT;
    case seL4_X86_WriteCombining:
        return pat;
    default:
        return 0;
    }
}

pte_t frame_pte_bits(unsigned rights, word_t attributes, bool large)
{
    pte_t bits = PTE_PRESENT | cache_bits(attributes, large);

    if (rights & CAP_RIGHT_READ) {
        bits |= PTE_USER;
        if (rights & CAP_RIGHT_WRITE) {
            bits |= PTE_WRITE;
        }
    }
    if ((attributes & seL4_X86_ExecuteNever) && kernel_window_nx_enabled()) {
        bits |= PTE_NX;
    }
    if (large) {
        bits |= PTE_LARGE;
    }
    return bits;
}

/* Rights of a mapping: the capability's, masked by the request; without read, none at all
 * (x86 has no write-only pages), which maps the frame for the kernel only. */
static unsigned frame_mapping_rights(unsigned cap_rights, word_t requested)
{
    unsigned rights = cap_rights & (unsigned)requested & (CAP_RIGHT_READ | CAP_RIGHT_WRITE);
    return (rights & CAP_RIGHT_READ) ? rights : 0;
}

static unsigned frame_level_shift(const arch_cap_frame_t *frame)
{
    return frame->size_bits == seL4_LargePageBits ? PD_INDEX_SHIFT : PT_INDEX_SHIFT;
}

/*
 * Whether a live entry is this frame's mapping: a page of the frame's size at the frame's
 * address. The comparison goes through the level-aware accessors: the PAT bit of a
 * write-combining page sits at bit 7 (4 KiB) or bit 12 (2 MiB), inside what a plain address
 * mask or a PS test would take for address or size.
 */
static bool frame_entry_is_mapping(pte_t entry, const arch_cap_frame_t *frame)
{
    unsigned shift = frame_level_shift(frame);

    return pte_is_present(entry) && pte_is_page(entry, shift) &&
           pte_page_address(entry, shift) == frame->paddr;
}

void frame_unmap(cap_t *cap)
{
    arch_cap_frame_t *frame = &cap->u.frame;
    paddr_t pml4;
    word_t bits_left;

    if (frame->mapped_asid == ASID_INVALID) {
        return;
    }
    if (frame->mapped_guest) {
        guest_frame_unmap(cap);
        return;
    }
    pml4 = asid_find_vspace(frame->mapped_asid);
    if (pml4 != 0) {
        pte_t *entry = vspace_lookup_entry(pml4, frame->mapped_vaddr, frame_level_shift(frame),
                                           &bits_left);
        if (entry != NULL && frame_entry_is_mapping(*entry, frame)) {
            *entry = 0;
            vspace_flush_page(pml4, frame->mapped_vaddr);
        }
    }
    frame->mapped_asid = ASID_INVALID;
    frame->mapped_vaddr = 0;
}

static void invoke_frame_map(cte_t *slot, pte_t *entry, pte_t value, paddr_t pml4, asid_t asid,
                             vaddr_t vaddr, bool remap)
{
    *entry = value;
    if (remap) {
        vspace_flush_page(pml4, vaddr);
    }
    slot->cap.u.frame.mapped_asid = asid;
    slot->cap.u.frame.mapped_vaddr = vaddr;
}

static seL4_Error decode_frame_map(invocation_t *inv, cap_t cap, cte_t *slot)
{
    const arch_cap_frame_t *frame = &cap.u.frame;
    vaddr_t vaddr = inv_arg(inv, 0);
    word_t attributes = inv_arg(inv, 2);
    bool large = frame->size_bits == seL4_LargePageBits;
    bool remap = frame->mapped_asid != ASID_INVALID;
    paddr_t pml4;
    asid_t asid;
    pte_t *entry;
    seL4_Error error;

    if (inv->length < 3 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (frame->mapped_guest) {
        return error_invalid_capability(0); /* mapped in a guest-physical space */
    }
    error = vspace_decode_root(inv_extra_cap(inv, 0), 1, &pml4, &asid);
    if (error != seL4_NoError) {
        return error;
    }
    if (remap) {
        if (frame->mapped_asid != asid) {
            return error_invalid_capability(1);
        }
        if (frame->mapped_vaddr != vaddr) {
            return error_invalid_argument(0);
        }
    } else if (!vspace_user_range_valid(vaddr, BIT(frame->size_bits))) {
        return error_invalid_argument(0);
    }
    if (!IS_ALIGNED(vaddr, frame->size_bits)) {
        return error_simple(seL4_AlignmentError);
    }
    error = vspace_decode_entry(pml4, vaddr, frame_level_shift(frame), &entry);
    if (error != seL4_NoError) {
        return error;
    }
    if (pte_is_present(*entry) && (!remap || !frame_entry_is_mapping(*entry, frame))) {
        return error_simple(seL4_DeleteFirst);
    }
    unsigned rights = frame_mapping_rights(frame->rights, inv_arg(inv, 1));
    invoke_frame_map(slot, entry, frame->paddr | frame_pte_bits(rights, attributes, large), pml4,
                     asid, vaddr, remap);
    return seL4_NoError;
}

seL4_Error frame_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    switch (inv->label) {
    case X86PageMap:
        return decode_frame_map(inv, cap, slot);
    case X86PageMapEPT:
        if (!virt_present()) {
            return error_simple(seL4_IllegalOperation);
        }
        return guest_frame_decode_map(inv, cap, slot);
    case X86PageUnmap:
        frame_unmap(&slot->cap);
        return seL4_NoError;
    case X86PageGetAddress:
        inv_reply(inv, 0, cap.u.frame.paddr);
        return seL4_NoError;
    default:
        return error_simple(seL4_IllegalOperation);
    }
}
