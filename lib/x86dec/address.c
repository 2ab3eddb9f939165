/*
 * Effective and linear address of a decoded memory operand, given the guest's registers.
 * Pure arithmetic on caller-supplied values: it reads no memory and checks no canonicality.
 */
#include "internal.h"

x86dec_status_t x86dec_effective_address(const x86dec_insn_t *insn, unsigned operand,
                                         const x86dec_regs_t *regs, uint64_t *address)
{
    if (insn == NULL || regs == NULL || address == NULL || operand >= insn->operand_count)
        return X86DEC_ERR_ARGUMENT;
    const x86dec_operand_t *op = &insn->operands[operand];
    if (op->kind != X86DEC_OPK_MEM)
        return X86DEC_ERR_NOT_MEMORY;
    const x86dec_mem_t *mem = &op->mem;
    uint64_t ea = (uint64_t)mem->disp;
    if (mem->rip_relative) {
        ea += regs->rip + insn->length;
    } else {
        if (x86dec_reg_is_gpr(mem->base))
            ea += regs->gpr[x86dec_reg_number(mem->base)];
        if (x86dec_reg_is_gpr(mem->index))
            ea += regs->gpr[x86dec_reg_number(mem->index)] * mem->scale;
    }
    if (mem->address_size == 4)
        ea &= 0xFFFFFFFFu;
    /* 64-bit mode: only FS and GS contribute a base. */
    if (mem->segment == X86DEC_REG_FS)
        ea += regs->fs_base;
    else if (mem->segment == X86DEC_REG_GS)
        ea += regs->gs_base;
    *address = ea;
    return X86DEC_OK;
}
