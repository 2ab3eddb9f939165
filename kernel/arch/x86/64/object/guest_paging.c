/*
 * Guest-physical page tables: the two entry formats behind one set of accessors, the walk, the
 * live-root check and TLB maintenance. EPT entries (Intel SDM Vol. 3C 29.3.2) have R/W/X and a
 * memory type; nested page-table entries (AMD APM Vol. 2 15.25.5) are host-format entries with
 * U/S set, since the CPU treats every guest access as a user access to them.
 */
#include <arch/kernel_window.h>
#include <arch/object/asid.h>
#include <arch/object/guest_paging.h>
#include <arch/object/vspace.h>
#include <arch/virt/guest_tag.h>
#include <arch/virt/virt.h>
#include <arch/virt/vmx_insn.h>
#include <kernel/syscall_error.h>

bool guest_entry_present(pte_t entry)
{
    return virt_is_vmx() ? (entry & EPT_RWX) != 0 : (entry & PTE_PRESENT) != 0;
}

pte_t guest_table_entry(paddr_t table)
{
    /* Rights are decided at the leaf. */
    return table | (virt_is_vmx() ? EPT_RWX : PTE_PRESENT | PTE_WRITE | PTE_USER);
}

/* EPT memory types for seL4's cache attributes; EPT has no UC-, so it is UC. */
static pte_t ept_memory_type(word_t attributes)
{
    switch (attributes & 0xff) {
    case seL4_X86_WriteThrough:
        return EPT_MEMTYPE_WT << EPT_MEMTYPE_SHIFT;
    case seL4_X86_CacheDisabled:
    case seL4_X86_Uncacheable:
        return EPT_MEMTYPE_UC << EPT_MEMTYPE_SHIFT;
    case seL4_X86_WriteCombining:
        return EPT_MEMTYPE_WC << EPT_MEMTYPE_SHIFT;
    default:
        return EPT_MEMTYPE_WB << EPT_MEMTYPE_SHIFT;
    }
}

pte_t guest_page_entry(paddr_t frame, unsigned rights, word_t attributes, bool large)
{
    bool executable = (attributes & seL4_X86_ExecuteNever) == 0;
    pte_t entry = frame;

    if (!virt_is_vmx()) {
        /* The host's format, as frame_pte_bits makes it for a user mapping. */
        return frame | frame_pte_bits(rights, attributes, large);
    }
    entry |= EPT_READ | ept_memory_type(attributes);
    entry |= (rights & CAP_RIGHT_WRITE) ? EPT_WRITE : 0;
    entry |= executable ? EPT_EXECUTE : 0;
    entry |= large ? EPT_LARGE : 0;
    return entry;
}

bool guest_entry_is_page(pte_t entry, unsigned shift)
{
    /* Bit 7 is PS in both formats at the PD and PDPT levels (EPT's "large page"). */
    return pte_is_page(entry, shift);
}

pte_t *guest_lookup_entry(paddr_t root, word_t gpa, unsigned shift, word_t *bits_left)
{
    pte_t *table = paging_table(root);

    for (unsigned level = PML4_INDEX_SHIFT;; level -= PAGING_INDEX_BITS) {
        pte_t *entry = &table[paging_index(gpa, level)];
        if (level == shift) {
            return entry;
        }
        if (!guest_entry_present(*entry) || guest_entry_is_page(*entry, level)) {
            *bits_left = level;
            return NULL;
        }
        table = paging_table(pte_table_address(*entry));
    }
}

seL4_Error guest_decode_root(cap_t root, unsigned cap_index, paddr_t *paddr, asid_t *asid)
{
    paddr_t found;

    if (root.type != CAP_EPT_PML4 || root.u.pml4.asid == ASID_INVALID) {
        return error_invalid_capability(cap_index);
    }
    found = asid_find_guest_root(root.u.pml4.asid);
    if (found == 0) {
        return error_failed_lookup(false, lookup_fault_invalid_root());
    }
    if (found != root.u.pml4.paddr) {
        return error_invalid_capability(cap_index);
    }
    *paddr = found;
    *asid = root.u.pml4.asid;
    return seL4_NoError;
}

paddr_t guest_root_of_thread(tcb_t *tcb)
{
    cap_t cap = tcb_slot(tcb, TCB_SLOT_EPT_ROOT)->cap;

    if (cap.type != CAP_EPT_PML4 || cap.u.pml4.asid == ASID_INVALID ||
        asid_find_guest_root(cap.u.pml4.asid) != cap.u.pml4.paddr) {
        return 0;
    }
    return cap.u.pml4.paddr;
}

bool arch_is_valid_guest_root(cap_t cap)
{
    return cap.type == CAP_EPT_PML4 && cap.u.pml4.asid != ASID_INVALID;
}

void guest_root_flush(paddr_t root)
{
    if (virt_is_vmx()) {
        /* Guest-physical and combined mappings of this root, for every VPID (SDM 29.4.3.1). */
        if (virt()->invept_single) {
            vmx_invept(INVEPT_SINGLE_CONTEXT, ept_pointer(root));
        } else {
            vmx_invept(INVEPT_ALL_CONTEXT, 0);
        }
    } else {
        guest_tags_flush_all();
    }
}
