/*
 * libFuzzer target for lib/vmdecl. The input is split at newlines into up to 20 module command
 * lines, each copied into a buffer of exactly its length plus the NUL (ASan catches a read past
 * it). Each line is parsed alone: an acceptance must hold only values in their ranges and names
 * in their grammars, and a VM written back as a canonical command line must parse to the same
 * declaration; a refusal must carry a printable message and a position inside the line. Then the
 * table of all lines must agree with the reports and resolve references to data modules of that
 * name. A violation aborts with its reason.
 */
#include <vmdecl/vmdecl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINES_MAX   20
#define CANONICAL   1024
#define INPUT_LIMIT 8192

static void violation(const char *why, const char *line)
{
    fprintf(stderr, "lib/vmdecl broke its contract: %s\n  line: \"%s\"\n", why, line);
    abort();
}

static bool terminated(const char *text, size_t size)
{
    return memchr(text, '\0', size) != NULL;
}

static bool vm_name_ok(const char *name)
{
    size_t length = strlen(name);

    if (length == 0 || length > VMDECL_NAME_MAX || name[0] < 'a' || name[0] > 'z') {
        return false;
    }
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == length;
}

static bool module_name_ok(const char *name)
{
    size_t length = strlen(name);
    return length >= 1 && length <= VMDECL_MODULE_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                   length;
}

static void check_error(const vmdecl_error_t *err, const char *line)
{
    if (err->code == VMDECL_OK || err->code > VMDECL_ERR_REFUSED ||
        !terminated(err->message, sizeof(err->message)) ||
        !terminated(err->field, sizeof(err->field)) || err->message[0] == '\0' ||
        err->position > strlen(line)) {
        violation("refusal without a proper report", line);
    }
    for (const char *c = err->message; *c != '\0'; c++) {
        if (*c < 0x20 || *c > 0x7e) {
            violation("unprintable byte in a message", line);
        }
    }
}

/* name="..." with the escapes the parser understands. */
static size_t put_quoted(char *out, size_t at, const char *key, const char *value)
{
    at += (size_t)sprintf(out + at, " %s=\"", key);
    for (; *value != '\0'; value++) {
        if (*value == '"' || *value == '\\') {
            out[at++] = '\\';
        }
        out[at++] = *value;
    }
    out[at++] = '"';
    out[at] = '\0';
    return at;
}

static void write_canonical(const vmdecl_t *decl, char *out)
{
    size_t at =
            (size_t)sprintf(out, "kernel vm=%s mode=%s mem=%lluK vcpus=%u autostart=%s", decl->name,
                            vmdecl_mode_name(decl->mode), (unsigned long long)(decl->memory >> 10),
                            decl->vcpus, decl->autostart ? "yes" : "no");
    at = put_quoted(out, at, "cmdline", decl->cmdline);
    if (decl->initrd[0] != '\0') {
        at += (size_t)sprintf(out + at, " initrd=%s", decl->initrd);
    }
    for (unsigned i = 0; i < decl->module_count; i++) {
        at += (size_t)sprintf(out + at, "%s%s", i == 0 ? " modules=" : ",", decl->modules[i]);
    }
    if (decl->disk[0] != '\0') {
        at = put_quoted(out, at, "disk", decl->disk);
    }
    if (decl->net[0] != '\0') {
        put_quoted(out, at, "net", decl->net);
    }
}

static bool same_declaration(const vmdecl_t *a, const vmdecl_t *b)
{
    bool same = a->is_vm == b->is_vm && strcmp(a->name, b->name) == 0 && a->mode == b->mode &&
                a->memory == b->memory && a->vcpus == b->vcpus && a->autostart == b->autostart &&
                strcmp(a->cmdline, b->cmdline) == 0 && strcmp(a->initrd, b->initrd) == 0 &&
                a->module_count == b->module_count && strcmp(a->disk, b->disk) == 0 &&
                strcmp(a->net, b->net) == 0;
    for (unsigned i = 0; same && i < a->module_count; i++) {
        same = strcmp(a->modules[i], b->modules[i]) == 0;
    }
    return same;
}

static void check_vm(const vmdecl_t *decl, const char *line)
{
    if (!vm_name_ok(decl->name) || decl->memory < VMDECL_MEMORY_MIN ||
        decl->memory > VMDECL_MEMORY_MAX || decl->memory % VMDECL_MEMORY_UNIT != 0 ||
        decl->vcpus < 1 || decl->vcpus > VMDECL_VCPUS_MAX || decl->mode > VMDECL_MODE_SVM ||
        decl->module_count > VMDECL_MODULES_MAX ||
        !terminated(decl->cmdline, sizeof(decl->cmdline)) ||
        !terminated(decl->disk, sizeof(decl->disk)) || !terminated(decl->net, sizeof(decl->net)) ||
        (decl->initrd[0] != '\0' && !module_name_ok(decl->initrd))) {
        violation("accepted VM with a value out of range", line);
    }
    for (unsigned i = 0; i < decl->module_count; i++) {
        if (!module_name_ok(decl->modules[i])) {
            violation("accepted VM with a bad module name", line);
        }
        for (unsigned j = 0; j < i; j++) {
            if (strcmp(decl->modules[i], decl->modules[j]) == 0) {
                violation("accepted VM lists a module twice", line);
            }
        }
    }
    char canonical[CANONICAL];
    vmdecl_t again;
    vmdecl_error_t err;
    write_canonical(decl, canonical);
    if (vmdecl_parse(canonical, &again, &err) != VMDECL_OK || !same_declaration(decl, &again)) {
        fprintf(stderr, "  canonical: \"%s\" (%s)\n", canonical, err.message);
        violation("a VM written back does not parse to the same declaration", line);
    }
}

static void check_line(const char *line)
{
    vmdecl_t decl;
    vmdecl_error_t err;

    if (vmdecl_parse(line, &decl, &err) != VMDECL_OK) {
        check_error(&err, line);
        return;
    }
    if (err.code != VMDECL_OK || !terminated(decl.name, sizeof(decl.name))) {
        violation("acceptance with an error or an unterminated name", line);
    }
    if (decl.is_vm) {
        check_vm(&decl, line);
    } else if ((decl.name[0] != '\0' && !module_name_ok(decl.name)) ||
               decl.memory != VMDECL_MEMORY_DEFAULT || decl.vcpus != 1 || decl.cmdline[0] != '\0' ||
               decl.module_count != 0) {
        violation("data module with a bad name or VM values", line);
    }
}

static void check_table(const char *const *lines, size_t count)
{
    static vmdecl_table_t table;
    vmdecl_report_t reports[LINES_MAX];
    size_t refused = 0;

    vmdecl_status_t status = vmdecl_table_build(lines, count, &table, reports);
    for (size_t i = 0; i < count; i++) {
        if (reports[i].kind == VMDECL_MODULE_REFUSED) {
            check_error(&reports[i].error, lines[i]);
            refused++;
        } else if (reports[i].kind == VMDECL_MODULE_VM &&
                   (reports[i].vm_index >= table.vm_count ||
                    table.vms[reports[i].vm_index].module != i)) {
            violation("a VM report points to another VM", lines[i]);
        }
    }
    if (refused != table.refused_count || (status == VMDECL_OK) != (refused == 0) ||
        table.vm_count > VMDECL_VMS_MAX) {
        violation("table counts disagree with the reports", lines[0]);
    }
    for (size_t v = 0; v < table.vm_count; v++) {
        const vmdecl_vm_t *vm = &table.vms[v];
        for (size_t w = 0; w < v; w++) {
            if (strcmp(table.vms[w].decl.name, vm->decl.name) == 0) {
                violation("two VMs share a name", lines[vm->module]);
            }
        }
        for (unsigned m = 0; m <= vm->decl.module_count; m++) {
            size_t index = m < vm->decl.module_count ? vm->modules[m] : vm->initrd;
            const char *wanted = m < vm->decl.module_count ? vm->decl.modules[m] : vm->decl.initrd;
            vmdecl_t target;
            if (index == VMDECL_NO_MODULE && wanted[0] == '\0') {
                continue;
            }
            if (index >= count || reports[index].kind != VMDECL_MODULE_DATA ||
                vmdecl_parse(lines[index], &target, NULL) != VMDECL_OK ||
                strcmp(target.name, wanted) != 0) {
                violation("a reference resolved to the wrong module", lines[vm->module]);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *lines[LINES_MAX];
    size_t count = 0;
    size_t start = 0;

    if (size > INPUT_LIMIT) {
        return 0;
    }
    while (count < LINES_MAX && start <= size) {
        size_t end = start;
        while (end < size && data[end] != '\n' && data[end] != '\0') {
            end++;
        }
        lines[count] = malloc(end - start + 1);
        if (lines[count] == NULL) {
            abort();
        }
        memcpy(lines[count], data + start, end - start);
        lines[count][end - start] = '\0';
        check_line(lines[count]);
        count++;
        start = end + 1;
    }
    check_table((const char *const *)lines, count);
    for (size_t i = 0; i < count; i++) {
        free(lines[i]);
    }
    return 0;
}
