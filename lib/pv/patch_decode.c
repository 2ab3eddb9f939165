/*
 * Mode-aware decoding for the patch scanner: 64-bit code goes to x86dec as it is; 32-bit code
 * (the PVH and multiboot1 entry paths) is decoded by x86dec after the differences between the
 * two modes are taken out, and the 32-bit-only opcodes are decoded here. Reads only code[0, size).
 */
#include "patch_internal.h"

#define PREFIX_OPSIZE   0x66
#define PREFIX_ADDRSIZE 0x67
#define PREFIX_LOCK     0xf0
#define PREFIX_REPNE    0xf2
#define PREFIX_REP      0xf3
#define PREFIX_FS       0x64
#define PREFIX_GS       0x65

#define MODRM_MOD(m) ((unsigned)(m) >> 6)
#define MODRM_RM(m)  ((unsigned)(m)&7u)

/* What the legacy prefixes of a 32-bit instruction say. */
typedef struct {
    size_t count;    /* bytes of prefixes */
    bool operand16;  /* 66 */
    bool address16;  /* 67: 16-bit addressing */
    bool lock;       /* F0 */
    uint8_t segment; /* the last FS/GS override, 0 if none (others are x86dec's null prefixes) */
    uint8_t rep[2];  /* the F2/F3 prefixes in order of last appearance: rep[1] is the last */
    unsigned rep_count;
} prefixes_t;

static bool is_legacy_prefix(uint8_t byte)
{
    switch (byte) {
    case 0x26:
    case 0x2e:
    case 0x36:
    case 0x3e:
    case PREFIX_FS:
    case PREFIX_GS:
    case PREFIX_OPSIZE:
    case PREFIX_ADDRSIZE:
    case PREFIX_LOCK:
    case PREFIX_REPNE:
    case PREFIX_REP:
        return true;
    default:
        return false;
    }
}

static void prefixes_note(prefixes_t *prefixes, uint8_t byte)
{
    if (byte == PREFIX_OPSIZE) {
        prefixes->operand16 = true;
    } else if (byte == PREFIX_ADDRSIZE) {
        prefixes->address16 = true;
    } else if (byte == PREFIX_LOCK) {
        prefixes->lock = true;
    } else if (byte == PREFIX_FS || byte == PREFIX_GS) {
        prefixes->segment = byte;
    } else if (byte == PREFIX_REPNE || byte == PREFIX_REP) {
        /* x86dec reads the last F2/F3 as the mandatory prefix and an earlier other one as a
         * REP/REPNE flag: keep the order of their last appearances. */
        if (prefixes->rep_count == 0) {
            prefixes->rep[1] = byte;
            prefixes->rep_count = 1;
        } else if (prefixes->rep[1] != byte) {
            prefixes->rep[0] = prefixes->rep[1];
            prefixes->rep[1] = byte;
            prefixes->rep_count = 2;
        }
    }
}

static void prefixes_scan(const uint8_t *code, size_t available, prefixes_t *prefixes)
{
    for (size_t at = 0; at < available && is_legacy_prefix(code[at]); at++) {
        prefixes_note(prefixes, code[at]);
        prefixes->count = at + 1;
    }
}

/* The prefixes again, each once, 67 and the null segment overrides left out: what x86dec needs
 * to decode the same instruction in 64-bit mode. Returns how many bytes were written (<= 5). */
static size_t prefixes_canonical(const prefixes_t *prefixes, uint8_t *out)
{
    size_t count = 0;

    if (prefixes->operand16) {
        out[count++] = PREFIX_OPSIZE;
    }
    if (prefixes->lock) {
        out[count++] = PREFIX_LOCK;
    }
    if (prefixes->segment != 0) {
        out[count++] = prefixes->segment;
    }
    if (prefixes->rep_count == 2) {
        out[count++] = prefixes->rep[0];
    }
    if (prefixes->rep_count >= 1) {
        out[count++] = prefixes->rep[1];
    }
    return count;
}

static uint64_t read_le(const uint8_t *bytes, unsigned size)
{
    uint64_t value = 0;

    for (unsigned i = size; i > 0; i--) {
        value = (value << 8) | bytes[i - 1];
    }
    return value;
}

static uint64_t sign_extend(uint64_t value, unsigned size)
{
    unsigned shift = 64u - 8u * size;

    return size == 0 || size >= 8 ? value : (uint64_t)((int64_t)(value << shift) >> shift);
}

/* A one-byte (or opcode + ib) 32-bit-only instruction, decoded whole here. */
static x86dec_status_t decode_simple(size_t length, size_t available, uint16_t mnemonic,
                                     uint32_t flags, x86dec_insn_t *insn)
{
    if (length > X86DEC_MAX_LENGTH) {
        return X86DEC_ERR_TOO_LONG;
    }
    if (length > available) {
        return available >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
    }
    insn->length = (uint8_t)length;
    insn->mnemonic = mnemonic;
    insn->flags |= flags;
    return X86DEC_OK;
}

/* Direct far CALL/JMP (9A, EA): ptr16:32, or ptr16:16 under 66. */
static x86dec_status_t decode_far_pointer(const uint8_t *code, size_t available,
                                          const prefixes_t *prefixes, x86dec_insn_t *insn)
{
    unsigned offset_size = prefixes->operand16 ? 2u : 4u;
    size_t length = prefixes->count + 1u + offset_size + 2u;
    bool call = code[prefixes->count] == 0x9a;
    x86dec_status_t status = decode_simple(
            length, available, call ? PV_PATCH_MN_CALL_FAR_DIRECT : PV_PATCH_MN_JMP_FAR_DIRECT,
            X86DEC_F_SENSITIVE, insn);

    if (status == X86DEC_OK) {
        insn->imm_size = (uint8_t)offset_size;
        insn->imm = read_le(code + prefixes->count + 1, offset_size);
        insn->imm2_size = 2;
        insn->imm2 = read_le(code + prefixes->count + 1 + offset_size, 2);
        insn->operand_size = (uint8_t)offset_size;
    }
    return status;
}

/* Near branches with a relative offset under 66 take a rel16 in 32-bit code (x86dec, decoding
 * 64-bit code as Intel does, would read a rel32). Returns the opcode bytes, 0 if not one. */
static unsigned rel16_branch_opcode_bytes(const uint8_t *code, size_t available, size_t at)
{
    if (at < available && (code[at] == 0xe8 || code[at] == 0xe9)) {
        return 1;
    }
    if (at + 1 < available && code[at] == 0x0f && (code[at + 1] & 0xf0) == 0x80) {
        return 2;
    }
    return 0;
}

static x86dec_status_t decode_rel16_branch(const uint8_t *code, size_t available,
                                           const prefixes_t *prefixes, unsigned opcode_bytes,
                                           x86dec_insn_t *insn)
{
    size_t at = prefixes->count;
    x86dec_status_t status =
            decode_simple(at + opcode_bytes + 2u, available, X86DEC_MN_OTHER, 0, insn);

    if (status == X86DEC_OK) {
        insn->map = opcode_bytes == 2 ? X86DEC_MAP_0F : X86DEC_MAP_PRIMARY;
        insn->opcode = code[at + opcode_bytes - 1];
        insn->imm_size = 2;
        insn->imm = sign_extend(read_le(code + at + opcode_bytes, 2), 2);
        insn->operand_size = 2;
    }
    return status;
}

/* Instructions 64-bit mode has and 32-bit mode does not. */
static bool only_in_64bit_mode(unsigned mnemonic)
{
    switch (mnemonic) {
    case X86DEC_MN_SWAPGS:
    case X86DEC_MN_RDFSBASE:
    case X86DEC_MN_RDGSBASE:
    case X86DEC_MN_WRFSBASE:
    case X86DEC_MN_WRGSBASE:
    case X86DEC_MN_LKGS:
    case X86DEC_MN_ERETS:
    case X86DEC_MN_ERETU:
        return true;
    default:
        return false;
    }
}

/* Displacement bytes of a 16-bit ModRM memory form. */
static unsigned disp16_size(uint8_t modrm)
{
    unsigned mod = MODRM_MOD(modrm);

    if (mod == 0) {
        return MODRM_RM(modrm) == 6 ? 2u : 0u;
    }
    return mod == 1 ? 1u : 2u;
}

/*
 * x86dec decoded canonical prefixes + code[prefixes->count ..) as 64-bit code. Turn the result
 * into the 32-bit instruction: its true length (the original prefixes, 32- or 16-bit moffs, the
 * 16-bit ModRM forms), displacement and immediates read again where the layout moved. Returns
 * the 32-bit length, which may exceed what is available (the caller checks).
 */
static size_t adjust_to_32bit(const uint8_t *code, const prefixes_t *prefixes, size_t canonical,
                              x86dec_insn_t *insn)
{
    size_t length = insn->length - canonical + prefixes->count;
    bool moffs = insn->map == X86DEC_MAP_PRIMARY && insn->encoding == X86DEC_ENC_LEGACY &&
                 insn->opcode >= 0xa0 && insn->opcode <= 0xa3;

    if (moffs) {
        unsigned size = prefixes->address16 ? 2u : 4u;
        size_t at = length - insn->disp_size;

        length = length - insn->disp_size + size;
        insn->disp_size = (uint8_t)size;
        insn->disp = (int64_t)read_le(code + at, size);
    } else if (prefixes->address16 && insn->has_modrm && MODRM_MOD(insn->modrm) != 3) {
        size_t tail = (size_t)insn->imm_size + insn->imm2_size;
        size_t modrm_at = length - tail - insn->disp_size - (insn->has_sib ? 1u : 0u) - 1u;
        unsigned size = disp16_size(insn->modrm);

        insn->has_sib = false;
        insn->sib = 0;
        insn->disp_size = (uint8_t)size;
        insn->disp = (int64_t)sign_extend(read_le(code + modrm_at + 1, size), size);
        length = modrm_at + 1u + size + tail;
        insn->imm =
                sign_extend(read_le(code + modrm_at + 1 + size, insn->imm_size), insn->imm_size);
        insn->imm2 = read_le(code + modrm_at + 1 + size + insn->imm_size, insn->imm2_size);
    }
    return length;
}

/* The rest of a 32-bit instruction through x86dec; `substitute` replaces its first opcode byte
 * (82 -> 80, ARPL -> 89, BOUND/LES/LDS -> 8B: the same ModRM and immediate layout) or is 0. */
static x86dec_status_t decode_through_x86dec(const uint8_t *code, size_t available,
                                             const prefixes_t *prefixes, uint8_t substitute,
                                             const x86dec_options_t *options, x86dec_insn_t *insn)
{
    uint8_t buffer[2 * X86DEC_MAX_LENGTH + 16] = {0};
    size_t canonical = prefixes_canonical(prefixes, buffer);
    size_t rest = available - prefixes->count;
    size_t length;
    x86dec_status_t status;

    __builtin_memcpy(buffer + canonical, code + prefixes->count, rest);
    if (substitute != 0) {
        buffer[canonical] = substitute;
    }
    status = x86dec_decode_with(buffer, canonical + rest, options, insn);
    if (status == X86DEC_ERR_TRUNCATED && available < X86DEC_MAX_LENGTH) {
        /* 32-bit moffs and 16-bit ModRM forms are shorter than the 64-bit reading x86dec gave
         * up on: decode with zeros after the bytes, then judge the true length. */
        status = x86dec_decode_with(buffer, canonical + rest + 12, options, insn);
        if (status != X86DEC_OK) {
            return X86DEC_ERR_TRUNCATED;
        }
    } else if (status == X86DEC_ERR_TRUNCATED) {
        return X86DEC_ERR_TOO_LONG; /* the 15-byte window ended inside it */
    }
    if (status != X86DEC_OK) {
        return status;
    }
    if (only_in_64bit_mode(insn->mnemonic)) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return X86DEC_ERR_INVALID;
    }
    length = adjust_to_32bit(code, prefixes, canonical, insn);
    if (length > X86DEC_MAX_LENGTH) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return X86DEC_ERR_TOO_LONG;
    }
    if (length > available) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return available >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
    }
    insn->length = (uint8_t)length;
    insn->flags &= ~(uint32_t)(X86DEC_F_OPERANDS | X86DEC_F_RIP_REL | X86DEC_F_MEM_READ |
                               X86DEC_F_MEM_WRITE);
    insn->operand_count = 0;
    __builtin_memset(insn->operands, 0, sizeof(insn->operands));
    if (insn->operand_size == 8) {
        insn->operand_size = 4; /* the 64-bit default of pushes, pops and branches */
    }
    insn->rex = 0;
    return X86DEC_OK;
}

/* 32-bit-only one-byte opcodes: mnemonic and class, or false. */
static bool legacy_one_byte(uint8_t opcode, uint16_t *mnemonic, uint32_t *flags, size_t *extra)
{
    *flags = 0;
    *extra = 0;
    switch (opcode) {
    case 0x06:
    case 0x1e:
        *mnemonic = PV_PATCH_MN_PUSH_SREG; /* ES, DS: their selectors are the guest's */
        return true;
    case 0x0e:
    case 0x16:
        *mnemonic = PV_PATCH_MN_PUSH_SREG; /* CS, SS: the RPL tells the real CPL */
        *flags = X86DEC_F_SENSITIVE;
        return true;
    case 0x07:
    case 0x17:
    case 0x1f:
        *mnemonic = PV_PATCH_MN_POP_SREG32;
        *flags = X86DEC_F_SENSITIVE;
        return true;
    case 0x27:
    case 0x2f:
    case 0x37:
    case 0x3f:
    case 0x60:
    case 0x61:
    case 0xd6:
        *mnemonic = PV_PATCH_MN_LEGACY;
        return true;
    case 0xd4:
    case 0xd5:
        *mnemonic = PV_PATCH_MN_LEGACY;
        *extra = 1; /* AAM/AAD ib */
        return true;
    case 0xce:
        *mnemonic = X86DEC_MN_INTO;
        return true;
    default:
        if (opcode >= 0x40 && opcode <= 0x4f) {
            *mnemonic = PV_PATCH_MN_INC_DEC;
            return true;
        }
        return false;
    }
}

/* C4, C5 and 62 are VEX/EVEX when the next byte's top bits are 11 (ModRM.mod = 3, which LES,
 * LDS and BOUND cannot have); otherwise LES/LDS/BOUND with a memory operand. */
static uint8_t memory_form_substitute(const uint8_t *code, size_t available, size_t at,
                                      uint16_t *mnemonic, uint32_t *flags)
{
    uint8_t opcode = code[at];

    if ((opcode != 0xc4 && opcode != 0xc5 && opcode != 0x62) || at + 1 >= available ||
        MODRM_MOD(code[at + 1]) == 3) {
        return 0;
    }
    *mnemonic = opcode == 0x62 ? PV_PATCH_MN_LEGACY
                               : (opcode == 0xc4 ? PV_PATCH_MN_LES : PV_PATCH_MN_LDS);
    *flags = opcode == 0x62 ? 0 : X86DEC_F_SENSITIVE; /* LES/LDS load a descriptor */
    return 0x8b;
}

static x86dec_status_t decode_32(const uint8_t *code, size_t size, const x86dec_options_t *options,
                                 x86dec_insn_t *insn)
{
    size_t available = size < X86DEC_MAX_LENGTH ? size : X86DEC_MAX_LENGTH;
    prefixes_t prefixes = {0};
    uint16_t mnemonic = X86DEC_MN_OTHER;
    uint32_t flags = 0;
    size_t extra = 0;
    uint8_t opcode;
    uint8_t substitute;
    unsigned branch_bytes;
    x86dec_status_t status;

    prefixes_scan(code, available, &prefixes);
    if (prefixes.count == available) {
        return available >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
    }
    opcode = code[prefixes.count];
    if (legacy_one_byte(opcode, &mnemonic, &flags, &extra)) {
        status = decode_simple(prefixes.count + 1 + extra, available, mnemonic, flags, insn);
        if (status == X86DEC_OK) {
            insn->opcode = opcode;
            insn->imm_size = (uint8_t)extra;
            insn->imm = extra != 0 ? code[prefixes.count + 1] : 0;
        }
    } else if (opcode == 0x9a || opcode == 0xea) {
        status = decode_far_pointer(code, available, &prefixes, insn);
        insn->opcode = opcode;
    } else if (prefixes.operand16 &&
               (branch_bytes = rel16_branch_opcode_bytes(code, available, prefixes.count)) != 0) {
        status = decode_rel16_branch(code, available, &prefixes, branch_bytes, insn);
    } else {
        if (opcode == 0x82) {
            substitute = 0x80;
        } else if (opcode == 0x63) {
            substitute = 0x89; /* ARPL r/m16, r16 */
            mnemonic = PV_PATCH_MN_LEGACY;
        } else {
            substitute = memory_form_substitute(code, available, prefixes.count, &mnemonic, &flags);
        }
        status = decode_through_x86dec(code, available, &prefixes, substitute, options, insn);
        if (status == X86DEC_OK && substitute != 0) {
            insn->opcode = opcode;
            insn->mnemonic = mnemonic;
            insn->flags = (insn->flags &
                           ~(uint32_t)(X86DEC_F_SENSITIVE | X86DEC_F_PRIVILEGED | X86DEC_F_IOPL)) |
                          flags;
        }
    }
    if (status != X86DEC_OK) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return status;
    }
    insn->address_size = prefixes.address16 ? 2 : 4;
    if (insn->operand_size == 0) {
        insn->operand_size = prefixes.operand16 ? 2 : 4;
    }
    if (prefixes.lock) {
        insn->flags |= X86DEC_F_LOCK;
    }
    return X86DEC_OK;
}

x86dec_status_t pv_patch_decode(const uint8_t *code, size_t size, pv_patch_mode_t mode,
                                const x86dec_options_t *options, x86dec_insn_t *insn)
{
    if (code == NULL || insn == NULL) {
        return X86DEC_ERR_ARGUMENT;
    }
    __builtin_memset(insn, 0, sizeof(*insn));
    if (mode == PV_PATCH_MODE_64) {
        return x86dec_decode_with(code, size, options, insn);
    }
    if (mode != PV_PATCH_MODE_32) {
        return X86DEC_ERR_ARGUMENT;
    }
    return decode_32(code, size, options, insn);
}
