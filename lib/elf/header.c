/*
 * The ELF header: identity, type, machine, header sizes and where the program header table
 * lies. Reads only the first EHDR_SIZE bytes, which the caller has checked are there.
 */
#include "internal.h"

#define ELF_CLASS_64    2u
#define ELF_DATA_LE     1u
#define ELF_VERSION_1   1u
#define ELF_TYPE_EXEC   2u
#define ELF_MACHINE_X64 62u

elf_error_t elf_check_identity(const uint8_t *bytes)
{
    if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
        return ELF_ERR_MAGIC;
    }
    if (bytes[IDENT_CLASS] != ELF_CLASS_64) {
        return ELF_ERR_CLASS;
    }
    if (bytes[IDENT_DATA] != ELF_DATA_LE) {
        return ELF_ERR_DATA;
    }
    if (bytes[IDENT_VERSION] != ELF_VERSION_1 ||
        elf_load32(bytes + EHDR_VERSION) != ELF_VERSION_1) {
        return ELF_ERR_VERSION;
    }
    if (elf_load16(bytes + EHDR_TYPE) != ELF_TYPE_EXEC) {
        return ELF_ERR_TYPE;
    }
    if (elf_load16(bytes + EHDR_MACHINE) != ELF_MACHINE_X64) {
        return ELF_ERR_MACHINE;
    }
    return ELF_OK;
}

/* Header sizes and the program header table's place; fills the table fields of *image. */
elf_error_t elf_check_tables(const uint8_t *bytes, size_t size, elf_image_t *image)
{
    image->phoff = elf_load64(bytes + EHDR_PHOFF);
    image->phnum = elf_load16(bytes + EHDR_PHNUM);
    image->shoff = elf_load64(bytes + EHDR_SHOFF);
    image->shnum = elf_load16(bytes + EHDR_SHNUM);

    if (elf_load16(bytes + EHDR_EHSIZE) != EHDR_SIZE) {
        return ELF_ERR_HEADER_SIZE;
    }
    if (elf_load16(bytes + EHDR_PHENTSZ) != PHDR_SIZE) {
        return ELF_ERR_PHDR_SIZE;
    }
    if (image->shnum != 0 && elf_load16(bytes + EHDR_SHENTSZ) != SHDR_SIZE) {
        return ELF_ERR_SHDR_SIZE;
    }
    if (image->phnum == 0 || image->phnum == PN_XNUM_COUNT) {
        return ELF_ERR_PHDR_COUNT;
    }
    if (image->phoff < EHDR_SIZE) {
        return ELF_ERR_PHDR_OVERLAP;
    }
    if (!elf_range_in_file(image->phoff, (uint64_t)image->phnum * PHDR_SIZE, size)) {
        return ELF_ERR_PHDR_OUTSIDE;
    }
    return ELF_OK;
}
