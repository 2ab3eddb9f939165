/*
 * Guest-physical address spaces: EPT PML4/PDPT/PD/PT objects (seL4's names) whose entries are
 * EPT entries on VMX (Intel SDM Vol. 3C 29.3.2) and nested page-table entries, the host's own
 * 4-level format with U/S set (AMD APM Vol. 2 15.25), on SVM. A guest reaches exactly the frames
 * its VMM mapped here by capability; the kernel's window is never in a guest-physical root.
 */
#ifndef ARCH_OBJECT_EPT_H
#define ARCH_OBJECT_EPT_H

#include <arch/object/paging.h>
#include <kernel/invocation_context.h>
#include <kernel/tcb.h>

/* Guest-physical addresses a 4-level walk translates. */
#define GUEST_PHYS_BITS 48

/* EPT entry bits (SDM 29.3.2): read, write, execute, memory type (leaves), large page. */
#define EPT_READ          BIT(0)
#define EPT_WRITE         BIT(1)
#define EPT_EXECUTE       BIT(2)
#define EPT_RWX           (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_UC    0ull
#define EPT_MEMTYPE_WC    1ull
#define EPT_MEMTYPE_WT    4ull
#define EPT_MEMTYPE_WB    6ull
#define EPT_LARGE         BIT(7)

/* The EPT pointer of a root (SDM 25.6.11): write-back tables, a 4-level walk. */
static inline uint64_t ept_pointer(paddr_t root)
{
    return root | ((4ull - 1) << 3) | EPT_MEMTYPE_WB;
}

/* The root the thread's guest runs in (its TCB's EPT-root slot, still live), or 0. */
paddr_t guest_root_of_thread(tcb_t *tcb);

/* Guest translations through root may be stale (an entry was removed, or the root is going):
 * VMX INVEPT now; SVM, a flush of every ASID before the next VMRUN. */
void guest_root_flush(paddr_t root);

/* Unmap what a guest-physical table or frame capability maps (stale mappings are ignored). */
void guest_table_unmap(cap_t *cap);
void guest_frame_unmap(cap_t *cap);

/* Invocations: X86EPTPDPTMap/Unmap, X86EPTPDMap/Unmap, X86EPTPTMap/Unmap on the tables;
 * X86PageMapEPT on a frame. */
seL4_Error guest_table_decode(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error guest_frame_decode_map(invocation_t *inv, cap_t cap, cte_t *slot);

#endif
