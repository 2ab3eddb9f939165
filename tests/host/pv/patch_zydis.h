/*
 * Zydis 4 as the reference for the patch scanner's 32-bit decoding (test helper, linked into
 * every lib/pv test and fuzzer): loaded with dlopen at first use, so that nothing else linked
 * with the helpers needs the library. 64-bit and 32-bit (protected mode) decodes, as Intel and
 * as AMD decode near branches, with x86dec's settings (docs/x86dec.md).
 */
#ifndef PATCH_ZYDIS_H
#define PATCH_ZYDIS_H

#include <pv/patch.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    bool valid;
    unsigned length;
    unsigned mnemonic; /* Zydis' own mnemonic number */
    bool knc;          /* a Knights Corner encoding (MVEX), never an x86-64 CPU's */
} patch_zydis_result_t;

/* False (and a line on stderr, once) when libZydis cannot be loaded. */
bool patch_zydis_available(void);

/* Decode one instruction in a mode as a vendor decodes it. */
void patch_zydis_decode(const uint8_t *code, size_t size, pv_patch_mode_t mode,
                        x86dec_vendor_t vendor, patch_zydis_result_t *result);

/* Zydis' name for a mnemonic number ("?" when unknown). */
const char *patch_zydis_mnemonic_name(unsigned mnemonic);

#endif
