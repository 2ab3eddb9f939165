/*
 * Host tests of the loader parsers (multiboot1, multiboot2, PVH) and the memory map normaliser:
 * well-formed structures give exactly their contents; every kind of malformed structure gives its
 * error; random corruption never reads outside what was mapped (AddressSanitizer watches);
 * normalisation agrees with a per-address model.
 */
#include "fake_phys.h"
#include "tests.h"
#include <arch/boot_params.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define MEMORY_SIZE (2u << 20)

static boot_params_t params;

static platform_error_t parse(uint32_t magic, uint64_t info, const char **failure)
{
    platform_error_t error = boot_params_parse(magic, info, &params, failure);
    fake_copies_free();
    return error;
}

/* ---- multiboot1 ---- */

#define MB1_INFO    0x9000
#define MB1_MMAP    0x9100
#define MB1_MODS    0x9400
#define MB1_CMDLINE 0x9800
#define MB1_STRINGS 0x9900

static void mb1_mmap_entry(uint64_t at, uint64_t base, uint64_t length, uint32_t type)
{
    fake_put32(at, 20);
    fake_put64(at + 4, base);
    fake_put64(at + 12, length);
    fake_put32(at + 20, type);
}

static void mb1_build(void)
{
    fake_memory_reset(MEMORY_SIZE);
    fake_put32(MB1_INFO, 0x4d); /* memory, cmdline, modules, memory map */
    fake_put32(MB1_INFO + 4, 639);
    fake_put32(MB1_INFO + 8, 260096);
    fake_put32(MB1_INFO + 16, MB1_CMDLINE);
    fake_put32(MB1_INFO + 20, 2);
    fake_put32(MB1_INFO + 24, MB1_MODS);
    fake_put32(MB1_INFO + 44, 3 * 24);
    fake_put32(MB1_INFO + 48, MB1_MMAP);
    mb1_mmap_entry(MB1_MMAP, 0, 0x9fc00, 1);
    mb1_mmap_entry(MB1_MMAP + 24, 0x9fc00, 0x400, 2);
    mb1_mmap_entry(MB1_MMAP + 48, 0x100000, 0xff00000, 1);
    fake_put_string(MB1_CMDLINE, "/boot/beaml4.elf platform_summary_only debug=2");
    fake_put32(MB1_MODS, 0x100000);
    fake_put32(MB1_MODS + 4, 0x100000 + 100);
    fake_put32(MB1_MODS + 8, MB1_STRINGS);
    fake_put32(MB1_MODS + 16, 0x101000);
    fake_put32(MB1_MODS + 20, 0x101000 + 5000);
    fake_put32(MB1_MODS + 24, MB1_STRINGS + 0x40);
    fake_put_string(MB1_STRINGS, "/tmp/x/mod_a.bin first arg");
    fake_put_string(MB1_STRINGS + 0x40, "mod_b");
}

static void test_multiboot1_well_formed(void **state)
{
    (void)state;
    char name[32];
    mb1_build();
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_OK);
    assert_int_equal(params.protocol, BOOT_PROTOCOL_MULTIBOOT1);
    assert_string_equal(params.cmdline, "/boot/beaml4.elf platform_summary_only debug=2");
    assert_int_equal(params.memory_map.count, 3);
    assert_int_equal(params.memory_map.regions[2].start, 0x100000);
    assert_int_equal(params.memory_map.regions[2].end, 0x10000000);
    assert_int_equal(params.memory_map.regions[1].type, MEMORY_RESERVED);
    assert_int_equal(params.module_count, 2);
    assert_int_equal(params.modules[0].start, 0x100000);
    assert_int_equal(params.modules[0].end, 0x100064);
    assert_int_equal(params.modules[1].end, 0x101000 + 5000);
    boot_module_name(&params.modules[0], name, sizeof(name));
    assert_string_equal(name, "mod_a.bin");
    boot_module_name(&params.modules[1], name, sizeof(name));
    assert_string_equal(name, "mod_b");
    assert_false(params.framebuffer.present);
    assert_int_equal(params.rsdp_phys, 0);
    assert_true(boot_cmdline_has_option(params.cmdline, "platform_summary_only"));
    assert_true(boot_cmdline_has_option(params.cmdline, "debug"));
    assert_false(boot_cmdline_has_option(params.cmdline, "platform_summary"));
    assert_false(boot_cmdline_has_option(params.cmdline, "summary_only"));
}

static void test_multiboot1_without_map_uses_memory_fields(void **state)
{
    (void)state;
    mb1_build();
    fake_put32(MB1_INFO, 0x0d); /* no memory map flag */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_OK);
    assert_int_equal(params.memory_map.count, 2);
    assert_int_equal(params.memory_map.regions[0].end, 639 * 1024);
    assert_int_equal(params.memory_map.regions[1].end, 0x100000 + 260096ull * 1024);
}

static void test_multiboot1_malformed(void **state)
{
    (void)state;
    const char *failure;

    mb1_build();
    fake_put32(MB1_MMAP + 24, 0); /* an entry of size 0 would loop for ever */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, &failure), PLATFORM_ERROR_MALFORMED);
    assert_non_null(failure);

    mb1_build();
    fake_put32(MB1_INFO + 44, 3 * 24 - 2); /* the length cuts the last entry */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb1_build();
    fake_put32(MB1_INFO + 48, MEMORY_SIZE - 8); /* map runs off mapped memory */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    mb1_build();
    fake_put32(MB1_INFO + 24, 0xfffffff0u); /* module list outside memory */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    mb1_build();
    fake_put32(MB1_MODS + 4, 0x0fffff); /* module ends before it starts */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb1_build();
    fake_put32(MB1_MODS + 4, MEMORY_SIZE + 1); /* module contents beyond memory */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    mb1_build();
    fake_put32(MB1_INFO + 20, BOOT_MODULES_MAX + 1);
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_TOO_MANY);

    mb1_build(); /* command line without a NUL up to the end of memory */
    memset(fake_memory + MEMORY_SIZE - 64, 'x', 64);
    fake_put32(MB1_INFO + 16, MEMORY_SIZE - 64);
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    mb1_build(); /* command line longer than the kernel keeps */
    memset(fake_memory + 0x20000, 'y', BOOT_CMDLINE_MAX + 10);
    fake_put32(MB1_INFO + 16, 0x20000);
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_TOO_MANY);

    mb1_build();
    mb1_mmap_entry(MB1_MMAP, 0xfffffffffffff000ull, 0x2000, 1); /* wraps past 2^64 */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb1_build();
    fake_put32(MB1_INFO, 0x0c); /* neither a map nor memory fields */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MB1_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb1_build();
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT1, MEMORY_SIZE - 16, NULL), PLATFORM_ERROR_UNMAPPED);
    assert_int_equal(parse(0x12345678, MB1_INFO, NULL), PLATFORM_ERROR_UNSUPPORTED);
}

/* ---- multiboot2 ---- */

#define MB2_INFO 0x10000

typedef struct {
    uint64_t cursor;
} mb2_builder_t;

static uint64_t mb2_tag(mb2_builder_t *b, uint32_t type, uint32_t size)
{
    uint64_t at = b->cursor;
    fake_put32(at, type);
    fake_put32(at + 4, size);
    b->cursor = at + ((size + 7) & ~7u);
    return at;
}

static void mb2_finish(mb2_builder_t *b)
{
    mb2_tag(b, 0, 8);
    fake_put32(MB2_INFO, (uint32_t)(b->cursor - MB2_INFO));
}

/* Offsets of interesting tags in the well-formed structure. */
static uint64_t mb2_mmap_tag;
static uint64_t mb2_module_tag;

static void mb2_build_without_end(mb2_builder_t *b)
{
    uint64_t at;

    fake_memory_reset(MEMORY_SIZE);
    b->cursor = MB2_INFO + 8;
    at = mb2_tag(b, 1, 8 + 12);
    fake_put_string(at + 8, "hello world");
    at = mb2_tag(b, 3, 16 + 6);
    mb2_module_tag = at;
    fake_put32(at + 8, 0x100000);
    fake_put32(at + 12, 0x100000 + 4097);
    fake_put_string(at + 16, "m1 x=");
    at = mb2_tag(b, 6, 16 + 3 * 24);
    mb2_mmap_tag = at;
    fake_put32(at + 8, 24);
    fake_put32(at + 12, 0);
    for (int i = 0; i < 3; i++) {
        static const uint64_t bases[3] = {0, 0x100000, 0xfffc0000};
        static const uint64_t lengths[3] = {0x9f000, 0x7f00000, 0x40000};
        static const uint32_t types[3] = {1, 1, 2};
        fake_put64(at + 16 + i * 24, bases[i]);
        fake_put64(at + 24 + i * 24, lengths[i]);
        fake_put32(at + 32 + i * 24, types[i]);
    }
    at = mb2_tag(b, 8, 32);
    fake_put64(at + 8, 0xfd000000);
    fake_put32(at + 16, 4096);
    fake_put32(at + 20, 1024);
    fake_put32(at + 24, 768);
    fake_put8(at + 28, 32);
    fake_put8(at + 29, 1);
    at = mb2_tag(b, 14, 8 + 20);
    memcpy(fake_memory + at + 8, "RSD PTR ", 8);
    mb2_tag(b, 21, 12); /* load base address: ignored */
}

static void mb2_build(void)
{
    mb2_builder_t b;
    mb2_build_without_end(&b);
    mb2_finish(&b);
}

static void test_multiboot2_well_formed(void **state)
{
    (void)state;
    char name[16];
    mb2_build();
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_OK);
    assert_int_equal(params.protocol, BOOT_PROTOCOL_MULTIBOOT2);
    assert_string_equal(params.cmdline, "hello world");
    assert_int_equal(params.module_count, 1);
    assert_int_equal(params.modules[0].end - params.modules[0].start, 4097);
    assert_string_equal(params.modules[0].cmdline, "m1 x=");
    boot_module_name(&params.modules[0], name, sizeof(name));
    assert_string_equal(name, "m1");
    assert_int_equal(params.memory_map.count, 3);
    assert_int_equal(params.memory_map.regions[2].type, MEMORY_RESERVED);
    assert_true(params.framebuffer.present);
    assert_int_equal(params.framebuffer.address, 0xfd000000);
    assert_int_equal(params.framebuffer.width, 1024);
    assert_int_equal(params.framebuffer.bpp, 32);
    assert_true(params.rsdp_copy_valid);
    assert_memory_equal(params.rsdp_copy, "RSD PTR ", 8);
    assert_int_equal(params.rsdp_phys % 8, 0);
    assert_true(params.loader_range_count >= 1);
    assert_int_equal(params.loader_ranges[0].start, MB2_INFO);
}

/* GRUB puts a backslash before every backslash and quote of the words it passes on: the
 * parser takes them out again, and leaves any other backslash as it is. */
static void test_multiboot2_grub_escapes(void **state)
{
    static const char escaped[] = "g.elf cmdline=\\\"a b\\\" p=\\\\ q=\\' r=\\x s=\\";
    mb2_builder_t b;
    uint64_t at;

    (void)state;
    mb2_build_without_end(&b);
    at = mb2_tag(&b, 3, (uint32_t)(16 + sizeof(escaped)));
    fake_put32(at + 8, 0x100000);
    fake_put32(at + 12, 0x100100);
    fake_put_string(at + 16, escaped);
    at = mb2_tag(&b, 1, 8 + 12);
    fake_put_string(at + 8, "a=\\\"b c\\\"");
    mb2_finish(&b);
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_OK);
    assert_int_equal(params.module_count, 2);
    assert_string_equal(params.modules[1].cmdline, "g.elf cmdline=\"a b\" p=\\ q=' r=\\x s=\\");
    assert_string_equal(params.modules[0].cmdline, "m1 x=");
    assert_string_equal(params.cmdline, "a=\"b c\"");
}

static void test_multiboot2_malformed(void **state)
{
    (void)state;
    mb2_builder_t b;

    mb2_build_without_end(&b);
    fake_put32(MB2_INFO, (uint32_t)(b.cursor - MB2_INFO)); /* no end tag */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(MB2_INFO, MEMORY_SIZE); /* total size beyond any sane structure */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build(); /* a structure near the end of memory whose total size runs past it */
    memcpy(fake_memory + MEMORY_SIZE - 0x800, fake_memory + MB2_INFO, 0x800);
    fake_put32(MEMORY_SIZE - 0x800, 0x1000);
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MEMORY_SIZE - 0x800, NULL),
                     PLATFORM_ERROR_UNMAPPED);

    mb2_build();
    fake_put32(MB2_INFO, 12); /* too small for even the end tag */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(MB2_INFO + 8 + 4, 4); /* tag smaller than its header */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(MB2_INFO + 8 + 4, 0x10000); /* tag runs past total_size */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(mb2_mmap_tag + 8, 0); /* memory map entry size 0 */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(mb2_mmap_tag + 8, 20); /* entry size below one entry */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    memset(fake_memory + mb2_module_tag + 16, 'z', 6); /* module string without NUL */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(mb2_module_tag + 4, 12); /* module tag too short for its fields */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    mb2_build();
    fake_put32(mb2_module_tag + 12, MEMORY_SIZE + 0x1000); /* module beyond memory */
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    mb2_build();
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MB2_INFO + 4, NULL), PLATFORM_ERROR_MALFORMED);
    assert_int_equal(parse(BOOT_MAGIC_MULTIBOOT2, MEMORY_SIZE, NULL), PLATFORM_ERROR_UNMAPPED);
}

/* ---- PVH ---- */

#define PVH_INFO    0x20000
#define PVH_MODLIST 0x20100
#define PVH_MEMMAP  0x20200
#define PVH_CMDLINE 0x20300

static void pvh_build(void)
{
    fake_memory_reset(MEMORY_SIZE);
    fake_put32(PVH_INFO, BOOT_MAGIC_PVH);
    fake_put32(PVH_INFO + 4, 1);
    fake_put32(PVH_INFO + 12, 1);
    fake_put64(PVH_INFO + 16, PVH_MODLIST);
    fake_put64(PVH_INFO + 24, PVH_CMDLINE);
    fake_put64(PVH_INFO + 32, 0xf5a40);
    fake_put64(PVH_INFO + 40, PVH_MEMMAP);
    fake_put32(PVH_INFO + 48, 3);
    fake_put64(PVH_MODLIST, 0x180000);
    fake_put64(PVH_MODLIST + 8, 777);
    fake_put64(PVH_MODLIST + 16, 0);
    fake_put64(PVH_MEMMAP, 0x100000);
    fake_put64(PVH_MEMMAP + 8, 0x100000);
    fake_put32(PVH_MEMMAP + 16, 1);
    fake_put64(PVH_MEMMAP + 24, 0);
    fake_put64(PVH_MEMMAP + 32, 0x9fc00);
    fake_put32(PVH_MEMMAP + 40, 1);
    fake_put64(PVH_MEMMAP + 48, 0x180000); /* overlaps the RAM above: reserved wins */
    fake_put64(PVH_MEMMAP + 56, 0x1000);
    fake_put32(PVH_MEMMAP + 64, 4);
    fake_put_string(PVH_CMDLINE, "console=ttyS0");
}

static void test_pvh_well_formed(void **state)
{
    (void)state;
    pvh_build();
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_OK);
    assert_int_equal(params.protocol, BOOT_PROTOCOL_PVH);
    assert_string_equal(params.cmdline, "console=ttyS0");
    assert_int_equal(params.rsdp_phys, 0xf5a40);
    assert_false(params.rsdp_copy_valid);
    assert_int_equal(params.module_count, 1);
    assert_int_equal(params.modules[0].end, 0x180000 + 777);
    assert_string_equal(params.modules[0].cmdline, "");
    /* [0,9fc00) usable, [100000,180000) usable, [180000,181000) NVS, [181000,200000) usable */
    assert_int_equal(params.memory_map.count, 4);
    assert_int_equal(params.memory_map.regions[2].type, MEMORY_ACPI_NVS);
    assert_int_equal(params.memory_map.regions[3].start, 0x181000);
}

static void test_pvh_malformed(void **state)
{
    (void)state;
    pvh_build();
    fake_put32(PVH_INFO, 0x336ec579);
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    pvh_build();
    fake_put32(PVH_INFO + 4, 0); /* version 0 carries no memory map: nothing to boot with */
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    pvh_build();
    fake_put32(PVH_INFO + 48, MEMORY_MAP_MAX_INPUT + 1);
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_TOO_MANY);

    pvh_build();
    fake_put64(PVH_INFO + 40, 1ull << 40);
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    pvh_build();
    fake_put32(PVH_INFO + 12, 1000);
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_TOO_MANY);

    pvh_build();
    fake_put64(PVH_MODLIST + 8, UINT64_MAX - 0x1000); /* size wraps */
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_MALFORMED);

    pvh_build();
    fake_put64(PVH_INFO + 16, 0); /* modules announced, no list */
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_UNMAPPED);

    pvh_build();
    fake_put64(PVH_INFO + 24, MEMORY_SIZE + 5); /* command line outside memory */
    assert_int_equal(parse(BOOT_MAGIC_PVH, PVH_INFO, NULL), PLATFORM_ERROR_UNMAPPED);
}

/* ---- random corruption: any result is fine, a stray read is not ---- */

static void corrupt_and_parse(void (*build)(void), uint32_t magic, uint64_t info, uint64_t span)
{
    srand(1234);
    for (int round = 0; round < 3000; round++) {
        build();
        int flips = 1 + rand() % 6;
        for (int i = 0; i < flips; i++) {
            uint64_t at = info + (uint64_t)rand() % span;
            fake_memory[at] = (uint8_t)rand();
        }
        platform_error_t error = parse(magic, info, NULL);
        if (error == PLATFORM_OK) {
            assert_true(params.memory_map.count > 0);
            for (size_t m = 0; m < params.module_count; m++) {
                assert_true(params.modules[m].end >= params.modules[m].start);
                assert_true(params.modules[m].end <= MEMORY_SIZE);
            }
        }
    }
}

static void test_corrupted_structures_never_read_outside(void **state)
{
    (void)state;
    corrupt_and_parse(mb1_build, BOOT_MAGIC_MULTIBOOT1, MB1_INFO, 0xa00);
    corrupt_and_parse(mb2_build, BOOT_MAGIC_MULTIBOOT2, MB2_INFO, 0x100);
    corrupt_and_parse(pvh_build, BOOT_MAGIC_PVH, PVH_INFO, 0x320);
}

/* ---- memory map normalisation against a per-address model ---- */

static unsigned model_rank(memory_type_t type)
{
    static const unsigned ranks[6] = {0, 1, 4, 2, 3, 5};
    return ranks[type];
}

static void test_memory_map_matches_model(void **state)
{
    (void)state;
    static memory_map_builder_t builder;
    static memory_map_t map;
    enum { SPACE = 320 };

    srand(99);
    for (int trial = 0; trial < 2000; trial++) {
        memory_type_t model[SPACE] = {0};
        memory_map_builder_init(&builder);
        int entries = rand() % 12;
        for (int i = 0; i < entries; i++) {
            uint64_t base = (uint64_t)(rand() % 250);
            uint64_t length = (uint64_t)(rand() % 60);
            uint32_t raw = 1 + (uint32_t)(rand() % 7);
            memory_type_t type = raw <= 5 ? (memory_type_t)raw : MEMORY_RESERVED;
            assert_int_equal(memory_map_builder_add(&builder, base, length, raw), PLATFORM_OK);
            for (uint64_t a = base; a < base + length; a++) {
                if (model[a] == 0 || model_rank(type) > model_rank(model[a])) {
                    model[a] = type;
                }
            }
        }
        memory_map_normalise(&builder, &map);
        memory_type_t got[SPACE] = {0};
        for (size_t r = 0; r < map.count; r++) {
            const memory_region_t *region = &map.regions[r];
            assert_true(region->start < region->end);
            assert_true(region->end <= SPACE);
            if (r > 0) {
                const memory_region_t *before = &map.regions[r - 1];
                assert_true(before->end <= region->start);
                /* neighbours of one type are merged */
                assert_false(before->end == region->start && before->type == region->type);
            }
            for (uint64_t a = region->start; a < region->end; a++) {
                got[a] = region->type;
            }
        }
        assert_memory_equal(got, model, sizeof(model));
    }
}

static void test_memory_map_limits(void **state)
{
    (void)state;
    static memory_map_builder_t builder;
    memory_map_builder_init(&builder);
    for (int i = 0; i < MEMORY_MAP_MAX_INPUT; i++) {
        assert_int_equal(memory_map_builder_add(&builder, (uint64_t)i * 0x2000, 0x1000, 1),
                         PLATFORM_OK);
    }
    assert_int_equal(memory_map_builder_add(&builder, 1ull << 40, 0x1000, 1),
                     PLATFORM_ERROR_TOO_MANY);
    assert_int_equal(memory_map_builder_add(&builder, 5, 0, 1), PLATFORM_OK); /* empty: ignored */
    assert_int_equal(memory_map_builder_add(&builder, UINT64_MAX, 1, 1), PLATFORM_ERROR_MALFORMED);
}

int test_boot_params_run(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_multiboot1_well_formed),
            cmocka_unit_test(test_multiboot1_without_map_uses_memory_fields),
            cmocka_unit_test(test_multiboot1_malformed),
            cmocka_unit_test(test_multiboot2_well_formed),
            cmocka_unit_test(test_multiboot2_malformed),
            cmocka_unit_test(test_multiboot2_grub_escapes),
            cmocka_unit_test(test_pvh_well_formed),
            cmocka_unit_test(test_pvh_malformed),
            cmocka_unit_test(test_corrupted_structures_never_read_outside),
            cmocka_unit_test(test_memory_map_matches_model),
            cmocka_unit_test(test_memory_map_limits),
    };
    return cmocka_run_group_tests_name("boot parameters", tests, NULL, NULL);
}
