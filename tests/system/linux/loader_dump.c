/*
 * Runs the VMM's guest loader (services/vmm/load.c) on the host over a bzImage and an initrd,
 * as a hardware-mode VMM would, and writes out what it put in guest RAM (the boot area, the
 * kernel, the initrd: raw files with their guest-physical addresses) and the vCPU's start state
 * (assembler symbols), so that QEMU can be started with exactly that memory and state
 * (tests/system/linux/run-loader.sh). It never runs a guest itself.
 *
 * usage: loader_dump BZIMAGE INITRAMFS RAM_MIB CMDLINE OUT_DIR
 */
#include "layout.h"
#include "load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *file_read(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    void *bytes = NULL;
    long length = -1;

    if (file != NULL && fseek(file, 0, SEEK_END) == 0) {
        length = ftell(file);
    }
    if (length > 0 && fseek(file, 0, SEEK_SET) == 0) {
        bytes = malloc((size_t)length);
        if (bytes != NULL && fread(bytes, 1, (size_t)length, file) != (size_t)length) {
            free(bytes);
            bytes = NULL;
        }
    }
    if (file != NULL) {
        fclose(file);
    }
    if (bytes == NULL) {
        fprintf(stderr, "loader_dump: cannot read %s\n", path);
        exit(2);
    }
    *size = (size_t)length;
    return bytes;
}

/* Guest RAM [address, address + length) into OUT_DIR/name; its line for QEMU's loader. */
static void range_write(const pv_memory_t *ram, const char *out, const char *name, uint64_t address,
                        uint64_t length, FILE *list)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", out, name);
    FILE *file = fopen(path, "wb");
    const uint8_t *bytes = pv_memory_span(ram, gpa(address), length);

    if (file == NULL || bytes == NULL || fwrite(bytes, 1, length, file) != length ||
        fclose(file) != 0) {
        fprintf(stderr, "loader_dump: cannot write %s\n", path);
        exit(2);
    }
    fprintf(list, "%s %#llx\n", name, (unsigned long long)address);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: loader_dump BZIMAGE INITRAMFS RAM_MIB CMDLINE OUT_DIR\n");
        return 2;
    }
    size_t kernel_size, initrd_size;
    uint8_t *kernel = file_read(argv[1], &kernel_size);
    uint8_t *initrd = file_read(argv[2], &initrd_size);
    uint64_t ram_size = strtoull(argv[3], NULL, 10) << 20;
    pv_memory_t ram = {.base = calloc(1, ram_size), .size = ram_size};
    guest_blob_t module = {initrd, initrd_size, "initramfs"};
    load_input_t input = {.memory = &ram,
                          .kernel = {kernel, kernel_size, "bzImage"},
                          .modules = &module,
                          .module_count = 1,
                          .cmdline = argv[4],
                          .rsdp = 0, /* the firmware's own: QEMU's tables are not at 0xe0000 */
                          .hardware_mode = true,
                          .initrd_first = true};
    static load_result_t result;

    if (ram.base == NULL) {
        return 2;
    }
    if (guest_load(&input, &result) != LOAD_OK || result.kernel.protocol != GUEST_BOOT_LINUX) {
        fprintf(stderr, "loader_dump: refused: %s\n", result.message);
        return 1;
    }
    const linux_start_t *s = &result.linux_start;
    const load_piece_t *piece = &result.kernel.pieces[0];
    char path[4096];
    snprintf(path, sizeof(path), "%s/ranges.txt", argv[5]);
    FILE *list = fopen(path, "w");
    snprintf(path, sizeof(path), "%s/start.inc", argv[5]);
    FILE *symbols = fopen(path, "w");
    if (list == NULL || symbols == NULL) {
        fprintf(stderr, "loader_dump: cannot write into %s\n", argv[5]);
        return 2;
    }
    range_write(&ram, argv[5], "boot-area.bin", GUEST_BOOT_AREA,
                GUEST_BOOT_AREA_END - GUEST_BOOT_AREA, list);
    range_write(&ram, argv[5], "kernel.bin", piece->address, piece->memory_size, list);
    range_write(&ram, argv[5], "initrd.bin", result.module_address[0], initrd_size, list);
    const struct {
        const char *name;
        uint64_t value;
    } values[] = {
            {"START_LONG_MODE", s->long_mode},
            {"START_RIP", s->rip},
            {"START_RSI", s->rsi},
            {"START_CR0", s->cr0},
            {"START_CR3", s->cr3},
            {"START_CR4", s->cr4},
            {"START_EFER", s->efer},
            {"START_GDT_BASE", s->gdt_base},
            {"START_GDT_LIMIT", s->gdt_limit},
            {"START_CS", s->code_selector},
            {"START_DS", s->data_selector},
    };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        fprintf(symbols, ".set %s, %#llx\n", values[i].name, (unsigned long long)values[i].value);
    }
    fclose(list);
    fclose(symbols);
    printf("loader_dump: kernel at %#llx, entry %#llx (%s), boot_params %#llx, initrd at %#llx\n",
           (unsigned long long)piece->address, (unsigned long long)s->rip,
           s->long_mode ? "64-bit" : "32-bit", (unsigned long long)s->rsi,
           (unsigned long long)result.module_address[0]);
    free(ram.base);
    free(kernel);
    free(initrd);
    return 0;
}
