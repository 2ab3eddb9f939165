/*
 * x86dec driver: prefixes, opcode escapes, ModRM/SIB/displacement and immediates, for every
 * encoding (legacy, 3DNow!, VEX, XOP, EVEX). Validity per opcode lives in the table files; this
 * file only walks the bytes. It never reads past `size` or past 15 bytes.
 */
#include "internal.h"

static x86dec_status_t ctx_need(const x86dec_ctx_t *c, unsigned count)
{
    if (c->pos + count > X86DEC_MAX_LENGTH)
        return X86DEC_ERR_TOO_LONG;
    if (c->pos + count > c->size)
        return X86DEC_ERR_TRUNCATED;
    return X86DEC_OK;
}

/* Legacy prefixes and REX. A REX byte counts only when the opcode (or escape) follows it. */
static x86dec_status_t prefixes_read(x86dec_ctx_t *c)
{
    for (;;) {
        x86dec_status_t status = ctx_need(c, 1);
        if (status != X86DEC_OK)
            return status;
        uint8_t byte = c->code[c->pos];
        switch (byte) {
        case 0xF0:
            c->has_lock = true;
            break;
        case 0xF2:
        case 0xF3:
            c->last_rep = byte;
            c->mandatory = byte;
            break;
        case 0x66:
            c->has_66 = true;
            if (c->mandatory == 0)
                c->mandatory = 0x66;
            break;
        case 0x67:
            c->has_67 = true;
            break;
        case 0x26:
        case 0x2E:
        case 0x36:
        case 0x3E:
            break; /* null prefixes in 64-bit mode */
        case 0x64:
        case 0x65:
            c->segment = byte;
            break;
        default:
            if ((byte & 0xF0) == 0x40) {
                c->rex = byte;
                c->pos++;
                continue;
            }
            return X86DEC_OK;
        }
        c->rex = 0;
        c->pos++;
    }
}

static x86dec_status_t modrm_read(x86dec_ctx_t *c)
{
    x86dec_status_t status = ctx_need(c, 1);
    if (status != X86DEC_OK)
        return status;
    c->has_modrm = true;
    c->modrm = c->code[c->pos++];
    return X86DEC_OK;
}

/* SIB and displacement of a memory-form ModRM (the 32/64-bit addressing forms: 64-bit mode has
 * no 16-bit addressing, so 67 changes only the width, not the layout). */
static x86dec_status_t address_read(x86dec_ctx_t *c)
{
    unsigned mod = modrm_mod(c);
    if (mod == 3)
        return X86DEC_OK;
    unsigned base = modrm_rm(c);
    if (base == 4) {
        x86dec_status_t status = ctx_need(c, 1);
        if (status != X86DEC_OK)
            return status;
        c->has_sib = true;
        c->sib = c->code[c->pos++];
        base = c->sib & 7u;
    }
    if (mod == 1)
        c->disp_size = 1;
    else if (mod == 2 || base == 5)
        c->disp_size = 4;
    if (c->disp_size) {
        x86dec_status_t status = ctx_need(c, c->disp_size);
        if (status != X86DEC_OK)
            return status;
        c->disp_pos = (uint8_t)c->pos;
        c->pos += c->disp_size;
    }
    return X86DEC_OK;
}

static x86dec_status_t immediates_read(x86dec_ctx_t *c)
{
    unsigned total = c->imm_size + c->imm2_size;
    if (total == 0)
        return X86DEC_OK;
    x86dec_status_t status = ctx_need(c, total);
    if (status != X86DEC_OK)
        return status;
    c->imm_pos = (uint8_t)c->pos;
    c->pos += total;
    return X86DEC_OK;
}

/* 66 acts as an operand-size override (it did not select the instruction). */
static bool operand_size_16(const x86dec_ctx_t *c)
{
    return c->has_66 && !(c->mandatory_used && c->mandatory == 0x66);
}

static uint8_t operand_size_of(const x86dec_ctx_t *c, unsigned rule)
{
    switch (rule) {
    case OSZ_BYTE:
        return 1;
    case OSZ_FORCE64:
        if ((c->quirks & QUIRK_AMD_BRANCH) && !(c->rex & 8) && operand_size_16(c))
            return 2;
        return 8;
    case OSZ_DEF64:
        if (c->rex & 8)
            return 8;
        return operand_size_16(c) ? 2 : 8;
    case OSZ_FAR: /* the offset of a far pointer: the default rule, but AMD ignores REX.W */
        if (c->rex & 8)
            return (c->quirks & QUIRK_AMD_FAR) ? 4 : 8;
        return operand_size_16(c) ? 2 : 4;
    default:
        if (c->rex & 8)
            return 8;
        return operand_size_16(c) ? 2 : 4;
    }
}

static void immediate_sizes_set(x86dec_ctx_t *c, unsigned kind)
{
    switch (kind) {
    case IMM_B:
        c->imm_size = 1;
        break;
    case IMM_W:
        c->imm_size = 2;
        break;
    case IMM_Z:
        c->imm_size = c->operand_size == 2 ? 2 : 4;
        break;
    case IMM_V:
        c->imm_size = c->operand_size;
        break;
    case IMM_WB:
        c->imm_size = 2;
        c->imm2_size = 1;
        break;
    case IMM_MOFFS:
        c->imm_size = c->address_size;
        break;
    case IMM_D:
        c->imm_size = 4;
        break;
    case IMM_BB:
        c->imm_size = 1;
        c->imm2_size = 1;
        break;
    default:
        break;
    }
}

/* Register-operand constraints that make an otherwise defined opcode raise #UD. */
static bool register_constraint_ok(const x86dec_ctx_t *c, unsigned spec)
{
    unsigned reg = modrm_reg(c) | ((c->rex & 4u) << 1);
    switch (spec) {
    case SPEC_CR:
        return reg == 0 || reg == 2 || reg == 3 || reg == 4 || reg == 8;
    case SPEC_DR:
        return reg < 8;
    case SPEC_SREG_DST:
        return modrm_reg(c) < 6 && modrm_reg(c) != 1;
    case SPEC_BND:
        return reg < 4;
    case SPEC_BND_MIB:
        return reg < 4 && !(modrm_mod(c) == 0 && modrm_rm(c) == 5);
    case SPEC_BND_RM:
        return reg < 4 && (modrm_mod(c) != 3 || (modrm_rm(c) | ((c->rex & 1u) << 3)) < 4);
    default:
        return true;
    }
}

static x86dec_status_t legacy_decode(x86dec_ctx_t *c)
{
    desc_t desc = legacy_lookup(c);
    if (desc & D_MODRM) {
        x86dec_status_t status = modrm_read(c);
        if (status != X86DEC_OK)
            return status;
    }
    if (desc & D_GROUP)
        desc = legacy_group(c, DESC_ID(desc));
    if (!(desc & D_VALID))
        return X86DEC_ERR_INVALID;
    unsigned spec = DESC_SPEC(desc);
    bool ignores_mod = spec == SPEC_CR || spec == SPEC_DR;
    if (c->has_modrm && !ignores_mod) {
        if ((desc & D_REGONLY) && modrm_mod(c) != 3)
            return X86DEC_ERR_INVALID;
        if ((desc & D_MEMONLY) && modrm_mod(c) == 3)
            return X86DEC_ERR_INVALID;
    }
    if (c->has_lock && (!(desc & D_LOCK) || !c->has_modrm || modrm_mod(c) == 3))
        return X86DEC_ERR_INVALID;
    if (c->has_modrm && !register_constraint_ok(c, spec))
        return X86DEC_ERR_INVALID;
    c->desc = desc;
    c->operand_size = operand_size_of(c, DESC_OSZ(desc));
    if (c->has_modrm && !ignores_mod) {
        x86dec_status_t status = address_read(c);
        if (status != X86DEC_OK)
            return status;
    }
    if (spec == SPEC_3DNOW) {
        x86dec_status_t status = ctx_need(c, 1);
        if (status != X86DEC_OK)
            return status;
        c->opcode = c->code[c->pos];
        c->imm_pos = (uint8_t)c->pos;
        c->pos++;
        return legacy_3dnow_valid(c->opcode) ? X86DEC_OK : X86DEC_ERR_INVALID;
    }
    immediate_sizes_set(c, DESC_IMM(desc));
    return immediates_read(c);
}

/* A VEX (C4/C5), XOP (8F) or EVEX (62) escape: the `count` bytes after it that are read before
 * anything else must be there, and it must not follow 66, F2, F3, LOCK or REX. */
static x86dec_status_t vector_escape_check(const x86dec_ctx_t *c, unsigned count)
{
    x86dec_status_t status = ctx_need(c, count);
    if (status != X86DEC_OK)
        return status;
    if (c->mandatory != 0 || c->has_lock || c->rex != 0)
        return X86DEC_ERR_INVALID;
    return X86DEC_OK;
}

/* Inverted R, X and B in the top bits of the first payload byte of three-byte VEX, XOP and
 * EVEX. */
static void vector_rxb_set(x86dec_ctx_t *c, uint8_t byte)
{
    c->vex_r = (uint8_t)(~byte >> 7) & 1u;
    c->vex_x = (uint8_t)(~byte >> 6) & 1u;
    c->vex_b = (uint8_t)(~byte >> 5) & 1u;
}

/* Inverted vvvv, L and pp in the last payload byte of VEX (both forms) and XOP. */
static void vex_vvvv_l_pp_set(x86dec_ctx_t *c, uint8_t byte)
{
    c->vex_vvvv = (uint8_t)(~byte >> 3) & 15u;
    c->vex_l = (byte >> 2) & 1u;
    c->vex_pp = byte & 3u;
}

/* What follows every VEX, XOP and EVEX payload of `payload` bytes: the opcode, ModRM when the
 * map wants one, the map's validity check (which may look at ModRM), then SIB, displacement and
 * immediates. */
static x86dec_status_t vector_body_read(x86dec_ctx_t *c, unsigned payload,
                                        bool (*has_modrm)(const x86dec_ctx_t *),
                                        x86dec_status_t (*check)(x86dec_ctx_t *))
{
    c->pos += payload;
    c->opcode = c->code[c->pos++];
    x86dec_status_t status;
    if (has_modrm(c)) {
        status = modrm_read(c);
        if (status != X86DEC_OK)
            return status;
    }
    status = check(c);
    if (status != X86DEC_OK)
        return status;
    if (c->has_modrm) {
        status = address_read(c);
        if (status != X86DEC_OK)
            return status;
    }
    return immediates_read(c);
}

static x86dec_status_t vex_decode(x86dec_ctx_t *c, uint8_t escape)
{
    unsigned payload = escape == 0xC5 ? 1 : 2;
    x86dec_status_t status = vector_escape_check(c, payload + 1);
    if (status != X86DEC_OK)
        return status;
    const uint8_t *p = &c->code[c->pos];
    c->encoding = X86DEC_ENC_VEX;
    if (escape == 0xC5) {
        c->vex_r = (uint8_t)(~p[0] >> 7) & 1u;
        c->map = X86DEC_MAP_0F;
    } else {
        vector_rxb_set(c, p[0]);
        unsigned select = p[0] & 0x1Fu;
        if (select == 7)
            c->map = X86DEC_MAP_VEX7;
        else if (select >= 1 && select <= 3)
            c->map = (uint8_t)(X86DEC_MAP_PRIMARY + select);
        else
            return X86DEC_ERR_INVALID;
        c->vex_w = p[1] >> 7;
    }
    vex_vvvv_l_pp_set(c, p[payload - 1]);
    return vector_body_read(c, payload, vex_has_modrm, vex_check);
}

static x86dec_status_t xop_decode(x86dec_ctx_t *c)
{
    x86dec_status_t status = vector_escape_check(c, 3);
    if (status != X86DEC_OK)
        return status;
    const uint8_t *p = &c->code[c->pos];
    unsigned select = p[0] & 0x1Fu;
    if (select < 8 || select > 10)
        return X86DEC_ERR_INVALID;
    c->encoding = X86DEC_ENC_XOP;
    c->map = (uint8_t)(X86DEC_MAP_XOP8 + (select - 8));
    vector_rxb_set(c, p[0]);
    c->vex_w = p[1] >> 7;
    vex_vvvv_l_pp_set(c, p[1]);
    return vector_body_read(c, 2, xop_has_modrm, xop_check);
}

/* Every EVEX opcode has ModRM. */
static bool evex_has_modrm(const x86dec_ctx_t *c)
{
    (void)c;
    return true;
}

static x86dec_status_t evex_decode(x86dec_ctx_t *c)
{
    x86dec_status_t status = vector_escape_check(c, 5); /* P0-P2, opcode, ModRM */
    if (status != X86DEC_OK)
        return status;
    const uint8_t *p = &c->code[c->pos];
    /* P1 bit 2 set is EVEX; clear is Knights Corner's MVEX, which no current CPU has. */
    if (!(p[1] & 0x04u))
        return X86DEC_ERR_INVALID;
    if (p[0] & 0x08u)
        return X86DEC_ERR_INVALID;
    unsigned select = p[0] & 7u;
    switch (select) {
    case 1:
    case 2:
    case 3:
        c->map = (uint8_t)(X86DEC_MAP_PRIMARY + select);
        break;
    case 5:
        c->map = X86DEC_MAP_EVEX5;
        break;
    case 6:
        c->map = X86DEC_MAP_EVEX6;
        break;
    default:
        return X86DEC_ERR_INVALID;
    }
    c->encoding = X86DEC_ENC_EVEX;
    vector_rxb_set(c, p[0]);
    c->evex_r2 = (uint8_t)(~p[0] >> 4) & 1u;
    c->vex_w = p[1] >> 7;
    c->vex_vvvv = (uint8_t)(~p[1] >> 3) & 15u;
    c->vex_pp = p[1] & 3u;
    c->evex_z = p[2] >> 7;
    c->vex_l = (p[2] >> 5) & 3u;
    c->evex_b = (p[2] >> 4) & 1u;
    c->evex_v2 = (uint8_t)(~p[2] >> 3) & 1u;
    c->evex_aaa = p[2] & 7u;
    if (c->evex_z && c->evex_aaa == 0)
        return X86DEC_ERR_INVALID;
    return vector_body_read(c, 3, evex_has_modrm, evex_check);
}

static x86dec_status_t opcode_decode(x86dec_ctx_t *c)
{
    uint8_t byte = c->code[c->pos++];
    c->address_size = c->has_67 ? 4 : 8;
    c->operand_size = 4;
    if (byte == 0x0F) {
        x86dec_status_t status = ctx_need(c, 1);
        if (status != X86DEC_OK)
            return status;
        byte = c->code[c->pos++];
        if (byte == 0x38 || byte == 0x3A) {
            status = ctx_need(c, 1);
            if (status != X86DEC_OK)
                return status;
            c->map = byte == 0x38 ? X86DEC_MAP_0F38 : X86DEC_MAP_0F3A;
            byte = c->code[c->pos++];
        } else if (byte == 0x0F) {
            c->encoding = X86DEC_ENC_3DNOW;
            c->map = X86DEC_MAP_3DNOW;
        } else {
            c->map = X86DEC_MAP_0F;
        }
        c->opcode = byte;
        return legacy_decode(c);
    }
    if (byte == 0xC4 || byte == 0xC5)
        return vex_decode(c, byte);
    if (byte == 0x62)
        return evex_decode(c);
    if (byte == 0x8F) {
        x86dec_status_t status = ctx_need(c, 1);
        if (status != X86DEC_OK)
            return status;
        if ((c->code[c->pos] & 0x1Fu) >= 8)
            return xop_decode(c);
    }
    c->map = X86DEC_MAP_PRIMARY;
    c->opcode = byte;
    return legacy_decode(c);
}

/* The decoder quirks an options block asks for; false for a vendor or flag x86dec does not know. */
static bool quirks_of(const x86dec_options_t *options, uint8_t *quirks)
{
    *quirks = 0;
    if (options == NULL)
        return true;
    if (options->vendor > X86DEC_VENDOR_AMD ||
        (options->flags & ~(X86DEC_OPT_NO_MPX | X86DEC_OPT_UD0_SHORT)) != 0)
        return false;
    if (options->vendor == X86DEC_VENDOR_AMD)
        *quirks = QUIRK_AMD_BRANCH | QUIRK_AMD_FAR | QUIRK_MPX_NOP | QUIRK_UD0_SHORT;
    if (options->flags & X86DEC_OPT_NO_MPX)
        *quirks |= QUIRK_MPX_NOP;
    if (options->flags & X86DEC_OPT_UD0_SHORT)
        *quirks |= QUIRK_UD0_SHORT;
    return true;
}

static x86dec_status_t ctx_decode(x86dec_ctx_t *c, const uint8_t *code, size_t size, uint8_t quirks)
{
    *c = (x86dec_ctx_t){.code = code, .size = size, .quirks = quirks};
    x86dec_status_t status = prefixes_read(c);
    if (status != X86DEC_OK)
        return status;
    return opcode_decode(c);
}

static x86dec_status_t length_run(const uint8_t *code, size_t size, uint8_t quirks, size_t *length)
{
    x86dec_ctx_t c;
    x86dec_status_t status = ctx_decode(&c, code, size, quirks);
    *length = status == X86DEC_OK ? c.pos : 0;
    return status;
}

x86dec_status_t x86dec_length_with(const uint8_t *code, size_t size,
                                   const x86dec_options_t *options, size_t *length)
{
    uint8_t quirks;
    if (code == NULL || length == NULL)
        return X86DEC_ERR_ARGUMENT;
    if (!quirks_of(options, &quirks)) {
        *length = 0;
        return X86DEC_ERR_ARGUMENT;
    }
    return length_run(code, size, quirks, length);
}

x86dec_status_t x86dec_length(const uint8_t *code, size_t size, size_t *length)
{
    if (code == NULL || length == NULL)
        return X86DEC_ERR_ARGUMENT;
    return length_run(code, size, 0, length);
}

static uint64_t bytes_read_le(const uint8_t *p, unsigned count)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < count; i++)
        value |= (uint64_t)p[i] << (8 * i);
    return value;
}

static int64_t sign_extend(uint64_t value, unsigned bytes)
{
    if (bytes == 0 || bytes >= 8)
        return (int64_t)value;
    unsigned shift = 64 - 8 * bytes;
    return (int64_t)(value << shift) >> shift;
}

static uint32_t flags_of(const x86dec_ctx_t *c)
{
    uint32_t flags = 0;
    desc_t d = c->desc;
    if (c->encoding == X86DEC_ENC_LEGACY || c->encoding == X86DEC_ENC_3DNOW) {
        if (d & D_PRIV)
            flags |= X86DEC_F_PRIVILEGED;
        if (d & D_SENS)
            flags |= X86DEC_F_SENSITIVE;
        if (d & D_IOPL)
            flags |= X86DEC_F_IOPL | X86DEC_F_PRIVILEGED;
        if (d & D_AMD)
            flags |= X86DEC_F_AMD_ONLY;
        unsigned spec = DESC_SPEC(d);
        if (c->has_modrm && modrm_mod(c) != 3 && !(d & D_AGEN) && spec != SPEC_CR &&
            spec != SPEC_DR)
            flags |= X86DEC_F_MEMORY;
        if (DESC_IMM(d) == IMM_MOFFS)
            flags |= X86DEC_F_MEMORY;
        if (c->last_rep == 0xF3 && !(c->mandatory_used && c->mandatory == 0xF3))
            flags |= X86DEC_F_REP;
        if (c->last_rep == 0xF2 && !(c->mandatory_used && c->mandatory == 0xF2))
            flags |= X86DEC_F_REPNE;
    } else {
        flags |= c->flags; /* class of a VEX map 7 instruction */
        if (c->encoding == X86DEC_ENC_XOP)
            flags |= X86DEC_F_AMD_ONLY;
        if (c->has_modrm && modrm_mod(c) != 3)
            flags |= X86DEC_F_MEMORY;
    }
    if (c->encoding == X86DEC_ENC_3DNOW)
        flags |= X86DEC_F_AMD_ONLY;
    if (c->has_lock)
        flags |= X86DEC_F_LOCK;
    if (c->has_modrm && modrm_mod(c) == 0 && modrm_rm(c) == 5 && (flags & X86DEC_F_MEMORY))
        flags |= X86DEC_F_RIP_REL;
    return flags;
}

static x86dec_status_t decode_run(const uint8_t *code, size_t size, uint8_t quirks,
                                  x86dec_insn_t *insn)
{
    *insn = (x86dec_insn_t){0};
    x86dec_ctx_t c;
    x86dec_status_t status = ctx_decode(&c, code, size, quirks);
    if (status != X86DEC_OK)
        return status;
    insn->length = (uint8_t)c.pos;
    insn->encoding = c.encoding;
    insn->map = c.map;
    insn->opcode = c.opcode;
    insn->operand_size = c.operand_size;
    insn->address_size = c.address_size;
    insn->rex = c.rex;
    insn->segment = c.segment == 0x64   ? X86DEC_REG_FS
                    : c.segment == 0x65 ? X86DEC_REG_GS
                                        : X86DEC_REG_NONE;
    insn->has_modrm = c.has_modrm;
    insn->modrm = c.modrm;
    insn->has_sib = c.has_sib;
    insn->sib = c.sib;
    insn->disp_size = c.disp_size;
    insn->imm_size = c.imm_size;
    insn->imm2_size = c.imm2_size;
    if (c.disp_size)
        insn->disp = sign_extend(bytes_read_le(&code[c.disp_pos], c.disp_size), c.disp_size);
    if (c.imm_size) {
        uint64_t raw = bytes_read_le(&code[c.imm_pos], c.imm_size);
        insn->imm = (uint64_t)sign_extend(raw, c.imm_size);
    }
    if (c.imm2_size)
        insn->imm2 = bytes_read_le(&code[c.imm_pos + c.imm_size], c.imm2_size);
    insn->flags = flags_of(&c);
    if (c.encoding == X86DEC_ENC_LEGACY)
        insn->mnemonic = (uint16_t)DESC_ID(c.desc);
    else
        insn->mnemonic = c.mnemonic;
    if (insn->mnemonic != X86DEC_MN_OTHER)
        operands_describe(&c, insn);
    return X86DEC_OK;
}

x86dec_status_t x86dec_decode_with(const uint8_t *code, size_t size,
                                   const x86dec_options_t *options, x86dec_insn_t *insn)
{
    uint8_t quirks;
    if (code == NULL || insn == NULL)
        return X86DEC_ERR_ARGUMENT;
    if (!quirks_of(options, &quirks)) {
        *insn = (x86dec_insn_t){0};
        return X86DEC_ERR_ARGUMENT;
    }
    return decode_run(code, size, quirks, insn);
}

x86dec_status_t x86dec_decode(const uint8_t *code, size_t size, x86dec_insn_t *insn)
{
    if (code == NULL || insn == NULL)
        return X86DEC_ERR_ARGUMENT;
    return decode_run(code, size, 0, insn);
}
