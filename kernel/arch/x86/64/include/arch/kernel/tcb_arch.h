/*
 * The x86-64 part of a TCB: saved user registers, FS/GS base and data-segment selectors, the
 * restart point and the FXSAVE image of the thread's FPU/SSE state. Data and inline register accessors only.
 */
#ifndef ARCH_KERNEL_TCB_ARCH_H
#define ARCH_KERNEL_TCB_ARCH_H

#include <arch/kernel/context_layout.h>
#include <kernel/types.h>

/* The 512-byte FXSAVE/FXRSTOR area (64-bit format). */
typedef struct {
    uint8_t bytes[512];
} ALIGNED(16) fpu_state_t;

typedef struct {
    word_t regs[REG_COUNT];
} ALIGNED(16) arch_context_t;

struct vcpu;

_Static_assert(sizeof(arch_context_t) == CONTEXT_SIZE, "context size matches the entry code");

typedef struct {
    arch_context_t context;
    word_t fs_base;
    word_t gs_base;
    /* The thread's DS, ES, FS and GS selectors (16 bits each, DS lowest) while another thread's
     * are in the CPU (arch/kernel/segments.h). */
    uint64_t selectors;
    /* Where a restarted system call begins again: the `syscall` instruction for a thread that
     * entered by syscall, the interrupted instruction otherwise (seL4's FaultIP). */
    word_t fault_ip;
    /* The thread entered by `syscall` and nothing has rewritten its registers since: RCX and R11
     * are dead, so SYSRET may return (otherwise IRETQ restores every register). */
    bool sysret_ok;
    /* The VCPU bound to the thread (X86VCPUSetTCB), or NULL. */
    struct vcpu *vcpu;
    fpu_state_t fpu;
} arch_tcb_t;

static inline word_t arch_reg(const arch_tcb_t *arch, unsigned reg)
{
    return arch->context.regs[reg];
}

static inline void arch_set_reg(arch_tcb_t *arch, unsigned reg, word_t value)
{
    arch->context.regs[reg] = value;
}

/* Message registers 0..3 travel in these registers (see sel4/syscalls.h). */
#define ARCH_MSG_REGISTER_COUNT 4
extern const uint8_t arch_msg_registers[ARCH_MSG_REGISTER_COUNT];
#define ARCH_REG_BADGE    REG_RDI
#define ARCH_REG_MSG_INFO REG_RSI
#define ARCH_REG_CAPTR    REG_RDI

#endif
