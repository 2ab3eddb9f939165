/*
 * Differential sweep over real code: every executable section of the ELF64 files named on the
 * command line is walked linearly with Zydis as the oracle for where instructions start (where
 * Zydis finds no valid instruction, one byte is skipped). At each position x86dec must agree on
 * validity, length and classification. Prints per-file and total counts; exits 1 on any
 * disagreement or when fewer than --min-bytes bytes were covered.
 * With --capstone, Capstone's lengths are compared with Zydis' too, for information only; with
 * --amd both sides decode as AMD does (x86dec's AMD option, Zydis' AMD-branch mode without MPX).
 *   usage: x86dec-sweep [-q] [--capstone] [--amd] [--min-bytes N] file...
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oracle.h"

typedef struct {
    unsigned long long instructions, bytes, skipped, disagreements, privileged, sensitive, memory;
    unsigned long long capstone_missing, capstone_length; /* informational */
} sweep_totals_t;

static int disagreement_prints = 40;
static int capstone_enabled;
static int capstone_prints = 10;

/* Capstone is not the reference: its differences from Zydis are counted and shown, not failed. */
static void capstone_compare(const uint8_t *code, size_t avail, const oracle_result_t *ref,
                             sweep_totals_t *t)
{
    char text[128] = "";
    unsigned length = capstone_length(code, avail, text, sizeof(text));
    if (length == ref->length)
        return;
    if (length == 0)
        t->capstone_missing++;
    else
        t->capstone_length++;
    if (capstone_prints-- > 0)
        printf("capstone: %s len=%u where zydis has %s len=%u\n", length ? text : "(invalid)",
               length, ref->text, ref->length);
}

static void section_sweep(const char *file, const char *name, const uint8_t *code, size_t size,
                          sweep_totals_t *t)
{
    size_t pos = 0;
    while (pos < size) {
        oracle_result_t ref, ours;
        size_t avail = size - pos;
        oracle_decode(code + pos, avail, &ref);
        ours_decode(code + pos, avail, &ours);
        if (oracle_compare(&ours, &ref)) {
            t->disagreements++;
            if (disagreement_prints-- > 0) {
                printf("DISAGREE %s %s+0x%zx:", file, name, pos);
                for (size_t i = 0; i < 15 && i < avail; i++)
                    printf(" %02x", code[pos + i]);
                printf("\n    x86dec: %s len=%u class=%x (%s)\n    zydis:  %s len=%u class=%x "
                       "(%s)\n",
                       ours.valid ? "valid" : "invalid", ours.length, ours.flags, ours.text,
                       ref.valid ? "valid" : "invalid", ref.length, ref.flags, ref.text);
            }
        }
        if (!ref.valid) {
            t->skipped++;
            pos++;
            continue;
        }
        if (capstone_enabled)
            capstone_compare(code + pos, avail, &ref, t);
        t->instructions++;
        t->bytes += ref.length;
        t->privileged += (ref.flags & X86DEC_F_PRIVILEGED) != 0;
        t->sensitive += (ref.flags & X86DEC_F_SENSITIVE) != 0;
        t->memory += (ref.flags & X86DEC_F_MEMORY) != 0;
        pos += ref.length;
    }
}

/* Returns 0 if the file is not an x86-64 ELF (skipped), 1 if swept. */
static int file_sweep(const char *path, sweep_totals_t *t)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return 0;
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *image = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (image == MAP_FAILED)
        return 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
    int swept = 0;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
        eh->e_machine == EM_X86_64 && eh->e_shoff && eh->e_shentsize == sizeof(Elf64_Shdr) &&
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) <= size) {
        const Elf64_Shdr *sh = (const Elf64_Shdr *)(image + eh->e_shoff);
        const char *names = NULL;
        if (eh->e_shstrndx < eh->e_shnum && sh[eh->e_shstrndx].sh_offset < size)
            names = (const char *)image + sh[eh->e_shstrndx].sh_offset;
        for (unsigned i = 0; i < eh->e_shnum; i++) {
            if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_EXECINSTR))
                continue;
            if (sh[i].sh_offset + sh[i].sh_size > size)
                continue;
            const char *name = names ? names + sh[i].sh_name : "?";
            section_sweep(path, name, image + sh[i].sh_offset, sh[i].sh_size, t);
            swept = 1;
        }
    }
    munmap((void *)image, size);
    return swept;
}

int main(int argc, char **argv)
{
    int quiet = 0, amd = 0, first = 1;
    unsigned long long min_bytes = 0;
    for (;;) {
        if (first < argc && strcmp(argv[first], "-q") == 0) {
            quiet = 1;
            first++;
        } else if (first < argc && strcmp(argv[first], "--capstone") == 0) {
            capstone_enabled = 1;
            first++;
        } else if (first < argc && strcmp(argv[first], "--amd") == 0) {
            amd = 1;
            first++;
        } else if (first + 1 < argc && strcmp(argv[first], "--min-bytes") == 0) {
            min_bytes = strtoull(argv[first + 1], NULL, 0);
            first += 2;
        } else {
            break;
        }
    }
    oracle_init();
    if (amd)
        oracle_vendor_set(X86DEC_VENDOR_AMD);
    sweep_totals_t total = {0};
    unsigned files = 0;
    for (int i = first; i < argc; i++) {
        sweep_totals_t t = {0};
        if (!file_sweep(argv[i], &t))
            continue;
        files++;
        if (!quiet)
            printf("%-60s %10llu insns %10llu bytes %6llu skipped %llu disagreements\n", argv[i],
                   t.instructions, t.bytes, t.skipped, t.disagreements);
        total.instructions += t.instructions;
        total.bytes += t.bytes;
        total.skipped += t.skipped;
        total.disagreements += t.disagreements;
        total.privileged += t.privileged;
        total.sensitive += t.sensitive;
        total.memory += t.memory;
        total.capstone_missing += t.capstone_missing;
        total.capstone_length += t.capstone_length;
    }
    printf("sweep%s: %u files, %llu instructions, %llu bytes (%.1f MB), %llu undecodable bytes "
           "skipped; privileged %llu, sensitive %llu, memory %llu; %llu disagreements\n",
           amd ? " (AMD)" : "", files, total.instructions, total.bytes, total.bytes / 1e6,
           total.skipped, total.privileged, total.sensitive, total.memory, total.disagreements);
    if (capstone_enabled)
        printf("capstone (informational): no instruction at %llu positions, another length at "
               "%llu, of %llu\n",
               total.capstone_missing, total.capstone_length, total.instructions);
    if (total.bytes < min_bytes) {
        printf("sweep: only %llu bytes of code covered, %llu required\n", total.bytes, min_bytes);
        return 1;
    }
    return total.disagreements != 0 || files == 0;
}
