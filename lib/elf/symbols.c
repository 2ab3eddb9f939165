/*
 * Function symbols of the section-header symbol table. The section header table, the symbol
 * table and its string table are each checked to lie in the file (and the string table to end
 * in a NUL) before the iterator hands out a single name.
 */
#include "internal.h"

#define SHN_UNDEF_INDEX 0u

static void iter_empty(elf_symbol_iter_t *iter, const uint8_t *bytes)
{
    *iter = (elf_symbol_iter_t){.bytes = bytes};
}

/* The symbol table's string table: a SHT_STRTAB in the file, ending in a NUL. */
static elf_error_t find_strings(const elf_image_t *image, uint32_t link, elf_symbol_iter_t *iter)
{
    const uint8_t *shdr;

    if (link == 0 || link >= image->shnum) {
        return ELF_ERR_SYMTAB;
    }
    shdr = image->bytes + image->shoff + (uint64_t)link * SHDR_SIZE;
    iter->strings_offset = elf_load64(shdr + SHDR_OFFSET);
    iter->strings_size = elf_load64(shdr + SHDR_SIZE_AT);
    if (elf_load32(shdr + SHDR_TYPE) != SHT_STRTAB_TYPE || iter->strings_size == 0 ||
        !elf_range_in_file(iter->strings_offset, iter->strings_size, image->size) ||
        image->bytes[iter->strings_offset + iter->strings_size - 1] != 0) {
        return ELF_ERR_SYMTAB;
    }
    return ELF_OK;
}

static elf_error_t use_symtab(const elf_image_t *image, const uint8_t *shdr,
                              elf_symbol_iter_t *iter)
{
    uint64_t offset = elf_load64(shdr + SHDR_OFFSET);
    uint64_t size = elf_load64(shdr + SHDR_SIZE_AT);
    elf_error_t error;

    if (elf_load64(shdr + SHDR_ENTSIZE) != SYM_SIZE || size % SYM_SIZE != 0 ||
        !elf_range_in_file(offset, size, image->size)) {
        return ELF_ERR_SYMTAB;
    }
    error = find_strings(image, elf_load32(shdr + SHDR_LINK), iter);
    if (error != ELF_OK) {
        return error;
    }
    iter->symbols_offset = offset;
    iter->symbol_count = size / SYM_SIZE;
    iter->next = 1; /* symbol 0 is the reserved null symbol */
    return ELF_OK;
}

elf_error_t elf_find_symbols(const elf_image_t *image, elf_symbol_iter_t *iter)
{
    if (image == NULL || image->bytes == NULL || iter == NULL) {
        return ELF_ERR_ARGUMENT;
    }
    iter_empty(iter, image->bytes);
    if (image->shnum == 0) {
        return ELF_OK;
    }
    if (image->shoff < EHDR_SIZE ||
        !elf_range_in_file(image->shoff, (uint64_t)image->shnum * SHDR_SIZE, image->size)) {
        return ELF_ERR_SHDR_OUTSIDE;
    }
    for (uint16_t i = 0; i < image->shnum; i++) {
        const uint8_t *shdr = image->bytes + image->shoff + (uint64_t)i * SHDR_SIZE;
        if (elf_load32(shdr + SHDR_TYPE) == SHT_SYMTAB_TYPE) {
            elf_error_t error = use_symtab(image, shdr, iter);
            if (error != ELF_OK) {
                iter_empty(iter, image->bytes);
            }
            return error;
        }
    }
    return ELF_OK;
}

elf_error_t elf_next_symbol(elf_symbol_iter_t *iter, elf_symbol_t *symbol)
{
    if (iter == NULL || symbol == NULL) {
        return ELF_ERR_ARGUMENT;
    }
    while (iter->next < iter->symbol_count) {
        const uint8_t *sym = iter->bytes + iter->symbols_offset + iter->next * SYM_SIZE;
        iter->next++;
        uint8_t info = sym[SYM_INFO];
        uint16_t section = elf_load16(sym + SYM_SHNDX);
        if ((info & 0xf) != STT_FUNC_TYPE || section == SHN_UNDEF_INDEX) {
            continue;
        }
        uint32_t name = elf_load32(sym + SYM_NAME);
        if (name >= iter->strings_size) {
            return ELF_ERR_SYMBOL_NAME;
        }
        const char *text = (const char *)iter->bytes + iter->strings_offset + name;
        uint64_t room = iter->strings_size - name;
        size_t length = 0;
        while (length < room && text[length] != '\0') {
            length++;
        }
        if (length == room) { /* only if the buffer changed: the table ends in a NUL */
            return ELF_ERR_SYMBOL_NAME;
        }
        *symbol = (elf_symbol_t){
                .name = text,
                .name_length = length,
                .value = elf_load64(sym + SYM_VALUE),
                .size = elf_load64(sym + SYM_SIZE_AT),
                .section = section,
                .binding = (uint8_t)(info >> 4),
        };
        return ELF_OK;
    }
    return ELF_DONE;
}
