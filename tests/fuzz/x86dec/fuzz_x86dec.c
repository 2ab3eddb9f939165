/*
 * libFuzzer target: random bytes go to x86dec and to Zydis; they must agree on validity, length
 * and classification, as Intel and as AMD decode them (oracle_vendor_set), and, where x86dec
 * describes the operands, on the operands and their effective addresses (Intel); the length
 * decoder must agree with the full decoder, and describing operands and computing effective
 * addresses must never fault. Any disagreement aborts with both views.
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

/* Both sides as the current vendor, at every suffix of the input (more encodings per run). */
static void vendor_check(const uint8_t *data, size_t size)
{
    oracle_result_t ours, ref;
    for (size_t offset = 0; offset < size; offset++) {
        ours_decode(data + offset, size - offset, &ours);
        oracle_decode(data + offset, size - offset, &ref);
        if (oracle_compare(&ours, &ref))
            disagreement_report(data + offset, size - offset, &ours, &ref);
        size_t length = 0;
        x86dec_options_t options = oracle_options();
        x86dec_status_t status =
                x86dec_length_with(data + offset, size - offset, &options, &length);
        if ((status == X86DEC_OK) != ours.valid || (ours.valid && length != ours.length))
            abort();
    }
}

/* The address helper accepts exactly the memory operands, and no index past the last. */
static void addresses_check(const x86dec_insn_t *insn)
{
    x86dec_regs_t regs;
    memset(&regs, 0xA5, sizeof(regs));
    for (unsigned i = 0; i < insn->operand_count; i++) {
        uint64_t address;
        x86dec_status_t s = x86dec_effective_address(insn, i, &regs, &address);
        bool memory = insn->operands[i].kind == X86DEC_OPK_MEM;
        if ((s == X86DEC_OK) != memory)
            abort();
    }
    if (x86dec_effective_address(insn, insn->operand_count, &regs, &(uint64_t){0}) !=
        X86DEC_ERR_ARGUMENT)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised;
    if (!initialised) {
        oracle_init();
        initialised = 1;
    }
    oracle_vendor_set(X86DEC_VENDOR_AMD);
    vendor_check(data, size);
    oracle_vendor_set(X86DEC_VENDOR_INTEL);
    vendor_check(data, size);

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
        addresses_check(&insn);
    }
    const x86dec_options_t amd = {.vendor = X86DEC_VENDOR_AMD};
    if (x86dec_decode_with(data, size, &amd, &insn) == X86DEC_OK)
        addresses_check(&insn);
    return 0;
}
