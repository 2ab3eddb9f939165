/*
 * The VMM's guest loaders (services/vmm/load.h) on the host: the test guest's four images as
 * built (their argument paths), checked against what their own program headers and multiboot1
 * header say, read here by code of the test's own; the boot structures read back field by field;
 * and hostile images and modules at and past every limit, each refused with nothing written.
 */
#include "guest_image.h"
#include "layout.h"
#include "load.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int image_count;
static char **image_paths;
static test_image_t image;
static uint8_t module_bytes[8 * TEST_MIB];

/* ---- the test's own readers of an ELF file ------------------------------------------------- */

static uint64_t file64(const test_image_t *img, size_t offset)
{
    uint64_t value;
    memcpy(&value, img->bytes + offset, 8);
    return value;
}

static uint32_t file32(const test_image_t *img, size_t offset)
{
    uint32_t value;
    memcpy(&value, img->bytes + offset, 4);
    return value;
}

/* Every PT_LOAD's file bytes at its physical address, zeros after them up to its memory size. */
static void assert_segments_loaded(const pv_memory_t *ram, const test_image_t *img)
{
    uint64_t phoff = file64(img, 32);
    unsigned phnum = img->bytes[56] | img->bytes[57] << 8;
    unsigned loads = 0;

    for (unsigned i = 0; i < phnum; i++) {
        size_t h = phoff + i * 56;
        if (file32(img, h) != 1) {
            continue;
        }
        uint64_t offset = file64(img, h + 8), paddr = file64(img, h + 24);
        uint64_t file_size = file64(img, h + 32), memory_size = file64(img, h + 40);
        assert_true(paddr + memory_size <= ram->size);
        assert_memory_equal(ram->base + paddr, img->bytes + offset, file_size);
        for (uint64_t j = file_size; j < memory_size; j++) {
            assert_int_equal(ram->base[paddr + j], 0);
        }
        loads++;
    }
    assert_true(loads > 0);
}

/* The PVH note's entry, found by walking the PT_NOTE segments. */
static uint64_t pvh_note_entry(const test_image_t *img)
{
    uint64_t phoff = file64(img, 32);
    unsigned phnum = img->bytes[56] | img->bytes[57] << 8;

    for (unsigned i = 0; i < phnum; i++) {
        size_t h = phoff + i * 56;
        if (file32(img, h) != 4) {
            continue;
        }
        size_t at = file64(img, h + 8), end = at + file64(img, h + 32);
        while (at + 12 <= end) {
            uint32_t namesz = file32(img, at), descsz = file32(img, at + 4);
            if (file32(img, at + 8) == 18 && namesz == 4 &&
                memcmp(img->bytes + at + 12, "Xen", 4) == 0) {
                return file32(img, at + 16);
            }
            at += 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
        }
    }
    return 0;
}

/* The multiboot1 header's offset, by the test's own search (-1: none). */
static long mb1_offset(const test_image_t *img)
{
    for (size_t at = 0; at + 12 <= img->size && at + 12 <= 8192; at += 4) {
        if (file32(img, at) == 0x1badb002u &&
            (uint32_t)(file32(img, at) + file32(img, at + 4) + file32(img, at + 8)) == 0) {
            return (long)at;
        }
    }
    return -1;
}

/* ---- loading ------------------------------------------------------------------------------ */

static load_input_t input_of(const pv_memory_t *ram, const test_image_t *img, const char *cmdline)
{
    return (load_input_t){
            .memory = ram,
            .kernel = {.bytes = img->bytes, .size = img->size, .name = "kernel.elf"},
            .cmdline = cmdline,
            .rsdp = GUEST_ACPI_AREA,
    };
}

static load_error_t load(const pv_memory_t *ram, const test_image_t *img, load_result_t *result)
{
    load_input_t input = input_of(ram, img, "console=ttyS0");
    return guest_load(&input, result);
}

/* A refusal with the expected error, a message, and guest RAM untouched. */
static void assert_refused(const test_image_t *img, uint64_t ram_size, load_error_t expected,
                           const char *words)
{
    pv_memory_t ram = test_ram_new(ram_size);
    load_result_t result;
    load_error_t error = load(&ram, img, &result);

    if (error != expected || strstr(result.message, words) == NULL) {
        fail_msg("got error %d \"%s\", expected %d with \"%s\"", error, result.message, expected,
                 words);
    }
    assert_true(test_ram_all_zero(&ram));
    test_ram_free(&ram);
}

/* hvm_start_info version 1 as a PVH guest reads it. */
static void assert_pvh_info(const pv_memory_t *ram, uint32_t info, const char *cmdline,
                            uint64_t rsdp, unsigned modules)
{
    char text[512];

    assert_true(info >= GUEST_BOOT_AREA && info < GUEST_BOOT_AREA_END);
    assert_int_equal(test_ram_read32(ram, info), 0x336ec578u);
    assert_int_equal(test_ram_read32(ram, info + 4), 1);
    assert_int_equal(test_ram_read32(ram, info + 12), modules);
    test_ram_string(ram, test_ram_read64(ram, info + 24), text, sizeof(text));
    assert_string_equal(text, cmdline);
    assert_int_equal(test_ram_read64(ram, info + 32), rsdp);
    uint64_t map = test_ram_read64(ram, info + 40);
    assert_int_equal(test_ram_read32(ram, info + 48), 4);
    assert_int_equal(test_ram_read64(ram, map), 0);
    assert_int_equal(test_ram_read64(ram, map + 8), 0x9fc00);
    assert_int_equal(test_ram_read32(ram, map + 16), 1);
    assert_int_equal(test_ram_read64(ram, map + 3 * 24), 0x100000);
    assert_int_equal(test_ram_read64(ram, map + 3 * 24 + 8), ram->size - 0x100000);
    assert_int_equal(test_ram_read32(ram, map + 3 * 24 + 16), 1);
    assert_int_equal(test_ram_read32(ram, map + 2 * 24 + 16), 2); /* the BIOS area */
}

/* The multiboot1 information structure as a multiboot guest reads it. */
static void assert_mb1_info(const pv_memory_t *ram, uint32_t info, const char *cmdline,
                            unsigned modules)
{
    char text[512];
    uint32_t flags = test_ram_read32(ram, info);

    assert_true(info >= GUEST_BOOT_AREA && info < GUEST_BOOT_AREA_END);
    assert_int_equal(flags & 0x24d, 0x24d); /* memory, cmdline, modules, map, loader name */
    assert_int_equal(test_ram_read32(ram, info + 4), 639);
    assert_int_equal(test_ram_read32(ram, info + 8), (ram->size - 0x100000) / 1024);
    test_ram_string(ram, test_ram_read32(ram, info + 16), text, sizeof(text));
    assert_string_equal(text, cmdline);
    assert_int_equal(test_ram_read32(ram, info + 20), modules);
    uint32_t length = test_ram_read32(ram, info + 44), map = test_ram_read32(ram, info + 48);
    assert_int_equal(length, 4 * 24);
    for (uint32_t at = 0; at < length; at += 24) {
        assert_int_equal(test_ram_read32(ram, map + at), 20);
    }
    assert_int_equal(test_ram_read64(ram, map + 3 * 24 + 4), 0x100000);
    assert_int_equal(test_ram_read32(ram, map + 3 * 24 + 20), 1);
    test_ram_string(ram, test_ram_read32(ram, info + 64), text, sizeof(text));
    assert_string_equal(text, "beaml4");
}

static void test_testguest_images(void **state)
{
    (void)state;
    if (image_count == 0) {
        skip();
    }
    for (int i = 0; i < image_count; i++) {
        pv_memory_t ram = test_ram_new(128 * TEST_MIB);
        load_result_t result;
        bool pvh = strstr(image_paths[i], "-pvh") != NULL;
        assert_true(test_image_read(image_paths[i], &image));
        load_input_t input = input_of(&ram, &image, "test=console");
        if (guest_load(&input, &result) != LOAD_OK) {
            fail_msg("%s: %s", image_paths[i], result.message);
        }
        assert_int_equal(result.kernel.protocol, pvh ? GUEST_BOOT_PVH : GUEST_BOOT_MULTIBOOT1);
        assert_true(result.kernel.elf_valid);
        if (pvh) {
            assert_int_equal(mb1_offset(&image), -1);
            assert_int_equal(result.kernel.entry, pvh_note_entry(&image));
            assert_pvh_info(&ram, result.boot_info, "test=console", GUEST_ACPI_AREA, 0);
        } else {
            long header = mb1_offset(&image);
            assert_true(header >= 0);
            assert_int_equal(result.kernel.entry, file32(&image, header + 28));
            assert_mb1_info(&ram, result.boot_info, "kernel.elf test=console", 0);
        }
        /* The a.out kludge loads the multiboot images flat: the program headers must agree. */
        assert_segments_loaded(&ram, &image);
        assert_true(result.kernel.start >= 0x100000);
        test_ram_free(&ram);
    }
}

/* ---- synthetic ELF images with a PVH note --------------------------------------------------- */

static const test_segment_t two_segments[] = {
        {.vaddr = 0x100000,
         .paddr = 0x100000,
         .file_size = 0x1800,
         .memory_size = 0x1800,
         .flags = 5,
         .fill = 1},
        {.vaddr = 0x200000,
         .paddr = 0x200000,
         .file_size = 0x100,
         .memory_size = 0x5000,
         .flags = 6,
         .fill = 7},
};

static void test_pvh_elf_loads(void **state)
{
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;

    (void)state;
    test_elf_build(&image, two_segments, 2, 0x100010, 0x100020);
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    assert_int_equal(result.kernel.protocol, GUEST_BOOT_PVH);
    assert_int_equal(result.kernel.entry, 0x100020);
    assert_int_equal(result.kernel.start, 0x100000);
    assert_int_equal(result.kernel.end, 0x205000);
    assert_segments_loaded(&ram, &image);
    assert_pvh_info(&ram, result.boot_info, "console=ttyS0", GUEST_ACPI_AREA, 0);
    test_ram_free(&ram);
}

static void test_pvh_elf_limits(void **state)
{
    test_segment_t s[2];

    (void)state;
    /* Below 1 MiB: the BIOS area and the boot structures live there. */
    memcpy(s, two_segments, sizeof(s));
    s[0].paddr = 0xff000;
    test_elf_build(&image, s, 2, 0x100010, 0x100020);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "physical");
    /* Ending exactly at the end of RAM loads; one byte further does not. */
    memcpy(s, two_segments, sizeof(s));
    s[1].memory_size = 4 * TEST_MIB - 0x200000;
    test_elf_build(&image, s, 2, 0x100010, 0x100020);
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    test_ram_free(&ram);
    s[1].memory_size++;
    test_elf_build(&image, s, 2, 0x100010, 0x100020);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "program header 1");
    /* A physical range that wraps around 2^64. */
    memcpy(s, two_segments, sizeof(s));
    s[1].paddr = 0xfffffffffffff000ull;
    test_elf_build(&image, s, 2, 0x100010, 0x100020);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_ELF, "ELF");
    /* More file bytes than memory. */
    memcpy(s, two_segments, sizeof(s));
    s[1].file_size = s[1].memory_size + 1;
    test_elf_build(&image, s, 2, 0x100010, 0x100020);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_ELF, "ELF");
    /* Segment data cut off by the end of the file. */
    test_elf_build(&image, two_segments, 2, 0x100010, 0x100020);
    image.size -= 1;
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_ELF, "past the end");
    /* Overlapping physical ranges. */
    memcpy(s, two_segments, sizeof(s));
    s[1].paddr = 0x101000;
    test_elf_build(&image, s, 2, 0x100010, 0x100020);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_ELF, "ELF");
}

static void test_pvh_entry_checks(void **state)
{
    (void)state;
    /* In the writable, not executable segment. */
    test_elf_build(&image, two_segments, 2, 0x100010, 0x200000);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "PVH entry 0x200000");
    /* Right past the executable segment, and far outside. */
    test_elf_build(&image, two_segments, 2, 0x100010, 0x101800);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "PVH entry");
    test_elf_build(&image, two_segments, 2, 0x100010, 0xfffff000);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "no executable segment");
    /* The last byte of the executable segment is still in it. */
    test_elf_build(&image, two_segments, 2, 0x100010, 0x1017ff);
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    assert_int_equal(result.kernel.entry, 0x1017ff);
    test_ram_free(&ram);
}

static void test_formats_refused(void **state)
{
    (void)state;
    /* An ELF with neither a PVH note nor a multiboot1 header. */
    test_elf_build(&image, two_segments, 2, 0x100010, TEST_NO_PVH);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_FORMAT, "without a PVH note");
    /* Not an ELF, no header: bytes, nothing, a truncated ELF header. */
    memset(&image, 0x90, sizeof(image.bytes));
    image.size = 9000;
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_FORMAT, "neither");
    image.size = 0;
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_FORMAT, "0 bytes");
    test_elf_build(&image, two_segments, 2, 0x100010, 0x100020);
    image.size = 40;
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_ELF, "ELF");
}

/* ---- multiboot1 ------------------------------------------------------------------------------ */

#define FLAT_BYTES 0x3000u
#define AOUT       (1u << 16)

/* A flat image: a header at `at`, loaded from file offset 0 at 1 MiB. */
static void flat_image(size_t at, uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
    memset(&image, 0, sizeof(image));
    for (size_t i = 0; i < FLAT_BYTES; i++) {
        image.bytes[i] = (uint8_t)(i * 7 + 3);
    }
    image.size = FLAT_BYTES;
    test_mb1_put(&image, at, AOUT | 3, 0x100000 + (uint32_t)at, 0x100000, load_end, bss_end, entry);
}

static void test_multiboot_aout_loads(void **state)
{
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;

    (void)state;
    flat_image(0x40, 0, 0x100000 + FLAT_BYTES + 0x2000, 0x100080);
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    assert_int_equal(result.kernel.protocol, GUEST_BOOT_MULTIBOOT1);
    assert_int_equal(result.kernel.entry, 0x100080);
    assert_memory_equal(ram.base + 0x100000, image.bytes, FLAT_BYTES);
    for (uint32_t i = FLAT_BYTES; i < FLAT_BYTES + 0x2000; i++) {
        assert_int_equal(ram.base[0x100000 + i], 0);
    }
    assert_mb1_info(&ram, result.boot_info, "kernel.elf console=ttyS0", 0);
    test_ram_free(&ram);
    /* load_end_addr given: only that much of the file. */
    ram = test_ram_new(4 * TEST_MIB);
    flat_image(0x40, 0x100000 + 0x1000, 0, 0x100080);
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    assert_memory_equal(ram.base + 0x100000, image.bytes, 0x1000);
    assert_int_equal(ram.base[0x101000], 0);
    test_ram_free(&ram);
}

static void test_multiboot_header_search(void **state)
{
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;

    (void)state;
    /* The last place a header may start: its 12 bytes end at 8 KiB. */
    memset(&image, 0, sizeof(image));
    image.size = 0x4000;
    test_mb1_put(&image, 8192 - 12, 0, 0, 0, 0, 0, 0);
    assert_int_equal(load(&ram, &image, &result), LOAD_ERR_ELF); /* found; not an ELF */
    test_ram_free(&ram);
    memset(&image, 0, sizeof(image));
    image.size = 0x4000;
    test_mb1_put(&image, 8192 - 8, 0, 0, 0, 0, 0, 0);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_FORMAT, "neither");
    /* Misaligned, or a checksum that does not sum to zero: no header. */
    memset(&image, 0, sizeof(image));
    image.size = 0x4000;
    test_mb1_put(&image, 0x102, 0, 0, 0, 0, 0, 0);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_FORMAT, "neither");
    flat_image(0x40, 0, 0, 0x100080);
    image.bytes[0x48] ^= 1;
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_FORMAT, "neither");
    /* Requirements that cannot be met. */
    memset(&image, 0, sizeof(image));
    image.size = 0x4000;
    test_mb1_put(&image, 0, 1u << 2, 0, 0, 0, 0, 0);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "video");
    test_mb1_put(&image, 0, 1u << 5, 0, 0, 0, 0, 0);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "flags 0x20");
}

static void test_multiboot_aout_hostile(void **state)
{
    (void)state;
    /* load_addr above header_addr. */
    flat_image(0x40, 0, 0, 0x100080);
    test_mb1_put(&image, 0x40, AOUT, 0x100040, 0x100044, 0, 0, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "before the file's start");
    /* The load would start before the file does. */
    test_mb1_put(&image, 0x40, AOUT, 0x100040, 0xfffc0, 0, 0, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "before the file's start");
    /* load_end_addr at load_addr, and one byte past the file. */
    flat_image(0x40, 0x100000, 0, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "not above");
    flat_image(0x40, 0x100000 + FLAT_BYTES + 1, 0, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "past the file's end");
    /* bss_end_addr below load_end_addr. */
    flat_image(0x40, 0x101000, 0x100fff, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "bss_end_addr");
    /* Entries at both ends of the loaded bytes. */
    flat_image(0x40, 0x101000, 0, 0x101000);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "entry_addr");
    flat_image(0x40, 0x101000, 0, 0xfffff);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "entry_addr");
    /* The address fields cut off by the end of the file. */
    flat_image(0x40, 0, 0, 0x100080);
    image.size = 0x40 + 31;
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_MULTIBOOT, "address fields");
    /* Below 1 MiB; bss past the end of RAM; bss to exactly the end. */
    flat_image(0x40, 0, 0, 0x80080);
    test_mb1_put(&image, 0x40, AOUT, 0x80040, 0x80000, 0, 0, 0x80080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "outside RAM");
    flat_image(0x40, 0, 4 * TEST_MIB + 1, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "outside RAM");
    flat_image(0x40, 0, 0xffffffffu, 0x100080);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "outside RAM");
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;
    flat_image(0x40, 0, 4 * TEST_MIB - 0x10000, 0x100080); /* the modules' room is not needed */
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    test_ram_free(&ram);
}

static void test_multiboot_elf(void **state)
{
    test_segment_t high[2];
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    load_result_t result;

    (void)state;
    /* A kernel linked high, loaded by its program headers: e_entry translated to physical. */
    memcpy(high, two_segments, sizeof(high));
    high[0].vaddr = 0xffffffff80100000ull;
    high[1].vaddr = 0xffffffff80200000ull;
    size_t data = test_elf_build(&image, high, 2, 0xffffffff80100010ull, TEST_NO_PVH);
    test_mb1_put(&image, data, 3, 0, 0, 0, 0, 0);
    assert_int_equal(load(&ram, &image, &result), LOAD_OK);
    assert_int_equal(result.kernel.protocol, GUEST_BOOT_MULTIBOOT1);
    assert_int_equal(result.kernel.entry, 0x100010);
    assert_segments_loaded(&ram, &image);
    test_ram_free(&ram);
    /* e_entry in the data segment. */
    data = test_elf_build(&image, high, 2, 0xffffffff80200010ull, TEST_NO_PVH);
    test_mb1_put(&image, data, 3, 0, 0, 0, 0, 0);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_PLACE, "multiboot1 entry");
    /* A header without the kludge in a file that is no ELF. */
    memset(&image, 0, sizeof(image));
    image.size = 0x2000;
    test_mb1_put(&image, 0x100, 3, 0, 0, 0, 0, 0);
    assert_refused(&image, 4 * TEST_MIB, LOAD_ERR_ELF, "ELF");
}

/* ---- modules, names, command lines ---------------------------------------------------------- */

static void test_modules_placed(void **state)
{
    pv_memory_t ram = test_ram_new(8 * TEST_MIB);
    load_result_t result;
    guest_blob_t modules[3];

    (void)state;
    for (size_t i = 0; i < sizeof(module_bytes); i++) {
        module_bytes[i] = (uint8_t)(i * 13 + 5);
    }
    modules[0] = (guest_blob_t){module_bytes, 5000, "initrd.cpio"};
    modules[1] = (guest_blob_t){module_bytes + 1, 3 * 4096, "disk.img"};
    modules[2] = (guest_blob_t){module_bytes, 0, "empty"};
    test_elf_build(&image, two_segments, 2, 0x100010, 0x100020);
    load_input_t input = input_of(&ram, &image, "root=/dev/ram");
    input.modules = modules;
    input.module_count = 3;
    assert_int_equal(guest_load(&input, &result), LOAD_OK);
    uint64_t top = 8 * TEST_MIB;
    for (size_t i = 0; i < 3; i++) {
        uint64_t want = (top - modules[i].size) & ~4095ull;
        assert_int_equal(result.module_address[i], want);
        assert_memory_equal(ram.base + want, modules[i].bytes, modules[i].size);
        top = want;
    }
    assert_pvh_info(&ram, result.boot_info, "root=/dev/ram", GUEST_ACPI_AREA, 3);
    uint64_t list = test_ram_read64(&ram, result.boot_info + 16);
    char name[64];
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(test_ram_read64(&ram, list + i * 32), result.module_address[i]);
        assert_int_equal(test_ram_read64(&ram, list + i * 32 + 8), modules[i].size);
        test_ram_string(&ram, test_ram_read64(&ram, list + i * 32 + 16), name, sizeof(name));
        assert_string_equal(name, modules[i].name);
    }
    test_ram_free(&ram);
}

static void test_modules_limits(void **state)
{
    guest_blob_t module = {module_bytes, 0, "m"};
    load_result_t result;

    (void)state;
    /* The kernel ends at 0x205000: a module of 4 MiB - 0x205000 bytes fits exactly. */
    test_elf_build(&image, two_segments, 2, 0x100010, 0x100020);
    for (int extra = 0; extra <= 1; extra++) {
        pv_memory_t ram = test_ram_new(4 * TEST_MIB);
        load_input_t input = input_of(&ram, &image, "");
        module.size = 4 * TEST_MIB - 0x205000 + (uint64_t)extra;
        input.modules = &module;
        input.module_count = 1;
        load_error_t error = guest_load(&input, &result);
        if (extra == 0) {
            assert_int_equal(error, LOAD_OK);
            assert_int_equal(result.module_address[0], 0x205000);
        } else {
            assert_int_equal(error, LOAD_ERR_MODULES);
            assert_non_null(strstr(result.message, "does not fit"));
            assert_true(test_ram_all_zero(&ram));
        }
        test_ram_free(&ram);
    }
    /* More modules than the loader takes; a module larger than RAM. */
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    guest_blob_t many[LOAD_MODULES_MAX + 1];
    for (size_t i = 0; i <= LOAD_MODULES_MAX; i++) {
        many[i] = (guest_blob_t){module_bytes, 1, "m"};
    }
    load_input_t input = input_of(&ram, &image, "");
    input.modules = many;
    input.module_count = LOAD_MODULES_MAX + 1;
    assert_int_equal(guest_load(&input, &result), LOAD_ERR_ARGUMENT);
    guest_blob_t huge = {module_bytes, UINT64_MAX, "huge"};
    input.modules = &huge;
    input.module_count = 1;
    assert_int_equal(guest_load(&input, &result), LOAD_ERR_MODULES);
    assert_true(test_ram_all_zero(&ram));
    test_ram_free(&ram);
}

static void test_strings_limits(void **state)
{
    static char line[LOAD_CMDLINE_MAX + 2];
    char name[LOAD_NAME_MAX + 2];
    load_result_t result;

    (void)state;
    test_elf_build(&image, two_segments, 2, 0x100010, 0x100020);
    for (int extra = 0; extra <= 1; extra++) {
        pv_memory_t ram = test_ram_new(4 * TEST_MIB);
        memset(line, 'c', LOAD_CMDLINE_MAX + (size_t)extra);
        line[LOAD_CMDLINE_MAX + extra] = '\0';
        load_input_t input = input_of(&ram, &image, line);
        assert_int_equal(guest_load(&input, &result), extra == 0 ? LOAD_OK : LOAD_ERR_BOOT_AREA);
        test_ram_free(&ram);
    }
    for (int extra = 0; extra <= 1; extra++) {
        pv_memory_t ram = test_ram_new(4 * TEST_MIB);
        memset(name, 'n', LOAD_NAME_MAX + (size_t)extra);
        name[LOAD_NAME_MAX + extra] = '\0';
        guest_blob_t module = {module_bytes, 10, name};
        load_input_t input = input_of(&ram, &image, "");
        input.modules = &module;
        input.module_count = 1;
        assert_int_equal(guest_load(&input, &result), extra == 0 ? LOAD_OK : LOAD_ERR_BOOT_AREA);
        test_ram_free(&ram);
    }
    /* Too little RAM to be a PC at all. */
    pv_memory_t ram = test_ram_new(TEST_MIB);
    load_input_t input = input_of(&ram, &image, "");
    assert_int_equal(guest_load(&input, &result), LOAD_ERR_ARGUMENT);
    test_ram_free(&ram);
}

static void test_memmap(void **state)
{
    guest_memmap_t map;

    (void)state;
    guest_memmap_build(2 * TEST_MIB, &map);
    assert_int_equal(map.count, 4);
    uint64_t covered_ram = 0;
    for (unsigned i = 0; i < map.count; i++) {
        if (i > 0) {
            assert_true(map.entries[i].address >=
                        map.entries[i - 1].address + map.entries[i - 1].length);
        }
        if (map.entries[i].type == GUEST_MEM_RAM) {
            covered_ram += map.entries[i].length;
        }
    }
    assert_int_equal(covered_ram, 0x9fc00 + TEST_MIB);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_testguest_images),
            cmocka_unit_test(test_pvh_elf_loads),
            cmocka_unit_test(test_pvh_elf_limits),
            cmocka_unit_test(test_pvh_entry_checks),
            cmocka_unit_test(test_formats_refused),
            cmocka_unit_test(test_multiboot_aout_loads),
            cmocka_unit_test(test_multiboot_header_search),
            cmocka_unit_test(test_multiboot_aout_hostile),
            cmocka_unit_test(test_multiboot_elf),
            cmocka_unit_test(test_modules_placed),
            cmocka_unit_test(test_modules_limits),
            cmocka_unit_test(test_strings_limits),
            cmocka_unit_test(test_memmap),
    };

    image_count = argc - 1;
    image_paths = argv + 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
