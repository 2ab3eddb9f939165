/*
 * Writing the test images of elf_image_builder.h. Every structure is clipped to the file, so
 * deliberately broken offsets never write outside the buffer. Test code only.
 */
#include "elf_image_builder.h"

#include <stdlib.h>
#include <string.h>

static const char test_strings[] = "\0start\0helper\0data_object\0undefined_fn\0abs_fn";

static void add_symbol(uint8_t *table, unsigned index, uint32_t name, unsigned type,
                       unsigned binding, uint16_t section, uint64_t value)
{
    Elf64_Sym symbol = {
            .st_name = name,
            .st_info = (unsigned char)ELF64_ST_INFO(binding, type),
            .st_shndx = section,
            .st_value = value,
            .st_size = 0x10,
    };
    memcpy(table + index * sizeof(symbol), &symbol, sizeof(symbol));
}

static void add_symbol_table(test_elf_t *elf)
{
    uint8_t table[6 * sizeof(Elf64_Sym)] = {0};

    add_symbol(table, 1, 1, STT_FUNC, STB_GLOBAL, 1, TEST_ELF_TEXT_VADDR);
    add_symbol(table, 2, 7, STT_FUNC, STB_LOCAL, 1, TEST_ELF_TEXT_VADDR + 0x10);
    add_symbol(table, 3, 14, STT_OBJECT, STB_GLOBAL, 1, TEST_ELF_DATA_VADDR);
    add_symbol(table, 4, 26, STT_FUNC, STB_GLOBAL, SHN_UNDEF, 0);
    add_symbol(table, 5, 39, STT_FUNC, STB_WEAK, SHN_ABS, 0x1234);
    test_elf_add_blob(elf, TEST_ELF_SYMTAB, table, sizeof(table));
    test_elf_add_blob(elf, TEST_ELF_STRTAB, test_strings, sizeof(test_strings));
    elf->header.e_shoff = TEST_ELF_SHOFF;
    elf->header.e_shentsize = sizeof(Elf64_Shdr);
    elf->header.e_shnum = 4;
    elf->shdrs[1] = (Elf64_Shdr){.sh_type = SHT_PROGBITS,
                                 .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
                                 .sh_addr = TEST_ELF_TEXT_VADDR,
                                 .sh_offset = TEST_ELF_TEXT_OFFSET,
                                 .sh_size = TEST_ELF_TEXT_SIZE};
    elf->shdrs[2] = (Elf64_Shdr){.sh_type = SHT_SYMTAB,
                                 .sh_offset = TEST_ELF_SYMTAB,
                                 .sh_size = sizeof(table),
                                 .sh_link = 3,
                                 .sh_info = 3,
                                 .sh_entsize = sizeof(Elf64_Sym)};
    elf->shdrs[3] = (Elf64_Shdr){
            .sh_type = SHT_STRTAB, .sh_offset = TEST_ELF_STRTAB, .sh_size = sizeof(test_strings)};
}

void test_elf_init(test_elf_t *elf)
{
    uint8_t notes[64];
    uint64_t pvh_entry = TEST_ELF_PVH_ENTRY;
    size_t note_size;

    memset(elf, 0, sizeof(*elf));
    memcpy(elf->header.e_ident, ELFMAG, SELFMAG);
    elf->header.e_ident[EI_CLASS] = ELFCLASS64;
    elf->header.e_ident[EI_DATA] = ELFDATA2LSB;
    elf->header.e_ident[EI_VERSION] = EV_CURRENT;
    elf->header.e_type = ET_EXEC;
    elf->header.e_machine = EM_X86_64;
    elf->header.e_version = EV_CURRENT;
    elf->header.e_entry = TEST_ELF_ENTRY;
    elf->header.e_phoff = sizeof(Elf64_Ehdr);
    elf->header.e_ehsize = sizeof(Elf64_Ehdr);
    elf->header.e_phentsize = sizeof(Elf64_Phdr);
    elf->size = TEST_ELF_SIZE;
    test_elf_add_phdr(elf, PT_LOAD, PF_R | PF_X, TEST_ELF_TEXT_VADDR, TEST_ELF_TEXT_OFFSET,
                      TEST_ELF_TEXT_SIZE, TEST_ELF_TEXT_SIZE);
    test_elf_add_phdr(elf, PT_LOAD, PF_R, TEST_ELF_RODATA_VADDR, 0x2000, 0x80, 0x80);
    test_elf_add_phdr(elf, PT_LOAD, PF_R | PF_W, TEST_ELF_DATA_VADDR, 0x3000, 0x40,
                      TEST_ELF_DATA_MEMSZ);
    note_size = test_elf_note(notes, 0, "GNU", 3, "\1\2\3\4", 4, 4);
    note_size = test_elf_note(notes, note_size, "Xen", 18, &pvh_entry, 8, 4);
    test_elf_add_blob(elf, TEST_ELF_NOTE_OFFSET, notes, note_size);
    int note = test_elf_add_phdr(elf, PT_NOTE, PF_R, 0, TEST_ELF_NOTE_OFFSET, note_size, 0);
    elf->phdrs[note].p_align = 4;
    test_elf_add_phdr(elf, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
    add_symbol_table(elf);
}

int test_elf_add_phdr(test_elf_t *elf, uint32_t type, uint32_t flags, uint64_t vaddr,
                      uint64_t offset, uint64_t file_size, uint64_t memory_size)
{
    unsigned index = elf->header.e_phnum;

    if (index >= TEST_ELF_PHDRS_MAX) {
        return -1;
    }
    elf->phdrs[index] = (Elf64_Phdr){
            .p_type = type,
            .p_flags = flags,
            .p_offset = offset,
            .p_vaddr = vaddr,
            .p_paddr = vaddr,
            .p_filesz = file_size,
            .p_memsz = memory_size,
            .p_align = 0x1000,
    };
    elf->header.e_phnum++;
    return (int)index;
}

void test_elf_add_blob(test_elf_t *elf, uint64_t offset, const void *bytes, size_t length)
{
    if (elf->blob_count == TEST_ELF_BLOBS_MAX || length > TEST_ELF_BLOB_MAX) {
        abort();
    }
    test_elf_blob_t *blob = &elf->blobs[elf->blob_count++];
    blob->offset = offset;
    blob->length = length;
    memcpy(blob->bytes, bytes, length);
}

static size_t pad_to(uint8_t *out, size_t at, unsigned align)
{
    while (at % align != 0) {
        out[at++] = 0;
    }
    return at;
}

size_t test_elf_note(uint8_t *out, size_t at, const char *name, uint32_t type, const void *desc,
                     uint32_t desc_size, unsigned align)
{
    uint32_t name_size = (uint32_t)strlen(name) + 1;
    uint32_t words[3] = {name_size, desc_size, type};

    memcpy(out + at, words, sizeof(words));
    memcpy(out + at + sizeof(words), name, name_size);
    at = pad_to(out, at + sizeof(words) + name_size, align);
    memcpy(out + at, desc, desc_size);
    return pad_to(out, at + desc_size, align);
}

/* Copy to file offset `at`, only the part inside the file; `at` computed without wrapping. */
static void put(uint8_t *file, size_t size, uint64_t base, uint64_t index, size_t length,
                const void *bytes)
{
    if (base > UINT64_MAX - (index + 1) * length) {
        return;
    }
    uint64_t at = base + index * length;
    if (at >= size) {
        return;
    }
    memcpy(file + at, bytes, length < size - at ? length : (size_t)(size - at));
}

uint8_t *test_elf_write(const test_elf_t *elf)
{
    uint8_t *file = malloc(elf->size > 0 ? elf->size : 1);

    if (file == NULL) {
        abort();
    }
    for (size_t i = 0; i < elf->size; i++) {
        file[i] = (uint8_t)(i * 29u + 3u);
    }
    for (unsigned i = 0; i < elf->header.e_phnum && i < TEST_ELF_PHDRS_MAX; i++) {
        put(file, elf->size, elf->header.e_phoff, i, sizeof(Elf64_Phdr), &elf->phdrs[i]);
    }
    for (unsigned i = 0; i < elf->header.e_shnum && i < TEST_ELF_SHDRS_MAX; i++) {
        put(file, elf->size, elf->header.e_shoff, i, sizeof(Elf64_Shdr), &elf->shdrs[i]);
    }
    for (unsigned i = 0; i < elf->blob_count; i++) {
        put(file, elf->size, elf->blobs[i].offset, 0, elf->blobs[i].length, elf->blobs[i].bytes);
    }
    /* Last, so that a table placed over it (a test of overlaps) leaves the header intact. */
    put(file, elf->size, 0, 0, sizeof(elf->header), &elf->header);
    return file;
}
