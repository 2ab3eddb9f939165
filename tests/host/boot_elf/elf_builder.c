/*
 * Writing the test images of elf_builder.h: plain byte copies of <elf.h> structures, clipped to
 * the file so that deliberately broken offsets never write outside the buffer. Test code only.
 */
#include "elf_builder.h"

#include <stdlib.h>
#include <string.h>

void elf_spec_valid(elf_spec_t *spec)
{
    memset(spec, 0, sizeof(*spec));
    memcpy(spec->header.e_ident, ELFMAG, SELFMAG);
    spec->header.e_ident[EI_CLASS] = ELFCLASS64;
    spec->header.e_ident[EI_DATA] = ELFDATA2LSB;
    spec->header.e_ident[EI_VERSION] = EV_CURRENT;
    spec->header.e_type = ET_EXEC;
    spec->header.e_machine = EM_X86_64;
    spec->header.e_version = EV_CURRENT;
    spec->header.e_entry = ELF_SPEC_ENTRY;
    spec->header.e_phoff = sizeof(Elf64_Ehdr);
    spec->header.e_ehsize = sizeof(Elf64_Ehdr);
    spec->header.e_phentsize = sizeof(Elf64_Phdr);
    spec->size = ELF_SPEC_FILE_SIZE;
    elf_spec_add(spec, PT_LOAD, PF_R | PF_X, ELF_SPEC_TEXT_VADDR, ELF_SPEC_TEXT_OFFSET,
                 ELF_SPEC_TEXT_SIZE, ELF_SPEC_TEXT_SIZE);
    elf_spec_add(spec, PT_LOAD, PF_R, ELF_SPEC_RODATA_VADDR, 0x2000, 0x80, 0x80);
    elf_spec_add(spec, PT_LOAD, PF_R | PF_W, ELF_SPEC_DATA_VADDR, 0x3000, 0x100,
                 ELF_SPEC_DATA_MEMSZ);
    elf_spec_add(spec, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
}

int elf_spec_add(elf_spec_t *spec, uint32_t type, uint32_t flags, uint64_t vaddr, uint64_t offset,
                 uint64_t file_size, uint64_t memory_size)
{
    unsigned index = spec->header.e_phnum;

    if (index >= ELF_SPEC_PHDRS_MAX) {
        return -1;
    }
    spec->phdrs[index] = (Elf64_Phdr){
            .p_type = type,
            .p_flags = flags,
            .p_offset = offset,
            .p_vaddr = vaddr,
            .p_paddr = vaddr,
            .p_filesz = file_size,
            .p_memsz = memory_size,
            .p_align = 0x1000,
    };
    spec->header.e_phnum++;
    return (int)index;
}

uint8_t elf_spec_pattern(size_t offset)
{
    return (uint8_t)(offset * 31u + 7u);
}

/* Copy length bytes to file offset `at`, only the part inside the file. */
static void file_put(uint8_t *file, size_t size, uint64_t at, const void *bytes, size_t length)
{
    if (at >= size) {
        return;
    }
    memcpy(file + at, bytes, length < size - at ? length : (size_t)(size - at));
}

uint8_t *elf_spec_write(const elf_spec_t *spec)
{
    uint8_t *file = malloc(spec->size > 0 ? spec->size : 1);

    if (file == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < spec->size; i++) {
        file[i] = elf_spec_pattern(i);
    }
    file_put(file, spec->size, 0, &spec->header, sizeof(spec->header));
    for (unsigned i = 0; i < spec->header.e_phnum && i < ELF_SPEC_PHDRS_MAX; i++) {
        uint64_t at = spec->header.e_phoff + (uint64_t)i * sizeof(Elf64_Phdr);
        if (at < spec->header.e_phoff) {
            break; /* a table that wraps around the end of the 64-bit range */
        }
        file_put(file, spec->size, at, &spec->phdrs[i], sizeof(spec->phdrs[i]));
    }
    return file;
}
