/*
 * The x86-64 object types: frames, paging structures, VCPUs and guest-physical structures
 * (creation and sizes) and the dispatch of their invocations. VCPUs and guest-physical
 * structures exist only where the boot found VMX or SVM usable (arch/virt/virt.h).
 */
#include <arch/object/asid.h>
#include <arch/object/ept.h>
#include <arch/object/ioport.h>
#include <arch/object/vcpu.h>
#include <arch/object/vspace.h>
#include <arch/virt/virt.h>
#include <kernel/arch_object.h>
#include <kernel/memory.h>
#include <kernel/string.h>
#include <kernel/syscall_error.h>

bool arch_object_type_valid(word_t type)
{
    switch (type) {
    case seL4_X86_4K:
    case seL4_X86_LargePageObject:
    case seL4_X86_PageTableObject:
    case seL4_X86_PageDirectoryObject:
    case seL4_X86_PDPTObject:
    case seL4_X64_PML4Object:
        return true;
    case seL4_X86_VCPUObject:
    case seL4_X86_EPTPML4Object:
    case seL4_X86_EPTPDPTObject:
    case seL4_X86_EPTPDObject:
    case seL4_X86_EPTPTObject:
        return virt_present();
    default:
        return false;
    }
}

static cap_type_t guest_table_cap_type(word_t type)
{
    switch (type) {
    case seL4_X86_EPTPDPTObject:
        return CAP_EPT_PDPT;
    case seL4_X86_EPTPDObject:
        return CAP_EPT_PD;
    default:
        return CAP_EPT_PT;
    }
}

bool arch_object_type_is_frame(word_t type)
{
    return type == seL4_X86_4K || type == seL4_X86_LargePageObject;
}

cap_t arch_create_object(word_t type, paddr_t paddr, bool is_device)
{
    cap_t cap = cap_null();

    switch (type) {
    case seL4_X86_4K:
    case seL4_X86_LargePageObject:
        cap.type = CAP_FRAME;
        cap.u.frame.paddr = paddr;
        cap.u.frame.size_bits = (uint8_t)seL4_ObjectSizeBits(type, 0);
        cap.u.frame.rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE;
        cap.u.frame.is_device = is_device;
        if (!is_device) {
            memzero_words(paddr_to_kptr(paddr), BIT(cap.u.frame.size_bits));
        }
        break;
    case seL4_X86_PageTableObject:
    case seL4_X86_PageDirectoryObject:
    case seL4_X86_PDPTObject:
        cap.type = type == seL4_X86_PageTableObject       ? CAP_PAGE_TABLE
                   : type == seL4_X86_PageDirectoryObject ? CAP_PAGE_DIRECTORY
                                                          : CAP_PDPT;
        cap.u.table.paddr = paddr;
        memzero_words(paddr_to_kptr(paddr), BIT(seL4_PageTableBits));
        break;
    case seL4_X64_PML4Object:
        cap.type = CAP_PML4;
        cap.u.pml4.paddr = paddr;
        vspace_init_pml4(paddr);
        break;
    case seL4_X86_EPTPML4Object: /* no kernel window: a guest-physical root is all the guest's */
        cap.type = CAP_EPT_PML4;
        cap.u.pml4.paddr = paddr;
        memzero_words(paddr_to_kptr(paddr), BIT(seL4_PageTableBits));
        break;
    case seL4_X86_EPTPDPTObject:
    case seL4_X86_EPTPDObject:
    case seL4_X86_EPTPTObject:
        cap.type = guest_table_cap_type(type);
        cap.u.table.paddr = paddr;
        memzero_words(paddr_to_kptr(paddr), BIT(seL4_PageTableBits));
        break;
    case seL4_X86_VCPUObject:
        cap.type = CAP_VCPU;
        cap.u.vcpu.paddr = paddr;
        vcpu_create(paddr);
        break;
    default:
        break;
    }
    return cap;
}

seL4_Error arch_decode_invocation(invocation_t *inv, cap_t cap, cte_t *slot)
{
    switch (cap.type) {
    case CAP_FRAME:
        return frame_decode(inv, cap, slot);
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
    case CAP_PDPT:
        return table_decode(inv, cap, slot);
    case CAP_ASID_CONTROL:
        return asid_control_decode(inv, slot);
    case CAP_ASID_POOL:
        return asid_pool_decode(inv, cap);
    case CAP_IO_PORT_CONTROL:
        return ioport_control_decode(inv, slot);
    case CAP_IO_PORT:
        return ioport_decode(inv, cap);
    case CAP_VCPU:
        return vcpu_decode(inv, cap, slot);
    case CAP_EPT_PDPT:
    case CAP_EPT_PD:
    case CAP_EPT_PT:
        return guest_table_decode(inv, cap, slot);
    default: /* PML4, EPT PML4: no invocations */
        return error_simple(seL4_IllegalOperation);
    }
}
