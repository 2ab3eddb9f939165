/*
 * GNU objdump as the reference disassembler of the patch scanner's image tests (test helper,
 * linked into every lib/pv test and fuzzer): its linear listing of an ELF file read instruction
 * by instruction, and which of its instructions the scanner must list as sites, told from
 * objdump's own mnemonics and operands (never from x86dec).
 */
#ifndef PATCH_OBJDUMP_H
#define PATCH_OBJDUMP_H

#include <pv/patch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    uint64_t address;
    unsigned length;   /* bytes; 0 for objdump's "(bad)" */
    char mnemonic[32]; /* without the prefix words objdump prints before it */
    char operands[128];
} patch_objdump_insn_t;

/* objdump -d -w -z [options] path, into a temporary file read from its start; NULL (and a line
 * on stderr) when objdump cannot be run. */
FILE *patch_objdump_run(const char *path, const char *options);

/* The next instruction of a listing; false at its end. */
bool patch_objdump_next(FILE *listing, patch_objdump_insn_t *insn);

/* The mnemonic class a site must have at this instruction (x86dec's or PV_PATCH_MN_*), or
 * X86DEC_MN_OTHER when it is no site: sensitive instructions, and CLI/STI. */
unsigned patch_objdump_site_mnemonic(const patch_objdump_insn_t *insn, pv_patch_mode_t mode);

/* The target of a direct near call ("call 0x..."), or false. */
bool patch_objdump_call_target(const patch_objdump_insn_t *insn, uint64_t *target);

#endif
