/*
 * Printable names of the scanner's errors, site kinds, notes and the 32-bit-only mnemonic
 * classes, for the VMM's reports and the tools. Constant strings only.
 */
#include "patch_internal.h"

const char *pv_patch_error_string(pv_patch_error_t error)
{
    static const char *const strings[PV_PATCH_ERR_COUNT] = {
            [PV_PATCH_OK] = "no error",
            [PV_PATCH_ERR_ARGUMENT] = "bad argument",
            [PV_PATCH_ERR_REGION_COUNT] = "no region, or too many",
            [PV_PATCH_ERR_REGION_EMPTY] = "a region of length 0",
            [PV_PATCH_ERR_REGION_WRAP] = "a region wraps around 2^64",
            [PV_PATCH_ERR_REGION_NONCANONICAL] = "a region is not canonical",
            [PV_PATCH_ERR_REGION_NOT_RAM] = "a region is not guest RAM",
            [PV_PATCH_ERR_REGION_OVERLAP] = "two regions share a virtual address",
            [PV_PATCH_ERR_WORKSPACE] = "workspace too small or misaligned",
            [PV_PATCH_ERR_ENTRY_OUTSIDE] = "a boot entry lies in no region",
            [PV_PATCH_ERR_SITES_FULL] = "more sites than the table holds",
            [PV_PATCH_ERR_CAPACITY] = "more than the output array holds",
            [PV_PATCH_ERR_ELF] = "malformed ELF symbol table or PVH note",
            [PV_PATCH_ERR_CONFLICT] = "a conflict breaks a patch",
            [PV_PATCH_ERR_CHANGED] = "guest memory changed under the sites",
            [PV_PATCH_ERR_NOT_RAM] = "a site is not in guest RAM",
    };

    return (unsigned)error < PV_PATCH_ERR_COUNT ? strings[error] : "unknown error";
}

const char *pv_patch_kind_name(pv_patch_kind_t kind)
{
    static const char *const names[PV_PATCH_KIND_COUNT] = {
            [PV_PATCH_KIND_NONE] = "none", [PV_PATCH_KIND_CLI] = "cli",
            [PV_PATCH_KIND_STI] = "sti",   [PV_PATCH_KIND_PUSHF] = "pushf",
            [PV_PATCH_KIND_POPF] = "popf", [PV_PATCH_KIND_UD2] = "ud2",
            [PV_PATCH_KIND_INT3] = "int3",
    };

    return (unsigned)kind < PV_PATCH_KIND_COUNT ? names[kind] : "unknown";
}

const char *pv_patch_note_name(pv_patch_note_kind_t kind)
{
    static const char *const names[PV_PATCH_NOTE_COUNT] = {
            [PV_PATCH_NOTE_TARGET_OUTSIDE] = "target-outside",
            [PV_PATCH_NOTE_TRUNCATED] = "truncated",
            [PV_PATCH_NOTE_INVALID] = "invalid",
            [PV_PATCH_NOTE_TOO_LONG] = "too-long",
            [PV_PATCH_NOTE_FAR_UNRESOLVED] = "far-unresolved",
            [PV_PATCH_NOTE_SYMBOL_OUTSIDE] = "symbol-outside",
            [PV_PATCH_NOTE_SYMBOL_32BIT] = "symbol-32bit",
            [PV_PATCH_NOTE_RUNTIME_OUTSIDE] = "runtime-outside",
    };

    return (unsigned)kind < PV_PATCH_NOTE_COUNT && names[kind] != NULL ? names[kind] : "unknown";
}

const char *pv_patch_mnemonic_name(unsigned mnemonic)
{
    static const char *const names[PV_PATCH_MN_COUNT - X86DEC_MN_COUNT] = {
            [PV_PATCH_MN_PUSH_SREG - X86DEC_MN_COUNT] = "PUSH_SREG",
            [PV_PATCH_MN_POP_SREG32 - X86DEC_MN_COUNT] = "POP_SREG32",
            [PV_PATCH_MN_LES - X86DEC_MN_COUNT] = "LES",
            [PV_PATCH_MN_LDS - X86DEC_MN_COUNT] = "LDS",
            [PV_PATCH_MN_CALL_FAR_DIRECT - X86DEC_MN_COUNT] = "CALL_FAR_DIRECT",
            [PV_PATCH_MN_JMP_FAR_DIRECT - X86DEC_MN_COUNT] = "JMP_FAR_DIRECT",
            [PV_PATCH_MN_INC_DEC - X86DEC_MN_COUNT] = "INC_DEC",
            [PV_PATCH_MN_LEGACY - X86DEC_MN_COUNT] = "LEGACY",
    };

    if (mnemonic < X86DEC_MN_COUNT) {
        return x86dec_mnemonic_name(mnemonic);
    }
    return mnemonic < PV_PATCH_MN_COUNT ? names[mnemonic - X86DEC_MN_COUNT] : "OTHER";
}
