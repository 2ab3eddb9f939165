/*
 * Fault messages. When a thread faults, the kernel sends a message on the thread's fault endpoint
 * as if the thread had done seL4_Call on it (the handler answers with seL4_Reply/ReplyRecv). The
 * message label is the fault type. Every fault message starts with the thread's complete register
 * set (seL4_UserContext order, message registers 0..19), followed by the words specific to the
 * fault, so that a handler (a VMM above all) never needs a second call to read registers.
 *
 * Replying: a reply with label 0 resumes the thread. If the reply carries at least
 * seL4_UserContext_Count message registers, they overwrite the thread's registers first (same
 * sanitising as TCB_WriteRegisters; non-canonical RIP/RSP/FS/GS leave the thread inactive); one
 * more word sets the thread's code segment (seL4_X86_CodeSegment64 or _32; any other value leaves
 * the thread inactive). A reply with any other label leaves the thread inactive (it can be
 * restarted with TCB_Resume).
 * A thread without a valid fault endpoint that faults is made inactive and the kernel prints a
 * line saying why; nothing else is affected.
 *
 * The register block's RIP is where the thread continues after a label-0 reply that does not
 * rewrite it: for VMFault and for UserException faults (#DE, #UD, #GP, ...) the faulting
 * instruction; for traps (#BP from int3, #DB after a single step, #OF) the instruction after it,
 * as the CPU reports; for UnknownSyscall the instruction after the `syscall` (RIP == RCX there);
 * for CapFault the `syscall` instruction itself, so the system call is retried. A `syscall` has
 * already destroyed RCX and R11 (return address and RFLAGS) before the fault is taken.
 */
#ifndef SEL4_FAULTS_H
#define SEL4_FAULTS_H

#include <sel4/user_context.h>

typedef enum {
    seL4_Fault_NullFault = 0,
    seL4_Fault_CapFault,
    seL4_Fault_UnknownSyscall,
    seL4_Fault_UserException,
    seL4_Fault_VMFault,
    seL4_Fault_VMExit, /* beaml4: reported by VMEnter, never sent to a fault endpoint */
    seL4_Fault_TypeCount
} seL4_FaultType;

/* Message register indices of the words after the register block. */
enum {
    seL4_Fault_RegisterCount = seL4_UserContext_Count,

    /* VMFault: a page fault. */
    seL4_VMFault_Addr = seL4_Fault_RegisterCount, /* CR2 */
    seL4_VMFault_FSR,                             /* the page-fault error code */
    seL4_VMFault_PrefetchFault,                   /* 1 if instruction fetch */
    seL4_VMFault_Length,

    /* UnknownSyscall: a `syscall` with an unknown number, or any syscall of a thread in
     * fault-all-syscalls mode. */
    seL4_UnknownSyscall_Syscall = seL4_Fault_RegisterCount, /* RDX at the syscall */
    seL4_UnknownSyscall_Length,

    /* UserException: a processor exception other than a page fault (divide error, #UD, #GP,
     * #DB, #BP, #AC, x87/SIMD errors, and `int n` to a vector user mode may not use). */
    seL4_UserException_Number = seL4_Fault_RegisterCount, /* exception vector */
    seL4_UserException_Code,                              /* error code, 0 if none */
    seL4_UserException_Length,

    /* CapFault: a capability lookup failed during a send or receive phase. */
    seL4_CapFault_Addr = seL4_Fault_RegisterCount, /* the capability address */
    seL4_CapFault_InRecvPhase,
    seL4_CapFault_LookupFailureType, /* seL4_LookupFailureType */
    seL4_CapFault_BitsLeft,
    seL4_CapFault_GuardMismatch_GuardFound,
    seL4_CapFault_GuardMismatch_BitsFound,
    seL4_CapFault_Length,

    /* beaml4, every fault: the code segment the thread ran with (seL4_X86_CodeSegment64 or
     * seL4_X86_CodeSegment32), after the longest fault's words; every fault message is
     * seL4_Fault_MessageLength words long. */
    seL4_Fault_X86_CodeSegment = seL4_CapFault_Length,
    seL4_Fault_MessageLength,
};

/* Page-fault error code bits in seL4_VMFault_FSR (the processor's). */
#define seL4_VMFault_FSR_Present  0x1
#define seL4_VMFault_FSR_Write    0x2
#define seL4_VMFault_FSR_User     0x4
#define seL4_VMFault_FSR_Reserved 0x8
#define seL4_VMFault_FSR_Fetch    0x10

#endif
