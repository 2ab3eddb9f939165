/*
 * libFuzzer target for the patch scanner's 32-bit decoding: random bytes, and every suffix of
 * them, decoded by pv_patch_decode in 32-bit mode and by Zydis in 32-bit mode, as Intel and as
 * AMD: the same validity and length (differences x86dec and Zydis already have in 64-bit mode
 * aside, see patch_zydis_agrees32); and the same instruction cut short at every length is
 * truncated, never another instruction. Any disagreement aborts with both views.
 */
#include "patch_zydis.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void truncation_check(const uint8_t *code, size_t size)
{
    x86dec_insn_t insn;

    if (pv_patch_decode(code, size, PV_PATCH_MODE_32, NULL, &insn) != X86DEC_OK) {
        return;
    }
    for (size_t cut = 0; cut < insn.length; cut++) {
        x86dec_insn_t shorter;
        if (pv_patch_decode(code, cut, PV_PATCH_MODE_32, NULL, &shorter) != X86DEC_ERR_TRUNCATED) {
            fprintf(stderr,
                    "fuzz_patch_decode32: a %u-byte instruction cut to %zu is not "
                    "truncated\n",
                    insn.length, cut);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256];
    bool explained;

    if (!patch_zydis_available()) {
        abort(); /* without the reference there is no test */
    }
    for (size_t offset = 0; offset < size && offset < 64; offset++) {
        for (unsigned vendor = 0; vendor < 2; vendor++) {
            if (!patch_zydis_agrees32(data + offset, size - offset, (x86dec_vendor_t)vendor,
                                      &explained, why, sizeof(why))) {
                fprintf(stderr, "fuzz_patch_decode32: %s\n", why);
                abort();
            }
        }
        truncation_check(data + offset, size - offset);
    }
    return 0;
}
