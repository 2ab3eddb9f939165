/*
 * Host tests of lib/elf's notes and symbols on synthetic images: the PVH entry in its 4- and
 * 8-byte forms, notes found in later records and later segments, every malformed record (sizes
 * past the segment, bad alignment, trailing bytes), and the symbol iterator (functions only,
 * defined only, names bounded by the string table) with every malformed table refused.
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

static const elf_rules_t user_rules = {.vaddr_min = 0x1000, .vaddr_max = 0x800000000000ull};

/* The parsed image lives as long as the file: the caller frees image->bytes. */
static void parse_ok(const test_elf_t *elf, elf_image_t *image)
{
    uint8_t *file = test_elf_write(elf);

    assert_int_equal(elf_parse(file, elf->size, &user_rules, image, NULL), ELF_OK);
}

static void release(elf_image_t *image)
{
    free((void *)image->bytes);
    image->bytes = NULL;
}

/* The note segment's bytes replaced by notes[0, size) (the segment's size follows). */
static void set_notes(test_elf_t *elf, const uint8_t *notes, size_t size, uint64_t align)
{
    elf->blobs[0].length = size;
    memcpy(elf->blobs[0].bytes, notes, size);
    elf->phdrs[3].p_filesz = size;
    elf->phdrs[3].p_align = align;
}

static elf_error_t find_in(const test_elf_t *elf, const char *name, uint32_t type,
                           const uint8_t **desc, size_t *desc_size, uint64_t *copy)
{
    elf_image_t image;
    elf_error_t error;

    parse_ok(elf, &image);
    error = elf_find_note(&image, name, type, desc, desc_size);
    if (error == ELF_OK && copy != NULL) {
        *copy = 0;
        memcpy(copy, *desc, *desc_size < 8 ? *desc_size : 8);
    }
    release(&image);
    return error;
}

static elf_error_t pvh_entry_of(const test_elf_t *elf, uint64_t *entry)
{
    elf_image_t image;
    elf_error_t error;

    parse_ok(elf, &image);
    error = elf_pvh_entry(&image, entry);
    release(&image);
    return error;
}

/* ---- notes -------------------------------------------------------------------------------- */

static void test_pvh_entry_found(void **state)
{
    test_elf_t elf;
    uint64_t entry = 0;
    const uint8_t *desc;
    size_t size;
    uint64_t value;

    (void)state;
    test_elf_init(&elf);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_OK);
    assert_int_equal(entry, TEST_ELF_PVH_ENTRY);
    /* The GNU note before it, by name and type. */
    assert_int_equal(find_in(&elf, "GNU", 3, &desc, &size, &value), ELF_OK);
    assert_int_equal(size, 4);
    assert_int_equal(value, 0x04030201);
}

static void test_pvh_entry_forms(void **state)
{
    test_elf_t elf;
    uint8_t notes[64] = {0};
    uint64_t entry = 0;
    uint32_t entry32 = 0x100038;
    uint64_t entry64 = 0xffffffffull;

    (void)state;
    test_elf_init(&elf);
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xen", 18, &entry32, 4, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_OK);
    assert_int_equal(entry, 0x100038);
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xen", 18, &entry64, 8, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_OK);
    assert_int_equal(entry, 0xffffffffull);
    entry64 = 0x100000000ull;
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xen", 18, &entry64, 8, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_ERR_PVH_ENTRY);
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xen", 18, &entry64, 2, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_ERR_PVH_NOTE_SIZE);
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xen", 18, &entry64, 0, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_ERR_PVH_NOTE_SIZE);
    /* Names that are not exactly "Xen", and another type, are other notes. */
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xe", 18, &entry32, 4, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_ERR_NOTE_NOT_FOUND);
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xenx", 18, &entry32, 4, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_ERR_NOTE_NOT_FOUND);
    set_notes(&elf, notes, test_elf_note(notes, 0, "Xen", 17, &entry32, 4, 4), 4);
    assert_int_equal(pvh_entry_of(&elf, &entry), ELF_ERR_NOTE_NOT_FOUND);
}

/* A name size that counts bytes past the NUL, or lacks the NUL, is another name. */
static void test_note_name_must_end_at_its_nul(void **state)
{
    test_elf_t elf;
    uint8_t notes[64] = {0};
    const uint8_t *desc;
    size_t size;
    uint32_t words[3] = {5, 4, 18};

    (void)state;
    test_elf_init(&elf);
    memcpy(notes, words, sizeof(words));
    memcpy(notes + 12, "Xen\0\0\0\0\0", 8);
    memcpy(notes + 20, "\x38\0\x10\0", 4);
    set_notes(&elf, notes, 24, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_NOT_FOUND);
    words[0] = 3; /* "Xen" without its NUL */
    memcpy(notes, words, sizeof(words));
    memcpy(notes + 12, "Xenx", 4);
    memcpy(notes + 16, "\x38\0\x10\0", 4);
    set_notes(&elf, notes, 20, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_NOT_FOUND);
    words[0] = 4;
    memcpy(notes, words, sizeof(words));
    set_notes(&elf, notes, 20, 4); /* name "Xenx" of size 4: no NUL at its end */
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_NOT_FOUND);
    /* An empty name (size 0) matches "" only as a one-byte name; here it is simply skipped. */
    size_t at = 0;
    uint32_t empty[3] = {0, 0, 18};
    memcpy(notes, empty, sizeof(empty));
    at = test_elf_note(notes, 12, "Xen", 18, "\x38\0\x10\0", 4, 4);
    set_notes(&elf, notes, at, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_OK);
}

static void test_note_sizes_past_the_segment(void **state)
{
    test_elf_t elf;
    uint8_t notes[64] = {0};
    const uint8_t *desc;
    size_t size;
    uint64_t entry = 0x100000;
    size_t length;

    (void)state;
    memset(notes, 0, sizeof(notes));
    test_elf_init(&elf);
    length = test_elf_note(notes, 0, "Xen", 18, &entry, 8, 4); /* 12 + 4 + 8 = 24 */
    set_notes(&elf, notes, length, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_OK);
    static const struct {
        unsigned word;
        uint32_t value;
    } breaks[] = {
            {0, 13},          /* name past the segment */
            {0, 0xffffffffu}, /* name size near 2^32: its padding must not wrap */
            {1, 9},           /* descriptor one byte past the segment */
            {1, 0xfffffffdu},
    };
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        uint8_t broken[64];
        memcpy(broken, notes, length);
        memcpy(broken + 4 * breaks[i].word, &breaks[i].value, 4);
        set_notes(&elf, broken, length, 4);
        assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_MALFORMED);
    }
    /* A record shorter than its 12-byte header, alone or after a good one. */
    for (size_t cut = 1; cut < 12; cut++) {
        set_notes(&elf, notes, cut, 4);
        assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_MALFORMED);
    }
    length = test_elf_note(notes, 0, "GNU", 1, "abcd", 4, 4);
    set_notes(&elf, notes, length + 11, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_MALFORMED);
    /* The last descriptor may end without its padding. */
    length = test_elf_note(notes, 0, "Xen", 18, "\1\2\3", 3, 4);
    set_notes(&elf, notes, length - 1, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_OK);
    assert_int_equal(size, 3);
    assert_memory_equal(desc, "\1\2\3", 3);
    set_notes(&elf, notes, length - 2, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_MALFORMED);
    /* An empty note segment holds no note. */
    set_notes(&elf, notes, 0, 4);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_NOT_FOUND);
}

static void test_note_alignment(void **state)
{
    test_elf_t elf;
    uint8_t notes[64] = {0};
    const uint8_t *desc;
    size_t size;
    uint64_t value;
    size_t length;

    (void)state;
    test_elf_init(&elf);
    /* 8-byte records: a descriptor padded to 8, then a second note found after it. */
    length = test_elf_note(notes, 0, "GNU", 5, "\1\2\3\4", 4, 8);
    length = test_elf_note(notes, length, "Xen", 18, "\x38\0\x10\0\0\0\0\0", 8, 8);
    set_notes(&elf, notes, length, 8);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, &value), ELF_OK);
    assert_int_equal(value, 0x100038);
    /* The same bytes read with 4-byte padding lose the second record. */
    set_notes(&elf, notes, length, 4);
    assert_int_not_equal(find_in(&elf, "Xen", 18, &desc, &size, &value), ELF_OK);
    static const uint64_t aligns[] = {0, 1, 2, 4};
    length = test_elf_note(notes, 0, "Xen", 18, "\x38\0\x10\0", 4, 4);
    for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
        set_notes(&elf, notes, length, aligns[i]);
        assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_OK);
    }
    set_notes(&elf, notes, length, 16);
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_MALFORMED);
}

/* Notes in a second PT_NOTE segment are found; no PT_NOTE at all is "not found". */
static void test_notes_across_segments(void **state)
{
    test_elf_t elf;
    uint8_t notes[64] = {0};
    const uint8_t *desc;
    size_t size;
    uint64_t value;
    size_t length;

    (void)state;
    test_elf_init(&elf);
    length = test_elf_note(notes, 0, "Other", 1, "\7\7\7\7", 4, 4);
    test_elf_add_blob(&elf, 0x900, notes, length);
    int second = test_elf_add_phdr(&elf, PT_NOTE, PF_R, 0, 0x900, length, 0);
    elf.phdrs[second].p_align = 4;
    assert_int_equal(find_in(&elf, "Other", 1, &desc, &size, &value), ELF_OK);
    assert_int_equal(value, 0x07070707);
    test_elf_init(&elf);
    elf.phdrs[3].p_type = PT_NULL;
    assert_int_equal(find_in(&elf, "Xen", 18, &desc, &size, NULL), ELF_ERR_NOTE_NOT_FOUND);
}

static void test_note_arguments(void **state)
{
    test_elf_t elf;
    elf_image_t image;
    const uint8_t *desc;
    size_t size;

    (void)state;
    test_elf_init(&elf);
    parse_ok(&elf, &image);
    assert_int_equal(elf_find_note(NULL, "Xen", 18, &desc, &size), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_find_note(&image, NULL, 18, &desc, &size), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_find_note(&image, "Xen", 18, NULL, &size), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_find_note(&image, "Xen", 18, &desc, NULL), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_pvh_entry(&image, NULL), ELF_ERR_ARGUMENT);
    /* An image whose table fields were changed after parsing is not trusted. */
    image.phnum = 0xffff;
    assert_int_equal(elf_find_note(&image, "Xen", 18, &desc, &size), ELF_ERR_ARGUMENT);
    release(&image);
}

/* ---- symbols ------------------------------------------------------------------------------ */

/* Every function symbol of the image, names joined by spaces; returns the iterator's end. */
static elf_error_t list_functions(const test_elf_t *elf, char *names, size_t room, unsigned *count)
{
    elf_image_t image;
    elf_symbol_iter_t iter;
    elf_symbol_t symbol;
    elf_error_t error;

    names[0] = '\0';
    *count = 0;
    parse_ok(elf, &image);
    error = elf_find_symbols(&image, &iter);
    while (error == ELF_OK) {
        error = elf_next_symbol(&iter, &symbol);
        if (error == ELF_ERR_SYMBOL_NAME) {
            strncat(names, "? ", room - strlen(names) - 1);
            error = ELF_OK;
            continue;
        }
        if (error == ELF_OK) {
            assert_int_equal(strlen(symbol.name), symbol.name_length);
            strncat(names, symbol.name, room - strlen(names) - 1);
            strncat(names, " ", room - strlen(names) - 1);
            (*count)++;
        }
    }
    release(&image);
    return error;
}

static void test_function_symbols_listed(void **state)
{
    test_elf_t elf;
    elf_image_t image;
    elf_symbol_iter_t iter;
    elf_symbol_t symbol;
    char names[256];
    unsigned count;

    (void)state;
    test_elf_init(&elf);
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_DONE);
    assert_int_equal(count, TEST_ELF_FUNCTIONS);
    assert_string_equal(names, "start helper abs_fn ");
    parse_ok(&elf, &image);
    assert_int_equal(elf_find_symbols(&image, &iter), ELF_OK);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_OK);
    assert_int_equal(symbol.value, TEST_ELF_TEXT_VADDR);
    assert_int_equal(symbol.size, 0x10);
    assert_int_equal(symbol.section, 1);
    assert_int_equal(symbol.binding, STB_GLOBAL);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_OK);
    assert_int_equal(symbol.binding, STB_LOCAL);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_OK);
    assert_int_equal(symbol.section, SHN_ABS);
    assert_int_equal(symbol.binding, STB_WEAK);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_DONE);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_DONE);
    assert_int_equal(elf_find_symbols(NULL, &iter), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_find_symbols(&image, NULL), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_next_symbol(NULL, &symbol), ELF_ERR_ARGUMENT);
    assert_int_equal(elf_next_symbol(&iter, NULL), ELF_ERR_ARGUMENT);
    release(&image);
}

/* No sections, or sections without a symbol table: an empty list, not an error. */
static void test_missing_symbol_table_is_empty(void **state)
{
    test_elf_t elf;
    char names[256];
    unsigned count;

    (void)state;
    test_elf_init(&elf);
    elf.header.e_shnum = 0;
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_DONE);
    assert_int_equal(count, 0);
    test_elf_init(&elf);
    elf.shdrs[2].sh_type = SHT_PROGBITS;
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_DONE);
    assert_int_equal(count, 0);
}

static void test_section_table_bounds(void **state)
{
    test_elf_t elf;
    elf_image_t image;
    elf_symbol_iter_t iter;
    elf_symbol_t symbol;
    char names[256];
    unsigned count;

    (void)state;
    test_elf_init(&elf);
    elf.header.e_shoff = elf.size - 4 * sizeof(Elf64_Shdr) + 1;
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_ERR_SHDR_OUTSIDE);
    elf.header.e_shoff = UINT64_MAX - 0x40;
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_ERR_SHDR_OUTSIDE);
    elf.header.e_shoff = TEST_ELF_SHOFF;
    elf.header.e_shnum = 0xffff;
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_ERR_SHDR_OUTSIDE);
    /* A table over the ELF header (written there, it would break the program headers). */
    test_elf_init(&elf);
    parse_ok(&elf, &image);
    image.shoff = sizeof(Elf64_Ehdr) - 1;
    assert_int_equal(elf_find_symbols(&image, &iter), ELF_ERR_SHDR_OUTSIDE);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_DONE);
    image.shoff = sizeof(Elf64_Ehdr); /* the program headers read as sections: no symtab */
    assert_int_equal(elf_find_symbols(&image, &iter), ELF_OK);
    assert_int_equal(elf_next_symbol(&iter, &symbol), ELF_DONE);
    release(&image);
}

static void test_malformed_symbol_tables(void **state)
{
    test_elf_t elf;
    char names[256];
    unsigned count;

    (void)state;
    enum {
        ENTSIZE,
        SIZE,
        OFFSET,
        WRAP,
        LINK0,
        LINK_HIGH,
        LINK_TYPE,
        STR_EMPTY,
        STR_OUTSIDE,
        STR_NO_NUL,
        CASES
    };
    for (int which = 0; which < CASES; which++) {
        test_elf_init(&elf);
        Elf64_Shdr *symtab = &elf.shdrs[2];
        Elf64_Shdr *strtab = &elf.shdrs[3];
        switch (which) {
        case ENTSIZE:
            symtab->sh_entsize = 16;
            break;
        case SIZE:
            symtab->sh_size -= 1;
            break;
        case OFFSET:
            symtab->sh_offset = elf.size - symtab->sh_size + 1;
            break;
        case WRAP:
            symtab->sh_offset = UINT64_MAX - 0x17;
            break;
        case LINK0:
            symtab->sh_link = 0;
            break;
        case LINK_HIGH:
            symtab->sh_link = 4;
            break;
        case LINK_TYPE:
            symtab->sh_link = 1;
            break;
        case STR_EMPTY:
            strtab->sh_size = 0;
            break;
        case STR_OUTSIDE:
            strtab->sh_offset = elf.size - strtab->sh_size + 1;
            break;
        default:
            strtab->sh_size -= 1; /* the last string loses its NUL */
            break;
        }
        if (list_functions(&elf, names, sizeof(names), &count) != ELF_ERR_SYMTAB) {
            fail_msg("case %d: not refused", which);
        }
        assert_int_equal(count, 0);
    }
}

/* A name offset at or past the string table's end is reported, and the iteration goes on. */
static void test_symbol_name_outside_strings(void **state)
{
    test_elf_t elf;
    char names[256];
    unsigned count;
    uint32_t name;

    (void)state;
    test_elf_init(&elf);
    name = (uint32_t)elf.shdrs[3].sh_size - 1; /* the final NUL: an empty name */
    memcpy(elf.blobs[1].bytes + 1 * sizeof(Elf64_Sym), &name, 4);
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_DONE);
    assert_string_equal(names, " helper abs_fn ");
    name++;
    memcpy(elf.blobs[1].bytes + 1 * sizeof(Elf64_Sym), &name, 4);
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_DONE);
    assert_string_equal(names, "? helper abs_fn ");
    name = 0xffffffffu;
    memcpy(elf.blobs[1].bytes + 2 * sizeof(Elf64_Sym), &name, 4);
    assert_int_equal(list_functions(&elf, names, sizeof(names), &count), ELF_DONE);
    assert_string_equal(names, "? ? abs_fn ");
    assert_int_equal(count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_pvh_entry_found),
            cmocka_unit_test(test_pvh_entry_forms),
            cmocka_unit_test(test_note_name_must_end_at_its_nul),
            cmocka_unit_test(test_note_sizes_past_the_segment),
            cmocka_unit_test(test_note_alignment),
            cmocka_unit_test(test_notes_across_segments),
            cmocka_unit_test(test_note_arguments),
            cmocka_unit_test(test_function_symbols_listed),
            cmocka_unit_test(test_missing_symbol_table_is_empty),
            cmocka_unit_test(test_section_table_bounds),
            cmocka_unit_test(test_malformed_symbol_tables),
            cmocka_unit_test(test_symbol_name_outside_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
