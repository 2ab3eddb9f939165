/*
 * Decoder throughput, side by side in one run: x86dec's length decoder and full decoder (as Intel
 * and as AMD decode) against Zydis' ZydisDecoderDecodeInstruction in minimal and in full mode, all
 * walking the same bytes (the executable sections of the ELF files given) linearly. Prints instructions per second,
 * ratios and the command line. A benchmark, not a test: it checks nothing but its own input.
 *   usage: x86dec-bench [-r rounds] elf-file...
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <Zydis/Zydis.h>
#include <x86dec/x86dec.h>

typedef struct {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
} code_t;

static void code_append(code_t *code, const uint8_t *bytes, size_t size)
{
    if (code->size + size > code->capacity) {
        code->capacity = (code->size + size) * 2;
        code->bytes = realloc(code->bytes, code->capacity);
        if (code->bytes == NULL) {
            perror("realloc");
            exit(2);
        }
    }
    memcpy(code->bytes + code->size, bytes, size);
    code->size += size;
}

static void elf_text_append(const char *path, code_t *code)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        fprintf(stderr, "bench: cannot read %s\n", path);
        exit(2);
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *image = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (image == MAP_FAILED)
        exit(2);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_machine != EM_X86_64 ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size) {
        fprintf(stderr, "bench: %s is not an x86-64 ELF file\n", path);
        exit(2);
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(image + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_EXECINSTR) &&
            sh[i].sh_offset + sh[i].sh_size <= size)
            code_append(code, image + sh[i].sh_offset, sh[i].sh_size);
    munmap((void *)image, size);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef size_t (*walk_fn)(const code_t *code, const void *context);

static size_t walk_x86dec_length(const code_t *code, const void *context)
{
    (void)context;
    size_t count = 0;
    for (size_t pos = 0; pos < code->size;) {
        size_t length;
        if (x86dec_length(code->bytes + pos, code->size - pos, &length) == X86DEC_OK) {
            pos += length;
            count++;
        } else {
            pos++;
        }
    }
    return count;
}

static size_t walk_x86dec_full(const code_t *code, const void *context)
{
    (void)context;
    size_t count = 0;
    x86dec_insn_t insn;
    for (size_t pos = 0; pos < code->size;) {
        if (x86dec_decode(code->bytes + pos, code->size - pos, &insn) == X86DEC_OK) {
            pos += insn.length;
            count++;
        } else {
            pos++;
        }
    }
    return count;
}

static size_t walk_x86dec_amd(const code_t *code, const void *context)
{
    (void)context;
    const x86dec_options_t amd = {.vendor = X86DEC_VENDOR_AMD};
    size_t count = 0;
    x86dec_insn_t insn;
    for (size_t pos = 0; pos < code->size;) {
        if (x86dec_decode_with(code->bytes + pos, code->size - pos, &amd, &insn) == X86DEC_OK) {
            pos += insn.length;
            count++;
        } else {
            pos++;
        }
    }
    return count;
}

static size_t walk_zydis(const code_t *code, const void *context)
{
    const ZydisDecoder *decoder = context;
    size_t count = 0;
    ZydisDecodedInstruction insn;
    ZydisDecoderContext ctx;
    for (size_t pos = 0; pos < code->size;) {
        if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(decoder, &ctx, code->bytes + pos,
                                                       code->size - pos, &insn))) {
            pos += insn.length;
            count++;
        } else {
            pos++;
        }
    }
    return count;
}

typedef struct {
    const char *name;
    walk_fn walk;
    const void *context;
    double seconds;
    size_t instructions;
} runner_t;

static void runner_measure(runner_t *r, const code_t *code, int rounds)
{
    double best = 1e30;
    for (int i = 0; i < rounds; i++) {
        double start = now();
        r->instructions = r->walk(code, r->context);
        double elapsed = now() - start;
        if (elapsed < best)
            best = elapsed;
    }
    r->seconds = best;
}

int main(int argc, char **argv)
{
    int rounds = 3, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        rounds = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || rounds < 1) {
        fprintf(stderr, "usage: %s [-r rounds] elf-file...\n", argv[0]);
        return 2;
    }
    code_t code = {0};
    for (int i = first; i < argc; i++)
        elf_text_append(argv[i], &code);

    ZydisDecoder minimal, full;
    ZydisDecoderInit(&minimal, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisDecoderEnableMode(&minimal, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);
    ZydisDecoderInit(&full, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);

    runner_t runners[] = {
            {"x86dec_length", walk_x86dec_length, NULL, 0, 0},
            {"x86dec_decode", walk_x86dec_full, NULL, 0, 0},
            {"Zydis minimal", walk_zydis, &minimal, 0, 0},
            {"Zydis full", walk_zydis, &full, 0, 0},
            {"x86dec AMD", walk_x86dec_amd, NULL, 0, 0},
    };
    size_t count = sizeof(runners) / sizeof(runners[0]);
    for (size_t i = 0; i < count; i++)
        runner_measure(&runners[i], &code, rounds);

    printf("command:");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\ninput: %.1f MB of executable sections, best of %d rounds\n", code.size / 1e6, rounds);
    printf("%-16s %12s %10s %14s %10s\n", "decoder", "instructions", "seconds", "insns/s", "MB/s");
    for (size_t i = 0; i < count; i++) {
        const runner_t *r = &runners[i];
        printf("%-16s %12zu %10.3f %14.0f %10.1f\n", r->name, r->instructions, r->seconds,
               r->instructions / r->seconds, code.size / r->seconds / 1e6);
    }
    double length_rate = runners[0].instructions / runners[0].seconds;
    double full_rate = runners[1].instructions / runners[1].seconds;
    double zmin_rate = runners[2].instructions / runners[2].seconds;
    double zfull_rate = runners[3].instructions / runners[3].seconds;
    printf("ratio x86dec_length / Zydis minimal: %.2f\n", length_rate / zmin_rate);
    printf("ratio x86dec_decode / Zydis full:    %.2f\n", full_rate / zfull_rate);
    printf("ratio x86dec_decode / Zydis minimal: %.2f\n", full_rate / zmin_rate);
    free(code.bytes);
    return 0;
}
