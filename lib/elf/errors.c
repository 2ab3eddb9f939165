/*
 * The sentence for each elf_error_t. Static strings only: callers print them as they are.
 */
#include <elf/elf.h>

static const char *const elf_error_strings[ELF_ERROR_COUNT] = {
        [ELF_OK] = "no error",
        [ELF_DONE] = "no more symbols",
        [ELF_ERR_ARGUMENT] = "invalid argument",
        [ELF_ERR_TRUNCATED] = "file shorter than an ELF header",
        [ELF_ERR_MAGIC] = "not an ELF file",
        [ELF_ERR_CLASS] = "not an ELF64 file",
        [ELF_ERR_DATA] = "not a little-endian ELF file",
        [ELF_ERR_VERSION] = "unknown ELF version",
        [ELF_ERR_TYPE] = "not an executable (ET_EXEC)",
        [ELF_ERR_MACHINE] = "not an x86-64 file",
        [ELF_ERR_HEADER_SIZE] = "ELF header size is not 64",
        [ELF_ERR_PHDR_SIZE] = "program header entry size is not 56",
        [ELF_ERR_SHDR_SIZE] = "section header entry size is not 64",
        [ELF_ERR_PHDR_COUNT] = "bad program header count",
        [ELF_ERR_PHDR_OVERLAP] = "program header table overlaps the ELF header",
        [ELF_ERR_PHDR_OUTSIDE] = "program header table runs past the end of the file",
        [ELF_ERR_INTERPRETER] = "image needs an interpreter (PT_INTERP)",
        [ELF_ERR_FILE_SIZE] = "segment file size exceeds its memory size",
        [ELF_ERR_DATA_OUTSIDE] = "segment data runs past the end of the file",
        [ELF_ERR_ALIGN] = "segment alignment is not a power of two up to 1 GiB",
        [ELF_ERR_CONGRUENCE] = "segment offset and address differ modulo the page size",
        [ELF_ERR_VADDR_WRAP] = "segment virtual range wraps around",
        [ELF_ERR_VADDR_RANGE] = "segment outside the allowed virtual range",
        [ELF_ERR_PADDR_WRAP] = "segment physical range wraps around",
        [ELF_ERR_PADDR_RANGE] = "segment outside the allowed physical range",
        [ELF_ERR_TOO_MANY] = "too many loadable segments",
        [ELF_ERR_NO_SEGMENTS] = "no loadable segment",
        [ELF_ERR_VADDR_OVERLAP] = "segments overlap in virtual memory",
        [ELF_ERR_PADDR_OVERLAP] = "segments overlap in physical memory",
        [ELF_ERR_ENTRY] = "entry point outside every executable segment",
        [ELF_ERR_NOTE_OUTSIDE] = "note segment runs past the end of the file",
        [ELF_ERR_NOTE_MALFORMED] = "malformed note",
        [ELF_ERR_NOTE_NOT_FOUND] = "note not found",
        [ELF_ERR_PVH_NOTE_SIZE] = "PVH note descriptor is neither 4 nor 8 bytes",
        [ELF_ERR_PVH_ENTRY] = "PVH entry point not below 4 GiB",
        [ELF_ERR_SHDR_OUTSIDE] = "section header table outside the file",
        [ELF_ERR_SYMTAB] = "malformed symbol table",
        [ELF_ERR_SYMBOL_NAME] = "symbol name outside the string table",
};

const char *elf_error_string(elf_error_t error)
{
    if ((unsigned)error >= ELF_ERROR_COUNT) {
        return "unknown error";
    }
    return elf_error_strings[error];
}
