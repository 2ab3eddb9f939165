/*
 * x86-64 address-space invocations: mapping and unmapping frames and paging structures in a
 * VSpace (a PML4 assigned to an ASID pool), a frame's physical address, and ASID pools.
 */
#ifndef SEL4_CLIENT_X86_PAGING_H
#define SEL4_CLIENT_X86_PAGING_H

#include <sel4/client_invoke.h>

static inline seL4_Error seL4_X64_MapStructure(seL4_CPtr service, seL4_Word label, seL4_CPtr vspace,
                                               seL4_Word vaddr, seL4_Word attr)
{
    seL4_Word mr[4] = {vaddr, attr, 0, 0};

    seL4_SetCap(0, vspace);
    return seL4_X64_Invoke(service, label, 1, 2, mr);
}

static inline seL4_Error seL4_X64_NoArgs(seL4_CPtr service, seL4_Word label)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    return seL4_X64_Invoke(service, label, 0, 0, mr);
}

static inline seL4_Error seL4_X86_PDPT_Map(seL4_X86_PDPT service, seL4_X64_PML4 vspace,
                                           seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    return seL4_X64_MapStructure(service, X86PDPTMap, vspace, vaddr, attr);
}

static inline seL4_Error seL4_X86_PDPT_Unmap(seL4_X86_PDPT service)
{
    return seL4_X64_NoArgs(service, X86PDPTUnmap);
}

static inline seL4_Error seL4_X86_PageDirectory_Map(seL4_X86_PageDirectory service,
                                                    seL4_X64_PML4 vspace, seL4_Word vaddr,
                                                    seL4_X86_VMAttributes attr)
{
    return seL4_X64_MapStructure(service, X86PageDirectoryMap, vspace, vaddr, attr);
}

static inline seL4_Error seL4_X86_PageDirectory_Unmap(seL4_X86_PageDirectory service)
{
    return seL4_X64_NoArgs(service, X86PageDirectoryUnmap);
}

static inline seL4_Error seL4_X86_PageTable_Map(seL4_X86_PageTable service, seL4_X64_PML4 vspace,
                                                seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    return seL4_X64_MapStructure(service, X86PageTableMap, vspace, vaddr, attr);
}

static inline seL4_Error seL4_X86_PageTable_Unmap(seL4_X86_PageTable service)
{
    return seL4_X64_NoArgs(service, X86PageTableUnmap);
}

static inline seL4_Error seL4_X86_Page_Map(seL4_X86_Page service, seL4_X64_PML4 vspace,
                                           seL4_Word vaddr, seL4_CapRights_t rights,
                                           seL4_X86_VMAttributes attr)
{
    seL4_Word mr[4] = {vaddr, rights.words[0], attr, 0};

    seL4_SetCap(0, vspace);
    return seL4_X64_Invoke(service, X86PageMap, 1, 3, mr);
}

static inline seL4_Error seL4_X86_Page_Unmap(seL4_X86_Page service)
{
    return seL4_X64_NoArgs(service, X86PageUnmap);
}

typedef struct seL4_X86_Page_GetAddress {
    int error;
    seL4_Word paddr;
} seL4_X86_Page_GetAddress_t;

static inline seL4_X86_Page_GetAddress_t seL4_X86_Page_GetAddress(seL4_X86_Page service)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_X86_Page_GetAddress_t result;

    result.error = seL4_X64_Invoke(service, X86PageGetAddress, 0, 0, mr);
    result.paddr = result.error == seL4_NoError ? mr[0] : 0;
    return result;
}

/* Makes an ASID pool from an untyped of exactly 2^seL4_ASIDPoolBits bytes. */
static inline seL4_Error seL4_X86_ASIDControl_MakePool(seL4_X86_ASIDControl service,
                                                       seL4_Untyped untyped, seL4_CNode root,
                                                       seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[4] = {index, depth, 0, 0};

    seL4_SetCap(0, untyped);
    seL4_SetCap(1, root);
    return seL4_X64_Invoke(service, X86ASIDControlMakePool, 2, 2, mr);
}

static inline seL4_Error seL4_X86_ASIDPool_Assign(seL4_X86_ASIDPool service, seL4_CPtr vspace)
{
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_SetCap(0, vspace);
    return seL4_X64_Invoke(service, X86ASIDPoolAssign, 1, 0, mr);
}

#endif
