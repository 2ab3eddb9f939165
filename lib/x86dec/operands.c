/*
 * Operand-level description of the instructions a VMM emulates or patches (x86dec_mnemonic_t):
 * registers, memory operands (base, index, scale, displacement, segment) and immediates.
 * Runs only after the decoder accepted the bytes; it never re-validates them.
 */
#include "internal.h"

static x86dec_operand_t *operand_add(x86dec_insn_t *insn, uint8_t kind, uint8_t size,
                                     uint8_t access)
{
    x86dec_operand_t *op = &insn->operands[insn->operand_count++];
    op->kind = kind;
    op->size = size;
    op->access = access;
    return op;
}

/* A general-purpose register; byte registers 4-7 are AH..BH unless a REX prefix is present. */
static x86dec_reg_t gpr_of(const x86dec_ctx_t *c, unsigned number, unsigned size)
{
    if (size == 1 && c->rex == 0 && number >= 4 && number < 8)
        return (x86dec_reg_t)(X86DEC_REG_AH + (number - 4));
    return x86dec_reg_gpr(number);
}

static void reg_add(x86dec_insn_t *insn, x86dec_reg_t reg, unsigned size, uint8_t access)
{
    x86dec_operand_t *op = operand_add(insn, X86DEC_OPK_REG, (uint8_t)size, access);
    op->reg = reg;
}

static void gpr_add(const x86dec_ctx_t *c, x86dec_insn_t *insn, unsigned number, unsigned size,
                    uint8_t access)
{
    reg_add(insn, gpr_of(c, number, size), size, access);
}

static unsigned modrm_reg_number(const x86dec_ctx_t *c)
{
    return modrm_reg(c) | ((c->rex & 4u) << 1);
}

static unsigned modrm_rm_number(const x86dec_ctx_t *c)
{
    return modrm_rm(c) | ((c->rex & 1u) << 3);
}

static x86dec_reg_t segment_default(const x86dec_ctx_t *c, x86dec_reg_t base)
{
    if (c->segment == 0x64)
        return X86DEC_REG_FS;
    if (c->segment == 0x65)
        return X86DEC_REG_GS;
    if (base == x86dec_reg_gpr(X86DEC_GPR_RSP) || base == x86dec_reg_gpr(X86DEC_GPR_RBP))
        return X86DEC_REG_SS;
    return X86DEC_REG_DS;
}

/* The ModRM memory operand (mod != 3). */
static void memory_add(const x86dec_ctx_t *c, x86dec_insn_t *insn, unsigned size, uint8_t access)
{
    x86dec_operand_t *op = operand_add(insn, X86DEC_OPK_MEM, (uint8_t)size, access);
    x86dec_mem_t *mem = &op->mem;
    mem->scale = 1;
    mem->address_size = c->address_size;
    mem->disp = insn->disp;
    unsigned mod = modrm_mod(c);
    if (c->has_sib) {
        unsigned index = ((c->sib >> 3) & 7u) | ((c->rex & 2u) << 2);
        unsigned base = c->sib & 7u;
        if (index != 4)
            mem->index = x86dec_reg_gpr(index);
        mem->scale = (uint8_t)(1u << (c->sib >> 6));
        if (!(mod == 0 && base == 5))
            mem->base = x86dec_reg_gpr(base | ((c->rex & 1u) << 3));
    } else if (mod == 0 && modrm_rm(c) == 5) {
        mem->base = X86DEC_REG_RIP;
        mem->rip_relative = true;
    } else {
        mem->base = x86dec_reg_gpr(modrm_rm_number(c));
    }
    mem->segment = segment_default(c, mem->base);
}

/* The ModRM r/m operand: a register (mod == 3) or memory. */
static void rm_add(const x86dec_ctx_t *c, x86dec_insn_t *insn, unsigned size, uint8_t access)
{
    if (modrm_mod(c) == 3)
        gpr_add(c, insn, modrm_rm_number(c), size, access);
    else
        memory_add(c, insn, size, access);
}

/* String operand: [rSI] (segment overridable) or ES:[rDI]. */
static void string_add(const x86dec_ctx_t *c, x86dec_insn_t *insn, bool destination, unsigned size,
                       uint8_t access)
{
    x86dec_operand_t *op = operand_add(insn, X86DEC_OPK_MEM, (uint8_t)size, access);
    op->mem.scale = 1;
    op->mem.address_size = c->address_size;
    if (destination) {
        op->mem.base = x86dec_reg_gpr(X86DEC_GPR_RDI);
        op->mem.segment = X86DEC_REG_ES;
    } else {
        op->mem.base = x86dec_reg_gpr(X86DEC_GPR_RSI);
        op->mem.segment = segment_default(c, op->mem.base);
    }
}

static void imm_add(x86dec_insn_t *insn, uint64_t value, unsigned size)
{
    x86dec_operand_t *op = operand_add(insn, X86DEC_OPK_IMM, (uint8_t)size, X86DEC_ACCESS_READ);
    op->imm = value;
}

static uint64_t zero_extend(uint64_t value, unsigned size)
{
    return size >= 8 ? value : value & ((1ull << (8 * size)) - 1);
}

static void mov_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn)
{
    const uint8_t R = X86DEC_ACCESS_READ, W = X86DEC_ACCESS_WRITE;
    unsigned osz = c->operand_size;
    uint8_t op = c->opcode;
    if (op >= 0x88 && op <= 0x8B) {
        bool to_rm = op <= 0x89;
        if (to_rm) {
            rm_add(c, insn, osz, W);
            gpr_add(c, insn, modrm_reg_number(c), osz, R);
        } else {
            gpr_add(c, insn, modrm_reg_number(c), osz, W);
            rm_add(c, insn, osz, R);
        }
    } else if (op >= 0xA0 && op <= 0xA3) {
        bool to_memory = op >= 0xA2;
        x86dec_operand_t moffs = {.kind = X86DEC_OPK_MEM, .size = (uint8_t)osz};
        moffs.mem.scale = 1;
        moffs.mem.address_size = c->address_size;
        moffs.mem.disp = (int64_t)zero_extend(insn->imm, c->address_size);
        moffs.mem.segment = segment_default(c, X86DEC_REG_NONE);
        insn->imm = 0;
        insn->imm_size = 0;
        insn->disp = moffs.mem.disp;
        insn->disp_size = c->imm_size;
        if (to_memory) {
            moffs.access = W;
            insn->operands[insn->operand_count++] = moffs;
            gpr_add(c, insn, X86DEC_GPR_RAX, osz, R);
        } else {
            gpr_add(c, insn, X86DEC_GPR_RAX, osz, W);
            moffs.access = R;
            insn->operands[insn->operand_count++] = moffs;
        }
    } else if (op >= 0xB0 && op <= 0xBF) {
        gpr_add(c, insn, (op & 7u) | ((c->rex & 1u) << 3), osz, W);
        imm_add(insn, zero_extend(insn->imm, osz), osz);
    } else if (op == 0xC6 || op == 0xC7) {
        rm_add(c, insn, osz, W);
        imm_add(insn, zero_extend(insn->imm, osz), osz);
    }
}

static void io_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn, bool out)
{
    unsigned size = c->operand_size > 4 ? 4 : c->operand_size;
    bool port_imm = c->opcode < 0xEC;
    if (!out)
        gpr_add(c, insn, X86DEC_GPR_RAX, size, X86DEC_ACCESS_WRITE);
    if (port_imm)
        imm_add(insn, insn->imm & 0xFFu, 1);
    else
        reg_add(insn, x86dec_reg_gpr(X86DEC_GPR_RDX), 2, X86DEC_ACCESS_READ);
    if (out)
        gpr_add(c, insn, X86DEC_GPR_RAX, size, X86DEC_ACCESS_READ);
}

static void control_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn, x86dec_reg_t bank,
                             bool to_special)
{
    x86dec_reg_t special = (x86dec_reg_t)(bank + modrm_reg_number(c));
    x86dec_reg_t gpr = x86dec_reg_gpr(modrm_rm_number(c));
    if (to_special) {
        reg_add(insn, special, 8, X86DEC_ACCESS_WRITE);
        reg_add(insn, gpr, 8, X86DEC_ACCESS_READ);
    } else {
        reg_add(insn, gpr, 8, X86DEC_ACCESS_WRITE);
        reg_add(insn, special, 8, X86DEC_ACCESS_READ);
    }
}

/* The segment register in ModRM.reg (8C, 8E) or named by the opcode (0F A1: FS, 0F A9: GS). */
static x86dec_reg_t segment_of(const x86dec_ctx_t *c)
{
    if (c->map == X86DEC_MAP_0F)
        return c->opcode == 0xA1 ? X86DEC_REG_FS : X86DEC_REG_GS;
    return (x86dec_reg_t)(X86DEC_REG_ES + modrm_reg(c));
}

/* Segment loads and far transfers: a far pointer in memory is an offset of the operand size
 * followed by a 16-bit selector (m16:16, m16:32, m16:64). */
static void segment_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn)
{
    const uint8_t R = X86DEC_ACCESS_READ, W = X86DEC_ACCESS_WRITE;
    unsigned osz = c->operand_size;
    switch (insn->mnemonic) {
    case X86DEC_MN_MOV_FROM_SREG:
        rm_add(c, insn, modrm_mod(c) == 3 ? osz : 2, W);
        reg_add(insn, segment_of(c), 2, R);
        break;
    case X86DEC_MN_MOV_TO_SREG:
        reg_add(insn, segment_of(c), 2, W);
        rm_add(c, insn, 2, R);
        break;
    case X86DEC_MN_POP_SREG:
        reg_add(insn, segment_of(c), 2, W);
        break;
    case X86DEC_MN_LSS:
    case X86DEC_MN_LFS:
    case X86DEC_MN_LGS:
        gpr_add(c, insn, modrm_reg_number(c), osz, W);
        memory_add(c, insn, osz + 2, R);
        break;
    case X86DEC_MN_CALL_FAR:
    case X86DEC_MN_JMP_FAR:
        memory_add(c, insn, osz + 2, R);
        break;
    case X86DEC_MN_RET_FAR:
        if (c->opcode == 0xCA)
            imm_add(insn, insn->imm & 0xFFFFu, 2);
        break;
    default:
        break;
    }
}

/* The VEX map 7 MSR instructions: the register is ModRM.rm extended by VEX.B. */
static void msr_immediate_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn)
{
    x86dec_reg_t reg = x86dec_reg_gpr(modrm_rm(c) | (c->vex_b << 3));
    uint64_t msr = insn->imm & 0xFFFFFFFFu;
    if (insn->mnemonic == X86DEC_MN_RDMSR_IMM) {
        reg_add(insn, reg, 8, X86DEC_ACCESS_WRITE);
        imm_add(insn, msr, 4);
    } else {
        imm_add(insn, msr, 4);
        reg_add(insn, reg, 8, X86DEC_ACCESS_READ);
    }
}

/* Instructions of user-mode state, descriptors and traps with explicit operands. */
static void user_state_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn)
{
    const uint8_t R = X86DEC_ACCESS_READ, W = X86DEC_ACCESS_WRITE;
    unsigned osz = c->operand_size;
    unsigned wide = (c->rex & 8u) ? 8 : 4; /* r32 or r64: 66 does not make these 16-bit */
    switch (insn->mnemonic) {
    case X86DEC_MN_RDPID:
        gpr_add(c, insn, modrm_rm_number(c), 8, W); /* RDPID r64 in 64-bit mode */
        break;
    case X86DEC_MN_RDFSBASE:
    case X86DEC_MN_RDGSBASE:
        gpr_add(c, insn, modrm_rm_number(c), wide, W);
        break;
    case X86DEC_MN_WRFSBASE:
    case X86DEC_MN_WRGSBASE:
        gpr_add(c, insn, modrm_rm_number(c), wide, R);
        break;
    case X86DEC_MN_LAR:
    case X86DEC_MN_LSL:
        /* LAR/LSL r, r32/m16 (r16/m16 with a 16-bit operand size); written only when ZF = 1 */
        gpr_add(c, insn, modrm_reg_number(c), osz, W);
        rm_add(c, insn, modrm_mod(c) != 3 ? 2 : osz == 2 ? 2 : 4, R);
        break;
    case X86DEC_MN_VERR:
    case X86DEC_MN_VERW:
    case X86DEC_MN_LKGS:
        rm_add(c, insn, 2, R);
        break;
    case X86DEC_MN_TPAUSE:
    case X86DEC_MN_UMWAIT:
        gpr_add(c, insn, modrm_rm_number(c), 4, R); /* EDX:EAX, the TSC deadline, implicit */
        break;
    case X86DEC_MN_UMONITOR:
        gpr_add(c, insn, modrm_rm_number(c), c->address_size, R);
        break;
    case X86DEC_MN_INVPCID:
        gpr_add(c, insn, modrm_reg_number(c), 8, R);
        memory_add(c, insn, 16, R);
        break;
    case X86DEC_MN_UD0:
    case X86DEC_MN_UD1:
        if (c->has_modrm) { /* UD0 r32, r/m32: operands that are never used */
            gpr_add(c, insn, modrm_reg_number(c), 4, R);
            rm_add(c, insn, 4, R);
        }
        break;
    case X86DEC_MN_RDMSR_IMM:
    case X86DEC_MN_WRMSRNS_IMM:
        msr_immediate_describe(c, insn);
        break;
    default:
        break;
    }
}

void operands_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn)
{
    const uint8_t R = X86DEC_ACCESS_READ, W = X86DEC_ACCESS_WRITE;
    unsigned osz = c->operand_size;
    switch (insn->mnemonic) {
    case X86DEC_MN_OTHER:
        return;
    case X86DEC_MN_MOV:
        mov_describe(c, insn);
        break;
    case X86DEC_MN_MOVZX:
    case X86DEC_MN_MOVSX:
        gpr_add(c, insn, modrm_reg_number(c), osz, W);
        rm_add(c, insn, (c->opcode & 1u) ? 2 : 1, R);
        break;
    case X86DEC_MN_MOVSXD:
        gpr_add(c, insn, modrm_reg_number(c), osz, W);
        rm_add(c, insn, osz == 2 ? 2 : 4, R);
        break;
    case X86DEC_MN_MOVS:
        string_add(c, insn, true, osz, W);
        string_add(c, insn, false, osz, R);
        break;
    case X86DEC_MN_STOS:
        string_add(c, insn, true, osz, W);
        gpr_add(c, insn, X86DEC_GPR_RAX, osz, R);
        break;
    case X86DEC_MN_INS:
        string_add(c, insn, true, osz > 4 ? 4 : osz, W);
        reg_add(insn, x86dec_reg_gpr(X86DEC_GPR_RDX), 2, R);
        break;
    case X86DEC_MN_OUTS:
        reg_add(insn, x86dec_reg_gpr(X86DEC_GPR_RDX), 2, R);
        string_add(c, insn, false, osz > 4 ? 4 : osz, R);
        break;
    case X86DEC_MN_IN:
        io_describe(c, insn, false);
        break;
    case X86DEC_MN_OUT:
        io_describe(c, insn, true);
        break;
    case X86DEC_MN_MOV_FROM_CR:
        control_describe(c, insn, X86DEC_REG_CR0, false);
        break;
    case X86DEC_MN_MOV_TO_CR:
        control_describe(c, insn, X86DEC_REG_CR0, true);
        break;
    case X86DEC_MN_MOV_FROM_DR:
        control_describe(c, insn, X86DEC_REG_DR0, false);
        break;
    case X86DEC_MN_MOV_TO_DR:
        control_describe(c, insn, X86DEC_REG_DR0, true);
        break;
    case X86DEC_MN_INVLPG:
        memory_add(c, insn, 1, 0);
        break;
    case X86DEC_MN_LGDT:
    case X86DEC_MN_LIDT:
        memory_add(c, insn, 10, R);
        break;
    case X86DEC_MN_SGDT:
    case X86DEC_MN_SIDT:
        memory_add(c, insn, 10, W);
        break;
    case X86DEC_MN_LTR:
    case X86DEC_MN_LLDT:
    case X86DEC_MN_LMSW:
        rm_add(c, insn, 2, R);
        break;
    case X86DEC_MN_SLDT:
    case X86DEC_MN_STR:
    case X86DEC_MN_SMSW:
        rm_add(c, insn, modrm_mod(c) == 3 ? osz : 2, W);
        break;
    case X86DEC_MN_INT:
        imm_add(insn, insn->imm & 0xFFu, 1);
        break;
    case X86DEC_MN_MOV_FROM_SREG:
    case X86DEC_MN_MOV_TO_SREG:
    case X86DEC_MN_POP_SREG:
    case X86DEC_MN_LSS:
    case X86DEC_MN_LFS:
    case X86DEC_MN_LGS:
    case X86DEC_MN_CALL_FAR:
    case X86DEC_MN_JMP_FAR:
    case X86DEC_MN_RET_FAR:
        segment_describe(c, insn);
        break;
    case X86DEC_MN_RDPID:
    case X86DEC_MN_RDFSBASE:
    case X86DEC_MN_RDGSBASE:
    case X86DEC_MN_WRFSBASE:
    case X86DEC_MN_WRGSBASE:
    case X86DEC_MN_LAR:
    case X86DEC_MN_LSL:
    case X86DEC_MN_VERR:
    case X86DEC_MN_VERW:
    case X86DEC_MN_LKGS:
    case X86DEC_MN_TPAUSE:
    case X86DEC_MN_UMWAIT:
    case X86DEC_MN_UMONITOR:
    case X86DEC_MN_INVPCID:
    case X86DEC_MN_UD0:
    case X86DEC_MN_UD1:
    case X86DEC_MN_RDMSR_IMM:
    case X86DEC_MN_WRMSRNS_IMM:
        user_state_describe(c, insn);
        break;
    default:
        break; /* only implicit operands */
    }
    insn->flags |= X86DEC_F_OPERANDS;
    for (unsigned i = 0; i < insn->operand_count; i++) {
        const x86dec_operand_t *op = &insn->operands[i];
        if (op->kind != X86DEC_OPK_MEM)
            continue;
        if (op->access & R)
            insn->flags |= X86DEC_F_MEM_READ;
        if (op->access & W)
            insn->flags |= X86DEC_F_MEM_WRITE;
    }
}
