/*
 * Zydis as the reference decoder, and the mapping from its metadata to x86dec's classes:
 *   privileged = Zydis' IS_PRIVILEGED attribute, plus the instructions Zydis does not mark but
 *                which fault at CPL 3 by default (see privileged_extra[]), plus the IOPL-sensitive
 *                ones (IN, OUT, INS, OUTS, CLI, STI), which fault at CPL 3 with IOPL 0.
 *   sensitive  = the mnemonics in sensitive[]: they run at CPL 3 but expose or silently ignore
 *                privileged state.
 *   memory     = an explicit memory operand that is accessed (not an address-only operand).
 * And the operand-level comparison: Zydis' operands and addresses against x86dec's descriptions.
 */
#include "oracle.h"

#include <stdio.h>
#include <string.h>

#include <Zydis/Zydis.h>
#include <capstone/capstone.h>

static ZydisDecoder decoder;
static ZydisFormatter formatter;

void oracle_init(void)
{
    ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
}

static const ZydisMnemonic privileged_extra[] = {
        ZYDIS_MNEMONIC_LGDT,  ZYDIS_MNEMONIC_LIDT,  ZYDIS_MNEMONIC_RDPMC,  ZYDIS_MNEMONIC_IN,
        ZYDIS_MNEMONIC_INSB,  ZYDIS_MNEMONIC_INSW,  ZYDIS_MNEMONIC_INSD,   ZYDIS_MNEMONIC_OUT,
        ZYDIS_MNEMONIC_OUTSB, ZYDIS_MNEMONIC_OUTSW, ZYDIS_MNEMONIC_OUTSD,  ZYDIS_MNEMONIC_CLI,
        ZYDIS_MNEMONIC_STI,   ZYDIS_MNEMONIC_VMRUN, ZYDIS_MNEMONIC_VMLOAD, ZYDIS_MNEMONIC_VMSAVE,
        ZYDIS_MNEMONIC_STGI,  ZYDIS_MNEMONIC_CLGI,  ZYDIS_MNEMONIC_SKINIT,
};

static const ZydisMnemonic sensitive[] = {
        ZYDIS_MNEMONIC_PUSHF, ZYDIS_MNEMONIC_PUSHFQ, ZYDIS_MNEMONIC_POPF,  ZYDIS_MNEMONIC_POPFQ,
        ZYDIS_MNEMONIC_SGDT,  ZYDIS_MNEMONIC_SIDT,   ZYDIS_MNEMONIC_SLDT,  ZYDIS_MNEMONIC_STR,
        ZYDIS_MNEMONIC_SMSW,  ZYDIS_MNEMONIC_CPUID,  ZYDIS_MNEMONIC_RDTSC, ZYDIS_MNEMONIC_RDTSCP,
        ZYDIS_MNEMONIC_IRET,  ZYDIS_MNEMONIC_IRETD,  ZYDIS_MNEMONIC_IRETQ, ZYDIS_MNEMONIC_LAR,
        ZYDIS_MNEMONIC_LSL,   ZYDIS_MNEMONIC_VERR,   ZYDIS_MNEMONIC_VERW,
};

static bool mnemonic_in(ZydisMnemonic m, const ZydisMnemonic *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (list[i] == m)
            return true;
    return false;
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

void oracle_decode(const uint8_t *code, size_t size, oracle_result_t *result)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    memset(result, 0, sizeof(*result));
    ZyanStatus status = ZydisDecoderDecodeFull(&decoder, code, size, &in, ops);
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
    if (mnemonic_in(in.mnemonic, sensitive, sizeof(sensitive) / sizeof(sensitive[0])))
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
    ZyanStatus status = ZydisDecoderDecodeInstruction(&decoder, NULL, code, size, &in);
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
    memset(result, 0, sizeof(*result));
    x86dec_status_t status = x86dec_decode(code, size, &insn);
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
 *   INVLPG's memory operand is an address only, not read (Zydis: read).
 */
static unsigned expected_size(const x86dec_insn_t *insn, const ZydisDecodedOperand *z)
{
    if (insn->mnemonic == X86DEC_MN_MOVSXD && insn->operand_size == 2 &&
        z->type == ZYDIS_OPERAND_TYPE_MEMORY)
        return 2;
    if (insn->mnemonic == X86DEC_MN_MOV && insn->opcode == 0xC7 && insn->operand_size == 8 &&
        z->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
        return 8;
    return z->size / 8;
}

static unsigned expected_access(const x86dec_insn_t *insn, const ZydisDecodedOperand *z)
{
    if (insn->mnemonic == X86DEC_MN_INVLPG)
        return 0;
    return access_of(z);
}

int oracle_operands_compare(const uint8_t *code, size_t size, const x86dec_insn_t *insn, char *why,
                            size_t why_size)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    const ZydisDecodedOperand *want[ZYDIS_MAX_OPERAND_COUNT];
    unsigned count = 0;

    if (!(insn->flags & X86DEC_F_OPERANDS))
        return 0;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, code, size, &in, ops)))
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
