/*
 * The reference side of the differential tests: Zydis (64-bit mode, 64-bit stack) decodes the
 * same bytes, and its mnemonic/attribute/operand metadata is mapped onto x86dec's classes.
 * Host only; never linked into anything freestanding.
 */
#ifndef X86DEC_TEST_ORACLE_H
#define X86DEC_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <x86dec/x86dec.h>

/* The classification both sides are compared on. */
#define ORACLE_CLASS_MASK (X86DEC_F_PRIVILEGED | X86DEC_F_SENSITIVE | X86DEC_F_MEMORY)

typedef struct {
    bool valid;
    unsigned length;
    uint32_t flags; /* X86DEC_F_* restricted to ORACLE_CLASS_MASK */
    char text[96];  /* Intel-syntax disassembly, or the Zydis status */
} oracle_result_t;

void oracle_init(void);
/* Which vendor both sides decode as (default Intel): Zydis' defaults, or its AMD-branch mode
 * with MPX off; x86dec with oracle_options(). */
void oracle_vendor_set(x86dec_vendor_t vendor);
x86dec_options_t oracle_options(void);
/* True at the encodings of the documented exclusion list (oracle.c), where Zydis 4.0 is not the
 * reference. */
bool oracle_excluded(const uint8_t *code, size_t size);
/* Full decode (with operands, needed for the memory class). */
void oracle_decode(const uint8_t *code, size_t size, oracle_result_t *result);
/* Length-only decode: valid and length, no classification or text. */
void oracle_length(const uint8_t *code, size_t size, oracle_result_t *result);

/* Capstone 4, a second opinion only: length of the instruction, 0 when it finds none. */
unsigned capstone_length(const uint8_t *code, size_t size, char *text, size_t text_size);

/* Our side, reduced to the same fields. */
void ours_decode(const uint8_t *code, size_t size, oracle_result_t *result);

/* 0 when both agree on validity, length and (when valid) classification. */
int oracle_compare(const oracle_result_t *ours, const oracle_result_t *ref);

/*
 * Operand-level check of an instruction x86dec accepted: when it describes the operands
 * (X86DEC_F_OPERANDS), they must match Zydis' one by one (its visible operands; for MOVS, STOS,
 * INS and OUTS also the hidden memory operands and rAX/DX): kind, register, size and access;
 * for memory operands base, index, scale, displacement, segment, address size and the effective
 * address for a fixed register file. 0 when they agree or x86dec describes no operands; else
 * 1 with what differs in why[0..why_size).
 */
int oracle_operands_compare(const uint8_t *code, size_t size, const x86dec_insn_t *insn, char *why,
                            size_t why_size);

#endif
