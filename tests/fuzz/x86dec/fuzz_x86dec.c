/*
 * libFuzzer target: random bytes go to x86dec and to Zydis; they must agree on validity, length
 * and classification, and, where x86dec describes the operands, on the operands and their
 * effective addresses; x86dec_length() must agree with x86dec_decode(), and describing operands
 * and computing effective addresses must never fault. Any disagreement aborts with both views.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../host/x86dec/oracle.h"

static void disagreement_report(const uint8_t *data, size_t size, const oracle_result_t *ours,
                                const oracle_result_t *ref)
{
    fprintf(stderr, "x86dec/Zydis disagreement on:");
    for (size_t i = 0; i < size && i < 16; i++)
        fprintf(stderr, " %02x", data[i]);
    fprintf(stderr, "\n  x86dec: %s len=%u class=%x (%s)\n  zydis:  %s len=%u class=%x (%s)\n",
            ours->valid ? "valid" : "invalid", ours->length, ours->flags, ours->text,
            ref->valid ? "valid" : "invalid", ref->length, ref->flags, ref->text);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised;
    if (!initialised) {
        oracle_init();
        initialised = 1;
    }
    oracle_result_t ours, ref;
    /* Every suffix of the input is an instruction candidate too: more encodings per run. */
    for (size_t offset = 1; offset < size; offset++) {
        ours_decode(data + offset, size - offset, &ours);
        oracle_decode(data + offset, size - offset, &ref);
        if (oracle_compare(&ours, &ref))
            disagreement_report(data + offset, size - offset, &ours, &ref);
    }
    ours_decode(data, size, &ours);
    oracle_decode(data, size, &ref);
    if (oracle_compare(&ours, &ref))
        disagreement_report(data, size, &ours, &ref);

    size_t length = 0;
    x86dec_status_t status = x86dec_length(data, size, &length);
    if ((status == X86DEC_OK) != ours.valid || (ours.valid && length != ours.length))
        abort();

    x86dec_insn_t insn;
    if (x86dec_decode(data, size, &insn) == X86DEC_OK) {
        char why[160];
        if (oracle_operands_compare(data, size, &insn, why, sizeof(why))) {
            fprintf(stderr, "x86dec/Zydis operand disagreement (%s):", why);
            for (size_t i = 0; i < insn.length; i++)
                fprintf(stderr, " %02x", data[i]);
            fprintf(stderr, "\n");
            abort();
        }
        x86dec_regs_t regs;
        memset(&regs, 0xA5, sizeof(regs));
        for (unsigned i = 0; i < insn.operand_count; i++) {
            uint64_t address;
            x86dec_status_t s = x86dec_effective_address(&insn, i, &regs, &address);
            bool memory = insn.operands[i].kind == X86DEC_OPK_MEM;
            if ((s == X86DEC_OK) != memory)
                abort();
        }
        if (x86dec_effective_address(&insn, insn.operand_count, &regs, &(uint64_t){0}) !=
            X86DEC_ERR_ARGUMENT)
            abort();
    }
    return 0;
}
