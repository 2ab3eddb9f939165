/*
 * A strict parser of ELF64 little-endian x86-64 executables for user-space loaders (init, the
 * VMM). Freestanding: no libc, no heap, no mutable globals; every call is reentrant. It only
 * reads the caller's buffer, never a byte outside [bytes, bytes + size), and never trusts a
 * field of the file before checking it.
 *
 *   elf_parse          headers and PT_LOAD segments checked against the caller's rules; the
 *                      segments come out sorted by virtual address
 *   elf_find_note      a note (name, type) in the PT_NOTE segments, e.g. the PVH entry
 *   elf_pvh_entry      the PVH entry point (note "Xen", type 18, 4- or 8-byte descriptor)
 *   elf_find_symbols   an iterator over the function symbols of the section-header symbol
 *   elf_next_symbol    table (.symtab and its string table); no symbol table is not an error
 *
 * Every refusal is an elf_error_t; elf_error_string gives a static sentence for it.
 * docs/parsers.md lists what each check is.
 */
#ifndef ELF_ELF_H
#define ELF_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_SEGMENTS_MAX 16      /* loadable segments an image may have */
#define ELF_PAGE_SIZE    0x1000u /* file offset and vaddr agree modulo this (and p_align) */
#define ELF_ALIGN_MAX    (1ull << 30)
#define ELF_NO_HEADER    0xffffu /* elf_image_t.failed_header when no program header is at fault */

/* Segment flags: the ELF p_flags bits R, W, X (other bits are dropped). */
#define ELF_SEGMENT_EXECUTE 0x1u
#define ELF_SEGMENT_WRITE   0x2u
#define ELF_SEGMENT_READ    0x4u

/* elf_rules_t.flags */
#define ELF_RULE_CHECK_PADDR    0x1u /* physical ranges within [paddr_min, paddr_max), no overlap */
#define ELF_RULE_ENTRY_ANYWHERE 0x2u /* no check of e_entry (the entry comes from elsewhere) */
#define ELF_RULE_ENTRY_PHYSICAL 0x4u /* e_entry lies in an executable segment's physical range */

typedef enum {
    ELF_OK = 0,
    ELF_DONE,               /* elf_next_symbol: no more symbols */
    ELF_ERR_ARGUMENT,       /* a NULL pointer, or rules with vaddr_min >= vaddr_max */
    ELF_ERR_TRUNCATED,      /* shorter than the ELF header */
    ELF_ERR_MAGIC,          /* not \x7fELF */
    ELF_ERR_CLASS,          /* not ELFCLASS64 */
    ELF_ERR_DATA,           /* not little-endian */
    ELF_ERR_VERSION,        /* e_ident[EI_VERSION] or e_version is not 1 */
    ELF_ERR_TYPE,           /* not ET_EXEC (ET_DYN is refused too) */
    ELF_ERR_MACHINE,        /* not EM_X86_64 */
    ELF_ERR_HEADER_SIZE,    /* e_ehsize is not 64 */
    ELF_ERR_PHDR_SIZE,      /* e_phentsize is not 56 */
    ELF_ERR_SHDR_SIZE,      /* sections present and e_shentsize is not 64 */
    ELF_ERR_PHDR_COUNT,     /* e_phnum is 0 or PN_XNUM (0xffff) */
    ELF_ERR_PHDR_OVERLAP,   /* the program header table overlaps the ELF header */
    ELF_ERR_PHDR_OUTSIDE,   /* the program header table runs past the end of the file */
    ELF_ERR_INTERPRETER,    /* a PT_INTERP: the image needs a dynamic loader */
    ELF_ERR_FILE_SIZE,      /* a segment's p_filesz exceeds its p_memsz */
    ELF_ERR_DATA_OUTSIDE,   /* a segment's file bytes run past the end of the file */
    ELF_ERR_ALIGN,          /* p_align neither 0 nor a power of two up to ELF_ALIGN_MAX */
    ELF_ERR_CONGRUENCE,     /* p_offset and p_vaddr differ modulo the page size (or p_align) */
    ELF_ERR_VADDR_WRAP,     /* p_vaddr + p_memsz wraps around 2^64 */
    ELF_ERR_VADDR_RANGE,    /* a segment outside [vaddr_min, vaddr_max) */
    ELF_ERR_PADDR_WRAP,     /* p_paddr + p_memsz wraps around 2^64 */
    ELF_ERR_PADDR_RANGE,    /* a segment outside [paddr_min, paddr_max) (ELF_RULE_CHECK_PADDR) */
    ELF_ERR_TOO_MANY,       /* more than ELF_SEGMENTS_MAX loadable segments */
    ELF_ERR_NO_SEGMENTS,    /* no loadable segment with memory */
    ELF_ERR_VADDR_OVERLAP,  /* two segments share virtual addresses */
    ELF_ERR_PADDR_OVERLAP,  /* two segments share physical addresses (ELF_RULE_CHECK_PADDR) */
    ELF_ERR_ENTRY,          /* the entry point lies in no executable segment */
    ELF_ERR_NOTE_OUTSIDE,   /* a PT_NOTE segment runs past the end of the file */
    ELF_ERR_NOTE_MALFORMED, /* a note's sizes or alignment do not fit its segment */
    ELF_ERR_NOTE_NOT_FOUND, /* no note with that name and type */
    ELF_ERR_PVH_NOTE_SIZE,  /* the PVH note's descriptor is neither 4 nor 8 bytes */
    ELF_ERR_PVH_ENTRY,      /* the PVH entry is not below 4 GiB */
    ELF_ERR_SHDR_OUTSIDE,   /* the section header table runs past the end or into the header */
    ELF_ERR_SYMTAB,         /* the symbol table or its string table is malformed */
    ELF_ERR_SYMBOL_NAME,    /* a symbol's name lies outside its string table */
    ELF_ERROR_COUNT
} elf_error_t;

/* What the caller allows. Ranges are half-open; vaddr_min < vaddr_max is required. */
typedef struct {
    uint64_t vaddr_min;
    uint64_t vaddr_max;
    uint64_t paddr_min; /* used with ELF_RULE_CHECK_PADDR */
    uint64_t paddr_max;
    uint32_t flags; /* ELF_RULE_* */
} elf_rules_t;

typedef struct {
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t memory_size;  /* >= file_size; the rest is zero-filled by the loader */
    uint32_t flags;        /* ELF_SEGMENT_READ | _WRITE | _EXECUTE */
    uint16_t header_index; /* its program header's index in the file */
} elf_segment_t;

typedef struct {
    const uint8_t *bytes; /* the caller's buffer; notes and symbols point into it */
    size_t size;
    uint64_t entry;
    elf_segment_t segments[ELF_SEGMENTS_MAX]; /* sorted by vaddr, none empty, none overlapping */
    unsigned segment_count;                   /* 1 to ELF_SEGMENTS_MAX */
    uint64_t vaddr_start;                     /* lowest segment vaddr */
    uint64_t vaddr_end;                       /* highest vaddr + memory_size */
    uint64_t paddr_start;                     /* the same for physical addresses */
    uint64_t paddr_end;
    uint64_t phoff; /* the program and section header tables, as checked */
    uint16_t phnum;
    uint64_t shoff;
    uint16_t shnum;
    uint16_t failed_header; /* after a refusal: the program header at fault, or ELF_NO_HEADER */
} elf_image_t;

/*
 * Check bytes[0, size) as an executable under rules and describe it in *out. Returns ELF_OK or
 * the first problem found; *problem (when problem is not NULL) receives elf_error_string of the
 * result (NULL on success). On a refusal, out->failed_header names the program header at fault
 * when there is one; the rest of *out is unspecified.
 */
elf_error_t elf_parse(const uint8_t *bytes, size_t size, const elf_rules_t *rules, elf_image_t *out,
                      const char **problem);

/* A static sentence for an error, e.g. "segment data runs past the end of the file". */
const char *elf_error_string(elf_error_t error);

/*
 * Find the first note named name (a C string, compared with the note's NUL-terminated name) of
 * the given type in the image's PT_NOTE segments. On ELF_OK, *desc points to its descriptor in
 * the image's buffer (any alignment) and *desc_size is its length. A malformed note met before
 * the match ends the search with ELF_ERR_NOTE_MALFORMED.
 */
elf_error_t elf_find_note(const elf_image_t *image, const char *name, uint32_t type,
                          const uint8_t **desc, size_t *desc_size);

#define ELF_PVH_NOTE_NAME "Xen"
#define ELF_PVH_NOTE_TYPE 18u /* XEN_ELFNOTE_PHYS32_ENTRY */

/* The 32-bit physical PVH entry from its note (a 4- or 8-byte little-endian descriptor). */
elf_error_t elf_pvh_entry(const elf_image_t *image, uint64_t *entry);

typedef struct {
    const char *name;   /* NUL-terminated, inside the image's string table */
    size_t name_length; /* strlen(name) */
    uint64_t value;     /* the function's address */
    uint64_t size;
    uint16_t section; /* st_shndx (never 0: undefined symbols are skipped) */
    uint8_t binding;  /* STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2, ... */
} elf_symbol_t;

/* Iterator state; its fields are private. */
typedef struct {
    const uint8_t *bytes;
    uint64_t symbols_offset;
    uint64_t symbol_count;
    uint64_t next;
    uint64_t strings_offset;
    uint64_t strings_size;
} elf_symbol_iter_t;

/*
 * Start iterating over the STT_FUNC symbols of the first SHT_SYMTAB section. An image without
 * sections or without a symbol table gives ELF_OK and an iterator that is done at once; a
 * malformed section header table or symbol table gives an error.
 */
elf_error_t elf_find_symbols(const elf_image_t *image, elf_symbol_iter_t *iter);

/*
 * The next defined function symbol: ELF_OK with *symbol filled, ELF_DONE at the end, or
 * ELF_ERR_SYMBOL_NAME for a symbol whose name is outside the string table (the iterator has
 * moved past it, so the caller may go on).
 */
elf_error_t elf_next_symbol(elf_symbol_iter_t *iter, elf_symbol_t *symbol);

#endif
