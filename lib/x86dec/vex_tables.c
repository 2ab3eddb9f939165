/*
 * VEX (C4/C5) and XOP (8F) opcode tables: which map/pp/opcode combinations exist and the
 * constraints on W, L, vvvv, ModRM and the register fields that make them valid.
 * Pure data plus one checker per encoding; no state.
 */
#include "internal.h"

/* VEX/XOP descriptor bits. */
#define X_VALID (1u << 0)
#define X_IB    (1u << 1) /* imm8 (also the is4 register byte) */
#define X_REG   (1u << 2) /* ModRM.mod must be 3 */
#define X_MEM   (1u << 3) /* ModRM.mod must not be 3 */
#define X_NOV   (1u << 4) /* vvvv must be 1111 */
#define X_W0    (1u << 5)
#define X_W1    (1u << 6)
#define X_L0    (1u << 7)
#define X_L1    (1u << 8)
#define X_GROUP (1u << 9)  /* bits 24-31: group number, resolved by ModRM.reg */
#define X_VSIB  (1u << 10) /* gather: VSIB memory operand, destination/index/mask all distinct */
#define X_KREG  (1u << 11) /* ModRM.reg names a mask register k0-k7 */
#define X_KRM   0u         /* ModRM.rm names a mask register: VEX.B is ignored, nothing to check */
#define X_KV    (1u << 13) /* vvvv names a mask register */
#define X_NOVM  (1u << 14) /* vvvv must be 1111 in the memory form only */
#define X_AMX   (1u << 15) /* tile registers: see amx_ok() */
#define X_I32   (1u << 16) /* imm32 (XOP map A) */
#define X_ID(d) ((d) >> 24)

#define I     X_VALID
#define NDS   X_VALID
#define U     (X_VALID | X_NOV) /* unary: vvvv unused */
#define W0    X_W0
#define W1    X_W1
#define L0    X_L0
#define L1    X_L1
#define IB    X_IB
#define RG    X_REG
#define MM    X_MEM
#define XG(g) (X_VALID | X_GROUP | ((uint32_t)(g) << 24))

enum { PP_NONE = 0, PP_66 = 1, PP_F3 = 2, PP_F2 = 3 };

enum {
    VG_NONE = 0,
    VG_0F71,
    VG_0F72,
    VG_0F73,
    VG_0FAE,
    VG_0F38F3,
    VG_0F3849_NP,
    VG_XOP9_01,
    VG_XOP9_02,
    VG_XOP9_12,
    VG_XOPA_12,
    VG_COUNT
};

static const uint32_t vex_groups[VG_COUNT][8] = {
        [VG_0F71] = {[2] = I | RG | IB, [4] = I | RG | IB, [6] = I | RG | IB},
        [VG_0F72] = {[2] = I | RG | IB, [4] = I | RG | IB, [6] = I | RG | IB},
        [VG_0F73] = {[2] = I | RG | IB, [3] = I | RG | IB, [6] = I | RG | IB, [7] = I | RG | IB},
        [VG_0FAE] = {[2] = U | MM | L0, [3] = U | MM | L0},
        [VG_0F38F3] = {[1] = I | L0, [2] = I | L0, [3] = I | L0},
        [VG_XOP9_01] = {[1] = I | L0,
                        [2] = I | L0,
                        [3] = I | L0,
                        [4] = I | L0,
                        [5] = I | L0,
                        [6] = I | L0,
                        [7] = I | L0},
        [VG_XOP9_02] = {[1] = I | L0, [6] = I | L0},
        [VG_XOP9_12] = {[0] = U | RG | L0, [1] = U | RG | L0},
        [VG_XOPA_12] = {[0] = I | L0 | X_I32, [1] = I | L0 | X_I32},
};

/* vex_map[map - 1][pp][opcode] */
/* vex_map[map][pp][opcode]; map 0 (VEX.mmmmm = 0) is reserved and stays empty. */
static const uint32_t vex_map[4][4][256] = {
        /* ---- 0F ---- */
        [1][PP_NONE][0x10] = U,
        U,
        NDS | L0,
        U | MM | L0,
        [1][PP_NONE][0x14] = NDS,
        NDS,
        NDS | L0,
        U | MM | L0,
        [1][PP_66][0x10] = U,
        U,
        NDS | MM | L0,
        U | MM | L0,
        NDS,
        NDS,
        NDS | MM | L0,
        U | MM | L0,
        [1][PP_F3][0x10] = NDS | X_NOVM,
        NDS | X_NOVM,
        U,
        [1][PP_F3][0x16] = U,
        [1][PP_F2][0x10] = NDS | X_NOVM,
        NDS | X_NOVM,
        U,
        [1][PP_NONE][0x28] = U,
        U,
        [1][PP_66][0x28] = U,
        U,
        [1][PP_F3][0x2A] = NDS,
        [1][PP_F2][0x2A] = NDS,
        [1][PP_NONE][0x2B] = U | MM,
        [1][PP_66][0x2B] = U | MM,
        [1][PP_F3][0x2C] = U,
        U,
        [1][PP_F2][0x2C] = U,
        U,
        [1][PP_NONE][0x2E] = U,
        U,
        [1][PP_66][0x2E] = U,
        U,
        [3][PP_66][0x48] = NDS | IB,
        NDS | IB,
        [3][PP_66][0x5C] = NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        [3][PP_66][0x68] = NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        [3][PP_66][0x78] = NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        [2][PP_NONE][0x49] = I | X_AMX,
        [2][PP_66][0x49] = I | X_AMX,
        [2][PP_F2][0x49] = I | X_AMX,
        [2][PP_66][0x4B] = I | X_AMX,
        [2][PP_F3][0x4B] = I | X_AMX,
        [2][PP_F2][0x4B] = I | X_AMX,
        [2][PP_F3][0x5C] = I | X_AMX,
        [2][PP_NONE][0x5E] = I | X_AMX,
        [2][PP_66][0x5E] = I | X_AMX,
        [2][PP_F3][0x5E] = I | X_AMX,
        [2][PP_F2][0x5E] = I | X_AMX,
        [1][PP_NONE][0x41] = I | RG | L1 | X_KREG | X_KRM | X_KV,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_NONE][0x44] = U | RG | L0 | X_KREG | X_KRM,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_NONE][0x46] = I | RG | L1 | X_KREG | X_KRM | X_KV,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_NONE][0x4A] = I | RG | L1 | X_KREG | X_KRM | X_KV,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_66][0x41] = I | RG | L1 | X_KREG | X_KRM | X_KV,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_66][0x44] = U | RG | L0 | X_KREG | X_KRM,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_66][0x46] = I | RG | L1 | X_KREG | X_KRM | X_KV,
        I | RG | L1 | X_KREG | X_KRM | X_KV,
        [1][PP_66][0x4A] = I | RG | L1 | X_KREG | X_KRM | X_KV,
        I | RG | L1 | X_KREG | X_KRM | X_KV | W0,
        [1][PP_NONE][0x50] = U | RG,
        [1][PP_66][0x50] = U | RG,
        [1][PP_NONE][0x51] = U,
        U,
        U,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        U,
        U,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_66][0x51] = U,
        0,
        0,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        U,
        U,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_F3][0x51] = NDS,
        NDS,
        NDS,
        0,
        0,
        0,
        0,
        NDS,
        NDS,
        NDS,
        U,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_F2][0x51] = NDS,
        0,
        0,
        0,
        0,
        0,
        0,
        NDS,
        NDS,
        NDS,
        0,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_66][0x60] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_66][0x6E] = U | L0,
        U,
        [1][PP_F3][0x6F] = U,
        [1][PP_66][0x70] = U | IB,
        XG(VG_0F71),
        XG(VG_0F72),
        XG(VG_0F73),
        NDS,
        NDS,
        NDS,
        [1][PP_F3][0x70] = U | IB,
        [1][PP_F2][0x70] = U | IB,
        [1][PP_NONE][0x77] = U,
        [1][PP_66][0x7C] = NDS,
        NDS,
        [1][PP_F2][0x7C] = NDS,
        NDS,
        [1][PP_66][0x7E] = U | L0,
        U,
        [1][PP_F3][0x7E] = U | L0,
        U,
        [1][PP_NONE][0x90] = U | L0 | X_KREG | X_KRM,
        U | MM | L0 | X_KREG,
        U | RG | L0 | X_KREG | W0,
        U | RG | L0 | W0,
        [1][PP_66][0x90] = U | L0 | X_KREG | X_KRM,
        U | MM | L0 | X_KREG,
        U | RG | L0 | X_KREG | W0,
        U | RG | L0 | W0,
        [1][PP_F2][0x92] = U | RG | L0 | X_KREG,
        U | RG | L0,
        [1][PP_NONE][0x98] = U | RG | L0 | X_KREG | X_KRM,
        U | RG | L0 | X_KREG | X_KRM,
        [1][PP_66][0x98] = U | RG | L0 | X_KREG | X_KRM,
        U | RG | L0 | X_KREG | X_KRM,
        [1][PP_NONE][0xAE] = XG(VG_0FAE),
        [1][PP_NONE][0xC2] = NDS | IB,
        [1][PP_66][0xC2] = NDS | IB,
        [1][PP_F3][0xC2] = NDS | IB,
        [1][PP_F2][0xC2] = NDS | IB,
        [1][PP_66][0xC4] = NDS | IB | L0,
        U | RG | IB | L0,
        NDS | IB,
        [1][PP_NONE][0xC6] = NDS | IB,
        [1][PP_66][0xD0] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        U | L0,
        U | RG,
        [1][PP_F2][0xD0] = NDS,
        [1][PP_66][0xD8] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_66][0xE0] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        U,
        U | MM,
        [1][PP_F3][0xE6] = U,
        [1][PP_F2][0xE6] = U,
        [1][PP_66][0xE8] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [1][PP_F2][0xF0] = U | MM,
        [1][PP_66][0xF1] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        U | RG | L0,
        [1][PP_66][0xF8] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        /* ---- 0F38 ---- */
        [2][PP_66][0x00] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [2][PP_66][0x0C] = NDS | W0,
        NDS | W0,
        U | W0,
        U | W0,
        [2][PP_66][0x13] = U | W0,
        [2][PP_66][0x16] = NDS | W0 | L1,
        U,
        U | W0,
        U | W0 | L1,
        U | W0 | L1 | MM,
        [2][PP_66][0x1C] = U,
        U,
        U,
        [2][PP_66][0x20] = U,
        U,
        U,
        U,
        U,
        U,
        [2][PP_66][0x28] = NDS,
        NDS,
        U | MM,
        NDS,
        NDS | W0 | MM,
        NDS | W0 | MM,
        NDS | W0 | MM,
        NDS | W0 | MM,
        [2][PP_66][0x30] = U,
        U,
        U,
        U,
        U,
        U,
        NDS | W0 | L1,
        NDS,
        [2][PP_66][0x38] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        U | L0,
        [2][PP_66][0x45] = NDS,
        NDS | W0,
        NDS,
        [2][PP_66][0x50] = NDS | W0,
        NDS | W0,
        NDS | W0,
        NDS | W0,
        [2][PP_66][0x58] = U | W0,
        U | W0,
        U | W0 | L1 | MM,
        [2][PP_66][0x78] = U | W0,
        U | W0,
        [2][PP_66][0x8C] = NDS | MM,
        0,
        NDS | MM,
        [2][PP_66][0x90] = NDS | MM | X_VSIB,
        NDS | MM | X_VSIB,
        NDS | MM | X_VSIB,
        NDS | MM | X_VSIB,
        [2][PP_66][0x96] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [2][PP_66][0xA6] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [2][PP_66][0xB6] = NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        NDS,
        [2][PP_66][0xCF] = NDS | W0,
        [2][PP_66][0xDB] = U | L0,
        NDS,
        NDS,
        NDS,
        NDS,
        [2][PP_NONE][0xF2] = NDS | L0,
        XG(VG_0F38F3),
        [2][PP_NONE][0xF5] = NDS | L0,
        [2][PP_NONE][0xF7] = NDS | L0,
        [2][PP_66][0xF7] = NDS | L0,
        [2][PP_F3][0xF5] = NDS | L0,
        [2][PP_F3][0xF7] = NDS | L0,
        [2][PP_F2][0xF5] = NDS | L0,
        NDS | L0,
        NDS | L0,
        /* ---- 0F3A ---- */
        [3][PP_66][0x00] = U | IB | W1 | L1,
        U | IB | W1 | L1,
        NDS | IB | W0,
        0,
        U | IB | W0,
        U | IB | W0,
        NDS | IB | W0 | L1,
        0,
        U | IB,
        U | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        NDS | IB,
        [3][PP_66][0x14] = U | IB | L0,
        U | IB | L0,
        U | IB | L0,
        U | IB | L0,
        NDS | IB | W0 | L1,
        U | IB | W0 | L1,
        0,
        0,
        0,
        U | IB | W0,
        [3][PP_66][0x20] = NDS | IB | L0,
        NDS | IB | L0,
        NDS | IB | L0,
        [3][PP_66][0x30] = U | RG | IB | L0 | X_KREG | X_KRM,
        U | RG | IB | L0 | X_KREG | X_KRM,
        U | RG | IB | L0 | X_KREG | X_KRM,
        U | RG | IB | L0 | X_KREG | X_KRM,
        [3][PP_66][0x38] = NDS | IB | W0 | L1,
        U | IB | W0 | L1,
        [3][PP_66][0x40] = NDS | IB,
        NDS | IB | L0,
        NDS | IB,
        0,
        NDS | IB,
        0,
        NDS | IB | W0 | L1,
        [3][PP_66][0x4A] = NDS | IB | W0,
        NDS | IB | W0,
        NDS | IB | W0,
        [3][PP_66][0x60] = U | IB | L0,
        U | IB | L0,
        U | IB | L0,
        U | IB | L0,
        [3][PP_66][0xCE] = NDS | IB | W1,
        NDS | IB | W1,
        [3][PP_66][0xDF] = U | IB | L0,
        [3][PP_F2][0xF0] = U | IB | L0,
};

/* XOP maps 8, 9, A: xop_map[map - 8][opcode], pp must be 0. */
static const uint32_t xop_map[3][256] = {
        [0][0x85] = NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        [0][0x8E] = NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        [0][0x95] = NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        [0][0x9E] = NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        [0][0xA2] = NDS | IB,
        NDS | IB | L0,
        [0][0xA6] = NDS | IB | W0 | L0,
        [0][0xB6] = NDS | IB | W0 | L0,
        [0][0xC0] = U | IB | W0 | L0,
        U | IB | W0 | L0,
        U | IB | W0 | L0,
        U | IB | W0 | L0,
        [0][0xCC] = NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        [0][0xEC] = NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        NDS | IB | W0 | L0,
        [1][0x01] = XG(VG_XOP9_01),
        XG(VG_XOP9_02),
        [1][0x12] = XG(VG_XOP9_12),
        [1][0x80] = U | W0,
        U | W0,
        U | W0 | L0,
        U | W0 | L0,
        [1][0x90] = NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        NDS | L0,
        [1][0xC1] = U | W0 | L0,
        U | W0 | L0,
        U | W0 | L0,
        [1][0xC6] = U | W0 | L0,
        U | W0 | L0,
        [1][0xCB] = U | W0 | L0,
        [1][0xD1] = U | W0 | L0,
        U | W0 | L0,
        U | W0 | L0,
        [1][0xD6] = U | W0 | L0,
        U | W0 | L0,
        [1][0xDB] = U | W0 | L0,
        [1][0xE1] = U | W0 | L0,
        U | W0 | L0,
        U | W0 | L0,
        [2][0x10] = U | L0 | X_I32,
        [2][0x12] = XG(VG_XOPA_12),
};

bool vex_has_modrm(const x86dec_ctx_t *c)
{
    return !(c->map == X86DEC_MAP_0F && c->opcode == 0x77); /* VZEROUPPER, VZEROALL */
}

/* AMX: tile operands are tmm0-7 (no R/B/vvvv extension) and the three operands of a tile
 * multiply are distinct; loads and stores take a SIB memory operand; configuration forms are
 * exactly /0 (memory) or C0 (TILERELEASE). */
static bool amx_ok(const x86dec_ctx_t *c)
{
    bool reg_form = modrm_mod(c) == 3;
    if (c->vex_w || c->vex_l)
        return false;
    switch (c->opcode) {
    case 0x49:
        if (c->vex_vvvv != 0)
            return false;
        if (c->vex_pp == PP_F2)
            return reg_form && modrm_rm(c) == 0 && !c->vex_r;
        if (c->vex_pp == PP_NONE && reg_form)
            return c->modrm == 0xC0;
        return !reg_form && modrm_reg(c) == 0;
    case 0x4B:
        return !reg_form && modrm_rm(c) == 4 && c->vex_vvvv == 0 && !c->vex_r;
    default: {
        unsigned dst = modrm_reg(c), a = modrm_rm(c), b = c->vex_vvvv;
        return reg_form && !c->vex_r && !c->vex_b && b < 8 && dst != a && dst != b && a != b;
    }
    }
}

bool xop_has_modrm(const x86dec_ctx_t *c)
{
    (void)c;
    return true;
}

static unsigned reg_field(const x86dec_ctx_t *c)
{
    return modrm_reg(c) | (c->vex_r << 3);
}

/* Gathers: destination, VSIB index and mask (vvvv) must be three different registers. */
static bool vsib_ok(const x86dec_ctx_t *c)
{
    if (modrm_mod(c) == 3 || modrm_rm(c) != 4)
        return false;
    const uint8_t *sib = &c->code[c->pos];
    if (c->pos >= c->size)
        return true; /* truncated: the caller reports it when reading the SIB */
    unsigned index = ((*sib >> 3) & 7u) | (c->vex_x << 3);
    unsigned dest = reg_field(c);
    return dest != index && dest != c->vex_vvvv && index != c->vex_vvvv;
}

static x86dec_status_t constraints_check(x86dec_ctx_t *c, uint32_t d)
{
    bool reg_form = c->has_modrm && modrm_mod(c) == 3;
    if (!(d & X_VALID))
        return X86DEC_ERR_INVALID;
    if (((d & X_W0) && c->vex_w) || ((d & X_W1) && !c->vex_w))
        return X86DEC_ERR_INVALID;
    if (((d & X_L0) && c->vex_l) || ((d & X_L1) && !c->vex_l))
        return X86DEC_ERR_INVALID;
    if (((d & X_REG) && !reg_form) || ((d & X_MEM) && reg_form))
        return X86DEC_ERR_INVALID;
    if ((d & X_NOV) && c->vex_vvvv != 0)
        return X86DEC_ERR_INVALID;
    if ((d & X_NOVM) && !reg_form && c->vex_vvvv != 0)
        return X86DEC_ERR_INVALID;
    if ((d & X_KREG) && c->vex_r)
        return X86DEC_ERR_INVALID;
    if ((d & X_KV) && c->vex_vvvv > 7)
        return X86DEC_ERR_INVALID;
    if ((d & X_VSIB) && !vsib_ok(c))
        return X86DEC_ERR_INVALID;
    if ((d & X_AMX) && !amx_ok(c))
        return X86DEC_ERR_INVALID;
    c->imm_size = (d & X_I32) ? 4 : (d & X_IB) ? 1 : 0;
    c->desc = d;
    return X86DEC_OK;
}

/* VEX map 7 holds only the immediate forms of RDMSR (pp F2: RDMSR r64, imm32) and WRMSRNS
 * (pp F3: WRMSRNS imm32, r64): opcode F6 /0, register form, W0, L0, vvvv unused, an imm32 MSR
 * index. They are privileged; the class is kept in c->mnemonic and c->flags. */
static x86dec_status_t vex_map7_check(x86dec_ctx_t *c)
{
    if (c->opcode != 0xF6 || c->vex_w || c->vex_l || c->vex_vvvv != 0 || c->vex_r ||
        modrm_mod(c) != 3 || modrm_reg(c) != 0)
        return X86DEC_ERR_INVALID;
    if (c->vex_pp == PP_F2)
        c->mnemonic = X86DEC_MN_RDMSR_IMM;
    else if (c->vex_pp == PP_F3)
        c->mnemonic = X86DEC_MN_WRMSRNS_IMM;
    else
        return X86DEC_ERR_INVALID;
    c->imm_size = 4;
    c->flags = X86DEC_F_PRIVILEGED;
    c->desc = 0;
    return X86DEC_OK;
}

x86dec_status_t vex_check(x86dec_ctx_t *c)
{
    if (c->map == X86DEC_MAP_VEX7)
        return vex_map7_check(c);
    uint32_t d = vex_map[c->map][c->vex_pp][c->opcode];
    if (d & X_GROUP)
        d = vex_groups[X_ID(d)][modrm_reg(c)];
    return constraints_check(c, d);
}

x86dec_status_t xop_check(x86dec_ctx_t *c)
{
    if (c->vex_pp != 0)
        return X86DEC_ERR_INVALID;
    uint32_t d = xop_map[c->map - X86DEC_MAP_XOP8][c->opcode];
    if (d & X_GROUP)
        d = vex_groups[X_ID(d)][modrm_reg(c)];
    return constraints_check(c, d);
}
