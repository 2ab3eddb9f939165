/*
 * Systematic differential test: every opcode of every map, under a set of prefix combinations,
 * with every ModRM byte and several SIB/displacement fills, decoded by x86dec and by Zydis.
 * Also VEX/XOP/EVEX payload variations, and, where x86dec describes the operands, the operands
 * and effective addresses. Prints each disagreement (a few per opcode) and a summary; exits
 * non-zero on any disagreement. "amd" repeats the legacy maps and the random encodings with
 * both sides decoding as AMD does (x86dec's AMD option, Zydis' AMD-branch mode without MPX).
 *   usage: x86dec-enumerate [legacy|vex|xop|evex|random|operands|amd|all] [max-lines]
 *          [random-seed]
 * (with a seed the random part runs ten times longer: for longer hunts)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

static unsigned long compared, mismatches;
static long print_budget = 200;

/* Per-(group key) print limit so one bad entry does not flood the output. */
static unsigned char printed[1 << 20];

static void report(const uint8_t *code, size_t size, const oracle_result_t *ours,
                   const oracle_result_t *ref, unsigned key)
{
    mismatches++;
    if (printed[key & ((1u << 20) - 1)]++ >= 2 || print_budget <= 0)
        return;
    print_budget--;
    char hex[64] = "";
    size_t shown = ref->valid ? ref->length : (ours->valid ? ours->length : 8);
    if (shown > size)
        shown = size;
    for (size_t i = 0; i < shown && i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", code[i]);
    printf("%-32s ours: %s len=%u cls=%x (%s) | zydis: %s len=%u cls=%x (%s)\n", hex,
           ours->valid ? "ok " : "bad", ours->length, ours->flags, ours->text,
           ref->valid ? "ok " : "bad", ref->length, ref->flags, ref->text);
}

static void check(const uint8_t *code, size_t size, unsigned key)
{
    oracle_result_t ours, ref;
    ours_decode(code, size, &ours);
    oracle_decode(code, size, &ref);
    compared++;
    if (oracle_compare(&ours, &ref))
        report(code, size, &ours, &ref, key);
}

static const char *const legacy_prefixes[] = {
        "",     "66",     "f3",   "f2",   "f0",   "48",     "41",     "44",   "42",
        "4f",   "67",     "6648", "66f3", "f366", "66f2",   "f266",   "f066", "f048",
        "f0f3", "f2f0",   "64",   "2e",   "4866", "f348",   "66f248", "f2f3", "f3f2",
        "40",   "f06641", "4c",   "f04c", "6667", "f366f2",
};

static size_t hex_parse(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (s[0] && s[1]) {
        unsigned v;
        sscanf(s, "%2x", &v);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static void enumerate_legacy(void)
{
    static const char *const maps[] = {"", "0f", "0f38", "0f3a"};
    static const uint8_t fills[] = {0x00, 0x25, 0xb4};
    uint8_t buf[32];
    for (unsigned p = 0; p < sizeof(legacy_prefixes) / sizeof(legacy_prefixes[0]); p++) {
        for (unsigned m = 0; m < 4; m++) {
            for (unsigned op = 0; op < 256; op++) {
                if (m == 0 && (op == 0x0f || op == 0xc4 || op == 0xc5 || op == 0x62))
                    continue;
                for (unsigned modrm = 0; modrm < 256; modrm++) {
                    for (unsigned f = 0; f < sizeof(fills); f++) {
                        size_t n = hex_parse(legacy_prefixes[p], buf);
                        n += hex_parse(maps[m], buf + n);
                        buf[n++] = (uint8_t)op;
                        buf[n++] = (uint8_t)modrm;
                        while (n < sizeof(buf))
                            buf[n++] = fills[f];
                        unsigned key = (p << 12) | (m << 10) | (op << 2) | (modrm >= 0xc0);
                        check(buf, sizeof(buf), key);
                    }
                }
            }
        }
    }
    /* 3DNow!: every suffix, register and memory forms. */
    for (unsigned suffix = 0; suffix < 256; suffix++) {
        static const char *const forms[] = {"0f0fc1", "0f0f00", "0f0f4000", "660f0fc1", "f30f0fc1"};
        for (unsigned f = 0; f < 5; f++) {
            size_t n = hex_parse(forms[f], buf);
            buf[n++] = (uint8_t)suffix;
            memset(buf + n, 0, sizeof(buf) - n);
            check(buf, sizeof(buf), (1u << 19) | (f << 8) | suffix);
        }
    }
}

/* VEX: C5 and C4 forms, all maps, W, L, pp, a few vvvv/R/X/B choices, every opcode and ModRM. */
static void enumerate_vex(void)
{
    uint8_t buf[32];
    static const uint8_t vvvv_choices[] = {0xF, 0x0, 0x7, 0x8};
    for (unsigned map = 0; map < 5; map++) {
        for (unsigned w = 0; w < 2; w++)
            for (unsigned l = 0; l < 2; l++)
                for (unsigned pp = 0; pp < 4; pp++)
                    for (unsigned v = 0; v < 4; v++)
                        for (unsigned rxb = 0; rxb < 8; rxb += (v <= 1 ? 1 : 7))
                            for (unsigned op = 0; op < 256; op++)
                                for (unsigned modrm = 0; modrm < 256; modrm++) {
                                    size_t n = 0;
                                    buf[n++] = 0xC4;
                                    buf[n++] = (uint8_t)(((~rxb & 7u) << 5) | map);
                                    buf[n++] =
                                            (uint8_t)((w << 7) | ((~vvvv_choices[v] & 15u) << 3) |
                                                      (l << 2) | pp);
                                    buf[n++] = (uint8_t)op;
                                    buf[n++] = (uint8_t)modrm;
                                    memset(buf + n, 0x00, sizeof(buf) - n);
                                    unsigned key = (2u << 18) | (map << 15) | (pp << 13) |
                                                   (op << 5) | (w << 4) | (l << 3) |
                                                   (v ^ (rxb << 2) ^ ((modrm >> 3) << 9));
                                    check(buf, sizeof(buf), key);
                                }
    }
}

/* XOP: maps 8-10 (and neighbours), W, L, pp, vvvv, every opcode and ModRM. */
static void enumerate_xop(void)
{
    uint8_t buf[32];
    for (unsigned map = 7; map < 12; map++)
        for (unsigned w = 0; w < 2; w++)
            for (unsigned l = 0; l < 2; l++)
                for (unsigned pp = 0; pp < 4; pp += 1)
                    for (unsigned v = 0; v < 2; v++)
                        for (unsigned op = 0; op < 256; op++)
                            for (unsigned modrm = 0; modrm < 256; modrm++) {
                                size_t n = 0;
                                buf[n++] = 0x8F;
                                buf[n++] = (uint8_t)(0xE0 | map);
                                buf[n++] = (uint8_t)((w << 7) | ((v ? 0x0u : 0xFu) << 3) |
                                                     (l << 2) | pp);
                                buf[n++] = (uint8_t)op;
                                buf[n++] = (uint8_t)modrm;
                                memset(buf + n, 0x00, sizeof(buf) - n);
                                unsigned key = (3u << 18) | ((map & 3u) << 16) | (pp << 14) |
                                               (op << 4) | (w << 3) | (l << 2) | v;
                                check(buf, sizeof(buf), key);
                            }
}

/* EVEX: maps 1-7, W, pp, L'L, b, z/aaa, V', vvvv, R', every opcode; ModRM mod/reg/rm samples. */
static void enumerate_evex(void)
{
    uint8_t buf[32];
    static const uint8_t modrms[] = {0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38,
                                     0x04, 0x44, 0xC0, 0xC8, 0xD0, 0xD8, 0xE0, 0xE8,
                                     0xF0, 0xF8, 0xC1, 0xC4, 0xCA, 0xFF, 0x05};
    for (unsigned map = 0; map < 8; map++)
        for (unsigned w = 0; w < 2; w++)
            for (unsigned pp = 0; pp < 4; pp++)
                for (unsigned ll = 0; ll < 4; ll++)
                    for (unsigned b = 0; b < 2; b++)
                        for (unsigned variant = 0; variant < 9; variant++)
                            for (unsigned op = 0; op < 256; op++)
                                for (unsigned m = 0; m < sizeof(modrms); m++) {
                                    unsigned z = variant == 1 || variant == 8,
                                             aaa = variant == 2 || variant == 8 ? 1 : 0;
                                    unsigned vprime = variant == 3 ? 0 : 1;   /* raw bit */
                                    unsigned vvvv = variant == 4 ? 0x0 : 0xF; /* raw (inverted) */
                                    unsigned rprime = variant == 5 ? 0 : 1;
                                    unsigned rxb = variant == 6 ? 0x0 : (variant == 7 ? 0x3 : 0x7);
                                    size_t n = 0;
                                    buf[n++] = 0x62;
                                    buf[n++] = (uint8_t)((rxb << 5) | (rprime << 4) | map);
                                    buf[n++] = (uint8_t)((w << 7) | (vvvv << 3) | 4u | pp);
                                    buf[n++] = (uint8_t)((z << 7) | (ll << 5) | (b << 4) |
                                                         (vprime << 3) | aaa);
                                    buf[n++] = (uint8_t)op;
                                    buf[n++] = modrms[m];
                                    memset(buf + n, 0x00, sizeof(buf) - n);
                                    unsigned key = (1u << 19) | ((map & 7u) << 16) | (pp << 14) |
                                                   (op << 6) | (w << 5) | (ll << 3) | (b << 2) |
                                                   (variant & 3u);
                                    check(buf, sizeof(buf), key);
                                }
}

/*
 * Operand descriptions: wherever x86dec describes the operands of an instruction, Zydis'
 * operands and effective addresses must match them (oracle_operands_compare). `key` groups the
 * printed disagreements as in report().
 */
static unsigned long operands_compared, operands_mismatches;
/* Operand descriptions are compared in the Intel mode only: Zydis' AMD-branch mode keeps far
 * pointers at m16:64 under REX.W, where AMD reads m16:32 (the unit tests cover AMD's operands). */
static bool amd_mode;

static void operands_check(const uint8_t *code, size_t size, unsigned key)
{
    x86dec_insn_t insn;
    char why[160];
    if (amd_mode || x86dec_decode(code, size, &insn) != X86DEC_OK ||
        !(insn.flags & X86DEC_F_OPERANDS))
        return;
    operands_compared++;
    if (!oracle_operands_compare(code, size, &insn, why, sizeof(why)))
        return;
    operands_mismatches++;
    key = (key ^ (insn.mnemonic << 10) ^ (5u << 17)) & ((1u << 20) - 1);
    if (printed[key]++ >= 2 || print_budget <= 0)
        return;
    print_budget--;
    printf("operands ");
    for (unsigned i = 0; i < insn.length; i++)
        printf("%02x", code[i]);
    printf(" %s: %s\n", x86dec_mnemonic_name(insn.mnemonic), why);
}

/* Every one-byte and 0F opcode under prefix mixes that change operand or address size, REX
 * bits and segment overrides (also two at once), with every ModRM byte and several
 * SIB/displacement/immediate fills. */
static void enumerate_operands(void)
{
    static const char *const prefixes[] = {
            "",     "66", "67",   "f3",   "f2",   "48",   "41",   "44",   "42",   "4f",   "40",
            "4c",   "45", "6648", "4866", "6667", "f366", "f348", "67f3", "664f", "64",   "65",
            "2e",   "3e", "26",   "36",   "6567", "6466", "6765", "642e", "2e64", "6465", "6564",
            "3665", "f0", "f0f0", "6666", "6767", "4041", "4140", "6741", "6743", "6649", "6747",
    };
    static const char *const maps[] = {"", "0f"};
    /* Bytes after ModRM: the first, then the rest (counting up from it when `count`). */
    static const struct {
        uint8_t first, rest;
        bool count;
    } fills[] = {{0x00, 0x00, false}, {0x25, 0x25, false}, {0xb4, 0xb4, false},
                 {0xff, 0xff, false}, {0x80, 0x81, true},  {0x25, 0xf3, false}};
    uint8_t buf[32];
    for (unsigned p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++)
        for (unsigned m = 0; m < 2; m++)
            for (unsigned op = 0; op < 256; op++)
                for (unsigned modrm = 0; modrm < 256; modrm++)
                    for (unsigned f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
                        size_t n = hex_parse(prefixes[p], buf);
                        n += hex_parse(maps[m], buf + n);
                        buf[n++] = (uint8_t)op;
                        buf[n++] = (uint8_t)modrm;
                        buf[n++] = fills[f].first;
                        for (unsigned k = 0; n < sizeof(buf); k++)
                            buf[n++] = (uint8_t)(fills[f].rest + (fills[f].count ? k : 0));
                        operands_check(buf, X86DEC_MAX_LENGTH, (p << 4) | (m << 3));
                    }
}

/* Deterministic pseudo-random generator (xorshift64*), so a failure reproduces. */
static uint64_t random_state = 0x9E3779B97F4A7C15ull;

static uint32_t random_next(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return (uint32_t)((random_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Structured random encodings: a few prefixes, then an escape chosen among the encodings, then
 * random bytes. Reaches combinations (prefix mixes, SIB bytes, register fields) that the
 * exhaustive loops above hold fixed. */
static void enumerate_random(unsigned long count)
{
    static const uint8_t prefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64,
                                       0x65, 0x40, 0x48, 0x41, 0x4c, 0x44, 0x4f};
    uint8_t buf[24];
    for (unsigned long i = 0; i < count; i++) {
        size_t n = 0;
        unsigned npfx = random_next() % 4;
        if (random_next() % 2 == 0)
            npfx = 0;
        for (unsigned k = 0; k < npfx; k++)
            buf[n++] = prefixes[random_next() % sizeof(prefixes)];
        switch (random_next() % 8) {
        case 0:
            buf[n++] = 0x0f;
            break;
        case 1:
            buf[n++] = 0x0f;
            buf[n++] = random_next() % 2 ? 0x38 : 0x3a;
            break;
        case 2:
            buf[n++] = 0xc4;
            break;
        case 3:
            buf[n++] = 0xc5;
            break;
        case 4:
        case 5:
            buf[n++] = 0x62;
            buf[n++] = (uint8_t)((random_next() & 0xf0) | (random_next() % 7));
            buf[n++] = (uint8_t)(random_next() | 4u);
            break;
        case 6:
            buf[n++] = 0x8f;
            buf[n++] = (uint8_t)((random_next() & 0xe0) | (8 + random_next() % 3));
            break;
        default:
            break;
        }
        while (n < sizeof(buf))
            buf[n++] = (uint8_t)random_next();
        check(buf, sizeof(buf), (4u << 18) | (buf[0] << 8) | buf[1]);
        operands_check(buf, sizeof(buf), (buf[0] << 8) | buf[1]);
    }
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    if (argc > 2)
        print_budget = atol(argv[2]);
    unsigned long random_count = 20000000;
    if (argc > 3) {
        random_state ^= strtoull(argv[3], NULL, 0);
        random_count = 200000000;
    }
    oracle_init();
    bool all = strcmp(what, "all") == 0;
    if (all || strcmp(what, "legacy") == 0)
        enumerate_legacy();
    if (all || strcmp(what, "vex") == 0)
        enumerate_vex();
    if (all || strcmp(what, "xop") == 0)
        enumerate_xop();
    if (all || strcmp(what, "evex") == 0)
        enumerate_evex();
    if (all || strcmp(what, "random") == 0)
        enumerate_random(random_count);
    if (all || strcmp(what, "operands") == 0)
        enumerate_operands();
    if (all || strcmp(what, "amd") == 0) {
        unsigned long before = compared;
        amd_mode = true;
        oracle_vendor_set(X86DEC_VENDOR_AMD);
        enumerate_legacy();
        enumerate_random(random_count / 4);
        oracle_vendor_set(X86DEC_VENDOR_INTEL);
        amd_mode = false;
        printf("enumerate amd: %lu encodings compared as AMD decodes them\n", compared - before);
    }
    if (operands_compared != 0)
        printf("enumerate operands: %lu operand descriptions compared, %lu disagreements\n",
               operands_compared, operands_mismatches);
    if (strcmp(what, "operands") != 0)
        printf("enumerate %s: %lu encodings compared, %lu disagreements\n", what, compared,
               mismatches);
    return mismatches != 0 || operands_mismatches != 0;
}
