/*
 * The root task's ELF image: validation of an untrusted boot module and the list of what it
 * asks to be loaded. Boot-only; reads only inside the image it is given.
 */
#ifndef ARCH_KERNEL_BOOT_ELF_H
#define ARCH_KERNEL_BOOT_ELF_H

#include <kernel/types.h>

#define ELF_SEGMENTS_MAX 16

#define ELF_SEGMENT_EXECUTE 0x1u
#define ELF_SEGMENT_WRITE   0x2u
#define ELF_SEGMENT_READ    0x4u

typedef struct {
    vaddr_t vaddr;
    word_t memory_size;
    word_t file_offset;
    word_t file_size;
    uint32_t flags; /* ELF_SEGMENT_* */
} elf_segment_t;

typedef struct {
    const uint8_t *bytes;
    word_t size;
    vaddr_t entry;
    elf_segment_t segments[ELF_SEGMENTS_MAX];
    unsigned segment_count;
} elf_image_t;

/*
 * Check that bytes[0, size) is a little-endian ELF64 x86-64 executable whose loadable segments
 * lie in the file and in user address space, none in its last page (so that page-rounded ends
 * never wrap), and whose entry point is in an executable segment. Reads nothing outside
 * bytes[0, size). Returns NULL and fills image, or a description of the first problem found.
 */
const char *elf_parse(const uint8_t *bytes, word_t size, elf_image_t *image);

#endif
