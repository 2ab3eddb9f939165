/*
 * x86dec: a table-driven x86-64 instruction decoder (64-bit mode only) shared by the VMM and
 * host tools. Freestanding: no libc, no heap, no mutable global state; every call is reentrant.
 *
 * Two entry points: x86dec_length() finds where an instruction ends and whether it is valid;
 * x86dec_decode() also classifies it and, for the instructions a VMM emulates or patches (see
 * x86dec_mnemonic_t), describes its operands. x86dec_effective_address() turns a decoded memory
 * operand and a register file into the address the instruction touches. Where CPU vendors decode
 * the same bytes differently, the *_with() variants take the vendor (x86dec_options_t); the
 * plain calls decode as Intel does.
 */
#ifndef X86DEC_X86DEC_H
#define X86DEC_X86DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The architectural limit: longer byte sequences raise #GP, so they are never an instruction. */
#define X86DEC_MAX_LENGTH 15

typedef enum {
    X86DEC_OK = 0,
    X86DEC_ERR_TRUNCATED,  /* the buffer ends before the instruction does */
    X86DEC_ERR_TOO_LONG,   /* the instruction would exceed X86DEC_MAX_LENGTH bytes */
    X86DEC_ERR_INVALID,    /* undefined opcode or an encoding that raises #UD */
    X86DEC_ERR_NOT_MEMORY, /* x86dec_effective_address(): the operand is not a memory operand */
    X86DEC_ERR_ARGUMENT,   /* a NULL pointer or an out-of-range operand index */
} x86dec_status_t;

typedef enum {
    X86DEC_ENC_LEGACY = 0, /* optional legacy prefixes and REX, then an opcode map escape */
    X86DEC_ENC_3DNOW,      /* 0F 0F modrm ... suffix: AMD only */
    X86DEC_ENC_VEX,        /* C4/C5 */
    X86DEC_ENC_EVEX,       /* 62 */
    X86DEC_ENC_XOP,        /* 8F with map select >= 8: AMD only */
} x86dec_encoding_t;

typedef enum {
    X86DEC_MAP_PRIMARY = 0, /* one-byte opcodes */
    X86DEC_MAP_0F,
    X86DEC_MAP_0F38,
    X86DEC_MAP_0F3A,
    X86DEC_MAP_3DNOW, /* opcode is the suffix byte */
    X86DEC_MAP_EVEX5, /* EVEX map 5 (AVX512-FP16) */
    X86DEC_MAP_EVEX6, /* EVEX map 6 (AVX512-FP16) */
    X86DEC_MAP_XOP8,
    X86DEC_MAP_XOP9,
    X86DEC_MAP_XOPA,
    X86DEC_MAP_VEX7, /* VEX map 7: the immediate forms of RDMSR and WRMSRNS */
} x86dec_map_t;

/* Instructions that get an operand-level description: everything a VMM emulates, patches or
 * routes. Everything else is X86DEC_MN_OTHER. */
typedef enum {
    X86DEC_MN_OTHER = 0,
    X86DEC_MN_MOV,    /* 88-8B, A0-A3, B0-BF, C6 /0, C7 /0 */
    X86DEC_MN_MOVZX,  /* 0F B6, 0F B7 */
    X86DEC_MN_MOVSX,  /* 0F BE, 0F BF */
    X86DEC_MN_MOVSXD, /* 63 */
    X86DEC_MN_MOVS,   /* A4, A5 */
    X86DEC_MN_STOS,   /* AA, AB */
    X86DEC_MN_MOV_FROM_CR,
    X86DEC_MN_MOV_TO_CR,
    X86DEC_MN_MOV_FROM_DR,
    X86DEC_MN_MOV_TO_DR,
    X86DEC_MN_IN,   /* E4, E5, EC, ED */
    X86DEC_MN_OUT,  /* E6, E7, EE, EF */
    X86DEC_MN_INS,  /* 6C, 6D */
    X86DEC_MN_OUTS, /* 6E, 6F */
    X86DEC_MN_RDMSR,
    X86DEC_MN_WRMSR,
    X86DEC_MN_CLI,
    X86DEC_MN_STI,
    X86DEC_MN_HLT,
    X86DEC_MN_INVLPG,
    X86DEC_MN_LGDT,
    X86DEC_MN_LIDT,
    X86DEC_MN_LTR,
    X86DEC_MN_LLDT,
    X86DEC_MN_SGDT,
    X86DEC_MN_SIDT,
    X86DEC_MN_SLDT,
    X86DEC_MN_STR,
    X86DEC_MN_SMSW,
    X86DEC_MN_LMSW,
    X86DEC_MN_CLTS,
    X86DEC_MN_SWAPGS,
    X86DEC_MN_SYSRET,
    X86DEC_MN_IRET, /* IRET, IRETD, IRETQ: operand_size says which */
    X86DEC_MN_PUSHF,
    X86DEC_MN_POPF,
    X86DEC_MN_CPUID,
    X86DEC_MN_RDTSC,
    X86DEC_MN_RDTSCP,
    X86DEC_MN_XSETBV,
    X86DEC_MN_VMCALL,
    X86DEC_MN_VMMCALL,
    X86DEC_MN_INT,
    X86DEC_MN_INT3,
    X86DEC_MN_INTO,
    X86DEC_MN_INT1,
    X86DEC_MN_WBINVD,
    X86DEC_MN_INVD,
    /* Segment registers and far control transfers (operand_size: 2, 4 or 8). */
    X86DEC_MN_MOV_FROM_SREG, /* 8C */
    X86DEC_MN_MOV_TO_SREG,   /* 8E */
    X86DEC_MN_POP_SREG,      /* 0F A1 (FS), 0F A9 (GS) */
    X86DEC_MN_LSS,           /* 0F B2 */
    X86DEC_MN_LFS,           /* 0F B4 */
    X86DEC_MN_LGS,           /* 0F B5 */
    X86DEC_MN_CALL_FAR,      /* FF /3 */
    X86DEC_MN_JMP_FAR,       /* FF /5 */
    X86DEC_MN_RET_FAR,       /* CA, CB */
    X86DEC_MN_SYSCALL,
    X86DEC_MN_SYSENTER,
    X86DEC_MN_SYSEXIT,
    /* State a user-mode instruction reads or writes. */
    X86DEC_MN_RDPID,
    X86DEC_MN_RDPKRU,
    X86DEC_MN_WRPKRU,
    X86DEC_MN_XGETBV,
    X86DEC_MN_RDFSBASE,
    X86DEC_MN_RDGSBASE,
    X86DEC_MN_WRFSBASE,
    X86DEC_MN_WRGSBASE,
    X86DEC_MN_RDPMC,
    X86DEC_MN_LAR,
    X86DEC_MN_LSL,
    X86DEC_MN_VERR,
    X86DEC_MN_VERW,
    X86DEC_MN_TPAUSE,
    X86DEC_MN_UMONITOR,
    X86DEC_MN_UMWAIT,
    /* Supervisor instructions. */
    X86DEC_MN_MONITOR,
    X86DEC_MN_MWAIT,
    X86DEC_MN_CLAC,
    X86DEC_MN_STAC,
    X86DEC_MN_INVPCID,
    X86DEC_MN_WBNOINVD,    /* F3 0F 09 (WBINVD on CPUs without it) */
    X86DEC_MN_WRMSRNS,     /* 0F 01 C6 */
    X86DEC_MN_RDMSRLIST,   /* F2 0F 01 C6 */
    X86DEC_MN_WRMSRLIST,   /* F3 0F 01 C6 */
    X86DEC_MN_RDMSR_IMM,   /* VEX.128.F2.M7.W0 F6 /0 id: RDMSR r64, imm32 */
    X86DEC_MN_WRMSRNS_IMM, /* VEX.128.F3.M7.W0 F6 /0 id: WRMSRNS imm32, r64 */
    X86DEC_MN_LKGS,        /* F2 0F 00 /6 */
    X86DEC_MN_ERETS,       /* F2 0F 01 CA */
    X86DEC_MN_ERETU,       /* F3 0F 01 CA */
    /* Deliberate traps. */
    X86DEC_MN_UD0, /* 0F FF: with ModRM (Intel), without (AMD, X86DEC_OPT_UD0_SHORT) */
    X86DEC_MN_UD1, /* 0F B9 /r */
    X86DEC_MN_UD2, /* 0F 0B */
    X86DEC_MN_COUNT
} x86dec_mnemonic_t;

/* Registers named in operand descriptions. GPRs are numbered as in the encoding (RAX=0 ... R15=15);
 * an operand's size says which part (AL, AX, EAX or RAX) is meant. */
typedef enum {
    X86DEC_REG_NONE = 0,
    X86DEC_REG_GPR0 = 1,                  /* RAX .. R15 = GPR0 + 0 .. 15 */
    X86DEC_REG_AH = X86DEC_REG_GPR0 + 16, /* AH, CH, DH, BH: byte registers 4-7 without REX */
    X86DEC_REG_CH,
    X86DEC_REG_DH,
    X86DEC_REG_BH,
    X86DEC_REG_ES, /* segment registers in encoding order: ES CS SS DS FS GS */
    X86DEC_REG_CS,
    X86DEC_REG_SS,
    X86DEC_REG_DS,
    X86DEC_REG_FS,
    X86DEC_REG_GS,
    X86DEC_REG_CR0,                       /* CR0 .. CR15 */
    X86DEC_REG_DR0 = X86DEC_REG_CR0 + 16, /* DR0 .. DR15 */
    X86DEC_REG_RIP = X86DEC_REG_DR0 + 16,
} x86dec_reg_t;

#define X86DEC_GPR_RAX 0
#define X86DEC_GPR_RCX 1
#define X86DEC_GPR_RDX 2
#define X86DEC_GPR_RBX 3
#define X86DEC_GPR_RSP 4
#define X86DEC_GPR_RBP 5
#define X86DEC_GPR_RSI 6
#define X86DEC_GPR_RDI 7

static inline x86dec_reg_t x86dec_reg_gpr(unsigned number)
{
    return (x86dec_reg_t)(X86DEC_REG_GPR0 + (number & 15));
}

static inline bool x86dec_reg_is_gpr(x86dec_reg_t reg)
{
    return reg >= X86DEC_REG_GPR0 && reg < X86DEC_REG_GPR0 + 16;
}

/* The encoding number of a GPR, segment, control or debug register (AH..BH give 4..7). */
static inline unsigned x86dec_reg_number(x86dec_reg_t reg)
{
    if (reg >= X86DEC_REG_DR0 && reg < X86DEC_REG_DR0 + 16)
        return reg - X86DEC_REG_DR0;
    if (reg >= X86DEC_REG_CR0 && reg < X86DEC_REG_CR0 + 16)
        return reg - X86DEC_REG_CR0;
    if (reg >= X86DEC_REG_ES && reg <= X86DEC_REG_GS)
        return reg - X86DEC_REG_ES;
    if (reg >= X86DEC_REG_AH && reg <= X86DEC_REG_BH)
        return reg - X86DEC_REG_AH + 4;
    return (reg - X86DEC_REG_GPR0) & 15;
}

/* Instruction flags (x86dec_insn_t.flags). */
#define X86DEC_F_PRIVILEGED (1u << 0)  /* faults at CPL 3 (IOPL-sensitive ones with IOPL < 3) */
#define X86DEC_F_SENSITIVE  (1u << 1)  /* runs at CPL 3 but reveals or changes virtualised state */
#define X86DEC_F_MEMORY     (1u << 2)  /* has an explicit memory operand that is accessed */
#define X86DEC_F_MEM_READ   (1u << 3)  /* reads memory (only with X86DEC_F_OPERANDS) */
#define X86DEC_F_MEM_WRITE  (1u << 4)  /* writes memory (only with X86DEC_F_OPERANDS) */
#define X86DEC_F_OPERANDS   (1u << 5)  /* operands[] describes every operand */
#define X86DEC_F_IOPL       (1u << 6)  /* privilege depends on IOPL: IN/OUT/INS/OUTS/CLI/STI */
#define X86DEC_F_AMD_ONLY   (1u << 7)  /* XOP, 3DNow! and AMD-only opcodes (SVM, ...) */
#define X86DEC_F_LOCK       (1u << 8)  /* LOCK prefix present */
#define X86DEC_F_REP        (1u << 9)  /* F3 present and not consumed as a mandatory prefix */
#define X86DEC_F_REPNE      (1u << 10) /* F2 present and not consumed as a mandatory prefix */
#define X86DEC_F_RIP_REL    (1u << 11) /* the ModRM memory operand is RIP-relative */

typedef enum {
    X86DEC_OPK_NONE = 0,
    X86DEC_OPK_REG,
    X86DEC_OPK_MEM,
    X86DEC_OPK_IMM,
} x86dec_operand_kind_t;

#define X86DEC_ACCESS_READ  1u
#define X86DEC_ACCESS_WRITE 2u

typedef struct {
    x86dec_reg_t base;    /* NONE when absent; X86DEC_REG_RIP for RIP-relative */
    x86dec_reg_t index;   /* NONE when absent */
    uint8_t scale;        /* 1, 2, 4 or 8 */
    x86dec_reg_t segment; /* effective segment (override or default) */
    uint8_t address_size; /* 4 or 8 bytes: the effective address wraps at this width */
    bool rip_relative;
    int64_t disp; /* sign-extended; for moffs the full offset */
} x86dec_mem_t;

typedef struct {
    uint8_t kind; /* x86dec_operand_kind_t */
    uint8_t size; /* bytes accessed; for LGDT/SGDT-style operands the full 10-byte pseudo-descriptor */
    uint8_t access; /* X86DEC_ACCESS_* */
    x86dec_reg_t reg;
    x86dec_mem_t mem;
    uint64_t imm; /* sign- or zero-extended as the instruction uses it */
} x86dec_operand_t;

#define X86DEC_MAX_OPERANDS 3

typedef struct {
    uint8_t length;
    uint8_t encoding; /* x86dec_encoding_t */
    uint8_t map;      /* x86dec_map_t */
    uint8_t opcode;
    uint8_t operand_size; /* bytes: 1, 2, 4 or 8 */
    uint8_t address_size; /* bytes: 4 or 8 */
    uint8_t rex;          /* the effective REX byte, 0 if none */
    uint8_t segment;      /* X86DEC_REG_FS/GS of the last FS/GS override, else NONE (64-bit
                           * mode ignores ES/CS/SS/DS overrides, so they are not recorded) */
    bool has_modrm;
    uint8_t modrm;
    bool has_sib;
    uint8_t sib;
    uint8_t disp_size; /* bytes of displacement (or moffs) in the encoding */
    uint8_t imm_size;  /* bytes of the first immediate */
    uint8_t imm2_size; /* bytes of the second immediate (ENTER, EXTRQ, INSERTQ) */
    uint16_t mnemonic; /* x86dec_mnemonic_t */
    uint32_t flags;    /* X86DEC_F_* */
    int64_t disp;      /* sign-extended displacement */
    uint64_t imm;      /* first immediate, sign-extended from imm_size */
    uint64_t imm2;
    uint8_t operand_count;
    x86dec_operand_t operands[X86DEC_MAX_OPERANDS];
} x86dec_insn_t;

/* Register file for x86dec_effective_address(). */
typedef struct {
    uint64_t gpr[16]; /* RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8 .. R15 */
    uint64_t rip;     /* address of the decoded instruction's first byte */
    uint64_t fs_base;
    uint64_t gs_base;
} x86dec_regs_t;

/* Length of the instruction at code[0 .. size). On success *length is 1..15. */
x86dec_status_t x86dec_length(const uint8_t *code, size_t size, size_t *length);

/* Full decode. On failure *insn is all zero (so insn->length is 0). */
x86dec_status_t x86dec_decode(const uint8_t *code, size_t size, x86dec_insn_t *insn);

/*
 * Where CPUs differ. The plain calls above decode as Intel does (X86DEC_VENDOR_INTEL, no flags);
 * the *_with() calls take the vendor and quirks (options == NULL means the same default):
 *   AMD: 66 on a near branch (E8, E9, EB, 0F 8x, 7x, E0-E3, C2, C3, FF /2, FF /4) selects a
 *        16-bit operand size, so E8/E9/0F 8x take a rel16 (Intel ignores 66 there); REX.W does
 *        not widen far pointers (FF /3, FF /5, LSS, LFS, LGS read m16:32); and both quirks below.
 *   X86DEC_OPT_NO_MPX: 0F 1A and 0F 1B are hint NOPs in every form (CPUs without MPX: AMD and
 *        Intel since Ice Lake). Without it they decode as MPX, with MPX's #UD cases.
 *   X86DEC_OPT_UD0_SHORT: UD0 (0F FF) has no ModRM byte (AMD and some older Intel CPUs).
 */
typedef enum {
    X86DEC_VENDOR_INTEL = 0,
    X86DEC_VENDOR_AMD,
} x86dec_vendor_t;

#define X86DEC_OPT_NO_MPX    (1u << 0)
#define X86DEC_OPT_UD0_SHORT (1u << 1)

typedef struct {
    uint8_t vendor; /* x86dec_vendor_t */
    uint8_t flags;  /* X86DEC_OPT_* */
} x86dec_options_t;

x86dec_status_t x86dec_length_with(const uint8_t *code, size_t size,
                                   const x86dec_options_t *options, size_t *length);
x86dec_status_t x86dec_decode_with(const uint8_t *code, size_t size,
                                   const x86dec_options_t *options, x86dec_insn_t *insn);

/* Linear address of memory operand `operand` (index into insn->operands): segment base (FS/GS
 * only, as in 64-bit mode) plus base + index * scale + displacement, wrapped to the address size.
 * RIP-relative operands are relative to the end of the instruction. */
x86dec_status_t x86dec_effective_address(const x86dec_insn_t *insn, unsigned operand,
                                         const x86dec_regs_t *regs, uint64_t *address);

/* Upper-case name of a mnemonic class ("MOV_TO_CR"), "OTHER" for anything unknown. */
const char *x86dec_mnemonic_name(unsigned mnemonic);

#endif
