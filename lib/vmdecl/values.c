/*
 * The value of each key, checked and stored in the declaration. A value arrives decoded (quotes
 * and escapes gone), at most VMDECL_CMDLINE_MAX bytes (parse.c refuses longer ones before any
 * of these runs); nothing here reads past its length.
 */
#include "internal.h"

#define DECIMAL_DIGITS_MAX 19 /* below 2^63: no overflow while reading */

static vmdecl_status_t fail(const vmdecl_word_t *word, vmdecl_error_t *err, vmdecl_status_t code,
                            const char *sentence)
{
    return vmdecl_fail(err, code, word->key, word->key_length, word->position, sentence);
}

/* "<key>: <before><value><after>" */
static vmdecl_status_t fail_value(const vmdecl_word_t *word, vmdecl_error_t *err,
                                  vmdecl_status_t code, const char *before, const char *after)
{
    return vmdecl_fail_value(err, code, word->key, word->key_length, word->position, before,
                             word->value, word->value_length, after);
}

static vmdecl_status_t check_present(const vmdecl_word_t *word, vmdecl_error_t *err)
{
    return word->value_length == 0 ? fail(word, err, VMDECL_ERR_VALUE, "empty value") : VMDECL_OK;
}

/* Only digits, the first not a zero: a number, however large. */
static bool all_digits(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    return length > 0 && text[0] != '0';
}

bool vmdecl_read_decimal(const char *text, size_t length, uint64_t *value)
{
    if (length == 0 || length > DECIMAL_DIGITS_MAX || (text[0] == '0' && length > 1)) {
        return false;
    }
    *value = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        *value = *value * 10 + (uint64_t)(text[i] - '0');
    }
    return true;
}

vmdecl_status_t vmdecl_value_vm(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    vmdecl_status_t status = check_present(word, err);

    if (status != VMDECL_OK) {
        return status;
    }
    if (word->value_length > VMDECL_NAME_MAX) {
        return fail(word, err, VMDECL_ERR_TOO_LONG, "name too long");
    }
    if (!vmdecl_vm_name_valid(word->value, word->value_length)) {
        return fail_value(word, err, VMDECL_ERR_VALUE, "'",
                          "' is not a VM name (a-z, 0-9 and '-', starting with a letter)");
    }
    out->is_vm = true;
    vmdecl_copy(out->name, sizeof(out->name), word->value, word->value_length);
    return VMDECL_OK;
}

static vmdecl_status_t module_name(const vmdecl_word_t *word, const char *name, size_t length,
                                   vmdecl_error_t *err)
{
    if (length > VMDECL_MODULE_NAME_MAX) {
        return fail(word, err, VMDECL_ERR_TOO_LONG, "module name too long");
    }
    if (!vmdecl_module_name_valid(name, length)) {
        return vmdecl_fail_value(err, VMDECL_ERR_VALUE, word->key, word->key_length, word->position,
                                 "'", name, length,
                                 "' is not a module name (A-Z, a-z, 0-9, '.', '_' and '-')");
    }
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_value_name(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    vmdecl_status_t status = check_present(word, err);

    if (status == VMDECL_OK) {
        status = module_name(word, word->value, word->value_length, err);
    }
    if (status == VMDECL_OK) {
        vmdecl_copy(out->name, sizeof(out->name), word->value, word->value_length);
    }
    return status;
}

vmdecl_status_t vmdecl_value_mode(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    vmdecl_status_t status = check_present(word, err);

    if (status != VMDECL_OK) {
        return status;
    }
    if (vmdecl_mode_from_name(word->value, &out->mode)) {
        return VMDECL_OK;
    }
    return fail_value(word, err, VMDECL_ERR_VALUE, "unknown mode '", "'");
}

/* The multiplier of a size suffix, 0 for none that is known. */
static uint64_t size_unit(char suffix)
{
    switch (suffix) {
    case 'K':
    case 'k':
        return 1ull << 10;
    case 'M':
    case 'm':
        return 1ull << 20;
    case 'G':
    case 'g':
        return 1ull << 30;
    default:
        return 0;
    }
}

vmdecl_status_t vmdecl_value_memory(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    size_t digits = word->value_length;
    uint64_t unit = 1;
    uint64_t count;
    vmdecl_status_t status = check_present(word, err);

    if (status != VMDECL_OK) {
        return status;
    }
    uint64_t suffix = size_unit(word->value[digits - 1]);
    if (suffix != 0) {
        unit = suffix;
        digits--;
    }
    if (!vmdecl_read_decimal(word->value, digits, &count)) {
        bool huge = digits > DECIMAL_DIGITS_MAX && all_digits(word->value, digits);
        return fail_value(word, err, huge ? VMDECL_ERR_RANGE : VMDECL_ERR_VALUE, "",
                          huge ? " is above 64G" : " is not a size");
    }
    if (count > VMDECL_MEMORY_MAX / unit) {
        return fail_value(word, err, VMDECL_ERR_RANGE, "", " is above 64G");
    }
    if (count * unit < VMDECL_MEMORY_MIN) {
        return fail_value(word, err, VMDECL_ERR_RANGE, "", " is below 2M");
    }
    if ((count * unit) % VMDECL_MEMORY_UNIT != 0) {
        return fail_value(word, err, VMDECL_ERR_VALUE, "", " is not a whole number of MiB");
    }
    out->memory = count * unit;
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_value_vcpus(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    uint64_t count;
    vmdecl_status_t status = check_present(word, err);

    if (status != VMDECL_OK) {
        return status;
    }
    if (!vmdecl_read_decimal(word->value, word->value_length, &count)) {
        bool huge = word->value_length > DECIMAL_DIGITS_MAX &&
                    all_digits(word->value, word->value_length);
        return fail_value(word, err, huge ? VMDECL_ERR_RANGE : VMDECL_ERR_VALUE, "",
                          huge ? " is not within 1-16" : " is not a number");
    }
    if (count < 1 || count > VMDECL_VCPUS_MAX) {
        return fail_value(word, err, VMDECL_ERR_RANGE, "", " is not within 1-16");
    }
    out->vcpus = (uint32_t)count;
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_value_cmdline(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    if (word->value_length > VMDECL_CMDLINE_MAX) {
        return fail(word, err, VMDECL_ERR_TOO_LONG, "longer than 255 bytes");
    }
    vmdecl_copy(out->cmdline, sizeof(out->cmdline), word->value, word->value_length);
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_value_initrd(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    vmdecl_status_t status = check_present(word, err);

    if (status == VMDECL_OK) {
        status = module_name(word, word->value, word->value_length, err);
    }
    if (status == VMDECL_OK) {
        vmdecl_copy(out->initrd, sizeof(out->initrd), word->value, word->value_length);
    }
    return status;
}

vmdecl_status_t vmdecl_value_modules(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    size_t start = 0;
    vmdecl_status_t status = check_present(word, err);

    while (status == VMDECL_OK && start <= word->value_length) {
        size_t end = start;
        while (end < word->value_length && word->value[end] != ',') {
            end++;
        }
        if (end == start) {
            return fail(word, err, VMDECL_ERR_VALUE, "empty name in the list");
        }
        if (out->module_count == VMDECL_MODULES_MAX) {
            return fail(word, err, VMDECL_ERR_TOO_MANY, "more than 4 modules");
        }
        status = module_name(word, word->value + start, end - start, err);
        if (status != VMDECL_OK) {
            return status;
        }
        char *name = out->modules[out->module_count];
        vmdecl_copy(name, sizeof(out->modules[0]), word->value + start, end - start);
        for (unsigned i = 0; i < out->module_count; i++) {
            if (vmdecl_names_equal(out->modules[i], name)) {
                return vmdecl_fail_value(err, VMDECL_ERR_VALUE, word->key, word->key_length,
                                         word->position, "'", name, end - start, "' listed twice");
            }
        }
        out->module_count++;
        start = end + 1;
    }
    return status;
}

vmdecl_status_t vmdecl_value_autostart(const vmdecl_word_t *word, vmdecl_t *out,
                                       vmdecl_error_t *err)
{
    if (vmdecl_names_equal(word->value, "yes")) {
        out->autostart = true;
        return VMDECL_OK;
    }
    if (vmdecl_names_equal(word->value, "no")) {
        out->autostart = false;
        return VMDECL_OK;
    }
    return fail_value(word, err, VMDECL_ERR_VALUE, "expected yes or no, not '", "'");
}

static vmdecl_status_t raw_value(const vmdecl_word_t *word, char *to, size_t size,
                                 vmdecl_error_t *err)
{
    vmdecl_status_t status = check_present(word, err);

    if (status != VMDECL_OK) {
        return status;
    }
    if (word->value_length > VMDECL_RAW_MAX) {
        return fail(word, err, VMDECL_ERR_TOO_LONG, "longer than 63 bytes");
    }
    vmdecl_copy(to, size, word->value, word->value_length);
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_value_net(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    return raw_value(word, out->net, sizeof(out->net), err);
}
