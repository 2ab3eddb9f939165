/*
 * seL4_UserContext <-> saved registers, with the sanitising user_context.h promises: RFLAGS
 * reduced to the user-owned flags (IF always set), canonical RIP/RSP/FS/GS required.
 */
#include <kernel/arch_thread.h>
#include <kernel/user_context.h>

#define RFLAGS_ALWAYS_SET 0x202ull /* IF and the reserved bit 1 */

/* seL4_UserContext indices 0..17 in the saved register block. */
static const uint8_t context_registers[seL4_UserContext_FS_BASE] = {
        REG_RIP, REG_RSP, REG_RFLAGS, REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI,
        REG_RBP, REG_R8,  REG_R9,     REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

void user_context_read(tcb_t *tcb, word_t registers[seL4_UserContext_Count])
{
    for (unsigned i = 0; i < seL4_UserContext_FS_BASE; i++) {
        registers[i] = arch_reg(&tcb->arch, context_registers[i]);
    }
    registers[seL4_UserContext_FS_BASE] = tcb->arch.fs_base;
    registers[seL4_UserContext_GS_BASE] = tcb->arch.gs_base;
}

static bool register_needs_canonical(unsigned index)
{
    return index == seL4_UserContext_RIP || index == seL4_UserContext_RSP ||
           index == seL4_UserContext_FS_BASE || index == seL4_UserContext_GS_BASE;
}

bool user_context_check(const word_t *registers, word_t which, unsigned *bad_index)
{
    for (unsigned i = 0; i < seL4_UserContext_Count; i++) {
        if ((which & BIT(i)) != 0 && register_needs_canonical(i) &&
            !user_address_is_canonical(registers[i])) {
            *bad_index = i;
            return false;
        }
    }
    return true;
}

bool user_context_write(tcb_t *tcb, const word_t *registers, word_t which, unsigned *bad_index)
{
    if (!user_context_check(registers, which, bad_index)) {
        return false;
    }
    for (unsigned i = 0; i < seL4_UserContext_Count; i++) {
        word_t value = registers[i];
        if ((which & BIT(i)) == 0) {
            continue;
        }
        switch (i) {
        case seL4_UserContext_FS_BASE:
            tcb->arch.fs_base = value;
            break;
        case seL4_UserContext_GS_BASE:
            tcb->arch.gs_base = value;
            break;
        case seL4_UserContext_RFLAGS:
            arch_set_reg(&tcb->arch, REG_RFLAGS,
                         (value & seL4_RFLAGS_UserMask) | RFLAGS_ALWAYS_SET);
            break;
        case seL4_UserContext_RIP:
            arch_set_reg(&tcb->arch, REG_RIP, value);
            tcb->arch.fault_ip = value;
            break;
        default:
            arch_set_reg(&tcb->arch, context_registers[i], value);
            break;
        }
    }
    tcb->arch.sysret_ok = false;
    arch_thread_bases_changed(tcb);
    return true;
}
