/*
 * vmdecl_parse: the path, then each key=value word through the key table (unknown and repeated
 * keys refused), then what needs the whole line (VM-only keys on a data module, the name).
 */
#include "internal.h"

#define KEY_VM_ONLY 0x1u
#define KEY_DATA    0x2u /* only on a data module */

typedef vmdecl_status_t (*value_fn)(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);

typedef struct {
    const char *name;
    value_fn parse;
    unsigned flags;
} vmdecl_key_t;

static const vmdecl_key_t keys[] = {
        {"vm", vmdecl_value_vm, 0},
        {"name", vmdecl_value_name, KEY_DATA},
        {"mode", vmdecl_value_mode, KEY_VM_ONLY},
        {"mem", vmdecl_value_memory, KEY_VM_ONLY},
        {"vcpus", vmdecl_value_vcpus, KEY_VM_ONLY},
        {"cmdline", vmdecl_value_cmdline, KEY_VM_ONLY},
        {"initrd", vmdecl_value_initrd, KEY_VM_ONLY},
        {"modules", vmdecl_value_modules, KEY_VM_ONLY},
        {"autostart", vmdecl_value_autostart, KEY_VM_ONLY},
        {"disk", vmdecl_value_disk, KEY_VM_ONLY},
        {"net", vmdecl_value_net, KEY_VM_ONLY},
};

#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

const char *vmdecl_mode_name(vmdecl_mode_t mode)
{
    switch (mode) {
    case VMDECL_MODE_AUTO:
        return "auto";
    case VMDECL_MODE_PV:
        return "pv";
    case VMDECL_MODE_VTX:
        return "vtx";
    case VMDECL_MODE_SVM:
        return "svm";
    default:
        return "?";
    }
}

static void set_defaults(vmdecl_t *out)
{
    *out = (vmdecl_t){
            .mode = VMDECL_MODE_AUTO,
            .memory = VMDECL_MEMORY_DEFAULT,
            .vcpus = 1,
            .autostart = true,
    };
}

static const vmdecl_key_t *key_find(const vmdecl_word_t *word)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        size_t length = vmdecl_length(keys[i].name);
        if (length != word->key_length) {
            continue;
        }
        size_t same = 0;
        while (same < length && keys[i].name[same] == word->key[same]) {
            same++;
        }
        if (same == length) {
            return &keys[i];
        }
    }
    return NULL;
}

/* Where the first key that does not fit the module's kind was, for the report. */
typedef struct {
    const vmdecl_key_t *key;
    size_t position;
} misplaced_t;

static vmdecl_status_t parse_words(vmdecl_cursor_t *cursor, vmdecl_t *out, misplaced_t *vm_only,
                                   misplaced_t *data_only, vmdecl_error_t *err)
{
    vmdecl_word_t word;
    unsigned seen = 0;
    vmdecl_status_t status;

    while ((status = vmdecl_next_word(cursor, &word, err)) == VMDECL_OK) {
        const vmdecl_key_t *key = key_find(&word);
        if (key == NULL) {
            return vmdecl_fail(err, VMDECL_ERR_UNKNOWN_KEY, word.key, word.key_length,
                               word.position, "unknown key");
        }
        unsigned bit = 1u << (key - keys);
        if (seen & bit) {
            return vmdecl_fail(err, VMDECL_ERR_DUPLICATE_KEY, word.key, word.key_length,
                               word.position, "given twice");
        }
        seen |= bit;
        if (word.value_length > VMDECL_CMDLINE_MAX) {
            return vmdecl_fail(err, VMDECL_ERR_TOO_LONG, word.key, word.key_length, word.position,
                               "longer than 255 bytes");
        }
        status = key->parse(&word, out, err);
        if (status != VMDECL_OK) {
            return status;
        }
        misplaced_t *note = (key->flags & KEY_VM_ONLY) ? vm_only
                            : (key->flags & KEY_DATA)  ? data_only
                                                       : NULL;
        if (note != NULL && note->key == NULL) {
            *note = (misplaced_t){.key = key, .position = word.position};
        }
    }
    return status == VMDECL_ERR_EMPTY ? VMDECL_OK : status;
}

static vmdecl_status_t fail_misplaced(const misplaced_t *misplaced, vmdecl_error_t *err,
                                      const char *sentence)
{
    return vmdecl_fail(err, VMDECL_ERR_NOT_A_VM, misplaced->key->name,
                       vmdecl_length(misplaced->key->name), misplaced->position, sentence);
}

/* The name of a data module without name=: its path's last component, if that is a name. */
static void name_from_path(const char *path, size_t length, vmdecl_t *out)
{
    size_t start = length;

    while (start > 0 && path[start - 1] != '/') {
        start--;
    }
    if (vmdecl_module_name_valid(path + start, length - start)) {
        vmdecl_copy(out->name, sizeof(out->name), path + start, length - start);
    }
}

vmdecl_status_t vmdecl_parse(const char *cmdline, vmdecl_t *out, vmdecl_error_t *err)
{
    vmdecl_cursor_t cursor = {.text = cmdline, .at = 0};
    misplaced_t vm_only = {0};
    misplaced_t data_only = {0};
    size_t path_start;
    size_t path_length;
    vmdecl_status_t status;

    vmdecl_error_clear(err);
    if (cmdline == NULL || out == NULL) {
        return vmdecl_fail(err, VMDECL_ERR_ARGUMENT, "", 0, 0, "invalid argument");
    }
    set_defaults(out);
    status = vmdecl_read_path(&cursor, &path_start, &path_length, err);
    if (status == VMDECL_OK) {
        status = parse_words(&cursor, out, &vm_only, &data_only, err);
    }
    if (status != VMDECL_OK) {
        return status;
    }
    if (!out->is_vm && vm_only.key != NULL) {
        return fail_misplaced(&vm_only, err, "only for a VM (no vm= given)");
    }
    if (out->is_vm && data_only.key != NULL) {
        return fail_misplaced(&data_only, err, "a VM is named by vm=");
    }
    if (out->name[0] == '\0') {
        name_from_path(cmdline + path_start, path_length, out);
    }
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_module_name(const char *cmdline, char *name, vmdecl_error_t *err)
{
    vmdecl_t decl;
    vmdecl_status_t status;

    if (name == NULL) {
        vmdecl_error_clear(err);
        return vmdecl_fail(err, VMDECL_ERR_ARGUMENT, "", 0, 0, "invalid argument");
    }
    name[0] = '\0';
    status = vmdecl_parse(cmdline, &decl, err);
    if (status == VMDECL_OK) {
        vmdecl_copy(name, VMDECL_MODULE_NAME_MAX + 1, decl.name, vmdecl_length(decl.name));
    }
    return status;
}
