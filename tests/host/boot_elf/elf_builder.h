/*
 * Root-task ELF images for the tests of the kernel's ELF parser, described with <elf.h>'s own
 * types (not the kernel's) and written into a buffer of exactly the file's size, so that any
 * read past its end is an AddressSanitizer error. Test code only.
 */
#ifndef TESTS_BOOT_ELF_BUILDER_H
#define TESTS_BOOT_ELF_BUILDER_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_SPEC_PHDRS_MAX 24

/* The valid image of elf_spec_valid(): where its parts are. */
#define ELF_SPEC_TEXT_VADDR   0x400000ull
#define ELF_SPEC_TEXT_OFFSET  0x1000ull
#define ELF_SPEC_TEXT_SIZE    0x300ull
#define ELF_SPEC_RODATA_VADDR 0x402000ull
#define ELF_SPEC_DATA_VADDR   0x403000ull
#define ELF_SPEC_DATA_MEMSZ   0x5000ull
#define ELF_SPEC_ENTRY        (ELF_SPEC_TEXT_VADDR + 0x40)
#define ELF_SPEC_FILE_SIZE    0x3100ull

typedef struct {
    Elf64_Ehdr header;
    Elf64_Phdr phdrs[ELF_SPEC_PHDRS_MAX]; /* written at header.e_phoff, header.e_phnum of them */
    size_t size;                          /* the file's size: cut or padded to it */
} elf_spec_t;

/*
 * A valid ELF64 x86-64 executable: text (R X) at 0x400000, rodata (R) at 0x402000, data (RW,
 * 0x100 bytes in the file, 0x5000 in memory) at 0x403000 and a PT_GNU_STACK header; the entry
 * 0x40 bytes into the text.
 */
void elf_spec_valid(elf_spec_t *spec);

/* Append a program header (e_phnum grows); returns its index, or -1 when the table is full. */
int elf_spec_add(elf_spec_t *spec, uint32_t type, uint32_t flags, uint64_t vaddr, uint64_t offset,
                 uint64_t file_size, uint64_t memory_size);

/*
 * The file: spec->size bytes from malloc (at least 1, so that an empty file is still a valid
 * allocation), a recognisable pattern where nothing else is, the header at 0 and the program
 * headers at e_phoff, each only as far as it lies inside the file. NULL when out of memory.
 */
uint8_t *elf_spec_write(const elf_spec_t *spec);

/* The pattern byte at file offset `offset` (what segment data holds). */
uint8_t elf_spec_pattern(size_t offset);

#endif
