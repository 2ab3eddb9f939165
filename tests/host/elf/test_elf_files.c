/*
 * lib/elf on real files (the project's own root tasks, kernel and guests, and Linux when it has
 * been fetched), each given on the command line:
 *   test_elf_files [ELF...]
 * Each file must parse, and agree with an independent reading of it through <elf.h>: segments,
 * PVH entry, function symbols. Then it is cut at every length (files over 4 MiB: at every length
 * near a boundary that matters and at a stride elsewhere), with the bytes past the cut poisoned
 * for ASan: a cut must be refused exactly when it loses a byte of the program header table, of a
 * loadable segment or of a note segment, and otherwise give the same image.
 */
#include <elf.h>
#include <elf/elf.h>
#include <sanitizer/asan_interface.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FILES_MAX       16
#define SMALL_FILE      (4u << 20)
#define NEAR_BOUNDARY   512u
#define LARGE_STRIDE    65537u
#define LOWER_HALF_END  0x0000800000000000ull
#define REFERENCE_LOADS 64

typedef struct {
    const char *path;
    uint8_t *bytes;
    size_t size;
} file_t;

/* What <elf.h> says about the file. */
typedef struct {
    Elf64_Phdr loads[REFERENCE_LOADS]; /* non-empty PT_LOADs, sorted by vaddr */
    unsigned load_count;
    uint64_t needed; /* bytes a loader reads: tables, segment and note data */
    bool entry_physical;
    bool has_pvh;
    uint64_t pvh_entry;
    unsigned functions;
} reference_t;

static void read_file(file_t *file)
{
    FILE *stream = fopen(file->path, "rb");

    if (stream == NULL) {
        fail_msg("%s: cannot open", file->path);
    }
    assert_int_equal(fseek(stream, 0, SEEK_END), 0);
    long size = ftell(stream);
    assert_true(size > 0);
    file->size = (size_t)size;
    file->bytes = malloc(file->size);
    assert_non_null(file->bytes);
    rewind(stream);
    assert_int_equal(fread(file->bytes, 1, file->size, stream), file->size);
    fclose(stream);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* The PVH note, read with <elf.h>'s note header; 4-byte records. */
static void reference_notes(const file_t *file, const Elf64_Phdr *phdr, reference_t *reference)
{
    uint64_t at = phdr->p_offset;
    uint64_t end = phdr->p_offset + phdr->p_filesz;

    while (at + sizeof(Elf64_Nhdr) <= end) {
        Elf64_Nhdr note;
        memcpy(&note, file->bytes + at, sizeof(note));
        uint64_t name = at + sizeof(note);
        uint64_t desc = name + ((note.n_namesz + 3u) & ~3u);
        if (desc + note.n_descsz > end) {
            return;
        }
        if (note.n_type == 18 && note.n_namesz == 4 && memcmp(file->bytes + name, "Xen", 4) == 0) {
            reference->has_pvh = true;
            reference->pvh_entry = 0;
            memcpy(&reference->pvh_entry, file->bytes + desc, note.n_descsz == 4 ? 4 : 8);
            return;
        }
        at = desc + ((note.n_descsz + 3u) & ~3u);
    }
}

static void reference_symbols(const file_t *file, const Elf64_Ehdr *header, reference_t *reference)
{
    for (unsigned i = 0; i < header->e_shnum; i++) {
        Elf64_Shdr section;
        memcpy(&section, file->bytes + header->e_shoff + i * sizeof(section), sizeof(section));
        if (section.sh_type != SHT_SYMTAB) {
            continue;
        }
        for (uint64_t j = 1; j < section.sh_size / sizeof(Elf64_Sym); j++) {
            Elf64_Sym symbol;
            memcpy(&symbol, file->bytes + section.sh_offset + j * sizeof(symbol), sizeof(symbol));
            if (ELF64_ST_TYPE(symbol.st_info) == STT_FUNC && symbol.st_shndx != SHN_UNDEF) {
                reference->functions++;
            }
        }
        return;
    }
}

static void reference_read(const file_t *file, reference_t *reference)
{
    Elf64_Ehdr header;
    bool entry_virtual = false;

    memset(reference, 0, sizeof(*reference));
    assert_true(file->size >= sizeof(header));
    memcpy(&header, file->bytes, sizeof(header));
    reference->needed = header.e_phoff + header.e_phnum * sizeof(Elf64_Phdr);
    for (unsigned i = 0; i < header.e_phnum; i++) {
        Elf64_Phdr phdr;
        memcpy(&phdr, file->bytes + header.e_phoff + i * sizeof(phdr), sizeof(phdr));
        if (phdr.p_type == PT_NOTE) {
            reference->needed = max_u64(reference->needed, phdr.p_offset + phdr.p_filesz);
            reference_notes(file, &phdr, reference);
        }
        if (phdr.p_type != PT_LOAD) {
            continue;
        }
        reference->needed = max_u64(reference->needed, phdr.p_offset + phdr.p_filesz);
        if (phdr.p_memsz == 0) {
            continue;
        }
        assert_true(reference->load_count < REFERENCE_LOADS);
        unsigned j = reference->load_count++;
        while (j > 0 && reference->loads[j - 1].p_vaddr > phdr.p_vaddr) {
            reference->loads[j] = reference->loads[j - 1];
            j--;
        }
        reference->loads[j] = phdr;
        if ((phdr.p_flags & PF_X) && header.e_entry - phdr.p_vaddr < phdr.p_memsz) {
            entry_virtual = true;
        }
    }
    reference->entry_physical = !entry_virtual; /* Linux's vmlinux: e_entry is physical */
    reference_symbols(file, &header, reference);
}

static const elf_rules_t *rules_for(const reference_t *reference)
{
    static const elf_rules_t by_vaddr = {.vaddr_min = 0, .vaddr_max = UINT64_MAX};
    static const elf_rules_t by_paddr = {
            .vaddr_min = 0, .vaddr_max = UINT64_MAX, .flags = ELF_RULE_ENTRY_PHYSICAL};
    return reference->entry_physical ? &by_paddr : &by_vaddr;
}

static void expect_same_image(const elf_image_t *image, const reference_t *reference)
{
    assert_int_equal(image->segment_count, reference->load_count);
    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        const Elf64_Phdr *load = &reference->loads[i];
        assert_int_equal(segment->vaddr, load->p_vaddr);
        assert_int_equal(segment->paddr, load->p_paddr);
        assert_int_equal(segment->file_offset, load->p_offset);
        assert_int_equal(segment->file_size, load->p_filesz);
        assert_int_equal(segment->memory_size, load->p_memsz);
        assert_int_equal(segment->flags, load->p_flags & (PF_R | PF_W | PF_X));
    }
}

static unsigned count_functions(const elf_image_t *image, elf_error_t *end)
{
    elf_symbol_iter_t iter;
    elf_symbol_t symbol;
    unsigned count = 0;

    *end = elf_find_symbols(image, &iter);
    if (*end != ELF_OK) {
        return 0;
    }
    while ((*end = elf_next_symbol(&iter, &symbol)) == ELF_OK) {
        assert_true(symbol.name_length == strlen(symbol.name));
        count++;
    }
    return count;
}

/* Is this cut length one to try? All of them for small files; near boundaries for large ones. */
static bool cut_wanted(const file_t *file, const reference_t *reference, size_t length)
{
    if (file->size <= SMALL_FILE || length < 2 * NEAR_BOUNDARY || length % LARGE_STRIDE == 0) {
        return true;
    }
    if (length + NEAR_BOUNDARY >= reference->needed &&
        length <= reference->needed + NEAR_BOUNDARY) {
        return true;
    }
    for (unsigned i = 0; i < reference->load_count; i++) {
        uint64_t end = reference->loads[i].p_offset + reference->loads[i].p_filesz;
        if (length + NEAR_BOUNDARY >= end && length <= end + NEAR_BOUNDARY) {
            return true;
        }
    }
    return false;
}

static void check_cuts(const file_t *file, const reference_t *reference, unsigned functions)
{
    const elf_rules_t *rules = rules_for(reference);
    unsigned refused = 0;
    unsigned accepted = 0;
    Elf64_Ehdr header;

    memcpy(&header, file->bytes, sizeof(header));
    uint64_t section_table_end = header.e_shoff + header.e_shnum * sizeof(Elf64_Shdr);
    for (size_t length = file->size; length-- > 0;) {
        ASAN_POISON_MEMORY_REGION(file->bytes + length, 1);
        if (!cut_wanted(file, reference, length)) {
            continue;
        }
        elf_image_t image;
        elf_error_t error = elf_parse(file->bytes, length, rules, &image, NULL);
        if (length < reference->needed) {
            if (error == ELF_OK) {
                fail_msg("%s cut at %zu: accepted, but %llu bytes are needed", file->path, length,
                         (unsigned long long)reference->needed);
            }
            refused++;
            continue;
        }
        if (error != ELF_OK) {
            fail_msg("%s cut at %zu: refused (%s)", file->path, length, elf_error_string(error));
        }
        accepted++;
        expect_same_image(&image, reference);
        uint64_t pvh = 0;
        assert_int_equal(elf_pvh_entry(&image, &pvh) == ELF_OK, reference->has_pvh);
        elf_error_t end;
        unsigned count = count_functions(&image, &end);
        if (header.e_shnum > 0 && length < section_table_end) {
            assert_int_equal(end, ELF_ERR_SHDR_OUTSIDE);
        } else if (end == ELF_DONE) {
            assert_int_equal(count, functions);
        } else {
            assert_int_equal(end, ELF_ERR_SYMTAB); /* the cut took the symbol or string table */
        }
    }
    ASAN_UNPOISON_MEMORY_REGION(file->bytes, file->size);
    printf("%s: %zu bytes, %u segments, %u functions; %u cuts refused, %u accepted\n", file->path,
           file->size, reference->load_count, functions, refused, accepted);
}

static void test_file(void **state)
{
    file_t file = {.path = *state};
    reference_t reference;
    elf_image_t image;
    const char *problem = NULL;

    read_file(&file);
    reference_read(&file, &reference);
    elf_error_t error = elf_parse(file.bytes, file.size, rules_for(&reference), &image, &problem);
    if (error != ELF_OK) {
        fail_msg("%s: refused: %s", file.path, problem);
    }
    expect_same_image(&image, &reference);
    assert_int_equal(image.vaddr_start, reference.loads[0].p_vaddr);
    if (reference.has_pvh) {
        uint64_t entry = 0;
        assert_int_equal(elf_pvh_entry(&image, &entry), ELF_OK);
        assert_int_equal(entry, reference.pvh_entry);
        printf("%s: PVH entry %#llx\n", file.path, (unsigned long long)entry);
    }
    elf_error_t end;
    unsigned functions = count_functions(&image, &end);
    assert_int_equal(end, ELF_DONE);
    assert_int_equal(functions, reference.functions);
    /* The project's own user programs sit in the lower half, as init's rules want. */
    if (image.vaddr_end <= LOWER_HALF_END && !reference.entry_physical) {
        elf_rules_t lower = {.vaddr_min = 0, .vaddr_max = LOWER_HALF_END};
        assert_int_equal(elf_parse(file.bytes, file.size, &lower, &image, NULL), ELF_OK);
    }
    check_cuts(&file, &reference, functions);
    free(file.bytes);
}

int main(int argc, char **argv)
{
    struct CMUnitTest tests[FILES_MAX];
    int count = 0;

    for (int i = 1; i < argc && count < FILES_MAX; i++, count++) {
        tests[count] = (struct CMUnitTest){
                .name = argv[i], .test_func = test_file, .initial_state = argv[i]};
    }
    if (count == 0) {
        fprintf(stderr, "usage: %s ELF...\n", argv[0]);
        return 2;
    }
    return _cmocka_run_group_tests("elf_files", tests, (size_t)count, NULL, NULL);
}
