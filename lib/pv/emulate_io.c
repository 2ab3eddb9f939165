/*
 * Port I/O: IN, OUT, INS and OUTS with the protected-mode permission rules (IOPL, then the I/O
 * permission bitmap of the guest's TSS: SDM Vol. 1 19.5), sizes 1, 2 and 4, the string forms'
 * direction flag and REP counts. A long REP is cut into slices of config.max_rep iterations:
 * the guest resumes at the same instruction with its registers advanced, as after an interrupt.
 */
#include <pv/emulate.h>

#define TSS_IOMAP_BASE 0x66u

/* The bitmap's bits for [port, port + size) must all be clear. */
static pv_fault_t check_io_permission(const pv_emu_t *emu, uint16_t port, unsigned size)
{
    const pv_cpu_t *cpu = emu->cpu;
    uint16_t iomap = 0;
    uint16_t bits = 0;
    uint64_t offset;
    pv_fault_t fault;

    if (cpu->cpl <= pv_rflags_iopl(cpu->rflags)) {
        return pv_fault_none();
    }
    if ((cpu->tr.attributes & PV_SEG_ATTR_UNUSABLE) != 0 || cpu->tr.limit < TSS_IOMAP_BASE + 1u) {
        return pv_fault_gp(0);
    }
    fault = pv_emu_read(cpu, emu->env, cpu->tr.base + TSS_IOMAP_BASE, &iomap, sizeof(iomap),
                        PV_EMU_SYSTEM, false);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    offset = (uint64_t)iomap + port / 8u;
    if (offset + 1u > cpu->tr.limit) {
        return pv_fault_gp(0);
    }
    fault = pv_emu_read(cpu, emu->env, cpu->tr.base + offset, &bits, sizeof(bits), PV_EMU_SYSTEM,
                        false);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if ((bits >> (port % 8u) & ((1u << size) - 1u)) != 0) {
        return pv_fault_gp(0);
    }
    return pv_fault_none();
}

static uint16_t port_of(const pv_cpu_t *cpu, const x86dec_operand_t *operand)
{
    if (operand->kind == X86DEC_OPK_IMM) {
        return (uint16_t)(operand->imm & 0xffu);
    }
    return (uint16_t)cpu->gpr[X86DEC_GPR_RDX];
}

static pv_fault_t emulate_in_out(pv_emu_t *emu, bool in)
{
    pv_cpu_t *cpu = emu->cpu;
    const x86dec_operand_t *data = &emu->insn.operands[in ? 0 : 1];
    uint16_t port = port_of(cpu, &emu->insn.operands[in ? 1 : 0]);
    unsigned size = data->size;
    pv_fault_t fault = check_io_permission(emu, port, size);

    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (in) {
        pv_emu_gpr_write(cpu, data->reg, size, emu->env->io_in(emu->env->context, port, size));
    } else {
        emu->env->io_out(emu->env->context, port, size,
                         (uint32_t)pv_emu_gpr_read(cpu, data->reg, size));
    }
    return pv_fault_none();
}

/* One INS or OUTS element: check the memory side first, then the port, then the memory. */
static pv_fault_t string_step(pv_emu_t *emu, bool in, uint16_t port, unsigned size, uint64_t mask)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned index = in ? X86DEC_GPR_RDI : X86DEC_GPR_RSI;
    uint64_t step = (cpu->rflags & PV_RFLAGS_DF) != 0 ? (uint64_t)0 - size : size;
    uint64_t address = 0;
    uint32_t value = 0;
    pv_fault_t fault = pv_emu_operand_address(emu, in ? 0 : 1, &address);

    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (in) {
        fault = pv_emu_probe_write(cpu, emu->env, address, size, PV_EMU_DATA, false);
        if (pv_fault_is_none(&fault)) {
            value = emu->env->io_in(emu->env->context, port, size);
            fault = pv_emu_write(cpu, emu->env, address, &value, size, PV_EMU_DATA, false);
        }
    } else {
        fault = pv_emu_read(cpu, emu->env, address, &value, size, PV_EMU_DATA, false);
        if (pv_fault_is_none(&fault)) {
            emu->env->io_out(emu->env->context, port, size, value);
        }
    }
    if (pv_fault_is_none(&fault)) {
        cpu->gpr[index] = (cpu->gpr[index] + step) & mask; /* 32-bit: zero-extended */
    }
    return fault;
}

static pv_fault_t emulate_string(pv_emu_t *emu, bool in)
{
    pv_cpu_t *cpu = emu->cpu;
    const x86dec_operand_t *memory = &emu->insn.operands[in ? 0 : 1];
    uint16_t port = (uint16_t)cpu->gpr[X86DEC_GPR_RDX];
    unsigned size = memory->size;
    uint64_t mask = emu->insn.address_size == 8 ? ~0ull : 0xffffffffull;
    bool rep = (emu->insn.flags & (X86DEC_F_REP | X86DEC_F_REPNE)) != 0;
    uint64_t count = rep ? cpu->gpr[X86DEC_GPR_RCX] & mask : 1;
    pv_fault_t fault = check_io_permission(emu, port, size);

    for (unsigned done = 0; pv_fault_is_none(&fault) && count > 0; done++) {
        if (done == cpu->config.max_rep) {
            emu->next_rip = cpu->rip; /* the rest after a pause, as after an interrupt */
            break;
        }
        fault = string_step(emu, in, port, size, mask);
        if (pv_fault_is_none(&fault)) {
            count--;
            if (rep) {
                cpu->gpr[X86DEC_GPR_RCX] = count;
            }
        }
    }
    return fault;
}

pv_fault_t pv_emulate_io(pv_emu_t *emu)
{
    switch (emu->insn.mnemonic) {
    case X86DEC_MN_IN:
        return emulate_in_out(emu, true);
    case X86DEC_MN_OUT:
        return emulate_in_out(emu, false);
    case X86DEC_MN_INS:
        return emulate_string(emu, true);
    case X86DEC_MN_OUTS:
    default:
        return emulate_string(emu, false);
    }
}
