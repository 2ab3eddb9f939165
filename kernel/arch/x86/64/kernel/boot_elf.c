/*
 * ELF64 validation for the root task image (a boot module nobody has checked yet): header
 * identity, program header table bounds, every PT_LOAD inside the file and in user address
 * space below its last page, the entry point inside an executable segment. Boot-only.
 */
#include <arch/boot_section.h>
#include <arch/kernel/boot_elf.h>
#include <arch/object/vspace.h>
#include <kernel/string.h>

#define EI_CLASS_64     2
#define EI_DATA_LE      1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_X86_64       62
#define PT_LOAD         1
#define ELF_HEADER_SIZE 64
#define ELF_PHDR_SIZE   56
/*
 * The loader rounds each segment's end up to a page and maps the IPC buffer and boot info after
 * the highest one: from the last page of the address space, both would wrap to address 0.
 */
#define ADDRESS_SPACE_LAST_PAGE 0xfffffffffffff000ull

typedef struct {
    uint8_t ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
} elf64_header_t;

typedef struct {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
} elf64_phdr_t;

_Static_assert(sizeof(elf64_header_t) == ELF_HEADER_SIZE, "ELF header layout");
_Static_assert(sizeof(elf64_phdr_t) == ELF_PHDR_SIZE, "ELF program header layout");

BOOT_CODE static const char *elf_check_header(const elf64_header_t *header, word_t size)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

    if (memcmp(header->ident, magic, sizeof(magic)) != 0) {
        return "not an ELF file";
    }
    if (header->ident[4] != EI_CLASS_64 || header->ident[5] != EI_DATA_LE) {
        return "not a little-endian ELF64 file";
    }
    if (header->ident[6] != EV_CURRENT || header->version != EV_CURRENT) {
        return "unknown ELF version";
    }
    if (header->type != ET_EXEC) {
        return "not an executable (ET_EXEC)";
    }
    if (header->machine != EM_X86_64) {
        return "not an x86-64 executable";
    }
    if (header->phentsize != ELF_PHDR_SIZE || header->phnum == 0) {
        return "bad program header table entry size or count";
    }
    if (header->phoff > size || (size - header->phoff) / ELF_PHDR_SIZE < header->phnum) {
        return "program header table outside the file";
    }
    return NULL;
}

BOOT_CODE static const char *elf_check_segment(const elf64_phdr_t *phdr, word_t size)
{
    if (phdr->filesz > phdr->memsz) {
        return "segment file size exceeds its memory size";
    }
    if (phdr->offset > size || size - phdr->offset < phdr->filesz) {
        return "segment data outside the file";
    }
    if (phdr->memsz == 0) {
        return NULL;
    }
    if (!vspace_user_range_valid(phdr->vaddr, phdr->memsz)) {
        return "segment outside user address space";
    }
    if (phdr->vaddr + (phdr->memsz - 1) >= ADDRESS_SPACE_LAST_PAGE) {
        return "segment in the last page of the address space";
    }
    return NULL;
}

BOOT_CODE const char *elf_parse(const uint8_t *bytes, word_t size, elf_image_t *image)
{
    elf64_header_t header;
    const char *problem;
    bool entry_ok = false;

    if (size < ELF_HEADER_SIZE) {
        return "file shorter than an ELF header";
    }
    memcpy(&header, bytes, sizeof(header));
    problem = elf_check_header(&header, size);
    if (problem != NULL) {
        return problem;
    }
    image->bytes = bytes;
    image->size = size;
    image->entry = header.entry;
    image->segment_count = 0;
    for (unsigned i = 0; i < header.phnum; i++) {
        elf64_phdr_t phdr;
        memcpy(&phdr, bytes + header.phoff + (word_t)i * ELF_PHDR_SIZE, sizeof(phdr));
        if (phdr.type != PT_LOAD) {
            continue;
        }
        problem = elf_check_segment(&phdr, size);
        if (problem != NULL) {
            return problem;
        }
        if (phdr.memsz == 0) {
            continue;
        }
        if (image->segment_count == ELF_SEGMENTS_MAX) {
            return "too many loadable segments";
        }
        image->segments[image->segment_count++] = (elf_segment_t){
                .vaddr = phdr.vaddr,
                .memory_size = phdr.memsz,
                .file_offset = phdr.offset,
                .file_size = phdr.filesz,
                .flags = phdr.flags,
        };
        if ((phdr.flags & ELF_SEGMENT_EXECUTE) && header.entry >= phdr.vaddr &&
            header.entry - phdr.vaddr < phdr.memsz) {
            entry_ok = true;
        }
    }
    if (image->segment_count == 0) {
        return "no loadable segment";
    }
    if (!entry_ok) {
        return "entry point outside every executable segment";
    }
    return NULL;
}
