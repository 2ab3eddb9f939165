/*
 * The derivation-tree rules, derivation, rights masking and finalisation of the x86-64
 * capability types (frames, paging structures, guest-physical structures, ASID control and
 * pools, I/O ports, VCPUs).
 */
#include <arch/object/asid.h>
#include <arch/object/ept.h>
#include <arch/object/ioport.h>
#include <arch/object/vcpu.h>
#include <arch/object/vspace.h>
#include <kernel/arch_object.h>
#include <kernel/memory.h>
#include <kernel/syscall_error.h>

bool arch_physical_region(cap_t cap, paddr_t *base, word_t *size)
{
    switch (cap.type) {
    case CAP_FRAME:
        *base = cap.u.frame.paddr;
        *size = BIT(cap.u.frame.size_bits);
        return true;
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
    case CAP_PDPT:
    case CAP_EPT_PDPT:
    case CAP_EPT_PD:
    case CAP_EPT_PT:
        *base = cap.u.table.paddr;
        *size = BIT(seL4_PageTableBits);
        return true;
    case CAP_PML4:
    case CAP_EPT_PML4:
        *base = cap.u.pml4.paddr;
        *size = BIT(seL4_PML4Bits);
        return true;
    case CAP_VCPU:
        *base = cap.u.vcpu.paddr;
        *size = BIT(seL4_VCPUBits);
        return true;
    case CAP_ASID_POOL:
        *base = kptr_to_paddr(cap.u.asid_pool.pool);
        *size = BIT(seL4_ASIDPoolBits);
        return true;
    default:
        return false;
    }
}

bool arch_same_region_as(cap_t a, cap_t b)
{
    switch (a.type) {
    case CAP_FRAME:
        if (b.type != CAP_FRAME) {
            return false;
        }
        return a.u.frame.paddr <= b.u.frame.paddr &&
               b.u.frame.paddr + BIT(b.u.frame.size_bits) <=
                       a.u.frame.paddr + BIT(a.u.frame.size_bits);
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
    case CAP_PDPT:
    case CAP_EPT_PDPT:
    case CAP_EPT_PD:
    case CAP_EPT_PT:
        return b.type == a.type && a.u.table.paddr == b.u.table.paddr;
    case CAP_PML4:
    case CAP_EPT_PML4:
        return b.type == a.type && a.u.pml4.paddr == b.u.pml4.paddr;
    case CAP_VCPU:
        return b.type == CAP_VCPU && a.u.vcpu.paddr == b.u.vcpu.paddr;
    case CAP_ASID_CONTROL:
        return b.type == CAP_ASID_CONTROL;
    case CAP_ASID_POOL:
        return b.type == CAP_ASID_POOL && a.u.asid_pool.pool == b.u.asid_pool.pool;
    case CAP_IO_PORT_CONTROL:
        return b.type == CAP_IO_PORT_CONTROL || b.type == CAP_IO_PORT;
    case CAP_IO_PORT:
        return b.type == CAP_IO_PORT && a.u.io_port.first_port == b.u.io_port.first_port &&
               a.u.io_port.last_port == b.u.io_port.last_port;
    default:
        return false;
    }
}

bool arch_same_object_as(cap_t a, cap_t b)
{
    if (a.type == CAP_FRAME && b.type == CAP_FRAME) {
        return a.u.frame.paddr == b.u.frame.paddr && a.u.frame.size_bits == b.u.frame.size_bits &&
               a.u.frame.is_device == b.u.frame.is_device;
    }
    if (a.type == CAP_IO_PORT_CONTROL && b.type == CAP_IO_PORT) {
        return false;
    }
    return arch_same_region_as(a, b);
}

bool arch_is_revocable(cap_t derived, cap_t src)
{
    return derived.type == CAP_IO_PORT && src.type == CAP_IO_PORT_CONTROL;
}

cap_t arch_mask_rights(unsigned rights, cap_t cap)
{
    if (cap.type == CAP_FRAME) {
        unsigned masked = cap.u.frame.rights & rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE);
        cap.u.frame.rights = (uint8_t)((masked & CAP_RIGHT_READ) ? masked : 0);
    }
    return cap;
}

seL4_Error arch_derive_cap(cte_t *slot, cap_t cap, cap_t *derived)
{
    (void)slot;
    *derived = cap;
    switch (cap.type) {
    case CAP_FRAME:
        derived->u.frame.mapped_asid = ASID_INVALID;
        derived->u.frame.mapped_vaddr = 0;
        derived->u.frame.mapped_guest = false;
        return seL4_NoError;
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
    case CAP_PDPT:
    case CAP_EPT_PDPT:
    case CAP_EPT_PD:
    case CAP_EPT_PT:
        if (cap.u.table.mapped_asid == ASID_INVALID) {
            *derived = cap_null();
            return error_simple(seL4_IllegalOperation);
        }
        return seL4_NoError;
    case CAP_IO_PORT:
        /* The copy opened no ports to a guest; only the capability that did closes them. */
        derived->u.io_port.guest_vcpu = 0;
        return seL4_NoError;
    case CAP_PML4:
    case CAP_EPT_PML4:
        if (cap.u.pml4.asid == ASID_INVALID) {
            *derived = cap_null();
            return error_simple(seL4_IllegalOperation);
        }
        return seL4_NoError;
    case CAP_IO_PORT_CONTROL:
        *derived = cap_null();
        return seL4_NoError;
    default:
        return seL4_NoError;
    }
}

void arch_finalise_cap(cap_t cap, bool final)
{
    switch (cap.type) {
    case CAP_FRAME:
        frame_unmap(&cap);
        break;
    case CAP_PAGE_TABLE:
    case CAP_PAGE_DIRECTORY:
    case CAP_PDPT:
        if (final) {
            table_unmap(&cap);
        }
        break;
    case CAP_EPT_PDPT:
    case CAP_EPT_PD:
    case CAP_EPT_PT:
        if (final) {
            guest_table_unmap(&cap);
        }
        break;
    case CAP_PML4:
        if (final && cap.u.pml4.asid != ASID_INVALID) {
            asid_delete_vspace(cap.u.pml4.asid, cap.u.pml4.paddr);
        }
        break;
    case CAP_EPT_PML4:
        if (final && cap.u.pml4.asid != ASID_INVALID) {
            asid_delete_guest_root(cap.u.pml4.asid, cap.u.pml4.paddr);
        }
        break;
    case CAP_VCPU:
        if (final) {
            vcpu_finalise(vcpu_from_paddr(cap.u.vcpu.paddr));
        }
        break;
    case CAP_ASID_POOL:
        if (final) {
            asid_delete_pool(cap.u.asid_pool.asid_base, cap.u.asid_pool.pool);
        }
        break;
    case CAP_IO_PORT:
        vcpu_ioport_revoke(&cap.u.io_port);
        if (final) {
            ioport_release(cap.u.io_port.first_port, cap.u.io_port.last_port);
        }
        break;
    default:
        break;
    }
}
