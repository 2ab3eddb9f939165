/*
 * Private to lib/elf: the ELF64 field offsets this library reads, and little-endian loads that
 * take any alignment. Every load's caller has checked that its bytes lie in the buffer.
 */
#ifndef ELF_INTERNAL_H
#define ELF_INTERNAL_H

#include <elf/elf.h>

#define EHDR_SIZE     64u
#define EHDR_TYPE     16u
#define EHDR_MACHINE  18u
#define EHDR_VERSION  20u
#define EHDR_ENTRY    24u
#define EHDR_PHOFF    32u
#define EHDR_SHOFF    40u
#define EHDR_EHSIZE   52u
#define EHDR_PHENTSZ  54u
#define EHDR_PHNUM    56u
#define EHDR_SHENTSZ  58u
#define EHDR_SHNUM    60u
#define IDENT_CLASS   4u
#define IDENT_DATA    5u
#define IDENT_VERSION 6u

#define PHDR_SIZE   56u
#define PHDR_TYPE   0u
#define PHDR_FLAGS  4u
#define PHDR_OFFSET 8u
#define PHDR_VADDR  16u
#define PHDR_PADDR  24u
#define PHDR_FILESZ 32u
#define PHDR_MEMSZ  40u
#define PHDR_ALIGN  48u

#define SHDR_SIZE    64u
#define SHDR_TYPE    4u
#define SHDR_OFFSET  24u
#define SHDR_SIZE_AT 32u
#define SHDR_LINK    40u
#define SHDR_ENTSIZE 56u

#define SYM_SIZE    24u
#define SYM_NAME    0u
#define SYM_INFO    4u
#define SYM_SHNDX   6u
#define SYM_VALUE   8u
#define SYM_SIZE_AT 16u

#define PT_LOAD_TYPE    1u
#define PT_INTERP_TYPE  3u
#define PT_NOTE_TYPE    4u
#define SHT_SYMTAB_TYPE 2u
#define SHT_STRTAB_TYPE 3u
#define STT_FUNC_TYPE   2u
#define PN_XNUM_COUNT   0xffffu

static inline uint16_t elf_load16(const uint8_t *at)
{
    return (uint16_t)(at[0] | at[1] << 8);
}

static inline uint32_t elf_load32(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

static inline uint64_t elf_load64(const uint8_t *at)
{
    return (uint64_t)elf_load32(at) | (uint64_t)elf_load32(at + 4) << 32;
}

/* [offset, offset + length) lies in a file of size bytes (no overflow). */
static inline bool elf_range_in_file(uint64_t offset, uint64_t length, uint64_t size)
{
    return offset <= size && length <= size - offset;
}

/* header.c */
elf_error_t elf_check_identity(const uint8_t *bytes);
elf_error_t elf_check_tables(const uint8_t *bytes, size_t size, elf_image_t *image);

/* segments.c: one PT_LOAD read from the program header at phdr, checked alone. */
elf_error_t elf_check_load(const uint8_t *phdr, size_t size, const elf_rules_t *rules,
                           elf_segment_t *segment);
/* layout.c: the segments together (sorted here), then the entry point. */
elf_error_t elf_check_layout(elf_image_t *image, const elf_rules_t *rules);

#endif
