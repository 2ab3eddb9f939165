/*
 * Zydis as the reference decoder, and the mapping from its metadata to x86dec's classes:
 *   privileged = Zydis' IS_PRIVILEGED attribute, plus the instructions Zydis does not mark but
 *                which fault at CPL 3 by default (see privileged_extra[]), plus the IOPL-sensitive
 *                ones (IN, OUT, INS, OUTS, CLI, STI), which fault at CPL 3 with IOPL 0.
 *   sensitive  = the mnemonics in sensitive[]: they run at CPL 3 but expose or silently ignore
 *                privileged state.
 *   memory     = an explicit memory operand that is accessed (not an address-only operand).
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
