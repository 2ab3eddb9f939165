/*
 * Host tests of the kernel's root-task ELF parser (elf_parse, with the kernel's own rule for
 * user addresses): valid images give the right entry and segments; every refusal gives its
 * message, with offsets and sizes chosen to overflow 64-bit arithmetic; the root tasks given on
 * the command line parse like a reference reading of them, and each of their truncations at every
 * length is refused exactly when it lacks a byte the loader needs, with no read outside the file.
 *   test_boot_elf [ELF...]
 */
#include "elf_builder.h"

#include <arch/kernel/boot_elf.h>
#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PAGE 0x1000ull

#define SHORT_FILE    "file shorter than an ELF header"
#define NOT_ELF       "not an ELF file"
#define NOT_ELF64_LE  "not a little-endian ELF64 file"
#define BAD_VERSION   "unknown ELF version"
#define NOT_EXEC      "not an executable (ET_EXEC)"
#define NOT_X86_64    "not an x86-64 executable"
#define BAD_PHDR_SIZE "bad program header table entry size or count"
#define PHDRS_OUTSIDE "program header table outside the file"
#define FILESZ_MEMSZ  "segment file size exceeds its memory size"
#define DATA_OUTSIDE  "segment data outside the file"
#define NOT_USER      "segment outside user address space"
#define LAST_PAGE     "segment in the last page of the address space"
#define TOO_MANY      "too many loadable segments"
#define NO_LOAD       "no loadable segment"
#define ENTRY_OUTSIDE "entry point outside every executable segment"

/* ---- synthetic images --------------------------------------------------------------------- */

/* Parse the file spec describes from a buffer of exactly its size; returns elf_parse's answer. */
static const char *spec_parse(const elf_spec_t *spec, elf_image_t *image)
{
    uint8_t *file = elf_spec_write(spec);
    const char *problem;

    assert_non_null(file);
    memset(image, 0xa5, sizeof(*image));
    problem = elf_parse(file, spec->size, image);
    if (problem == NULL) {
        assert_ptr_equal(image->bytes, file);
        assert_int_equal(image->size, spec->size);
    }
    free(file);
    image->bytes = NULL; /* gone with the file */
    return problem;
}

static void expect_refused(const elf_spec_t *spec, const char *message)
{
    elf_image_t image;
    const char *problem = spec_parse(spec, &image);

    if (problem == NULL || strcmp(problem, message) != 0) {
        fail_msg("expected \"%s\", got %s%s%s", message, problem ? "\"" : "",
                 problem ? problem : "acceptance", problem ? "\"" : "");
    }
}

static void expect_parsed(const elf_spec_t *spec, elf_image_t *image)
{
    const char *problem = spec_parse(spec, image);

    if (problem != NULL) {
        fail_msg("expected acceptance, got \"%s\"", problem);
    }
}

static void expect_segment(const elf_segment_t *segment, const Elf64_Phdr *phdr)
{
    assert_int_equal(segment->vaddr, phdr->p_vaddr);
    assert_int_equal(segment->memory_size, phdr->p_memsz);
    assert_int_equal(segment->file_offset, phdr->p_offset);
    assert_int_equal(segment->file_size, phdr->p_filesz);
    assert_int_equal(segment->flags, phdr->p_flags);
}

/* The valid image with its first PT_LOAD (the text) replaced. */
static void spec_with_text(elf_spec_t *spec, uint64_t vaddr, uint64_t offset, uint64_t file_size,
                           uint64_t memory_size)
{
    elf_spec_valid(spec);
    spec->phdrs[0].p_vaddr = vaddr;
    spec->phdrs[0].p_offset = offset;
    spec->phdrs[0].p_filesz = file_size;
    spec->phdrs[0].p_memsz = memory_size;
    spec->header.e_entry = vaddr;
}

static void test_valid_image_gives_entry_and_segments(void **state)
{
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    elf_spec_valid(&spec);
    expect_parsed(&spec, &image);
    assert_int_equal(image.entry, ELF_SPEC_ENTRY);
    assert_int_equal(image.segment_count, 3);
    for (unsigned i = 0; i < 3; i++) {
        expect_segment(&image.segments[i], &spec.phdrs[i]);
    }
    assert_int_equal(image.segments[0].flags, ELF_SEGMENT_READ | ELF_SEGMENT_EXECUTE);
    assert_int_equal(image.segments[2].flags, ELF_SEGMENT_READ | ELF_SEGMENT_WRITE);
}

/* Other program header types and empty PT_LOADs are no segments, wherever they point. */
static void test_other_headers_and_empty_loads_are_skipped(void **state)
{
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    elf_spec_valid(&spec);
    elf_spec_add(&spec, PT_NOTE, PF_R, 0xffff800000000000ull, 0x10, 0x20, 0x20);
    elf_spec_add(&spec, PT_TLS, PF_R, 0x0000800000000000ull, ~0ull, ~0ull, ~0ull);
    elf_spec_add(&spec, PT_LOAD, PF_R, 0xffff800000000000ull, 0x10, 0, 0);
    elf_spec_add(&spec, PT_LOAD, PF_R | PF_X, 0x9000000, 0, 0, 0);
    spec.header.e_phoff = 0x3000 - 8 * sizeof(Elf64_Phdr); /* the table may be anywhere */
    expect_parsed(&spec, &image);
    assert_int_equal(image.segment_count, 3);
    expect_segment(&image.segments[2], &spec.phdrs[2]);
}

/* The module is page aligned in the kernel, but nothing relies on alignment (UBSan checks). */
static void test_unaligned_buffer_parses(void **state)
{
    elf_spec_t spec;
    elf_image_t image;
    uint8_t *file;
    uint8_t *shifted;

    (void)state;
    elf_spec_valid(&spec);
    file = elf_spec_write(&spec);
    shifted = malloc(spec.size + 3);
    assert_non_null(file);
    assert_non_null(shifted);
    memcpy(shifted + 3, file, spec.size);
    assert_null(elf_parse(shifted + 3, spec.size, &image));
    assert_int_equal(image.entry, ELF_SPEC_ENTRY);
    assert_int_equal(image.segment_count, 3);
    free(shifted);
    free(file);
}

static void test_short_file_refused(void **state)
{
    elf_spec_t spec;

    (void)state;
    for (size_t size = 0; size < sizeof(Elf64_Ehdr); size++) {
        elf_spec_valid(&spec);
        spec.size = size;
        expect_refused(&spec, SHORT_FILE);
    }
}

static void test_header_identity_refused(void **state)
{
    static const uint8_t classes[] = {ELFCLASSNONE, ELFCLASS32, 3, 0xff};
    static const uint8_t encodings[] = {ELFDATANONE, ELFDATA2MSB, 3, 0xff};
    elf_spec_t spec;

    (void)state;
    for (unsigned i = 0; i < SELFMAG; i++) {
        elf_spec_valid(&spec);
        spec.header.e_ident[i] ^= 0x20;
        expect_refused(&spec, NOT_ELF);
    }
    for (unsigned i = 0; i < sizeof(classes); i++) {
        elf_spec_valid(&spec);
        spec.header.e_ident[EI_CLASS] = classes[i];
        expect_refused(&spec, NOT_ELF64_LE);
    }
    for (unsigned i = 0; i < sizeof(encodings); i++) {
        elf_spec_valid(&spec);
        spec.header.e_ident[EI_DATA] = encodings[i];
        expect_refused(&spec, NOT_ELF64_LE);
    }
    elf_spec_valid(&spec);
    spec.header.e_ident[EI_VERSION] = EV_NONE;
    expect_refused(&spec, BAD_VERSION);
    elf_spec_valid(&spec);
    spec.header.e_ident[EI_VERSION] = 2;
    expect_refused(&spec, BAD_VERSION);
    elf_spec_valid(&spec);
    spec.header.e_version = EV_NONE;
    expect_refused(&spec, BAD_VERSION);
    elf_spec_valid(&spec);
    spec.header.e_version = 0xffffffffu;
    expect_refused(&spec, BAD_VERSION);
}

static void test_type_and_machine_refused(void **state)
{
    static const uint16_t types[] = {ET_NONE, ET_REL, ET_DYN, ET_CORE, 0xfe00, 0xffff};
    static const uint16_t machines[] = {EM_NONE, EM_386, EM_AARCH64, EM_X86_64 | 0x100};
    elf_spec_t spec;

    (void)state;
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        elf_spec_valid(&spec);
        spec.header.e_type = types[i];
        expect_refused(&spec, NOT_EXEC);
    }
    for (unsigned i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        elf_spec_valid(&spec);
        spec.header.e_machine = machines[i];
        expect_refused(&spec, NOT_X86_64);
    }
}

static void test_program_header_shape_refused(void **state)
{
    static const uint16_t sizes[] = {0, 32, 55, 57, 64, 0xffff};
    elf_spec_t spec;

    (void)state;
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        elf_spec_valid(&spec);
        spec.header.e_phentsize = sizes[i];
        expect_refused(&spec, BAD_PHDR_SIZE);
    }
    elf_spec_valid(&spec);
    spec.header.e_phnum = 0;
    expect_refused(&spec, BAD_PHDR_SIZE);
}

static void test_program_header_table_outside_refused(void **state)
{
    /* e_phoff values for the valid image's 4 entries (224 bytes) in a 0x3100-byte file. */
    static const uint64_t offsets[] = {
            ELF_SPEC_FILE_SIZE,                              /* at the end: no byte of it */
            ELF_SPEC_FILE_SIZE - 4 * sizeof(Elf64_Phdr) + 1, /* last byte past the end */
            ELF_SPEC_FILE_SIZE + 1,
            0x8000000000000000ull,
            ~0ull - 4 * sizeof(Elf64_Phdr) + 2, /* e_phoff + table size wraps to 1 */
            ~0ull,
            -(uint64_t)sizeof(Elf64_Phdr) * 4, /* e_phoff + table size wraps to 0 */
    };
    elf_spec_t spec;

    (void)state;
    for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        elf_spec_valid(&spec);
        spec.header.e_phoff = offsets[i];
        expect_refused(&spec, PHDRS_OUTSIDE);
    }
    /* A count whose table, 56 * 65535 bytes, is far longer than the file. */
    elf_spec_valid(&spec);
    spec.header.e_phnum = 0xffff;
    expect_refused(&spec, PHDRS_OUTSIDE);
    /* One entry more than fits after the last table byte. */
    elf_spec_valid(&spec);
    spec.header.e_phoff = ELF_SPEC_FILE_SIZE - 4 * sizeof(Elf64_Phdr);
    expect_parsed(&spec, &(elf_image_t){0});
    spec.header.e_phnum = 5;
    expect_refused(&spec, PHDRS_OUTSIDE);
}

static void test_file_size_beyond_memory_size_refused(void **state)
{
    elf_spec_t spec;

    (void)state;
    spec_with_text(&spec, ELF_SPEC_TEXT_VADDR, ELF_SPEC_TEXT_OFFSET, 0x301, 0x300);
    expect_refused(&spec, FILESZ_MEMSZ);
    /* An empty PT_LOAD is skipped only once its sizes are consistent. */
    elf_spec_valid(&spec);
    elf_spec_add(&spec, PT_LOAD, PF_R, 0x500000, 0x10, 1, 0);
    expect_refused(&spec, FILESZ_MEMSZ);
}

static void test_segment_data_outside_refused(void **state)
{
    static const struct {
        uint64_t offset, file_size;
    } cases[] = {
            {ELF_SPEC_FILE_SIZE + 1, 0},                    /* empty, but starts past the end */
            {ELF_SPEC_FILE_SIZE, 1},                        /* one byte past the end */
            {ELF_SPEC_FILE_SIZE - 0x10, 0x11},              /* last byte past the end */
            {0x10, ELF_SPEC_FILE_SIZE},                     /* too long */
            {~0ull - 0xf, 0x20},                            /* offset + size wraps to 0x10 */
            {0x10, ~0ull},                                  /* offset + size wraps to 0xf */
            {0x8000000000000000ull, 0x8000000000000000ull}, /* sum wraps to 0 */
    };
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_with_text(&spec, ELF_SPEC_TEXT_VADDR, cases[i].offset, cases[i].file_size,
                       cases[i].file_size > PAGE ? cases[i].file_size : PAGE);
        expect_refused(&spec, DATA_OUTSIDE);
    }
    /* Exactly up to the end, and empty at the end, are inside. */
    spec_with_text(&spec, ELF_SPEC_TEXT_VADDR, ELF_SPEC_FILE_SIZE - 0x10, 0x10, PAGE);
    expect_parsed(&spec, &image);
    spec_with_text(&spec, ELF_SPEC_TEXT_VADDR, ELF_SPEC_FILE_SIZE, 0, PAGE);
    expect_parsed(&spec, &image);
}

static void test_segment_outside_user_space_refused(void **state)
{
    static const struct {
        uint64_t vaddr, memory_size;
    } cases[] = {
            {0xffff800000000000ull, PAGE},       /* the kernel's PML4 slot (256) */
            {0xffff807ffffff000ull, PAGE},       /* its last page */
            {0xffff807ffffff000ull, 2 * PAGE},   /* from the kernel slot into slot 257 */
            {0xffff800000000000ull, 1ull << 40}, /* all of it and beyond */
            {0x0000800000000000ull, PAGE},       /* non-canonical */
            {0x0000fffffffff000ull, PAGE},       /* non-canonical */
            {0xffff7ffffffff000ull, PAGE},       /* non-canonical */
            {0x00007ffffffff000ull, 2 * PAGE},   /* runs off the lower half */
            {0x1000, 0xffff800000000000ull},     /* both ends canonical, hole between */
            {0xfffffffffffff000ull, 2 * PAGE},   /* wraps past 2^64 */
            {0x1000, ~0ull},                     /* wraps past 2^64 */
            {0xffffffffffffffffull, 2},          /* wraps past 2^64 */
    };
    elf_spec_t spec;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_with_text(&spec, cases[i].vaddr, ELF_SPEC_TEXT_OFFSET, 0, cases[i].memory_size);
        expect_refused(&spec, NOT_USER);
        /* The same in a data segment: not only the entry's segment is checked. */
        elf_spec_valid(&spec);
        spec.phdrs[2].p_vaddr = cases[i].vaddr;
        spec.phdrs[2].p_filesz = 0;
        spec.phdrs[2].p_memsz = cases[i].memory_size;
        expect_refused(&spec, NOT_USER);
    }
}

/*
 * The loader rounds each segment's end up to a page and maps the IPC buffer and boot info after
 * the highest one: a segment in the last page of the address space would wrap both to 0.
 */
static void test_segment_in_last_page_refused(void **state)
{
    static const struct {
        uint64_t vaddr, memory_size;
    } cases[] = {
            {0xfffffffffffff000ull, PAGE},              /* ends at 2^64 exactly */
            {0xfffffffffffff800ull, 0x800},             /* ends at 2^64 exactly */
            {0xfffffffffffff000ull, 1},                 /* one byte of the last page */
            {0xffffffffffffe000ull, PAGE + 1},          /* one byte into the last page */
            {0xffff808000000000ull, 0x7f7ffffff001ull}, /* the whole upper half */
    };
    elf_spec_t spec;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_with_text(&spec, cases[i].vaddr, ELF_SPEC_TEXT_OFFSET, 0, cases[i].memory_size);
        expect_refused(&spec, LAST_PAGE);
    }
}

/* User space is every canonical address outside the kernel's slot: these are all loadable. */
static void test_user_space_edges_accepted(void **state)
{
    static const struct {
        uint64_t vaddr, memory_size;
    } cases[] = {
            {0, PAGE},                         /* page 0 (seL4_X86_Page_Map allows it too) */
            {0x00007ffffffff000ull, PAGE},     /* the lower half's last page */
            {0xffff808000000000ull, PAGE},     /* the first page after the kernel slot */
            {0xffffffff80000000ull, 0x200000}, /* where Linux and unikernels link */
            {0xffffffffffffe000ull, PAGE},     /* ends where the last page starts */
            {0x123, 0x7ffffffffedd},           /* the lower half from 0x123 to its end */
    };
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_with_text(&spec, cases[i].vaddr, ELF_SPEC_TEXT_OFFSET, 0x10, cases[i].memory_size);
        expect_parsed(&spec, &image);
        assert_int_equal(image.segments[0].vaddr, cases[i].vaddr);
        assert_int_equal(image.segments[0].memory_size, cases[i].memory_size);
        assert_int_equal(image.entry, cases[i].vaddr);
    }
}

/* The parser takes vaddr/offset pairs as they come; the loader copies, it does not map files. */
static void test_unaligned_and_overlapping_segments_accepted(void **state)
{
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    elf_spec_valid(&spec);
    spec.phdrs[1].p_offset = 0x2123; /* vaddr 0x402000: offset and vaddr differ mod 4096 */
    elf_spec_add(&spec, PT_LOAD, PF_R | PF_W, ELF_SPEC_TEXT_VADDR + 0x100, 0x1100, 0x100,
                 0x100); /* inside the text, writable */
    expect_parsed(&spec, &image);
    assert_int_equal(image.segment_count, 4);
    expect_segment(&image.segments[1], &spec.phdrs[1]);
    expect_segment(&image.segments[3], &spec.phdrs[4]);
}

static void test_segment_count_limit(void **state)
{
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    elf_spec_valid(&spec);
    for (unsigned i = 3; i < ELF_SEGMENTS_MAX; i++) {
        elf_spec_add(&spec, PT_LOAD, PF_R, 0x10000000 + i * PAGE, 0, 0, PAGE);
    }
    expect_parsed(&spec, &image);
    assert_int_equal(image.segment_count, ELF_SEGMENTS_MAX);
    expect_segment(&image.segments[ELF_SEGMENTS_MAX - 1], &spec.phdrs[ELF_SEGMENTS_MAX]);
    /* An empty PT_LOAD or another type does not count. */
    elf_spec_add(&spec, PT_LOAD, PF_R, 0x20000000, 0, 0, 0);
    elf_spec_add(&spec, PT_NOTE, PF_R, 0x20000000, 0, 0, PAGE);
    expect_parsed(&spec, &image);
    assert_int_equal(image.segment_count, ELF_SEGMENTS_MAX);
    elf_spec_add(&spec, PT_LOAD, PF_R, 0x20000000, 0, 0, PAGE);
    expect_refused(&spec, TOO_MANY);
}

static void test_no_loadable_segment_refused(void **state)
{
    elf_spec_t spec;

    (void)state;
    elf_spec_valid(&spec);
    spec.phdrs[0].p_type = PT_NULL;
    spec.phdrs[1].p_type = PT_NOTE;
    spec.phdrs[2].p_type = PT_DYNAMIC;
    expect_refused(&spec, NO_LOAD);
    elf_spec_valid(&spec);
    for (unsigned i = 0; i < 3; i++) {
        spec.phdrs[i].p_filesz = 0;
        spec.phdrs[i].p_memsz = 0;
    }
    expect_refused(&spec, NO_LOAD);
}

static void test_entry_point(void **state)
{
    static const uint64_t outside[] = {
            0,
            ELF_SPEC_TEXT_VADDR - 1,
            ELF_SPEC_TEXT_VADDR + ELF_SPEC_TEXT_SIZE, /* one past the text */
            ELF_SPEC_RODATA_VADDR,                    /* readable, not executable */
            ELF_SPEC_DATA_VADDR + 0x10,               /* writable, not executable */
            ELF_SPEC_DATA_VADDR + ELF_SPEC_DATA_MEMSZ - 1,
            0xffff800000000000ull,
            ~0ull,
    };
    elf_spec_t spec;
    elf_image_t image;

    (void)state;
    for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        elf_spec_valid(&spec);
        spec.header.e_entry = outside[i];
        expect_refused(&spec, ENTRY_OUTSIDE);
    }
    /* The first and last byte of the text, its zero-filled tail, and a second code segment. */
    elf_spec_valid(&spec);
    spec.header.e_entry = ELF_SPEC_TEXT_VADDR;
    expect_parsed(&spec, &image);
    spec.header.e_entry = ELF_SPEC_TEXT_VADDR + ELF_SPEC_TEXT_SIZE - 1;
    expect_parsed(&spec, &image);
    spec.phdrs[0].p_memsz = 0x800;
    spec.header.e_entry = ELF_SPEC_TEXT_VADDR + 0x7ff;
    expect_parsed(&spec, &image);
    spec.phdrs[2].p_flags |= PF_X;
    spec.header.e_entry = ELF_SPEC_DATA_VADDR + ELF_SPEC_DATA_MEMSZ - 1;
    expect_parsed(&spec, &image);
    assert_int_equal(image.entry, ELF_SPEC_DATA_VADDR + ELF_SPEC_DATA_MEMSZ - 1);
    /* An executable PT_LOAD with no memory holds no entry point. */
    elf_spec_valid(&spec);
    spec.phdrs[0].p_flags = PF_R;
    elf_spec_add(&spec, PT_LOAD, PF_R | PF_X, ELF_SPEC_ENTRY, 0, 0, 0);
    expect_refused(&spec, ENTRY_OUTSIDE);
}

/* ---- the project's root tasks ------------------------------------------------------------- */

typedef struct {
    const char *path;
    uint8_t *bytes;
    size_t size;
    Elf64_Ehdr header;
    Elf64_Phdr loads[ELF_SEGMENTS_MAX];
    unsigned load_count;
    uint64_t table_end; /* end of the program header table */
    uint64_t needed;    /* the shortest prefix that holds everything elf_parse checks */
} real_elf_t;

/* A reference reading with <elf.h>'s structures, of a well-formed file only. */
static void real_elf_read(real_elf_t *elf)
{
    FILE *file = fopen(elf->path, "rb");
    long length;

    if (file == NULL) {
        fail_msg("cannot open %s", elf->path);
    }
    assert_int_equal(fseek(file, 0, SEEK_END), 0);
    length = ftell(file);
    assert_true(length > (long)sizeof(Elf64_Ehdr));
    rewind(file);
    elf->size = (size_t)length;
    elf->bytes = malloc(elf->size);
    assert_non_null(elf->bytes);
    assert_int_equal(fread(elf->bytes, 1, elf->size, file), elf->size);
    fclose(file);

    memcpy(&elf->header, elf->bytes, sizeof(elf->header));
    assert_int_equal(elf->header.e_phentsize, sizeof(Elf64_Phdr));
    elf->table_end = elf->header.e_phoff + (uint64_t)elf->header.e_phnum * sizeof(Elf64_Phdr);
    assert_true(elf->table_end <= elf->size);
    elf->needed = elf->table_end;
    elf->load_count = 0;
    for (unsigned i = 0; i < elf->header.e_phnum; i++) {
        Elf64_Phdr phdr;
        memcpy(&phdr, elf->bytes + elf->header.e_phoff + i * sizeof(phdr), sizeof(phdr));
        if (phdr.p_type != PT_LOAD) {
            continue;
        }
        if (phdr.p_offset + phdr.p_filesz > elf->needed) {
            elf->needed = phdr.p_offset + phdr.p_filesz;
        }
        if (phdr.p_memsz != 0) {
            assert_true(elf->load_count < ELF_SEGMENTS_MAX);
            elf->loads[elf->load_count++] = phdr;
        }
    }
    assert_true(elf->load_count > 0);
}

static void expect_reference(const real_elf_t *elf, const elf_image_t *image)
{
    assert_int_equal(image->entry, elf->header.e_entry);
    assert_int_equal(image->segment_count, elf->load_count);
    for (unsigned i = 0; i < elf->load_count; i++) {
        expect_segment(&image->segments[i], &elf->loads[i]);
    }
}

/*
 * Every prefix of the file, longest first, in one buffer whose bytes past the prefix are
 * poisoned one more at each step: a read beyond the prefix is an ASan error, at O(1) a length.
 */
static void test_real_elf(void **state)
{
    real_elf_t elf = {.path = *state};
    elf_image_t image;
    size_t refused = 0;

    real_elf_read(&elf);
    assert_null(elf_parse(elf.bytes, elf.size, &image));
    expect_reference(&elf, &image);
    for (size_t length = elf.size; length-- > 0;) {
        const char *problem;
        const char *expected;
        ASAN_POISON_MEMORY_REGION(elf.bytes + length, 1);
        problem = elf_parse(elf.bytes, length, &image);
        if (length >= elf.needed) {
            if (problem != NULL) {
                fail_msg("%s cut to %zu bytes: \"%s\"", elf.path, length, problem);
            }
            expect_reference(&elf, &image);
            continue;
        }
        expected = length < sizeof(Elf64_Ehdr) ? SHORT_FILE
                   : length < elf.table_end    ? PHDRS_OUTSIDE
                                               : DATA_OUTSIDE;
        if (problem == NULL || strcmp(problem, expected) != 0) {
            fail_msg("%s cut to %zu bytes: expected \"%s\", got \"%s\"", elf.path, length, expected,
                     problem ? problem : "acceptance");
        }
        refused++;
    }
    ASAN_UNPOISON_MEMORY_REGION(elf.bytes, elf.size);
    print_message("%s: %zu bytes, %u segments; %zu truncations refused, %zu accepted (only "
                  "section data cut)\n",
                  elf.path, elf.size, elf.load_count, refused, elf.size - refused);
    assert_int_equal(refused, elf.needed);
    free(elf.bytes);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest synthetic[] = {
            cmocka_unit_test(test_valid_image_gives_entry_and_segments),
            cmocka_unit_test(test_other_headers_and_empty_loads_are_skipped),
            cmocka_unit_test(test_unaligned_buffer_parses),
            cmocka_unit_test(test_short_file_refused),
            cmocka_unit_test(test_header_identity_refused),
            cmocka_unit_test(test_type_and_machine_refused),
            cmocka_unit_test(test_program_header_shape_refused),
            cmocka_unit_test(test_program_header_table_outside_refused),
            cmocka_unit_test(test_file_size_beyond_memory_size_refused),
            cmocka_unit_test(test_segment_data_outside_refused),
            cmocka_unit_test(test_segment_outside_user_space_refused),
            cmocka_unit_test(test_segment_in_last_page_refused),
            cmocka_unit_test(test_user_space_edges_accepted),
            cmocka_unit_test(test_unaligned_and_overlapping_segments_accepted),
            cmocka_unit_test(test_segment_count_limit),
            cmocka_unit_test(test_no_loadable_segment_refused),
            cmocka_unit_test(test_entry_point),
    };
    struct CMUnitTest *real = calloc((size_t)argc, sizeof(*real));
    int failures;

    if (real == NULL) {
        return 1;
    }
    failures =
            cmocka_run_group_tests_name("root task ELF: synthetic images", synthetic, NULL, NULL);
    for (int i = 1; i < argc; i++) {
        real[i - 1] = (struct CMUnitTest){
                .name = argv[i], .test_func = test_real_elf, .initial_state = argv[i]};
    }
    if (argc > 1) {
        failures += _cmocka_run_group_tests("root task ELF: real images", real, (size_t)argc - 1,
                                            NULL, NULL);
    }
    free(real);
    return failures == 0 ? 0 : 1;
}
