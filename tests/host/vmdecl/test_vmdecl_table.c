/*
 * Host tests of vmdecl_table_build: references resolved to module indices, each refusal reported
 * for its module (unknown, ambiguous and VM references, duplicate names, a 17th VM, a bad
 * declaration) while every other VM is still declared.
 */
#include <vmdecl/vmdecl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define MODULES_MAX 24

typedef struct {
    vmdecl_table_t table;
    vmdecl_report_t reports[MODULES_MAX];
    vmdecl_status_t status;
} built_t;

static built_t *build(const char *const *cmdlines, size_t count)
{
    built_t *built = malloc(sizeof(*built));

    assert_non_null(built);
    assert_true(count <= MODULES_MAX);
    memset(built, 0x5a, sizeof(*built));
    built->status = vmdecl_table_build(cmdlines, count, &built->table, built->reports);
    return built;
}

static void expect_refused(const built_t *built, size_t module, vmdecl_status_t code,
                           const char *field, const char *message)
{
    const vmdecl_report_t *report = &built->reports[module];

    assert_int_equal(report->kind, VMDECL_MODULE_REFUSED);
    assert_int_equal(report->error.code, code);
    assert_string_equal(report->error.field, field);
    if (message != NULL) {
        assert_string_equal(report->error.message, message);
    }
}

static void test_references_resolved(void **state)
{
    static const char *const modules[] = {
            "/boot/guest.elf vm=web initrd=rootfs modules=cfg,extra.img mem=128M",
            "/boot/rootfs",
            "/boot/config.txt name=cfg",
            "/boot/extra.img",
            "/boot/other.elf vm=db initrd=rootfs autostart=no",
    };
    (void)state;
    built_t *built = build(modules, 5);
    assert_int_equal(built->status, VMDECL_OK);
    assert_int_equal(built->table.vm_count, 2);
    assert_int_equal(built->table.refused_count, 0);
    const vmdecl_vm_t *web = &built->table.vms[0];
    assert_string_equal(web->decl.name, "web");
    assert_int_equal(web->module, 0);
    assert_int_equal(web->initrd, 1);
    assert_int_equal(web->decl.module_count, 2);
    assert_int_equal(web->modules[0], 2);
    assert_int_equal(web->modules[1], 3);
    assert_int_equal(web->decl.memory, 128ull << 20);
    const vmdecl_vm_t *db = &built->table.vms[1];
    assert_string_equal(db->decl.name, "db");
    assert_int_equal(db->module, 4);
    assert_int_equal(db->initrd, 1); /* a data module may serve several VMs */
    assert_false(db->decl.autostart);
    assert_int_equal(built->reports[0].kind, VMDECL_MODULE_VM);
    assert_int_equal(built->reports[0].vm_index, 0);
    assert_int_equal(built->reports[1].kind, VMDECL_MODULE_DATA);
    assert_int_equal(built->reports[2].kind, VMDECL_MODULE_DATA);
    assert_int_equal(built->reports[3].kind, VMDECL_MODULE_DATA);
    assert_int_equal(built->reports[4].kind, VMDECL_MODULE_VM);
    assert_int_equal(built->reports[4].vm_index, 1);
    assert_int_equal(built->reports[1].error.code, VMDECL_OK);
    free(built);
}

/* disk= names a data module like initrd=; a VM or a missing name refuses the VM. */
static void test_disk_resolved(void **state)
{
    static const char *const modules[] = {
            "/boot/a.elf vm=a disk=disk.img:ro",
            "/images/disk.img",
            "/boot/b.elf vm=b disk=a",
            "/boot/c.elf vm=c disk=none:0+8",
            "/boot/d.elf vm=d",
            "/boot/e.elf vm=e disk=dev:2:ro",
            "/boot/f.elf vm=f disk=dev",
    };

    (void)state;
    built_t *built = build(modules, 7);
    assert_int_equal(built->status, VMDECL_ERR_REFUSED);
    assert_int_equal(built->table.vm_count, 3);
    assert_int_equal(built->table.vms[0].disk, 1);
    assert_true(built->table.vms[0].decl.disk_spec.read_only);
    assert_int_equal(built->table.vms[1].disk, VMDECL_NO_MODULE);
    /* A machine disk needs no module (none named dev:2 could exist). */
    assert_int_equal(built->table.vms[2].disk, VMDECL_NO_MODULE);
    assert_true(built->table.vms[2].decl.disk_spec.machine);
    assert_int_equal(built->table.vms[2].decl.disk_spec.device, 2);
    /* A module called dev is a module: there is none here. */
    expect_refused(built, 6, VMDECL_ERR_UNKNOWN_MODULE, "disk",
                   "disk: VM 'f' names module 'dev', which does not exist");
    expect_refused(built, 2, VMDECL_ERR_NOT_DATA, "disk", NULL);
    expect_refused(built, 3, VMDECL_ERR_UNKNOWN_MODULE, "disk",
                   "disk: VM 'c' names module 'none', which does not exist");
    free(built);
}

static void test_unknown_reference_refuses_only_its_vm(void **state)
{
    static const char *const modules[] = {
            "/boot/a.elf vm=web initrd=nope",
            "/boot/b.elf vm=db modules=rootfs,missing",
            "/boot/c.elf vm=ok",
            "/boot/rootfs",
    };
    (void)state;
    built_t *built = build(modules, 4);
    assert_int_equal(built->status, VMDECL_ERR_REFUSED);
    assert_int_equal(built->table.refused_count, 2);
    assert_int_equal(built->table.vm_count, 1);
    assert_string_equal(built->table.vms[0].decl.name, "ok");
    assert_int_equal(built->table.vms[0].module, 2);
    assert_int_equal(built->table.vms[0].initrd, VMDECL_NO_MODULE);
    expect_refused(built, 0, VMDECL_ERR_UNKNOWN_MODULE, "initrd",
                   "initrd: VM 'web' names module 'nope', which does not exist");
    expect_refused(built, 1, VMDECL_ERR_UNKNOWN_MODULE, "modules",
                   "modules: VM 'db' names module 'missing', which does not exist");
    assert_int_equal(built->reports[2].kind, VMDECL_MODULE_VM);
    assert_int_equal(built->reports[3].kind, VMDECL_MODULE_DATA);
    free(built);
}

static void test_references_to_vms_and_ambiguous_names(void **state)
{
    static const char *const modules[] = {
            "/boot/a.elf vm=web initrd=db",    "/boot/b.elf vm=db",
            "/boot/c.elf vm=self initrd=self", "/boot/disk/rootfs",
            "/boot/other.img name=rootfs",     "/boot/d.elf vm=amb modules=rootfs",
    };
    (void)state;
    built_t *built = build(modules, 6);
    assert_int_equal(built->status, VMDECL_ERR_REFUSED);
    expect_refused(built, 0, VMDECL_ERR_NOT_DATA, "initrd",
                   "initrd: VM 'web' names 'db', which is a VM, not a data module");
    assert_int_equal(built->reports[1].kind, VMDECL_MODULE_VM);
    expect_refused(built, 2, VMDECL_ERR_NOT_DATA, "initrd", NULL);
    expect_refused(built, 5, VMDECL_ERR_AMBIGUOUS, "modules",
                   "modules: VM 'amb' names 'rootfs', which several modules are called");
    assert_int_equal(built->table.vm_count, 1);
    assert_int_equal(built->table.refused_count, 3);
    free(built);
}

/* A data module refused for its own line cannot be referred to; an unnamed one neither. */
static void test_refused_and_unnamed_modules_are_not_found(void **state)
{
    static const char *const modules[] = {
            "/boot/rootfs name=Bad/",
            "/boot/a.elf vm=web initrd=rootfs",
            "/boot/x+y",
            "/boot/b.elf vm=other initrd=x+y",
    };
    (void)state;
    built_t *built = build(modules, 4);
    expect_refused(built, 0, VMDECL_ERR_VALUE, "name", NULL);
    expect_refused(built, 1, VMDECL_ERR_UNKNOWN_MODULE, "initrd", NULL);
    assert_int_equal(built->reports[2].kind, VMDECL_MODULE_DATA);
    expect_refused(built, 3, VMDECL_ERR_VALUE, "initrd", NULL); /* not even a name */
    assert_int_equal(built->table.vm_count, 0);
    free(built);
}

static void test_duplicate_vm_names(void **state)
{
    static const char *const modules[] = {
            "/boot/a.elf vm=web",        "/boot/b.elf vm=db",
            "/boot/c.elf vm=web mem=1G", "/boot/d.elf vm=gone initrd=missing",
            "/boot/e.elf vm=gone",
    };
    (void)state;
    built_t *built = build(modules, 5);
    assert_int_equal(built->status, VMDECL_ERR_REFUSED);
    expect_refused(built, 2, VMDECL_ERR_DUPLICATE_VM, "vm",
                   "vm: 'web' is already declared by module 0");
    assert_int_equal(built->table.vms[0].decl.memory, 64ull << 20); /* the first one stays */
    /* A VM refused for another reason does not take its name. */
    expect_refused(built, 3, VMDECL_ERR_UNKNOWN_MODULE, "initrd", NULL);
    assert_int_equal(built->reports[4].kind, VMDECL_MODULE_VM);
    assert_int_equal(built->table.vm_count, 3);
    assert_string_equal(built->table.vms[2].decl.name, "gone");
    assert_int_equal(built->table.vms[2].module, 4);
    free(built);
}

static void test_seventeen_vms(void **state)
{
    char lines[MODULES_MAX][64];
    const char *modules[MODULES_MAX];

    (void)state;
    for (int i = 0; i < 17; i++) {
        snprintf(lines[i], sizeof(lines[i]), "/boot/g%d.elf vm=vm%d", i, i);
        modules[i] = lines[i];
    }
    snprintf(lines[17], sizeof(lines[17]), "/boot/data.bin");
    modules[17] = lines[17];
    built_t *built = build(modules, 18);
    assert_int_equal(built->status, VMDECL_ERR_REFUSED);
    assert_int_equal(built->table.vm_count, VMDECL_VMS_MAX);
    assert_int_equal(built->table.refused_count, 1);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(built->reports[i].kind, VMDECL_MODULE_VM);
        assert_int_equal(built->reports[i].vm_index, i);
        assert_int_equal(built->table.vms[i].module, i);
    }
    expect_refused(built, 16, VMDECL_ERR_TOO_MANY_VMS, "vm",
                   "vm: 'vm16' is one VM too many (at most 16)");
    assert_int_equal(built->reports[17].kind, VMDECL_MODULE_DATA);
    free(built);
    /* Exactly 16 are all declared. */
    built = build(modules, 16);
    assert_int_equal(built->status, VMDECL_OK);
    assert_int_equal(built->table.vm_count, 16);
    free(built);
}

static void test_bad_declaration_reported_with_field(void **state)
{
    static const char *const modules[] = {
            "/boot/a.elf vm=web mem=3X",
            NULL,
            "/boot/b.elf vm=db",
            "",
    };
    (void)state;
    built_t *built = build(modules, 4);
    assert_int_equal(built->status, VMDECL_ERR_REFUSED);
    expect_refused(built, 0, VMDECL_ERR_VALUE, "mem", "mem: 3X is not a size");
    assert_int_equal(built->reports[0].error.position, 19);
    expect_refused(built, 1, VMDECL_ERR_EMPTY, "path", NULL);
    expect_refused(built, 3, VMDECL_ERR_EMPTY, "path", NULL);
    assert_int_equal(built->table.vm_count, 1);
    assert_string_equal(built->table.vms[0].decl.name, "db");
    assert_int_equal(built->table.refused_count, 3);
    free(built);
}

static void test_arguments(void **state)
{
    vmdecl_table_t table;
    vmdecl_report_t report;
    const char *module = "g vm=a";

    (void)state;
    assert_int_equal(vmdecl_table_build(NULL, 0, &table, NULL), VMDECL_OK);
    assert_int_equal(table.vm_count, 0);
    assert_int_equal(vmdecl_table_build(&module, 1, NULL, &report), VMDECL_ERR_ARGUMENT);
    assert_int_equal(vmdecl_table_build(NULL, 1, &table, &report), VMDECL_ERR_ARGUMENT);
    assert_int_equal(vmdecl_table_build(&module, 1, &table, NULL), VMDECL_ERR_ARGUMENT);
    assert_int_equal(vmdecl_table_build(&module, 1, &table, &report), VMDECL_OK);
    assert_int_equal(table.vm_count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_references_resolved),
            cmocka_unit_test(test_disk_resolved),
            cmocka_unit_test(test_unknown_reference_refuses_only_its_vm),
            cmocka_unit_test(test_references_to_vms_and_ambiguous_names),
            cmocka_unit_test(test_refused_and_unnamed_modules_are_not_found),
            cmocka_unit_test(test_duplicate_vm_names),
            cmocka_unit_test(test_seventeen_vms),
            cmocka_unit_test(test_bad_declaration_reported_with_field),
            cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
