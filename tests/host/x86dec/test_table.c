/*
 * x86dec against the reference table of privileged and sensitive instructions
 * (privileged_table.c): every row as Intel decodes it, as an Intel CPU without MPX and with the
 * short UD0 decodes it, and as AMD decodes it; the same rows against Zydis (Intel and AMD modes),
 * where only the rows of the documented exclusion list may be taken from the list instead; and
 * the table's own coherence (every class has a row, every emulated row a mnemonic class).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "oracle.h"
#include "privileged_table.h"

typedef struct {
    const char *name;
    x86dec_options_t options;
} configuration_t;

static const configuration_t configurations[] = {
        {"Intel", {.vendor = X86DEC_VENDOR_INTEL}},
        {"Intel, no MPX, short UD0",
         {.vendor = X86DEC_VENDOR_INTEL, .flags = X86DEC_OPT_NO_MPX | X86DEC_OPT_UD0_SHORT}},
        {"AMD", {.vendor = X86DEC_VENDOR_AMD}},
};
#define CONFIGURATIONS (sizeof(configurations) / sizeof(configurations[0]))

static size_t bytes_parse(const char *text, uint8_t *out, size_t capacity)
{
    size_t count = 0;
    unsigned value;
    int used;
    while (count < capacity && sscanf(text, " %2x%n", &value, &used) == 1) {
        out[count++] = (uint8_t)value;
        text += used;
    }
    return count;
}

/* The length a configuration must decode a row to (0: no instruction). */
static unsigned expected_length(const table_row_t *row, const configuration_t *configuration)
{
    if (configuration->options.vendor == X86DEC_VENDOR_AMD)
        return row->amd;
    if (row->quirk & configuration->options.flags)
        return row->amd;
    return row->intel;
}

static uint32_t expected_flags(const table_row_t *row)
{
    switch (row->cls) {
    case TABLE_PRIVILEGED:
        return X86DEC_F_PRIVILEGED;
    case TABLE_IOPL:
        return X86DEC_F_PRIVILEGED | X86DEC_F_IOPL;
    case TABLE_SENSITIVE:
        return X86DEC_F_SENSITIVE;
    default:
        return 0;
    }
}

static unsigned failures;

static void failure(const table_row_t *row, const char *where, const char *format, ...)
{
    va_list args;
    failures++;
    printf("  row \"%s\" (%s) %s: ", row->bytes, row->text, where);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
}

/* One row, one configuration: status, length, class, mnemonic class, operand description, the
 * length decoder, and truncation at every shorter length. */
static void row_check(const table_row_t *row, const configuration_t *configuration)
{
    const uint32_t classes = X86DEC_F_PRIVILEGED | X86DEC_F_SENSITIVE | X86DEC_F_IOPL;
    uint8_t code[X86DEC_MAX_LENGTH + 1];
    size_t size = bytes_parse(row->bytes, code, sizeof(code));
    unsigned want = expected_length(row, configuration);
    x86dec_insn_t insn;
    size_t length = 99;
    x86dec_status_t status = x86dec_decode_with(code, size, &configuration->options, &insn);
    x86dec_status_t length_status =
            x86dec_length_with(code, size, &configuration->options, &length);
    if (length_status != status || length != insn.length)
        failure(row, configuration->name, "x86dec_length_with says %d/%zu, decode %d/%u",
                length_status, length, status, insn.length);
    if (want == 0) {
        if (status != X86DEC_ERR_INVALID)
            failure(row, configuration->name, "status %d, want invalid", status);
        return;
    }
    if (status != X86DEC_OK || insn.length != want) {
        failure(row, configuration->name, "status %d length %u, want length %u", status,
                insn.length, want);
        return;
    }
    if ((insn.flags & classes) != expected_flags(row))
        failure(row, configuration->name, "class flags %#x, want %#x", insn.flags & classes,
                expected_flags(row));
    if (insn.mnemonic != row->mnemonic)
        failure(row, configuration->name, "mnemonic class %s, want %s",
                x86dec_mnemonic_name(insn.mnemonic), x86dec_mnemonic_name(row->mnemonic));
    if (((insn.flags & X86DEC_F_OPERANDS) != 0) != (row->mnemonic != X86DEC_MN_OTHER))
        failure(row, configuration->name, "operand description flag %d",
                (insn.flags & X86DEC_F_OPERANDS) != 0);
    for (size_t shorter = 0; shorter < want; shorter++) {
        status = x86dec_decode_with(code, shorter, &configuration->options, &insn);
        if (status != X86DEC_ERR_TRUNCATED)
            failure(row, configuration->name, "cut to %zu bytes: status %d, want truncated",
                    shorter, status);
    }
}

static void test_every_row_every_configuration(void **state)
{
    (void)state;
    failures = 0;
    for (size_t i = 0; i < privileged_table_rows; i++)
        for (size_t c = 0; c < CONFIGURATIONS; c++)
            row_check(&privileged_table[i], &configurations[c]);
    printf("  %zu rows, %zu configurations, %u failures\n", privileged_table_rows,
           (size_t)CONFIGURATIONS, failures);
    assert_int_equal(failures, 0);
}

/* Zydis (with the exclusion list) agrees with x86dec on every row, as Intel and as AMD; a row is
 * taken from the exclusion list exactly when the table says so. */
static void test_every_row_against_zydis(void **state)
{
    static const struct {
        x86dec_vendor_t vendor;
        uint8_t excluded;
        const char *name;
    } vendors[] = {{X86DEC_VENDOR_INTEL, TABLE_EXCLUDED_INTEL, "Zydis, Intel"},
                   {X86DEC_VENDOR_AMD, TABLE_EXCLUDED_AMD, "Zydis, AMD"}};
    (void)state;
    failures = 0;
    for (size_t v = 0; v < 2; v++) {
        oracle_vendor_set(vendors[v].vendor);
        for (size_t i = 0; i < privileged_table_rows; i++) {
            const table_row_t *row = &privileged_table[i];
            uint8_t code[X86DEC_MAX_LENGTH + 1];
            size_t size = bytes_parse(row->bytes, code, sizeof(code));
            oracle_result_t ours, ref;
            ours_decode(code, size, &ours);
            oracle_decode(code, size, &ref);
            if (oracle_compare(&ours, &ref))
                failure(row, vendors[v].name, "x86dec %s %u %#x, reference %s %u %#x (%s)",
                        ours.valid ? "valid" : "invalid", ours.length, ours.flags,
                        ref.valid ? "valid" : "invalid", ref.length, ref.flags, ref.text);
            bool listed = (row->excluded & vendors[v].excluded) != 0;
            if (oracle_excluded(code, size) != listed)
                failure(row, vendors[v].name, "exclusion list %s it, the table %s",
                        listed ? "misses" : "holds", listed ? "lists it" : "does not");
        }
    }
    oracle_vendor_set(X86DEC_VENDOR_INTEL);
    assert_int_equal(failures, 0);
}

/* The table itself: a disposition that fits the class, a mnemonic class wherever the VMM must
 * emulate or deliver, every mnemonic class present, no encoding twice, a source on every row. */
static void test_table_is_coherent(void **state)
{
    bool seen[X86DEC_MN_COUNT] = {false};
    (void)state;
    failures = 0;
    for (size_t i = 0; i < privileged_table_rows; i++) {
        const table_row_t *row = &privileged_table[i];
        bool undefined = row->intel == 0 && row->amd == 0;
        if (row->mnemonic < X86DEC_MN_COUNT)
            seen[row->mnemonic] = true;
        if (row->source == NULL || strlen(row->source) < 4)
            failure(row, "table", "no source");
        if (undefined && row->disposition != TABLE_REFLECT)
            failure(row, "table", "an undefined encoding can only be reflected");
        if (!undefined) {
            switch (row->cls) {
            case TABLE_PRIVILEGED:
                if (row->disposition != TABLE_EMULATE && row->disposition != TABLE_REFLECT)
                    failure(row, "table", "privileged, neither emulated nor reflected");
                break;
            case TABLE_IOPL:
            case TABLE_SENSITIVE:
                if (row->disposition != TABLE_EMULATE)
                    failure(row, "table", "sensitive or IOPL-sensitive but not emulated");
                break;
            default:
                if (row->disposition == TABLE_EMULATE || row->disposition == TABLE_REFLECT)
                    failure(row, "table", "neither privileged nor sensitive, yet trapped");
                break;
            }
        }
        bool routed = row->disposition == TABLE_EMULATE || row->disposition == TABLE_DELIVER ||
                      row->disposition == TABLE_MMIO;
        if (routed && row->mnemonic == X86DEC_MN_OTHER)
            failure(row, "table", "the VMM handles it, yet it has no mnemonic class");
        for (size_t j = 0; j < i; j++)
            if (strcmp(privileged_table[j].bytes, row->bytes) == 0)
                failure(row, "table", "listed twice");
    }
    for (unsigned m = 1; m < X86DEC_MN_COUNT; m++)
        if (!seen[m]) {
            failures++;
            printf("  mnemonic class %s has no row\n", x86dec_mnemonic_name(m));
        }
    assert_int_equal(failures, 0);
}

static int setup(void **state)
{
    (void)state;
    oracle_init();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_table_is_coherent),
            cmocka_unit_test(test_every_row_every_configuration),
            cmocka_unit_test(test_every_row_against_zydis),
    };
    return cmocka_run_group_tests_name("x86dec privileged table", tests, setup, NULL);
}
