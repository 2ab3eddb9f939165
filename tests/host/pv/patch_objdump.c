/*
 * GNU objdump as the reference disassembler (test helper): see patch_objdump.h. The site rules
 * here are written from the AT&T mnemonics objdump prints, so that they check x86dec's classes
 * rather than repeat them.
 */
#include "patch_objdump.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

FILE *patch_objdump_run(const char *path, const char *options)
{
    char command[1024];
    char buffer[65536];
    FILE *pipe;
    FILE *listing = tmpfile();
    size_t got;
    int status;

    if (listing == NULL) {
        return NULL;
    }
    snprintf(command, sizeof(command), "objdump -d -w -z %s '%s' 2>/dev/null", options, path);
    pipe = popen(command, "r");
    if (pipe == NULL) {
        fclose(listing);
        return NULL;
    }
    while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
        if (fwrite(buffer, 1, got, listing) != got) {
            break;
        }
    }
    status = pclose(pipe);
    if (status != 0) {
        fprintf(stderr, "patch_objdump: '%s' failed (status %d)\n", command, status);
        fclose(listing);
        return NULL;
    }
    rewind(listing);
    return listing;
}

/* Words objdump prints before a mnemonic for prefixes. */
static bool prefix_word(const char *word)
{
    static const char *const words[] = {
            "rep",     "repz",    "repnz",    "repe",     "repne",  "lock",   "data16",  "data32",
            "addr16",  "addr32",  "cs",       "ds",       "es",     "ss",     "fs",      "gs",
            "notrack", "bnd",     "xacquire", "xrelease", "rex",    "rex.W",  "rex.B",   "rex.X",
            "rex.R",   "rex.WB",  "rex.WR",   "rex.WX",   "rex.RB", "rex.XB", "rex.WRB", "rex.WXB",
            "rex.RXB", "rex.WRX", "rex.WRXB", "{vex}",    "{evex}",
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp(word, words[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool patch_objdump_next(FILE *listing, patch_objdump_insn_t *insn)
{
    char line[1024];

    while (fgets(line, sizeof(line), listing) != NULL) {
        char *bytes = strchr(line, '\t');
        char *text;
        char *cursor;
        unsigned long long address;
        unsigned count = 0;

        /* "  address:\tbytes\ttext"; anything else (headers, labels) is skipped */
        if (bytes == NULL || sscanf(line, " %llx:", &address) != 1) {
            continue;
        }
        text = strchr(bytes + 1, '\t');
        if (text != NULL) {
            *text++ = '\0';
        }
        for (cursor = bytes + 1; *cursor != '\0';) {
            unsigned value;
            int used;
            if (sscanf(cursor, " %2x%n", &value, &used) != 1) {
                break;
            }
            count++;
            cursor += used;
        }
        memset(insn, 0, sizeof(*insn));
        insn->address = address;
        insn->length = count;
        if (text == NULL) {
            continue; /* a line of bytes alone: not an instruction */
        }
        text[strcspn(text, "\n#<")] = '\0';
        for (;;) {
            char word[32];
            int used = 0;
            if (sscanf(text, " %31s%n", word, &used) != 1) {
                break;
            }
            if (prefix_word(word)) {
                text += used;
                continue;
            }
            memcpy(insn->mnemonic, word, sizeof(word));
            text += used;
            while (isspace((unsigned char)*text)) {
                text++;
            }
            snprintf(insn->operands, sizeof(insn->operands), "%s", text);
            break;
        }
        /* trailing blanks of the operands */
        for (size_t end = strlen(insn->operands);
             end > 0 && isspace((unsigned char)insn->operands[end - 1]); end--) {
            insn->operands[end - 1] = '\0';
        }
        if (strcmp(insn->mnemonic, "(bad)") == 0) {
            insn->length = 0;
        }
        return true;
    }
    return false;
}

/* The operands split at the comma outside parentheses: source and destination (AT&T). */
static void operands_split(const char *operands, char *source, char *destination, size_t size)
{
    int depth = 0;
    const char *comma = NULL;

    for (const char *at = operands; *at != '\0'; at++) {
        depth += *at == '(' ? 1 : (*at == ')' ? -1 : 0);
        if (*at == ',' && depth == 0) {
            comma = at;
        }
    }
    if (comma == NULL) {
        snprintf(source, size, "%s", operands);
        destination[0] = '\0';
        return;
    }
    snprintf(source, size, "%.*s", (int)(comma - operands), operands);
    snprintf(destination, size, "%s", comma + 1);
}

static bool segment_register(const char *operand)
{
    static const char *const names[] = {"%es", "%cs", "%ss", "%ds", "%fs", "%gs"};

    for (size_t i = 0; i < 6; i++) {
        if (strcmp(operand, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool starts(const char *mnemonic, const char *stem, size_t max_suffix)
{
    size_t length = strlen(stem);

    return strncmp(mnemonic, stem, length) == 0 && strlen(mnemonic) <= length + max_suffix;
}

/* Mnemonics (with an optional size suffix) that are sites whatever their operands. */
static unsigned site_by_mnemonic(const char *m)
{
    static const struct {
        const char *stem;
        size_t suffix;
        unsigned mnemonic;
    } table[] = {
            {"cli", 0, X86DEC_MN_CLI},
            {"sti", 0, X86DEC_MN_STI},
            {"pushf", 1, X86DEC_MN_PUSHF},
            {"popf", 1, X86DEC_MN_POPF},
            {"iret", 1, X86DEC_MN_IRET},
            {"lret", 1, X86DEC_MN_RET_FAR},
            {"cpuid", 0, X86DEC_MN_CPUID},
            {"sgdt", 1, X86DEC_MN_SGDT},
            {"sidt", 1, X86DEC_MN_SIDT},
            {"sldt", 1, X86DEC_MN_SLDT},
            {"str", 1, X86DEC_MN_STR},
            {"smsw", 1, X86DEC_MN_SMSW},
            {"lar", 1, X86DEC_MN_LAR},
            {"lsl", 1, X86DEC_MN_LSL},
            {"verr", 0, X86DEC_MN_VERR},
            {"verw", 0, X86DEC_MN_VERW},
            {"rdtsc", 0, X86DEC_MN_RDTSC},
            {"rdtscp", 0, X86DEC_MN_RDTSCP},
            {"rdpid", 0, X86DEC_MN_RDPID},
            {"xgetbv", 0, X86DEC_MN_XGETBV},
            {"rdpkru", 0, X86DEC_MN_RDPKRU},
            {"wrpkru", 0, X86DEC_MN_WRPKRU},
            {"rdfsbase", 0, X86DEC_MN_RDFSBASE},
            {"rdgsbase", 0, X86DEC_MN_RDGSBASE},
            {"wrfsbase", 0, X86DEC_MN_WRFSBASE},
            {"wrgsbase", 0, X86DEC_MN_WRGSBASE},
            {"vmcall", 0, X86DEC_MN_VMCALL},
            {"vmmcall", 0, X86DEC_MN_VMMCALL},
            /* F3 VMMCALL: an SEV-ES guest's exit, a VMMCALL in any other guest */
            {"vmgexit", 0, X86DEC_MN_VMMCALL},
            {"tpause", 0, X86DEC_MN_TPAUSE},
            {"umwait", 0, X86DEC_MN_UMWAIT},
            {"lss", 1, X86DEC_MN_LSS},
            {"lfs", 1, X86DEC_MN_LFS},
            {"lgs", 1, X86DEC_MN_LGS},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (starts(m, table[i].stem, table[i].suffix)) {
            return table[i].mnemonic;
        }
    }
    return X86DEC_MN_OTHER;
}

unsigned patch_objdump_site_mnemonic(const patch_objdump_insn_t *insn, pv_patch_mode_t mode)
{
    const char *m = insn->mnemonic;
    char source[128];
    char destination[128];
    unsigned by_name = site_by_mnemonic(m);
    bool bits32 = mode == PV_PATCH_MODE_32;

    if (by_name != X86DEC_MN_OTHER) {
        return by_name;
    }
    operands_split(insn->operands, source, destination, sizeof(source));
    if (starts(m, "mov", 1) && destination[0] != '\0') {
        if (segment_register(destination)) {
            return X86DEC_MN_MOV_TO_SREG;
        }
        if (strcmp(source, "%cs") == 0 || strcmp(source, "%ss") == 0) {
            return X86DEC_MN_MOV_FROM_SREG;
        }
    }
    if (starts(m, "pop", 1) && (strcmp(source, "%fs") == 0 || strcmp(source, "%gs") == 0)) {
        return X86DEC_MN_POP_SREG;
    }
    if (bits32 && starts(m, "pop", 1) && segment_register(source)) {
        return PV_PATCH_MN_POP_SREG32;
    }
    if (bits32 && starts(m, "push", 1) &&
        (strcmp(source, "%cs") == 0 || strcmp(source, "%ss") == 0)) {
        return PV_PATCH_MN_PUSH_SREG;
    }
    if (bits32 && (starts(m, "les", 1) || starts(m, "lds", 1))) {
        return m[1] == 'e' ? PV_PATCH_MN_LES : PV_PATCH_MN_LDS;
    }
    if (starts(m, "ljmp", 1) || starts(m, "lcall", 1)) {
        bool jump = m[1] == 'j';
        if (source[0] == '$') {
            return jump ? PV_PATCH_MN_JMP_FAR_DIRECT : PV_PATCH_MN_CALL_FAR_DIRECT;
        }
        return jump ? X86DEC_MN_JMP_FAR : X86DEC_MN_CALL_FAR;
    }
    return X86DEC_MN_OTHER;
}

bool patch_objdump_call_target(const patch_objdump_insn_t *insn, uint64_t *target)
{
    unsigned long long value;

    if (!starts(insn->mnemonic, "call", 1) || insn->operands[0] == '*' ||
        sscanf(insn->operands, "%llx", &value) != 1) {
        return false;
    }
    *target = value;
    return true;
}
