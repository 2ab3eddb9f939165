/*
 * Operands of the instruction being emulated: general registers at every size, memory operands'
 * linear addresses (checked for the mode), register-or-memory sources, and the stack. Nothing
 * here changes the vCPU except pv_emu_gpr_write and pv_emu_ac_update, which act steps call.
 */
#include <pv/emulate.h>

uint64_t pv_emu_gpr_read(const pv_cpu_t *cpu, x86dec_reg_t reg, unsigned size)
{
    if (reg >= X86DEC_REG_AH && reg <= X86DEC_REG_BH) {
        return cpu->gpr[reg - X86DEC_REG_AH] >> 8 & 0xffu;
    }
    uint64_t value = cpu->gpr[x86dec_reg_number(reg)];

    return size >= 8 ? value : value & ((1ull << (size * 8)) - 1);
}

/* SDM Vol. 1 3.4.1.1: a 32-bit destination zero-extends into 64 bits; 8 and 16 bits merge. */
void pv_emu_gpr_write(pv_cpu_t *cpu, x86dec_reg_t reg, unsigned size, uint64_t value)
{
    if (reg >= X86DEC_REG_AH && reg <= X86DEC_REG_BH) {
        uint64_t *target = &cpu->gpr[reg - X86DEC_REG_AH];

        *target = (*target & ~0xff00ull) | (value & 0xffu) << 8;
        return;
    }
    uint64_t *target = &cpu->gpr[x86dec_reg_number(reg)];

    if (size >= 8) {
        *target = value;
    } else if (size == 4) {
        *target = value & 0xffffffffull;
    } else {
        uint64_t mask = (1ull << (size * 8)) - 1;

        *target = (*target & ~mask) | (value & mask);
    }
}

static bool operand_uses_stack(const x86dec_operand_t *operand)
{
    x86dec_reg_t base = operand->mem.base;

    return base == x86dec_reg_gpr(X86DEC_GPR_RSP) || base == x86dec_reg_gpr(X86DEC_GPR_RBP);
}

pv_fault_t pv_emu_operand_address(const pv_emu_t *emu, unsigned operand, uint64_t *address)
{
    const pv_cpu_t *cpu = emu->cpu;
    x86dec_regs_t regs;

    for (unsigned i = 0; i < 16; i++) {
        regs.gpr[i] = cpu->gpr[i];
    }
    regs.rip = cpu->rip;
    regs.fs_base = cpu->seg[PV_SEG_FS].base;
    regs.gs_base = cpu->seg[PV_SEG_GS].base;
    if (x86dec_effective_address(&emu->insn, operand, &regs, address) != X86DEC_OK) {
        return pv_fault_end(PV_END_BAD_EVENT, "an emulated instruction lacks its memory operand",
                            cpu->rip);
    }
    if (cpu->mode != PV_MODE_LONG) {
        *address &= 0xffffffffull; /* 32-bit code: linear addresses wrap at 4 GiB */
    }
    if (!pv_emu_address_valid(cpu, *address)) {
        return pv_fault_with_code(
                operand_uses_stack(&emu->insn.operands[operand]) ? PV_VEC_SS : PV_VEC_GP, 0);
    }
    return pv_fault_none();
}

pv_fault_t pv_emu_operand_read(const pv_emu_t *emu, unsigned operand, unsigned size,
                               uint64_t *value)
{
    const x86dec_operand_t *op = &emu->insn.operands[operand];
    uint64_t address = 0;
    pv_fault_t fault;

    *value = 0;
    if (op->kind == X86DEC_OPK_REG) {
        *value = pv_emu_gpr_read(emu->cpu, op->reg, size);
        return pv_fault_none();
    }
    if (op->kind == X86DEC_OPK_IMM) {
        *value = size >= 8 ? op->imm : op->imm & ((1ull << (size * 8)) - 1);
        return pv_fault_none();
    }
    fault = pv_emu_operand_address(emu, operand, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_read(emu->cpu, emu->env, address, value, size, PV_EMU_DATA,
                            operand_uses_stack(op));
    }
    return fault;
}

static uint64_t stack_mask(const pv_cpu_t *cpu)
{
    return cpu->mode == PV_MODE_LONG ? ~0ull : 0xffffffffull;
}

pv_fault_t pv_emu_push(const pv_emu_t *emu, uint64_t value, unsigned size, uint64_t *rsp)
{
    const pv_cpu_t *cpu = emu->cpu;
    uint64_t top = (cpu->gpr[X86DEC_GPR_RSP] - size) & stack_mask(cpu);
    pv_fault_t fault = pv_emu_write(cpu, emu->env, top, &value, size, PV_EMU_DATA, true);

    if (pv_fault_is_none(&fault)) {
        *rsp = top;
    }
    return fault;
}

pv_fault_t pv_emu_pop(const pv_emu_t *emu, uint64_t rsp_in, unsigned size, uint64_t *value,
                      uint64_t *rsp_out)
{
    const pv_cpu_t *cpu = emu->cpu;
    pv_fault_t fault;

    *value = 0;
    fault = pv_emu_read(cpu, emu->env, rsp_in, value, size, PV_EMU_DATA, true);
    if (pv_fault_is_none(&fault)) {
        *rsp_out = (rsp_in + size) & stack_mask(cpu);
    }
    return fault;
}

void pv_emu_ac_update(pv_cpu_t *cpu, const pv_env_t *env, uint64_t old_rflags)
{
    if (((old_rflags ^ cpu->rflags) & PV_RFLAGS_AC) != 0 && (cpu->cr4 & PV_CR4_SMAP) != 0 &&
        env->ac_changed != NULL) {
        env->ac_changed(env->context, (cpu->rflags & PV_RFLAGS_AC) != 0);
    }
}
