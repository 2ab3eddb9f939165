/*
 * A thread's user-visible register set, in the order used by TCB_ReadRegisters,
 * TCB_WriteRegisters and the register block at the start of every fault message.
 */
#ifndef SEL4_USER_CONTEXT_H
#define SEL4_USER_CONTEXT_H

#include <sel4/types.h>

typedef struct seL4_UserContext {
    seL4_Word rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp;
    seL4_Word r8, r9, r10, r11, r12, r13, r14, r15;
    seL4_Word fs_base, gs_base;
} seL4_UserContext;

enum {
    seL4_UserContext_RIP = 0,
    seL4_UserContext_RSP,
    seL4_UserContext_RFLAGS,
    seL4_UserContext_RAX,
    seL4_UserContext_RBX,
    seL4_UserContext_RCX,
    seL4_UserContext_RDX,
    seL4_UserContext_RSI,
    seL4_UserContext_RDI,
    seL4_UserContext_RBP,
    seL4_UserContext_R8,
    seL4_UserContext_R9,
    seL4_UserContext_R10,
    seL4_UserContext_R11,
    seL4_UserContext_R12,
    seL4_UserContext_R13,
    seL4_UserContext_R14,
    seL4_UserContext_R15,
    seL4_UserContext_FS_BASE,
    seL4_UserContext_GS_BASE,
    seL4_UserContext_Count /* 20 */
};

/*
 * What the kernel enforces when registers are written (WriteRegisters, CopyRegisters or a fault reply):
 * RFLAGS keeps only the arithmetic flags, DF, TF, AC and ID that user mode may own (IF is always
 * set, IOPL is always 0, NT/VM/RF cleared); RIP, RSP, FS base and GS base that are not canonical
 * are rejected with seL4_InvalidArgument (WriteRegisters), refuse a CopyRegisters whose source
 * holds them in the registers it would transfer (seL4_IllegalOperation, nothing changes), or end
 * the faulting thread's reply with the thread left inactive (fault reply).
 */
#define seL4_RFLAGS_UserMask 0x00240dd5ull

/*
 * beaml4: the code segment a thread runs with, 64-bit mode or 32-bit compatibility mode (a thread
 * may switch itself with a far transfer; a PV guest's 32-bit boot code runs so). It is the last
 * word of every fault message (seL4_Fault_X86_CodeSegment, sel4/faults.h); a fault reply may set
 * it in the word after the registers, and TCB_WriteRegisters through its arch flags.
 */
#define seL4_X86_CodeSegment64 0x2b
#define seL4_X86_CodeSegment32 0x1b

/* TCB_WriteRegisters' arch flags (seL4_TCB_WriteRegisters' arch_flags argument). */
#define seL4_X86_WriteRegisters_Code64 0x1
#define seL4_X86_WriteRegisters_Code32 0x2

#endif
