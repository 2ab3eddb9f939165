/*
 * disk=NAME[:START+COUNT][:ro] or disk=dev:N[:START+COUNT][:ro]: the value read into a
 * vmdecl_disk_t. NAME follows the module name grammar; "dev:" and a bare decimal N (no '+', so
 * never a module's START+COUNT) names the machine's disk N instead. START and COUNT are decimal
 * sector numbers without leading zeros (COUNT at least 1, both below 10^19 so their sum cannot
 * wrap); "ro" comes last. Nothing is stored on an error.
 */
#include "internal.h"

static vmdecl_status_t disk_fail(const vmdecl_word_t *word, vmdecl_error_t *err,
                                 vmdecl_status_t code, const char *sentence)
{
    return vmdecl_fail(err, code, word->key, word->key_length, word->position, sentence);
}

/* START+COUNT */
static bool disk_range(const char *text, size_t length, vmdecl_disk_t *disk)
{
    for (size_t plus = 0; plus < length; plus++) {
        if (text[plus] == '+') {
            return vmdecl_read_decimal(text, plus, &disk->start) &&
                   vmdecl_read_decimal(text + plus + 1, length - plus - 1, &disk->count) &&
                   disk->count > 0;
        }
    }
    return false;
}

static size_t part_end(const char *text, size_t at, size_t length)
{
    while (at < length && text[at] != ':') {
        at++;
    }
    return at;
}

/* "dev:" then digits only: the machine's disk N. *end moves past N; false (and *end unmoved)
 * for anything else, which is then a module's name. */
static bool machine_prefix(const char *text, size_t length, size_t *end)
{
    size_t digits_end;

    if (*end != 3 || text[0] != 'd' || text[1] != 'e' || text[2] != 'v' || length == 3) {
        return false;
    }
    digits_end = part_end(text, 4, length);
    for (size_t i = 4; i < digits_end; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    if (digits_end == 4) {
        return false;
    }
    *end = digits_end;
    return true;
}

vmdecl_status_t vmdecl_value_disk(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err)
{
    vmdecl_disk_t disk = {0};
    const char *text = word->value;
    size_t length = word->value_length, end;

    if (length == 0) {
        return disk_fail(word, err, VMDECL_ERR_VALUE, "empty value");
    }
    if (length > VMDECL_RAW_MAX) {
        return disk_fail(word, err, VMDECL_ERR_TOO_LONG, "longer than 63 bytes");
    }
    end = part_end(text, 0, length);
    if (end > VMDECL_MODULE_NAME_MAX || !vmdecl_module_name_valid(text, end)) {
        return vmdecl_fail_value(err, VMDECL_ERR_VALUE, word->key, word->key_length, word->position,
                                 "'", text, end,
                                 "' is not a disk name (A-Z, a-z, 0-9, '.', '_' and '-')");
    }
    if (machine_prefix(text, length, &end)) {
        uint64_t device = 0;
        if (!vmdecl_read_decimal(text + 4, end - 4, &device) ||
            device >= VMDECL_MACHINE_DISKS_MAX) {
            return vmdecl_fail_value(err, VMDECL_ERR_VALUE, word->key, word->key_length,
                                     word->position, "'", text, end,
                                     "' is not a machine disk (dev:0 to dev:3)");
        }
        disk.machine = true;
        disk.device = (uint32_t)device;
    }
    vmdecl_copy(disk.name, sizeof(disk.name), text, end);
    while (end < length) {
        size_t start = end + 1;

        end = part_end(text, start, length);
        if (disk.read_only) {
            return disk_fail(word, err, VMDECL_ERR_VALUE, "':ro' must come last");
        }
        if (end - start == 2 && text[start] == 'r' && text[start + 1] == 'o') {
            disk.read_only = true;
        } else if (!disk.has_range && disk_range(text + start, end - start, &disk)) {
            disk.has_range = true;
        } else {
            return vmdecl_fail_value(err, VMDECL_ERR_VALUE, word->key, word->key_length,
                                     word->position, "'", text + start, end - start,
                                     "' is neither START+COUNT (sectors, COUNT at least 1) nor ro");
        }
    }
    out->disk_spec = disk;
    vmdecl_copy(out->disk, sizeof(out->disk), text, length);
    return VMDECL_OK;
}
