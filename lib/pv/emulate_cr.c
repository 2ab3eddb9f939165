/*
 * Control and debug registers: MOV to and from CR0, CR2, CR3, CR4, CR8 and DR0-DR7, CLTS, LMSW
 * and SMSW, with the reserved-bit and mode-transition faults of SDM Vol. 2 (MOV, CLTS, LMSW,
 * SMSW) and Vol. 3A 2.5 and 9.8.5 (entering and leaving IA-32e mode). Paging changes are told to
 * the software TLB after they take effect. Debug registers are kept, never armed on the host.
 */
#include <pv/emulate.h>

#define CR0_DEFINED                                                                                \
    (PV_CR0_PE | PV_CR0_MP | PV_CR0_EM | PV_CR0_TS | PV_CR0_ET | PV_CR0_NE | PV_CR0_WP |           \
     PV_CR0_AM | PV_CR0_NW | PV_CR0_CD | PV_CR0_PG)
#define CR0_PAGING_BITS (PV_CR0_PG | PV_CR0_WP | PV_CR0_PE)
#define CR4_PAGING_BITS                                                                            \
    (PV_CR4_PSE | PV_CR4_PAE | PV_CR4_PGE | PV_CR4_PCIDE | PV_CR4_SMEP | PV_CR4_SMAP)
#define CR3_NO_FLUSH (1ull << 63)
#define CR3_PCID     0xfffull

#define DR6_FIXED    0xffff0ff0ull
#define DR6_WRITABLE 0x0000e00full
#define DR6_BD       (1ull << 13)
#define DR7_FIXED    0x400ull
#define DR7_WRITABLE 0xffff23ffull
#define DR7_GD       (1ull << 13)

/* The CR4 bits this vCPU offers (the rest are reserved: #GP). */
static uint64_t cr4_allowed(const pv_cpu_t *cpu)
{
    uint32_t features = cpu->config.features;
    uint64_t allowed = PV_CR4_TSD | PV_CR4_DE | PV_CR4_PSE | PV_CR4_PAE | PV_CR4_MCE | PV_CR4_PGE |
                       PV_CR4_OSFXSR | PV_CR4_OSXMMEXCPT;

    allowed |= (features & PV_CPU_F_UMIP) != 0 ? PV_CR4_UMIP : 0;
    allowed |= (features & PV_CPU_F_FSGSBASE) != 0 ? PV_CR4_FSGSBASE : 0;
    allowed |= (features & PV_CPU_F_PCID) != 0 ? PV_CR4_PCIDE : 0;
    allowed |= (features & PV_CPU_F_XSAVE) != 0 ? PV_CR4_OSXSAVE : 0;
    allowed |= (features & PV_CPU_F_SMEP) != 0 ? PV_CR4_SMEP : 0;
    allowed |= (features & PV_CPU_F_SMAP) != 0 ? PV_CR4_SMAP : 0;
    return allowed;
}

static uint64_t phys_mask(const pv_cpu_t *cpu)
{
    unsigned bits = cpu->config.phys_addr_bits;

    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

static void notify_paging(const pv_emu_t *emu, unsigned what, bool no_flush)
{
    pv_paging_t paging = pv_cpu_paging(emu->cpu);

    emu->env->paging_changed(emu->env->context, &paging, what, no_flush);
}

/* SDM Vol. 2 MOV CR0 and Vol. 3A 9.8.5: the checks, then the new CR0, EFER.LMA and mode. */
static pv_fault_t write_cr0(pv_emu_t *emu, uint64_t value)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t old = cpu->cr0;
    bool paging_on = (value & PV_CR0_PG) != 0 && (old & PV_CR0_PG) == 0;
    bool paging_off = (value & PV_CR0_PG) == 0 && (old & PV_CR0_PG) != 0;

    if ((value >> 32) != 0 || ((value & PV_CR0_PG) != 0 && (value & PV_CR0_PE) == 0) ||
        ((value & PV_CR0_NW) != 0 && (value & PV_CR0_CD) == 0)) {
        return pv_fault_gp(0);
    }
    if (paging_on && (cpu->efer & PV_EFER_LME) != 0 && (cpu->cr4 & PV_CR4_PAE) == 0) {
        return pv_fault_gp(0);
    }
    if (paging_off && cpu->mode == PV_MODE_LONG) {
        return pv_fault_gp(0); /* leaving IA-32e mode is done from compatibility mode */
    }
    if ((value & PV_CR0_PE) == 0) {
        return pv_fault_end(PV_END_UNSUPPORTED, "real mode is not offered to PV guests", value);
    }
    cpu->cr0 = (old & ~CR0_DEFINED) | (value & CR0_DEFINED) | PV_CR0_ET;
    if (paging_on && (cpu->efer & PV_EFER_LME) != 0) {
        cpu->efer |= PV_EFER_LMA;
        cpu->mode = PV_MODE_COMPAT; /* CS is still the 32-bit one */
    } else if (paging_off && (cpu->efer & PV_EFER_LMA) != 0) {
        cpu->efer &= ~PV_EFER_LMA;
        cpu->mode = PV_MODE_PROTECTED32;
    }
    if (((old ^ cpu->cr0) & CR0_PAGING_BITS) != 0) {
        notify_paging(emu, PV_PAGING_MODE | PV_PAGING_FLUSH, false);
    }
    return pv_fault_none();
}

static pv_fault_t write_cr3(pv_emu_t *emu, uint64_t value)
{
    pv_cpu_t *cpu = emu->cpu;
    bool pcide = (cpu->cr4 & PV_CR4_PCIDE) != 0;
    bool no_flush = pcide && (value & CR3_NO_FLUSH) != 0;

    if (no_flush) {
        value &= ~CR3_NO_FLUSH;
    }
    if ((cpu->efer & PV_EFER_LMA) != 0 && (value & ~phys_mask(cpu)) != 0) {
        return pv_fault_gp(0); /* reserved bits above MAXPHYADDR (SDM Vol. 3A 4.5.2) */
    }
    cpu->cr3 = cpu->mode == PV_MODE_LONG ? value : value & 0xffffffffull;
    notify_paging(emu, PV_PAGING_CR3, no_flush);
    return pv_fault_none();
}

static pv_fault_t write_cr4(pv_emu_t *emu, uint64_t value)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t old = cpu->cr4;
    unsigned what = PV_PAGING_MODE;

    if ((value & ~cr4_allowed(cpu)) != 0) {
        return pv_fault_gp(0);
    }
    if ((cpu->efer & PV_EFER_LMA) != 0 && (value & PV_CR4_PAE) == 0) {
        return pv_fault_gp(0);
    }
    if ((value & PV_CR4_PCIDE) != 0 && (old & PV_CR4_PCIDE) == 0 &&
        ((cpu->efer & PV_EFER_LMA) == 0 || (cpu->cr3 & CR3_PCID) != 0)) {
        return pv_fault_gp(0);
    }
    cpu->cr4 = value;
    if (((old ^ value) & CR4_PAGING_BITS) != 0) {
        if (((old ^ value) & (PV_CR4_PGE | PV_CR4_PCIDE | PV_CR4_PAE | PV_CR4_PSE)) != 0) {
            what |= PV_PAGING_FLUSH; /* SDM Vol. 3A 4.10.4.1 */
        }
        notify_paging(emu, what, false);
    }
    return pv_fault_none();
}

static pv_fault_t move_to_cr(pv_emu_t *emu, unsigned cr, uint64_t value)
{
    switch (cr) {
    case 0:
        return write_cr0(emu, value);
    case 2:
        emu->cpu->cr2 = value;
        return pv_fault_none();
    case 3:
        return write_cr3(emu, value);
    case 4:
        return write_cr4(emu, value);
    case 8:
        if ((value >> 4) != 0) {
            return pv_fault_gp(0);
        }
        emu->env->tpr_write(emu->env->context, (unsigned)value);
        return pv_fault_none();
    default:
        return pv_fault_ud();
    }
}

static uint64_t read_cr(const pv_emu_t *emu, unsigned cr)
{
    const pv_cpu_t *cpu = emu->cpu;

    switch (cr) {
    case 0:
        return cpu->cr0;
    case 2:
        return cpu->cr2;
    case 3:
        return cpu->cr3;
    case 4:
        return cpu->cr4;
    default:
        return emu->env->tpr_read(emu->env->context) & 0xfu;
    }
}

/* The operand that names the CR or DR, and the GPR one. */
static void split_operands(const x86dec_insn_t *insn, unsigned *number, x86dec_reg_t *gpr)
{
    *number = 0;
    *gpr = X86DEC_REG_NONE;
    for (unsigned i = 0; i < insn->operand_count && i < X86DEC_MAX_OPERANDS; i++) {
        x86dec_reg_t reg = insn->operands[i].reg;

        if (x86dec_reg_is_gpr(reg)) {
            *gpr = reg;
        } else if (reg >= X86DEC_REG_CR0) {
            *number = x86dec_reg_number(reg);
        }
    }
}

static unsigned gpr_size(const pv_cpu_t *cpu)
{
    return cpu->mode == PV_MODE_LONG ? 8u : 4u;
}

/* SDM Vol. 2 MOV DR: CPL, then DR4/DR5 under CR4.DE (#UD), then DR7.GD (#DB), then bits. */
static pv_fault_t move_dr(pv_emu_t *emu, bool to, unsigned number, x86dec_reg_t gpr)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t value = pv_emu_gpr_read(cpu, gpr, gpr_size(cpu));

    if (cpu->cpl != 0) {
        return pv_fault_gp(0);
    }
    if (number == 4 || number == 5) {
        if ((cpu->cr4 & PV_CR4_DE) != 0) {
            return pv_fault_ud();
        }
        number += 2;
    }
    if (number > 7) {
        return pv_fault_ud();
    }
    if ((cpu->dr[7] & DR7_GD) != 0) {
        cpu->dr[6] |= DR6_BD; /* the #DB handler finds DR7.GD clear and DR6.BD set */
        cpu->dr[7] &= ~DR7_GD;
        return pv_fault_exception(PV_VEC_DB);
    }
    if (!to) {
        pv_emu_gpr_write(cpu, gpr, gpr_size(cpu), cpu->dr[number]);
        return pv_fault_none();
    }
    if ((number == 6 || number == 7) && (value >> 32) != 0) {
        return pv_fault_gp(0);
    }
    if (number == 6) {
        cpu->dr[6] = (value & DR6_WRITABLE) | DR6_FIXED;
    } else if (number == 7) {
        cpu->dr[7] = (value & DR7_WRITABLE) | DR7_FIXED;
    } else {
        cpu->dr[number] = value;
    }
    return pv_fault_none();
}

/* SMSW: no CPL check unless CR4.UMIP; a register gets the operand size, memory 16 bits. */
static pv_fault_t emulate_smsw(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    const x86dec_operand_t *dest = &emu->insn.operands[0];
    uint64_t address = 0;
    uint16_t low = (uint16_t)cpu->cr0;
    pv_fault_t fault;

    if (cpu->cpl > 0 && (cpu->cr4 & PV_CR4_UMIP) != 0) {
        return pv_fault_gp(0);
    }
    if (dest->kind == X86DEC_OPK_REG) {
        pv_emu_gpr_write(cpu, dest->reg, emu->insn.operand_size, cpu->cr0);
        return pv_fault_none();
    }
    fault = pv_emu_operand_address(emu, 0, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_write(cpu, emu->env, address, &low, sizeof(low), PV_EMU_DATA, false);
    }
    return fault;
}

/* LMSW: the low four bits of CR0; PE can be set, never cleared. */
static pv_fault_t emulate_lmsw(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t source = 0;
    pv_fault_t fault = pv_emu_require_cpl0(cpu);

    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_operand_read(emu, 0, 2, &source);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    return write_cr0(emu, (cpu->cr0 & ~0xeull) | (source & 0xfu) | (cpu->cr0 & PV_CR0_PE));
}

pv_fault_t pv_emulate_cr(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned number = 0;
    x86dec_reg_t gpr = X86DEC_REG_NONE;
    pv_fault_t fault = pv_fault_none();

    split_operands(&emu->insn, &number, &gpr);
    switch (emu->insn.mnemonic) {
    case X86DEC_MN_MOV_FROM_CR:
        fault = pv_emu_require_cpl0(cpu);
        if (pv_fault_is_none(&fault)) {
            pv_emu_gpr_write(cpu, gpr, gpr_size(cpu), read_cr(emu, number));
        }
        return fault;
    case X86DEC_MN_MOV_TO_CR:
        fault = pv_emu_require_cpl0(cpu);
        if (pv_fault_is_none(&fault)) {
            fault = move_to_cr(emu, number, pv_emu_gpr_read(cpu, gpr, gpr_size(cpu)));
        }
        return fault;
    case X86DEC_MN_MOV_FROM_DR:
        return move_dr(emu, false, number, gpr);
    case X86DEC_MN_MOV_TO_DR:
        return move_dr(emu, true, number, gpr);
    case X86DEC_MN_CLTS:
        fault = pv_emu_require_cpl0(cpu);
        if (pv_fault_is_none(&fault)) {
            cpu->cr0 &= ~PV_CR0_TS;
        }
        return fault;
    case X86DEC_MN_LMSW:
        return emulate_lmsw(emu);
    case X86DEC_MN_SMSW:
    default:
        return emulate_smsw(emu);
    }
}
