/*
 * libFuzzer target for the VMM's Linux loader (services/vmm/kernel_bzimage.c, boot_linux.c,
 * through guest_load). The input's first bytes choose the guest (2-17 MiB of RAM, PV or
 * hardware mode, an initrd of 0-1 MiB, a command line of 0-300 bytes); the rest patches a valid
 * small bzImage (up to eight patches of 1-8 bytes anywhere in its first 1 KiB, then cut or
 * padded). RAM is a buffer of exactly its size, so ASan catches an access past it. A refusal
 * must leave RAM all zeros; an acceptance must keep every promise a hardware back end relies on,
 * checked by the fuzzer's own reading of the image. A violation aborts with its reason.
 */
#include "layout.h"
#include "load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETUP_BYTES  (5 * 512)
#define KERNEL_BYTES 0x3000
#define IMAGE_MAX    (SETUP_BYTES + KERNEL_BYTES + 0x1000)
#define PATCHES_MAX  8

static void violation(const char *why)
{
    fprintf(stderr, "the Linux loader broke its contract: %s\n", why);
    abort();
}

static uint64_t le(const uint8_t *at, unsigned size)
{
    uint64_t value = 0;

    for (unsigned i = size; i-- > 0;) {
        value = value << 8 | at[i];
    }
    return value;
}

static void le_put(uint8_t *at, uint64_t value, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

/* A 2.15 image: relocatable (1 MiB aligned), 64-bit entry, pref_address 1 MiB, init_size
 * 1 MiB. */
static size_t image_base(uint8_t *b)
{
    memset(b, 0, IMAGE_MAX);
    b[0x1f1] = 4;
    le_put(b + 0x1f4, KERNEL_BYTES / 16, 4);
    le_put(b + 0x1fe, 0xaa55, 2);
    b[0x200] = 0xeb;
    b[0x201] = 0x6a;
    memcpy(b + 0x202, "HdrS", 4);
    le_put(b + 0x206, 0x020f, 2);
    b[0x211] = 0x01;
    le_put(b + 0x224, 0x5be0, 2);
    le_put(b + 0x22c, 0x7fffffff, 4);
    le_put(b + 0x230, 0x100000, 4);
    b[0x234] = 1;
    le_put(b + 0x236, 0x7f, 2);
    le_put(b + 0x238, 0x7ff, 4);
    le_put(b + 0x258, 0x100000, 8);
    le_put(b + 0x260, 0x100000, 4);
    for (size_t i = 0; i < KERNEL_BYTES; i++) {
        b[SETUP_BYTES + i] = (uint8_t)(i * 7 + 3);
    }
    return SETUP_BYTES + KERNEL_BYTES;
}

/* Whether [from, to) of guest RAM is all zeros (a page at a time). */
static bool all_zero(const pv_memory_t *ram, uint64_t from, uint64_t to)
{
    static const uint8_t zeros[4096];

    for (uint64_t at = from; at < to && at < ram->size; at += sizeof(zeros)) {
        uint64_t length = to - at < sizeof(zeros) ? to - at : sizeof(zeros);
        if (memcmp(ram->base + at, zeros, length) != 0) {
            return false;
        }
    }
    return true;
}

/* What an accepted image must satisfy, read from the image as the fuzzer reads it. */
static void check_accepted(const load_input_t *input, const load_result_t *r, const uint8_t *b,
                           size_t size)
{
    const pv_memory_t *ram = input->memory;
    size_t setup = ((size_t)(b[0x1f1] == 0 ? 4 : b[0x1f1]) + 1) * 512;
    uint64_t load = r->kernel.pieces[0].address, kernel = size - setup;
    uint64_t init = le(b + 0x260, 4), footprint = init > kernel ? init : kernel;
    uint64_t limit = ram->size < GUEST_32BIT_LIMIT ? ram->size : GUEST_32BIT_LIMIT;
    uint16_t version = (uint16_t)le(b + 0x206, 2);
    uint32_t alignment = (uint32_t)le(b + 0x230, 4);

    if (r->kernel.protocol != GUEST_BOOT_LINUX || !input->hardware_mode) {
        violation("a bzImage accepted as another protocol, or in PV mode");
    }
    if (version < 0x020a || !(b[0x211] & 1) || le(b + 0x1f4, 4) == 0 ||
        le(b + 0x1f4, 4) * 16 > kernel || b[0x200] != 0xeb || 0x202 + b[0x201] < 0x264 ||
        0x202 + b[0x201] > 0x290 || alignment == 0 || (alignment & (alignment - 1)) != 0) {
        violation("a header field that must be refused was accepted");
    }
    if (load < GUEST_HIGH_RAM || load > limit || footprint > limit - load ||
        (b[0x234] && load % alignment != 0) || (!b[0x234] && load != le(b + 0x258, 8))) {
        violation("the kernel placed outside RAM, misaligned, or not where it must be");
    }
    if (memcmp(ram->base + load, b + setup, kernel) != 0) {
        violation("the kernel's bytes are not at its place");
    }
    const linux_start_t *s = &r->linux_start;
    if (s->rip < load || s->rip >= load + kernel || s->rsi != r->boot_info ||
        s->rsi < GUEST_BOOT_AREA || s->rsi + 4096 > GUEST_BOOT_AREA_END ||
        s->long_mode != (version >= 0x020c && (le(b + 0x236, 2) & 1))) {
        violation("the start state names an entry or boot_params outside what was loaded");
    }
    const uint8_t *params = ram->base + s->rsi;
    uint64_t cmdline = le(params + 0x228, 4), length = strlen(input->cmdline);
    if (length > le(b + 0x238, 4) || cmdline < GUEST_BOOT_AREA ||
        cmdline + length + 1 > GUEST_BOOT_AREA_END ||
        memcmp(ram->base + cmdline, input->cmdline, length + 1) != 0) {
        violation("a command line longer than cmdline_size, or not where boot_params says");
    }
    uint64_t rd = le(params + 0x218, 4), rd_size = le(params + 0x21c, 4);
    if (input->module_count > 0 &&
        (rd_size != input->modules[0].size || rd < load + footprint ||
         rd + rd_size > (uint64_t)le(b + 0x22c, 4) + 1 || rd + rd_size > ram->size ||
         memcmp(ram->base + rd, input->modules[0].bytes, rd_size) != 0)) {
        violation("the initrd outside its room or not as boot_params says");
    }
    /* Nothing outside the boot area, the kernel and the initrd (in that order in RAM). */
    uint64_t top = input->module_count > 0 ? rd : ram->size;
    if (!all_zero(ram, 0, GUEST_BOOT_AREA) || !all_zero(ram, GUEST_BOOT_AREA_END, load) ||
        !all_zero(ram, load + kernel, top) ||
        (input->module_count > 0 && !all_zero(ram, rd + rd_size, ram->size))) {
        violation("guest RAM written outside what the loader owns");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t image[IMAGE_MAX];
    static uint8_t initrd[1 << 20];

    static char cmdline[301];

    if (size < 5) {
        return 0;
    }
    uint64_t ram_size = ((uint64_t)(data[0] & 3) + 2) << 20;
    bool hardware = (data[1] & 1) != 0;
    size_t initrd_size = (size_t)(data[2] & 0x7f) * 8192 + (data[1] >> 1);
    size_t cmdline_length = (size_t)data[3] * 300 / 255;
    unsigned patches = data[4] % (PATCHES_MAX + 1);
    size_t image_size = image_base(image);
    const uint8_t *at = data + 5, *end = data + size;

    for (unsigned p = 0; p < patches && end - at >= 3; p++) {
        size_t offset = (size_t)(at[0] | at[1] << 8) % 0x400;
        size_t length = 1 + at[2] % 8;
        at += 3;
        for (size_t i = 0; i < length && at < end; i++) {
            image[offset + i] = *at++;
        }
    }
    if (end - at >= 2) {
        image_size = (size_t)(at[0] | at[1] << 8) % IMAGE_MAX; /* cut or padded with zeros */
    }
    memset(cmdline, 'c', cmdline_length);
    cmdline[cmdline_length] = '\0';
    memset(initrd, 0x5a, initrd_size);
    uint8_t *file = malloc(image_size + 1); /* exactly its size for ASan (+1: never empty) */
    /* One buffer of exactly each size, kept between runs (zeroed after each) so that no run
     * pays for fresh pages. */
    static uint8_t *rams[4];
    uint8_t **kept = &rams[data[0] & 3];
    if (*kept == NULL) {
        *kept = calloc(1, ram_size);
    }
    pv_memory_t ram = {.base = *kept, .size = ram_size};
    if (file == NULL || ram.base == NULL) {
        abort();
    }
    memcpy(file, image, image_size);
    guest_blob_t module = {initrd, initrd_size, "initrd"};
    load_input_t input = {.memory = &ram,
                          .kernel = {file, image_size, "bzImage"},
                          .modules = &module,
                          .module_count = initrd_size > 0,
                          .cmdline = cmdline,
                          .rsdp = GUEST_ACPI_AREA,
                          .hardware_mode = hardware,
                          .initrd_first = true};
    static load_result_t result;
    load_error_t error = guest_load(&input, &result);

    if (error == LOAD_OK && result.kernel.protocol == GUEST_BOOT_LINUX) {
        check_accepted(&input, &result, file, image_size);
    } else if (error != LOAD_OK && !all_zero(&ram, 0, ram.size)) {
        violation("a refused load wrote guest RAM");
    }
    if (error != LOAD_OK && memchr(result.message, '\0', sizeof(result.message)) == NULL) {
        violation("a refusal's message is not a string");
    }
    free(file);
    memset(ram.base, 0, ram.size);
    return 0;
}
