/*
 * Object types that Untyped_Retype creates, and the capability type numbers reported by
 * seL4_DebugCapIdentify.
 */
#ifndef SEL4_OBJECTTYPES_H
#define SEL4_OBJECTTYPES_H

#include <sel4/types.h>

typedef enum {
    seL4_UntypedObject = 0,
    seL4_TCBObject,
    seL4_EndpointObject,
    seL4_NotificationObject,
    seL4_CapTableObject,
    seL4_X86_4K,
    seL4_X86_LargePageObject, /* 2 MiB */
    seL4_X86_PageTableObject,
    seL4_X86_PageDirectoryObject,
    seL4_X86_PDPTObject,
    seL4_X64_PML4Object,
    seL4_X86_VCPUObject,
    seL4_X86_EPTPML4Object,
    seL4_X86_EPTPDPTObject,
    seL4_X86_EPTPDObject,
    seL4_X86_EPTPTObject,
    seL4_ObjectTypeCount
} seL4_ObjectType;

/* Capability types as seen by seL4_DebugCapIdentify (0: empty slot). */
typedef enum {
    seL4_CapType_Null = 0,
    seL4_CapType_Untyped,
    seL4_CapType_Endpoint,
    seL4_CapType_Notification,
    seL4_CapType_Reply,
    seL4_CapType_CNode,
    seL4_CapType_Thread,
    seL4_CapType_IRQControl,
    seL4_CapType_IRQHandler,
    seL4_CapType_Zombie,
    seL4_CapType_Domain,
    seL4_CapType_Frame,
    seL4_CapType_PageTable,
    seL4_CapType_PageDirectory,
    seL4_CapType_PDPT,
    seL4_CapType_PML4,
    seL4_CapType_ASIDControl,
    seL4_CapType_ASIDPool,
    seL4_CapType_IOPortControl,
    seL4_CapType_IOPort,
    seL4_CapType_VCPU,
    seL4_CapType_EPTPML4,
    seL4_CapType_EPTPDPT,
    seL4_CapType_EPTPD,
    seL4_CapType_EPTPT,
    seL4_CapTypeCount
} seL4_CapType;

/* Memory attributes for mapping calls. */
typedef enum {
    seL4_X86_WriteBack = 0,
    seL4_X86_WriteThrough = 1,
    seL4_X86_CacheDisabled = 2,
    seL4_X86_Uncacheable = 3,
    seL4_X86_WriteCombining = 4,
    seL4_X86_ExecuteNever = 0x100, /* beaml4: may be or-ed into any of the above */
} seL4_X86_VMAttributes;

#define seL4_X86_Default_VMAttributes seL4_X86_WriteBack

/*
 * log2 of the bytes an object of this type takes (what Untyped_Retype carves out); size_bits is
 * the size argument of Untyped and CNode objects (a CNode of 2^size_bits slots). 0 for a value
 * that is no object type. The one definition the kernel and user-space allocators share.
 */
static inline seL4_Word seL4_ObjectSizeBits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return size_bits;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return size_bits + seL4_SlotBits;
    case seL4_X86_4K:
        return seL4_PageBits;
    case seL4_X86_LargePageObject:
        return seL4_LargePageBits;
    case seL4_X86_PageTableObject:
    case seL4_X86_PageDirectoryObject:
    case seL4_X86_PDPTObject:
    case seL4_X64_PML4Object:
    case seL4_X86_EPTPML4Object:
    case seL4_X86_EPTPDPTObject:
    case seL4_X86_EPTPDObject:
    case seL4_X86_EPTPTObject:
        return seL4_PageTableBits;
    case seL4_X86_VCPUObject:
        return seL4_VCPUBits;
    default:
        return 0;
    }
}

#endif
