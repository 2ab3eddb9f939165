/*
 * Where control goes after one decoded instruction: fall-through, a direct target, a far
 * target (the push/push/lret patterns of mode switches), or nowhere the scan can know. Pure:
 * looks only at the instruction and the ones just before it on the same straight-line run.
 */
#include "patch_internal.h"

#define MODRM_REG(m) (((unsigned)(m) >> 3) & 7u)
#define MODRM_MOD(m) ((unsigned)(m) >> 6)
#define MODRM_RM(m)  ((unsigned)(m)&7u)
#define REX_W        0x08u
#define REX_R        0x04u
#define REX_B        0x01u

static uint64_t width_mask(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* The target of a relative branch: the next instruction's address plus the displacement,
 * wrapped as the processor wraps RIP/EIP (to 16 bits under a 16-bit operand size). */
static uint64_t relative_target(const patch_insn_t *insn)
{
    uint64_t next = insn->address + insn->insn.length;
    uint64_t target = next + insn->insn.imm;

    if (insn->insn.operand_size == 2) {
        return target & 0xffffu;
    }
    return insn->mode == PV_PATCH_MODE_32 ? target & 0xffffffffu : target;
}

void patch_history_push(patch_history_t *history, const patch_insn_t *insn)
{
    patch_step_t *step = &history->steps[history->next];

    step->address = insn->address;
    step->imm = insn->insn.imm;
    step->disp = insn->insn.disp;
    step->length = insn->insn.length;
    step->map = insn->insn.map;
    step->opcode = insn->insn.opcode;
    step->modrm = insn->insn.modrm;
    step->rex = insn->insn.rex;
    step->mode = (uint8_t)insn->mode;
    step->has_modrm = insn->insn.has_modrm;
    step->has_sib = insn->insn.has_sib;
    /* In 64-bit mode ModRM mod 00, r/m 101 is RIP-relative (x86dec flags it only on operands
     * that access memory, and LEA does not). */
    step->rip_relative = insn->mode == PV_PATCH_MODE_64 && insn->insn.has_modrm &&
                         MODRM_MOD(insn->insn.modrm) == 0 && MODRM_RM(insn->insn.modrm) == 5;
    step->imm_size = insn->insn.imm_size;
    step->address_size = insn->insn.address_size;
    history->next = (history->next + 1) % PATCH_HISTORY;
    if (history->count < PATCH_HISTORY) {
        history->count++;
    }
}

/* The k-th newest step (0: the instruction just before the one being looked at), or NULL. */
static const patch_step_t *history_get(const patch_history_t *history, unsigned k)
{
    if (k >= history->count) {
        return NULL;
    }
    return &history->steps[(history->next + PATCH_HISTORY - 1 - k) % PATCH_HISTORY];
}

static bool is_primary(const patch_step_t *step, uint8_t low, uint8_t high)
{
    return step->map == X86DEC_MAP_PRIMARY && step->opcode >= low && step->opcode <= high;
}

/* PUSH imm8 / imm16/32 (a selector or a constant offset). */
static bool push_immediate(const patch_step_t *step, uint64_t *value)
{
    if (step == NULL || !(is_primary(step, 0x68, 0x68) || is_primary(step, 0x6a, 0x6a))) {
        return false;
    }
    *value = step->imm;
    return true;
}

static bool push_register(const patch_step_t *step, unsigned *reg)
{
    if (step == NULL || !is_primary(step, 0x50, 0x57)) {
        return false;
    }
    *reg = (step->opcode & 7u) | ((step->rex & REX_B) != 0 ? 8u : 0u);
    return true;
}

/* LEA of a constant address (RIP-relative, or an absolute disp32 in 32-bit code) or MOV of an
 * immediate into reg: the value it leaves there. */
static bool produces_constant(const patch_step_t *step, unsigned reg, uint64_t *value)
{
    unsigned modrm_reg = MODRM_REG(step->modrm) | ((step->rex & REX_R) != 0 ? 8u : 0u);
    unsigned modrm_rm = MODRM_RM(step->modrm) | ((step->rex & REX_B) != 0 ? 8u : 0u);
    uint64_t immediate = (step->rex & REX_W) != 0 ? step->imm : step->imm & 0xffffffffu;

    if (is_primary(step, 0x8d, 0x8d) && step->has_modrm && modrm_reg == reg) {
        if (step->mode == PV_PATCH_MODE_64 && step->rip_relative) {
            *value = step->address + step->length + (uint64_t)step->disp;
            return true;
        }
        if (step->mode == PV_PATCH_MODE_32 && step->address_size == 4 &&
            MODRM_MOD(step->modrm) == 0 && MODRM_RM(step->modrm) == 5 && !step->has_sib) {
            *value = (uint64_t)step->disp & 0xffffffffu;
            return true;
        }
        return false;
    }
    if (is_primary(step, 0xb8, 0xbf) &&
        ((step->opcode & 7u) | ((step->rex & REX_B) != 0 ? 8u : 0u)) == reg) {
        *value = step->imm_size == 8 ? step->imm : step->imm & 0xffffffffu;
        return true;
    }
    if (is_primary(step, 0xc7, 0xc7) && step->has_modrm && MODRM_MOD(step->modrm) == 3 &&
        MODRM_REG(step->modrm) == 0 && modrm_rm == reg) {
        *value = immediate;
        return true;
    }
    return false;
}

/* push $sel; push $off; lret -- or the offset pushed from a register loaded with a constant
 * (push $sel; lea/mov; push %reg; lret, the selector push and the load in either order). */
static bool far_return_target(const patch_history_t *history, uint64_t *target)
{
    const patch_step_t *offset_push = history_get(history, 0);
    uint64_t selector;
    unsigned reg;

    if (push_immediate(offset_push, target)) {
        return push_immediate(history_get(history, 1), &selector);
    }
    if (!push_register(offset_push, &reg)) {
        return false;
    }
    for (unsigned producer = 1; producer <= 2; producer++) {
        const patch_step_t *load = history_get(history, producer);
        const patch_step_t *other = history_get(history, 3 - producer);
        if (load != NULL && other != NULL && push_immediate(other, &selector) &&
            produces_constant(load, reg, target)) {
            return true;
        }
    }
    return false;
}

static void flow_primary(const patch_insn_t *insn, const patch_history_t *history,
                         patch_flow_t *flow)
{
    const x86dec_insn_t *d = &insn->insn;
    uint8_t opcode = d->opcode;

    /* CALL, Jcc, LOOPcc, JrCXZ and XBEGIN (its abort handler): the target and fall-through. */
    if (opcode == 0xe8 || (opcode >= 0x70 && opcode <= 0x7f) ||
        (opcode >= 0xe0 && opcode <= 0xe3) || (opcode == 0xc7 && d->modrm == 0xf8)) {
        flow->flags |= PATCH_FLOW_TARGET;
        flow->target = relative_target(insn);
    } else if (opcode == 0xe9 || opcode == 0xeb) {
        flow->flags = PATCH_FLOW_TARGET;
        flow->target = relative_target(insn);
    } else if (opcode == 0xc2 || opcode == 0xc3 || opcode == 0xcf) {
        flow->flags = 0; /* RET, IRET */
    } else if (opcode == 0xca || opcode == 0xcb) {
        uint64_t target;
        flow->flags = far_return_target(history, &target) ? PATCH_FLOW_TARGET | PATCH_FLOW_FAR
                                                          : PATCH_FLOW_UNRESOLVED;
        flow->target = flow->flags & PATCH_FLOW_TARGET ? target & width_mask(d->operand_size) : 0;
    } else if (opcode == 0xea || opcode == 0x9a) {
        /* Direct far JMP/CALL (32-bit code only): the offset, entered as 64-bit code. */
        flow->flags = (opcode == 0x9a ? PATCH_FLOW_FALLS_THROUGH : 0u) | PATCH_FLOW_TARGET |
                      PATCH_FLOW_FAR;
        flow->target = d->imm;
    } else if (opcode == 0xff && d->has_modrm) {
        switch (MODRM_REG(d->modrm)) {
        case 2:
            flow->flags |= PATCH_FLOW_INDIRECT;
            break; /* CALL r/m: returns */
        case 3:
            flow->flags |= PATCH_FLOW_UNRESOLVED;
            break; /* CALL m16:xx */
        case 4:
            flow->flags = PATCH_FLOW_INDIRECT;
            break; /* JMP r/m */
        case 5:
            flow->flags = PATCH_FLOW_UNRESOLVED;
            break; /* JMP m16:xx */
        default:
            break;
        }
    }
}

void patch_flow_of(const patch_insn_t *insn, const patch_history_t *history, patch_flow_t *flow)
{
    const x86dec_insn_t *d = &insn->insn;

    flow->flags = PATCH_FLOW_FALLS_THROUGH;
    flow->target = 0;
    switch (d->mnemonic) {
    case X86DEC_MN_UD0:
    case X86DEC_MN_UD1:
    case X86DEC_MN_UD2:
    case X86DEC_MN_SYSRET:
    case X86DEC_MN_SYSEXIT:
    case X86DEC_MN_ERETS:
    case X86DEC_MN_ERETU:
        flow->flags = 0; /* deliberate traps and returns to another privilege level */
        return;
    default:
        break;
    }
    if (d->encoding != X86DEC_ENC_LEGACY) {
        return;
    }
    if (d->map == X86DEC_MAP_PRIMARY) {
        flow_primary(insn, history, flow);
    } else if (d->map == X86DEC_MAP_0F && d->opcode >= 0x80 && d->opcode <= 0x8f) {
        flow->flags |= PATCH_FLOW_TARGET; /* Jcc rel16/32 */
        flow->target = relative_target(insn);
    }
}
