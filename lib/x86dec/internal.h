/*
 * x86dec internals: the decoder context and the packed opcode descriptors the tables are made of.
 * Only the decoder's own files include this; nothing here is part of the public interface.
 */
#ifndef X86DEC_INTERNAL_H
#define X86DEC_INTERNAL_H

#include <x86dec/x86dec.h>

/*
 * Legacy-map descriptor (one uint32_t per opcode, per mandatory-prefix column, or per group slot).
 *   bits 0-7   flags below
 *   bits 8-11  immediate kind (IMM_*)
 *   bits 12-14 operand-size rule (OSZ_*)
 *   bit  15    AMD-only
 *   bits 16-19 register constraint (SPEC_*)
 *   bit  20    IOPL-sensitive
 *   bit  21    group: bits 24-31 name a group table, resolved through ModRM
 *   bit  22    66 selects the definition but still acts as operand-size override
 *   bits 24-31 mnemonic class (x86dec_mnemonic_t) or group number
 */
typedef uint32_t desc_t;

#define D_VALID   (1u << 0)
#define D_MODRM   (1u << 1)
#define D_REGONLY (1u << 2) /* ModRM.mod must be 3 */
#define D_MEMONLY (1u << 3) /* ModRM.mod must not be 3 */
#define D_LOCK    (1u << 4) /* LOCK allowed (with a memory operand) */
#define D_PRIV    (1u << 5)
#define D_SENS    (1u << 6)
#define D_AGEN    (1u << 7) /* the memory operand is an address only: not accessed */
#define D_AMD     (1u << 15)
#define D_IOPL    (1u << 20)
#define D_GROUP   (1u << 21)
#define D_KEEP66  (1u << 22) /* found in the 66 column, yet 66 still sets a 16-bit operand size */

#define D_IMM_SHIFT  8
#define D_OSZ_SHIFT  12
#define D_SPEC_SHIFT 16
#define D_ID_SHIFT   24

enum {
    IMM_NONE = 0,
    IMM_B,     /* 1 byte */
    IMM_W,     /* 2 bytes */
    IMM_Z,     /* 2 bytes with a 16-bit operand size, else 4 */
    IMM_V,     /* the operand size: 2, 4 or 8 */
    IMM_WB,    /* 2 + 1 bytes (ENTER) */
    IMM_MOFFS, /* the address size: 4 or 8 */
    IMM_D,     /* 4 bytes regardless of prefixes */
    IMM_BB,    /* 1 + 1 bytes (EXTRQ, INSERTQ) */
};

enum {
    OSZ_DEF32 = 0, /* 32, 16 with 66, 64 with REX.W */
    OSZ_BYTE,      /* always 8 bits */
    OSZ_DEF64,     /* 64, 16 with 66 (push, pop, ...) */
    OSZ_FORCE64,   /* near branches: always 64 on Intel; 16 with 66 (and no REX.W) on AMD */
    OSZ_FAR,       /* far pointers: like DEF32, but AMD ignores REX.W (m16:32 at most) */
};

enum {
    SPEC_NONE = 0,
    SPEC_CR,       /* ModRM.reg names CR0, 2, 3, 4 or 8; ModRM.mod is ignored */
    SPEC_DR,       /* ModRM.reg names DR0-DR7; ModRM.mod is ignored */
    SPEC_SREG_DST, /* ModRM.reg names ES or SS..GS (not CS); 8C's group lists ES..GS */
    SPEC_3DNOW,    /* 0F 0F: the opcode is the suffix byte after the operands */
    SPEC_BND,      /* ModRM.reg names BND0-3 (MPX) */
    SPEC_BND_RM,   /* ModRM.reg and, in register form, ModRM.rm name BND0-3 */
    SPEC_BND_MIB,  /* BND0-3 in ModRM.reg and a memory operand that is not RIP-relative */
};

#define DESC_IMM(d)  (((d) >> D_IMM_SHIFT) & 15u)
#define DESC_OSZ(d)  (((d) >> D_OSZ_SHIFT) & 7u)
#define DESC_SPEC(d) (((d) >> D_SPEC_SHIFT) & 15u)
#define DESC_ID(d)   ((d) >> D_ID_SHIFT)

/* Mandatory-prefix columns. PFX_ANY holds definitions that do not care about the prefix; the
 * decoder falls back to it when the column of the prefix actually present is empty. */
enum { PFX_ANY = 0, PFX_NONE, PFX_66, PFX_F3, PFX_F2, PFX_COLUMNS };

/* Vendor behaviour the decoder must know (from x86dec_options_t): bits of x86dec_ctx_t.quirks. */
#define QUIRK_AMD_BRANCH 1u /* 66 gives near branches a 16-bit operand size */
#define QUIRK_AMD_FAR    2u /* REX.W does not widen far pointers */
#define QUIRK_MPX_NOP    4u /* 0F 1A / 0F 1B are hint NOPs */
#define QUIRK_UD0_SHORT  8u /* UD0 has no ModRM */

/* Decoder state for one instruction. */
typedef struct {
    const uint8_t *code;
    size_t size;
    unsigned pos;   /* next byte to read */
    uint8_t quirks; /* QUIRK_* */

    uint8_t rex;       /* effective REX (0 when none or not the last prefix) */
    uint8_t last_rep;  /* last F2/F3, 0 if none */
    uint8_t mandatory; /* mandatory-prefix candidate: last F2/F3, else 66, else 0 */
    uint8_t segment;   /* last segment override prefix byte, 0 if none */
    bool has_66;
    bool has_67;
    bool has_lock;
    bool mandatory_used; /* the candidate selected the definition: it is not a modifier */

    uint8_t encoding;
    uint8_t map;
    uint8_t opcode;
    bool has_modrm;
    uint8_t modrm;
    bool has_sib;
    uint8_t sib;
    uint8_t disp_size;
    uint8_t disp_pos;
    uint8_t imm_size;
    uint8_t imm2_size;
    uint8_t imm_pos;
    uint8_t operand_size;
    uint8_t address_size;

    /* VEX / EVEX / XOP fields, already un-inverted: 1 means "extend". */
    uint8_t vex_r, vex_x, vex_b, vex_w, vex_l, vex_pp, vex_vvvv;
    uint8_t evex_r2, evex_v2, evex_z, evex_b, evex_aaa;

    desc_t desc;      /* legacy layout for legacy and 3DNow!; the VEX/EVEX tables' own otherwise */
    uint8_t mnemonic; /* VEX map 7 only (legacy encodings carry it in desc) */
    uint32_t flags;   /* VEX map 7 only: X86DEC_F_PRIVILEGED */
} x86dec_ctx_t;

static inline unsigned modrm_mod(const x86dec_ctx_t *c)
{
    return c->modrm >> 6;
}

static inline unsigned modrm_reg(const x86dec_ctx_t *c)
{
    return (c->modrm >> 3) & 7u;
}

static inline unsigned modrm_rm(const x86dec_ctx_t *c)
{
    return c->modrm & 7u;
}

/* Column of the current mandatory-prefix candidate. */
static inline unsigned ctx_prefix_column(const x86dec_ctx_t *c)
{
    switch (c->mandatory) {
    case 0x66:
        return PFX_66;
    case 0xF3:
        return PFX_F3;
    case 0xF2:
        return PFX_F2;
    default:
        return PFX_NONE;
    }
}

/* Legacy maps (legacy_tables.c). legacy_lookup() picks the opcode's entry for c->map/c->opcode
 * and the mandatory-prefix candidate (a group entry has D_MODRM and D_GROUP), applying the
 * vendor quirks; legacy_group() resolves a group once c->modrm is read. Both return 0 for an
 * undefined encoding. */
desc_t legacy_lookup(x86dec_ctx_t *c);
desc_t legacy_group(x86dec_ctx_t *c, unsigned group);
bool legacy_3dnow_valid(uint8_t suffix);

/* VEX, XOP and EVEX validity (vex_tables.c, evex_tables.c): X86DEC_OK or X86DEC_ERR_INVALID.
 * Called with ModRM (if any) read; they set imm_size and the ModRM/SIB requirement. VEX map 7
 * (the MSR immediate forms) also sets c->mnemonic and c->flags. */
x86dec_status_t vex_check(x86dec_ctx_t *c);
x86dec_status_t xop_check(x86dec_ctx_t *c);
x86dec_status_t evex_check(x86dec_ctx_t *c);
bool vex_has_modrm(const x86dec_ctx_t *c);
bool xop_has_modrm(const x86dec_ctx_t *c);

/* Operand-level description (operands.c). */
void operands_describe(const x86dec_ctx_t *c, x86dec_insn_t *insn);

#endif
