/*
 * A decoder for the 32-bit code the vCPU emulates (the boot path in protected mode, and 32-bit
 * code in compatibility mode): only the instructions that fault at CPL 3 or are patched there,
 * into x86dec's form with operand descriptions, so that one set of handlers serves both modes.
 * 32-bit addressing only (a 67 prefix is refused); everything else decodes as INVALID, which
 * leaves the host's exception to the guest.
 */
#include <pv/emulate.h>

typedef struct decode_state {
    const uint8_t *code;
    size_t size;
    size_t at;
    x86dec_insn_t *insn;
    bool bad; /* a byte past the buffer or the 15-byte limit was wanted */
} decode_state_t;

static uint8_t next_byte(decode_state_t *s)
{
    if (s->at >= s->size || s->at >= X86DEC_MAX_LENGTH) {
        s->bad = true;
        return 0;
    }
    return s->code[s->at++];
}

static uint64_t next_value(decode_state_t *s, unsigned bytes)
{
    uint64_t value = 0;

    for (unsigned i = 0; i < bytes; i++) {
        value |= (uint64_t)next_byte(s) << (8 * i);
    }
    return value;
}

static x86dec_operand_t reg_operand(unsigned number, unsigned size)
{
    return (x86dec_operand_t){
            .kind = X86DEC_OPK_REG, .size = (uint8_t)size, .reg = x86dec_reg_gpr(number)};
}

static void add_operand(x86dec_insn_t *insn, x86dec_operand_t operand)
{
    if (insn->operand_count < X86DEC_MAX_OPERANDS) {
        insn->operands[insn->operand_count++] = operand;
    }
}

static x86dec_reg_t default_segment(const x86dec_insn_t *insn, x86dec_reg_t base)
{
    if (insn->segment != X86DEC_REG_NONE) {
        return (x86dec_reg_t)insn->segment;
    }
    if (base == x86dec_reg_gpr(X86DEC_GPR_RSP) || base == x86dec_reg_gpr(X86DEC_GPR_RBP)) {
        return X86DEC_REG_SS;
    }
    return X86DEC_REG_DS;
}

/* ModRM (and SIB, displacement) with 32-bit addressing; the r/m operand at `size`. */
static x86dec_operand_t modrm_operand(decode_state_t *s, unsigned size)
{
    x86dec_insn_t *insn = s->insn;
    uint8_t modrm = next_byte(s);
    unsigned mod = modrm >> 6;
    unsigned rm = modrm & 7u;
    x86dec_operand_t op = {.kind = X86DEC_OPK_MEM, .size = (uint8_t)size};

    insn->has_modrm = true;
    insn->modrm = modrm;
    if (mod == 3) {
        return reg_operand(rm, size);
    }
    op.mem.scale = 1;
    op.mem.address_size = 4;
    if (rm == 4) {
        uint8_t sib = next_byte(s);
        unsigned index = sib >> 3 & 7u;

        insn->has_sib = true;
        insn->sib = sib;
        op.mem.scale = (uint8_t)(1u << (sib >> 6));
        op.mem.index = index == 4 ? X86DEC_REG_NONE : x86dec_reg_gpr(index);
        rm = sib & 7u;
        if (rm == 5 && mod == 0) {
            op.mem.base = X86DEC_REG_NONE;
            insn->disp_size = 4;
        } else {
            op.mem.base = x86dec_reg_gpr(rm);
        }
    } else if (rm == 5 && mod == 0) {
        op.mem.base = X86DEC_REG_NONE;
        insn->disp_size = 4;
    } else {
        op.mem.base = x86dec_reg_gpr(rm);
    }
    if (mod == 1) {
        insn->disp_size = 1;
    } else if (mod == 2) {
        insn->disp_size = 4;
    }
    op.mem.disp = insn->disp_size == 1 ? (int8_t)next_byte(s)
                                       : (int32_t)(uint32_t)next_value(s, insn->disp_size);
    insn->disp = op.mem.disp;
    op.mem.segment = default_segment(insn, op.mem.base);
    return op;
}

/* The reg field of a ModRM already read. */
static unsigned modrm_reg(const x86dec_insn_t *insn)
{
    return insn->modrm >> 3 & 7u;
}

static bool set(x86dec_insn_t *insn, unsigned mnemonic)
{
    insn->mnemonic = (uint16_t)mnemonic;
    return true;
}

static x86dec_operand_t string_operand(const x86dec_insn_t *insn, bool destination, unsigned size)
{
    x86dec_operand_t op = {.kind = X86DEC_OPK_MEM, .size = (uint8_t)size};

    op.mem.base = x86dec_reg_gpr(destination ? X86DEC_GPR_RDI : X86DEC_GPR_RSI);
    op.mem.scale = 1;
    op.mem.address_size = 4;
    op.mem.segment = destination ? X86DEC_REG_ES : default_segment(insn, X86DEC_REG_NONE);
    return op;
}

static x86dec_operand_t dx_operand(void)
{
    return reg_operand(X86DEC_GPR_RDX, 2);
}

static x86dec_operand_t imm_operand(uint64_t value, unsigned size)
{
    return (x86dec_operand_t){.kind = X86DEC_OPK_IMM, .size = (uint8_t)size, .imm = value};
}

static bool decode_io(decode_state_t *s, uint8_t opcode)
{
    x86dec_insn_t *insn = s->insn;
    unsigned size = (opcode & 1u) != 0 ? insn->operand_size : 1u;
    x86dec_operand_t port;

    if (opcode >= 0x6c && opcode <= 0x6f) {
        bool in = opcode < 0x6e;

        add_operand(insn, in ? string_operand(insn, true, size) : dx_operand());
        add_operand(insn, in ? dx_operand() : string_operand(insn, false, size));
        return set(insn, in ? X86DEC_MN_INS : X86DEC_MN_OUTS);
    }
    if (opcode <= 0xe7) {
        insn->imm_size = 1;
        insn->imm = next_byte(s);
        port = imm_operand(insn->imm, 1);
    } else {
        port = dx_operand();
    }
    if ((opcode & 2u) == 0) {
        add_operand(insn, reg_operand(X86DEC_GPR_RAX, size));
        add_operand(insn, port);
        return set(insn, X86DEC_MN_IN);
    }
    add_operand(insn, port);
    add_operand(insn, reg_operand(X86DEC_GPR_RAX, size));
    return set(insn, X86DEC_MN_OUT);
}

static bool decode_mov(decode_state_t *s, uint8_t opcode)
{
    x86dec_insn_t *insn = s->insn;
    unsigned size = (opcode & 1u) != 0 ? insn->operand_size : 1u;

    if (opcode >= 0xa0 && opcode <= 0xa3) {
        x86dec_operand_t mem = {.kind = X86DEC_OPK_MEM, .size = (uint8_t)size};

        insn->disp_size = 4;
        mem.mem.disp = (int64_t)next_value(s, 4);
        mem.mem.scale = 1;
        mem.mem.address_size = 4;
        mem.mem.segment = default_segment(insn, X86DEC_REG_NONE);
        add_operand(insn, opcode < 0xa2 ? reg_operand(X86DEC_GPR_RAX, size) : mem);
        add_operand(insn, opcode < 0xa2 ? mem : reg_operand(X86DEC_GPR_RAX, size));
        return set(insn, X86DEC_MN_MOV);
    }
    x86dec_operand_t rm = modrm_operand(s, size);

    if (opcode >= 0xc6) {
        if (modrm_reg(insn) != 0) {
            return false;
        }
        insn->imm_size = (uint8_t)(size == 1 ? 1 : size);
        insn->imm = next_value(s, insn->imm_size);
        add_operand(insn, rm);
        add_operand(insn, imm_operand(insn->imm, size));
        return set(insn, X86DEC_MN_MOV);
    }
    x86dec_operand_t reg = reg_operand(modrm_reg(insn), size);

    if (size == 1 && modrm_reg(insn) >= 4) {
        reg.reg = (x86dec_reg_t)(X86DEC_REG_AH + (modrm_reg(insn) - 4));
    }
    add_operand(insn, (opcode & 2u) != 0 ? reg : rm);
    add_operand(insn, (opcode & 2u) != 0 ? rm : reg);
    return set(insn, X86DEC_MN_MOV);
}

static bool decode_far_pointer_immediate(decode_state_t *s, unsigned mnemonic)
{
    x86dec_insn_t *insn = s->insn;

    insn->imm_size = insn->operand_size;
    insn->imm = next_value(s, insn->operand_size);
    insn->imm2_size = 2;
    insn->imm2 = next_value(s, 2);
    add_operand(insn, imm_operand(insn->imm, insn->operand_size));
    return set(insn, mnemonic);
}

static bool decode_sreg_move(decode_state_t *s, bool to)
{
    x86dec_insn_t *insn = s->insn;
    x86dec_operand_t rm = modrm_operand(s, to ? 2u : insn->operand_size);
    unsigned seg = modrm_reg(insn);
    x86dec_operand_t sreg = {
            .kind = X86DEC_OPK_REG, .size = 2, .reg = (x86dec_reg_t)(X86DEC_REG_ES + seg)};

    if (seg > 5 || (to && seg == 1)) {
        return false;
    }
    if (rm.kind == X86DEC_OPK_MEM) {
        rm.size = 2;
    }
    add_operand(insn, to ? sreg : rm);
    add_operand(insn, to ? rm : sreg);
    return set(insn, to ? X86DEC_MN_MOV_TO_SREG : X86DEC_MN_MOV_FROM_SREG);
}

/* Memory-only forms taking a far pointer: LES, LDS, LSS, LFS, LGS, CALL/JMP m16:32. */
static bool decode_far_memory(decode_state_t *s, unsigned mnemonic, bool with_register)
{
    x86dec_insn_t *insn = s->insn;
    x86dec_operand_t rm = modrm_operand(s, insn->operand_size + 2u);

    if (rm.kind != X86DEC_OPK_MEM) {
        return false;
    }
    if (with_register) {
        add_operand(insn, reg_operand(modrm_reg(insn), insn->operand_size));
    }
    add_operand(insn, rm);
    return set(insn, mnemonic);
}

static bool decode_group_ff(decode_state_t *s)
{
    uint8_t modrm = s->at < s->size ? s->code[s->at] : 0;
    unsigned reg = modrm >> 3 & 7u;

    if (reg == 3) {
        return decode_far_memory(s, X86DEC_MN_CALL_FAR, false);
    }
    if (reg == 5) {
        return decode_far_memory(s, X86DEC_MN_JMP_FAR, false);
    }
    return false;
}

static bool decode_0f00(decode_state_t *s)
{
    static const uint16_t mnemonics[8] = {
            X86DEC_MN_SLDT, X86DEC_MN_STR,  X86DEC_MN_LLDT,  X86DEC_MN_LTR,
            X86DEC_MN_VERR, X86DEC_MN_VERW, X86DEC_MN_OTHER, X86DEC_MN_OTHER,
    };
    x86dec_insn_t *insn = s->insn;
    bool store = s->at < s->size && (s->code[s->at] >> 3 & 7u) < 2;
    x86dec_operand_t rm = modrm_operand(s, store ? insn->operand_size : 2u);

    if (rm.kind == X86DEC_OPK_MEM) {
        rm.size = 2;
    }
    add_operand(insn, rm);
    return mnemonics[modrm_reg(insn)] != X86DEC_MN_OTHER && set(insn, mnemonics[modrm_reg(insn)]);
}

static bool decode_0f01_register(x86dec_insn_t *insn, uint8_t modrm)
{
    switch (modrm) {
    case 0xc1:
        return set(insn, X86DEC_MN_VMCALL);
    case 0xd9:
        return set(insn, X86DEC_MN_VMMCALL);
    case 0xd0:
        return set(insn, X86DEC_MN_XGETBV);
    case 0xd1:
        return set(insn, X86DEC_MN_XSETBV);
    case 0xca:
        return set(insn, X86DEC_MN_CLAC);
    case 0xcb:
        return set(insn, X86DEC_MN_STAC);
    case 0xf9:
        return set(insn, X86DEC_MN_RDTSCP);
    default:
        break;
    }
    unsigned reg = modrm >> 3 & 7u;

    if (reg == 4 || reg == 6) {
        add_operand(insn, reg_operand(modrm & 7u, reg == 4 ? insn->operand_size : 2u));
        return set(insn, reg == 4 ? X86DEC_MN_SMSW : X86DEC_MN_LMSW);
    }
    return false;
}

static bool decode_0f01(decode_state_t *s)
{
    static const uint16_t mnemonics[8] = {
            X86DEC_MN_SGDT, X86DEC_MN_SIDT,  X86DEC_MN_LGDT, X86DEC_MN_LIDT,
            X86DEC_MN_SMSW, X86DEC_MN_OTHER, X86DEC_MN_LMSW, X86DEC_MN_INVLPG,
    };
    x86dec_insn_t *insn = s->insn;
    uint8_t modrm = s->at < s->size ? s->code[s->at] : 0;

    if (modrm >> 6 == 3) {
        insn->has_modrm = true;
        insn->modrm = next_byte(s);
        return decode_0f01_register(insn, modrm);
    }
    unsigned reg = modrm >> 3 & 7u;
    unsigned size = reg < 4 ? 6u : 2u;
    x86dec_operand_t rm = modrm_operand(s, size);

    add_operand(insn, rm);
    return mnemonics[reg] != X86DEC_MN_OTHER && set(insn, mnemonics[reg]);
}

static bool decode_control_move(decode_state_t *s, uint8_t opcode)
{
    x86dec_insn_t *insn = s->insn;
    uint8_t modrm = next_byte(s);
    unsigned number = modrm >> 3 & 7u;
    bool debug = (opcode & 1u) != 0;
    bool to = (opcode & 2u) != 0;
    x86dec_operand_t special = {.kind = X86DEC_OPK_REG, .size = 4};
    x86dec_operand_t gpr = reg_operand(modrm & 7u, 4);

    insn->has_modrm = true;
    insn->modrm = modrm;
    if (!debug && number != 0 && number != 2 && number != 3 && number != 4) {
        return false;
    }
    special.reg = (x86dec_reg_t)((debug ? X86DEC_REG_DR0 : X86DEC_REG_CR0) + number);
    add_operand(insn, to ? special : gpr);
    add_operand(insn, to ? gpr : special);
    if (debug) {
        return set(insn, to ? X86DEC_MN_MOV_TO_DR : X86DEC_MN_MOV_FROM_DR);
    }
    return set(insn, to ? X86DEC_MN_MOV_TO_CR : X86DEC_MN_MOV_FROM_CR);
}

static bool decode_two_byte(decode_state_t *s)
{
    x86dec_insn_t *insn = s->insn;
    uint8_t opcode = next_byte(s);

    insn->map = X86DEC_MAP_0F;
    insn->opcode = opcode;
    switch (opcode) {
    case 0x00:
        return decode_0f00(s);
    case 0x01:
        return decode_0f01(s);
    case 0x02:
    case 0x03: {
        x86dec_operand_t rm = modrm_operand(s, 2);

        add_operand(insn, reg_operand(modrm_reg(insn), insn->operand_size));
        add_operand(insn, rm);
        return set(insn, opcode == 0x02 ? X86DEC_MN_LAR : X86DEC_MN_LSL);
    }
    case 0x05:
        return set(insn, X86DEC_MN_SYSCALL);
    case 0x06:
        return set(insn, X86DEC_MN_CLTS);
    case 0x07:
        return set(insn, X86DEC_MN_SYSRET);
    case 0x08:
        return set(insn, X86DEC_MN_INVD);
    case 0x09:
        return set(insn, X86DEC_MN_WBINVD);
    case 0x0b:
        return set(insn, X86DEC_MN_UD2);
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
        return decode_control_move(s, opcode);
    case 0x30:
        return set(insn, X86DEC_MN_WRMSR);
    case 0x31:
        return set(insn, X86DEC_MN_RDTSC);
    case 0x32:
        return set(insn, X86DEC_MN_RDMSR);
    case 0xa2:
        return set(insn, X86DEC_MN_CPUID);
    case 0xa0:
    case 0xa8:
        return set(insn, X86DEC_MN_OTHER); /* PUSH FS/GS: dispatched by opcode */
    case 0xa1:
    case 0xa9: {
        x86dec_operand_t seg = {.kind = X86DEC_OPK_REG, .size = 2};

        seg.reg = opcode == 0xa1 ? X86DEC_REG_FS : X86DEC_REG_GS;
        add_operand(insn, seg);
        return set(insn, X86DEC_MN_POP_SREG);
    }
    case 0xb2:
        return decode_far_memory(s, X86DEC_MN_LSS, true);
    case 0xb4:
        return decode_far_memory(s, X86DEC_MN_LFS, true);
    case 0xb5:
        return decode_far_memory(s, X86DEC_MN_LGS, true);
    default:
        return false;
    }
}

static bool decode_sreg_stack(x86dec_insn_t *insn, uint8_t opcode)
{
    x86dec_operand_t seg = {.kind = X86DEC_OPK_REG, .size = 2};

    seg.reg = (x86dec_reg_t)(X86DEC_REG_ES + (opcode >> 3 & 3u));
    if ((opcode & 1u) == 0) {
        return set(insn, PV_EMU_MN_PUSH_SREG);
    }
    if (opcode == 0x0f) {
        return false; /* POP CS does not exist */
    }
    add_operand(insn, seg);
    return set(insn, X86DEC_MN_POP_SREG);
}

static bool decode_one_byte(decode_state_t *s, uint8_t opcode)
{
    x86dec_insn_t *insn = s->insn;

    switch (opcode) {
    case 0x06:
    case 0x07:
    case 0x0e:
    case 0x16:
    case 0x17:
    case 0x1e:
    case 0x1f:
        return decode_sreg_stack(insn, opcode);
    case 0x0f:
        return decode_two_byte(s);
    case 0x6c:
    case 0x6d:
    case 0x6e:
    case 0x6f:
    case 0xe4:
    case 0xe5:
    case 0xe6:
    case 0xe7:
    case 0xec:
    case 0xed:
    case 0xee:
    case 0xef:
        return decode_io(s, opcode);
    case 0x88:
    case 0x89:
    case 0x8a:
    case 0x8b:
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3:
    case 0xc6:
    case 0xc7:
        return decode_mov(s, opcode);
    case 0x8c:
    case 0x8e:
        return decode_sreg_move(s, opcode == 0x8e);
    case 0x9a:
        return decode_far_pointer_immediate(s, X86DEC_MN_CALL_FAR);
    case 0xea:
        return decode_far_pointer_immediate(s, X86DEC_MN_JMP_FAR);
    case 0x9c:
        return set(insn, X86DEC_MN_PUSHF);
    case 0x9d:
        return set(insn, X86DEC_MN_POPF);
    case 0xc4:
        return decode_far_memory(s, PV_EMU_MN_LES, true);
    case 0xc5:
        return decode_far_memory(s, PV_EMU_MN_LDS, true);
    case 0xca:
        insn->imm_size = 2;
        insn->imm = next_value(s, 2);
        return set(insn, X86DEC_MN_RET_FAR);
    case 0xcb:
        return set(insn, X86DEC_MN_RET_FAR);
    case 0xcc:
        return set(insn, X86DEC_MN_INT3);
    case 0xcd:
        insn->imm_size = 1;
        insn->imm = next_byte(s);
        add_operand(insn, imm_operand(insn->imm, 1));
        return set(insn, X86DEC_MN_INT);
    case 0xce:
        return set(insn, X86DEC_MN_INTO);
    case 0xcf:
        return set(insn, X86DEC_MN_IRET);
    case 0xf4:
        return set(insn, X86DEC_MN_HLT);
    case 0xfa:
        return set(insn, X86DEC_MN_CLI);
    case 0xfb:
        return set(insn, X86DEC_MN_STI);
    case 0xff:
        return decode_group_ff(s);
    default:
        return false;
    }
}

/* Legacy prefixes; false for LOCK and 67 (16-bit addressing), which are not offered here. */
static bool decode_prefixes(decode_state_t *s)
{
    x86dec_insn_t *insn = s->insn;

    for (;;) {
        uint8_t byte = s->at < s->size ? s->code[s->at] : 0;

        switch (byte) {
        case 0x66:
            insn->operand_size = 2;
            break;
        case 0xf2:
            insn->flags = (insn->flags & ~X86DEC_F_REP) | X86DEC_F_REPNE;
            break;
        case 0xf3:
            insn->flags = (insn->flags & ~X86DEC_F_REPNE) | X86DEC_F_REP;
            break;
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
            insn->segment = (uint8_t)(X86DEC_REG_ES + (byte >> 3 & 3u));
            break;
        case 0x64:
        case 0x65:
            insn->segment = byte == 0x64 ? X86DEC_REG_FS : X86DEC_REG_GS;
            break;
        case 0xf0:
        case 0x67:
            return false;
        default:
            return true;
        }
        (void)next_byte(s);
        if (s->bad) {
            return true;
        }
    }
}

x86dec_status_t pv_emu_decode32(const uint8_t *code, size_t size, x86dec_insn_t *insn)
{
    decode_state_t s = {.code = code, .size = size, .insn = insn};
    bool ok;

    __builtin_memset(insn, 0, sizeof(*insn));
    insn->operand_size = 4;
    insn->address_size = 4;
    insn->segment = X86DEC_REG_NONE;
    ok = decode_prefixes(&s);
    if (ok && !s.bad) {
        uint8_t opcode = next_byte(&s);

        insn->map = X86DEC_MAP_PRIMARY;
        insn->opcode = opcode;
        ok = decode_one_byte(&s, opcode);
    }
    if (s.bad) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return s.at >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
    }
    if (!ok) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return X86DEC_ERR_INVALID;
    }
    insn->length = (uint8_t)s.at;
    insn->flags |= insn->operand_count > 0 ? X86DEC_F_OPERANDS : 0;
    return X86DEC_OK;
}
