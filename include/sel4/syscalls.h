/*
 * System call numbers and the register convention of the `syscall` instruction.
 *
 * On entry:
 *   RDX  syscall number (seL4_Syscall_ID, negative)
 *   RDI  capability address (destination or source), or the argument of debug calls
 *   RSI  message info (seL4_MessageInfo_t)
 *   R10, R8, R9, R15  message registers 0..3; the rest live in the IPC buffer
 * On return (for calls that receive):
 *   RDI  badge of the capability the message came through (or the notification word)
 *   RSI  message info of the received message
 *   R10, R8, R9, R15  message registers 0..3
 * RCX and R11 are destroyed by the instruction itself; RBX, RBP, RSP, R12..R14 are preserved,
 * RAX is destroyed. A thread whose TCB has "fault all syscalls" set (seL4_TCB_SetFaultAllSyscalls)
 * never reaches any of these: every `syscall` it executes is an UnknownSyscall fault.
 */
#ifndef SEL4_SYSCALLS_H
#define SEL4_SYSCALLS_H

typedef enum {
    seL4_SysCall = -1,
    seL4_SysReplyRecv = -2,
    seL4_SysSend = -3,
    seL4_SysNBSend = -4,
    seL4_SysRecv = -5,
    seL4_SysReply = -6,
    seL4_SysYield = -7,
    seL4_SysNBRecv = -8,
    seL4_SysVMEnter = -9,
    seL4_SysDebugPutChar = -10,
    seL4_SysDebugHalt = -11,
    seL4_SysDebugCapIdentify = -12,
    seL4_SysDebugNameThread = -13,
    seL4_SysBenchmarkNullSyscall = -14,
    seL4_SysDebugHostStateCheck = -15,
    seL4_SysMin = -15
} seL4_Syscall_ID;

/*
 * Notifications use the same calls: Signal is Send, Wait is Recv, Poll is NBRecv on a
 * notification capability. NBRecv/Poll with nothing pending returns badge 0 and message info 0
 * (as does a notification delivered to Wait/Recv: badge = the notification word, info 0).
 * Reply answers the caller saved by the last Recv that received a Call.
 * DebugPutChar writes RDI's low byte to the kernel console. DebugHalt prints the halt and stops
 * the machine; RDI's low byte is the status handed to the emulator's exit device.
 * DebugCapIdentify returns in RDI the type (seL4_ObjectType-like cap type number, see
 * objecttypes.h) of the capability at RDI, 0 for none. DebugNameThread names the TCB at RDI with the
 * NUL-terminated string in the IPC buffer (for kernel messages). BenchmarkNullSyscall enters and
 * leaves the kernel and does nothing else.
 * VMEnter runs the calling thread's VCPU (sel4/vcpu.h has its registers and results); a thread
 * without a VCPU gets an UnknownSyscall fault, as in seL4.
 * DebugHostStateCheck (beaml4) returns in RDI a mask of the host processor state that differs
 * from what the kernel set at boot, as the calling thread sees it now: bit 0 GDTR, 1 IDTR,
 * 2 TR or LDTR selector, 3 CR0, 4 CR4, 5 EFER, 6 PAT, 7 STAR/LSTAR/CSTAR/FMASK, 8 SYSENTER
 * MSRs, 9 the thread's FS base, 10 its GS base (IA32_KERNEL_GS_BASE in the kernel), 11 the
 * kernel's GS base, 12 DR0-DR3, DR6 or DR7, 13 TSC_AUX, 14 the local APIC's task priority.
 * 0 means every item holds; no value is revealed.
 */

#endif
