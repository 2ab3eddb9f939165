/*
 * Unit tests of x86dec on hand-picked encodings: prefix corner cases, the 15-byte limit, every
 * instruction with an operand-level description, classification, and effective addresses.
 * Expected values come from the instruction-set reference, not from running the decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <x86dec/x86dec.h>

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static x86dec_insn_t decode_ok(const uint8_t *code, size_t size, unsigned length)
{
    x86dec_insn_t insn;
    assert_int_equal(x86dec_decode(code, size, &insn), X86DEC_OK);
    assert_int_equal(insn.length, length);
    size_t fast = 0;
    assert_int_equal(x86dec_length(code, size, &fast), X86DEC_OK);
    assert_int_equal(fast, length);
    return insn;
}

static void decode_fails(const uint8_t *code, size_t size, x86dec_status_t expected)
{
    x86dec_insn_t insn;
    size_t length = 99;
    assert_int_equal(x86dec_decode(code, size, &insn), expected);
    assert_int_equal(insn.length, 0);
    assert_int_equal(x86dec_length(code, size, &length), expected);
    assert_int_equal(length, 0);
}

static void assert_reg(const x86dec_operand_t *op, x86dec_reg_t reg, unsigned size, unsigned access)
{
    assert_int_equal(op->kind, X86DEC_OPK_REG);
    assert_int_equal(op->reg, reg);
    assert_int_equal(op->size, size);
    assert_int_equal(op->access, access);
}

#define GPR(n) x86dec_reg_gpr(n)
#define R      X86DEC_ACCESS_READ
#define W      X86DEC_ACCESS_WRITE

/* ---- lengths and prefixes ---------------------------------------------------------------- */

static void test_fifteen_byte_limit(void **state)
{
    (void)state;
    /* 14 redundant prefixes + NOP = 15 bytes: fine. */
    decode_ok(BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                    0x66, 0x90),
              15);
    /* One more prefix makes 16: #GP on hardware, an error here even with bytes available. */
    decode_fails(BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                       0x66, 0x66, 0x90, 0x90),
                 X86DEC_ERR_TOO_LONG);
    /* A 15-byte limit reached inside the immediate. */
    decode_fails(BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x66, 0x67, 0x48, 0xc7, 0x84, 0x24, 0x11, 0x22, 0x33,
                       0x44, 0x55, 0x66, 0x77, 0x88),
                 X86DEC_ERR_TOO_LONG);
}

static void test_truncated(void **state)
{
    (void)state;
    decode_fails(BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7), X86DEC_ERR_TRUNCATED); /* movabs imm64 */
    decode_fails(BYTES(0x0f), X86DEC_ERR_TRUNCATED);
    decode_fails(BYTES(0x66), X86DEC_ERR_TRUNCATED);
    decode_fails(BYTES(0x8b, 0x84), X86DEC_ERR_TRUNCATED); /* SIB missing */
    x86dec_insn_t insn;
    assert_int_equal(x86dec_decode(NULL, 4, &insn), X86DEC_ERR_ARGUMENT);
}

static void test_rex_must_be_last(void **state)
{
    (void)state;
    /* 48 66 89 c8: REX.W is followed by 66, so it is ignored: mov cx, ax... 16-bit. */
    x86dec_insn_t insn = decode_ok(BYTES(0x48, 0x66, 0x89, 0xc8), 4);
    assert_int_equal(insn.rex, 0);
    assert_int_equal(insn.operand_size, 2);
    /* 66 48 89 c8: REX.W last wins over 66: 64-bit. */
    insn = decode_ok(BYTES(0x66, 0x48, 0x89, 0xc8), 4);
    assert_int_equal(insn.rex, 0x48);
    assert_int_equal(insn.operand_size, 8);
    /* REX.B reaches the register only when last: 41 90 is xchg r8, rax... still one insn. */
    insn = decode_ok(BYTES(0x41, 0x8b, 0x00), 3);
    assert_int_equal(insn.operands[1].mem.base, GPR(8));
    insn = decode_ok(BYTES(0x41, 0x2e, 0x8b, 0x00), 4);
    assert_int_equal(insn.operands[1].mem.base, GPR(0));
}

static void test_operand_size_rules(void **state)
{
    (void)state;
    assert_int_equal(decode_ok(BYTES(0x50), 1).operand_size, 8);               /* push rax */
    assert_int_equal(decode_ok(BYTES(0x66, 0x50), 2).operand_size, 2);         /* push ax */
    assert_int_equal(decode_ok(BYTES(0x66, 0x68, 0x34, 0x12), 4).imm_size, 2); /* push imm16 */
    assert_int_equal(decode_ok(BYTES(0x68, 1, 2, 3, 4), 5).imm_size, 4);       /* push imm32 */
    /* Near branches ignore 66 in 64-bit mode: rel32 stays 4 bytes. */
    x86dec_insn_t call = decode_ok(BYTES(0x66, 0xe8, 0x10, 0, 0, 0), 6);
    assert_int_equal(call.imm_size, 4);
    assert_int_equal(call.operand_size, 8);
    assert_int_equal(decode_ok(BYTES(0x66, 0x0f, 0x84, 0, 0, 0, 0), 7).imm_size, 4);
    assert_int_equal(decode_ok(BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8), 10).imm_size, 8);
    assert_int_equal(decode_ok(BYTES(0x66, 0xb8, 1, 2), 4).imm_size, 2);
    /* 48 c7 c0 imm32 (sign-extended), not imm64. */
    x86dec_insn_t mov = decode_ok(BYTES(0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff), 7);
    assert_int_equal(mov.imm, UINT64_MAX);
    /* ENTER iw, ib. */
    x86dec_insn_t enter = decode_ok(BYTES(0xc8, 0x10, 0x00, 0x01), 4);
    assert_int_equal(enter.imm, 0x10);
    assert_int_equal(enter.imm2, 1);
}

static void test_modrm_sib_displacement(void **state)
{
    (void)state;
    decode_ok(BYTES(0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00), 7); /* SIB, no base: disp32 */
    decode_ok(BYTES(0x8b, 0x44, 0x24, 0x08), 4);                   /* [rsp+8] */
    decode_ok(BYTES(0x8b, 0x45, 0x00), 3);                         /* [rbp+0]: disp8 */
    decode_ok(BYTES(0x41, 0x8b, 0x45, 0x00), 4);                   /* [r13+0]: disp8 too */
    decode_ok(BYTES(0x8b, 0x05, 1, 2, 3, 4), 6);                   /* RIP-relative */
    decode_ok(BYTES(0x8b, 0x84, 0x8b, 1, 2, 3, 4), 7);             /* SIB + disp32 */
    decode_ok(BYTES(0x67, 0x8b, 0x05, 1, 2, 3, 4), 7);             /* EIP-relative */
    /* F7 /0 has an immediate, F7 /2 does not. */
    decode_ok(BYTES(0xf7, 0xc0, 1, 2, 3, 4), 6);
    decode_ok(BYTES(0xf7, 0xd0), 2);
    decode_ok(BYTES(0x66, 0xf7, 0xc0, 1, 2), 5);
}

static void test_moffs_follows_address_size(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0xa1, 8, 7, 6, 5, 4, 3, 2, 1), 9);
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV);
    assert_int_equal(insn.operands[1].kind, X86DEC_OPK_MEM);
    assert_int_equal((uint64_t)insn.operands[1].mem.disp, 0x0102030405060708ull);
    assert_true(insn.flags & X86DEC_F_MEMORY);
    insn = decode_ok(BYTES(0x67, 0xa3, 0xfc, 0xff, 0xff, 0xff), 6);
    assert_int_equal(insn.operands[0].access, W);
    assert_int_equal((uint64_t)insn.operands[0].mem.disp, 0xfffffffcull);
    assert_int_equal(insn.operands[0].mem.address_size, 4);
}

static void test_lock_prefix(void **state)
{
    (void)state;
    decode_ok(BYTES(0xf0, 0x01, 0x00), 3);                     /* lock add [rax], eax */
    decode_fails(BYTES(0xf0, 0x01, 0xc0), X86DEC_ERR_INVALID); /* register destination */
    decode_fails(BYTES(0xf0, 0x8b, 0x00), X86DEC_ERR_INVALID); /* mov is not lockable */
    decode_fails(BYTES(0xf0, 0x90), X86DEC_ERR_INVALID);
    decode_ok(BYTES(0xf0, 0x48, 0x0f, 0xc7, 0x0f), 5); /* lock cmpxchg16b [rdi] */
    assert_true(decode_ok(BYTES(0xf0, 0xff, 0x00), 3).flags & X86DEC_F_LOCK);
}

static void test_mandatory_prefixes(void **state)
{
    (void)state;
    /* 66 then F3: F3 selects MOVSS; 66 is then ignored. Same the other way round. */
    decode_ok(BYTES(0x66, 0xf3, 0x0f, 0x10, 0x00), 5);
    decode_ok(BYTES(0xf3, 0x66, 0x0f, 0x10, 0x00), 5);
    /* F3 0F B8: POPCNT; 0F B8 alone is JMPE (IA-64 only): invalid. */
    decode_ok(BYTES(0xf3, 0x0f, 0xb8, 0xc0), 4);
    decode_fails(BYTES(0x0f, 0xb8, 0xc0), X86DEC_ERR_INVALID);
    /* 66 on an instruction without a 66 form is an operand-size override. */
    assert_int_equal(decode_ok(BYTES(0x66, 0x0f, 0xaf, 0xc0), 4).operand_size, 2);
    /* F3 on MOVS is REP. */
    assert_true(decode_ok(BYTES(0xf3, 0xa4), 2).flags & X86DEC_F_REP);
}

static void test_invalid_in_64bit_mode(void **state)
{
    (void)state;
    static const uint8_t invalid[] = {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37,
                                      0x3f, 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea};
    for (size_t i = 0; i < sizeof(invalid); i++) {
        uint8_t code[8] = {invalid[i], 0, 0, 0, 0, 0, 0, 0};
        decode_fails(code, sizeof(code), X86DEC_ERR_INVALID);
    }
    decode_fails(BYTES(0x0f, 0x04), X86DEC_ERR_INVALID);
    decode_fails(BYTES(0x8f, 0x20), X86DEC_ERR_INVALID);             /* 8F /4 */
    decode_fails(BYTES(0xfe, 0xd0), X86DEC_ERR_INVALID);             /* FE /2 */
    decode_fails(BYTES(0x8e, 0xc8), X86DEC_ERR_INVALID);             /* mov cs, ax */
    decode_fails(BYTES(0x0f, 0x20, 0xc8), X86DEC_ERR_INVALID);       /* mov rax, cr1 */
    decode_fails(BYTES(0x44, 0x0f, 0x21, 0xc0), X86DEC_ERR_INVALID); /* dr8 */
    decode_fails(BYTES(0x8d, 0xc0), X86DEC_ERR_INVALID);             /* lea with a register */
    decode_fails(BYTES(0x0f, 0x0f, 0xc0, 0x00), X86DEC_ERR_INVALID); /* 3DNow! suffix 00 */
}

static void test_vector_encodings(void **state)
{
    (void)state;
    decode_ok(BYTES(0xc5, 0xf8, 0x77), 3);                           /* vzeroupper */
    decode_ok(BYTES(0xc4, 0xe2, 0x7d, 0x18, 0x05, 1, 2, 3, 4), 9);   /* vbroadcastss ymm, [rip] */
    decode_fails(BYTES(0x66, 0xc5, 0xf8, 0x77), X86DEC_ERR_INVALID); /* 66 before VEX */
    decode_fails(BYTES(0x48, 0xc5, 0xf8, 0x77), X86DEC_ERR_INVALID); /* REX before VEX */
    decode_fails(BYTES(0xc4, 0xe0, 0x78, 0x10, 0xc0), X86DEC_ERR_INVALID); /* VEX map 0 */
    decode_ok(BYTES(0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc1), 6);       /* vaddps zmm0, zmm0, zmm1 */
    decode_ok(BYTES(0x62, 0xf1, 0x7c, 0x58, 0x58, 0x40, 0x01), 7); /* {1to16} broadcast */
    decode_fails(BYTES(0x62, 0xf1, 0x7c, 0xc8, 0x58, 0xc1), X86DEC_ERR_INVALID); /* z, no mask */
    decode_fails(BYTES(0x62, 0xf1, 0x7c, 0x68, 0x58, 0xc1), X86DEC_ERR_INVALID); /* L'L = 3 */
    decode_ok(BYTES(0x62, 0xf1, 0x7c, 0x78, 0x58, 0xc1), 6); /* {rz-sae}: L'L is RC */
    decode_ok(BYTES(0x62, 0xf1, 0x7c, 0x40, 0x58, 0xc1), 6); /* V' = 0: zmm16 */
    decode_fails(BYTES(0x62, 0xf1, 0x78, 0x48, 0x58, 0xc1), X86DEC_ERR_INVALID); /* MVEX */
    decode_ok(BYTES(0x62, 0xf3, 0x7d, 0x48, 0x1e, 0xc9, 0x05), 7); /* vpcmpud k1, zmm0, zmm1, 5 */
    decode_ok(BYTES(0x8f, 0xe8, 0x78, 0xc0, 0xc0, 0x03), 6);       /* XOP vprotb */
    x86dec_insn_t xop = decode_ok(BYTES(0x8f, 0xea, 0x78, 0x10, 0xc0, 1, 2, 3, 4), 9);
    assert_true(xop.flags & X86DEC_F_AMD_ONLY);
    assert_int_equal(xop.encoding, X86DEC_ENC_XOP);
    decode_ok(BYTES(0x8f, 0xc0), 2); /* pop rax: 8F with map select < 8 is not XOP */
    x86dec_insn_t pfmul = decode_ok(BYTES(0x0f, 0x0f, 0x00, 0xb4), 4);
    assert_int_equal(pfmul.encoding, X86DEC_ENC_3DNOW);
    assert_int_equal(pfmul.opcode, 0xb4);
}

/* ---- operand-level descriptions --------------------------------------------------------- */

static void test_mov_control_and_debug(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0x0f, 0x22, 0xd8), 3); /* mov cr3, rax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV_TO_CR);
    assert_reg(&insn.operands[0], X86DEC_REG_CR0 + 3, 8, W);
    assert_reg(&insn.operands[1], GPR(0), 8, R);
    assert_true(insn.flags & X86DEC_F_PRIVILEGED);
    insn = decode_ok(BYTES(0x44, 0x0f, 0x20, 0xc1), 4); /* mov rcx, cr8 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV_FROM_CR);
    assert_reg(&insn.operands[0], GPR(1), 8, W);
    assert_reg(&insn.operands[1], X86DEC_REG_CR0 + 8, 8, R);
    insn = decode_ok(BYTES(0x0f, 0x20, 0x20), 3); /* mod bits ignored: mov rax, cr4 */
    assert_reg(&insn.operands[1], X86DEC_REG_CR0 + 4, 8, R);
    assert_false(insn.flags & X86DEC_F_MEMORY);
    insn = decode_ok(BYTES(0x41, 0x0f, 0x23, 0xfa), 4); /* mov dr7, r10 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV_TO_DR);
    assert_reg(&insn.operands[0], X86DEC_REG_DR0 + 7, 8, W);
    assert_reg(&insn.operands[1], GPR(10), 8, R);
    insn = decode_ok(BYTES(0x0f, 0x21, 0xf0), 3); /* mov rax, dr6 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV_FROM_DR);
    assert_reg(&insn.operands[1], X86DEC_REG_DR0 + 6, 8, R);
}

static void test_port_io(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0xe4, 0x60), 2); /* in al, 0x60 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_IN);
    assert_reg(&insn.operands[0], GPR(0), 1, W);
    assert_int_equal(insn.operands[1].kind, X86DEC_OPK_IMM);
    assert_int_equal(insn.operands[1].imm, 0x60);
    assert_true(insn.flags & X86DEC_F_IOPL);
    assert_true(insn.flags & X86DEC_F_PRIVILEGED);
    insn = decode_ok(BYTES(0x66, 0xed), 2); /* in ax, dx */
    assert_reg(&insn.operands[0], GPR(0), 2, W);
    assert_reg(&insn.operands[1], GPR(2), 2, R);
    insn = decode_ok(BYTES(0x48, 0xef), 2); /* out dx, eax: no 64-bit port I/O */
    assert_int_equal(insn.mnemonic, X86DEC_MN_OUT);
    assert_reg(&insn.operands[0], GPR(2), 2, R);
    assert_reg(&insn.operands[1], GPR(0), 4, R);
    insn = decode_ok(BYTES(0xe6, 0xf4), 2); /* out 0xf4, al */
    assert_int_equal(insn.operands[0].imm, 0xf4);
    assert_reg(&insn.operands[1], GPR(0), 1, R);
    insn = decode_ok(BYTES(0xf3, 0x6d), 2); /* rep insd */
    assert_int_equal(insn.mnemonic, X86DEC_MN_INS);
    assert_true(insn.flags & X86DEC_F_REP);
    assert_int_equal(insn.operands[0].kind, X86DEC_OPK_MEM);
    assert_int_equal(insn.operands[0].mem.base, GPR(X86DEC_GPR_RDI));
    assert_int_equal(insn.operands[0].mem.segment, X86DEC_REG_ES);
    assert_int_equal(insn.operands[0].size, 4);
    assert_true(insn.flags & X86DEC_F_MEM_WRITE);
    insn = decode_ok(BYTES(0x65, 0x6e), 2); /* outsb with a GS override */
    assert_int_equal(insn.mnemonic, X86DEC_MN_OUTS);
    assert_int_equal(insn.operands[1].mem.base, GPR(X86DEC_GPR_RSI));
    assert_int_equal(insn.operands[1].mem.segment, X86DEC_REG_GS);
    assert_int_equal(insn.operands[1].size, 1);
    assert_true(insn.flags & X86DEC_F_MEM_READ);
}

static void test_system_instructions(void **state)
{
    (void)state;
    struct {
        uint8_t code[4];
        unsigned length;
        unsigned mnemonic;
        uint32_t flags;
    } cases[] = {
            {{0x0f, 0x32}, 2, X86DEC_MN_RDMSR, X86DEC_F_PRIVILEGED},
            {{0x0f, 0x30}, 2, X86DEC_MN_WRMSR, X86DEC_F_PRIVILEGED},
            {{0xfa}, 1, X86DEC_MN_CLI, X86DEC_F_PRIVILEGED | X86DEC_F_IOPL},
            {{0xfb}, 1, X86DEC_MN_STI, X86DEC_F_PRIVILEGED | X86DEC_F_IOPL},
            {{0xf4}, 1, X86DEC_MN_HLT, X86DEC_F_PRIVILEGED},
            {{0x0f, 0x01, 0xf8}, 3, X86DEC_MN_SWAPGS, X86DEC_F_PRIVILEGED},
            {{0x48, 0x0f, 0x07}, 3, X86DEC_MN_SYSRET, X86DEC_F_PRIVILEGED},
            {{0x0f, 0x06}, 2, X86DEC_MN_CLTS, X86DEC_F_PRIVILEGED},
            {{0x0f, 0x09}, 2, X86DEC_MN_WBINVD, X86DEC_F_PRIVILEGED},
            {{0x0f, 0x08}, 2, X86DEC_MN_INVD, X86DEC_F_PRIVILEGED},
            {{0x0f, 0xa2}, 2, X86DEC_MN_CPUID, X86DEC_F_SENSITIVE},
            {{0x0f, 0x31}, 2, X86DEC_MN_RDTSC, X86DEC_F_SENSITIVE},
            {{0x0f, 0x01, 0xf9}, 3, X86DEC_MN_RDTSCP, X86DEC_F_SENSITIVE},
            {{0x0f, 0x01, 0xd1}, 3, X86DEC_MN_XSETBV, X86DEC_F_PRIVILEGED},
            {{0x0f, 0x01, 0xc1}, 3, X86DEC_MN_VMCALL, X86DEC_F_SENSITIVE},
            {{0x0f, 0x01, 0xd9}, 3, X86DEC_MN_VMMCALL, X86DEC_F_SENSITIVE | X86DEC_F_AMD_ONLY},
            {{0xcc}, 1, X86DEC_MN_INT3, 0},
            {{0xf1}, 1, X86DEC_MN_INT1, 0},
            {{0xcf}, 1, X86DEC_MN_IRET, X86DEC_F_SENSITIVE},
            {{0x9c}, 1, X86DEC_MN_PUSHF, X86DEC_F_SENSITIVE},
            {{0x9d}, 1, X86DEC_MN_POPF, X86DEC_F_SENSITIVE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        x86dec_insn_t insn = decode_ok(cases[i].code, cases[i].length, cases[i].length);
        assert_int_equal(insn.mnemonic, cases[i].mnemonic);
        assert_int_equal(insn.flags & (X86DEC_F_PRIVILEGED | X86DEC_F_SENSITIVE | X86DEC_F_IOPL |
                                       X86DEC_F_AMD_ONLY),
                         cases[i].flags);
        assert_true(insn.flags & X86DEC_F_OPERANDS);
        assert_int_equal(insn.operand_count, 0);
    }
    /* INTO is #UD in 64-bit mode. */
    decode_fails(BYTES(0xce), X86DEC_ERR_INVALID);
    x86dec_insn_t insn = decode_ok(BYTES(0xcd, 0x80), 2);
    assert_int_equal(insn.mnemonic, X86DEC_MN_INT);
    assert_int_equal(insn.operands[0].imm, 0x80);
}

static void test_iret_and_flags_sizes(void **state)
{
    (void)state;
    assert_int_equal(decode_ok(BYTES(0x66, 0xcf), 2).operand_size, 2); /* iret */
    assert_int_equal(decode_ok(BYTES(0xcf), 1).operand_size, 4);       /* iretd */
    assert_int_equal(decode_ok(BYTES(0x48, 0xcf), 2).operand_size, 8); /* iretq */
    assert_int_equal(decode_ok(BYTES(0x9c), 1).operand_size, 8);       /* pushfq */
    assert_int_equal(decode_ok(BYTES(0x66, 0x9c), 2).operand_size, 2); /* pushf */
    assert_int_equal(decode_ok(BYTES(0x48, 0x9d), 2).operand_size, 8); /* popfq */
    assert_int_equal(decode_ok(BYTES(0x66, 0x9d), 2).operand_size, 2); /* popf */
}

static void test_descriptor_tables(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0x0f, 0x01, 0x17), 3); /* lgdt [rdi] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LGDT);
    assert_int_equal(insn.operands[0].kind, X86DEC_OPK_MEM);
    assert_int_equal(insn.operands[0].size, 10);
    assert_int_equal(insn.operands[0].access, R);
    assert_int_equal(insn.operands[0].mem.base, GPR(7));
    assert_true(insn.flags & X86DEC_F_PRIVILEGED);
    insn = decode_ok(BYTES(0x0f, 0x01, 0x5d, 0xf0), 4); /* lidt [rbp-16] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LIDT);
    assert_int_equal(insn.operands[0].mem.disp, -16);
    assert_int_equal(insn.operands[0].mem.segment, X86DEC_REG_SS);
    insn = decode_ok(BYTES(0x0f, 0x01, 0x04, 0x24), 4); /* sgdt [rsp] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_SGDT);
    assert_int_equal(insn.operands[0].access, W);
    assert_true(insn.flags & X86DEC_F_SENSITIVE);
    assert_true(insn.flags & X86DEC_F_MEM_WRITE);
    insn = decode_ok(BYTES(0x0f, 0x01, 0x08), 3);
    assert_int_equal(insn.mnemonic, X86DEC_MN_SIDT);
    insn = decode_ok(BYTES(0x0f, 0x00, 0xd8), 3); /* ltr ax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LTR);
    assert_reg(&insn.operands[0], GPR(0), 2, R);
    insn = decode_ok(BYTES(0x0f, 0x00, 0x10), 3); /* lldt [rax] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LLDT);
    assert_int_equal(insn.operands[0].size, 2);
    insn = decode_ok(BYTES(0x48, 0x0f, 0x00, 0xc0), 4); /* sldt rax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_SLDT);
    assert_reg(&insn.operands[0], GPR(0), 8, W);
    insn = decode_ok(BYTES(0x0f, 0x00, 0x08), 3); /* str [rax]: always 16 bits in memory */
    assert_int_equal(insn.mnemonic, X86DEC_MN_STR);
    assert_int_equal(insn.operands[0].size, 2);
    insn = decode_ok(BYTES(0x0f, 0x01, 0xe0), 3); /* smsw eax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_SMSW);
    assert_reg(&insn.operands[0], GPR(0), 4, W);
    insn = decode_ok(BYTES(0x0f, 0x01, 0xf0), 3); /* lmsw ax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LMSW);
    insn = decode_ok(BYTES(0x0f, 0x01, 0x38), 3); /* invlpg [rax]: address only */
    assert_int_equal(insn.mnemonic, X86DEC_MN_INVLPG);
    assert_int_equal(insn.operands[0].access, 0);
    assert_false(insn.flags & (X86DEC_F_MEM_READ | X86DEC_F_MEM_WRITE));
}

static void test_mmio_moves(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0x89, 0x07), 2); /* mov [rdi], eax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV);
    assert_int_equal(insn.operands[0].kind, X86DEC_OPK_MEM);
    assert_int_equal(insn.operands[0].size, 4);
    assert_int_equal(insn.operands[0].access, W);
    assert_reg(&insn.operands[1], GPR(0), 4, R);
    assert_true(insn.flags & X86DEC_F_MEM_WRITE);
    assert_false(insn.flags & X86DEC_F_MEM_READ);
    insn = decode_ok(BYTES(0x8a, 0x67, 0x04), 3); /* mov ah, [rdi+4] */
    assert_reg(&insn.operands[0], X86DEC_REG_AH, 1, W);
    insn = decode_ok(BYTES(0x40, 0x8a, 0x67, 0x04), 4); /* mov spl, [rdi+4] */
    assert_reg(&insn.operands[0], GPR(4), 1, W);
    insn = decode_ok(BYTES(0x66, 0xc7, 0x40, 0x10, 0x34, 0x12), 6); /* mov word [rax+16], imm */
    assert_int_equal(insn.operands[0].size, 2);
    assert_int_equal(insn.operands[1].imm, 0x1234);
    insn = decode_ok(BYTES(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff), 7); /* mov qword, -1 */
    assert_int_equal(insn.operands[1].imm, UINT64_MAX);
    insn = decode_ok(BYTES(0x0f, 0xb6, 0x06), 3); /* movzx eax, byte [rsi] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOVZX);
    assert_int_equal(insn.operands[1].size, 1);
    assert_reg(&insn.operands[0], GPR(0), 4, W);
    insn = decode_ok(BYTES(0x48, 0x0f, 0xbf, 0x06), 4); /* movsx rax, word [rsi] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOVSX);
    assert_int_equal(insn.operands[1].size, 2);
    assert_int_equal(insn.operands[0].size, 8);
    insn = decode_ok(BYTES(0x48, 0x63, 0x06), 3); /* movsxd rax, dword [rsi] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOVSXD);
    assert_int_equal(insn.operands[1].size, 4);
    insn = decode_ok(BYTES(0xf3, 0x48, 0xab), 3); /* rep stosq */
    assert_int_equal(insn.mnemonic, X86DEC_MN_STOS);
    assert_int_equal(insn.operands[0].size, 8);
    assert_int_equal(insn.operands[0].mem.base, GPR(X86DEC_GPR_RDI));
    insn = decode_ok(BYTES(0x67, 0xa4), 2); /* movsb with 32-bit addresses */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOVS);
    assert_int_equal(insn.operands[0].mem.address_size, 4);
    assert_int_equal(insn.operands[1].mem.base, GPR(X86DEC_GPR_RSI));
    assert_true(insn.flags & X86DEC_F_MEM_READ);
    assert_true(insn.flags & X86DEC_F_MEM_WRITE);
    insn = decode_ok(BYTES(0x8e, 0xd8), 2); /* mov ds, ax */
    assert_reg(&insn.operands[0], X86DEC_REG_DS, 2, W);
    insn = decode_ok(BYTES(0x8c, 0x08), 2); /* mov [rax], cs */
    assert_int_equal(insn.operands[0].size, 2);
    assert_reg(&insn.operands[1], X86DEC_REG_CS, 2, R);
}

static void test_classification_of_others(void **state)
{
    (void)state;
    /* LEA and hint NOPs name an address but do not access memory. */
    assert_false(decode_ok(BYTES(0x48, 0x8d, 0x04, 0x24), 4).flags & X86DEC_F_MEMORY);
    assert_false(decode_ok(BYTES(0x0f, 0x1f, 0x44, 0x00, 0x00), 5).flags & X86DEC_F_MEMORY);
    assert_true(decode_ok(BYTES(0x01, 0x00), 2).flags & X86DEC_F_MEMORY);
    x86dec_insn_t add = decode_ok(BYTES(0x01, 0x00), 2);
    assert_int_equal(add.mnemonic, X86DEC_MN_OTHER);
    assert_false(add.flags & X86DEC_F_OPERANDS);
    assert_true(decode_ok(BYTES(0x0f, 0x01, 0xd8), 3).flags & X86DEC_F_PRIVILEGED);  /* vmrun */
    assert_true(decode_ok(BYTES(0x0f, 0x02, 0xc0), 3).flags & X86DEC_F_SENSITIVE);   /* lar */
    assert_true(decode_ok(BYTES(0x0f, 0x33), 2).flags & X86DEC_F_PRIVILEGED);        /* rdpmc */
    assert_int_equal(decode_ok(BYTES(0x0f, 0x05), 2).flags & ~X86DEC_F_OPERANDS, 0); /* syscall */
    assert_true(decode_ok(BYTES(0x8b, 0x05, 0, 0, 0, 0), 6).flags & X86DEC_F_RIP_REL);
}

/* ---- new operand descriptions: segments, far pointers, MSRs, user-mode state ------------ */

static void assert_mem(const x86dec_operand_t *op, x86dec_reg_t base, unsigned size,
                       unsigned access)
{
    assert_int_equal(op->kind, X86DEC_OPK_MEM);
    assert_int_equal(op->mem.base, base);
    assert_int_equal(op->size, size);
    assert_int_equal(op->access, access);
}

static void test_segment_register_operands(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0x8e, 0xd0), 2); /* mov ss, eax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV_TO_SREG);
    assert_reg(&insn.operands[0], X86DEC_REG_SS, 2, W);
    assert_reg(&insn.operands[1], GPR(0), 2, R);
    assert_true(insn.flags & X86DEC_F_SENSITIVE);
    insn = decode_ok(BYTES(0x8c, 0xc8), 2); /* mov eax, cs: reveals the CPL */
    assert_int_equal(insn.mnemonic, X86DEC_MN_MOV_FROM_SREG);
    assert_reg(&insn.operands[0], GPR(0), 4, W);
    assert_reg(&insn.operands[1], X86DEC_REG_CS, 2, R);
    assert_true(insn.flags & X86DEC_F_SENSITIVE);
    insn = decode_ok(BYTES(0x48, 0x8c, 0xd8), 3); /* mov rax, ds: not sensitive */
    assert_reg(&insn.operands[0], GPR(0), 8, W);
    assert_false(insn.flags & X86DEC_F_SENSITIVE);
    insn = decode_ok(BYTES(0x0f, 0xa1), 2); /* pop fs */
    assert_int_equal(insn.mnemonic, X86DEC_MN_POP_SREG);
    assert_int_equal(insn.operand_count, 1);
    assert_reg(&insn.operands[0], X86DEC_REG_FS, 2, W);
    assert_int_equal(insn.operand_size, 8);
    insn = decode_ok(BYTES(0x66, 0x0f, 0xa9), 3); /* pop gs, a 16-bit pop */
    assert_reg(&insn.operands[0], X86DEC_REG_GS, 2, W);
    assert_int_equal(insn.operand_size, 2);
    insn = decode_ok(BYTES(0x0f, 0xb5, 0x10), 3); /* lgs edx, m16:32 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LGS);
    assert_reg(&insn.operands[0], GPR(2), 4, W);
    assert_mem(&insn.operands[1], GPR(0), 6, R);
}

static x86dec_insn_t decode_as(const uint8_t *code, size_t size, x86dec_vendor_t vendor,
                               unsigned length)
{
    const x86dec_options_t options = {.vendor = (uint8_t)vendor};
    x86dec_insn_t insn;
    size_t fast = 0;
    assert_int_equal(x86dec_decode_with(code, size, &options, &insn), X86DEC_OK);
    assert_int_equal(insn.length, length);
    assert_int_equal(x86dec_length_with(code, size, &options, &fast), X86DEC_OK);
    assert_int_equal(fast, length);
    return insn;
}

#define INTEL X86DEC_VENDOR_INTEL
#define AMD   X86DEC_VENDOR_AMD

static void test_far_pointers_by_vendor(void **state)
{
    (void)state;
    /* REX.W: m16:64 on Intel, still m16:32 on AMD. */
    x86dec_insn_t insn = decode_as(BYTES(0x48, 0xff, 0x18), INTEL, 3); /* call far [rax] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_CALL_FAR);
    assert_int_equal(insn.operand_size, 8);
    assert_mem(&insn.operands[0], GPR(0), 10, R);
    insn = decode_as(BYTES(0x48, 0xff, 0x18), AMD, 3);
    assert_int_equal(insn.operand_size, 4);
    assert_mem(&insn.operands[0], GPR(0), 6, R);
    insn = decode_as(BYTES(0x66, 0xff, 0x28), AMD, 3); /* jmp far m16:16 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_JMP_FAR);
    assert_mem(&insn.operands[0], GPR(0), 4, R);
    insn = decode_as(BYTES(0x48, 0x0f, 0xb2, 0x10), INTEL, 4); /* lss rdx, m16:64 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LSS);
    assert_reg(&insn.operands[0], GPR(2), 8, W);
    assert_mem(&insn.operands[1], GPR(0), 10, R);
    insn = decode_as(BYTES(0x48, 0x0f, 0xb2, 0x10), AMD, 4); /* AMD: m16:32 */
    assert_reg(&insn.operands[0], GPR(2), 4, W);
    assert_mem(&insn.operands[1], GPR(0), 6, R);
    insn = decode_as(BYTES(0xca, 0x08, 0x00), AMD, 3); /* retf 8 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_RET_FAR);
    assert_int_equal(insn.operand_count, 1);
    assert_int_equal(insn.operands[0].imm, 8);
    assert_int_equal(insn.operands[0].size, 2);
    insn = decode_as(BYTES(0x48, 0xcb), AMD, 2); /* retfq: REX.W counts on both */
    assert_int_equal(insn.operand_size, 8);
    assert_int_equal(insn.operand_count, 0);
}

static void test_near_branches_by_vendor(void **state)
{
    (void)state;
    /* 66 E8: Intel ignores 66 (rel32, 64-bit); AMD takes a rel16 and a 16-bit operand size. */
    x86dec_insn_t insn = decode_as(BYTES(0x66, 0xe8, 0x10, 0x00, 0x00, 0x00), INTEL, 6);
    assert_int_equal(insn.imm_size, 4);
    assert_int_equal(insn.operand_size, 8);
    insn = decode_as(BYTES(0x66, 0xe8, 0x10, 0x00, 0x00, 0x00), AMD, 4);
    assert_int_equal(insn.imm_size, 2);
    assert_int_equal(insn.imm, 0x10);
    assert_int_equal(insn.operand_size, 2);
    decode_as(BYTES(0x66, 0x0f, 0x85, 0xfe, 0xff), AMD, 5); /* jne rel16 */
    /* REX.W takes precedence over 66 on AMD too. */
    assert_int_equal(decode_as(BYTES(0x66, 0x48, 0xe9, 1, 2, 3, 4), AMD, 7).operand_size, 8);
    /* No length change, but the operand size: ret, call rax, jmp rel8. */
    assert_int_equal(decode_as(BYTES(0x66, 0xc3), AMD, 2).operand_size, 2);
    assert_int_equal(decode_as(BYTES(0x66, 0xc3), INTEL, 2).operand_size, 8);
    assert_int_equal(decode_as(BYTES(0x66, 0xff, 0xd0), AMD, 3).operand_size, 2);
    assert_int_equal(decode_as(BYTES(0x66, 0xeb, 0x10), AMD, 3).operand_size, 2);
    /* A rel16 cut short is truncated, not invalid. */
    const x86dec_options_t amd = {.vendor = AMD};
    x86dec_insn_t cut;
    assert_int_equal(x86dec_decode_with(BYTES(0x66, 0xe8, 0x10), &amd, &cut), X86DEC_ERR_TRUNCATED);
}

static void test_mpx_space_and_ud0_by_option(void **state)
{
    (void)state;
    const x86dec_options_t no_mpx = {.flags = X86DEC_OPT_NO_MPX};
    const x86dec_options_t short_ud0 = {.flags = X86DEC_OPT_UD0_SHORT};
    x86dec_insn_t insn;
    /* bndmk bnd4: #UD with MPX, a hint NOP without (no memory access, 66 a size prefix). */
    decode_fails(BYTES(0xf3, 0x0f, 0x1b, 0x20), X86DEC_ERR_INVALID);
    assert_int_equal(x86dec_decode_with(BYTES(0xf3, 0x0f, 0x1b, 0x20), &no_mpx, &insn), X86DEC_OK);
    assert_int_equal(insn.length, 4);
    assert_false(insn.flags & X86DEC_F_MEMORY);
    assert_true(insn.flags & X86DEC_F_REP);
    assert_int_equal(x86dec_decode_with(BYTES(0x66, 0x0f, 0x1a, 0x00), &no_mpx, &insn), X86DEC_OK);
    assert_int_equal(insn.operand_size, 2);
    assert_false(insn.flags & X86DEC_F_MEMORY);
    /* bndmov bnd0, [rax] reads memory with MPX. */
    assert_true(decode_ok(BYTES(0x66, 0x0f, 0x1a, 0x00), 4).flags & X86DEC_F_MEMORY);
    /* UD0: ModRM and its operands on Intel; two bytes with the option and on AMD. */
    insn = decode_ok(BYTES(0x0f, 0xff, 0x48, 0x10), 4);
    assert_int_equal(insn.mnemonic, X86DEC_MN_UD0);
    assert_int_equal(insn.operand_count, 2);
    assert_reg(&insn.operands[0], GPR(1), 4, R);
    decode_fails(BYTES(0x0f, 0xff), X86DEC_ERR_TRUNCATED);
    assert_int_equal(x86dec_decode_with(BYTES(0x0f, 0xff), &short_ud0, &insn), X86DEC_OK);
    assert_int_equal(insn.length, 2);
    assert_int_equal(insn.mnemonic, X86DEC_MN_UD0);
    assert_int_equal(insn.operand_count, 0);
    assert_int_equal(decode_as(BYTES(0x0f, 0xff, 0x48, 0x10), AMD, 2).mnemonic, X86DEC_MN_UD0);
}

static void test_options_checked(void **state)
{
    (void)state;
    const uint8_t code[] = {0x66, 0xe8, 0x10, 0x00, 0x00, 0x00};
    const x86dec_options_t bad_vendor = {.vendor = 7};
    const x86dec_options_t bad_flag = {.flags = 0x80};
    const x86dec_options_t intel = {.vendor = X86DEC_VENDOR_INTEL};
    x86dec_insn_t a, b;
    size_t length = 99;
    assert_int_equal(x86dec_decode_with(code, sizeof(code), &bad_vendor, &a), X86DEC_ERR_ARGUMENT);
    assert_int_equal(a.length, 0);
    assert_int_equal(x86dec_decode_with(code, sizeof(code), &bad_flag, &a), X86DEC_ERR_ARGUMENT);
    assert_int_equal(x86dec_length_with(code, sizeof(code), &bad_vendor, &length),
                     X86DEC_ERR_ARGUMENT);
    assert_int_equal(length, 0);
    /* NULL options, zeroed options and the plain call are the same decoder. */
    assert_int_equal(x86dec_decode_with(code, sizeof(code), NULL, &a), X86DEC_OK);
    assert_int_equal(x86dec_decode_with(code, sizeof(code), &intel, &b), X86DEC_OK);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(x86dec_decode(code, sizeof(code), &b), X86DEC_OK);
    assert_memory_equal(&a, &b, sizeof(a));
}

static void test_msr_instructions(void **state)
{
    (void)state;
    /* rdmsr r9, 0x7b: VEX map 7, VEX.B extends ModRM.rm. */
    x86dec_insn_t insn = decode_ok(BYTES(0xc4, 0xc7, 0x7b, 0xf6, 0xc1, 0x7b, 0, 0, 0), 9);
    assert_int_equal(insn.mnemonic, X86DEC_MN_RDMSR_IMM);
    assert_int_equal(insn.encoding, X86DEC_ENC_VEX);
    assert_int_equal(insn.map, X86DEC_MAP_VEX7);
    assert_int_equal(insn.flags & (X86DEC_F_PRIVILEGED | X86DEC_F_SENSITIVE), X86DEC_F_PRIVILEGED);
    assert_reg(&insn.operands[0], GPR(9), 8, W);
    assert_int_equal(insn.operands[1].kind, X86DEC_OPK_IMM);
    assert_int_equal(insn.operands[1].imm, 0x7b);
    assert_int_equal(insn.operands[1].size, 4);
    /* cs wrmsrns 0x80000000, rax: the MSR index is not sign-extended. */
    insn = decode_ok(BYTES(0x2e, 0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0, 0, 0, 0x80), 10);
    assert_int_equal(insn.mnemonic, X86DEC_MN_WRMSRNS_IMM);
    assert_int_equal(insn.operands[0].imm, 0x80000000u);
    assert_reg(&insn.operands[1], GPR(0), 8, R);
    decode_fails(BYTES(0x66, 0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID);
    decode_fails(BYTES(0xc4, 0x67, 0x7a, 0xf6, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID); /* VEX.R */
    decode_fails(BYTES(0xc4, 0xe7, 0x79, 0xf6, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID); /* pp 66 */
    decode_fails(BYTES(0xc4, 0xe7, 0x7e, 0xf6, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID); /* L1 */
    decode_fails(BYTES(0xc4, 0xe7, 0x72, 0xf6, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID); /* vvvv */
    decode_fails(BYTES(0xc4, 0xe7, 0x7a, 0xf7, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID);
    decode_fails(BYTES(0xc4, 0xe6, 0x7a, 0xf6, 0xc0, 0, 0, 0, 0), X86DEC_ERR_INVALID); /* map 6 */
    insn = decode_ok(BYTES(0x0f, 0x01, 0xc6), 3);
    assert_int_equal(insn.mnemonic, X86DEC_MN_WRMSRNS);
    assert_int_equal(insn.operand_count, 0);
    assert_int_equal(decode_ok(BYTES(0xf2, 0x0f, 0x01, 0xc6), 4).mnemonic, X86DEC_MN_RDMSRLIST);
    assert_int_equal(decode_ok(BYTES(0xf3, 0x0f, 0x01, 0xc6), 4).mnemonic, X86DEC_MN_WRMSRLIST);
    /* lkgs [rax]: LLDT's operand form. */
    insn = decode_ok(BYTES(0xf2, 0x0f, 0x00, 0x30), 4);
    assert_int_equal(insn.mnemonic, X86DEC_MN_LKGS);
    assert_mem(&insn.operands[0], GPR(0), 2, R);
    assert_true(insn.flags & X86DEC_F_PRIVILEGED);
    assert_false(insn.flags & X86DEC_F_REPNE); /* F2 selected the instruction */
    assert_int_equal(decode_ok(BYTES(0xf3, 0x0f, 0x01, 0xca), 4).mnemonic, X86DEC_MN_ERETU);
    assert_int_equal(decode_ok(BYTES(0xf2, 0x0f, 0x01, 0xca), 4).mnemonic, X86DEC_MN_ERETS);
}

static void test_user_state_operands(void **state)
{
    (void)state;
    x86dec_insn_t insn = decode_ok(BYTES(0x66, 0xf3, 0x0f, 0xc7, 0xf8), 5); /* rdpid rax */
    assert_int_equal(insn.mnemonic, X86DEC_MN_RDPID);
    assert_reg(&insn.operands[0], GPR(0), 8, W);
    insn = decode_ok(BYTES(0xf3, 0x0f, 0xae, 0xc1), 4); /* rdfsbase ecx */
    assert_int_equal(insn.mnemonic, X86DEC_MN_RDFSBASE);
    assert_reg(&insn.operands[0], GPR(1), 4, W);
    insn = decode_ok(BYTES(0xf3, 0x49, 0x0f, 0xae, 0xdf), 5); /* wrgsbase r15 */
    assert_int_equal(insn.mnemonic, X86DEC_MN_WRGSBASE);
    assert_reg(&insn.operands[0], GPR(15), 8, R);
    insn = decode_ok(BYTES(0x48, 0x0f, 0x02, 0xc1), 4); /* lar rax, ecx */
    assert_int_equal(insn.mnemonic, X86DEC_MN_LAR);
    assert_reg(&insn.operands[0], GPR(0), 8, W);
    assert_reg(&insn.operands[1], GPR(1), 4, R);
    insn = decode_ok(BYTES(0x66, 0x0f, 0x03, 0x01), 4); /* lsl ax, [rcx] */
    assert_reg(&insn.operands[0], GPR(0), 2, W);
    assert_mem(&insn.operands[1], GPR(1), 2, R);
    insn = decode_ok(BYTES(0x0f, 0x00, 0x20), 3); /* verr [rax] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_VERR);
    assert_mem(&insn.operands[0], GPR(0), 2, R);
    insn = decode_ok(BYTES(0x66, 0x0f, 0x38, 0x82, 0x0a), 5); /* invpcid rcx, [rdx] */
    assert_int_equal(insn.mnemonic, X86DEC_MN_INVPCID);
    assert_reg(&insn.operands[0], GPR(1), 8, R);
    assert_mem(&insn.operands[1], GPR(2), 16, R);
    insn = decode_ok(BYTES(0x66, 0x0f, 0xae, 0xf1), 4); /* tpause ecx */
    assert_int_equal(insn.mnemonic, X86DEC_MN_TPAUSE);
    assert_reg(&insn.operands[0], GPR(1), 4, R);
    insn = decode_ok(BYTES(0x67, 0xf3, 0x0f, 0xae, 0xf1), 5); /* umonitor ecx */
    assert_int_equal(insn.mnemonic, X86DEC_MN_UMONITOR);
    assert_reg(&insn.operands[0], GPR(1), 4, R);
    assert_false(insn.flags & X86DEC_F_SENSITIVE);
    insn = decode_ok(BYTES(0x0f, 0x01, 0xd0), 3); /* xgetbv */
    assert_int_equal(insn.mnemonic, X86DEC_MN_XGETBV);
    assert_true(insn.flags & X86DEC_F_SENSITIVE);
    assert_int_equal(insn.operand_count, 0);
}

/* ---- effective addresses ---------------------------------------------------------------- */

static x86dec_regs_t regs_make(void)
{
    x86dec_regs_t regs;
    memset(&regs, 0, sizeof(regs));
    for (unsigned i = 0; i < 16; i++)
        regs.gpr[i] = 0x1000ull * (i + 1);
    regs.rip = 0xffffffff81000000ull;
    regs.fs_base = 0x7f0000000000ull;
    regs.gs_base = 0xffff888000000000ull;
    return regs;
}

static uint64_t address_of(const uint8_t *code, size_t size, unsigned operand)
{
    x86dec_insn_t insn;
    assert_int_equal(x86dec_decode(code, size, &insn), X86DEC_OK);
    x86dec_regs_t regs = regs_make();
    uint64_t address = 0;
    assert_int_equal(x86dec_effective_address(&insn, operand, &regs, &address), X86DEC_OK);
    return address;
}

static void test_effective_address(void **state)
{
    (void)state;
    /* mov [rbx + rcx*4 + 0x10], eax: 0x4000 + 0x2000*4 + 0x10 */
    assert_int_equal(address_of(BYTES(0x89, 0x44, 0x8b, 0x10), 0), 0xc010);
    /* mov eax, [r12 + r13*8 - 8] */
    assert_int_equal(address_of(BYTES(0x43, 0x8b, 0x44, 0xec, 0xf8), 1), 0xd000 + 0xe000 * 8 - 8);
    /* mov eax, [rip + 0x100]: relative to the next instruction (6 bytes) */
    assert_int_equal(address_of(BYTES(0x8b, 0x05, 0x00, 0x01, 0x00, 0x00), 1),
                     0xffffffff81000000ull + 6 + 0x100);
    /* 32-bit addressing wraps: [eax - 0x2000] with eax = 0x1000 */
    assert_int_equal(address_of(BYTES(0x67, 0x8b, 0x80, 0x00, 0xe0, 0xff, 0xff), 1), 0xfffff000ull);
    /* gs: adds the GS base, [0x28] absolute via SIB without base */
    assert_int_equal(address_of(BYTES(0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0), 1),
                     0xffff888000000028ull);
    /* fs: rep movsb reads fs:[rsi], writes es:[rdi] (ES base 0 in 64-bit mode) */
    assert_int_equal(address_of(BYTES(0x64, 0xa4), 1), 0x7f0000000000ull + 0x7000);
    assert_int_equal(address_of(BYTES(0x64, 0xa4), 0), 0x8000);
    /* moffs */
    assert_int_equal(address_of(BYTES(0xa2, 8, 7, 6, 5, 4, 3, 2, 1), 0), 0x0102030405060708ull);
    /* no SIB index when index = 100b without REX.X: [rsp] */
    assert_int_equal(address_of(BYTES(0x89, 0x04, 0x24), 0), 0x5000);
    /* REX.X makes index 100b mean r12 */
    assert_int_equal(address_of(BYTES(0x42, 0x89, 0x04, 0x24), 0), 0x5000 + 0xd000);
    /* SIB base 101 under mod 00 has no base, REX.B or not, also with 32-bit addresses:
     * [disp32] and [r9*4 + disp32] (not r13d, as Zydis 4.0 has it). */
    x86dec_insn_t r13;
    assert_int_equal(
            x86dec_decode(BYTES(0x67, 0x41, 0x8b, 0x04, 0x25, 0x00, 0xf0, 0xff, 0xff), &r13),
            X86DEC_OK);
    assert_int_equal(r13.length, 9);
    assert_int_equal(r13.operands[1].mem.base, X86DEC_REG_NONE);
    assert_int_equal(r13.operands[1].mem.index, X86DEC_REG_NONE);
    assert_int_equal(address_of(BYTES(0x67, 0x41, 0x8b, 0x04, 0x25, 0x00, 0xf0, 0xff, 0xff), 1),
                     0xfffff000ull);
    assert_int_equal(address_of(BYTES(0x67, 0x43, 0x8b, 0x04, 0x8d, 0x10, 0, 0, 0), 1),
                     0xa000 * 4 + 0x10);

    x86dec_insn_t insn;
    x86dec_regs_t regs = regs_make();
    uint64_t address;
    assert_int_equal(x86dec_decode(BYTES(0x89, 0xc0), &insn), X86DEC_OK);
    assert_int_equal(x86dec_effective_address(&insn, 0, &regs, &address), X86DEC_ERR_NOT_MEMORY);
    assert_int_equal(x86dec_effective_address(&insn, 2, &regs, &address), X86DEC_ERR_ARGUMENT);
    assert_int_equal(x86dec_effective_address(&insn, 0, NULL, &address), X86DEC_ERR_ARGUMENT);
}

static void test_mnemonic_names(void **state)
{
    (void)state;
    assert_string_equal(x86dec_mnemonic_name(X86DEC_MN_MOV_TO_CR), "MOV_TO_CR");
    assert_string_equal(x86dec_mnemonic_name(X86DEC_MN_COUNT + 5), "OTHER");
    /* Every class has its own name (a missing one would fall back to "OTHER"). */
    for (unsigned i = 0; i < X86DEC_MN_COUNT; i++)
        for (unsigned j = 0; j < i; j++)
            assert_string_not_equal(x86dec_mnemonic_name(i), x86dec_mnemonic_name(j));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fifteen_byte_limit),
            cmocka_unit_test(test_truncated),
            cmocka_unit_test(test_rex_must_be_last),
            cmocka_unit_test(test_operand_size_rules),
            cmocka_unit_test(test_modrm_sib_displacement),
            cmocka_unit_test(test_moffs_follows_address_size),
            cmocka_unit_test(test_lock_prefix),
            cmocka_unit_test(test_mandatory_prefixes),
            cmocka_unit_test(test_invalid_in_64bit_mode),
            cmocka_unit_test(test_vector_encodings),
            cmocka_unit_test(test_mov_control_and_debug),
            cmocka_unit_test(test_port_io),
            cmocka_unit_test(test_system_instructions),
            cmocka_unit_test(test_iret_and_flags_sizes),
            cmocka_unit_test(test_descriptor_tables),
            cmocka_unit_test(test_mmio_moves),
            cmocka_unit_test(test_classification_of_others),
            cmocka_unit_test(test_segment_register_operands),
            cmocka_unit_test(test_far_pointers_by_vendor),
            cmocka_unit_test(test_near_branches_by_vendor),
            cmocka_unit_test(test_mpx_space_and_ud0_by_option),
            cmocka_unit_test(test_options_checked),
            cmocka_unit_test(test_msr_instructions),
            cmocka_unit_test(test_user_state_operands),
            cmocka_unit_test(test_effective_address),
            cmocka_unit_test(test_mnemonic_names),
    };
    return cmocka_run_group_tests_name("x86dec", tests, NULL, NULL);
}
