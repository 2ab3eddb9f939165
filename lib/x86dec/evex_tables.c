/*
 * EVEX (62) opcode tables, AVX-512 and its extensions (incl. AVX512-FP16 maps 5 and 6): per
 * map/pp/opcode and EVEX.W, the constraints on vector length, broadcast/rounding (EVEX.b),
 * masking (aaa, z), vvvv and the register fields. Pure data plus the checker; no state.
 */
#include "internal.h"

#define E_VALID    (1u << 0)
#define E_IB       (1u << 1)
#define E_REG      (1u << 2) /* register form only */
#define E_MEM      (1u << 3) /* memory form only */
#define E_NOV      (1u << 4) /* vvvv = 1111 and V' = 1 */
#define E_L128     (1u << 5) /* allowed vector lengths; none of the three = all three */
#define E_L256     (1u << 6)
#define E_L512     (1u << 7)
#define E_LIG      (1u << 8)  /* scalar: L'L ignored (but not 11) */
#define E_BCST     (1u << 9)  /* EVEX.b with a memory operand: embedded broadcast */
#define E_ER       (1u << 10) /* EVEX.b with registers: embedded rounding */
#define E_SAE      (1u << 11) /* EVEX.b with registers: suppress all exceptions */
#define E_NOMASK   (1u << 12) /* aaa must be 0 */
#define E_MASKREQ  (1u << 13) /* aaa must not be 0 (gathers, scatters) */
#define E_NOZ      (1u << 14) /* zeroing-masking not allowed */
#define E_NOZMEM   (1u << 15) /* zeroing-masking not allowed with a memory operand (stores) */
#define E_KREG     (1u << 16) /* ModRM.reg names a mask register */
#define E_VSIB     (1u << 17) /* VSIB memory operand */
#define E_GROUP    (1u << 18) /* bits 25-31: group number, resolved by ModRM.reg */
#define E_NOVM     (1u << 20) /* vvvv unused in the memory form only (VMOVSS/SD/SH loads) */
#define E_GPR      0u         /* a general-purpose register in ModRM.rm: no extra constraint */
#define E_GPRREG   (1u << 22) /* a general-purpose register in ModRM.reg: EVEX.R' must be 0 */
#define E_DISTINCT (1u << 24) /* destination differs from both sources (complex FP16) */
#define E_ID(d)    ((d) >> 25)

/* Shapes. */
#define V     E_VALID
#define NDS   E_VALID
#define UN    (E_VALID | E_NOV)
#define B     E_BCST
#define ER    (E_BCST | E_ER)
#define SAE   (E_BCST | E_SAE)
#define SER   (E_LIG | E_ER)  /* scalar with rounding */
#define SSAE  (E_LIG | E_SAE) /* scalar with SAE */
#define IB    E_IB
#define L1X   (E_L128) /* 128-bit only */
#define L2X   (E_L256 | E_L512)
#define L5X   (E_L512)
#define NM    (E_NOMASK | E_NOZ)
#define K     (E_KREG | E_NOZ)
#define ST    E_NOZMEM
#define EG(g) WIG(E_VALID | E_GROUP | ((uint32_t)(g) << 25))

/* {W0, W1} pairs */
#define W0(d)                                                                                      \
    {                                                                                              \
        (d), 0                                                                                     \
    }
#define W1(d)                                                                                      \
    {                                                                                              \
        0, (d)                                                                                     \
    }
#define WIG(d)                                                                                     \
    {                                                                                              \
        (d), (d)                                                                                   \
    }
#define WB(d0, d1)                                                                                 \
    {                                                                                              \
        (d0), (d1)                                                                                 \
    }

enum { PN = 0, P66 = 1, PF3 = 2, PF2 = 3 };
enum { M1 = 0, M2, M3, M5, M6, EVEX_MAPS };

enum { EG_NONE = 0, EG_0F71, EG_0F72, EG_0F73, EG_0F38C6, EG_0F38C7, EG_COUNT };

static const uint32_t evex_groups[EG_COUNT][8][2] = {
        [EG_0F71] = {[2] = WIG(NDS | IB), [4] = WIG(NDS | IB), [6] = WIG(NDS | IB)},
        [EG_0F72] = {[0] = WIG(NDS | IB | B),
                     [1] = WIG(NDS | IB | B),
                     [2] = W0(NDS | IB | B),
                     [4] = WIG(NDS | IB | B),
                     [6] = W0(NDS | IB | B)},
        [EG_0F73] = {[2] = W1(NDS | IB | B),
                     [3] = WIG(NDS | IB | NM),
                     [6] = W1(NDS | IB | B),
                     [7] = WIG(NDS | IB | NM)},
        [EG_0F38C6] = {[1] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X),
                       [2] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X),
                       [5] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X),
                       [6] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X)},
        [EG_0F38C7] = {[1] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X),
                       [2] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X),
                       [5] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X),
                       [6] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ | L5X)},
};

#define FMA_P WIG(NDS | ER)
#define FMA_S WIG(NDS | SER)

static const uint32_t evex_map[EVEX_MAPS][4][256][2] = {
        /* ================= map 1 (0F) ================= */
        [M1][PN][0x10] = W0(UN),
        W0(UN | ST),
        W0(NDS | L1X | NM),
        W0(UN | L1X | NM | E_MEM),
        [M1][PN][0x14] = W0(NDS | B),
        W0(NDS | B),
        W0(NDS | L1X | NM),
        W0(UN | L1X | NM | E_MEM),
        [M1][PN][0x28] = W0(UN),
        W0(UN | ST),
        [M1][PN][0x2B] = W0(UN | E_MEM | NM),
        [M1][PN][0x2E] = W0(UN | SSAE | NM),
        W0(UN | SSAE | NM),
        [M1][PN][0x51] = W0(UN | ER),
        [M1][PN][0x54] = W0(NDS | B),
        W0(NDS | B),
        W0(NDS | B),
        W0(NDS | B),
        [M1][PN][0x58] = W0(NDS | ER),
        W0(NDS | ER),
        W0(UN | SAE | L1X | E_L256 | E_L512),
        WB(UN | ER, UN | ER),
        W0(NDS | ER),
        W0(NDS | SAE),
        W0(NDS | ER),
        W0(NDS | SAE),
        [M1][PN][0x78] = WIG(UN | SAE),
        WIG(UN | ER),
        [M1][PN][0xC2] = W0(NDS | SAE | IB | K),
        [M1][PN][0xC6] = W0(NDS | B | IB),

        [M1][P66][0x10] = W1(UN),
        W1(UN | ST),
        W1(NDS | L1X | NM | E_MEM),
        W1(UN | L1X | NM | E_MEM),
        [M1][P66][0x14] = W1(NDS | B),
        W1(NDS | B),
        W1(NDS | L1X | NM | E_MEM),
        W1(UN | L1X | NM | E_MEM),
        [M1][P66][0x28] = W1(UN),
        W1(UN | ST),
        [M1][P66][0x2B] = W1(UN | E_MEM | NM),
        [M1][P66][0x2E] = W1(UN | SSAE | NM),
        W1(UN | SSAE | NM),
        [M1][P66][0x51] = W1(UN | ER),
        [M1][P66][0x54] = W1(NDS | B),
        W1(NDS | B),
        W1(NDS | B),
        W1(NDS | B),
        [M1][P66][0x58] = W1(NDS | ER),
        W1(NDS | ER),
        W1(UN | ER),
        W0(UN | ER),
        W1(NDS | ER),
        W1(NDS | SAE),
        W1(NDS | ER),
        W1(NDS | SAE),
        [M1][P66][0x60] = WIG(NDS),
        WIG(NDS),
        W0(NDS | B),
        WIG(NDS),
        WIG(NDS | K),
        WIG(NDS | K),
        W0(NDS | B | K),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        W0(NDS | B),
        W0(NDS | B),
        W1(NDS | B),
        W1(NDS | B),
        WIG(UN | L1X | NM | E_GPR),
        WB(UN, UN),
        [M1][P66][0x70] = W0(UN | B | IB),
        EG(EG_0F71),
        EG(EG_0F72),
        EG(EG_0F73),
        WIG(NDS | K),
        WIG(NDS | K),
        W0(NDS | B | K),
        [M1][P66][0x78] = WIG(UN | SAE),
        WIG(UN | ER),
        WIG(UN | SAE),
        WIG(UN | ER),
        [M1][P66][0x7E] = WIG(UN | L1X | NM | E_GPR),
        WB(UN | ST, UN | ST),
        [M1][P66][0xC2] = W1(NDS | SAE | IB | K),
        [M1][P66][0xC4] = WIG(NDS | IB | L1X | NM | E_GPR),
        WIG(UN | IB | L1X | NM | E_REG | E_GPRREG),
        W1(NDS | B | IB),
        [M1][P66][0xD1] = WIG(NDS),
        W0(NDS),
        W1(NDS),
        W1(NDS | B),
        WIG(NDS),
        W1(UN | L1X | NM),
        [M1][P66][0xD8] = WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WB(NDS | B, NDS | B),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WB(NDS | B, NDS | B),
        [M1][P66][0xE0] = WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        W1(UN | SAE),
        W0(UN | E_MEM | NM),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WB(NDS | B, NDS | B),
        WIG(NDS),
        WIG(NDS),
        WIG(NDS),
        WB(NDS | B, NDS | B),
        [M1][P66][0xF1] = WIG(NDS),
        W0(NDS),
        W1(NDS),
        W1(NDS | B),
        WIG(NDS),
        WIG(NDS | NM),
        [M1][P66][0xF8] = WIG(NDS),
        WIG(NDS),
        W0(NDS | B),
        W1(NDS | B),
        WIG(NDS),
        WIG(NDS),
        W0(NDS | B),

        [M1][PF3][0x10] = W0(NDS | E_LIG | E_NOVM),
        W0(NDS | E_LIG | E_NOVM | ST),
        W0(UN),
        [M1][PF3][0x16] = W0(UN),
        [M1][PF3][0x2A] = WIG(NDS | SER | NM | E_GPR),
        [M1][PF3][0x2C] = WIG(UN | SSAE | NM | E_GPRREG),
        WIG(UN | SER | NM | E_GPRREG),
        [M1][PF3][0x51] = W0(NDS | SER),
        [M1][PF3][0x58] = W0(NDS | SER),
        W0(NDS | SER),
        W0(NDS | SSAE),
        W0(UN | SAE),
        W0(NDS | SER),
        W0(NDS | SSAE),
        W0(NDS | SER),
        W0(NDS | SSAE),
        [M1][PF3][0x6F] = WIG(UN),
        [M1][PF3][0x70] = WIG(UN | IB),
        [M1][PF3][0x78] = WIG(UN | SSAE | NM | E_GPRREG),
        WIG(UN | SER | NM | E_GPRREG),
        WB(UN | SAE, UN | ER),
        WIG(NDS | SER | NM | E_GPR),
        [M1][PF3][0x7E] = W1(UN | L1X | NM),
        WIG(UN | ST),
        [M1][PF3][0xC2] = W0(NDS | SSAE | IB | K),
        [M1][PF3][0xE6] = WB(UN | SAE, UN | ER),

        [M1][PF2][0x10] = W1(NDS | E_LIG | E_NOVM),
        W1(NDS | E_LIG | E_NOVM | ST),
        W1(UN),
        [M1][PF2][0x2A] = WIG(NDS | SER | NM | E_GPR),
        [M1][PF2][0x2C] = WIG(UN | SSAE | NM | E_GPRREG),
        WIG(UN | SER | NM | E_GPRREG),
        [M1][PF2][0x51] = W1(NDS | SER),
        [M1][PF2][0x58] = W1(NDS | SER),
        W1(NDS | SER),
        W1(NDS | SER),
        {0, 0},
        W1(NDS | SER),
        W1(NDS | SSAE),
        W1(NDS | SER),
        W1(NDS | SSAE),
        [M1][PF2][0x6F] = WIG(UN),
        [M1][PF2][0x70] = WIG(UN | IB),
        [M1][PF2][0x78] = WIG(UN | SSAE | NM | E_GPRREG),
        WIG(UN | SER | NM | E_GPRREG),
        WIG(UN | ER),
        WIG(NDS | SER | NM | E_GPR),
        [M1][PF2][0x7F] = WIG(UN | ST),
        [M1][PF2][0xC2] = W1(NDS | SSAE | IB | K),
        [M1][PF2][0xE6] = W1(UN | ER),

        /* ================= map 2 (0F38) ================= */
        [M2][P66][0x00] = WIG(NDS),
        [M2][P66][0x04] = WIG(NDS),
        [M2][P66][0x0B] = WIG(NDS),
        [M2][P66][0x0C] = W0(NDS | B),
        W1(NDS | B),
        [M2][P66][0x10] = W1(NDS),
        W1(NDS),
        W1(NDS),
        W0(UN | E_SAE),
        WIG(NDS | B),
        WIG(NDS | B),
        WIG(NDS | B | L2X),
        [M2][P66][0x18] = W0(UN),
        WB(UN | L2X, UN | L2X),
        WB(UN | L2X | E_MEM, UN | L2X | E_MEM),
        WB(UN | L5X | E_MEM, UN | L5X | E_MEM),
        WIG(UN),
        WIG(UN),
        W0(UN | B),
        W1(UN | B),
        [M2][P66][0x20] = WIG(UN),
        WIG(UN),
        WIG(UN),
        WIG(UN),
        WIG(UN),
        W0(UN),
        WB(NDS | K, NDS | K),
        WB(NDS | B | K, NDS | B | K),
        [M2][P66][0x28] = W1(NDS | B),
        W1(NDS | B | K),
        W0(UN | E_MEM | NM),
        W0(NDS | B),
        WB(NDS | ER, NDS | ER),
        WB(NDS | SER, NDS | SER),
        [M2][P66][0x30] = WIG(UN),
        WIG(UN),
        WIG(UN),
        WIG(UN),
        WIG(UN),
        W0(UN),
        WB(NDS | B | L2X, NDS | B | L2X),
        W1(NDS | B | K),
        WIG(NDS),
        WIG(NDS | B),
        WIG(NDS),
        WIG(NDS | B),
        WIG(NDS),
        WIG(NDS | B),
        WIG(NDS),
        WIG(NDS | B),
        [M2][P66][0x40] = WIG(NDS | B),
        [M2][P66][0x42] = WIG(UN | SAE),
        WIG(NDS | SSAE),
        WIG(UN | B),
        WIG(NDS | B),
        WIG(NDS | B),
        WIG(NDS | B),
        [M2][P66][0x4C] = WIG(UN | B),
        WIG(NDS | E_LIG),
        WIG(UN | B),
        WIG(NDS | E_LIG),
        [M2][P66][0x50] = W0(NDS | B),
        W0(NDS | B),
        W0(NDS | B),
        W0(NDS | B),
        WIG(UN),
        WIG(UN | B),
        [M2][P66][0x58] = W0(UN),
        WB(UN, UN),
        WB(UN | L2X | E_MEM, UN | L2X | E_MEM),
        WB(UN | L5X | E_MEM, UN | L5X | E_MEM),
        [M2][P66][0x62] = WIG(UN),
        WIG(UN | ST),
        WIG(NDS | B),
        WIG(NDS | B),
        WIG(NDS),
        [M2][P66][0x70] = W1(NDS),
        WIG(NDS | B),
        W1(NDS),
        WIG(NDS | B),
        [M2][P66][0x75] = WIG(NDS),
        WIG(NDS | B),
        WIG(NDS | B),
        W0(UN),
        W0(UN),
        W0(UN | E_REG | E_GPR),
        W0(UN | E_REG | E_GPR),
        WIG(UN | E_REG | E_GPR),
        WIG(NDS),
        WIG(NDS | B),
        WIG(NDS | B),
        [M2][P66][0x83] = W1(NDS | B),
        [M2][P66][0x88] = WIG(UN),
        WIG(UN),
        WIG(UN | ST),
        WIG(UN | ST),
        [M2][P66][0x8D] = WIG(NDS),
        [M2][P66][0x8F] = W0(NDS | K),
        [M2][P66][0x90] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        [M2][P66][0x96] = FMA_P,
        FMA_P,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        [M2][P66][0xA0] = WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        WIG(UN | E_MEM | E_VSIB | E_MASKREQ | E_NOZ),
        [M2][P66][0xA6] = FMA_P,
        FMA_P,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        [M2][P66][0xB4] = W1(NDS | B),
        W1(NDS | B),
        [M2][P66][0xB6] = FMA_P,
        FMA_P,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        FMA_P,
        FMA_S,
        [M2][P66][0xC4] = WIG(UN | B),
        [M2][P66][0xC6] = EG(EG_0F38C6),
        EG(EG_0F38C7),
        WIG(UN | SAE | L5X),
        [M2][P66][0xCA] = WIG(UN | SAE | L5X),
        WIG(NDS | SSAE),
        WIG(UN | SAE | L5X),
        WIG(NDS | SSAE),
        [M2][P66][0xCF] = W0(NDS),
        [M2][P66][0xDC] = WIG(NDS | NM),
        WIG(NDS | NM),
        WIG(NDS | NM),
        WIG(NDS | NM),

        [M2][PF3][0x10] = W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        [M2][PF3][0x20] = W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        WIG(NDS | K),
        WIG(NDS | B | K),
        WIG(UN | E_REG | NM),
        WIG(UN | E_REG | E_KREG | NM),
        W1(UN | E_REG | NM),
        [M2][PF3][0x30] = W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        W0(UN | ST),
        [M2][PF3][0x38] = WIG(UN | E_REG | NM),
        WIG(UN | E_REG | E_KREG | NM),
        W0(UN | E_REG | NM),
        [M2][PF3][0x52] = W0(NDS | B),
        [M2][PF3][0x72] = W0(UN | B),
        [M2][PF2][0x52] = W0(NDS | E_MEM | L5X),
        W0(NDS | E_MEM | L5X),
        [M2][PF2][0x68] = WIG(NDS | B | E_KREG | NM),
        [M2][PF2][0x72] = W0(NDS | B),
        [M2][PF2][0x9A] = W0(NDS | E_MEM | L5X),
        W0(NDS | E_MEM | E_LIG),
        [M2][PF2][0xAA] = W0(NDS | E_MEM | L5X),
        W0(NDS | E_MEM | E_LIG),

        /* ================= map 3 (0F3A) ================= */
        [M3][P66][0x00] = W1(UN | B | IB | L2X),
        W1(UN | B | IB | L2X),
        {0, 0},
        WIG(NDS | B | IB),
        W0(UN | B | IB),
        W1(UN | B | IB),
        [M3][P66][0x08] = W0(UN | SAE | IB),
        W1(UN | SAE | IB),
        W0(NDS | SSAE | IB),
        W1(NDS | SSAE | IB),
        [M3][P66][0x0F] = WIG(NDS | IB),
        [M3][P66][0x14] = WIG(UN | IB | L1X | NM | E_GPR),
        WIG(UN | IB | L1X | NM | E_GPR),
        WIG(UN | IB | L1X | NM | E_GPR),
        WIG(UN | IB | L1X | NM | E_GPR),
        WIG(NDS | IB | L2X),
        WIG(UN | IB | L2X | ST),
        WIG(NDS | IB | L5X),
        WIG(UN | IB | L5X | ST),
        [M3][P66][0x1D] = W0(UN | IB | E_SAE | ST),
        WIG(NDS | B | IB | K),
        WIG(NDS | B | IB | K),
        [M3][P66][0x20] = WIG(NDS | IB | L1X | NM | E_GPR),
        W0(NDS | IB | L1X | NM),
        WIG(NDS | IB | L1X | NM | E_GPR),
        WIG(NDS | B | IB | L2X),
        [M3][P66][0x25] = WIG(NDS | B | IB),
        WIG(UN | SAE | IB),
        WIG(NDS | SSAE | IB),
        [M3][P66][0x38] = WIG(NDS | IB | L2X),
        WIG(UN | IB | L2X | ST),
        WIG(NDS | IB | L5X),
        WIG(UN | IB | L5X | ST),
        [M3][P66][0x3E] = WIG(NDS | IB | K),
        WIG(NDS | IB | K),
        [M3][P66][0x42] = W0(NDS | IB),
        WIG(NDS | B | IB | L2X),
        WIG(NDS | IB | NM),
        [M3][P66][0x50] = WIG(NDS | SAE | IB),
        WIG(NDS | SSAE | IB),
        [M3][P66][0x54] = WIG(NDS | SAE | IB),
        WIG(NDS | SSAE | IB),
        WIG(UN | SAE | IB),
        WIG(NDS | SSAE | IB),
        [M3][P66][0x66] = WIG(UN | B | IB | K),
        WIG(UN | E_LIG | IB | K),
        [M3][P66][0x70] = W1(NDS | IB),
        WIG(NDS | B | IB),
        W1(NDS | IB),
        WIG(NDS | B | IB),
        [M3][P66][0xCE] = W1(NDS | B | IB),
        W1(NDS | B | IB),
        /* AVX512-FP16 in map 3 */
        [M3][PN][0x08] = W0(UN | SAE | IB),
        [M3][PN][0x0A] = W0(NDS | SSAE | IB),
        [M3][PN][0x26] = W0(UN | SAE | IB),
        W0(NDS | SSAE | IB),
        [M3][PN][0x56] = W0(UN | SAE | IB),
        W0(NDS | SSAE | IB),
        [M3][PN][0x66] = W0(UN | B | IB | K),
        W0(UN | E_LIG | IB | K),
        [M3][PN][0xC2] = W0(NDS | SAE | IB | K),
        [M3][PF3][0xC2] = W0(NDS | SSAE | IB | K),

        /* ================= map 5 (AVX512-FP16) ================= */
        [M5][PN][0x1D] = W0(NDS | SER),
        [M5][PN][0x2E] = W0(UN | SSAE | NM),
        W0(UN | SSAE | NM),
        [M5][PN][0x51] = W0(UN | ER),
        [M5][PN][0x58] = W0(NDS | ER),
        W0(NDS | ER),
        W0(UN | SAE),
        WB(UN | ER, UN | ER),
        W0(NDS | ER),
        W0(NDS | SAE),
        W0(NDS | ER),
        W0(NDS | SAE),
        [M5][PN][0x78] = W0(UN | SAE),
        W0(UN | ER),
        [M5][PN][0x7C] = W0(UN | SAE),
        W0(UN | ER),
        [M5][P66][0x1D] = W0(UN | ER),
        [M5][P66][0x5A] = W1(UN | ER),
        W0(UN | ER),
        [M5][P66][0x6E] = WIG(UN | L1X | NM | E_GPR),
        [M5][P66][0x78] = W0(UN | SAE),
        W0(UN | ER),
        W0(UN | SAE),
        W0(UN | ER),
        W0(UN | SAE),
        W0(UN | ER),
        WIG(UN | L1X | NM | E_GPR),
        [M5][PF3][0x10] = W0(NDS | E_LIG | E_NOVM),
        W0(NDS | E_LIG | E_NOVM | ST),
        [M5][PF3][0x2A] = WIG(NDS | SER | NM | E_GPR),
        [M5][PF3][0x2C] = WIG(UN | SSAE | NM | E_GPRREG),
        WIG(UN | SER | NM | E_GPRREG),
        [M5][PF3][0x51] = W0(NDS | SER),
        [M5][PF3][0x58] = W0(NDS | SER),
        W0(NDS | SER),
        W0(NDS | SSAE),
        W0(UN | SAE),
        W0(NDS | SER),
        W0(NDS | SSAE),
        W0(NDS | SER),
        W0(NDS | SSAE),
        [M5][PF3][0x78] = WIG(UN | SSAE | NM | E_GPRREG),
        WIG(UN | SER | NM | E_GPRREG),
        [M5][PF3][0x7B] = WIG(NDS | SER | NM | E_GPR),
        [M5][PF3][0x7D] = W0(UN | ER),
        [M5][PF2][0x5A] = W1(NDS | SER),
        [M5][PF2][0x7A] = WB(UN | ER, UN | ER),
        [M5][PF2][0x7D] = W0(UN | ER),

        /* ================= map 6 (AVX512-FP16) ================= */
        [M6][PN][0x13] = W0(NDS | SSAE),
        [M6][P66][0x13] = W0(UN | SAE),
        [M6][P66][0x2C] = W0(NDS | ER),
        W0(NDS | SER),
        [M6][P66][0x42] = W0(UN | SAE),
        W0(NDS | SSAE),
        [M6][P66][0x4C] = W0(UN | B),
        W0(NDS | E_LIG),
        W0(UN | B),
        W0(NDS | E_LIG),
        [M6][P66][0x96] = W0(NDS | ER),
        W0(NDS | ER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        [M6][P66][0xA6] = W0(NDS | ER),
        W0(NDS | ER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        [M6][P66][0xB6] = W0(NDS | ER),
        W0(NDS | ER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        W0(NDS | ER),
        W0(NDS | SER),
        [M6][PF3][0x56] = W0(NDS | ER | E_DISTINCT),
        W0(NDS | SER | E_DISTINCT),
        [M6][PF3][0xD6] = W0(NDS | ER | E_DISTINCT),
        W0(NDS | SER | E_DISTINCT),
        [M6][PF2][0x56] = W0(NDS | ER | E_DISTINCT),
        W0(NDS | SER | E_DISTINCT),
        [M6][PF2][0xD6] = W0(NDS | ER | E_DISTINCT),
        W0(NDS | SER | E_DISTINCT),
};

static unsigned evex_map_index(unsigned map)
{
    switch (map) {
    case X86DEC_MAP_0F:
        return M1;
    case X86DEC_MAP_0F38:
        return M2;
    case X86DEC_MAP_0F3A:
        return M3;
    case X86DEC_MAP_EVEX5:
        return M5;
    default:
        return M6;
    }
}

x86dec_status_t evex_check(x86dec_ctx_t *c)
{
    uint32_t d = evex_map[evex_map_index(c->map)][c->vex_pp][c->opcode][c->vex_w];
    if (d & E_GROUP)
        d = evex_groups[E_ID(d)][modrm_reg(c)][c->vex_w];
    if (!(d & E_VALID))
        return X86DEC_ERR_INVALID;
    bool reg_form = modrm_mod(c) == 3;
    if (((d & E_REG) && !reg_form) || ((d & E_MEM) && reg_form))
        return X86DEC_ERR_INVALID;
    /* EVEX.b: broadcast (memory), rounding or SAE (registers). */
    bool rounding = false;
    if (c->evex_b) {
        if (reg_form) {
            if (!(d & (E_ER | E_SAE)))
                return X86DEC_ERR_INVALID;
            rounding = true;
        } else if (!(d & E_BCST)) {
            return X86DEC_ERR_INVALID;
        }
    }
    if (!rounding) {
        if (c->vex_l == 3)
            return X86DEC_ERR_INVALID;
        uint32_t lengths = d & (E_L128 | E_L256 | E_L512);
        if (!(d & E_LIG) && lengths && !(lengths & (E_L128 << c->vex_l)))
            return X86DEC_ERR_INVALID;
    }
    if ((d & E_NOV) && (c->vex_vvvv != 0 || (c->evex_v2 && !(d & E_VSIB))))
        return X86DEC_ERR_INVALID;
    if ((d & E_NOVM) && !reg_form && (c->vex_vvvv != 0 || c->evex_v2))
        return X86DEC_ERR_INVALID;
    if ((d & E_NOMASK) && c->evex_aaa != 0)
        return X86DEC_ERR_INVALID;
    if ((d & E_MASKREQ) && c->evex_aaa == 0)
        return X86DEC_ERR_INVALID;
    if (c->evex_z && ((d & E_NOZ) || ((d & E_NOZMEM) && !reg_form)))
        return X86DEC_ERR_INVALID;
    if ((d & E_KREG) && (c->vex_r || c->evex_r2))
        return X86DEC_ERR_INVALID;
    if ((d & E_GPRREG) && c->evex_r2)
        return X86DEC_ERR_INVALID;
    if (d & E_DISTINCT) {
        unsigned dest = modrm_reg(c) | (c->vex_r << 3) | (c->evex_r2 << 4);
        unsigned src1 = c->vex_vvvv | (c->evex_v2 << 4);
        unsigned src2 = modrm_rm(c) | (c->vex_b << 3) | (c->vex_x << 4);
        if (dest == src1 || (reg_form && dest == src2))
            return X86DEC_ERR_INVALID;
    }
    if (d & E_VSIB) {
        if (reg_form || modrm_rm(c) != 4)
            return X86DEC_ERR_INVALID;
        bool gather = c->map == X86DEC_MAP_0F38 && (c->opcode & 0xF0u) == 0x90;
        if (gather && c->pos < c->size) {
            unsigned index = ((c->code[c->pos] >> 3) & 7u) | (c->vex_x << 3) | (c->evex_v2 << 4);
            unsigned dest = modrm_reg(c) | (c->vex_r << 3) | (c->evex_r2 << 4);
            if (index == dest)
                return X86DEC_ERR_INVALID;
        }
    }
    c->imm_size = (d & E_IB) ? 1 : 0;
    c->desc = d;
    return X86DEC_OK;
}
