/*
 * Host tests of lib/elf's elf_parse on synthetic images (elf_image_builder.h): the valid image's
 * segments, sorted, with bounds and flags; every refusal with its error, its sentence and the
 * program header at fault, each field at its limit (accepted) and one past it (refused), with
 * offsets and sizes chosen to overflow 64-bit sums. Every image lies in a buffer of exactly its
 * size, so ASan reports any read past it.
 */
#include "elf_image_builder.h"

#include <elf/elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define USER_MIN 0x1000ull
#define USER_MAX 0x0000800000000000ull

static const elf_rules_t user_rules = {.vaddr_min = USER_MIN, .vaddr_max = USER_MAX};

static elf_error_t parse_with(const test_elf_t *elf, const elf_rules_t *rules, elf_image_t *image)
{
    uint8_t *file = test_elf_write(elf);
    const char *problem = "unset";
    elf_error_t error;

    memset(image, 0xa5, sizeof(*image));
    error = elf_parse(file, elf->size, rules, image, &problem);
    if (error == ELF_OK) {
        assert_null(problem);
        assert_ptr_equal(image->bytes, file);
        assert_int_equal(image->size, elf->size);
        assert_int_equal(image->failed_header, ELF_NO_HEADER);
    } else {
        assert_string_equal(problem, elf_error_string(error));
    }
    free(file);
    image->bytes = NULL; /* gone with the file */
    return error;
}

static elf_error_t parse(const test_elf_t *elf, elf_image_t *image)
{
    return parse_with(elf, &user_rules, image);
}

/* Refused with error, and (unless ELF_NO_HEADER) the program header at fault named. */
static void expect_refused_with(const test_elf_t *elf, const elf_rules_t *rules,
                                elf_error_t expected, unsigned header)
{
    elf_image_t image;
    elf_error_t error = parse_with(elf, rules, &image);

    if (error != expected) {
        fail_msg("expected \"%s\", got \"%s\"", elf_error_string(expected),
                 elf_error_string(error));
    }
    assert_int_equal(image.failed_header, header);
}

static void expect_refused(const test_elf_t *elf, elf_error_t expected, unsigned header)
{
    expect_refused_with(elf, &user_rules, expected, header);
}

static void expect_accepted_with(const test_elf_t *elf, const elf_rules_t *rules)
{
    elf_image_t image;
    elf_error_t error = parse_with(elf, rules, &image);

    if (error != ELF_OK) {
        fail_msg("expected acceptance, got \"%s\" (header %u)", elf_error_string(error),
                 image.failed_header);
    }
}

static void expect_accepted(const test_elf_t *elf)
{
    expect_accepted_with(elf, &user_rules);
}

/* ---- valid images ------------------------------------------------------------------------- */

static void test_valid_image_segments_entry_and_bounds(void **state)
{
    test_elf_t elf;
    elf_image_t image;

    (void)state;
    test_elf_init(&elf);
    assert_int_equal(parse(&elf, &image), ELF_OK);
    assert_int_equal(image.entry, TEST_ELF_ENTRY);
    assert_int_equal(image.segment_count, TEST_ELF_LOAD_COUNT);
    for (unsigned i = 0; i < TEST_ELF_LOAD_COUNT; i++) {
        assert_int_equal(image.segments[i].vaddr, elf.phdrs[i].p_vaddr);
        assert_int_equal(image.segments[i].paddr, elf.phdrs[i].p_paddr);
        assert_int_equal(image.segments[i].file_offset, elf.phdrs[i].p_offset);
        assert_int_equal(image.segments[i].file_size, elf.phdrs[i].p_filesz);
        assert_int_equal(image.segments[i].memory_size, elf.phdrs[i].p_memsz);
        assert_int_equal(image.segments[i].header_index, i);
    }
    assert_int_equal(image.segments[0].flags, ELF_SEGMENT_READ | ELF_SEGMENT_EXECUTE);
    assert_int_equal(image.segments[1].flags, ELF_SEGMENT_READ);
    assert_int_equal(image.segments[2].flags, ELF_SEGMENT_READ | ELF_SEGMENT_WRITE);
    assert_int_equal(image.vaddr_start, TEST_ELF_TEXT_VADDR);
    assert_int_equal(image.vaddr_end, TEST_ELF_DATA_VADDR + TEST_ELF_DATA_MEMSZ);
    assert_int_equal(image.paddr_start, TEST_ELF_TEXT_VADDR);
    assert_int_equal(image.paddr_end, TEST_ELF_DATA_VADDR + TEST_ELF_DATA_MEMSZ);
    assert_int_equal(image.phnum, 5);
    assert_int_equal(image.shnum, 4);
}

/* Program headers out of order come out sorted by vaddr, each with its header's index. */
static void test_segments_sorted_by_vaddr(void **state)
{
    test_elf_t elf;
    elf_image_t image;
    Elf64_Phdr text;

    (void)state;
    test_elf_init(&elf);
    text = elf.phdrs[0];
    elf.phdrs[0] = elf.phdrs[2];
    elf.phdrs[2] = text;
    assert_int_equal(parse(&elf, &image), ELF_OK);
    assert_int_equal(image.segments[0].vaddr, TEST_ELF_TEXT_VADDR);
    assert_int_equal(image.segments[0].header_index, 2);
    assert_int_equal(image.segments[1].vaddr, TEST_ELF_RODATA_VADDR);
    assert_int_equal(image.segments[1].header_index, 1);
    assert_int_equal(image.segments[2].vaddr, TEST_ELF_DATA_VADDR);
    assert_int_equal(image.segments[2].header_index, 0);
}

/* Flag bits other than R, W, X are dropped; other header types and empty loads are skipped. */
static void test_flags_masked_and_empty_loads_skipped(void **state)
{
    test_elf_t elf;
    elf_image_t image;

    (void)state;
    test_elf_init(&elf);
    elf.phdrs[1].p_flags |= 0xf0000000u;
    test_elf_add_phdr(&elf, PT_LOAD, PF_R, 0xffff800000000000ull, 0, 0, 0); /* empty, anywhere */
    test_elf_add_phdr(&elf, PT_TLS, PF_R, 0xffffffffffff0000ull, 0, 0x10000000, 0x10000000);
    test_elf_add_phdr(&elf, PT_DYNAMIC, PF_R, 0, ~0ull, ~0ull, ~0ull);
    assert_int_equal(parse(&elf, &image), ELF_OK);
    assert_int_equal(image.segment_count, TEST_ELF_LOAD_COUNT);
    assert_int_equal(image.segments[1].flags, ELF_SEGMENT_READ);
}

/* The buffer need not be aligned (UBSan checks the loads). */
static void test_unaligned_buffer(void **state)
{
    test_elf_t elf;
    elf_image_t image;

    (void)state;
    test_elf_init(&elf);
    uint8_t *file = test_elf_write(&elf);
    uint8_t *shifted = malloc(elf.size + 3);
    assert_non_null(shifted);
    memcpy(shifted + 3, file, elf.size);
    assert_int_equal(elf_parse(shifted + 3, elf.size, &user_rules, &image, NULL), ELF_OK);
    assert_int_equal(image.segment_count, TEST_ELF_LOAD_COUNT);
    free(shifted);
    free(file);
}

/* ---- arguments and the ELF header --------------------------------------------------------- */

static void test_arguments_refused(void **state)
{
    test_elf_t elf;
    elf_image_t image;
    const char *problem = NULL;
    elf_rules_t rules = user_rules;

    (void)state;
    test_elf_init(&elf);
    uint8_t *file = test_elf_write(&elf);
    assert_int_equal(elf_parse(NULL, elf.size, &rules, &image, &problem), ELF_ERR_ARGUMENT);
    assert_string_equal(problem, "invalid argument");
    assert_int_equal(elf_parse(file, elf.size, NULL, &image, NULL), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_parse(file, elf.size, &rules, NULL, NULL), ELF_ERR_ARGUMENT);
    rules.vaddr_min = rules.vaddr_max;
    assert_int_equal(elf_parse(file, elf.size, &rules, &image, NULL), ELF_ERR_ARGUMENT);
    rules = (elf_rules_t){.vaddr_min = 0, .vaddr_max = UINT64_MAX, .flags = ELF_RULE_CHECK_PADDR};
    assert_int_equal(elf_parse(file, elf.size, &rules, &image, NULL), ELF_ERR_ARGUMENT);
    rules.paddr_max = 1;
    assert_int_equal(elf_parse(file, elf.size, &rules, &image, NULL), ELF_ERR_PADDR_RANGE);
    rules.paddr_max = UINT64_MAX;
    assert_int_equal(elf_parse(file, elf.size, &rules, &image, NULL), ELF_OK);
    free(file);
}

static void test_short_files_refused(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.size = 0;
    expect_refused(&elf, ELF_ERR_TRUNCATED, ELF_NO_HEADER);
    elf.size = sizeof(Elf64_Ehdr) - 1;
    expect_refused(&elf, ELF_ERR_TRUNCATED, ELF_NO_HEADER);
    elf.size = sizeof(Elf64_Ehdr); /* a whole header, but no program headers */
    expect_refused(&elf, ELF_ERR_PHDR_OUTSIDE, ELF_NO_HEADER);
}

static void test_identity_refused(void **state)
{
    static const struct {
        unsigned index;
        uint8_t value;
        elf_error_t error;
    } cases[] = {
            {EI_MAG0, 0x7e, ELF_ERR_MAGIC},
            {EI_MAG1, 'e', ELF_ERR_MAGIC},
            {EI_MAG2, 'l', ELF_ERR_MAGIC},
            {EI_MAG3, 0, ELF_ERR_MAGIC},
            {EI_CLASS, ELFCLASS32, ELF_ERR_CLASS},
            {EI_CLASS, 3, ELF_ERR_CLASS},
            {EI_CLASS, 0, ELF_ERR_CLASS},
            {EI_DATA, ELFDATA2MSB, ELF_ERR_DATA},
            {EI_DATA, 0, ELF_ERR_DATA},
            {EI_VERSION, 0, ELF_ERR_VERSION},
            {EI_VERSION, 2, ELF_ERR_VERSION},
    };
    test_elf_t elf;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        test_elf_init(&elf);
        elf.header.e_ident[cases[i].index] = cases[i].value;
        expect_refused(&elf, cases[i].error, ELF_NO_HEADER);
    }
    /* OS ABI and padding bytes are not checked. */
    test_elf_init(&elf);
    elf.header.e_ident[EI_OSABI] = ELFOSABI_GNU;
    elf.header.e_ident[EI_PAD] = 0xff;
    expect_accepted(&elf);
}

static void test_header_fields_refused(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.header.e_version = 0;
    expect_refused(&elf, ELF_ERR_VERSION, ELF_NO_HEADER);
    elf.header.e_version = 2;
    expect_refused(&elf, ELF_ERR_VERSION, ELF_NO_HEADER);
    static const uint16_t types[] = {ET_NONE, ET_REL, ET_DYN, ET_CORE, 0xfe00, 0xffff};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        test_elf_init(&elf);
        elf.header.e_type = types[i];
        expect_refused(&elf, ELF_ERR_TYPE, ELF_NO_HEADER);
    }
    static const uint16_t machines[] = {EM_NONE, EM_386, EM_AARCH64, EM_X86_64 + 1, 0xffff};
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        test_elf_init(&elf);
        elf.header.e_machine = machines[i];
        expect_refused(&elf, ELF_ERR_MACHINE, ELF_NO_HEADER);
    }
}

static void test_header_sizes_refused(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.header.e_ehsize = 63;
    expect_refused(&elf, ELF_ERR_HEADER_SIZE, ELF_NO_HEADER);
    elf.header.e_ehsize = 65;
    expect_refused(&elf, ELF_ERR_HEADER_SIZE, ELF_NO_HEADER);
    test_elf_init(&elf);
    elf.header.e_phentsize = 55;
    expect_refused(&elf, ELF_ERR_PHDR_SIZE, ELF_NO_HEADER);
    elf.header.e_phentsize = 57;
    expect_refused(&elf, ELF_ERR_PHDR_SIZE, ELF_NO_HEADER);
    test_elf_init(&elf);
    elf.header.e_shentsize = 0;
    expect_refused(&elf, ELF_ERR_SHDR_SIZE, ELF_NO_HEADER);
    elf.header.e_shentsize = 40; /* an ELF32 section header */
    expect_refused(&elf, ELF_ERR_SHDR_SIZE, ELF_NO_HEADER);
    elf.header.e_shnum = 0; /* no sections: the entry size does not matter */
    expect_accepted(&elf);
}

static void test_program_header_table_bounds(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.header.e_phnum = 0;
    expect_refused(&elf, ELF_ERR_PHDR_COUNT, ELF_NO_HEADER);
    elf.header.e_phnum = PN_XNUM;
    expect_refused(&elf, ELF_ERR_PHDR_COUNT, ELF_NO_HEADER);
    test_elf_init(&elf);
    elf.header.e_phoff = sizeof(Elf64_Ehdr) - 1;
    expect_refused(&elf, ELF_ERR_PHDR_OVERLAP, ELF_NO_HEADER);
    elf.header.e_phoff = 0;
    expect_refused(&elf, ELF_ERR_PHDR_OVERLAP, ELF_NO_HEADER);
    /* The table may end exactly at the end of the file, not one byte later. */
    test_elf_init(&elf);
    elf.header.e_phoff = elf.size - elf.header.e_phnum * sizeof(Elf64_Phdr);
    elf.header.e_shnum = 0;
    expect_accepted(&elf);
    elf.header.e_phoff++;
    expect_refused(&elf, ELF_ERR_PHDR_OUTSIDE, ELF_NO_HEADER);
    elf.header.e_phoff = elf.size;
    expect_refused(&elf, ELF_ERR_PHDR_OUTSIDE, ELF_NO_HEADER);
    /* Offsets whose sum with the table's size overflows 64 bits. */
    elf.header.e_phoff = UINT64_MAX - 8;
    expect_refused(&elf, ELF_ERR_PHDR_OUTSIDE, ELF_NO_HEADER);
    elf.header.e_phoff = UINT64_MAX;
    expect_refused(&elf, ELF_ERR_PHDR_OUTSIDE, ELF_NO_HEADER);
    test_elf_init(&elf);
    elf.header.e_phnum = 0xfffe; /* 3.5 MiB of table in a 13 KiB file */
    expect_refused(&elf, ELF_ERR_PHDR_OUTSIDE, ELF_NO_HEADER);
}

static void test_interpreter_refused(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    int index = test_elf_add_phdr(&elf, PT_INTERP, PF_R, 0x400000, 0x1000, 0x10, 0x10);
    expect_refused(&elf, ELF_ERR_INTERPRETER, (unsigned)index);
}

/* ---- one segment --------------------------------------------------------------------------- */

static void test_segment_sizes(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf); /* file size equal to memory size: accepted */
    elf.phdrs[2].p_offset = 0x1000;
    elf.phdrs[2].p_filesz = elf.size - 0x1000;
    elf.phdrs[2].p_memsz = elf.phdrs[2].p_filesz;
    expect_accepted(&elf);
    elf.phdrs[2].p_memsz--;
    expect_refused(&elf, ELF_ERR_FILE_SIZE, 2);
    /* File bytes up to the last byte of the file, not one past it. */
    test_elf_init(&elf);
    elf.phdrs[2].p_filesz = elf.size - elf.phdrs[2].p_offset;
    expect_accepted(&elf);
    elf.phdrs[2].p_filesz++;
    expect_refused(&elf, ELF_ERR_DATA_OUTSIDE, 2);
    elf.phdrs[1].p_offset = UINT64_MAX - 0xfff; /* offset + size wraps */
    elf.phdrs[1].p_vaddr = 0x401000;
    elf.phdrs[1].p_filesz = 0x2000;
    elf.phdrs[1].p_memsz = 0x2000;
    expect_refused(&elf, ELF_ERR_DATA_OUTSIDE, 1);
    /* An empty file part may sit at the very end of the file. */
    test_elf_init(&elf);
    elf.phdrs[2].p_offset = elf.size;
    elf.phdrs[2].p_vaddr = TEST_ELF_DATA_VADDR + (elf.size & 0xfff);
    elf.phdrs[2].p_filesz = 0;
    elf.phdrs[2].p_memsz = 0x1000;
    expect_accepted(&elf);
    elf.phdrs[2].p_offset = elf.size + 0x1000;
    expect_refused(&elf, ELF_ERR_DATA_OUTSIDE, 2);
}

static void test_segment_alignment(void **state)
{
    static const uint64_t valid[] = {0, 1, 2, 16, 0x1000, 0x200000, 1ull << 30};
    static const uint64_t invalid[] = {3,          0x1800,     (1ull << 30) + 0x1000,
                                       1ull << 31, 1ull << 63, UINT64_MAX};
    test_elf_t elf;

    (void)state;
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        test_elf_init(&elf);
        elf.phdrs[0].p_align = valid[i];
        if (valid[i] > 0x1000) { /* congruent modulo the alignment too */
            elf.phdrs[0].p_vaddr = valid[i] + TEST_ELF_TEXT_OFFSET;
            elf.header.e_entry = elf.phdrs[0].p_vaddr;
        }
        expect_accepted(&elf);
    }
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        test_elf_init(&elf);
        elf.phdrs[1].p_align = invalid[i];
        expect_refused(&elf, ELF_ERR_ALIGN, 1);
    }
}

static void test_segment_congruence(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.phdrs[1].p_offset = 0x2001;
    expect_refused(&elf, ELF_ERR_CONGRUENCE, 1);
    elf.phdrs[1].p_vaddr = TEST_ELF_RODATA_VADDR + 1; /* both one past a page: accepted */
    expect_accepted(&elf);
    elf.phdrs[1].p_align = 16; /* a smaller alignment still needs page congruence */
    elf.phdrs[1].p_offset = 0x2011;
    expect_refused(&elf, ELF_ERR_CONGRUENCE, 1);
    /* A 2 MiB alignment needs congruence modulo 2 MiB. */
    test_elf_init(&elf);
    elf.phdrs[2].p_align = 0x200000;
    expect_refused(&elf, ELF_ERR_CONGRUENCE, 2);
    elf.phdrs[2].p_vaddr = 0x603000;
    expect_accepted(&elf);
}

static void test_segment_virtual_range(void **state)
{
    test_elf_t elf;
    elf_rules_t rules = {.vaddr_min = 0x400000, .vaddr_max = 0x404000};

    (void)state;
    test_elf_init(&elf); /* spans exactly [0x400000, 0x404000) */
    expect_accepted_with(&elf, &rules);
    rules.vaddr_min++;
    expect_refused_with(&elf, &rules, ELF_ERR_VADDR_RANGE, 0);
    rules.vaddr_min--;
    rules.vaddr_max--;
    expect_refused_with(&elf, &rules, ELF_ERR_VADDR_RANGE, 2);
    /* A segment starting at vaddr_max is outside, even when it is tiny. */
    rules.vaddr_max = 0x402000;
    elf.phdrs[2].p_memsz = 1;
    elf.phdrs[2].p_filesz = 1;
    expect_refused_with(&elf, &rules, ELF_ERR_VADDR_RANGE, 2);
}

static void test_segment_wraparound(void **state)
{
    test_elf_t elf;
    elf_rules_t rules = {.vaddr_min = 0, .vaddr_max = UINT64_MAX};

    (void)state;
    test_elf_init(&elf);
    elf.phdrs[2].p_vaddr = UINT64_MAX - 0xfff; /* ends at 2^64: wraps */
    elf.phdrs[2].p_offset = 0x3000;
    elf.phdrs[2].p_memsz = 0x1000;
    elf.phdrs[2].p_paddr = 0x402000;
    expect_refused_with(&elf, &rules, ELF_ERR_VADDR_WRAP, 2);
    elf.phdrs[2].p_memsz = 0xfff; /* ends at 2^64 - 1 == vaddr_max: accepted */
    expect_accepted_with(&elf, &rules);
    elf.phdrs[2].p_memsz = UINT64_MAX;
    elf.phdrs[2].p_vaddr = 0x402000;
    expect_refused_with(&elf, &rules, ELF_ERR_VADDR_WRAP, 2);
    /* Physical wraparound is refused even when physical ranges are not checked. */
    test_elf_init(&elf);
    elf.phdrs[0].p_paddr = UINT64_MAX - 0x7f;
    expect_refused(&elf, ELF_ERR_PADDR_WRAP, 0);
    elf.phdrs[0].p_paddr = UINT64_MAX - 0x100; /* ends at 2^64 - 1 */
    expect_accepted(&elf);
}

static void test_segment_physical_range(void **state)
{
    test_elf_t elf;
    elf_rules_t rules = {.vaddr_min = USER_MIN,
                         .vaddr_max = USER_MAX,
                         .paddr_min = 0x100000,
                         .paddr_max = 0x200000,
                         .flags = ELF_RULE_CHECK_PADDR};

    (void)state;
    test_elf_init(&elf);
    expect_refused_with(&elf, &rules, ELF_ERR_PADDR_RANGE, 0);
    expect_accepted(&elf); /* not checked without the rule */
    elf.phdrs[0].p_paddr = 0x100000;
    elf.phdrs[1].p_paddr = 0x101000;
    elf.phdrs[2].p_paddr = 0x1fe000; /* ends exactly at paddr_max */
    expect_accepted_with(&elf, &rules);
    elf.phdrs[2].p_paddr = 0x1fe001;
    expect_refused_with(&elf, &rules, ELF_ERR_PADDR_RANGE, 2);
    elf.phdrs[2].p_paddr = 0x1fe000;
    elf.phdrs[0].p_paddr = 0xfffff;
    expect_refused_with(&elf, &rules, ELF_ERR_PADDR_RANGE, 0);
}

/* ---- the segments together ----------------------------------------------------------------- */

static void test_segment_count_limits(void **state)
{
    test_elf_t elf;
    elf_image_t image;

    (void)state;
    test_elf_init(&elf);
    for (unsigned i = TEST_ELF_LOAD_COUNT; i < ELF_SEGMENTS_MAX; i++) {
        test_elf_add_phdr(&elf, PT_LOAD, PF_R, 0x500000 + i * 0x1000ull, 0x2000, 0x10, 0x10);
    }
    assert_int_equal(parse(&elf, &image), ELF_OK);
    assert_int_equal(image.segment_count, ELF_SEGMENTS_MAX);
    assert_int_equal(image.segments[ELF_SEGMENTS_MAX - 1].vaddr,
                     0x500000 + (ELF_SEGMENTS_MAX - 1) * 0x1000ull);
    test_elf_add_phdr(&elf, PT_LOAD, PF_R, 0x300000, 0, 0, 0); /* empty: not counted */
    expect_accepted(&elf);
    int extra = test_elf_add_phdr(&elf, PT_LOAD, PF_R, 0x600000, 0x2000, 0x10, 0x10);
    expect_refused(&elf, ELF_ERR_TOO_MANY, (unsigned)extra);
}

static void test_no_loadable_segment(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    for (unsigned i = 0; i < TEST_ELF_LOAD_COUNT; i++) {
        elf.phdrs[i].p_type = PT_NULL;
    }
    expect_refused(&elf, ELF_ERR_NO_SEGMENTS, ELF_NO_HEADER);
    for (unsigned i = 0; i < TEST_ELF_LOAD_COUNT; i++) {
        elf.phdrs[i].p_type = PT_LOAD;
        elf.phdrs[i].p_filesz = 0;
        elf.phdrs[i].p_memsz = 0;
    }
    expect_refused(&elf, ELF_ERR_NO_SEGMENTS, ELF_NO_HEADER);
}

static void test_virtual_overlaps(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.phdrs[1].p_vaddr = TEST_ELF_TEXT_VADDR + TEST_ELF_TEXT_SIZE; /* touching: accepted */
    elf.phdrs[1].p_offset = TEST_ELF_TEXT_OFFSET + TEST_ELF_TEXT_SIZE;
    expect_accepted(&elf);
    elf.phdrs[1].p_vaddr--; /* one shared byte */
    elf.phdrs[1].p_offset--;
    expect_refused(&elf, ELF_ERR_VADDR_OVERLAP, 1);
    /* One segment inside another, listed first. */
    test_elf_init(&elf);
    elf.phdrs[0].p_vaddr = TEST_ELF_DATA_VADDR + 0x1000;
    elf.phdrs[0].p_offset = 0x1000;
    elf.header.e_entry = elf.phdrs[0].p_vaddr;
    expect_refused(&elf, ELF_ERR_VADDR_OVERLAP, 0);
    /* Two identical segments. */
    test_elf_init(&elf);
    elf.phdrs[1] = elf.phdrs[0];
    expect_refused(&elf, ELF_ERR_VADDR_OVERLAP, 1);
}

static void test_physical_overlaps(void **state)
{
    test_elf_t elf;
    elf_rules_t rules = {.vaddr_min = USER_MIN,
                         .vaddr_max = USER_MAX,
                         .paddr_min = 0,
                         .paddr_max = UINT64_MAX,
                         .flags = ELF_RULE_CHECK_PADDR};

    (void)state;
    test_elf_init(&elf);
    elf.phdrs[1].p_paddr = TEST_ELF_TEXT_VADDR + TEST_ELF_TEXT_SIZE; /* touching the text */
    expect_accepted_with(&elf, &rules);
    elf.phdrs[1].p_paddr--;
    expect_refused_with(&elf, &rules, ELF_ERR_PADDR_OVERLAP, 1);
    expect_accepted(&elf); /* not checked without the rule */
}

static void test_entry_point(void **state)
{
    test_elf_t elf;
    elf_rules_t rules = user_rules;

    (void)state;
    test_elf_init(&elf);
    elf.header.e_entry = TEST_ELF_TEXT_VADDR;
    expect_accepted(&elf);
    elf.header.e_entry = TEST_ELF_TEXT_VADDR + TEST_ELF_TEXT_SIZE - 1;
    expect_accepted(&elf);
    elf.header.e_entry = TEST_ELF_TEXT_VADDR + TEST_ELF_TEXT_SIZE;
    expect_refused(&elf, ELF_ERR_ENTRY, ELF_NO_HEADER);
    elf.header.e_entry = TEST_ELF_TEXT_VADDR - 1;
    expect_refused(&elf, ELF_ERR_ENTRY, ELF_NO_HEADER);
    elf.header.e_entry = TEST_ELF_DATA_VADDR; /* in a segment, not an executable one */
    expect_refused(&elf, ELF_ERR_ENTRY, ELF_NO_HEADER);
    rules.flags = ELF_RULE_ENTRY_ANYWHERE;
    elf.header.e_entry = 0;
    expect_accepted_with(&elf, &rules);
    /* By physical address: the text moved to 16 MiB physically. */
    rules.flags = ELF_RULE_ENTRY_PHYSICAL;
    elf.phdrs[0].p_paddr = 0x1000000;
    elf.header.e_entry = 0x1000000 + 0x10;
    expect_accepted_with(&elf, &rules);
    expect_refused(&elf, ELF_ERR_ENTRY, ELF_NO_HEADER);
    elf.header.e_entry = TEST_ELF_ENTRY;
    expect_refused_with(&elf, &rules, ELF_ERR_ENTRY, ELF_NO_HEADER);
}

static void test_note_segment_bounds(void **state)
{
    test_elf_t elf;

    (void)state;
    test_elf_init(&elf);
    elf.phdrs[3].p_offset = elf.size - elf.phdrs[3].p_filesz;
    expect_accepted(&elf);
    elf.phdrs[3].p_offset++;
    expect_refused(&elf, ELF_ERR_NOTE_OUTSIDE, 3);
    elf.phdrs[3].p_offset = UINT64_MAX;
    expect_refused(&elf, ELF_ERR_NOTE_OUTSIDE, 3);
}

/* Every error has its own sentence; out-of-range values have one too. */
static void test_error_strings(void **state)
{
    (void)state;
    for (int i = 0; i < ELF_ERROR_COUNT; i++) {
        const char *text = elf_error_string((elf_error_t)i);
        assert_non_null(text);
        assert_true(strlen(text) > 5);
        for (int j = 0; j < i; j++) {
            assert_string_not_equal(text, elf_error_string((elf_error_t)j));
        }
    }
    assert_string_equal(elf_error_string(ELF_ERROR_COUNT), "unknown error");
    assert_string_equal(elf_error_string((elf_error_t)-1), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_valid_image_segments_entry_and_bounds),
            cmocka_unit_test(test_segments_sorted_by_vaddr),
            cmocka_unit_test(test_flags_masked_and_empty_loads_skipped),
            cmocka_unit_test(test_unaligned_buffer),
            cmocka_unit_test(test_arguments_refused),
            cmocka_unit_test(test_short_files_refused),
            cmocka_unit_test(test_identity_refused),
            cmocka_unit_test(test_header_fields_refused),
            cmocka_unit_test(test_header_sizes_refused),
            cmocka_unit_test(test_program_header_table_bounds),
            cmocka_unit_test(test_interpreter_refused),
            cmocka_unit_test(test_segment_sizes),
            cmocka_unit_test(test_segment_alignment),
            cmocka_unit_test(test_segment_congruence),
            cmocka_unit_test(test_segment_virtual_range),
            cmocka_unit_test(test_segment_wraparound),
            cmocka_unit_test(test_segment_physical_range),
            cmocka_unit_test(test_segment_count_limits),
            cmocka_unit_test(test_no_loadable_segment),
            cmocka_unit_test(test_virtual_overlaps),
            cmocka_unit_test(test_physical_overlaps),
            cmocka_unit_test(test_entry_point),
            cmocka_unit_test(test_note_segment_bounds),
            cmocka_unit_test(test_error_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
