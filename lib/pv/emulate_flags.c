/*
 * The interrupt flag and its neighbours: CLI, STI (with its interrupt shadow), PUSHF and POPF
 * (the virtual IF, IOPL and AC, the rest as POPF does at the guest's CPL), HLT, CLAC and STAC.
 * The host runs the guest with IF = 1 and IOPL = 0, so all of these live in software here.
 */
#include <pv/emulate.h>

/* SDM Vol. 2 CLI/STI: protected mode without VME/PVI faults when CPL > IOPL. */
static pv_fault_t check_iopl(const pv_cpu_t *cpu)
{
    return cpu->cpl > pv_rflags_iopl(cpu->rflags) ? pv_fault_gp(0) : pv_fault_none();
}

static unsigned stack_operand_size(const pv_emu_t *emu)
{
    return emu->insn.operand_size;
}

/* SDM Vol. 2 POPF, "Operation": the flags a pop may change at this CPL and size. */
static uint64_t popf_mask(const pv_cpu_t *cpu, unsigned size)
{
    uint64_t mask = PV_RFLAGS_CF | PV_RFLAGS_PF | PV_RFLAGS_AF | PV_RFLAGS_ZF | PV_RFLAGS_SF |
                    PV_RFLAGS_TF | PV_RFLAGS_DF | PV_RFLAGS_OF | PV_RFLAGS_NT | PV_RFLAGS_AC |
                    PV_RFLAGS_ID;

    if (cpu->cpl <= pv_rflags_iopl(cpu->rflags)) {
        mask |= PV_RFLAGS_IF;
    }
    if (cpu->cpl == 0) {
        mask |= PV_RFLAGS_IOPL;
    }
    return size == 2 ? mask & 0xffffu : mask;
}

static pv_fault_t emulate_pushf(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = stack_operand_size(emu);
    uint64_t image = cpu->rflags & ~(PV_RFLAGS_VM | PV_RFLAGS_RF);
    uint64_t rsp = 0;
    pv_fault_t fault = pv_emu_push(emu, image, size, &rsp);

    if (pv_fault_is_none(&fault)) {
        cpu->gpr[X86DEC_GPR_RSP] = rsp;
    }
    return fault;
}

static pv_fault_t emulate_popf(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = stack_operand_size(emu);
    uint64_t value = 0;
    uint64_t rsp = 0;
    uint64_t mask = popf_mask(cpu, size);
    uint64_t old = cpu->rflags;
    pv_fault_t fault = pv_emu_pop(emu, cpu->gpr[X86DEC_GPR_RSP], size, &value, &rsp);

    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    cpu->gpr[X86DEC_GPR_RSP] = rsp;
    cpu->rflags = ((old & ~mask) | (value & mask) | PV_RFLAGS_FIXED) & ~PV_RFLAGS_RF;
    pv_emu_ac_update(cpu, emu->env, old);
    return pv_fault_none();
}

/* CLAC/STAC: #UD without SMAP or above CPL 0 (SDM Vol. 2 CLAC, STAC). */
static pv_fault_t emulate_ac(pv_emu_t *emu, bool set)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t old = cpu->rflags;

    if ((cpu->config.features & PV_CPU_F_SMAP) == 0 || cpu->cpl != 0) {
        return pv_fault_ud();
    }
    cpu->rflags = set ? old | PV_RFLAGS_AC : old & ~PV_RFLAGS_AC;
    pv_emu_ac_update(cpu, emu->env, old);
    return pv_fault_none();
}

pv_fault_t pv_emulate_flags(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    pv_fault_t fault = pv_fault_none();

    switch (emu->insn.mnemonic) {
    case X86DEC_MN_CLI:
        fault = check_iopl(cpu);
        if (pv_fault_is_none(&fault)) {
            cpu->rflags &= ~PV_RFLAGS_IF;
        }
        return fault;
    case X86DEC_MN_STI:
        fault = check_iopl(cpu);
        if (pv_fault_is_none(&fault) && (cpu->rflags & PV_RFLAGS_IF) == 0) {
            /* SDM Vol. 2 STI: interrupts are recognised after the next instruction. */
            cpu->rflags |= PV_RFLAGS_IF;
            cpu->interrupt_shadow = true;
            cpu->shadow_rip = emu->next_rip;
        }
        return fault;
    case X86DEC_MN_PUSHF:
        return emulate_pushf(emu);
    case X86DEC_MN_POPF:
        return emulate_popf(emu);
    case X86DEC_MN_HLT:
        fault = pv_emu_require_cpl0(cpu);
        if (pv_fault_is_none(&fault)) {
            cpu->halted = true;
            emu->halt = true;
        }
        return fault;
    case X86DEC_MN_CLAC:
        return emulate_ac(emu, false);
    case X86DEC_MN_STAC:
        return emulate_ac(emu, true);
    default:
        return pv_fault_ud();
    }
}
