/*
 * The layout of a thread's saved user registers, shared by the entry assembly and C. The block
 * sits at the top of the TCB's register area: TSS.RSP0 points just past it, so the processor
 * pushes SS..RIP (and an error code) straight into the TCB and the entry code pushes the rest.
 * Macros only: this header must stay includable from assembly.
 */
#ifndef ARCH_KERNEL_CONTEXT_LAYOUT_H
#define ARCH_KERNEL_CONTEXT_LAYOUT_H

/* Word indices, lowest address first (the order in which the entry code leaves them). */
#define REG_R15    0
#define REG_R14    1
#define REG_R13    2
#define REG_R12    3
#define REG_R11    4
#define REG_R10    5
#define REG_R9     6
#define REG_R8     7
#define REG_RBP    8
#define REG_RDI    9
#define REG_RSI    10
#define REG_RDX    11
#define REG_RCX    12
#define REG_RBX    13
#define REG_RAX    14
#define REG_VECTOR 15 /* how the thread entered the kernel last (ENTRY_VECTOR_SYSCALL or vector) */
#define REG_ERROR  16 /* the exception's error code, 0 if none */
#define REG_RIP    17
#define REG_CS     18
#define REG_RFLAGS 19
#define REG_RSP    20
#define REG_SS     21
#define REG_COUNT  22

#define CONTEXT_SIZE (REG_COUNT * 8) /* 176: a multiple of 16, as TSS.RSP0 must be */

/* REG_VECTOR value of a `syscall` entry (not a vector number). */
#define ENTRY_VECTOR_SYSCALL 0x100

/* #UD: what a `syscall` from compatibility mode becomes (entry.S, syscall_compat_entry). */
#define ENTRY_VECTOR_INVALID_OPCODE 6

/* Segment selectors (GDT order matters to SYSCALL/SYSRET, see gdt.c). */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_CODE32 0x18 /* the SYSRET base; user threads may run 32-bit code with it */
#define SEL_USER_DATA   0x20
#define SEL_USER_CODE   0x28
#define SEL_TSS         0x30
#define SEL_RPL_USER    3

/* Offsets in arch_cpu_t (asserted in C), reached through %gs in the entry code. */
#define CPU_SELF             0
#define CPU_KERNEL_STACK_TOP 8
#define CPU_USER_RSP_SCRATCH 16
#define CPU_CONTEXT_TOP      24

#endif
