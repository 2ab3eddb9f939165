/*
 * Zydis 4 through dlopen (test helper): see patch_zydis.h. The decoders are configured once per
 * mode and vendor and kept in this file's statics (host test code only).
 */
#include "patch_zydis.h"

#include <Zydis/Zydis.h>
#include <dlfcn.h>
#include <stdio.h>

typedef ZyanStatus (*decoder_init_t)(ZydisDecoder *, ZydisMachineMode, ZydisStackWidth);
typedef ZyanStatus (*decoder_mode_t)(ZydisDecoder *, ZydisDecoderMode, ZyanBool);
typedef ZyanStatus (*decode_t)(const ZydisDecoder *, ZydisDecoderContext *, const void *, ZyanUSize,
                               ZydisDecodedInstruction *);
typedef const char *(*mnemonic_name_t)(ZydisMnemonic);

static struct {
    bool tried;
    bool loaded;
    decode_t decode;
    mnemonic_name_t mnemonic_name;
    ZydisDecoder decoders[2][2]; /* [mode][vendor] */
} zydis;

/* x86dec's reference settings: Zydis' defaults for Intel; AMD branches on and MPX off for AMD. */
static bool decoders_init(decoder_init_t init, decoder_mode_t enable)
{
    for (unsigned mode = 0; mode < 2; mode++) {
        for (unsigned vendor = 0; vendor < 2; vendor++) {
            ZydisDecoder *decoder = &zydis.decoders[mode][vendor];
            ZyanStatus status =
                    mode == PV_PATCH_MODE_64
                            ? init(decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)
                            : init(decoder, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
            if (!ZYAN_SUCCESS(status)) {
                return false;
            }
            if (vendor == X86DEC_VENDOR_AMD &&
                (!ZYAN_SUCCESS(enable(decoder, ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE)) ||
                 !ZYAN_SUCCESS(enable(decoder, ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE)))) {
                return false;
            }
        }
    }
    return true;
}

bool patch_zydis_available(void)
{
    void *library;
    decoder_init_t init;
    decoder_mode_t enable;

    if (zydis.tried) {
        return zydis.loaded;
    }
    zydis.tried = true;
    library = dlopen("libZydis.so.4.0", RTLD_NOW);
    if (library == NULL) {
        library = dlopen("libZydis.so", RTLD_NOW);
    }
    if (library == NULL) {
        fprintf(stderr, "patch_zydis: libZydis not loadable (%s)\n", dlerror());
        return false;
    }
    init = (decoder_init_t)dlsym(library, "ZydisDecoderInit");
    enable = (decoder_mode_t)dlsym(library, "ZydisDecoderEnableMode");
    zydis.decode = (decode_t)dlsym(library, "ZydisDecoderDecodeInstruction");
    zydis.mnemonic_name = (mnemonic_name_t)dlsym(library, "ZydisMnemonicGetString");
    zydis.loaded = init != NULL && enable != NULL && zydis.decode != NULL &&
                   zydis.mnemonic_name != NULL && decoders_init(init, enable);
    if (!zydis.loaded) {
        fprintf(stderr, "patch_zydis: libZydis lacks what is needed\n");
    }
    return zydis.loaded;
}

void patch_zydis_decode(const uint8_t *code, size_t size, pv_patch_mode_t mode,
                        x86dec_vendor_t vendor, patch_zydis_result_t *result)
{
    ZydisDecodedInstruction insn;

    result->valid = false;
    result->length = 0;
    result->mnemonic = 0;
    result->knc = false;
    if (!patch_zydis_available() || mode > PV_PATCH_MODE_32 || vendor > X86DEC_VENDOR_AMD) {
        return;
    }
    if (ZYAN_SUCCESS(zydis.decode(&zydis.decoders[mode][vendor], NULL, code, size, &insn))) {
        result->valid = true;
        result->length = insn.length;
        result->mnemonic = insn.mnemonic;
        result->knc = insn.encoding == ZYDIS_INSTRUCTION_ENCODING_MVEX ||
                      (insn.attributes & ZYDIS_ATTRIB_HAS_MVEX) != 0;
    }
}

const char *patch_zydis_mnemonic_name(unsigned mnemonic)
{
    const char *name =
            patch_zydis_available() ? zydis.mnemonic_name((ZydisMnemonic)mnemonic) : NULL;

    return name != NULL ? name : "?";
}

/* Both decoders on code in a mode: whether they agree on validity and length. */
static bool agree_in(const uint8_t *code, size_t size, pv_patch_mode_t mode, x86dec_vendor_t vendor,
                     x86dec_insn_t *insn, x86dec_status_t *status, patch_zydis_result_t *reference)
{
    const x86dec_options_t options = {.vendor = (uint8_t)vendor};
    bool valid;

    *status = pv_patch_decode(code, size, mode, &options, insn);
    patch_zydis_decode(code, size, mode, vendor, reference);
    valid = reference->valid && !reference->knc;
    return valid == (*status == X86DEC_OK) && (!valid || insn->length == reference->length);
}

bool patch_zydis_agrees32(const uint8_t *code, size_t size, x86dec_vendor_t vendor, bool *explained,
                          char *why, size_t why_size)
{
    x86dec_insn_t insn;
    x86dec_status_t status;
    patch_zydis_result_t reference;
    int used;

    *explained = false;
    if (agree_in(code, size, PV_PATCH_MODE_32, vendor, &insn, &status, &reference)) {
        return true;
    }
    {
        x86dec_insn_t insn64;
        x86dec_status_t status64;
        patch_zydis_result_t reference64;
        if (!agree_in(code, size, PV_PATCH_MODE_64, vendor, &insn64, &status64, &reference64)) {
            *explained = true;
            return true;
        }
    }
    used = snprintf(why, why_size, "%s:", vendor == X86DEC_VENDOR_AMD ? "amd" : "intel");
    for (size_t i = 0; i < size && i < X86DEC_MAX_LENGTH && used >= 0 && (size_t)used < why_size;
         i++) {
        used += snprintf(why + used, why_size - (size_t)used, " %02x", code[i]);
    }
    if (used >= 0 && (size_t)used < why_size) {
        snprintf(why + used, why_size - (size_t)used, ": ours %s/%u (%s), zydis %s/%u (%s)",
                 status == X86DEC_OK ? "valid" : "invalid",
                 status == X86DEC_OK ? (unsigned)insn.length : 0u,
                 pv_patch_mnemonic_name(insn.mnemonic),
                 reference.valid && !reference.knc ? "valid" : "invalid", reference.length,
                 patch_zydis_mnemonic_name(reference.mnemonic));
    }
    return false;
}
