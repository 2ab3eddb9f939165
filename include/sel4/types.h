/*
 * Basic types and sizes of the beaml4 kernel API. The names and meanings follow seL4's; the
 * values are beaml4's own (x86-64 only). This directory is the whole interface user space sees of
 * the kernel.
 */
#ifndef SEL4_TYPES_H
#define SEL4_TYPES_H

#include <stdint.h>

typedef uint8_t seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;
typedef uint64_t seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef int8_t seL4_Bool;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;

/* Capability kinds, as the API names them; all are slot addresses in a CSpace. */
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_SchedContext;
typedef seL4_CPtr seL4_SchedControl;
typedef seL4_CPtr seL4_X86_ASIDControl;
typedef seL4_CPtr seL4_X86_ASIDPool;
typedef seL4_CPtr seL4_X86_IOPortControl;
typedef seL4_CPtr seL4_X86_IOPort;
typedef seL4_CPtr seL4_X86_Page;
typedef seL4_CPtr seL4_X86_PageTable;
typedef seL4_CPtr seL4_X86_PageDirectory;
typedef seL4_CPtr seL4_X86_PDPT;
typedef seL4_CPtr seL4_X64_PML4;
typedef seL4_CPtr seL4_X86_VCPU;

#define seL4_True  1
#define seL4_False 0
#define seL4_Null  ((void *)0)

#define seL4_WordBits     64
#define seL4_WordSizeBits 3
#define seL4_UserTop      0x00007ffffffff000ull /* lower half; see docs for the upper half */

/* Object sizes (log2 bytes). */
#define seL4_SlotBits           6 /* one CNode slot */
#define seL4_TCBBits            11
#define seL4_EndpointBits       4
#define seL4_NotificationBits   5
#define seL4_ReplyBits          4
#define seL4_PageBits           12
#define seL4_LargePageBits      21
#define seL4_HugePageBits       30
#define seL4_PageTableBits      12
#define seL4_PageDirBits        12
#define seL4_PDPTBits           12
#define seL4_PML4Bits           12
#define seL4_VSpaceBits         seL4_PML4Bits
#define seL4_PageTableIndexBits 9
#define seL4_ASIDPoolBits       12
#define seL4_ASIDPoolIndexBits  9
#define seL4_NumASIDPoolsBits   3
#define seL4_VCPUBits           14
#define seL4_MinUntypedBits     4
#define seL4_MaxUntypedBits     47

/* IPC limits. */
#define seL4_MsgLengthBits        7
#define seL4_MsgMaxLength         120
#define seL4_MsgExtraCapBits      2
#define seL4_MsgMaxExtraCaps      ((1 << seL4_MsgExtraCapBits) - 1)
#define seL4_FastMessageRegisters 4

/* Scheduling. */
#define seL4_MinPrio 0
#define seL4_MaxPrio 255

/* Interrupt numbers handed to IRQControl_Get are ISA IRQs / GSIs: 0 .. seL4_MaxIRQ. */
#define seL4_MaxIRQ 191

/*
 * Message info: the first word of every message.
 *   bits 0..6   length (message registers used)
 *   bits 7..8   extraCaps (capabilities transferred)
 *   bits 9..11  capsUnwrapped (bit i set: extra cap i arrived as a badge, not a capability)
 *   bits 12..63 label
 */
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped,
                                                      seL4_Word extraCaps, seL4_Word length)
{
    seL4_MessageInfo_t info;
    info.words[0] = ((label & 0xfffffffffffffull) << 12) | ((capsUnwrapped & 0x7) << 9) |
                    ((extraCaps & 0x3) << 7) | (length & 0x7f);
    return info;
}

static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t info)
{
    return info.words[0] >> 12;
}

static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t info)
{
    return (info.words[0] >> 9) & 0x7;
}

static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t info)
{
    return (info.words[0] >> 7) & 0x3;
}

static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t info)
{
    return info.words[0] & 0x7f;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t info, seL4_Word v)
{
    info.words[0] = (info.words[0] & 0xfffull) | ((v & 0xfffffffffffffull) << 12);
    return info;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t info, seL4_Word v)
{
    info.words[0] = (info.words[0] & ~0x7full) | (v & 0x7f);
    return info;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t info,
                                                                seL4_Word v)
{
    info.words[0] = (info.words[0] & ~(0x3ull << 7)) | ((v & 0x3) << 7);
    return info;
}

/*
 * Capability rights: bit 0 write, bit 1 read, bit 2 grant, bit 3 grant-reply.
 * Endpoint: write = send, read = receive. Frame: read/write as mapped. Notification: write =
 * signal, read = wait. Grant allows transferring capabilities through an endpoint; grant-reply
 * allows the receiver of a Call to use the reply capability to pass capabilities back.
 */
typedef struct seL4_CapRights {
    seL4_Word words[1];
} seL4_CapRights_t;

#define seL4_CapRights_Write      0x1
#define seL4_CapRights_Read       0x2
#define seL4_CapRights_Grant      0x4
#define seL4_CapRights_GrantReply 0x8

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Word grantReply, seL4_Word grant,
                                                  seL4_Word read, seL4_Word write)
{
    seL4_CapRights_t rights;
    rights.words[0] =
            ((grantReply & 1) << 3) | ((grant & 1) << 2) | ((read & 1) << 1) | (write & 1);
    return rights;
}

#define seL4_AllRights     seL4_CapRights_new(1, 1, 1, 1)
#define seL4_CanRead       seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite      seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanGrant      seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_NoWrite       seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead        seL4_CapRights_new(1, 1, 0, 1)
#define seL4_NoRights      seL4_CapRights_new(0, 0, 0, 0)
#define seL4_ReadWrite     seL4_CapRights_new(0, 0, 1, 1)

/*
 * CNode cap data (the badge argument of Mint/Mutate when the source is a CNode): the guard.
 *   bits 0..5  guard size in bits
 *   bits 6..63 guard value (58 bits at most)
 */
static inline seL4_Word seL4_CNode_CapData_new(seL4_Word guard, seL4_Word guardSize)
{
    return ((guard & 0x3ffffffffffffffull) << 6) | (guardSize & 0x3f);
}

#endif
