/*
 * The x86-64 side of thread state: initial registers, the restart point, and the message
 * registers of the system-call convention.
 */
#include <arch/kernel/fpu.h>
#include <arch/kernel/segments.h>
#include <arch/object/vcpu.h>
#include <kernel/arch_thread.h>
#include <kernel/cpu.h>
#include <kernel/string.h>

#define RFLAGS_RESERVED_ONE 0x2ull
#define RFLAGS_IF           0x200ull

const uint8_t arch_msg_registers[ARCH_MSG_REGISTER_COUNT] = {REG_R10, REG_R8, REG_R9, REG_R15};

void arch_tcb_init(tcb_t *tcb)
{
    arch_tcb_t *arch = &tcb->arch;

    memset(&arch->context, 0, sizeof(arch->context));
    arch_set_reg(arch, REG_CS, SEL_USER_CODE | SEL_RPL_USER);
    arch_set_reg(arch, REG_SS, SEL_USER_DATA | SEL_RPL_USER);
    arch_set_reg(arch, REG_RFLAGS, RFLAGS_IF | RFLAGS_RESERVED_ONE);
    arch->fs_base = 0;
    arch->gs_base = 0;
    segments_init(tcb);
    arch->fault_ip = 0;
    arch->sysret_ok = false;
    fpu_state_init(&arch->fpu);
}

void arch_thread_rewind(tcb_t *tcb)
{
    arch_set_reg(&tcb->arch, REG_RIP, tcb->arch.fault_ip);
    tcb->arch.sysret_ok = false;
}

void arch_thread_update_restart_pc(tcb_t *tcb)
{
    tcb->arch.fault_ip = arch_reg(&tcb->arch, REG_RIP);
}

void arch_thread_bases_changed(const tcb_t *tcb)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->fsgs_owner == tcb) {
        arch->fsgs_owner = NULL;
    }
}

word_t arch_thread_code_segment(const tcb_t *tcb)
{
    return arch_reg(&tcb->arch, REG_CS);
}

bool arch_thread_set_code_segment(tcb_t *tcb, word_t selector)
{
    if (selector != (SEL_USER_CODE | SEL_RPL_USER) &&
        selector != (SEL_USER_CODE32 | SEL_RPL_USER)) {
        return false;
    }
    arch_set_reg(&tcb->arch, REG_CS, selector);
    tcb->arch.sysret_ok = false; /* SYSRETQ only returns to 64-bit mode */
    return true;
}

void arch_tcb_release(tcb_t *tcb)
{
    vcpu_tcb_release(tcb);
    fpu_release(tcb);
    segments_release(tcb);
    arch_thread_bases_changed(tcb);
}
