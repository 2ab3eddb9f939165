/*
 * Zydis as the reference decoder, and the mapping from its metadata to x86dec's classes:
 *   privileged = Zydis' IS_PRIVILEGED attribute, plus the instructions Zydis does not mark but
 *                which fault at CPL 3 by default (see privileged_extra[]), plus the IOPL-sensitive
 *                ones (IN, OUT, INS, OUTS, CLI, STI), which fault at CPL 3 with IOPL 0.
 *   sensitive  = the mnemonics in sensitive[] and the segment and far-branch forms of
 *                sensitive_form(): they run at CPL 3 but expose or change state a VMM
 *                virtualises.
 *   memory     = an explicit memory operand that is accessed (not an address-only operand).
 * Two reference modes: Intel (Zydis' defaults) and AMD (Zydis' AMD-branch mode, MPX off); x86dec
 * runs with the matching x86dec_options_t. Encodings Zydis 4.0 cannot decode are compared with
 * the documented list in exclusion_match() instead. And the operand-level comparison: Zydis'
 * operands and addresses against x86dec's descriptions.
 */
#include "oracle.h"

#include <stdio.h>
#include <string.h>

#include <Zydis/Zydis.h>
#include <capstone/capstone.h>

static ZydisDecoder decoders[2]; /* indexed by x86dec_vendor_t */
static ZydisFormatter formatter;
static x86dec_vendor_t vendor = X86DEC_VENDOR_INTEL;

void oracle_init(void)
{
    ZydisDecoderInit(&decoders[X86DEC_VENDOR_INTEL], ZYDIS_MACHINE_MODE_LONG_64,
                     ZYDIS_STACK_WIDTH_64);
    /* AMD: 66 gives E8/E9/0F 8x a rel16; 0F 1A/1B are hint NOPs (no MPX). */
    ZydisDecoderInit(&decoders[X86DEC_VENDOR_AMD], ZYDIS_MACHINE_MODE_LONG_64,
                     ZYDIS_STACK_WIDTH_64);
    ZydisDecoderEnableMode(&decoders[X86DEC_VENDOR_AMD], ZYDIS_DECODER_MODE_AMD_BRANCHES,
                           ZYAN_TRUE);
    ZydisDecoderEnableMode(&decoders[X86DEC_VENDOR_AMD], ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE);
    ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
    vendor = X86DEC_VENDOR_INTEL;
}

void oracle_vendor_set(x86dec_vendor_t which)
{
    vendor = which;
}

x86dec_options_t oracle_options(void)
{
    return (x86dec_options_t){.vendor = (uint8_t)vendor};
}

/* Zydis leaves these unmarked, yet they fault at CPL 3 in the PV configuration: LGDT, LIDT and
 * RDPMC (CR4.PCE = 0) by definition; the SVM instructions; GETSEC (#UD with CR4.SMXE = 0), RSM
 * (#UD outside SMM), ENCLV (VMX root only), ENQCMDS (#GP at CPL > 0), VMFUNC (#UD outside VMX
 * non-root operation); and the IOPL-sensitive ones. */
static const ZydisMnemonic privileged_extra[] = {
        ZYDIS_MNEMONIC_LGDT,  ZYDIS_MNEMONIC_LIDT,  ZYDIS_MNEMONIC_RDPMC,  ZYDIS_MNEMONIC_IN,
        ZYDIS_MNEMONIC_INSB,  ZYDIS_MNEMONIC_INSW,  ZYDIS_MNEMONIC_INSD,   ZYDIS_MNEMONIC_OUT,
        ZYDIS_MNEMONIC_OUTSB, ZYDIS_MNEMONIC_OUTSW, ZYDIS_MNEMONIC_OUTSD,  ZYDIS_MNEMONIC_CLI,
        ZYDIS_MNEMONIC_STI,   ZYDIS_MNEMONIC_VMRUN, ZYDIS_MNEMONIC_VMLOAD, ZYDIS_MNEMONIC_VMSAVE,
        ZYDIS_MNEMONIC_STGI,  ZYDIS_MNEMONIC_CLGI,  ZYDIS_MNEMONIC_SKINIT, ZYDIS_MNEMONIC_GETSEC,
        ZYDIS_MNEMONIC_RSM,   ZYDIS_MNEMONIC_ENCLV, ZYDIS_MNEMONIC_VMFUNC, ZYDIS_MNEMONIC_ENQCMDS,
};

/* Run at CPL 3 and reveal or change state a VMM virtualises: flags (IF, IOPL), descriptor
 * tables and CR0 (UMIP off), descriptors, CPUID and time, TSC_AUX, XCR0, PKRU, the FS/GS bases
 * (CR4.FSGSBASE on), waits against the host TSC, and hypercalls (VMCALL and VMMCALL exit to
 * whatever hypervisor runs the host, at any CPL). */
static const ZydisMnemonic sensitive[] = {
        ZYDIS_MNEMONIC_PUSHF,    ZYDIS_MNEMONIC_PUSHFQ,   ZYDIS_MNEMONIC_POPF,
        ZYDIS_MNEMONIC_POPFQ,    ZYDIS_MNEMONIC_SGDT,     ZYDIS_MNEMONIC_SIDT,
        ZYDIS_MNEMONIC_SLDT,     ZYDIS_MNEMONIC_STR,      ZYDIS_MNEMONIC_SMSW,
        ZYDIS_MNEMONIC_CPUID,    ZYDIS_MNEMONIC_RDTSC,    ZYDIS_MNEMONIC_RDTSCP,
        ZYDIS_MNEMONIC_IRET,     ZYDIS_MNEMONIC_IRETD,    ZYDIS_MNEMONIC_IRETQ,
        ZYDIS_MNEMONIC_LAR,      ZYDIS_MNEMONIC_LSL,      ZYDIS_MNEMONIC_VERR,
        ZYDIS_MNEMONIC_VERW,     ZYDIS_MNEMONIC_RDPID,    ZYDIS_MNEMONIC_XGETBV,
        ZYDIS_MNEMONIC_RDPKRU,   ZYDIS_MNEMONIC_WRPKRU,   ZYDIS_MNEMONIC_RDFSBASE,
        ZYDIS_MNEMONIC_RDGSBASE, ZYDIS_MNEMONIC_WRFSBASE, ZYDIS_MNEMONIC_WRGSBASE,
        ZYDIS_MNEMONIC_LSS,      ZYDIS_MNEMONIC_LFS,      ZYDIS_MNEMONIC_LGS,
        ZYDIS_MNEMONIC_TPAUSE,   ZYDIS_MNEMONIC_UMWAIT,   ZYDIS_MNEMONIC_VMCALL,
        ZYDIS_MNEMONIC_VMMCALL,
};

static bool mnemonic_in(ZydisMnemonic m, const ZydisMnemonic *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (list[i] == m)
            return true;
    return false;
}

/* Sensitive by operand rather than mnemonic: MOV to any segment register, MOV from CS or SS
 * (their RPL is the CPL), POP FS/GS, and far CALL, JMP and RET. */
static bool sensitive_form(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops)
{
    switch (in->mnemonic) {
    case ZYDIS_MNEMONIC_MOV:
        if (in->operand_count_visible < 2)
            return false;
        if (ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            ZydisRegisterGetClass(ops[0].reg.value) == ZYDIS_REGCLASS_SEGMENT)
            return true;
        return ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
               (ops[1].reg.value == ZYDIS_REGISTER_CS || ops[1].reg.value == ZYDIS_REGISTER_SS);
    case ZYDIS_MNEMONIC_POP:
        return ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
               (ops[0].reg.value == ZYDIS_REGISTER_FS || ops[0].reg.value == ZYDIS_REGISTER_GS);
    case ZYDIS_MNEMONIC_CALL:
    case ZYDIS_MNEMONIC_JMP:
    case ZYDIS_MNEMONIC_RET:
        return in->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;
    default:
        return false;
    }
}

static bool memory_accessed(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops)
{
    if (in->meta.category == ZYDIS_CATEGORY_WIDENOP || in->meta.category == ZYDIS_CATEGORY_NOP)
        return false;
    for (unsigned i = 0; i < in->operand_count; i++) {
        const ZydisDecodedOperand *op = &ops[i];
        if (op->type != ZYDIS_OPERAND_TYPE_MEMORY ||
            op->visibility != ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
            continue;
        if (op->mem.type == ZYDIS_MEMOP_TYPE_MEM || op->mem.type == ZYDIS_MEMOP_TYPE_VSIB)
            return true;
    }
    return false;
}

/* Knights Corner (first-generation Xeon Phi coprocessor) encodings: MVEX and KNC's VEX forms.
 * Zydis 4.0 decodes them whatever its KNC mode says; every x86-64 CPU raises #UD for them, so
 * the reference counts them as invalid, as x86dec does. */
static bool knights_corner(const ZydisDecodedInstruction *in)
{
    return in->encoding == ZYDIS_INSTRUCTION_ENCODING_MVEX ||
           in->meta.isa_ext == ZYDIS_ISA_EXT_KNC || in->meta.isa_ext == ZYDIS_ISA_EXT_KNCE ||
           in->meta.isa_ext == ZYDIS_ISA_EXT_KNCV;
}

/* ---- Encodings Zydis 4.0 cannot be the reference for --------------------------------------
 *
 * Zydis 4.0 (November 2022) predates these; it reports them invalid. At exactly these encodings
 * (and nowhere else) the reference is this list: validity, length and class per the SDM/APM.
 *   WRMSRNS      NP 0F 01 C6           privileged   SDM Vol. 2D WRMSRNS
 *   RDMSRLIST    F2 0F 01 C6           privileged   SDM Vol. 2B RDMSRLIST
 *   WRMSRLIST    F3 0F 01 C6           privileged   SDM Vol. 2D WRMSRLIST
 *   ERETS        F2 0F 01 CA           privileged   FRED specification, ERETS
 *   ERETU        F3 0F 01 CA           privileged   FRED specification, ERETU
 *   LKGS         F2 0F 00 /6           privileged   SDM Vol. 2A LKGS (LLDT's r/m16 form)
 *   RDMSR imm    VEX.128.F2.M7.W0 F6 /0 id (register form)   privileged   SDM Vol. 2B RDMSR
 *   WRMSRNS imm  VEX.128.F3.M7.W0 F6 /0 id (register form)   privileged   SDM Vol. 2D WRMSRNS
 * and, for the AMD reference only (Zydis 4.0 has no mode for it):
 *   UD0          0F FF without ModRM   neither      APM Vol. 3 UD0; SDM UD0 note 1
 * Each form is recognised from the raw bytes here, independently of x86dec: the legacy
 * prefixes decide the mandatory prefix as everywhere (the last F2/F3, else 66).
 */
typedef struct {
    unsigned count;    /* legacy prefix and REX bytes */
    uint8_t mandatory; /* the last F2/F3, else 66, else 0 */
    bool lock;
    bool rex; /* a REX byte directly before the opcode */
} prefixes_t;

static void prefixes_scan(const uint8_t *code, size_t size, prefixes_t *p)
{
    memset(p, 0, sizeof(*p));
    for (; p->count < size; p->count++) {
        uint8_t byte = code[p->count];
        bool rex = (byte & 0xF0) == 0x40;
        if (byte == 0xF2 || byte == 0xF3)
            p->mandatory = byte;
        else if (byte == 0x66 && p->mandatory == 0)
            p->mandatory = byte;
        else if (byte == 0xF0)
            p->lock = true;
        else if (byte != 0x66 && byte != 0x26 && byte != 0x2E && byte != 0x36 && byte != 0x3E &&
                 byte != 0x64 && byte != 0x65 && byte != 0x67 && !rex)
            return;
        p->rex = rex;
    }
}

/* LKGS has LLDT's operand form (r/m16, no immediate): its length is LLDT's with the same bytes. */
static unsigned lkgs_length(const uint8_t *code, size_t size, unsigned modrm_at)
{
    uint8_t copy[X86DEC_MAX_LENGTH + 1];
    ZydisDecodedInstruction in;
    if (modrm_at >= size || modrm_at >= sizeof(copy))
        return 0; /* past the buffer or past 15 bytes: no instruction */
    size_t n = size < sizeof(copy) ? size : sizeof(copy);
    memcpy(copy, code, n);
    copy[modrm_at] = (uint8_t)((copy[modrm_at] & ~0x38u) | (2u << 3));
    if (!ZYAN_SUCCESS(
                ZydisDecoderDecodeInstruction(&decoders[X86DEC_VENDOR_INTEL], NULL, copy, n, &in)))
        return 0;
    return in.length;
}

/* If code[] is one of the listed encodings: true, with the listed facts in *result. */
static bool exclusion_match(const uint8_t *code, size_t size, oracle_result_t *result)
{
    prefixes_t p;
    prefixes_scan(code, size, &p);
    const uint8_t *op = code + p.count;
    size_t left = size - p.count;
    const char *name = NULL;
    unsigned length = 0;
    uint32_t flags = X86DEC_F_PRIVILEGED;
    if (p.lock || left < 2)
        return false;
    if (op[0] == 0x0F && op[1] == 0x01 && left >= 3 && op[2] == 0xC6 && p.mandatory != 0x66) {
        name = p.mandatory == 0xF2 ? "RDMSRLIST" : p.mandatory == 0xF3 ? "WRMSRLIST" : "WRMSRNS";
        length = p.count + 3;
    } else if (op[0] == 0x0F && op[1] == 0x01 && left >= 3 && op[2] == 0xCA &&
               (p.mandatory == 0xF2 || p.mandatory == 0xF3)) {
        name = p.mandatory == 0xF2 ? "ERETS" : "ERETU";
        length = p.count + 3;
    } else if (op[0] == 0x0F && op[1] == 0x00 && left >= 3 && ((op[2] >> 3) & 7u) == 6 &&
               p.mandatory == 0xF2) {
        name = "LKGS";
        length = lkgs_length(code, size, p.count + 2);
        if ((op[2] >> 6) != 3)
            flags |= X86DEC_F_MEMORY;
    } else if (op[0] == 0xC4 && left >= 5 && p.mandatory == 0 && !p.rex && (op[1] & 0x9F) == 0x87 &&
               (op[2] & 0xFC) == 0x78 && (op[2] & 3u) >= 2 && op[3] == 0xF6 &&
               (op[4] & 0xF8) == 0xC0) {
        /* C4, R not inverted-set, map 7; W0, vvvv 1111, L0, pp F3/F2; F6; mod 11, reg 000 */
        name = (op[2] & 3u) == 3 ? "RDMSR imm" : "WRMSRNS imm";
        length = p.count + 9;
    } else if (vendor == X86DEC_VENDOR_AMD && op[0] == 0x0F && op[1] == 0xFF) {
        name = "UD0 (AMD)";
        length = p.count + 2;
        flags = 0;
    } else {
        return false;
    }
    memset(result, 0, sizeof(*result));
    snprintf(result->text, sizeof(result->text), "%s (exclusion list)", name);
    if (length == 0 || length > X86DEC_MAX_LENGTH || length > size)
        return true; /* too long or truncated: no instruction */
    result->valid = true;
    result->length = length;
    result->flags = flags;
    return true;
}

bool oracle_excluded(const uint8_t *code, size_t size)
{
    oracle_result_t ignored;
    return exclusion_match(code, size, &ignored);
}

void oracle_decode(const uint8_t *code, size_t size, oracle_result_t *result)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    memset(result, 0, sizeof(*result));
    if (exclusion_match(code, size, result))
        return;
    ZyanStatus status = ZydisDecoderDecodeFull(&decoders[vendor], code, size, &in, ops);
    if (!ZYAN_SUCCESS(status)) {
        snprintf(result->text, sizeof(result->text), "zydis status 0x%x", (unsigned)status);
        return;
    }
    if (knights_corner(&in)) {
        snprintf(result->text, sizeof(result->text), "Knights Corner only");
        return;
    }
    result->valid = true;
    result->length = in.length;
    if ((in.attributes & ZYDIS_ATTRIB_IS_PRIVILEGED) ||
        mnemonic_in(in.mnemonic, privileged_extra,
                    sizeof(privileged_extra) / sizeof(privileged_extra[0])))
        result->flags |= X86DEC_F_PRIVILEGED;
    if (mnemonic_in(in.mnemonic, sensitive, sizeof(sensitive) / sizeof(sensitive[0])) ||
        sensitive_form(&in, ops))
        result->flags |= X86DEC_F_SENSITIVE;
    if (memory_accessed(&in, ops))
        result->flags |= X86DEC_F_MEMORY;
    ZydisFormatterFormatInstruction(&formatter, &in, ops, in.operand_count_visible, result->text,
                                    sizeof(result->text), 0, NULL);
}

void oracle_length(const uint8_t *code, size_t size, oracle_result_t *result)
{
    ZydisDecodedInstruction in;
    memset(result, 0, sizeof(*result));
    if (exclusion_match(code, size, result)) {
        result->flags = 0;
        return;
    }
    ZyanStatus status = ZydisDecoderDecodeInstruction(&decoders[vendor], NULL, code, size, &in);
    if (ZYAN_SUCCESS(status) && !knights_corner(&in)) {
        result->valid = true;
        result->length = in.length;
    }
}

unsigned capstone_length(const uint8_t *code, size_t size, char *text, size_t text_size)
{
    static csh handle;
    static cs_insn *insn;
    if (insn == NULL) {
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
            return 0;
        insn = cs_malloc(handle);
    }
    const uint8_t *p = code;
    size_t left = size;
    uint64_t address = 0;
    if (!cs_disasm_iter(handle, &p, &left, &address, insn))
        return 0;
    snprintf(text, text_size, "%s %s", insn->mnemonic, insn->op_str);
    return insn->size;
}

void ours_decode(const uint8_t *code, size_t size, oracle_result_t *result)
{
    x86dec_insn_t insn;
    x86dec_options_t options = oracle_options();
    memset(result, 0, sizeof(*result));
    x86dec_status_t status = x86dec_decode_with(code, size, &options, &insn);
    if (status != X86DEC_OK) {
        snprintf(result->text, sizeof(result->text), "x86dec status %d", (int)status);
        return;
    }
    result->valid = true;
    result->length = insn.length;
    result->flags = insn.flags & ORACLE_CLASS_MASK;
    snprintf(result->text, sizeof(result->text), "%s", x86dec_mnemonic_name(insn.mnemonic));
}

int oracle_compare(const oracle_result_t *ours, const oracle_result_t *ref)
{
    if (ours->valid != ref->valid)
        return 1;
    if (!ours->valid)
        return 0;
    if (ours->length != ref->length)
        return 2;
    if (ours->flags != ref->flags)
        return 3;
    return 0;
}

/* The x86dec_reg_t for a Zydis register (X86DEC_REG_NONE for none, -1 for a kind x86dec never
 * names in an operand). */
static int register_of(ZydisRegister reg)
{
    if (reg == ZYDIS_REGISTER_NONE)
        return X86DEC_REG_NONE;
    if (reg >= ZYDIS_REGISTER_AH && reg <= ZYDIS_REGISTER_BH)
        return X86DEC_REG_AH + (reg - ZYDIS_REGISTER_AH);
    switch (ZydisRegisterGetClass(reg)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64:
        return X86DEC_REG_GPR0 + ZydisRegisterGetId(ZydisRegisterGetLargestEnclosing(
                                         ZYDIS_MACHINE_MODE_LONG_64, reg));
    case ZYDIS_REGCLASS_SEGMENT:
        return X86DEC_REG_ES + ZydisRegisterGetId(reg);
    case ZYDIS_REGCLASS_CONTROL:
        return X86DEC_REG_CR0 + ZydisRegisterGetId(reg);
    case ZYDIS_REGCLASS_DEBUG:
        return X86DEC_REG_DR0 + ZydisRegisterGetId(reg);
    case ZYDIS_REGCLASS_IP:
        return X86DEC_REG_RIP;
    default:
        return -1;
    }
}

static unsigned access_of(const ZydisDecodedOperand *op)
{
    unsigned access = 0;
    if (op->actions & (ZYDIS_OPERAND_ACTION_READ | ZYDIS_OPERAND_ACTION_CONDREAD))
        access |= X86DEC_ACCESS_READ;
    if (op->actions & (ZYDIS_OPERAND_ACTION_WRITE | ZYDIS_OPERAND_ACTION_CONDWRITE))
        access |= X86DEC_ACCESS_WRITE;
    return access;
}

/* The register file both sides compute effective addresses with: distinct values, segment
 * bases 0 (Zydis adds none; x86dec's FS/GS handling is covered by the segment comparison). */
static void registers_fill(x86dec_regs_t *regs, ZydisRegisterContext *context)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    memset(regs, 0, sizeof(*regs));
    memset(context, 0, sizeof(*context));
    for (unsigned i = 0; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        regs->gpr[i] = x;
        context->values[ZYDIS_REGISTER_RAX + i] = x;
        context->values[ZYDIS_REGISTER_EAX + i] = x & 0xffffffffu;
    }
    regs->rip = 0xffffffff80001000ull;
}

#define DIFFER(...)                                                                                \
    do {                                                                                           \
        snprintf(why, why_size, __VA_ARGS__);                                                      \
        return 1;                                                                                  \
    } while (0)

static int memory_compare(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *z,
                          const x86dec_insn_t *insn, unsigned i, char *why, size_t why_size)
{
    static ZydisRegisterContext context;
    static x86dec_regs_t regs;
    static bool filled;
    const x86dec_mem_t *mem = &insn->operands[i].mem;
    int64_t disp = z->mem.disp.has_displacement ? z->mem.disp.value : 0;
    uint64_t ours = 0;
    uint64_t ref = 0;

    if (!filled) {
        registers_fill(&regs, &context);
        filled = true;
    }
    /* With 32-bit addresses only the displacement's low 32 bits count (the address wraps);
     * x86dec keeps a 32-bit moffs zero-extended, Zydis sign-extends it. */
    int64_t our_disp = mem->disp;
    if (mem->address_size == 4) {
        disp = (int64_t)(uint32_t)disp;
        our_disp = (int64_t)(uint32_t)our_disp;
    }
    /* A defect of Zydis 4.0: with 32-bit addresses, REX.B and SIB base 101 under mod 00 it
     * reports base R13D and no displacement, where the SDM (and binutils) have no base and a
     * disp32, as x86dec does. There only the other fields are compared; test_x86dec.c checks
     * that form by hand. */
    bool zydis_r13d = mem->address_size == 4 && insn->has_sib && (insn->modrm >> 6) == 0 &&
                      (insn->sib & 7u) == 5 && (insn->rex & 1u) != 0;
    if (zydis_r13d) {
        if (register_of(z->mem.index) != (int)mem->index)
            DIFFER("operand %u index %d, zydis %d", i, mem->index, register_of(z->mem.index));
        return 0;
    }
    if (register_of(z->mem.base) != (int)mem->base)
        DIFFER("operand %u base %d, zydis %d", i, mem->base, register_of(z->mem.base));
    if (register_of(z->mem.index) != (int)mem->index)
        DIFFER("operand %u index %d, zydis %d", i, mem->index, register_of(z->mem.index));
    if (z->mem.index != ZYDIS_REGISTER_NONE && z->mem.scale != mem->scale)
        DIFFER("operand %u scale %u, zydis %u", i, mem->scale, z->mem.scale);
    if (disp != our_disp)
        DIFFER("operand %u displacement %#llx, zydis %#llx", i, (unsigned long long)mem->disp,
               (unsigned long long)disp);
    if (register_of(z->mem.segment) != (int)mem->segment)
        DIFFER("operand %u segment %d, zydis %d", i, mem->segment, register_of(z->mem.segment));
    if (in->address_width / 8 != mem->address_size)
        DIFFER("operand %u address size %u, zydis %u", i, mem->address_size, in->address_width / 8);
    if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddressEx(in, z, regs.rip, &context, &ref)))
        DIFFER("operand %u: zydis computes no address", i);
    if (x86dec_effective_address(insn, i, &regs, &ours) != X86DEC_OK || ours != ref)
        DIFFER("operand %u address %#llx, zydis %#llx", i, (unsigned long long)ours,
               (unsigned long long)ref);
    return 0;
}

/*
 * Where x86dec deliberately differs from Zydis 4.0, by the instruction-set reference:
 *   MOVSXD with a 16-bit operand size reads r/m16 (the SDM's "MOVSXD r16, r/m16"; Zydis: m32);
 *   the imm32 of MOV r/m64 (REX.W C7) is reported with its 8-byte operand size, sign-extended
 *   (Zydis: the value alike, the 4 encoded bytes as its size);
 *   INVLPG's memory operand is an address only, not read (Zydis: read);
 *   LAR r64 takes r32/m16 (the SDM's "LAR reg, r32/m16"; Zydis: r64 in the register form);
 *   LSL's destination is written (only when ZF = 1), as LAR's (Zydis: read and written).
 */
static unsigned expected_size(const x86dec_insn_t *insn, const ZydisDecodedOperand *z)
{
    if (insn->mnemonic == X86DEC_MN_MOVSXD && insn->operand_size == 2 &&
        z->type == ZYDIS_OPERAND_TYPE_MEMORY)
        return 2;
    if (insn->mnemonic == X86DEC_MN_MOV && insn->opcode == 0xC7 && insn->operand_size == 8 &&
        z->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
        return 8;
    if (insn->mnemonic == X86DEC_MN_LAR && insn->operand_size == 8 &&
        z->type == ZYDIS_OPERAND_TYPE_REGISTER && access_of(z) == X86DEC_ACCESS_READ)
        return 4;
    return z->size / 8;
}

static unsigned expected_access(const x86dec_insn_t *insn, const ZydisDecodedOperand *z)
{
    if (insn->mnemonic == X86DEC_MN_INVLPG)
        return 0;
    if (insn->mnemonic == X86DEC_MN_LSL && z->type == ZYDIS_OPERAND_TYPE_REGISTER &&
        access_of(z) == (X86DEC_ACCESS_READ | X86DEC_ACCESS_WRITE))
        return X86DEC_ACCESS_WRITE;
    return access_of(z);
}

int oracle_operands_compare(const uint8_t *code, size_t size, const x86dec_insn_t *insn, char *why,
                            size_t why_size)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    const ZydisDecodedOperand *want[ZYDIS_MAX_OPERAND_COUNT];
    unsigned count = 0;

    if (!(insn->flags & X86DEC_F_OPERANDS) || oracle_excluded(code, size))
        return 0;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoders[vendor], code, size, &in, ops)))
        DIFFER("zydis finds no instruction");
    bool string = insn->mnemonic == X86DEC_MN_MOVS || insn->mnemonic == X86DEC_MN_STOS ||
                  insn->mnemonic == X86DEC_MN_INS || insn->mnemonic == X86DEC_MN_OUTS;
    for (unsigned i = 0; i < (string ? in.operand_count : in.operand_count_visible); i++) {
        if (string && ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER) {
            /* The string instructions' counters and pointer updates are not operands here. */
            int reg = register_of(ops[i].reg.value);
            if (reg != X86DEC_REG_GPR0 + X86DEC_GPR_RAX && reg != X86DEC_REG_GPR0 + X86DEC_GPR_RDX)
                continue;
        }
        want[count++] = &ops[i];
    }
    if (count != insn->operand_count)
        DIFFER("%u operands, zydis %u", insn->operand_count, count);
    for (unsigned i = 0; i < count; i++) {
        const x86dec_operand_t *op = &insn->operands[i];
        const ZydisDecodedOperand *z = want[i];
        if (op->size != expected_size(insn, z))
            DIFFER("operand %u size %u, zydis %u", i, op->size, expected_size(insn, z));
        switch (z->type) {
        case ZYDIS_OPERAND_TYPE_REGISTER:
            if (op->kind != X86DEC_OPK_REG || (int)op->reg != register_of(z->reg.value))
                DIFFER("operand %u kind %u register %d, zydis register %d", i, op->kind, op->reg,
                       register_of(z->reg.value));
            break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            if (op->kind != X86DEC_OPK_MEM)
                DIFFER("operand %u kind %u, zydis memory", i, op->kind);
            if (memory_compare(&in, z, insn, i, why, why_size))
                return 1;
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE: {
            uint64_t value = z->imm.value.u;
            if (op->size < 8)
                value &= (1ull << (8 * op->size)) - 1;
            if (op->kind != X86DEC_OPK_IMM || op->imm != value)
                DIFFER("operand %u kind %u immediate %#llx, zydis %#llx", i, op->kind,
                       (unsigned long long)op->imm, (unsigned long long)value);
            break;
        }
        default:
            DIFFER("operand %u: zydis operand type %d", i, (int)z->type);
        }
        if (op->access != expected_access(insn, z))
            DIFFER("operand %u access %u, zydis %u", i, op->access, expected_access(insn, z));
    }
    return 0;
}
