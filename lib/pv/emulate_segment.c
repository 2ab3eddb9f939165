/*
 * Segment registers: MOV to and from them, POP and PUSH of segment registers, LSS/LFS/LGS (and
 * LES/LDS in 32-bit code), RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE and SWAPGS. Every load goes
 * through the guest's own GDT/LDT with the checks of SDM Vol. 2 MOV; the host's selectors are
 * never shown to the guest.
 */
#include <pv/cpu_desc.h>

/* The checks of a load into `seg` (SS with the stack rules); *cache is what to load. */
static pv_fault_t check_load(const pv_emu_t *emu, pv_seg_t seg, uint16_t selector,
                             pv_segment_t *cache)
{
    if (seg == PV_SEG_CS) {
        return pv_fault_ud();
    }
    if (seg == PV_SEG_SS) {
        return pv_segment_check_stack(emu->cpu, emu->env, selector, emu->cpu->cpl, cache);
    }
    return pv_segment_check_data(emu->cpu, emu->env, selector, cache);
}

/* The act of a checked load; SS also blocks interrupts for one instruction (SDM Vol. 2 MOV). */
static void commit_load(pv_emu_t *emu, pv_seg_t seg, const pv_segment_t *cache)
{
    pv_segment_load(emu->cpu, seg, cache);
    if (seg == PV_SEG_SS) {
        emu->cpu->interrupt_shadow = true;
        emu->cpu->shadow_rip = emu->next_rip;
    }
}

/* Which operand is the segment register, and which segment. */
static unsigned sreg_operand(const x86dec_insn_t *insn, pv_seg_t *seg)
{
    for (unsigned i = 0; i < insn->operand_count && i < X86DEC_MAX_OPERANDS; i++) {
        x86dec_reg_t reg = insn->operands[i].reg;

        if (insn->operands[i].kind == X86DEC_OPK_REG && reg >= X86DEC_REG_ES &&
            reg <= X86DEC_REG_GS) {
            *seg = (pv_seg_t)(reg - X86DEC_REG_ES);
            return i;
        }
    }
    *seg = PV_SEG_CS;
    return 0;
}

static pv_fault_t emulate_mov_to(pv_emu_t *emu)
{
    pv_seg_t seg;
    unsigned index = sreg_operand(&emu->insn, &seg);
    uint64_t selector = 0;
    pv_segment_t cache;
    pv_fault_t fault = pv_emu_operand_read(emu, index == 0 ? 1 : 0, 2, &selector);

    if (pv_fault_is_none(&fault)) {
        fault = check_load(emu, seg, (uint16_t)selector, &cache);
    }
    if (pv_fault_is_none(&fault)) {
        commit_load(emu, seg, &cache);
    }
    return fault;
}

static pv_fault_t emulate_mov_from(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    pv_seg_t seg;
    unsigned index = sreg_operand(&emu->insn, &seg);
    const x86dec_operand_t *dest = &emu->insn.operands[index == 0 ? 1 : 0];
    uint16_t selector = cpu->seg[seg].selector;
    uint64_t address = 0;
    pv_fault_t fault;

    if (dest->kind == X86DEC_OPK_REG) {
        pv_emu_gpr_write(cpu, dest->reg, emu->insn.operand_size, selector);
        return pv_fault_none();
    }
    fault = pv_emu_operand_address(emu, index == 0 ? 1 : 0, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_write(cpu, emu->env, address, &selector, 2, PV_EMU_DATA, false);
    }
    return fault;
}

static pv_fault_t emulate_pop(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    pv_seg_t seg;
    uint64_t value = 0;
    uint64_t rsp = 0;
    pv_segment_t cache;
    pv_fault_t fault;

    (void)sreg_operand(&emu->insn, &seg);
    fault = pv_emu_pop(emu, cpu->gpr[X86DEC_GPR_RSP], emu->insn.operand_size, &value, &rsp);
    if (pv_fault_is_none(&fault)) {
        fault = check_load(emu, seg, (uint16_t)value, &cache);
    }
    if (pv_fault_is_none(&fault)) {
        cpu->gpr[X86DEC_GPR_RSP] = rsp;
        commit_load(emu, seg, &cache);
    }
    return fault;
}

/* PUSH of a segment register: 0F A0 / 0F A8 (FS, GS), and in 32-bit code 06 0E 16 1E. */
static pv_fault_t emulate_push(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    const x86dec_insn_t *insn = &emu->insn;
    pv_seg_t seg;
    uint64_t rsp = 0;
    pv_fault_t fault;

    if (insn->map == X86DEC_MAP_0F) {
        seg = insn->opcode == 0xa0 ? PV_SEG_FS : PV_SEG_GS;
    } else {
        seg = (pv_seg_t)(insn->opcode >> 3 & 3u);
    }
    fault = pv_emu_push(emu, cpu->seg[seg].selector, insn->operand_size, &rsp);
    if (pv_fault_is_none(&fault)) {
        cpu->gpr[X86DEC_GPR_RSP] = rsp;
    }
    return fault;
}

/* LSS, LFS, LGS, LES, LDS: offset then selector from memory (SDM Vol. 2 LDS/LES/LFS/LGS/LSS). */
static pv_fault_t emulate_load_far(pv_emu_t *emu, pv_seg_t seg)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = emu->insn.operand_size;
    uint8_t raw[10] = {0};
    uint64_t address = 0;
    uint64_t offset = 0;
    uint16_t selector = 0;
    pv_segment_t cache;
    pv_fault_t fault = pv_emu_operand_address(emu, 1, &address);

    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_read(cpu, emu->env, address, raw, size + 2u, PV_EMU_DATA, false);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    __builtin_memcpy(&offset, raw, size);
    __builtin_memcpy(&selector, raw + size, 2);
    fault = check_load(emu, seg, selector, &cache);
    if (pv_fault_is_none(&fault)) {
        commit_load(emu, seg, &cache);
        pv_emu_gpr_write(cpu, emu->insn.operands[0].reg, size, offset);
    }
    return fault;
}

/* RD/WR FS/GS BASE: #UD outside 64-bit mode or without CR4.FSGSBASE (SDM Vol. 2). */
static pv_fault_t emulate_base(pv_emu_t *emu, pv_seg_t seg, bool write)
{
    pv_cpu_t *cpu = emu->cpu;
    const x86dec_operand_t *reg = &emu->insn.operands[0];
    unsigned size = emu->insn.operand_size;

    if (cpu->mode != PV_MODE_LONG || (cpu->cr4 & PV_CR4_FSGSBASE) == 0) {
        return pv_fault_ud();
    }
    if (!write) {
        pv_emu_gpr_write(cpu, reg->reg, size, cpu->seg[seg].base);
        return pv_fault_none();
    }
    uint64_t value = pv_emu_gpr_read(cpu, reg->reg, size);

    if (!pv_canonical(value)) {
        return pv_fault_gp(0);
    }
    cpu->seg[seg].base = value;
    return pv_fault_none();
}

static pv_fault_t emulate_swapgs(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t base = cpu->seg[PV_SEG_GS].base;

    if (cpu->mode != PV_MODE_LONG) {
        return pv_fault_ud();
    }
    if (cpu->cpl != 0) {
        return pv_fault_gp(0);
    }
    cpu->seg[PV_SEG_GS].base = cpu->kernel_gs_base;
    cpu->kernel_gs_base = base;
    return pv_fault_none();
}

pv_fault_t pv_emulate_segment(pv_emu_t *emu)
{
    switch (emu->insn.mnemonic) {
    case X86DEC_MN_MOV_TO_SREG:
        return emulate_mov_to(emu);
    case X86DEC_MN_MOV_FROM_SREG:
        return emulate_mov_from(emu);
    case X86DEC_MN_POP_SREG:
        return emulate_pop(emu);
    case X86DEC_MN_LSS:
        return emulate_load_far(emu, PV_SEG_SS);
    case X86DEC_MN_LFS:
        return emulate_load_far(emu, PV_SEG_FS);
    case X86DEC_MN_LGS:
        return emulate_load_far(emu, PV_SEG_GS);
    case PV_EMU_MN_LES:
        return emulate_load_far(emu, PV_SEG_ES);
    case PV_EMU_MN_LDS:
        return emulate_load_far(emu, PV_SEG_DS);
    case X86DEC_MN_RDFSBASE:
        return emulate_base(emu, PV_SEG_FS, false);
    case X86DEC_MN_RDGSBASE:
        return emulate_base(emu, PV_SEG_GS, false);
    case X86DEC_MN_WRFSBASE:
        return emulate_base(emu, PV_SEG_FS, true);
    case X86DEC_MN_WRGSBASE:
        return emulate_base(emu, PV_SEG_GS, true);
    case X86DEC_MN_SWAPGS:
        return emulate_swapgs(emu);
    default:
        return emulate_push(emu);
    }
}
