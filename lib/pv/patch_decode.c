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

/*
 * Encodings 64-bit mode has and 32-bit mode does not that x86dec gives no mnemonic class: the
 * user-interrupt instructions (F3 0F 01 EC-EF UIRET/TESTUI/CLUI/STUI, F3 0F C7 /6 register form
 * SENDUIPI), RMPADJUST, PSMASH and RMPUPDATE (F3 0F 01 FE, FF; F2 0F 01 FE), the TDX module's
 * SEAMRET, SEAMOPS and SEAMCALL (66 0F 01 CD-CF), and EVEX naming a vector register above 7
 * through V' (EVEX.V' must be 1 outside 64-bit mode). TDCALL (66 0F 01 CC), a TD guest's call into the module, is not
 * among them: Zydis decodes it in 32-bit mode too.
 */
static bool unencodable_in_32bit_mode(const uint8_t *code, size_t available, size_t at,
                                      const prefixes_t *prefixes)
{
    bool rep = prefixes->rep_count != 0 && prefixes->rep[1] == PREFIX_REP;

    /* 66 0F 01 CD-CF: SEAMRET, SEAMOPS, SEAMCALL */
    if (prefixes->operand16 && prefixes->rep_count == 0 && code[at] == 0x0f && at + 2 < available &&
        code[at + 1] == 0x01 && code[at + 2] >= 0xcd && code[at + 2] <= 0xcf) {
        return true;
    }
    if (code[at] == 0x62 && at + 3 < available && MODRM_MOD(code[at + 1]) == 3) {
        return (code[at + 3] & 0x08u) == 0;
    }
    /* F2 0F 01 FE: RMPUPDATE (Zydis and x86dec agree on PVALIDATE, F2 0F 01 FF) */
    if (prefixes->rep_count != 0 && prefixes->rep[1] == PREFIX_REPNE && code[at] == 0x0f &&
        at + 2 < available && code[at + 1] == 0x01 && code[at + 2] == 0xfe) {
        return true;
    }
    if (!rep || code[at] != 0x0f || at + 2 >= available) {
        return false;
    }
    if (code[at + 1] == 0x01) {
        return (code[at + 2] >= 0xec && code[at + 2] <= 0xef) || code[at + 2] >= 0xfe;
    }
    return code[at + 1] == 0xc7 && MODRM_MOD(code[at + 2]) == 3 && ((code[at + 2] >> 3) & 7u) == 6;
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

/* Whether a ModRM addresses memory: MOV to and from CR/DR (0F 20-23) ignore ModRM.mod. */
static bool memory_form(const x86dec_insn_t *insn)
{
    bool control = insn->map == X86DEC_MAP_0F && insn->encoding == X86DEC_ENC_LEGACY &&
                   insn->opcode >= 0x20 && insn->opcode <= 0x23;

    return insn->has_modrm && MODRM_MOD(insn->modrm) != 3 && !control;
}

/* Where the ModRM byte of the instruction whose opcode starts at code[at] would be. */
static size_t modrm_position(const uint8_t *code, size_t available, size_t at, uint8_t substitute)
{
    uint8_t opcode = code[at];

    if (substitute != 0) {
        return at + 1; /* LES, LDS, BOUND, ARPL, 82 */
    }
    if (opcode == 0x0f) {
        bool three = at + 1 < available && (code[at + 1] == 0x38 || code[at + 1] == 0x3a);
        return at + (three ? 3u : 2u); /* 0F 38 xx, 0F 3A xx; 0F xx and 3DNow! 0F 0F */
    }
    if (opcode == 0xc4 || (opcode == 0x8f && at + 1 < available && (code[at + 1] & 0x1f) >= 8)) {
        return at + 4; /* three-byte VEX, XOP */
    }
    if (opcode == 0xc5) {
        return at + 3;
    }
    return opcode == 0x62 ? at + 5 : at + 1; /* EVEX; one-byte opcodes */
}

/* x86dec on a 64-bit rendering of a 32-bit instruction whose bytes end at `available` (at most
 * the 15-byte window). A rendering cut short is decoded again over zeros, since it may be
 * longer than the instruction (an 8-byte moffs for a 4-byte one) and the caller judges the
 * true length against what is available. */
static x86dec_status_t x86dec_run(uint8_t *buffer, size_t size, size_t available,
                                  const x86dec_options_t *options, x86dec_insn_t *insn)
{
    x86dec_status_t status = x86dec_decode_with(buffer, size, options, insn);

    if (status != X86DEC_ERR_TRUNCATED) {
        return status;
    }
    status = x86dec_decode_with(buffer, size + 12, options, insn);
    if (status == X86DEC_OK || status == X86DEC_ERR_TOO_LONG) {
        return status;
    }
    return available >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
}

/* The byte holding vvvv (its top bit at 0x40) of a VEX3/XOP/EVEX prefix starting at opcode[0],
 * or 0 when this is none of them (C5 has no such bit left; ModRM.mod below 3 is LES, LDS,
 * BOUND or POP). */
static size_t vector_vvvv_byte(const uint8_t *opcode, size_t size)
{
    bool xop = opcode[0] == 0x8f && size >= 2 && (opcode[1] & 0x1f) >= 8;

    if (size < 3 || MODRM_MOD(opcode[1]) != 3 || (opcode[0] != 0xc4 && opcode[0] != 0x62 && !xop)) {
        return 0;
    }
    return 2;
}

/*
 * VEX, XOP and EVEX outside 64-bit mode ignore the register-extension bits that reach registers
 * 8 and up: VEX/XOP.B, EVEX.B and EVEX.R' always (set here as "no extension"), and the top bit
 * of vvvv where vvvv names a register; where it names none, all of vvvv must still be 1111 (as
 * Zydis has it). x86dec checks them as 64-bit mode does, so a decode with vvvv[3] clear is done
 * again with it set, if vvvv names a register (a refused one only if vvvv = 0001 decodes).
 */
static x86dec_status_t decode_vector_32bit(uint8_t *buffer, size_t at, size_t size,
                                           size_t available, const x86dec_options_t *options,
                                           x86dec_insn_t *insn)
{
    size_t vvvv = vector_vvvv_byte(buffer + at, size - at);
    uint8_t original;
    x86dec_status_t status;

    if (vvvv == 0) {
        return x86dec_run(buffer, size, available, options, insn);
    }
    buffer[at + 1] |= buffer[at] == 0x62 ? 0x30u : 0x20u;
    status = x86dec_run(buffer, size, available, options, insn);
    original = buffer[at + vvvv];
    if ((original & 0x40u) != 0 || (status != X86DEC_OK && status != X86DEC_ERR_INVALID)) {
        return status;
    }
    if (status == X86DEC_ERR_INVALID) {
        buffer[at + vvvv] = (uint8_t)((original & ~0x78u) | 0x70u); /* vvvv = 0001 */
        status = x86dec_run(buffer, size, available, options, insn);
        if (status != X86DEC_OK) {
            buffer[at + vvvv] = original; /* as it was, for the caller's next reading */
            return X86DEC_ERR_INVALID;
        }
    }
    /* vvvv names a register (accepted with its top bit clear, or as 0001): decoded again as
     * the register 32-bit code reads, so that the checks on it (a destination that must differ
     * from its sources, the complex FP16 multiplies) see that register and not one 8 above. */
    buffer[at + vvvv] = (uint8_t)(original | 0x40u);
    return x86dec_run(buffer, size, available, options, insn);
}

/*
 * A memory operand under 67: 16-bit addressing (no SIB; disp8, disp16 or none by mod and r/m),
 * which x86dec does not know. Decoded as the same instruction with a 32-bit ModRM that has the
 * same mod class and no SIB ([eax] or [eax+disp8]) and the displacement of 16 bits left out;
 * displacement and immediates are read back from the original. Returns the 32-bit length.
 */
static x86dec_status_t decode_16bit_form(const uint8_t *code, size_t available,
                                         const prefixes_t *prefixes, uint8_t substitute,
                                         const x86dec_options_t *options, x86dec_insn_t *insn,
                                         size_t *length)
{
    uint8_t buffer[2 * X86DEC_MAX_LENGTH + 16] = {0};
    size_t canonical = prefixes_canonical(prefixes, buffer);
    size_t at = modrm_position(code, available, prefixes->count, substitute);
    size_t size = canonical;
    unsigned mod;
    unsigned disp;
    x86dec_status_t status;
    bool mpx;

    if (at >= available) {
        return X86DEC_ERR_TRUNCATED;
    }
    mod = MODRM_MOD(code[at]);
    disp = disp16_size(code[at]);
    if (mod == 3) {
        return X86DEC_ERR_INVALID; /* not a memory form: the 64-bit reading stands */
    }
    if (at + 1 + disp > available) {
        return available >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
    }
    __builtin_memcpy(buffer + size, code + prefixes->count, at - prefixes->count);
    if (substitute != 0) {
        buffer[size] = substitute;
    }
    size += at - prefixes->count;
    buffer[size++] = (uint8_t)((mod == 1 ? 0x40u : 0u) | (code[at] & 0x38u));
    if (mod == 1) {
        buffer[size++] = code[at + 1];
    }
    __builtin_memcpy(buffer + size, code + at + 1 + disp, available - (at + 1 + disp));
    size += available - (at + 1 + disp);
    status = decode_vector_32bit(buffer, canonical, size, available, options, insn);
    if (status != X86DEC_OK) {
        return status;
    }
    /* MPX's bound instructions refuse 16-bit addressing (#UD) where MPX is there at all. */
    mpx = options == NULL ||
          (options->vendor == X86DEC_VENDOR_INTEL && (options->flags & X86DEC_OPT_NO_MPX) == 0);
    if (mpx && insn->map == X86DEC_MAP_0F && insn->encoding == X86DEC_ENC_LEGACY &&
        (insn->opcode == 0x1a || insn->opcode == 0x1b)) {
        return X86DEC_ERR_INVALID;
    }
    *length = insn->length - canonical + prefixes->count + (mod == 1 ? 0u : disp);
    insn->has_sib = false;
    insn->sib = 0;
    insn->modrm = code[at];
    insn->disp_size = (uint8_t)disp;
    insn->disp = (int64_t)sign_extend(read_le(code + at + 1, disp), disp);
    if (*length <= available) {
        size_t tail = at + 1 + disp;
        insn->imm = sign_extend(read_le(code + tail, insn->imm_size), insn->imm_size);
        insn->imm2 = read_le(code + tail + insn->imm_size, insn->imm2_size);
    }
    return X86DEC_OK;
}

/* moffs: 4 bytes in 32-bit code, 2 under 67 (x86dec, without 67, read 8). */
static size_t adjust_moffs(const uint8_t *code, size_t available, const prefixes_t *prefixes,
                           size_t length, x86dec_insn_t *insn)
{
    unsigned size = prefixes->address16 ? 2u : 4u;
    size_t at = length - insn->disp_size;

    /* Read only what is there: a shorter buffer is the caller's TRUNCATED. */
    if (at + size <= available) {
        insn->disp = (int64_t)read_le(code + at, size);
    }
    insn->disp_size = (uint8_t)size;
    return at + size;
}

static bool is_moffs(const x86dec_insn_t *insn)
{
    return insn->map == X86DEC_MAP_PRIMARY && insn->encoding == X86DEC_ENC_LEGACY &&
           insn->opcode >= 0xa0 && insn->opcode <= 0xa3;
}

/*
 * ModRM mod 00, r/m 101 is RIP-relative to x86dec and an absolute disp32 in 32-bit code; the
 * instructions that refuse RIP-relative operands (MPX's) accept it. Decoded again as
 * [eax+disp32] (mod 10, r/m 000: the same length) when the first reading was refused.
 */
static x86dec_status_t decode_absolute_form(uint8_t *buffer, size_t canonical, size_t size,
                                            size_t available, uint8_t substitute,
                                            const x86dec_options_t *options, x86dec_insn_t *insn)
{
    size_t at = modrm_position(buffer, size, canonical, substitute);
    uint8_t modrm;
    x86dec_status_t status;

    if (at >= size || MODRM_MOD(buffer[at]) != 0 || MODRM_RM(buffer[at]) != 5) {
        return X86DEC_ERR_INVALID;
    }
    modrm = buffer[at];
    buffer[at] = (uint8_t)(0x80u | (modrm & 0x38u));
    status = x86dec_run(buffer, size, available, options, insn);
    buffer[at] = modrm;
    if (status == X86DEC_OK) {
        insn->modrm = modrm;
    }
    return status == X86DEC_OK ? X86DEC_OK : X86DEC_ERR_INVALID;
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
    size_t length = 0;
    x86dec_status_t status;

    __builtin_memcpy(buffer + canonical, code + prefixes->count, rest);
    if (substitute != 0) {
        buffer[canonical] = substitute;
    }
    status = decode_vector_32bit(buffer, canonical, canonical + rest, available, options, insn);
    if (status == X86DEC_ERR_INVALID && !prefixes->address16) {
        status = decode_absolute_form(buffer, canonical, canonical + rest, available, substitute,
                                      options, insn);
    }
    if (prefixes->address16 && (status != X86DEC_OK || memory_form(insn))) {
        x86dec_status_t first = status;
        status = decode_16bit_form(code, available, prefixes, substitute, options, insn, &length);
        if (status == X86DEC_ERR_INVALID && first != X86DEC_OK) {
            status = first; /* neither reading decodes: say why the plain one did not */
        }
    } else if (status == X86DEC_OK) {
        length = insn->length - canonical + prefixes->count;
        if (is_moffs(insn)) {
            length = adjust_moffs(code, available, prefixes, length, insn);
        }
    }
    if (status == X86DEC_OK && only_in_64bit_mode(insn->mnemonic)) {
        status = X86DEC_ERR_INVALID;
    } else if (status == X86DEC_OK && length > available) {
        /* Past the bytes there are: what follows may have been zeros of the padding, so only a
         * full 15-byte window proves the instruction too long. */
        status = available >= X86DEC_MAX_LENGTH ? X86DEC_ERR_TOO_LONG : X86DEC_ERR_TRUNCATED;
    }
    if (status != X86DEC_OK) {
        __builtin_memset(insn, 0, sizeof(*insn));
        return status;
    }
    insn->length = (uint8_t)length;
    insn->flags &= ~(uint32_t)(X86DEC_F_OPERANDS | X86DEC_F_RIP_REL | X86DEC_F_MEM_READ |
                               X86DEC_F_MEM_WRITE);
    insn->operand_count = 0;
    __builtin_memset(insn->operands, 0, sizeof(insn->operands));
    if (insn->operand_size == 8) {
        /* the 64-bit default of pushes, pops and near branches: 32 bits here, 16 under 66 */
        insn->operand_size = prefixes->operand16 ? 2 : 4;
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
    if (unencodable_in_32bit_mode(code, available, prefixes.count, &prefixes)) {
        return X86DEC_ERR_INVALID;
    }
    if (prefixes.lock &&
        (legacy_one_byte(opcode, &mnemonic, &flags, &extra) || opcode == 0x9a || opcode == 0xea ||
         rel16_branch_opcode_bytes(code, available, prefixes.count) != 0)) {
        return X86DEC_ERR_INVALID; /* none of them takes LOCK */
    }
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
    if (insn == NULL) {
        return X86DEC_ERR_ARGUMENT;
    }
    if (code != NULL && mode == PV_PATCH_MODE_64) {
        return x86dec_decode_with(code, size, options, insn); /* it clears insn itself */
    }
    __builtin_memset(insn, 0, sizeof(*insn));
    if (code == NULL || mode != PV_PATCH_MODE_32) {
        return X86DEC_ERR_ARGUMENT;
    }
    return decode_32(code, size, options, insn);
}
