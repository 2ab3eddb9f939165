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

/*
 * pv_patch_decode in 32-bit mode against Zydis: the same validity and, when valid, the same
 * length (Knights Corner encodings count as invalid, as in x86dec's oracle). Where x86dec and
 * Zydis already differ on the same bytes in 64-bit mode the difference is x86dec's own (its
 * exclusion list, judged by its tests) and not the 32-bit layer's: *explained is set and true
 * returned. False on any other difference, described in why[0 .. why_size).
 */
bool patch_zydis_agrees32(const uint8_t *code, size_t size, x86dec_vendor_t vendor, bool *explained,
                          char *why, size_t why_size);

/* Zydis' name for a mnemonic number ("?" when unknown). */
const char *patch_zydis_mnemonic_name(unsigned mnemonic);

#endif
