/*
 * Far control transfers: far JMP, CALL and RET and IRET/IRETD/IRETQ, through the guest's GDT and
 * LDT with the checks of SDM Vol. 2 (JMP, CALL, RET, IRET, protected and IA-32e modes), including
 * the return to an outer privilege level (the guest's user mode) and the switches between 32-bit
 * and 64-bit code that the boot path makes. Call gates and task switches are not offered.
 */
#include <pv/cpu_desc.h>

/* Where a far transfer lands, as the check step found it. */
typedef struct far_target {
    pv_segment_t cs;
    pv_mode_t mode;
    unsigned cpl;
    uint64_t rip;
} far_target_t;

typedef enum {
    TRANSFER_CALL_JMP, /* the target's privilege must equal the CPL */
    TRANSFER_RETURN,   /* RET/IRET: the target's RPL may be outer */
} transfer_kind_t;

/* The code segment's checks (SDM Vol. 2 JMP "far jump to conforming/nonconforming code
 * segment", RET and IRET "return to same/outer privilege level"). */
static pv_fault_t check_code_segment(const pv_emu_t *emu, uint16_t selector, transfer_kind_t kind,
                                     far_target_t *target)
{
    const pv_cpu_t *cpu = emu->cpu;
    uint32_t error = pv_selector_error(selector);
    unsigned rpl = selector & PV_SELECTOR_RPL;
    pv_descriptor_t desc;
    pv_fault_t fault;
    unsigned dpl;

    if (pv_selector_is_null(selector)) {
        return pv_fault_gp(0);
    }
    fault = pv_desc_read(cpu, emu->env, selector, false, false, &desc);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (!pv_desc_is_code_data(desc.low)) {
        if (pv_desc_type(desc.low) == PV_SYS_CALL_GATE && kind == TRANSFER_CALL_JMP) {
            return pv_fault_end(PV_END_UNSUPPORTED, "call gates are not offered to PV guests",
                                selector);
        }
        return pv_fault_gp(error);
    }
    dpl = pv_desc_dpl(desc.low);
    target->cpl = kind == TRANSFER_RETURN ? rpl : cpu->cpl;
    if (!pv_desc_is_code(desc.low) || (kind == TRANSFER_RETURN && rpl < cpu->cpl)) {
        return pv_fault_gp(error);
    }
    if (pv_desc_is_conforming_code(desc.low)) {
        if (dpl > target->cpl) {
            return pv_fault_gp(error);
        }
    } else if (dpl != target->cpl || (kind == TRANSFER_CALL_JMP && rpl > cpu->cpl)) {
        return pv_fault_gp(error);
    }
    if (!pv_desc_present(desc.low)) {
        return pv_fault_with_code(PV_VEC_NP, error);
    }
    if ((cpu->efer & PV_EFER_LMA) != 0 && pv_desc_long(desc.low) && pv_desc_default_big(desc.low)) {
        return pv_fault_gp(error); /* L and D together are reserved in IA-32e mode */
    }
    target->cs = pv_segment_from_descriptor((uint16_t)((selector & ~3u) | target->cpl), desc.low);
    if (!pv_segment_code_mode(cpu, &target->cs, &target->mode)) {
        return pv_fault_end(PV_END_UNSUPPORTED, "16-bit code is not offered to PV guests",
                            selector);
    }
    return pv_fault_none();
}

/* The target offset: canonical for 64-bit code; for 32-bit code cut to a 16- or 32-bit operand
 * and inside the segment's limit (a 64-bit offset is not cut: above the limit it is #GP(0)). */
static pv_fault_t check_offset(far_target_t *target, uint64_t offset, unsigned operand_size)
{
    if (target->mode == PV_MODE_LONG) {
        if (!pv_canonical(offset)) {
            return pv_fault_gp(0);
        }
        target->rip = offset;
        return pv_fault_none();
    }
    if (operand_size == 2) {
        offset &= 0xffffull;
    } else if (operand_size == 4) {
        offset &= 0xffffffffull;
    }
    if (offset > target->cs.limit) {
        return pv_fault_gp(0);
    }
    target->rip = offset;
    return pv_fault_none();
}

static void commit_target(pv_emu_t *emu, const far_target_t *target)
{
    pv_cpu_t *cpu = emu->cpu;

    cpu->seg[PV_SEG_CS] = target->cs;
    cpu->mode = target->mode;
    cpu->cpl = target->cpl;
    emu->next_rip = target->rip;
}

/* The far pointer of JMP/CALL: an immediate (32-bit code's EA/9A) or m16:16/32/64. */
static pv_fault_t read_far_pointer(const pv_emu_t *emu, uint64_t *offset, uint16_t *selector)
{
    const x86dec_insn_t *insn = &emu->insn;
    unsigned size = insn->operand_size;
    uint8_t raw[10] = {0};
    uint64_t address = 0;
    pv_fault_t fault;

    *offset = 0;
    if (insn->operands[0].kind == X86DEC_OPK_IMM) {
        *offset = insn->imm;
        *selector = (uint16_t)insn->imm2;
        return pv_fault_none();
    }
    fault = pv_emu_operand_address(emu, 0, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_read(emu->cpu, emu->env, address, raw, size + 2u, PV_EMU_DATA, false);
    }
    __builtin_memcpy(offset, raw, size);
    __builtin_memcpy(selector, raw + size, 2);
    return fault;
}

static pv_fault_t emulate_jmp_call(pv_emu_t *emu, bool call)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = emu->insn.operand_size;
    uint64_t offset = 0;
    uint16_t selector = 0;
    far_target_t target;
    uint64_t frame[2];
    uint64_t rsp = cpu->gpr[X86DEC_GPR_RSP];
    pv_fault_t fault = read_far_pointer(emu, &offset, &selector);

    if (pv_fault_is_none(&fault)) {
        fault = check_code_segment(emu, selector, TRANSFER_CALL_JMP, &target);
    }
    if (pv_fault_is_none(&fault)) {
        fault = check_offset(&target, offset, size);
    }
    if (pv_fault_is_none(&fault) && call) {
        /* CALL pushes CS, then the return address (SDM Vol. 2 CALL): [RSP] = RIP, CS above. */
        uint8_t raw[16] = {0};

        frame[0] = emu->next_rip;
        frame[1] = cpu->seg[PV_SEG_CS].selector;
        __builtin_memcpy(raw, &frame[0], size);
        __builtin_memcpy(raw + size, &frame[1], size);
        rsp = (rsp - 2ull * size) & (cpu->mode == PV_MODE_LONG ? ~0ull : 0xffffffffull);
        fault = pv_emu_write(cpu, emu->env, rsp, raw, 2ull * size, PV_EMU_DATA, true);
    }
    if (pv_fault_is_none(&fault)) {
        cpu->gpr[X86DEC_GPR_RSP] = rsp;
        commit_target(emu, &target);
    }
    return fault;
}

/* Words popped by RET/IRET: size bytes each from the current stack. */
static pv_fault_t pop_words(const pv_emu_t *emu, unsigned count, unsigned size, uint64_t *words,
                            uint64_t *rsp)
{
    pv_fault_t fault = pv_fault_none();

    for (unsigned i = 0; i < count && pv_fault_is_none(&fault); i++) {
        fault = pv_emu_pop(emu, *rsp, size, &words[i], rsp);
    }
    return fault;
}

/* The outer level's SS:RSP of a return (SDM Vol. 2 RET, IRET "RETURN-TO-OUTER-PRIVILEGE"). */
static pv_fault_t check_outer_stack(const pv_emu_t *emu, const far_target_t *target,
                                    uint16_t selector, pv_segment_t *ss)
{
    pv_cpu_t probe = *emu->cpu;

    probe.mode = target->mode; /* a null SS is allowed when returning to 64-bit code */
    return pv_segment_check_stack(&probe, emu->env, selector, target->cpl, ss);
}

/* SS is loaded when it was popped; data segments are dropped only on a return outwards. */
static void commit_return(pv_emu_t *emu, const far_target_t *target, bool load_ss, bool outer,
                          const pv_segment_t *ss, uint64_t rsp)
{
    pv_cpu_t *cpu = emu->cpu;

    commit_target(emu, target);
    cpu->gpr[X86DEC_GPR_RSP] = target->mode == PV_MODE_LONG ? rsp : rsp & 0xffffffffull;
    if (load_ss) {
        pv_segment_load(cpu, PV_SEG_SS, ss);
    }
    if (outer) {
        pv_segment_drop_inner(cpu);
    }
}

static pv_fault_t emulate_ret_far(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = emu->insn.operand_size;
    uint64_t release = emu->insn.imm_size != 0 ? emu->insn.imm & 0xffffu : 0;
    uint64_t rsp = cpu->gpr[X86DEC_GPR_RSP];
    uint64_t words[2] = {0, 0};
    far_target_t target;
    pv_segment_t ss = cpu->seg[PV_SEG_SS];
    bool outer = false;
    pv_fault_t fault = pop_words(emu, 2, size, words, &rsp);

    if (pv_fault_is_none(&fault)) {
        fault = check_code_segment(emu, (uint16_t)words[1], TRANSFER_RETURN, &target);
    }
    if (pv_fault_is_none(&fault)) {
        fault = check_offset(&target, words[0], size);
        outer = target.cpl > cpu->cpl;
        rsp += release;
    }
    if (pv_fault_is_none(&fault) && outer) {
        uint64_t stack[2] = {0, 0};

        fault = pop_words(emu, 2, size, stack, &rsp);
        if (pv_fault_is_none(&fault)) {
            fault = check_outer_stack(emu, &target, (uint16_t)stack[1], &ss);
            rsp = stack[0] + release;
        }
    }
    if (pv_fault_is_none(&fault)) {
        commit_return(emu, &target, outer, outer, &ss, rsp);
    }
    return fault;
}

/* SDM Vol. 2 IRET: the flags an IRET restores at the old CPL. */
static uint64_t iret_flags(const pv_cpu_t *cpu, uint64_t image, unsigned size)
{
    uint64_t mask = PV_RFLAGS_CF | PV_RFLAGS_PF | PV_RFLAGS_AF | PV_RFLAGS_ZF | PV_RFLAGS_SF |
                    PV_RFLAGS_TF | PV_RFLAGS_DF | PV_RFLAGS_OF | PV_RFLAGS_NT | PV_RFLAGS_RF |
                    PV_RFLAGS_AC | PV_RFLAGS_ID;

    if (cpu->cpl <= pv_rflags_iopl(cpu->rflags)) {
        mask |= PV_RFLAGS_IF;
    }
    if (cpu->cpl == 0) {
        mask |= PV_RFLAGS_IOPL | PV_RFLAGS_VIF | PV_RFLAGS_VIP;
    }
    if (size == 2) {
        mask &= 0xffffu;
    }
    return (cpu->rflags & ~mask) | (image & mask) | PV_RFLAGS_FIXED;
}

static pv_fault_t emulate_iret(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = emu->insn.operand_size;
    uint64_t rsp = cpu->gpr[X86DEC_GPR_RSP];
    uint64_t words[5] = {0, 0, 0, 0, 0};
    far_target_t target;
    pv_segment_t ss = cpu->seg[PV_SEG_SS];
    uint64_t old_flags = cpu->rflags;
    bool outer = false;
    bool pop_stack;
    pv_fault_t fault;

    if ((cpu->rflags & PV_RFLAGS_NT) != 0) {
        return pv_fault_gp(0); /* task returns do not exist in IA-32e mode */
    }
    fault = pop_words(emu, 3, size, words, &rsp);
    if (pv_fault_is_none(&fault) && (words[2] & PV_RFLAGS_VM) != 0 && size != 2) {
        fault = pv_fault_gp(0);
    }
    if (pv_fault_is_none(&fault)) {
        fault = check_code_segment(emu, (uint16_t)words[1], TRANSFER_RETURN, &target);
    }
    if (pv_fault_is_none(&fault)) {
        fault = check_offset(&target, words[0], size);
        outer = target.cpl > cpu->cpl;
    }
    /* 64-bit mode always pops SS:RSP; 32-bit code only on a return to an outer level. */
    pop_stack = outer || cpu->mode == PV_MODE_LONG;
    if (pv_fault_is_none(&fault) && pop_stack) {
        fault = pop_words(emu, 2, size, &words[3], &rsp);
        if (pv_fault_is_none(&fault)) {
            fault = check_outer_stack(emu, &target, (uint16_t)words[4], &ss);
            rsp = words[3];
        }
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    cpu->rflags = iret_flags(cpu, words[2], size);
    commit_return(emu, &target, pop_stack, outer, &ss, rsp);
    cpu->nmi_blocked = false;
    pv_emu_ac_update(cpu, emu->env, old_flags);
    return pv_fault_none();
}

pv_fault_t pv_emulate_far(pv_emu_t *emu)
{
    switch (emu->insn.mnemonic) {
    case X86DEC_MN_JMP_FAR:
        return emulate_jmp_call(emu, false);
    case X86DEC_MN_CALL_FAR:
        return emulate_jmp_call(emu, true);
    case X86DEC_MN_RET_FAR:
        return emulate_ret_far(emu);
    case X86DEC_MN_IRET:
    default:
        return emulate_iret(emu);
    }
}
