/*
 * Printable names of the mnemonic classes, for logs and test output. Read-only data.
 */
#include "internal.h"

static const char *const mnemonic_names[X86DEC_MN_COUNT] = {
        [X86DEC_MN_OTHER] = "OTHER",
        [X86DEC_MN_MOV] = "MOV",
        [X86DEC_MN_MOVZX] = "MOVZX",
        [X86DEC_MN_MOVSX] = "MOVSX",
        [X86DEC_MN_MOVSXD] = "MOVSXD",
        [X86DEC_MN_MOVS] = "MOVS",
        [X86DEC_MN_STOS] = "STOS",
        [X86DEC_MN_MOV_FROM_CR] = "MOV_FROM_CR",
        [X86DEC_MN_MOV_TO_CR] = "MOV_TO_CR",
        [X86DEC_MN_MOV_FROM_DR] = "MOV_FROM_DR",
        [X86DEC_MN_MOV_TO_DR] = "MOV_TO_DR",
        [X86DEC_MN_IN] = "IN",
        [X86DEC_MN_OUT] = "OUT",
        [X86DEC_MN_INS] = "INS",
        [X86DEC_MN_OUTS] = "OUTS",
        [X86DEC_MN_RDMSR] = "RDMSR",
        [X86DEC_MN_WRMSR] = "WRMSR",
        [X86DEC_MN_CLI] = "CLI",
        [X86DEC_MN_STI] = "STI",
        [X86DEC_MN_HLT] = "HLT",
        [X86DEC_MN_INVLPG] = "INVLPG",
        [X86DEC_MN_LGDT] = "LGDT",
        [X86DEC_MN_LIDT] = "LIDT",
        [X86DEC_MN_LTR] = "LTR",
        [X86DEC_MN_LLDT] = "LLDT",
        [X86DEC_MN_SGDT] = "SGDT",
        [X86DEC_MN_SIDT] = "SIDT",
        [X86DEC_MN_SLDT] = "SLDT",
        [X86DEC_MN_STR] = "STR",
        [X86DEC_MN_SMSW] = "SMSW",
        [X86DEC_MN_LMSW] = "LMSW",
        [X86DEC_MN_CLTS] = "CLTS",
        [X86DEC_MN_SWAPGS] = "SWAPGS",
        [X86DEC_MN_SYSRET] = "SYSRET",
        [X86DEC_MN_IRET] = "IRET",
        [X86DEC_MN_PUSHF] = "PUSHF",
        [X86DEC_MN_POPF] = "POPF",
        [X86DEC_MN_CPUID] = "CPUID",
        [X86DEC_MN_RDTSC] = "RDTSC",
        [X86DEC_MN_RDTSCP] = "RDTSCP",
        [X86DEC_MN_XSETBV] = "XSETBV",
        [X86DEC_MN_VMCALL] = "VMCALL",
        [X86DEC_MN_VMMCALL] = "VMMCALL",
        [X86DEC_MN_INT] = "INT",
        [X86DEC_MN_INT3] = "INT3",
        [X86DEC_MN_INTO] = "INTO",
        [X86DEC_MN_INT1] = "INT1",
        [X86DEC_MN_WBINVD] = "WBINVD",
        [X86DEC_MN_INVD] = "INVD",
};

const char *x86dec_mnemonic_name(unsigned mnemonic)
{
    if (mnemonic >= X86DEC_MN_COUNT || mnemonic_names[mnemonic] == NULL)
        return "OTHER";
    return mnemonic_names[mnemonic];
}
