/*
 * Test images for lib/elf, described with <elf.h>'s structures (an independent statement of the
 * layout) and written into a buffer of exactly the file's size. Test code only.
 */
#ifndef TEST_ELF_IMAGE_BUILDER_H
#define TEST_ELF_IMAGE_BUILDER_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_ELF_PHDRS_MAX 24
#define TEST_ELF_SHDRS_MAX 8
#define TEST_ELF_BLOBS_MAX 8
#define TEST_ELF_BLOB_MAX  512

/* The valid image: three PT_LOADs, a PT_NOTE with the PVH note, a symbol table. */
#define TEST_ELF_ENTRY        0x400010ull
#define TEST_ELF_TEXT_VADDR   0x400000ull
#define TEST_ELF_TEXT_OFFSET  0x1000ull
#define TEST_ELF_TEXT_SIZE    0x100ull
#define TEST_ELF_RODATA_VADDR 0x401000ull
#define TEST_ELF_DATA_VADDR   0x402000ull
#define TEST_ELF_DATA_MEMSZ   0x2000ull
#define TEST_ELF_NOTE_OFFSET  0x800ull /* after room for TEST_ELF_PHDRS_MAX headers */
#define TEST_ELF_PVH_ENTRY    0x400020ull
#define TEST_ELF_SYMTAB       0x3100ull
#define TEST_ELF_STRTAB       0x3200ull
#define TEST_ELF_SHOFF        0x3300ull
#define TEST_ELF_SIZE         0x3400ull
#define TEST_ELF_LOAD_COUNT   3
#define TEST_ELF_FUNCTIONS    3 /* defined STT_FUNC symbols in the table */

typedef struct {
    uint64_t offset;
    size_t length;
    uint8_t bytes[TEST_ELF_BLOB_MAX];
} test_elf_blob_t;

typedef struct {
    Elf64_Ehdr header;
    Elf64_Phdr phdrs[TEST_ELF_PHDRS_MAX]; /* header.e_phnum of them are written */
    Elf64_Shdr shdrs[TEST_ELF_SHDRS_MAX]; /* header.e_shnum of them are written */
    test_elf_blob_t blobs[TEST_ELF_BLOBS_MAX];
    unsigned blob_count;
    size_t size; /* the file's size */
} test_elf_t;

/* The valid image described above. */
void test_elf_init(test_elf_t *elf);

/* A program header with p_paddr = vaddr and p_align 0x1000; returns its index or -1. */
int test_elf_add_phdr(test_elf_t *elf, uint32_t type, uint32_t flags, uint64_t vaddr,
                      uint64_t offset, uint64_t file_size, uint64_t memory_size);

/* Bytes placed at a file offset (after the headers are written, clipped to the file). */
void test_elf_add_blob(test_elf_t *elf, uint64_t offset, const void *bytes, size_t length);

/*
 * One note record written at out + at (name with its NUL; name and descriptor each padded to
 * align from the buffer's start); returns the offset after it.
 */
size_t test_elf_note(uint8_t *out, size_t at, const char *name, uint32_t type, const void *desc,
                     uint32_t desc_size, unsigned align);

/* The file: malloc'd, exactly elf->size bytes (at least 1 allocated), pattern-filled. */
uint8_t *test_elf_write(const test_elf_t *elf);

#endif
