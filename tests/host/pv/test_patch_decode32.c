/*
 * Host tests of the patch scanner's 32-bit decoding (pv_patch_decode in PV_PATCH_MODE_32): a table
 * of encodings written from the Intel SDM and AMD APM (the 32-bit-only opcodes, INC/DEC for
 * 40-4F, moffs32, 16-bit addressing under 67, rel16 under 66, VEX/EVEX vs LES/LDS/BOUND, the
 * 64-bit-only instructions), each also cut short at every length; and two million structured
 * random encodings against Zydis 4 in 32-bit mode, as Intel and as AMD: the same validity and
 * the same length.
 */
#include "patch_zydis.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define SENS X86DEC_F_SENSITIVE
#define PRIV X86DEC_F_PRIVILEGED

typedef struct {
    const char *hex;
    unsigned length; /* 0: invalid (#UD) */
    unsigned mnemonic;
    uint32_t class; /* SENS, PRIV or 0 */
    const char *source;
} row_t;

static const row_t rows[] = {
        {"40", 1, PV_PATCH_MN_INC_DEC, 0, "SDM2 INC: 40+rd in 32-bit mode, REX in 64-bit"},
        {"4f", 1, PV_PATCH_MN_INC_DEC, 0, "SDM2 DEC"},
        {"66 48", 2, PV_PATCH_MN_INC_DEC, 0, "SDM2 DEC r16"},
        {"f0 40", 0, 0, 0, "SDM2 LOCK: #UD on a register destination"},
        {"06", 1, PV_PATCH_MN_PUSH_SREG, 0, "SDM2 PUSH ES"},
        {"0e", 1, PV_PATCH_MN_PUSH_SREG, SENS, "SDM2 PUSH CS: RPL = CPL"},
        {"16", 1, PV_PATCH_MN_PUSH_SREG, SENS, "SDM2 PUSH SS: RPL = CPL"},
        {"1e", 1, PV_PATCH_MN_PUSH_SREG, 0, "SDM2 PUSH DS"},
        {"07", 1, PV_PATCH_MN_POP_SREG32, SENS, "SDM2 POP ES: a descriptor load"},
        {"17", 1, PV_PATCH_MN_POP_SREG32, SENS, "SDM2 POP SS"},
        {"1f", 1, PV_PATCH_MN_POP_SREG32, SENS, "SDM2 POP DS"},
        {"0f a1", 2, X86DEC_MN_POP_SREG, SENS, "SDM2 POP FS"},
        {"27", 1, PV_PATCH_MN_LEGACY, 0, "SDM2 DAA"},
        {"60", 1, PV_PATCH_MN_LEGACY, 0, "SDM2 PUSHA"},
        {"61", 1, PV_PATCH_MN_LEGACY, 0, "SDM2 POPA"},
        {"d4 0a", 2, PV_PATCH_MN_LEGACY, 0, "SDM2 AAM ib"},
        {"d5 0a", 2, PV_PATCH_MN_LEGACY, 0, "SDM2 AAD ib"},
        {"d6", 1, PV_PATCH_MN_LEGACY, 0, "SDM2 opcode map: SALC (undocumented)"},
        {"ce", 1, X86DEC_MN_INTO, 0, "SDM2 INTO: valid outside 64-bit mode"},
        {"82 c0 01", 3, X86DEC_MN_OTHER, 0, "SDM2 opcode map: 82 = 80 outside 64-bit mode"},
        {"63 c0", 2, PV_PATCH_MN_LEGACY, 0, "SDM2 ARPL"},
        {"62 00", 2, PV_PATCH_MN_LEGACY, 0, "SDM2 BOUND r32, m32&32"},
        {"62 f1 7c 48 10 00", 6, X86DEC_MN_OTHER, 0, "SDM2 2.7: EVEX when ModRM.mod would be 3"},
        {"c4 00", 2, PV_PATCH_MN_LES, SENS, "SDM2 LES"},
        {"c5 45 08", 3, PV_PATCH_MN_LDS, SENS, "SDM2 LDS [ebp+8]"},
        {"c5 f8 77", 3, X86DEC_MN_OTHER, 0, "SDM2 2.3.5: VZEROUPPER (VEX)"},
        {"c4 e1 78 28 c1", 5, X86DEC_MN_OTHER, 0, "SDM2 VMOVAPS (three-byte VEX)"},
        {"9a 78 56 34 12 08 00", 7, PV_PATCH_MN_CALL_FAR_DIRECT, SENS, "SDM2 CALL ptr16:32"},
        {"ea 78 56 34 12 08 00", 7, PV_PATCH_MN_JMP_FAR_DIRECT, SENS, "SDM2 JMP ptr16:32"},
        {"66 ea 34 12 08 00", 6, PV_PATCH_MN_JMP_FAR_DIRECT, SENS, "SDM2 JMP ptr16:16"},
        {"a1 78 56 34 12", 5, X86DEC_MN_MOV, 0, "SDM2 MOV EAX, moffs32"},
        {"67 a1 34 12", 4, X86DEC_MN_MOV, 0, "SDM2 MOV EAX, moffs16 (67)"},
        {"a2 78 56 34 12", 5, X86DEC_MN_MOV, 0, "SDM2 MOV moffs32, AL"},
        {"e8 00 00 00 00", 5, X86DEC_MN_OTHER, 0, "SDM2 CALL rel32"},
        {"66 e8 00 00", 4, X86DEC_MN_OTHER, 0, "SDM2 CALL rel16 (66 outside 64-bit mode)"},
        {"66 e9 00 00", 4, X86DEC_MN_OTHER, 0, "SDM2 JMP rel16"},
        {"66 0f 84 00 00", 5, X86DEC_MN_OTHER, 0, "SDM2 Jcc rel16"},
        {"67 e3 10", 3, X86DEC_MN_OTHER, 0, "SDM2 JCXZ"},
        {"0f 01 15 80 44 14 03", 7, X86DEC_MN_LGDT, PRIV, "SDM2 LGDT m (disp32, not RIP)"},
        {"67 0f 01 16 34 12", 6, X86DEC_MN_LGDT, PRIV, "SDM2 2.1.5 Table 2-1: [disp16]"},
        {"67 8b 40 10", 4, X86DEC_MN_MOV, 0, "SDM2 Table 2-1: [BX+SI+disp8]"},
        {"67 8b 80 34 12", 5, X86DEC_MN_MOV, 0, "SDM2 Table 2-1: [BX+SI+disp16]"},
        {"67 8b 04", 3, X86DEC_MN_MOV, 0, "SDM2 Table 2-1: [SI], no SIB"},
        {"67 8b 05", 3, X86DEC_MN_MOV, 0, "SDM2 Table 2-1: [DI], no disp32"},
        {"67 c7 06 34 12 78 56 34 12", 9, X86DEC_MN_MOV, 0, "MOV [disp16], imm32"},
        {"8b 04 24", 3, X86DEC_MN_MOV, 0, "SDM2 Table 2-2: SIB"},
        {"8b 05 78 56 34 12", 6, X86DEC_MN_MOV, 0, "SDM2 Table 2-2: [disp32]"},
        {"b8 78 56 34 12", 5, X86DEC_MN_MOV, 0, "SDM2 MOV r32, imm32"},
        {"68 78 56 34 12", 5, X86DEC_MN_OTHER, 0, "SDM2 PUSH imm32"},
        {"66 68 34 12", 4, X86DEC_MN_OTHER, 0, "SDM2 PUSH imm16"},
        {"0f a2", 2, X86DEC_MN_CPUID, SENS, "SDM2 CPUID"},
        {"9c", 1, X86DEC_MN_PUSHF, SENS, "SDM2 PUSHFD"},
        {"9d", 1, X86DEC_MN_POPF, SENS, "SDM2 POPFD"},
        {"cf", 1, X86DEC_MN_IRET, SENS, "SDM2 IRETD"},
        {"cb", 1, X86DEC_MN_RET_FAR, SENS, "SDM2 RET far"},
        {"8e d8", 2, X86DEC_MN_MOV_TO_SREG, SENS, "SDM2 MOV DS, r/m16"},
        {"8c c8", 2, X86DEC_MN_MOV_FROM_SREG, SENS, "SDM2 MOV r/m16, CS"},
        {"0f 22 e0", 3, X86DEC_MN_MOV_TO_CR, PRIV, "SDM2 MOV CR4, r32"},
        {"0f 32", 2, X86DEC_MN_RDMSR, PRIV, "SDM2 RDMSR"},
        {"fa", 1, X86DEC_MN_CLI, PRIV, "SDM2 CLI (IOPL)"},
        {"f4", 1, X86DEC_MN_HLT, PRIV, "SDM2 HLT"},
        {"0f 01 f8", 0, 0, 0, "SDM2 SWAPGS: #UD outside 64-bit mode"},
        {"f3 0f ae c0", 0, 0, 0, "SDM2 RDFSBASE: #UD outside 64-bit mode"},
        {"f2 0f 01 ca", 0, 0, 0, "FRED ERETS: 64-bit mode only"},
        {"66 0f 01 cf", 0, 0, 0, "TDX SEAMCALL: 64-bit mode only"},
        {"f2 0f 01 fe", 0, 0, 0, "APM3 RMPUPDATE: 64-bit mode only"},
        {"66 0f 01 cc", 4, X86DEC_MN_OTHER, PRIV, "TDX TDCALL: 32-bit mode too (as Zydis)"},
        {"62 d6 3e 3e d6 82 ff ff ff ff", 0, 0, 0,
         "SDM2 VFMULCPH: vvvv[3] ignored, so the source is the destination (#UD)"},
        {"62 d6 46 3e d6 82 ff ff ff ff", 10, X86DEC_MN_OTHER, 0, "SDM2 VFMULCPH zmm0, zmm7"},
        {"0f 01 d9", 3, X86DEC_MN_VMMCALL, SENS, "APM3 VMMCALL"},
        {"0f 0b", 2, X86DEC_MN_UD2, 0, "SDM2 UD2"},
        {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 15, X86DEC_MN_OTHER, 0, "15 bytes"},
        {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 0, 0, 0, "16 bytes: #GP"},
};

static size_t hex_bytes(const char *hex, uint8_t *out, size_t size)
{
    size_t count = 0;
    unsigned value;
    int used;

    while (count < size && sscanf(hex, " %2x%n", &value, &used) == 1) {
        out[count++] = (uint8_t)value;
        hex += used;
    }
    return count;
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const row_t *row = &rows[i];
        uint8_t code[32];
        size_t size = hex_bytes(row->hex, code, sizeof(code));
        x86dec_insn_t insn;
        x86dec_status_t status = pv_patch_decode(code, size, PV_PATCH_MODE_32, NULL, &insn);

        if ((row->length == 0) != (status != X86DEC_OK) ||
            (row->length != 0 && (insn.length != row->length || insn.mnemonic != row->mnemonic ||
                                  (insn.flags & (SENS | PRIV)) != row->class))) {
            fail_msg("%s (%s): status %d length %u mnemonic %s flags %#x", row->hex, row->source,
                     status, insn.length, pv_patch_mnemonic_name(insn.mnemonic), insn.flags);
        }
        /* shorter: truncated, never a shorter instruction */
        for (size_t cut = 0; row->length != 0 && cut < row->length; cut++) {
            x86dec_status_t short_status =
                    pv_patch_decode(code, cut, PV_PATCH_MODE_32, NULL, &insn);
            if (short_status != X86DEC_ERR_TRUNCATED) {
                fail_msg("%s cut to %zu: status %d", row->hex, cut, short_status);
            }
        }
    }
}

static void test_fields(void **state)
{
    uint8_t far[] = {0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00};
    uint8_t moffs[] = {0x67, 0xa1, 0x34, 0x12};
    uint8_t disp16[] = {0x67, 0x8b, 0x80, 0xfe, 0xff};
    uint8_t imm_after_disp16[] = {0x67, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12};
    uint8_t rel16[] = {0x66, 0xe9, 0xfe, 0xff};
    x86dec_insn_t insn;

    (void)state;
    assert_int_equal(pv_patch_decode(far, sizeof(far), PV_PATCH_MODE_32, NULL, &insn), X86DEC_OK);
    assert_int_equal(insn.imm, 0x12345678);
    assert_int_equal(insn.imm2, 8);
    assert_int_equal(pv_patch_decode(moffs, sizeof(moffs), PV_PATCH_MODE_32, NULL, &insn),
                     X86DEC_OK);
    assert_int_equal(insn.disp, 0x1234);
    assert_int_equal(insn.address_size, 2);
    assert_int_equal(pv_patch_decode(disp16, sizeof(disp16), PV_PATCH_MODE_32, NULL, &insn),
                     X86DEC_OK);
    assert_int_equal(insn.disp, -2);
    assert_false(insn.has_sib);
    assert_int_equal(pv_patch_decode(imm_after_disp16, sizeof(imm_after_disp16), PV_PATCH_MODE_32,
                                     NULL, &insn),
                     X86DEC_OK);
    assert_int_equal(insn.disp, 0x1234);
    assert_int_equal(insn.imm, 0x12345678);
    assert_int_equal(pv_patch_decode(rel16, sizeof(rel16), PV_PATCH_MODE_32, NULL, &insn),
                     X86DEC_OK);
    assert_int_equal(insn.imm, (uint64_t)-2);
    assert_int_equal(insn.operand_size, 2);
    assert_int_equal(insn.flags & X86DEC_F_OPERANDS, 0);
    assert_int_equal(pv_patch_decode(far, sizeof(far), (pv_patch_mode_t)2, NULL, &insn),
                     X86DEC_ERR_ARGUMENT);
    assert_int_equal(pv_patch_decode(NULL, 0, PV_PATCH_MODE_32, NULL, &insn), X86DEC_ERR_ARGUMENT);
}

/* A small deterministic generator: the same encodings every run. */
static uint64_t random_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Prefixes, an opcode map and opcode, then random bytes. */
static void random_encoding(uint64_t *state, uint8_t *code, size_t size)
{
    static const uint8_t prefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e,
                                       0x3e, 0x26, 0x36, 0x64, 0x65};
    static const uint8_t escapes[] = {0x0f, 0xc4, 0xc5, 0x62, 0x8f};
    size_t at = 0;
    uint64_t bits = random_next(state);
    unsigned count = (unsigned)(bits & 3);

    for (size_t i = 0; i < size; i++) {
        code[i] = (uint8_t)random_next(state);
    }
    for (unsigned i = 0; i < count; i++) {
        code[at++] = prefixes[(bits >> (8 + 4 * i)) % sizeof(prefixes)];
    }
    switch ((bits >> 32) & 7) {
    case 0:
    case 1:
    case 2:
        break; /* a one-byte opcode */
    case 3:
    case 4:
        code[at] = 0x0f;
        break;
    case 5:
        code[at] = 0x0f;
        code[at + 1] = (bits >> 40) & 1 ? 0x38 : 0x3a;
        break;
    default:
        code[at] = escapes[(bits >> 44) % sizeof(escapes)];
        break;
    }
}

static unsigned disagreements;
static unsigned explained_count; /* differences x86dec and Zydis already have in 64-bit mode */

static void compare(const uint8_t *code, size_t size, x86dec_vendor_t vendor)
{
    char why[256];
    bool explained;

    if (patch_zydis_agrees32(code, size, vendor, &explained, why, sizeof(why))) {
        explained_count += explained;
        return;
    }
    if (++disagreements <= 20) {
        fprintf(stderr, "  %s\n", why);
    }
}

static void test_against_zydis(void **state)
{
    uint64_t seed = 0x32b175eedull;
    uint8_t code[24];

    (void)state;
    if (!patch_zydis_available()) {
        skip();
    }
    const char *override = getenv("PATCH_DECODE32_SEED");
    unsigned rounds = 1000000;

    if (override != NULL) {
        seed = strtoull(override, NULL, 0) | 1;
        rounds = 10000000;
    }
    disagreements = 0;
    for (unsigned i = 0; i < rounds; i++) {
        random_encoding(&seed, code, sizeof(code));
        compare(code, sizeof(code), X86DEC_VENDOR_INTEL);
        compare(code, sizeof(code), X86DEC_VENDOR_AMD);
    }
    printf("  %u decodes; %u where x86dec and Zydis differ in 64-bit mode too (x86dec's "
           "exclusions)\n",
           2 * rounds, explained_count);
    assert_int_equal(disagreements, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_table),
            cmocka_unit_test(test_fields),
            cmocka_unit_test(test_against_zydis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
