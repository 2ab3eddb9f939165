/*
 * vmdecl_table_build: every module parsed, each VM's references resolved to data modules by
 * name, duplicate names and VMs past the limit refused, one report per module. Modules are
 * parsed again when a reference is resolved, so nothing but the table grows with the count.
 */
#include "internal.h"

#define NUMBER_DIGITS 24

typedef enum {
    FOUND,
    FOUND_NONE,
    FOUND_VM,
    FOUND_SEVERAL,
} lookup_t;

/* The data module called name, by parsing every module again. */
static lookup_t find_data_module(const char *const *cmdlines, size_t count, const char *name,
                                 size_t *index)
{
    bool vm_named = false;
    size_t found = 0;

    for (size_t i = 0; i < count; i++) {
        vmdecl_t decl;
        if (cmdlines[i] == NULL || vmdecl_parse(cmdlines[i], &decl, NULL) != VMDECL_OK ||
            !vmdecl_names_equal(decl.name, name)) {
            continue;
        }
        if (decl.is_vm) {
            vm_named = true;
            continue;
        }
        *index = i;
        found++;
    }
    if (found == 1) {
        return FOUND;
    }
    if (found > 1) {
        return FOUND_SEVERAL;
    }
    return vm_named ? FOUND_VM : FOUND_NONE;
}

static vmdecl_status_t resolve(const char *const *cmdlines, size_t count, const char *field,
                               const vmdecl_t *decl, const char *name, size_t *index,
                               vmdecl_error_t *err)
{
    switch (find_data_module(cmdlines, count, name, index)) {
    case FOUND:
        return VMDECL_OK;
    case FOUND_VM: {
        const char *parts[] = {"VM '", decl->name, "' names '", name,
                               "', which is a VM, not a data module"};
        return vmdecl_fail_parts(err, VMDECL_ERR_NOT_DATA, field, parts, 5);
    }
    case FOUND_SEVERAL: {
        const char *parts[] = {"VM '", decl->name, "' names '", name,
                               "', which several modules are called"};
        return vmdecl_fail_parts(err, VMDECL_ERR_AMBIGUOUS, field, parts, 5);
    }
    default: {
        const char *parts[] = {"VM '", decl->name, "' names module '", name,
                               "', which does not exist"};
        return vmdecl_fail_parts(err, VMDECL_ERR_UNKNOWN_MODULE, field, parts, 5);
    }
    }
}

static vmdecl_status_t resolve_all(const char *const *cmdlines, size_t count, vmdecl_vm_t *vm,
                                   vmdecl_error_t *err)
{
    vmdecl_status_t status = VMDECL_OK;

    vm->initrd = VMDECL_NO_MODULE;
    if (vm->decl.initrd[0] != '\0') {
        status = resolve(cmdlines, count, "initrd", &vm->decl, vm->decl.initrd, &vm->initrd, err);
    }
    for (unsigned i = 0; status == VMDECL_OK && i < vm->decl.module_count; i++) {
        status = resolve(cmdlines, count, "modules", &vm->decl, vm->decl.modules[i],
                         &vm->modules[i], err);
    }
    vm->disk = VMDECL_NO_MODULE;
    if (status == VMDECL_OK && vm->decl.disk_spec.name[0] != '\0' && !vm->decl.disk_spec.machine) {
        status = resolve(cmdlines, count, "disk", &vm->decl, vm->decl.disk_spec.name, &vm->disk,
                         err);
    }
    return status;
}

/* value in decimal, written at the end of buffer[NUMBER_DIGITS]; returns its first digit. */
static const char *decimal(uint64_t value, char *buffer)
{
    size_t at = NUMBER_DIGITS - 1;

    buffer[at] = '\0';
    do {
        buffer[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0 && at > 0);
    return &buffer[at];
}

/* A VM name not taken by an accepted VM, and room for one more VM. */
static vmdecl_status_t check_place(const vmdecl_table_t *table, const vmdecl_t *decl,
                                   vmdecl_error_t *err)
{
    char number[NUMBER_DIGITS] = {0};

    for (size_t i = 0; i < table->vm_count; i++) {
        if (vmdecl_names_equal(table->vms[i].decl.name, decl->name)) {
            const char *parts[] = {"'", decl->name, "' is already declared by module ",
                                   decimal(table->vms[i].module, number)};
            return vmdecl_fail_parts(err, VMDECL_ERR_DUPLICATE_VM, "vm", parts, 4);
        }
    }
    if (table->vm_count == VMDECL_VMS_MAX) {
        const char *parts[] = {"'", decl->name, "' is one VM too many (at most 16)"};
        return vmdecl_fail_parts(err, VMDECL_ERR_TOO_MANY_VMS, "vm", parts, 3);
    }
    return VMDECL_OK;
}

static void build_one(const char *const *cmdlines, size_t count, size_t index,
                      vmdecl_table_t *table, vmdecl_report_t *report)
{
    vmdecl_vm_t *vm = &table->vms[table->vm_count < VMDECL_VMS_MAX ? table->vm_count : 0];
    vmdecl_vm_t candidate;
    vmdecl_status_t status;

    report->vm_index = VMDECL_NO_MODULE;
    status = vmdecl_parse(cmdlines[index] != NULL ? cmdlines[index] : "", &candidate.decl,
                          &report->error);
    if (status == VMDECL_OK && !candidate.decl.is_vm) {
        report->kind = VMDECL_MODULE_DATA;
        return;
    }
    if (status == VMDECL_OK) {
        candidate.module = index;
        status = resolve_all(cmdlines, count, &candidate, &report->error);
    }
    if (status == VMDECL_OK) {
        status = check_place(table, &candidate.decl, &report->error);
    }
    if (status != VMDECL_OK) {
        report->kind = VMDECL_MODULE_REFUSED;
        table->refused_count++;
        return;
    }
    *vm = candidate;
    report->kind = VMDECL_MODULE_VM;
    report->vm_index = table->vm_count++;
}

vmdecl_status_t vmdecl_table_build(const char *const *cmdlines, size_t count, vmdecl_table_t *table,
                                   vmdecl_report_t *reports)
{
    if (table == NULL || (count > 0 && (cmdlines == NULL || reports == NULL))) {
        return VMDECL_ERR_ARGUMENT;
    }
    table->vm_count = 0;
    table->refused_count = 0;
    for (size_t i = 0; i < count; i++) {
        build_one(cmdlines, count, i, table, &reports[i]);
    }
    return table->refused_count == 0 ? VMDECL_OK : VMDECL_ERR_REFUSED;
}
