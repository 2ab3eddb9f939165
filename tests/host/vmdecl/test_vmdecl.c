/*
 * Host tests of vmdecl_parse and vmdecl_module_name: defaults, every key, every refusal with its
 * code, field, message and position, and each limit at its boundary (VM names of 15/16 bytes,
 * mem 2M/64G and just outside, vcpus 0/1/16/17, a guest command line of 255/256 bytes, escapes).
 */
#include <vmdecl/vmdecl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static vmdecl_t parse_ok(const char *cmdline)
{
    vmdecl_t decl;
    vmdecl_error_t err;

    memset(&decl, 0x5a, sizeof(decl));
    vmdecl_status_t status = vmdecl_parse(cmdline, &decl, &err);
    if (status != VMDECL_OK) {
        fail_msg("\"%s\": refused: %s", cmdline, err.message);
    }
    assert_int_equal(err.code, VMDECL_OK);
    assert_string_equal(err.message, "");
    assert_string_equal(err.field, "");
    return decl;
}

/* Refused with code, the field and the whole message as given. */
static void expect_error(const char *cmdline, vmdecl_status_t code, const char *field,
                         const char *message)
{
    vmdecl_t decl;
    vmdecl_error_t err;

    vmdecl_status_t status = vmdecl_parse(cmdline, &decl, &err);
    if (status != code || err.code != code) {
        fail_msg("\"%s\": expected code %d, got %d (%s)", cmdline, code, status, err.message);
    }
    assert_string_equal(err.field, field);
    if (message != NULL) {
        assert_string_equal(err.message, message);
    }
    assert_int_equal(vmdecl_parse(cmdline, &decl, NULL), code); /* err is optional */
}

static void expect_position(const char *cmdline, size_t position)
{
    vmdecl_t decl;
    vmdecl_error_t err;

    assert_int_not_equal(vmdecl_parse(cmdline, &decl, &err), VMDECL_OK);
    assert_int_equal(err.position, position);
}

/* "g vm=a KEY=" followed by length copies of c, in a heap string. */
static char *with_value(const char *prefix, char c, size_t length, const char *suffix)
{
    size_t prefix_length = strlen(prefix);
    char *text = malloc(prefix_length + length + strlen(suffix) + 1);

    assert_non_null(text);
    memcpy(text, prefix, prefix_length);
    memset(text + prefix_length, c, length);
    strcpy(text + prefix_length + length, suffix);
    return text;
}

/* ---- data modules --------------------------------------------------------------------------- */

static void test_data_module_named_by_path(void **state)
{
    (void)state;
    vmdecl_t decl = parse_ok("/boot/rootfs.cpio.gz");
    assert_false(decl.is_vm);
    assert_string_equal(decl.name, "rootfs.cpio.gz");
    assert_string_equal(parse_ok("rootfs").name, "rootfs");
    assert_string_equal(parse_ok("  \tbuild/a_b-C.9  ").name, "a_b-C.9");
    assert_string_equal(parse_ok("/boot/initrd.img name=root").name, "root");
    /* A last component that is no module name leaves the module unnamed. */
    assert_string_equal(parse_ok("/boot/x+y").name, "");
    assert_string_equal(parse_ok("/boot/").name, "");
    assert_string_equal(parse_ok("/boot/0123456789abcdef0123456789abcde").name,
                        "0123456789abcdef0123456789abcde"); /* 31 bytes */
    assert_string_equal(parse_ok("/boot/0123456789abcdef0123456789abcdef").name, "");
    assert_string_equal(parse_ok("/boot/x+y name=fine").name, "fine");
}

static void test_data_module_keys(void **state)
{
    (void)state;
    expect_error("rootfs mode=pv", VMDECL_ERR_NOT_A_VM, "mode",
                 "mode: only for a VM (no vm= given)");
    expect_error("rootfs name=r mem=2M", VMDECL_ERR_NOT_A_VM, "mem", NULL);
    expect_error("rootfs disk=x", VMDECL_ERR_NOT_A_VM, "disk", NULL);
    expect_error("rootfs name=", VMDECL_ERR_VALUE, "name", "name: empty value");
    expect_error("rootfs name=a/b", VMDECL_ERR_VALUE, "name", NULL);
    expect_error("rootfs name=0123456789abcdef0123456789abcdef", VMDECL_ERR_TOO_LONG, "name",
                 "name: module name too long");
    expect_error("g vm=web name=x", VMDECL_ERR_NOT_A_VM, "name", "name: a VM is named by vm=");
    expect_position("rootfs name=r  mode=pv", 15);
}

/* ---- VMs ------------------------------------------------------------------------------------ */

static void test_vm_defaults(void **state)
{
    (void)state;
    vmdecl_t decl = parse_ok("guest.elf vm=web");
    assert_true(decl.is_vm);
    assert_string_equal(decl.name, "web");
    assert_int_equal(decl.mode, VMDECL_MODE_AUTO);
    assert_int_equal(decl.memory, 64ull << 20);
    assert_int_equal(decl.vcpus, 1);
    assert_true(decl.autostart);
    assert_string_equal(decl.cmdline, "");
    assert_string_equal(decl.initrd, "");
    assert_int_equal(decl.module_count, 0);
    assert_string_equal(decl.disk, "");
    assert_string_equal(decl.net, "");
}

static void test_vm_every_key(void **state)
{
    (void)state;
    vmdecl_t decl = parse_ok("/boot/guest.elf\tvm=web-2 mode=svm mem=512M vcpus=4 "
                             "cmdline=\"console=ttyS0 quiet\" initrd=rootfs "
                             "modules=a,b.img,c_d,E-4 autostart=no disk=blk0.img:2048+4096:ro "
                             "net=\"tap0 mac=52:54:00:12:34:56\"  ");
    assert_true(decl.is_vm);
    assert_string_equal(decl.name, "web-2");
    assert_int_equal(decl.mode, VMDECL_MODE_SVM);
    assert_int_equal(decl.memory, 512ull << 20);
    assert_int_equal(decl.vcpus, 4);
    assert_false(decl.autostart);
    assert_string_equal(decl.cmdline, "console=ttyS0 quiet");
    assert_string_equal(decl.initrd, "rootfs");
    assert_int_equal(decl.module_count, 4);
    assert_string_equal(decl.modules[0], "a");
    assert_string_equal(decl.modules[1], "b.img");
    assert_string_equal(decl.modules[2], "c_d");
    assert_string_equal(decl.modules[3], "E-4");
    assert_string_equal(decl.disk, "blk0.img:2048+4096:ro");
    assert_string_equal(decl.disk_spec.name, "blk0.img");
    assert_true(decl.disk_spec.has_range);
    assert_int_equal(decl.disk_spec.start, 2048);
    assert_int_equal(decl.disk_spec.count, 4096);
    assert_true(decl.disk_spec.read_only);
    assert_string_equal(decl.net, "tap0 mac=52:54:00:12:34:56");
    /* Keys in any order; vm= may come last. */
    decl = parse_ok("g mem=2M vcpus=16 vm=x");
    assert_true(decl.is_vm);
    assert_int_equal(decl.vcpus, 16);
    /* Any value may be quoted. */
    assert_int_equal(parse_ok("g vm=\"x\" mode=\"pv\" mem=\"4M\"").mode, VMDECL_MODE_PV);
}

static void test_vm_names(void **state)
{
    (void)state;
    assert_string_equal(parse_ok("g vm=a").name, "a");
    assert_string_equal(parse_ok("g vm=a23456789012345").name, "a23456789012345"); /* 15 */
    expect_error("g vm=a234567890123456", VMDECL_ERR_TOO_LONG, "vm", "vm: name too long");
    assert_string_equal(parse_ok("g vm=web-1-").name, "web-1-");
    expect_error("g vm=Web", VMDECL_ERR_VALUE, "vm",
                 "vm: 'Web' is not a VM name (a-z, 0-9 and '-', starting with a letter)");
    expect_error("g vm=1web", VMDECL_ERR_VALUE, "vm", NULL);
    expect_error("g vm=-web", VMDECL_ERR_VALUE, "vm", NULL);
    expect_error("g vm=we_b", VMDECL_ERR_VALUE, "vm", NULL);
    expect_error("g vm=we.b", VMDECL_ERR_VALUE, "vm", NULL);
    expect_error("g vm=", VMDECL_ERR_VALUE, "vm", "vm: empty value");
    expect_error("g vm=\"\"", VMDECL_ERR_VALUE, "vm", "vm: empty value");
}

static void test_modes(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("g vm=a mode=pv").mode, VMDECL_MODE_PV);
    assert_int_equal(parse_ok("g vm=a mode=vtx").mode, VMDECL_MODE_VTX);
    assert_int_equal(parse_ok("g vm=a mode=svm").mode, VMDECL_MODE_SVM);
    assert_int_equal(parse_ok("g vm=a mode=auto").mode, VMDECL_MODE_AUTO);
    expect_error("g vm=a mode=fast", VMDECL_ERR_VALUE, "mode", "mode: unknown mode 'fast'");
    expect_error("g vm=a mode=PV", VMDECL_ERR_VALUE, "mode", NULL);
    expect_error("g vm=a mode=pvx", VMDECL_ERR_VALUE, "mode", NULL);
    expect_error("g vm=a mode=p", VMDECL_ERR_VALUE, "mode", NULL);
    expect_error("g vm=a mode=", VMDECL_ERR_VALUE, "mode", "mode: empty value");
    assert_string_equal(vmdecl_mode_name(VMDECL_MODE_VTX), "vtx");
    assert_string_equal(vmdecl_mode_name((vmdecl_mode_t)17), "?");
}

static void test_memory_sizes(void **state)
{
    static const struct {
        const char *text;
        uint64_t bytes;
    } valid[] = {
            {"2M", 2ull << 20},      {"2m", 2ull << 20},           {"2048K", 2ull << 20},
            {"2097152", 2ull << 20}, {"64G", 64ull << 30},         {"64g", 64ull << 30},
            {"65536M", 64ull << 30}, {"68719476736", 64ull << 30}, {"1G", 1ull << 30},
            {"3M", 3ull << 20},
    };
    char cmdline[64];

    (void)state;
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        snprintf(cmdline, sizeof(cmdline), "g vm=a mem=%s", valid[i].text);
        assert_int_equal(parse_ok(cmdline).memory, valid[i].bytes);
    }
    expect_error("g vm=a mem=3X", VMDECL_ERR_VALUE, "mem", "mem: 3X is not a size");
    expect_error("g vm=a mem=1M", VMDECL_ERR_RANGE, "mem", "mem: 1M is below 2M");
    expect_error("g vm=a mem=2047K", VMDECL_ERR_RANGE, "mem", NULL);
    expect_error("g vm=a mem=2049K", VMDECL_ERR_VALUE, "mem",
                 "mem: 2049K is not a whole number of MiB");
    expect_error("g vm=a mem=2097153", VMDECL_ERR_VALUE, "mem", NULL);
    expect_error("g vm=a mem=65G", VMDECL_ERR_RANGE, "mem", "mem: 65G is above 64G");
    expect_error("g vm=a mem=65537M", VMDECL_ERR_RANGE, "mem", NULL);
    expect_error("g vm=a mem=68719476737", VMDECL_ERR_RANGE, "mem", NULL);
    expect_error("g vm=a mem=68720525312", VMDECL_ERR_RANGE, "mem", NULL); /* 64G + 1M */
    expect_error("g vm=a mem=99999999999999999999G", VMDECL_ERR_RANGE, "mem", NULL);
    expect_error("g vm=a mem=18446744073709551615", VMDECL_ERR_RANGE, "mem", NULL);
    expect_error("g vm=a mem=17179869184G", VMDECL_ERR_RANGE, "mem", NULL); /* 2^64 bytes */
    expect_error("g vm=a mem=0", VMDECL_ERR_RANGE, "mem", "mem: 0 is below 2M");
    static const char *const not_sizes[] = {"1.5G", "G",   "0x10M", "-1M", "+2M", "012M",
                                            "2MB",  "2 M", "2M2",   "two", "2T",  "M2"};
    for (size_t i = 0; i < sizeof(not_sizes) / sizeof(not_sizes[0]); i++) {
        snprintf(cmdline, sizeof(cmdline), "g vm=a mem=\"%s\"", not_sizes[i]);
        expect_error(cmdline, VMDECL_ERR_VALUE, "mem", NULL);
    }
    expect_error("g vm=a mem=", VMDECL_ERR_VALUE, "mem", "mem: empty value");
}

static void test_vcpus(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("g vm=a vcpus=1").vcpus, 1);
    assert_int_equal(parse_ok("g vm=a vcpus=16").vcpus, 16);
    expect_error("g vm=a vcpus=0", VMDECL_ERR_RANGE, "vcpus", "vcpus: 0 is not within 1-16");
    expect_error("g vm=a vcpus=17", VMDECL_ERR_RANGE, "vcpus", "vcpus: 17 is not within 1-16");
    expect_error("g vm=a vcpus=99999999999999999999", VMDECL_ERR_RANGE, "vcpus", NULL);
    expect_error("g vm=a vcpus=01", VMDECL_ERR_VALUE, "vcpus", "vcpus: 01 is not a number");
    expect_error("g vm=a vcpus=x", VMDECL_ERR_VALUE, "vcpus", NULL);
    expect_error("g vm=a vcpus=-1", VMDECL_ERR_VALUE, "vcpus", NULL);
    expect_error("g vm=a vcpus=", VMDECL_ERR_VALUE, "vcpus", "vcpus: empty value");
}

static void test_guest_cmdline_length(void **state)
{
    (void)state;
    char *text = with_value("g vm=a cmdline=\"", 'x', 255, "\"");
    assert_int_equal(strlen(parse_ok(text).cmdline), 255);
    free(text);
    text = with_value("g vm=a cmdline=\"", 'x', 256, "\"");
    expect_error(text, VMDECL_ERR_TOO_LONG, "cmdline", "cmdline: longer than 255 bytes");
    free(text);
    /* The limit counts decoded bytes: 254 bytes and an escaped quote make 255. */
    text = with_value("g vm=a cmdline=\"", 'x', 254, "\\\"\"");
    vmdecl_t decl = parse_ok(text);
    assert_int_equal(strlen(decl.cmdline), 255);
    assert_int_equal(decl.cmdline[254], '"');
    free(text);
    text = with_value("g vm=a cmdline=\"", 'x', 255, "\\\\\"");
    expect_error(text, VMDECL_ERR_TOO_LONG, "cmdline", NULL);
    free(text);
    text = with_value("g vm=a cmdline=", 'y', 255, "");
    assert_int_equal(strlen(parse_ok(text).cmdline), 255);
    free(text);
    /* Far longer values, for every key, are refused without harm. */
    text = with_value("g vm=a cmdline=", 'y', 100000, "");
    expect_error(text, VMDECL_ERR_TOO_LONG, "cmdline", NULL);
    free(text);
    text = with_value("g vm=a modules=", 'y', 300, "");
    expect_error(text, VMDECL_ERR_TOO_LONG, "modules", "modules: longer than 255 bytes");
    free(text);
    text = with_value("g vm=", 'a', 5000, "");
    expect_error(text, VMDECL_ERR_TOO_LONG, "vm", NULL);
    free(text);
}

static void test_guest_cmdline_quoting(void **state)
{
    (void)state;
    assert_string_equal(parse_ok("g vm=a cmdline=\"a \\\"b\\\" c\\\\d\"").cmdline, "a \"b\" c\\d");
    assert_string_equal(parse_ok("g vm=a cmdline=\"\"").cmdline, "");
    assert_string_equal(parse_ok("g vm=a cmdline=").cmdline, "");
    assert_string_equal(parse_ok("g vm=a cmdline=quiet").cmdline, "quiet");
    assert_string_equal(parse_ok("g vm=a cmdline=\"a=b c='d'\"").cmdline, "a=b c='d'");
    expect_error("g vm=a cmdline=\"a\\nb\"", VMDECL_ERR_ESCAPE, "cmdline",
                 "cmdline: unknown escape '\\n'");
    expect_error("g vm=a cmdline=\"abc\\", VMDECL_ERR_ESCAPE, "cmdline", NULL);
    expect_error("g vm=a cmdline=\"abc", VMDECL_ERR_UNTERMINATED, "cmdline",
                 "cmdline: unterminated quote");
    expect_error("g vm=a cmdline=\"", VMDECL_ERR_UNTERMINATED, "cmdline", NULL);
    expect_error("g vm=a cmdline=\"a\"b", VMDECL_ERR_SYNTAX, "cmdline",
                 "cmdline: text after the closing quote");
    expect_error("g vm=a cmdline=a\"b\"", VMDECL_ERR_SYNTAX, "cmdline",
                 "cmdline: quote inside a value");
    expect_error("g vm=a cmdline=a\\b", VMDECL_ERR_SYNTAX, "cmdline",
                 "cmdline: backslash outside quotes");
    expect_error("g vm=a cmdline=\"a\tb\"", VMDECL_ERR_VALUE, "cmdline",
                 "cmdline: control character");
    expect_error("g vm=a cmdline=\"a\x01\"", VMDECL_ERR_VALUE, "cmdline", NULL);
    expect_error("g vm=a cmdline=a\x7f", VMDECL_ERR_VALUE, "cmdline", NULL);
    expect_position("g vm=a cmdline=\"abc", 15);
    expect_position("g vm=a cmdline=\"ab\\x\"", 18); /* the backslash */
}

static void test_references(void **state)
{
    (void)state;
    assert_string_equal(parse_ok("g vm=a initrd=rootfs.cpio").initrd, "rootfs.cpio");
    expect_error("g vm=a initrd=a/b", VMDECL_ERR_VALUE, "initrd",
                 "initrd: 'a/b' is not a module name (A-Z, a-z, 0-9, '.', '_' and '-')");
    expect_error("g vm=a initrd=", VMDECL_ERR_VALUE, "initrd", "initrd: empty value");
    assert_string_equal(parse_ok("g vm=a initrd=0123456789abcdef0123456789abcde").initrd,
                        "0123456789abcdef0123456789abcde");
    expect_error("g vm=a initrd=0123456789abcdef0123456789abcdef", VMDECL_ERR_TOO_LONG, "initrd",
                 NULL);
    assert_int_equal(parse_ok("g vm=a modules=one").module_count, 1);
    expect_error("g vm=a modules=a,b,c,d,e", VMDECL_ERR_TOO_MANY, "modules",
                 "modules: more than 4 modules");
    expect_error("g vm=a modules=a,,b", VMDECL_ERR_VALUE, "modules",
                 "modules: empty name in the list");
    expect_error("g vm=a modules=a,", VMDECL_ERR_VALUE, "modules", NULL);
    expect_error("g vm=a modules=,a", VMDECL_ERR_VALUE, "modules", NULL);
    expect_error("g vm=a modules=", VMDECL_ERR_VALUE, "modules", "modules: empty value");
    expect_error("g vm=a modules=b,a,b", VMDECL_ERR_VALUE, "modules", "modules: 'b' listed twice");
    expect_error("g vm=a modules=b,c?", VMDECL_ERR_VALUE, "modules", NULL);
}

static void test_autostart_and_reserved(void **state)
{
    (void)state;
    assert_true(parse_ok("g vm=a autostart=yes").autostart);
    assert_false(parse_ok("g vm=a autostart=no").autostart);
    expect_error("g vm=a autostart=maybe", VMDECL_ERR_VALUE, "autostart",
                 "autostart: expected yes or no, not 'maybe'");
    expect_error("g vm=a autostart=YES", VMDECL_ERR_VALUE, "autostart", NULL);
    expect_error("g vm=a autostart=", VMDECL_ERR_VALUE, "autostart", NULL);
    char *text = with_value("g vm=a disk=", 'd', 31, ":1234567890123456789+9:ro");
    assert_int_equal(strlen(parse_ok(text).disk), 56);
    free(text);
    text = with_value("g vm=a net=", 'n', 64, "");
    expect_error(text, VMDECL_ERR_TOO_LONG, "net", "net: longer than 63 bytes");
    free(text);
    expect_error("g vm=a disk=", VMDECL_ERR_VALUE, "disk", "disk: empty value");
}

/* disk=NAME[:START+COUNT][:ro], at and past each limit. */
static void test_disk(void **state)
{
    vmdecl_t decl;

    (void)state;
    decl = parse_ok("g vm=a disk=rootfs.img");
    assert_string_equal(decl.disk_spec.name, "rootfs.img");
    assert_false(decl.disk_spec.read_only);
    assert_false(decl.disk_spec.has_range);
    decl = parse_ok("g vm=a disk=r:ro");
    assert_true(decl.disk_spec.read_only);
    assert_false(decl.disk_spec.has_range);
    decl = parse_ok("g vm=a disk=r:0+1");
    assert_true(decl.disk_spec.has_range);
    assert_int_equal(decl.disk_spec.start, 0);
    assert_int_equal(decl.disk_spec.count, 1);
    decl = parse_ok("g vm=a disk=r:9999999999999999999+9999999999999999999");
    assert_int_equal(decl.disk_spec.start, 9999999999999999999ull);
    assert_string_equal(parse_ok("g vm=a").disk_spec.name, "");
    char *text = with_value("g vm=a disk=", 'n', 31, "");
    assert_int_equal(strlen(parse_ok(text).disk_spec.name), 31);
    free(text);
    text = with_value("g vm=a disk=", 'n', 32, "");
    expect_error(text, VMDECL_ERR_VALUE, "disk", NULL);
    free(text);
    text = with_value("g vm=a disk=r:0+", '1', 61, "");
    expect_error(text, VMDECL_ERR_TOO_LONG, "disk", "disk: longer than 63 bytes");
    free(text);
    expect_error("g vm=a disk=r:0+0", VMDECL_ERR_VALUE, "disk",
                 "disk: '0+0' is neither START+COUNT (sectors, COUNT at least 1) nor ro");
    expect_error("g vm=a disk=r:ro:0+1", VMDECL_ERR_VALUE, "disk", "disk: ':ro' must come last");
    expect_error("g vm=a disk=r:ro:ro", VMDECL_ERR_VALUE, "disk", "disk: ':ro' must come last");
    expect_error("g vm=a disk=r:0+1:0+1", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:01+1", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:1+01", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:+1", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:1+", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:1", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:-1+2", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:10000000000000000000+1", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:RO", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=r:", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g vm=a disk=:ro", VMDECL_ERR_VALUE, "disk",
                 "disk: '' is not a disk name (A-Z, a-z, 0-9, '.', '_' and '-')");
    expect_error("g vm=a disk=a/b", VMDECL_ERR_VALUE, "disk", NULL);
    expect_error("g name=x disk=r", VMDECL_ERR_NOT_A_VM, "disk", NULL);
    assert_false(parse_ok("g vm=a disk=r").disk_spec.machine);
}

/* The disk= of a declaration against what it must be (count and start only with a range). */
static void expect_disk(const char *cmdline, const vmdecl_disk_t *want)
{
    vmdecl_t decl = parse_ok(cmdline);

    assert_string_equal(decl.disk_spec.name, want->name);
    assert_int_equal(decl.disk_spec.machine, want->machine);
    assert_int_equal(decl.disk_spec.device, want->device);
    assert_int_equal(decl.disk_spec.read_only, want->read_only);
    assert_int_equal(decl.disk_spec.has_range, want->has_range);
    assert_int_equal(decl.disk_spec.start, want->start);
    assert_int_equal(decl.disk_spec.count, want->count);
}

/* disk=dev:N[:START+COUNT][:ro]: the machine's disk N; "dev" alone or with a range is a module. */
static void test_disk_machine(void **state)
{
    (void)state;
    expect_disk("g vm=a disk=dev:0", &(vmdecl_disk_t){.name = "dev:0", .machine = true});
    expect_disk("g vm=a disk=dev:3:2048+4096:ro", &(vmdecl_disk_t){.name = "dev:3",
                                                                   .machine = true,
                                                                   .device = 3,
                                                                   .read_only = true,
                                                                   .has_range = true,
                                                                   .start = 2048,
                                                                   .count = 4096});
    assert_string_equal(parse_ok("g vm=a disk=dev:3:2048+4096:ro").disk, "dev:3:2048+4096:ro");
    expect_disk("g vm=a disk=dev:1:ro",
                &(vmdecl_disk_t){.name = "dev:1", .machine = true, .device = 1, .read_only = true});
    /* A module named dev (or devx, or dev0) stays a module. */
    expect_disk("g vm=a disk=dev", &(vmdecl_disk_t){.name = "dev"});
    expect_disk("g vm=a disk=dev:0+8:ro",
                &(vmdecl_disk_t){.name = "dev", .read_only = true, .has_range = true, .count = 8});
    assert_false(parse_ok("g vm=a disk=dev0").disk_spec.machine);
    assert_false(parse_ok("g vm=a disk=devx:ro").disk_spec.machine);
    assert_false(parse_ok("g vm=a disk=DEV:ro").disk_spec.machine);
    /* N at and past its limit, and not a number. */
    expect_error("g vm=a disk=dev:4", VMDECL_ERR_VALUE, "disk",
                 "disk: 'dev:4' is not a machine disk (dev:0 to dev:3)");
    expect_error("g vm=a disk=dev:01", VMDECL_ERR_VALUE, "disk",
                 "disk: 'dev:01' is not a machine disk (dev:0 to dev:3)");
    expect_error("g vm=a disk=dev:0:ro:0+1", VMDECL_ERR_VALUE, "disk",
                 "disk: ':ro' must come last");
    static const char *const refused[] = {
            "dev:99999999999999999999",
            "dev:18446744073709551616",
            "dev:",
            "dev:x",
            "dev:-1",
            "dev:0:0+0",
            "dev:0:1:ro",
            "dev:0:0+1:0+1",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        char line[64];
        snprintf(line, sizeof(line), "g vm=a disk=%s", refused[i]);
        expect_error(line, VMDECL_ERR_VALUE, "disk", NULL);
    }
}

/* ---- words ---------------------------------------------------------------------------------- */

static void test_unknown_and_duplicate_keys(void **state)
{
    (void)state;
    expect_error("g vm=a speed=3", VMDECL_ERR_UNKNOWN_KEY, "speed", "speed: unknown key");
    expect_error("g Mem=64M", VMDECL_ERR_UNKNOWN_KEY, "Mem", NULL);
    expect_error("g mem-size=1", VMDECL_ERR_UNKNOWN_KEY, "mem-size", NULL);
    expect_error("g memory=64M", VMDECL_ERR_UNKNOWN_KEY, "memory", NULL);
    expect_error("g vm=a vm=b", VMDECL_ERR_DUPLICATE_KEY, "vm", "vm: given twice");
    expect_error("g vm=a mem=2M mem=2M", VMDECL_ERR_DUPLICATE_KEY, "mem", NULL);
    expect_error("g name=a name=a", VMDECL_ERR_DUPLICATE_KEY, "name", NULL);
    expect_position("g vm=a mem=2M mem=2M", 14);
    /* A key longer than the field keeps its first bytes there, the message has more. */
    expect_error("g averyveryverylongkeyname=1", VMDECL_ERR_UNKNOWN_KEY, "averyveryverylo",
                 "averyveryverylongkeyname: unknown key");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_error("g autostart", VMDECL_ERR_SYNTAX, "autostart", "autostart: expected key=value");
    expect_error("g vm=a =x", VMDECL_ERR_SYNTAX, "", "expected key=value");
    expect_error("g \"vm=a\"", VMDECL_ERR_SYNTAX, "", "expected key=value");
    expect_error("g vm\"=a\"", VMDECL_ERR_SYNTAX, "vm", NULL);
    expect_error("g vm=a x", VMDECL_ERR_SYNTAX, "x", NULL);
    expect_error("", VMDECL_ERR_EMPTY, "path", "path: empty command line");
    expect_error(" \t\r\n", VMDECL_ERR_EMPTY, "path", NULL);
    expect_error("a\"b vm=x", VMDECL_ERR_SYNTAX, "path", "path: quote in the path");
    expect_error("a\x01 vm=x", VMDECL_ERR_VALUE, "path", "path: control character in the path");
    expect_position("g vm=a  x", 8);
    /* Bytes above 0x7f are ordinary bytes (a UTF-8 path or command line). */
    assert_string_equal(parse_ok("/boot/caf\xc3\xa9 vm=a cmdline=\"\xc3\xa9t\xc3\xa9\"").cmdline,
                        "\xc3\xa9t\xc3\xa9");
    /* Unprintable bytes never reach a message. */
    vmdecl_t decl;
    vmdecl_error_t err;
    assert_int_equal(vmdecl_parse("g vm=a mode=\"\xff\xfe\"", &decl, &err), VMDECL_ERR_VALUE);
    assert_string_equal(err.message, "mode: unknown mode '?"
                                     "?'");
}

static void test_long_values_shortened_in_messages(void **state)
{
    vmdecl_t decl;
    vmdecl_error_t err;

    (void)state;
    char *text = with_value("g vm=a mode=", 'q', 40, "");
    assert_int_equal(vmdecl_parse(text, &decl, &err), VMDECL_ERR_VALUE);
    assert_string_equal(err.message, "mode: unknown mode 'qqqqqqqqqqqqqqqqqqqqqqqq...'");
    free(text);
}

static void test_arguments(void **state)
{
    vmdecl_t decl;
    vmdecl_error_t err;
    char name[VMDECL_MODULE_NAME_MAX + 1];

    (void)state;
    assert_int_equal(vmdecl_parse(NULL, &decl, &err), VMDECL_ERR_ARGUMENT);
    assert_string_equal(err.message, "invalid argument");
    assert_int_equal(vmdecl_parse("g", NULL, &err), VMDECL_ERR_ARGUMENT);
    assert_int_equal(vmdecl_parse(NULL, NULL, NULL), VMDECL_ERR_ARGUMENT);
    assert_int_equal(vmdecl_module_name("g", NULL, &err), VMDECL_ERR_ARGUMENT);
    assert_int_equal(vmdecl_module_name(NULL, name, &err), VMDECL_ERR_ARGUMENT);
}

static void test_module_name(void **state)
{
    char name[VMDECL_MODULE_NAME_MAX + 1];
    vmdecl_error_t err;

    (void)state;
    assert_int_equal(vmdecl_module_name("/boot/guest.elf vm=web", name, &err), VMDECL_OK);
    assert_string_equal(name, "web");
    assert_int_equal(vmdecl_module_name("/boot/rootfs.cpio name=root", name, &err), VMDECL_OK);
    assert_string_equal(name, "root");
    assert_int_equal(vmdecl_module_name("/boot/rootfs.cpio", name, &err), VMDECL_OK);
    assert_string_equal(name, "rootfs.cpio");
    assert_int_equal(vmdecl_module_name("/boot/a+b", name, &err), VMDECL_OK);
    assert_string_equal(name, "");
    assert_int_equal(vmdecl_module_name("g vm=Bad", name, &err), VMDECL_ERR_VALUE);
    assert_string_equal(name, "");
    assert_string_equal(err.field, "vm");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_data_module_named_by_path),
            cmocka_unit_test(test_data_module_keys),
            cmocka_unit_test(test_vm_defaults),
            cmocka_unit_test(test_vm_every_key),
            cmocka_unit_test(test_vm_names),
            cmocka_unit_test(test_modes),
            cmocka_unit_test(test_memory_sizes),
            cmocka_unit_test(test_vcpus),
            cmocka_unit_test(test_guest_cmdline_length),
            cmocka_unit_test(test_guest_cmdline_quoting),
            cmocka_unit_test(test_references),
            cmocka_unit_test(test_autostart_and_reserved),
            cmocka_unit_test(test_disk),
            cmocka_unit_test(test_disk_machine),
            cmocka_unit_test(test_unknown_and_duplicate_keys),
            cmocka_unit_test(test_syntax_errors),
            cmocka_unit_test(test_long_values_shortened_in_messages),
            cmocka_unit_test(test_arguments),
            cmocka_unit_test(test_module_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
