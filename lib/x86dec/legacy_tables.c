/*
 * Opcode tables of the legacy maps (one-byte, 0F, 0F38, 0F3A), their ModRM groups, x87 and the
 * 3DNow! suffixes, in 64-bit mode. Pure data plus lookups: no decoding state is kept here.
 */
#include "internal.h"

#define V    D_VALID
#define M    (D_VALID | D_MODRM)
#define R    D_REGONLY
#define MO   D_MEMONLY
#define L    D_LOCK
#define PV   D_PRIV
#define SE   D_SENS
#define AG   D_AGEN
#define AMD  D_AMD
#define IOPL D_IOPL

#define IB  ((desc_t)IMM_B << D_IMM_SHIFT)
#define IW  ((desc_t)IMM_W << D_IMM_SHIFT)
#define IZ  ((desc_t)IMM_Z << D_IMM_SHIFT)
#define IV  ((desc_t)IMM_V << D_IMM_SHIFT)
#define IWB ((desc_t)IMM_WB << D_IMM_SHIFT)
#define IMO ((desc_t)IMM_MOFFS << D_IMM_SHIFT)
#define IBB ((desc_t)IMM_BB << D_IMM_SHIFT)

#define B   ((desc_t)OSZ_BYTE << D_OSZ_SHIFT)
#define D64 ((desc_t)OSZ_DEF64 << D_OSZ_SHIFT)
#define F64 ((desc_t)OSZ_FORCE64 << D_OSZ_SHIFT)
#define FAR ((desc_t)OSZ_FAR << D_OSZ_SHIFT)

#define SP(s) ((desc_t)(s) << D_SPEC_SHIFT)
#define N(m)  ((desc_t)(X86DEC_MN_##m) << D_ID_SHIFT)
#define G(g)  (D_GROUP | D_MODRM | ((desc_t)(g) << D_ID_SHIFT))

/* Group numbers (G(...)): index into group_table[] below, or handled in legacy_group(). */
enum {
    GRP_NONE = 0,
    GRP_80,
    GRP_81,
    GRP_83,
    GRP_8C,
    GRP_8F,
    GRP_C0,
    GRP_C1,
    GRP_D0,
    GRP_D1,
    GRP_D2,
    GRP_D3,
    GRP_C6,
    GRP_C7,
    GRP_F6,
    GRP_F7,
    GRP_FE,
    GRP_FF,
    GRP_0F00,
    GRP_0F01,
    GRP_0F0D,
    GRP_0F18,
    GRP_0F1A,    /* 0F 1A and 0F 1B without prefix: BNDLDX/BNDSTX, or a hint NOP */
    GRP_0F1B_F3, /* F3 0F 1B: BNDMK, or a hint NOP */
    GRP_0F1C,
    GRP_0F1E,
    GRP_0F71,
    GRP_0F72,
    GRP_0F73,
    GRP_0F78,
    GRP_0FAE,
    GRP_0FBA,
    GRP_0FC7,
    GRP_0F38D8,
    GRP_0F38DC_F3,
    GRP_0FA6,
    GRP_HRESET,
    GRP_0FA7,
    GRP_X87, /* D8..DF: GRP_X87 + (opcode - D8) */
    GRP_COUNT = GRP_X87 + 8
};

/* ------------------------------------------------------------------------------------------- */
/* One-byte map. Prefix bytes, 0F, C4, C5 and 62 never reach this table.                       */

#define ALU(lockable) M | B | (lockable), M | (lockable), M | B, M, V | B | IB, V | IZ

static const desc_t primary_map[256] = {
        ALU(L),
        0,
        0, /* 00-07: ADD */
        ALU(L),
        0,
        0, /* 08-0F: OR */
        ALU(L),
        0,
        0, /* 10-17: ADC */
        ALU(L),
        0,
        0, /* 18-1F: SBB */
        ALU(L),
        0,
        0, /* 20-27: AND */
        ALU(L),
        0,
        0, /* 28-2F: SUB */
        ALU(L),
        0,
        0, /* 30-37: XOR */
        ALU(0),
        0,
        0, /* 38-3F: CMP */
        [0x50] = V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        [0x58] = V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        V | D64,
        [0x63] = M | N(MOVSXD),
        [0x68] = V | D64 | IZ,
        [0x69] = M | IZ,
        [0x6A] = V | D64 | IB,
        [0x6B] = M | IB,
        [0x6C] = V | B | IOPL | N(INS),
        [0x6D] = V | IOPL | N(INS),
        [0x6E] = V | B | IOPL | N(OUTS),
        [0x6F] = V | IOPL | N(OUTS),
        [0x70] = V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        [0x74] = V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        [0x78] = V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        [0x7C] = V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        [0x80] = G(GRP_80),
        [0x81] = G(GRP_81),
        [0x83] = G(GRP_83),
        [0x84] = M | B,
        [0x85] = M,
        [0x86] = M | B | L,
        [0x87] = M | L,
        [0x88] = M | B | N(MOV),
        [0x89] = M | N(MOV),
        [0x8A] = M | B | N(MOV),
        [0x8B] = M | N(MOV),
        [0x8C] = G(GRP_8C),
        [0x8D] = M | MO | AG,
        [0x8E] = M | SP(SPEC_SREG_DST) | SE | N(MOV_TO_SREG),
        [0x8F] = G(GRP_8F),
        [0x90] = V,
        V,
        V,
        V,
        V,
        V,
        V,
        V, /* NOP/PAUSE, XCHG rAX */
        [0x98] = V,
        [0x99] = V,
        [0x9B] = V,
        [0x9C] = V | D64 | SE | N(PUSHF),
        [0x9D] = V | D64 | SE | N(POPF),
        [0x9E] = V,
        [0x9F] = V,
        [0xA0] = V | B | IMO | N(MOV),
        [0xA1] = V | IMO | N(MOV),
        [0xA2] = V | B | IMO | N(MOV),
        [0xA3] = V | IMO | N(MOV),
        [0xA4] = V | B | N(MOVS),
        [0xA5] = V | N(MOVS),
        [0xA6] = V | B,
        [0xA7] = V,
        [0xA8] = V | B | IB,
        [0xA9] = V | IZ,
        [0xAA] = V | B | N(STOS),
        [0xAB] = V | N(STOS),
        [0xAC] = V | B,
        [0xAD] = V,
        [0xAE] = V | B,
        [0xAF] = V,
        [0xB0] = V | B | IB | N(MOV),
        V | B | IB | N(MOV),
        V | B | IB | N(MOV),
        V | B | IB | N(MOV),
        [0xB4] = V | B | IB | N(MOV),
        V | B | IB | N(MOV),
        V | B | IB | N(MOV),
        V | B | IB | N(MOV),
        [0xB8] = V | IV | N(MOV),
        V | IV | N(MOV),
        V | IV | N(MOV),
        V | IV | N(MOV),
        [0xBC] = V | IV | N(MOV),
        V | IV | N(MOV),
        V | IV | N(MOV),
        V | IV | N(MOV),
        [0xC0] = G(GRP_C0),
        [0xC1] = G(GRP_C1),
        [0xC2] = V | F64 | IW,
        [0xC3] = V | F64,
        [0xC6] = G(GRP_C6),
        [0xC7] = G(GRP_C7),
        [0xC8] = V | D64 | IWB,
        [0xC9] = V | D64,
        [0xCA] = V | IW | SE | N(RET_FAR),
        [0xCB] = V | SE | N(RET_FAR),
        [0xCC] = V | N(INT3),
        [0xCD] = V | IB | N(INT),
        [0xCF] = V | SE | N(IRET),
        [0xD0] = G(GRP_D0),
        [0xD1] = G(GRP_D1),
        [0xD2] = G(GRP_D2),
        [0xD3] = G(GRP_D3),
        [0xD7] = V | B,
        [0xD8] = G(GRP_X87 + 0),
        G(GRP_X87 + 1),
        G(GRP_X87 + 2),
        G(GRP_X87 + 3),
        [0xDC] = G(GRP_X87 + 4),
        G(GRP_X87 + 5),
        G(GRP_X87 + 6),
        G(GRP_X87 + 7),
        [0xE0] = V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        V | F64 | IB,
        [0xE4] = V | B | IB | IOPL | N(IN),
        [0xE5] = V | IB | IOPL | N(IN),
        [0xE6] = V | B | IB | IOPL | N(OUT),
        [0xE7] = V | IB | IOPL | N(OUT),
        [0xE8] = V | F64 | IZ,
        [0xE9] = V | F64 | IZ,
        [0xEB] = V | F64 | IB,
        [0xEC] = V | B | IOPL | N(IN),
        [0xED] = V | IOPL | N(IN),
        [0xEE] = V | B | IOPL | N(OUT),
        [0xEF] = V | IOPL | N(OUT),
        [0xF1] = V | N(INT1),
        [0xF4] = V | PV | N(HLT),
        [0xF5] = V,
        [0xF6] = G(GRP_F6),
        [0xF7] = G(GRP_F7),
        [0xF8] = V,
        [0xF9] = V,
        [0xFA] = V | IOPL | N(CLI),
        [0xFB] = V | IOPL | N(STI),
        [0xFC] = V,
        [0xFD] = V,
        [0xFE] = G(GRP_FE),
        [0xFF] = G(GRP_FF),
};

/* ------------------------------------------------------------------------------------------- */
/* 0F, 0F38 and 0F3A maps: one column per mandatory prefix (see PFX_*).                         */

#define ANY(d)                                                                                     \
    {                                                                                              \
        [PFX_ANY] = (d)                                                                            \
    }
#define NP(d)                                                                                      \
    {                                                                                              \
        [PFX_NONE] = (d)                                                                           \
    }
#define P66(d)                                                                                     \
    {                                                                                              \
        [PFX_66] = (d)                                                                             \
    }
#define PF3(d)                                                                                     \
    {                                                                                              \
        [PFX_F3] = (d)                                                                             \
    }
#define NP66(d)                                                                                    \
    {                                                                                              \
        [PFX_NONE] = (d), [PFX_66] = (d)                                                           \
    }
#define ALL4(d)                                                                                    \
    {                                                                                              \
        [PFX_NONE] = (d), [PFX_66] = (d), [PFX_F3] = (d), [PFX_F2] = (d)                           \
    }
#define COL(n, p, s, d)                                                                            \
    {                                                                                              \
        [PFX_NONE] = (n), [PFX_66] = (p), [PFX_F3] = (s), [PFX_F2] = (d)                           \
    }

static const desc_t map_0f[256][PFX_COLUMNS] = {
        [0x00] = ANY(G(GRP_0F00)),
        [0x01] = ANY(G(GRP_0F01)),
        [0x02] = ANY(M | SE | N(LAR)),
        [0x03] = ANY(M | SE | N(LSL)),
        [0x05] = ANY(V | N(SYSCALL)),
        [0x06] = ANY(V | PV | N(CLTS)),
        [0x07] = ANY(V | PV | N(SYSRET)),
        [0x08] = ANY(V | PV | N(INVD)),
        [0x09] = {[PFX_ANY] = V | PV | N(WBINVD), [PFX_F3] = V | PV | N(WBNOINVD)},
        [0x0B] = ANY(V | N(UD2)),
        [0x0D] = ANY(G(GRP_0F0D)),
        [0x0E] = ANY(V | AMD),
        [0x0F] = ANY(M | AMD | SP(SPEC_3DNOW)),
        [0x10] = ALL4(M),
        [0x11] = ALL4(M),
        [0x12] = COL(M, M | MO, M, M),
        [0x13] = NP66(M | MO),
        [0x14] = NP66(M),
        [0x15] = NP66(M),
        [0x16] = COL(M, M | MO, M, 0),
        [0x17] = NP66(M | MO),
        [0x18] = ANY(G(GRP_0F18)),
        [0x19] = ANY(M | AG),
        [0x1A] = {[PFX_NONE] = G(GRP_0F1A),
                  [PFX_66] = M | SP(SPEC_BND_RM),
                  [PFX_F3] = M | AG | SP(SPEC_BND),
                  [PFX_F2] = M | AG | SP(SPEC_BND)},
        [0x1B] = {[PFX_NONE] = G(GRP_0F1A),
                  [PFX_66] = M | SP(SPEC_BND_RM),
                  [PFX_F3] = G(GRP_0F1B_F3),
                  [PFX_F2] = M | AG | SP(SPEC_BND)},
        [0x1C] = {[PFX_ANY] = M | AG, [PFX_NONE] = G(GRP_0F1C)},
        [0x1D] = ANY(M | AG),
        [0x1E] = {[PFX_ANY] = M | AG, [PFX_F3] = G(GRP_0F1E)},
        [0x1F] = ANY(M | AG),
        [0x20] = ANY(M | F64 | PV | SP(SPEC_CR) | N(MOV_FROM_CR)),
        [0x21] = ANY(M | F64 | PV | SP(SPEC_DR) | N(MOV_FROM_DR)),
        [0x22] = ANY(M | F64 | PV | SP(SPEC_CR) | N(MOV_TO_CR)),
        [0x23] = ANY(M | F64 | PV | SP(SPEC_DR) | N(MOV_TO_DR)),
        [0x28] = NP66(M),
        [0x29] = NP66(M),
        [0x2A] = ALL4(M),
        [0x2B] = COL(M | MO, M | MO, M | MO | AMD, M | MO | AMD),
        [0x2C] = ALL4(M),
        [0x2D] = ALL4(M),
        [0x2E] = NP66(M),
        [0x2F] = NP66(M),
        [0x30] = ANY(V | PV | N(WRMSR)),
        [0x31] = ANY(V | SE | N(RDTSC)),
        [0x32] = ANY(V | PV | N(RDMSR)),
        [0x33] = ANY(V | PV | N(RDPMC)),
        [0x34] = ANY(V | N(SYSENTER)),
        [0x35] = ANY(V | PV | N(SYSEXIT)),
        [0x37] = NP(V | PV), /* GETSEC */
        [0x40] = ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        [0x48] = ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        ANY(M),
        [0x50] = NP66(M | R),
        [0x51] = ALL4(M),
        [0x52] = COL(M, 0, M, 0),
        [0x53] = COL(M, 0, M, 0),
        [0x54] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0x58] = ALL4(M),
        ALL4(M),
        ALL4(M),
        COL(M, M, M, 0),
        [0x5C] = ALL4(M),
        ALL4(M),
        ALL4(M),
        ALL4(M),
        [0x60] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0x68] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0x6C] = P66(M),
        P66(M),
        [0x6E] = NP66(M),
        [0x6F] = COL(M, M, M, 0),
        [0x70] = ALL4(M | IB),
        [0x71] = {[PFX_NONE] = G(GRP_0F71), [PFX_66] = G(GRP_0F71)},
        [0x72] = {[PFX_NONE] = G(GRP_0F72), [PFX_66] = G(GRP_0F72)},
        [0x73] = {[PFX_NONE] = G(GRP_0F73), [PFX_66] = G(GRP_0F73)},
        [0x74] = NP66(M),
        NP66(M),
        NP66(M),
        [0x77] = NP(V),
        [0x78] = {[PFX_NONE] = M | F64 | PV, [PFX_66] = G(GRP_0F78), [PFX_F2] = M | R | IBB | AMD},
        [0x79] = {[PFX_NONE] = M | F64 | PV, [PFX_66] = M | R | AMD, [PFX_F2] = M | R | AMD},
        [0x7C] = COL(0, M, 0, M),
        [0x7D] = COL(0, M, 0, M),
        [0x7E] = COL(M, M, M, 0),
        [0x7F] = COL(M, M, M, 0),
        [0x80] = ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        [0x84] = ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        [0x88] = ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        [0x8C] = ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        ANY(V | F64 | IZ),
        [0x90] = ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        [0x94] = ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        [0x98] = ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        [0x9C] = ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        ANY(M | B),
        [0xA0] = ANY(V | D64),
        [0xA1] = ANY(V | D64 | SE | N(POP_SREG)),
        [0xA2] = ANY(V | SE | N(CPUID)),
        [0xA6] = PF3(G(GRP_0FA6)),
        [0xA7] = {[PFX_NONE] = G(GRP_0FA7),
                  [PFX_66] = G(GRP_0FA7) | D_KEEP66,
                  [PFX_F3] = G(GRP_0FA7)},
        [0xA3] = ANY(M),
        [0xA4] = ANY(M | IB),
        [0xA5] = ANY(M),
        [0xA8] = ANY(V | D64),
        [0xA9] = ANY(V | D64 | SE | N(POP_SREG)),
        [0xAA] = ANY(V | PV), /* RSM */
        [0xAB] = ANY(M | L),
        [0xAC] = ANY(M | IB),
        [0xAD] = ANY(M),
        [0xAE] = ANY(G(GRP_0FAE)),
        [0xAF] = ANY(M),
        [0xB0] = ANY(M | B | L),
        [0xB1] = ANY(M | L),
        [0xB2] = ANY(M | MO | FAR | SE | N(LSS)),
        [0xB3] = ANY(M | L),
        [0xB4] = ANY(M | MO | FAR | SE | N(LFS)),
        [0xB5] = ANY(M | MO | FAR | SE | N(LGS)),
        [0xB6] = ANY(M | N(MOVZX)),
        [0xB7] = ANY(M | N(MOVZX)),
        [0xB8] = PF3(M),
        [0xB9] = ANY(M | N(UD1)),
        [0xBA] = ANY(G(GRP_0FBA)),
        [0xBB] = ANY(M | L),
        [0xBC] = {[PFX_ANY] = M, [PFX_F3] = M},
        [0xBD] = {[PFX_ANY] = M, [PFX_F3] = M},
        [0xBE] = ANY(M | N(MOVSX)),
        [0xBF] = ANY(M | N(MOVSX)),
        [0xC0] = ANY(M | B | L),
        [0xC1] = ANY(M | L),
        [0xC2] = ALL4(M | IB),
        [0xC3] = NP(M | MO),
        [0xC4] = NP66(M | IB),
        [0xC5] = NP66(M | R | IB),
        [0xC6] = NP66(M | IB),
        [0xC7] = ANY(G(GRP_0FC7)),
        [0xC8] = ANY(V),
        ANY(V),
        ANY(V),
        ANY(V),
        ANY(V),
        ANY(V),
        ANY(V),
        ANY(V),
        [0xD0] = COL(0, M, 0, M),
        [0xD1] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0xD6] = COL(0, M, M | R, M | R),
        [0xD7] = NP66(M | R),
        [0xD8] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0xE0] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0xE6] = COL(0, M, M, M),
        [0xE7] = NP66(M | MO),
        [0xE8] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0xF0] = COL(0, 0, 0, M | MO),
        [0xF1] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0xF7] = NP66(M | R),
        [0xF8] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0xFF] = ANY(M | N(UD0)),
};

static const desc_t map_0f38[256][PFX_COLUMNS] = {
        [0x00] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0x08] = NP66(M),
        NP66(M),
        NP66(M),
        NP66(M),
        [0x10] = P66(M),
        [0x14] = P66(M),
        [0x15] = P66(M),
        [0x17] = P66(M),
        [0x1C] = NP66(M),
        NP66(M),
        NP66(M),
        [0x20] = P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        [0x28] = P66(M),
        P66(M),
        P66(M | MO),
        P66(M),
        [0x30] = P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        [0x37] = P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        P66(M),
        [0x40] = P66(M),
        P66(M),
        [0x80] = P66(M | MO | F64 | PV),
        P66(M | MO | F64 | PV),
        P66(M | MO | F64 | PV | N(INVPCID)),
        [0xC8] = NP(M),
        NP(M),
        NP(M),
        NP(M),
        NP(M),
        NP(M),
        [0xCF] = P66(M),
        [0xD8] = PF3(G(GRP_0F38D8)),
        [0xDB] = P66(M),
        [0xDC] = {[PFX_66] = M, [PFX_F3] = G(GRP_0F38DC_F3)},
        [0xDD] = {[PFX_66] = M, [PFX_F3] = M | MO},
        [0xDE] = {[PFX_66] = M, [PFX_F3] = M | MO},
        [0xDF] = {[PFX_66] = M, [PFX_F3] = M | MO},
        [0xF0] = COL(M | MO, M | MO, 0, M | B),
        [0xF1] = COL(M | MO, M | MO, 0, M),
        [0xF5] = P66(M | MO | PV),
        [0xF6] = COL(M | MO, M, M, 0),
        [0xF8] = COL(0, M | MO, M | MO | PV, M | MO), /* MOVDIR64B, ENQCMDS, ENQCMD */
        [0xF9] = NP(M | MO),
        [0xFA] = PF3(M | R),
        [0xFB] = PF3(M | R),
};

static const desc_t map_0f3a[256][PFX_COLUMNS] = {
        [0x08] = P66(M | IB), P66(M | IB), P66(M | IB),          P66(M | IB),
        [0x0C] = P66(M | IB), P66(M | IB), P66(M | IB),          NP66(M | IB),
        [0x14] = P66(M | IB), P66(M | IB), P66(M | IB),          P66(M | IB),
        [0x20] = P66(M | IB), P66(M | IB), P66(M | IB),          [0x40] = P66(M | IB),
        P66(M | IB),          P66(M | IB), [0x44] = P66(M | IB), [0x60] = P66(M | IB),
        P66(M | IB),          P66(M | IB), P66(M | IB),          [0xCC] = NP(M | IB),
        [0xCE] = P66(M | IB), P66(M | IB), [0xDF] = P66(M | IB), [0xF0] = PF3(G(GRP_HRESET)),
};

/* ------------------------------------------------------------------------------------------- */
/* ModRM groups: [memory form = 0 / register form = 1][ModRM.reg][prefix column].               */

typedef desc_t group_t[2][8][PFX_COLUMNS];

#define ROW8(d)                                                                                    \
    {                                                                                              \
        ANY(d), ANY(d), ANY(d), ANY(d), ANY(d), ANY(d), ANY(d), ANY(d)                             \
    }
#define BOTH(...)                                                                                  \
    {                                                                                              \
        __VA_ARGS__, __VA_ARGS__                                                                   \
    }
#define GRP1(x)                                                                                    \
    {                                                                                              \
        ANY(M | L | (x)), ANY(M | L | (x)), ANY(M | L | (x)), ANY(M | L | (x)), ANY(M | L | (x)),  \
                ANY(M | L | (x)), ANY(M | L | (x)), ANY(M | (x))                                   \
    }
#define SHIFT8(x) ROW8(M | (x))

static const group_t group_table[GRP_X87] = {
        [GRP_80] = BOTH(GRP1(B | IB)),
        [GRP_81] = BOTH(GRP1(IZ)),
        [GRP_83] = BOTH(GRP1(IB)),
        [GRP_8C] = BOTH({ANY(M | N(MOV_FROM_SREG)), ANY(M | SE | N(MOV_FROM_SREG)),
                         ANY(M | SE | N(MOV_FROM_SREG)), ANY(M | N(MOV_FROM_SREG)),
                         ANY(M | N(MOV_FROM_SREG)), ANY(M | N(MOV_FROM_SREG))}),
        [GRP_8F] = BOTH({ANY(M | D64)}),
        [GRP_C0] = BOTH(SHIFT8(B | IB)),
        [GRP_C1] = BOTH(SHIFT8(IB)),
        [GRP_D0] = BOTH(SHIFT8(B)),
        [GRP_D1] = BOTH(SHIFT8(0)),
        [GRP_D2] = BOTH(SHIFT8(B)),
        [GRP_D3] = BOTH(SHIFT8(0)),
        [GRP_C6] = BOTH({ANY(M | B | IB | N(MOV))}),
        [GRP_C7] = BOTH({ANY(M | IZ | N(MOV))}),
        [GRP_F6] = BOTH({ANY(M | B | IB), ANY(M | B | IB), ANY(M | B | L), ANY(M | B | L),
                         ANY(M | B), ANY(M | B), ANY(M | B), ANY(M | B)}),
        [GRP_F7] = BOTH(
                {ANY(M | IZ), ANY(M | IZ), ANY(M | L), ANY(M | L), ANY(M), ANY(M), ANY(M), ANY(M)}),
        [GRP_FE] = BOTH({ANY(M | B | L), ANY(M | B | L)}),
        [GRP_FF] = {{ANY(M | L), ANY(M | L), ANY(M | F64), ANY(M | FAR | SE | N(CALL_FAR)),
                     ANY(M | F64), ANY(M | FAR | SE | N(JMP_FAR)), ANY(M | D64)},
                    {ANY(M | L), ANY(M | L), ANY(M | F64), {0}, ANY(M | F64), {0}, ANY(M | D64)}},
        [GRP_0F00] = BOTH({ANY(M | SE | N(SLDT)),
                           ANY(M | SE | N(STR)),
                           ANY(M | PV | N(LLDT)),
                           ANY(M | PV | N(LTR)),
                           ANY(M | SE | N(VERR)),
                           ANY(M | SE | N(VERW)),
                           {[PFX_F2] = M | PV | N(LKGS)}}),
        [GRP_0F0D] = {ROW8(M | AMD), ROW8(M | AG)},
        [GRP_0F18] = {{ANY(M), ANY(M), ANY(M), ANY(M), ANY(M | AG), ANY(M | AG), ANY(M | AG),
                       ANY(M | AG)},
                      ROW8(M | AG)},
        [GRP_0F1A] = {ROW8(M | AG | SP(SPEC_BND_MIB)), ROW8(M | AG)},
        [GRP_0F1B_F3] = {ROW8(M | AG | SP(SPEC_BND_MIB)), ROW8(M | AG)},
        [GRP_0F1C] = {{{[PFX_ANY] = M | AG, [PFX_NONE] = M},
                       ANY(M | AG),
                       ANY(M | AG),
                       ANY(M | AG),
                       ANY(M | AG),
                       ANY(M | AG),
                       ANY(M | AG),
                       ANY(M | AG)},
                      ROW8(M | AG)},
        [GRP_0F71] = {{{0}}, {{0}, {0}, NP66(M | IB), {0}, NP66(M | IB), {0}, NP66(M | IB)}},
        [GRP_0F72] = {{{0}}, {{0}, {0}, NP66(M | IB), {0}, NP66(M | IB), {0}, NP66(M | IB)}},
        [GRP_0F73] = {{{0}},
                      {{0}, {0}, NP66(M | IB), P66(M | IB), {0}, {0}, NP66(M | IB), P66(M | IB)}},
        [GRP_0F78] = {{{0}}, {P66(M | IBB | AMD)}},
        [GRP_0FAE] = {{NP(M), NP(M), NP(M), NP(M), COL(M, 0, M, 0), NP(M), COL(M, M, M | PV, 0),
                       COL(M, M, 0, 0)},
                      {PF3(M | SE | N(RDFSBASE)), PF3(M | SE | N(RDGSBASE)),
                       PF3(M | SE | N(WRFSBASE)), PF3(M | SE | N(WRGSBASE)), PF3(M),
                       COL(M, 0, M, 0),
                       COL(M, M | SE | N(TPAUSE), M | N(UMONITOR), M | SE | N(UMWAIT)), NP(M)}},
        [GRP_0FBA] = BOTH({{0},
                           {0},
                           {0},
                           {0},
                           ANY(M | IB),
                           ANY(M | IB | L),
                           ANY(M | IB | L),
                           ANY(M | IB | L)}),
        [GRP_0FC7] = {{{0},
                       ANY(M | L),
                       {0},
                       NP(M | PV),
                       NP(M),
                       NP(M | PV),
                       COL(M | PV, M | PV, M | PV, 0),
                       NP(M | PV)},
                      {{0},
                       {0},
                       {0},
                       {0},
                       {0},
                       {0},
                       COL(M, M | D_KEEP66, M, 0),
                       COL(M, M | D_KEEP66, M | SE | N(RDPID), 0)}},
        [GRP_0F38D8] = {{ANY(M), ANY(M), ANY(M), ANY(M)}},
        [GRP_0F38DC_F3] = {ROW8(M), ROW8(M | PV)},
};

/* 0F 01 register forms, by ModRM.reg and ModRM.rm. */
#define SVM (V | PV | AMD)
static const desc_t group_0f01_reg[8][8][PFX_COLUMNS] = {
        [0] = {[0] = NP(V | PV), /* ENCLV */
               [1] = NP(V | SE | N(VMCALL)),
               [2] = NP(V | PV),
               [3] = NP(V | PV),
               [4] = NP(V | PV),
               [5] = NP(V | PV),
               [6] = COL(V | PV | N(WRMSRNS), 0, V | PV | N(WRMSRLIST), V | PV | N(RDMSRLIST))},
        [1] = {[0] = NP(V | PV | N(MONITOR)),
               [1] = NP(V | PV | N(MWAIT)),
               [2] = COL(V | PV | N(CLAC), 0, V | PV | N(ERETU), V | PV | N(ERETS)),
               [3] = NP(V | PV | N(STAC)),
               [4] = P66(V | PV),
               [5] = P66(V | PV),
               [6] = P66(V | PV),
               [7] = NP66(V | PV)},
        [2] = {[0] = NP(V | SE | N(XGETBV)),
               [1] = NP(V | PV | N(XSETBV)),
               [4] = NP(V | PV), /* VMFUNC */
               [5] = NP(V),
               [6] = NP(V),
               [7] = NP(V)},
        [3] = {ANY(SVM), ANY(V | SE | AMD | N(VMMCALL)), ANY(SVM), ANY(SVM), ANY(SVM), ANY(SVM),
               ANY(SVM), ANY(SVM)},
        [4] = {ANY(V | SE | N(SMSW)), ANY(V | SE | N(SMSW)), ANY(V | SE | N(SMSW)),
               ANY(V | SE | N(SMSW)), ANY(V | SE | N(SMSW)), ANY(V | SE | N(SMSW)),
               ANY(V | SE | N(SMSW)), ANY(V | SE | N(SMSW))},
        [5] = {[0] = {[PFX_NONE] = V, [PFX_F3] = V | PV, [PFX_F2] = V},
               [1] = {[PFX_F2] = V},
               [2] = {[PFX_F3] = V},
               [4] = {[PFX_F3] = V},
               [5] = {[PFX_F3] = V},
               [6] = {[PFX_NONE] = V | SE | N(RDPKRU), [PFX_F3] = V},
               [7] = {[PFX_NONE] = V | SE | N(WRPKRU), [PFX_F3] = V}},
        [6] = {ANY(V | PV | N(LMSW)), ANY(V | PV | N(LMSW)), ANY(V | PV | N(LMSW)),
               ANY(V | PV | N(LMSW)), ANY(V | PV | N(LMSW)), ANY(V | PV | N(LMSW)),
               ANY(V | PV | N(LMSW)), ANY(V | PV | N(LMSW))},
        [7] = {[0] = ANY(V | PV | N(SWAPGS)),
               [1] = ANY(V | SE | N(RDTSCP)),
               [2] = {[PFX_NONE] = V | AMD, [PFX_F3] = V | AMD},
               [3] = NP(V | AMD),
               [4] = ANY(V | AMD),
               [5] = ANY(V | AMD),
               [6] = COL(V | PV, 0, V | PV | AMD, V | PV | AMD),
               [7] = COL(V | PV | AMD, 0, V | PV | AMD, V | PV | AMD)},
};

static const desc_t group_0f01_mem[8][PFX_COLUMNS] = {
        ANY(M | SE | N(SGDT)), ANY(M | SE | N(SIDT)),   ANY(M | N(LGDT) | PV),
        ANY(M | N(LIDT) | PV), ANY(M | SE | N(SMSW)),   PF3(M),
        ANY(M | PV | N(LMSW)), ANY(M | PV | N(INVLPG)),
};

/* 0F 1E with F3: RDSSP, ENDBR64/32, and the hint NOPs around them. */
static desc_t group_0f1e_f3(const x86dec_ctx_t *c)
{
    if (modrm_mod(c) == 3 && modrm_reg(c) == 1)
        return M;
    if (c->modrm == 0xFA || c->modrm == 0xFB)
        return M;
    return M | AG;
}

/* x87: which memory forms (bit = ModRM.reg) and register forms (bit = ModRM & 0x3F) exist. */
static const uint8_t x87_memory[8] = {0xFF, 0xFD, 0xFF, 0xAF, 0xFF, 0xDF, 0xFF, 0xFF};
static const uint64_t x87_register[8] = {
        0xFFFFFFFFFFFFFFFFull, /* D8: all */
        0xFFFF7F33FF01FFFFull, /* D9: FLD, FXCH, FNOP, FSTP1 alias, FCHS FABS FTST FXAM, constants, F0-FF */
        0x00000200FFFFFFFFull, /* DA: FCMOVcc, FUCOMPP */
        0x00FFFF1FFFFFFFFFull, /* DB: FCMOVNcc, FENI/FDISI/FNCLEX/FNINIT/FSETPM, FUCOMI, FCOMI */
        0xFFFFFFFFFFFFFFFFull, /* DC: all, incl. the FCOM2/FCOMP3 aliases */
        0x0000FFFFFFFFFFFFull, /* DD: FFREE, FXCH4 alias, FST, FSTP, FUCOM, FUCOMP */
        0xFFFFFFFF02FFFFFFull, /* DE: FADDP, FMULP, FCOMP5 alias, FCOMPP, E0-FF */
        0x00FFFF01FFFFFFFFull, /* DF: FFREEP, FXCH7, FSTP8/9 aliases, FNSTSW AX, FUCOMIP, FCOMIP */
};

static desc_t column_pick(x86dec_ctx_t *c, const desc_t columns[PFX_COLUMNS])
{
    unsigned column = ctx_prefix_column(c);
    desc_t d = columns[column];
    if (d != 0) {
        c->mandatory_used = column != PFX_NONE && !(column == PFX_66 && (d & D_KEEP66));
        return d;
    }
    return columns[PFX_ANY];
}

/* 0F opcodes that some CPUs decode differently (x86dec_options_t); 0 when the table holds. */
static desc_t quirk_lookup_0f(const x86dec_ctx_t *c)
{
    if ((c->quirks & QUIRK_MPX_NOP) && (c->opcode == 0x1A || c->opcode == 0x1B))
        return M | AG; /* the reserved-NOP space MPX was given, any prefix, any ModRM */
    if ((c->quirks & QUIRK_UD0_SHORT) && c->opcode == 0xFF)
        return V | N(UD0);
    return 0;
}

desc_t legacy_lookup(x86dec_ctx_t *c)
{
    switch (c->map) {
    case X86DEC_MAP_PRIMARY:
        return primary_map[c->opcode];
    case X86DEC_MAP_0F:
        if (c->quirks != 0) {
            desc_t quirk = quirk_lookup_0f(c);
            if (quirk != 0)
                return quirk;
        }
        return column_pick(c, map_0f[c->opcode]);
    case X86DEC_MAP_3DNOW:
        return column_pick(c, map_0f[0x0F]);
    case X86DEC_MAP_0F38:
        return column_pick(c, map_0f38[c->opcode]);
    case X86DEC_MAP_0F3A:
        return column_pick(c, map_0f3a[c->opcode]);
    default:
        return 0;
    }
}

desc_t legacy_group(x86dec_ctx_t *c, unsigned group)
{
    bool reg_form = modrm_mod(c) == 3;
    unsigned reg = modrm_reg(c);
    if (group >= GRP_X87 && group < GRP_COUNT) {
        unsigned index = group - GRP_X87;
        if (reg_form)
            return (x87_register[index] >> (c->modrm & 0x3Fu)) & 1u ? M : 0;
        return (x87_memory[index] >> reg) & 1u ? M : 0;
    }
    switch (group) {
    case GRP_0F01:
        if (reg_form)
            return column_pick(c, group_0f01_reg[reg][modrm_rm(c)]);
        return column_pick(c, group_0f01_mem[reg]);
    case GRP_0F1E:
        return group_0f1e_f3(c);
    case GRP_HRESET: /* F3 0F 3A F0 C0 ib */
        return c->modrm == 0xC0 ? M | IB | PV : 0;
    case GRP_0FA6: /* F3: MONTMUL, XSHA1, XSHA256 */
        return c->modrm == 0xC0 || c->modrm == 0xC8 || c->modrm == 0xD0 ? M : 0;
    case GRP_0FA7: /* XSTORE; with F3 also the XCRYPT modes */
        if (c->modrm == 0xC0)
            return M | D_KEEP66;
        if (c->mandatory == 0xF3 && reg_form && (c->modrm & 7u) == 0 && c->modrm <= 0xE8)
            return M;
        return 0;
    case GRP_C6:
        if (reg_form && reg == 7)
            return c->modrm == 0xF8 ? M | B | IB : 0;
        break;
    case GRP_C7:
        if (reg_form && reg == 7)
            return c->modrm == 0xF8 ? M | IZ : 0;
        break;
    default:
        break;
    }
    if (group >= GRP_X87)
        return 0;
    return column_pick(c, group_table[group][reg_form][reg]);
}

/* 3DNow! suffix opcodes, one bit each. */
#define SUFFIX_BIT(op) ((uint32_t)1u << ((op)&31u))

bool legacy_3dnow_valid(uint8_t suffix)
{
    static const uint32_t valid[8] = {
            [0x00 >> 5] = SUFFIX_BIT(0x0C) | SUFFIX_BIT(0x0D) | SUFFIX_BIT(0x1C) | SUFFIX_BIT(0x1D),
            [0x80 >> 5] = SUFFIX_BIT(0x8A) | SUFFIX_BIT(0x8E) | SUFFIX_BIT(0x90) |
                          SUFFIX_BIT(0x94) | SUFFIX_BIT(0x96) | SUFFIX_BIT(0x97) |
                          SUFFIX_BIT(0x9A) | SUFFIX_BIT(0x9E),
            [0xA0 >> 5] = SUFFIX_BIT(0xA0) | SUFFIX_BIT(0xA4) | SUFFIX_BIT(0xA6) |
                          SUFFIX_BIT(0xA7) | SUFFIX_BIT(0xAA) | SUFFIX_BIT(0xAE) |
                          SUFFIX_BIT(0xB0) | SUFFIX_BIT(0xB4) | SUFFIX_BIT(0xB6) |
                          SUFFIX_BIT(0xB7) | SUFFIX_BIT(0xBB) | SUFFIX_BIT(0xBF),
    };
    return (valid[suffix >> 5] >> (suffix & 31u)) & 1u;
}
