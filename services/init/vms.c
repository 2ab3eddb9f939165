/*
 * Declaring VMs from the boot modules (vms.h). The parsing and every check are lib/vmdecl's;
 * this file finds the modules in the boot info and reports.
 */
#include "vms.h"
#include <runtime/bootinfo.h>
#include <runtime/print.h>

static vm_t vms[VMDECL_VMS_MAX];
static seL4_Word vm_count;
static vmdecl_table_t table;
static vmdecl_report_t reports[seL4_MaxBootModules];

static void vm_print(const vm_t *vm, const seL4_BootModules *modules)
{
    const vmdecl_t *decl = &vm->decl.decl;

    printf("init: VM %s: mode %s, %lu MiB, %u vCPU%s, kernel module %zu (%lu bytes)%s%s",
           decl->name, vmdecl_mode_name(decl->mode), (unsigned long)(decl->memory >> 20),
           decl->vcpus, decl->vcpus == 1 ? "" : "s", vm->decl.module,
           (unsigned long)vm->kernel->size, decl->autostart ? "" : ", autostart no",
           decl->initrd[0] != '\0' ? ", initrd " : "");
    if (decl->initrd[0] != '\0') {
        printf("%s (module %zu)", decl->initrd, vm->decl.initrd);
    }
    if (decl->disk_spec.machine) {
        printf(", disk %s (the machine's disk %u)", decl->disk, (unsigned)decl->disk_spec.device);
    } else if (decl->disk[0] != '\0') {
        printf(", disk %s (module %zu)", decl->disk, vm->decl.disk);
    }
    (void)modules;
    printf("\n");
}

void vms_declare(const seL4_BootInfo *bootinfo)
{
    const seL4_BootModules *modules = bootinfo_find_extra(bootinfo, seL4_BootInfo_Modules, NULL);
    const char *cmdlines[seL4_MaxBootModules];
    seL4_Word count = modules != NULL ? modules->count : 0;

    vm_count = 0;
    if (count > seL4_MaxBootModules) {
        count = seL4_MaxBootModules;
    }
    for (seL4_Word i = 0; i < count; i++) {
        cmdlines[i] = modules->modules[i].cmdline;
    }
    if (count == 0) {
        printf("init: no VMs declared (no boot modules after init)\n");
        return;
    }
    vmdecl_table_build(cmdlines, count, &table, reports);
    for (seL4_Word i = 0; i < count; i++) {
        if (reports[i].kind == VMDECL_MODULE_REFUSED) {
            printf("init: module %lu (%s) refused: %s\n", (unsigned long)i, cmdlines[i],
                   reports[i].error.message);
        }
    }
    for (size_t v = 0; v < table.vm_count; v++) {
        vm_t *vm = &vms[vm_count++];
        vm->decl = table.vms[v];
        vm->kernel = &modules->modules[vm->decl.module];
        vm->state = VM_DECLARED;
        vm->status = 0;
        vm->reason[0] = '\0';
        vm_print(vm, modules);
    }
    printf("init: %lu VM%s declared\n", (unsigned long)vm_count, vm_count == 1 ? "" : "s");
}

vm_t *vms_get(seL4_Word index)
{
    return index < vm_count ? &vms[index] : NULL;
}

seL4_Word vms_count(void)
{
    return vm_count;
}
