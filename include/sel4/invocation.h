/*
 * Invocation labels and their message layouts. An invocation is seL4_Call on an object
 * capability with the label below; arguments travel in message registers (MR) and extra caps
 * (C0..C2, addressed in the caller's CSpace). The reply's label is the seL4_Error (0 = success);
 * on an error MR0.. carry the details documented in errors.h. Results come back in MRs.
 *
 * "cptr/depth" pairs address a slot relative to a CNode capability: the slot reached by resolving
 * `depth` bits of `index` starting at that CNode (depth 0 < d <= 64).
 *
 * Untyped
 *   UntypedRetype     MR0 type, MR1 size_bits (for variable-size objects), MR2 node_index,
 *                     MR3 node_depth, MR4 node_offset, MR5 num_objects; C0 root CNode.
 *                     Creates num_objects objects in the slots [node_offset, node_offset+num)
 *                     of the CNode found at node_index/node_depth under root (depth 0: root
 *                     itself). Retyping into untypeds splits the untyped.
 * CNode (the invoked cap is the CNode relative to which dest_index/dest_depth resolve)
 *   CNodeRevoke, CNodeDelete, CNodeCancelBadgedSends, CNodeSaveCaller
 *                     MR0 index, MR1 depth.
 *   CNodeCopy         MR0 dest_index, MR1 dest_depth, MR2 src_index, MR3 src_depth, MR4 rights;
 *                     C0 src_root.
 *   CNodeMint         as Copy, MR5 badge (for a CNode source: cap data = guard).
 *   CNodeMove         MR0 dest_index, MR1 dest_depth, MR2 src_index, MR3 src_depth; C0 src_root.
 *   CNodeMutate       as Move, MR4 badge/cap data.
 *   CNodeRotate       MR0 dest_index, MR1 dest_depth, MR2 pivot_badge, MR3 pivot_index,
 *                     MR4 pivot_depth, MR5 src_badge, MR6 src_index, MR7 src_depth;
 *                     C0 pivot_root, C1 src_root. Moves pivot to dest and src to pivot, each
 *                     with its new badge; dest may equal src (a swap).
 * TCB
 *   TCBReadRegisters  MR0 bit 0 suspend_source, MR1 count. Reply: MR0.. registers in
 *                     seL4_UserContext order.
 *   TCBWriteRegisters MR0 bit 0 resume_target, MR1 count, MR2.. registers.
 *   TCBCopyRegisters  MR0 bit 0 suspend_source, bit 1 resume_target, bit 2 transfer_frame,
 *                     bit 3 transfer_integer; C0 source TCB.
 *   TCBConfigure      MR0 fault_ep (cptr in the configured thread's CSpace), MR1 cspace_root_data,
 *                     MR2 vspace_root_data, MR3 buffer (IPC buffer vaddr); C0 cspace_root,
 *                     C1 vspace_root, C2 buffer frame (null cap: no IPC buffer).
 *   TCBSetPriority    MR0 priority; C0 authority TCB (its MCP bounds the priority).
 *   TCBSetMCPriority  MR0 mcp; C0 authority.
 *   TCBSetSchedParams MR0 mcp, MR1 priority; C0 authority.
 *   TCBSetIPCBuffer   MR0 buffer; C0 frame.
 *   TCBSetSpace       MR0 fault_ep, MR1 cspace_root_data, MR2 vspace_root_data; C0 cspace_root,
 *                     C1 vspace_root.
 *   TCBSuspend, TCBResume, TCBUnbindNotification   no arguments.
 *   TCBBindNotification  C0 notification.
 *   TCBSetAffinity    MR0 cpu.
 *   TCBSetTLSBase     MR0 tls_base (the FS base).
 *   TCBSetFaultAllSyscalls  MR0 1 = every `syscall` of the thread becomes an UnknownSyscall
 *                     fault, 0 = normal (beaml4; PV guests run with 1).
 *   TCBSetPVPage      C0 a 4 KiB frame (read-write) shared with the kernel for the PV fast path
 *                     and the thread's CR0.TS/CR4.TSD (sel4/pv.h), or a null capability to remove
 *                     it (beaml4).
 * Domain
 *   DomainSetSet      (on the domain capability) MR0 domain; C0 thread.
 * IRQ
 *   IRQIssueIRQHandler     (on IRQControl) MR0 irq (ISA IRQ / GSI; routed through the IOAPIC,
 *                     edge/high for ISA IRQs unless the MADT says otherwise, level/low for
 *                     GSIs >= 16), MR1 index, MR2 depth; C0 root.
 *   X86IRQIssueIRQHandlerIOAPIC (on IRQControl) MR0 index, MR1 depth, MR2 ioapic, MR3 pin,
 *                     MR4 level, MR5 polarity, MR6 vector; C0 root.
 *   X86IRQIssueIRQHandlerMSI (on IRQControl) MR0 index, MR1 depth, MR2 pci_bus, MR3 pci_dev,
 *                     MR4 pci_func, MR5 handle, MR6 vector; C0 root.
 *   IRQAckIRQ, IRQClearIRQHandler   (on IRQHandler) no arguments.
 *   IRQSetIRQHandler  (on IRQHandler) C0 notification.
 * x86 paging (the invoked cap is the structure or frame; C0 is the VSpace root, a PML4 cap
 * assigned to an ASID pool)
 *   X86PDPTMap, X86PageDirectoryMap, X86PageTableMap   MR0 vaddr, MR1 attributes; C0 vspace.
 *   X86PDPTUnmap, X86PageDirectoryUnmap, X86PageTableUnmap   no arguments.
 *   X86PageMap        MR0 vaddr, MR1 rights (seL4_CapRights_t), MR2 attributes; C0 vspace.
 *   X86PageUnmap      no arguments.
 *   X86PageGetAddress no arguments; reply MR0 physical address.
 *   X86ASIDControlMakePool  MR0 index, MR1 depth; C0 untyped (exactly 2^seL4_ASIDPoolBits),
 *                     C1 root.
 *   X86ASIDPoolAssign C0 vspace (PML4).
 * x86 I/O ports
 *   X86IOPortControlIssue  MR0 first_port, MR1 last_port, MR2 index, MR3 depth; C0 root.
 *   X86IOPortIn8/16/32     MR0 port. Reply MR0 value.
 *   X86IOPortOut8/16/32    MR0 port, MR1 value.
 * Ports outside the capability's range give seL4_IllegalOperation; so does issuing a range that
 * overlaps ports already issued.
 * Hardware virtualization (sel4/vcpu.h has the VCPU's invocations and seL4_VMEnter)
 *   TCBSetEPTRoot     C0 an EPT PML4 with an ASID: the guest-physical root the thread's VCPU
 *                     runs its guest in (a copy goes into the TCB).
 *   X86EPTPDPTMap, X86EPTPDMap, X86EPTPTMap   MR0 guest-physical address, MR1 attributes
 *                     (unused); C0 the root (an EPT PML4 with an ASID).
 *   X86EPTPDPTUnmap, X86EPTPDUnmap, X86EPTPTUnmap   no arguments (the only capability).
 *   X86PageMapEPT     (on a frame) MR0 guest-physical address, MR1 rights (read required),
 *                     MR2 attributes (cache type, seL4_X86_ExecuteNever); C0 the root.
 *   Guest-physical addresses are below 2^48; X86PageUnmap removes either kind of mapping.
 */
#ifndef SEL4_INVOCATION_H
#define SEL4_INVOCATION_H

typedef enum {
    InvalidInvocation = 0,
    UntypedRetype,
    TCBReadRegisters,
    TCBWriteRegisters,
    TCBCopyRegisters,
    TCBConfigure,
    TCBSetPriority,
    TCBSetMCPriority,
    TCBSetSchedParams,
    TCBSetIPCBuffer,
    TCBSetSpace,
    TCBSuspend,
    TCBResume,
    TCBBindNotification,
    TCBUnbindNotification,
    TCBSetAffinity,
    TCBSetTLSBase,
    TCBSetFaultAllSyscalls,
    TCBSetPVPage,
    CNodeRevoke,
    CNodeDelete,
    CNodeCancelBadgedSends,
    CNodeCopy,
    CNodeMint,
    CNodeMove,
    CNodeMutate,
    CNodeRotate,
    CNodeSaveCaller,
    IRQIssueIRQHandler,
    IRQAckIRQ,
    IRQSetIRQHandler,
    IRQClearIRQHandler,
    DomainSetSet,
    X86PDPTMap,
    X86PDPTUnmap,
    X86PageDirectoryMap,
    X86PageDirectoryUnmap,
    X86PageTableMap,
    X86PageTableUnmap,
    X86PageMap,
    X86PageUnmap,
    X86PageGetAddress,
    X86ASIDControlMakePool,
    X86ASIDPoolAssign,
    X86IOPortControlIssue,
    X86IOPortIn8,
    X86IOPortIn16,
    X86IOPortIn32,
    X86IOPortOut8,
    X86IOPortOut16,
    X86IOPortOut32,
    X86IRQIssueIRQHandlerIOAPIC,
    X86IRQIssueIRQHandlerMSI,
    /* Hardware virtualization (added with the VCPU object). */
    X86VCPUSetTCB,
    X86VCPUReadVMCS,
    X86VCPUWriteVMCS,
    X86VCPUEnableIOPort,
    X86VCPUDisableIOPort,
    X86VCPUWriteRegisters,
    X86EPTPDPTMap,
    X86EPTPDPTUnmap,
    X86EPTPDMap,
    X86EPTPDUnmap,
    X86EPTPTMap,
    X86EPTPTUnmap,
    TCBSetEPTRoot,
    X86PageMapEPT,
    X86VCPUReadRegisters,
    X86VCPUReadMSR,
    X86VCPUWriteMSR,
    nInvocationLabels
} invocation_label;

#endif
