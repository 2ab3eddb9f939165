/*
 * The Linux boot protocol's loader (services/vmm/kernel_bzimage.c, boot_linux.c) on the host:
 * Debian's bzImage when build/linux has it (VMM_TEST_BZIMAGE), and bzImages built here, read
 * back through the test's own reading of the protocol's layouts (offsets written out below, not
 * the loader's constants): boot_params field by field, the e820 map, the GDT, the identity map
 * walked, RAM outside what the loader owns untouched; hostile headers at and past every limit,
 * each refused with its own message and guest RAM untouched.
 */
#include "guest_image.h"
#include "linux_bytes.h"
#include "layout.h"
#include "load.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

/* The boot protocol's offsets (boot.rst, zero-page.rst), as the test reads them. */
enum {
    T_SETUP_SECTS = 0x1f1,
    T_SYSSIZE = 0x1f4,
    T_BOOT_FLAG = 0x1fe,
    T_JUMP = 0x200,
    T_HEADER = 0x202,
    T_VERSION = 0x206,
    T_TYPE_OF_LOADER = 0x210,
    T_LOADFLAGS = 0x211,
    T_CODE32_START = 0x214,
    T_RAMDISK_IMAGE = 0x218,
    T_RAMDISK_SIZE = 0x21c,
    T_HEAP_END_PTR = 0x224,
    T_CMD_LINE_PTR = 0x228,
    T_INITRD_ADDR_MAX = 0x22c,
    T_KERNEL_ALIGNMENT = 0x230,
    T_RELOCATABLE = 0x234,
    T_XLOADFLAGS = 0x236,
    T_CMDLINE_SIZE = 0x238,
    T_PREF_ADDRESS = 0x258,
    T_INIT_SIZE = 0x260,
    T_ACPI_RSDP = 0x070,
    T_E820_ENTRIES = 0x1e8,
    T_E820_TABLE = 0x2d0,
};

#define T_RSDP 0xe0000ull
#define T_MIB  (1ull << 20)
#define T_RAM  (32 * T_MIB) /* the built images' guest: pref_address 16 MiB, init_size 4 MiB */

static test_image_t image;
static uint8_t initrd_bytes[3 * T_MIB];

/* Guest RAM mapped straight from the kernel (zero pages until written: a guest of 4 GiB costs
 * what the loader writes), with an inaccessible page after it to catch a write past its end. */
static pv_memory_t ram_map(uint64_t size)
{
    void *base = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (base == MAP_FAILED || mprotect((uint8_t *)base + size, 4096, PROT_NONE) != 0) {
        abort();
    }
    return (pv_memory_t){.base = base, .size = size};
}

static void ram_unmap(pv_memory_t *ram)
{
    munmap(ram->base, ram->size + 4096);
    ram->base = NULL;
}

/* Whether no page of guest RAM was ever touched (none resident): what a refusal must leave. */
static bool ram_untouched(const pv_memory_t *ram)
{
    size_t pages = ram->size / 4096;
    unsigned char *resident = malloc(pages);
    bool untouched = resident != NULL && mincore(ram->base, ram->size, resident) == 0;

    for (size_t i = 0; untouched && i < pages; i++) {
        untouched = (resident[i] & 1) == 0;
    }
    free(resident);
    return untouched;
}

/* ---- bzImages built here ------------------------------------------------------------------- */

typedef struct bz_spec {
    uint8_t setup_sects;
    uint8_t jump_offset; /* the header ends at 0x202 + this */
    uint16_t version;
    uint8_t loadflags;
    uint32_t kernel_bytes; /* the protected-mode kernel in the file */
    uint32_t syssize;      /* paragraphs */
    uint32_t init_size;
    uint32_t alignment;
    uint8_t relocatable;
    uint16_t xloadflags;
    uint32_t cmdline_size;
    uint64_t pref_address;
    uint32_t initrd_addr_max;
    uint16_t heap_end_ptr;
} bz_spec_t;

/* A 2.15 image as Debian's is, at a smaller scale: 64-bit entry, relocatable, 2 MiB aligned. */
static bz_spec_t bz_default(void)
{
    return (bz_spec_t){.setup_sects = 4,
                       .jump_offset = 0x6a,
                       .version = 0x020f,
                       .loadflags = 0x01,
                       .kernel_bytes = 0x10000,
                       .syssize = 0x10000 / 16,
                       .init_size = 0x400000,
                       .alignment = 0x200000,
                       .relocatable = 1,
                       .xloadflags = 0x7f,
                       .cmdline_size = 0x7ff,
                       .pref_address = 0x1000000,
                       .initrd_addr_max = 0x7fffffff,
                       .heap_end_ptr = 0x5be0};
}

static size_t bz_setup_bytes(const bz_spec_t *s)
{
    return ((size_t)(s->setup_sects == 0 ? 4 : s->setup_sects) + 1) * 512;
}

static void bz_build(test_image_t *img, const bz_spec_t *s)
{
    uint8_t *b = img->bytes;
    size_t setup = bz_setup_bytes(s);

    memset(b, 0, sizeof(img->bytes));
    for (size_t i = 0; i < setup; i++) {
        b[i] = (uint8_t)(i * 13 + 5); /* setup code the loader must copy only as header */
    }
    b[T_SETUP_SECTS] = s->setup_sects;
    test_le_put(b + T_SYSSIZE, s->syssize, 4);
    test_le_put(b + T_BOOT_FLAG, 0xaa55, 2);
    b[T_JUMP] = 0xeb;
    b[T_JUMP + 1] = s->jump_offset;
    memcpy(b + T_HEADER, "HdrS", 4);
    test_le_put(b + T_VERSION, s->version, 2);
    b[T_TYPE_OF_LOADER] = 0;
    b[T_LOADFLAGS] = s->loadflags;
    test_le_put(b + T_CODE32_START, 0x100000, 4);
    test_le_put(b + T_RAMDISK_IMAGE, 0, 8);
    test_le_put(b + T_HEAP_END_PTR, s->heap_end_ptr, 2);
    test_le_put(b + T_CMD_LINE_PTR, 0, 4);
    test_le_put(b + T_INITRD_ADDR_MAX, s->initrd_addr_max, 4);
    test_le_put(b + T_KERNEL_ALIGNMENT, s->alignment, 4);
    b[T_RELOCATABLE] = s->relocatable;
    test_le_put(b + T_XLOADFLAGS, s->xloadflags, 2);
    test_le_put(b + T_CMDLINE_SIZE, s->cmdline_size, 4);
    test_le_put(b + T_PREF_ADDRESS, s->pref_address, 8);
    test_le_put(b + T_INIT_SIZE, s->init_size, 4);
    for (size_t i = 0; i < s->kernel_bytes; i++) {
        b[setup + i] = (uint8_t)(i * 7 + 3);
    }
    img->size = setup + s->kernel_bytes;
}

/* ---- loading and reading back ---------------------------------------------------------------- */

typedef struct loaded {
    pv_memory_t ram;
    load_input_t input;
    load_result_t result;
    guest_blob_t initrd;
} loaded_t;

static load_error_t bz_load(loaded_t *l, const uint8_t *bytes, size_t size, uint64_t ram_size,
                            const char *cmdline, size_t initrd_size)
{
    l->ram = ram_map(ram_size);
    l->initrd = (guest_blob_t){initrd_bytes, initrd_size, "rootfs"};
    l->input = (load_input_t){.memory = &l->ram,
                              .kernel = {bytes, size, "bzImage"},
                              .modules = &l->initrd,
                              .module_count = initrd_size > 0,
                              .cmdline = cmdline,
                              .rsdp = T_RSDP,
                              .hardware_mode = true,
                              .initrd_first = initrd_size > 0};
    return guest_load(&l->input, &l->result);
}

/* The physical address a 4-level walk of the identity map gives for address (~0: not mapped). */
static uint64_t walk(const pv_memory_t *ram, uint64_t cr3, uint64_t address)
{
    uint64_t table = cr3;

    for (int level = 3; level >= 1; level--) {
        uint64_t entry = test_ram_read64(ram, table + ((address >> (12 + 9 * level)) & 511) * 8);
        if (!(entry & 1)) {
            return ~0ull;
        }
        if (level == 1) {
            assert_true(entry & 0x80); /* 2 MiB pages */
            return (entry & 0xfffffffe00000ull) + (address & 0x1fffff);
        }
        table = entry & 0xffffffffff000ull;
    }
    return ~0ull;
}

/* boot_params as the kernel reads it; the header copied from bytes but for the loader's
 * fields; the kernel's bytes at its place; the start state; nothing outside the loader's. */
static void assert_linux_loaded(const loaded_t *l, const uint8_t *bytes, size_t size)
{
    const pv_memory_t *ram = &l->ram;
    const load_result_t *r = &l->result;
    const linux_start_t *s = &r->linux_start;
    uint64_t bp = r->boot_info;
    size_t setup = ((size_t)(bytes[T_SETUP_SECTS] == 0 ? 4 : bytes[T_SETUP_SECTS]) + 1) * 512;
    size_t header_end = 0x202 + bytes[T_JUMP + 1];
    uint64_t load = r->kernel.pieces[0].address;
    uint16_t version = (uint16_t)test_le_get(bytes + T_VERSION, 2);

    assert_int_equal(r->kernel.protocol, GUEST_BOOT_LINUX);
    assert_true(bp >= GUEST_BOOT_AREA && bp + 4096 <= GUEST_BOOT_AREA_END && bp % 4096 == 0);
    assert_int_equal(s->rsi, bp);
    /* The protected-mode kernel, whole, at its place; its alignment and its range in RAM. */
    assert_memory_equal(ram->base + load, bytes + setup, size - setup);
    uint64_t init_size = test_le_get(bytes + T_INIT_SIZE, 4);
    assert_true(load + (init_size > size - setup ? init_size : size - setup) <= ram->size);
    if (bytes[T_RELOCATABLE]) {
        assert_int_equal(load % test_le_get(bytes + T_KERNEL_ALIGNMENT, 4), 0);
    }
    /* The header: the image's bytes, except what a loader writes. */
    const uint8_t *params = ram->base + bp;
    for (size_t at = 0x1f1; at < header_end; at++) {
        if (at == T_TYPE_OF_LOADER || at == T_LOADFLAGS ||
            (at >= T_CODE32_START && at < T_CODE32_START + 12) ||
            (at >= T_CMD_LINE_PTR && at < T_CMD_LINE_PTR + 4)) {
            continue;
        }
        if (params[at] != bytes[at]) {
            fail_msg("boot_params byte %#zx is %#x, the image's %#x", at, params[at], bytes[at]);
        }
    }
    for (size_t at = header_end; at < 0x290; at++) {
        assert_int_equal(params[at], 0);
    }
    assert_int_equal(params[T_TYPE_OF_LOADER], 0xff);
    uint8_t heap = test_le_get(bytes + T_HEAP_END_PTR, 2) != 0 ? 0x80 : 0;
    assert_int_equal(params[T_LOADFLAGS], bytes[T_LOADFLAGS] | heap);
    assert_int_equal(test_le_get(params + T_CODE32_START, 4), load);
    char line[4096];
    test_ram_string(ram, test_le_get(params + T_CMD_LINE_PTR, 4), line, sizeof(line));
    assert_string_equal(line, l->input.cmdline);
    /* The initrd: where boot_params says, whole, below initrd_addr_max, above the kernel. */
    uint64_t rd = test_le_get(params + T_RAMDISK_IMAGE, 4),
             rd_size = test_le_get(params + T_RAMDISK_SIZE, 4);
    if (l->input.module_count > 0) {
        assert_int_equal(rd_size, l->initrd.size);
        assert_true(rd % 4096 == 0 && rd >= load + init_size);
        assert_true(rd + rd_size - 1 <= test_le_get(bytes + T_INITRD_ADDR_MAX, 4));
        assert_memory_equal(ram->base + rd, l->initrd.bytes, rd_size);
    } else {
        assert_int_equal(rd, 0);
        assert_int_equal(rd_size, 0);
    }
    assert_int_equal(test_le_get(params + T_ACPI_RSDP, 8), version >= 0x020e ? T_RSDP : 0);
    /* e820: sorted, RAM up to the end, the ACPI tables as ACPI data, the EBDA reserved. */
    unsigned entries = params[T_E820_ENTRIES], acpi = 0;
    uint64_t ram_bytes = 0, previous_end = 0;
    assert_true(entries >= 4 && entries <= 128);
    for (unsigned i = 0; i < entries; i++) {
        const uint8_t *e = params + T_E820_TABLE + i * 20;
        uint64_t address = test_le_get(e, 8), length = test_le_get(e + 8, 8);
        uint32_t type = (uint32_t)test_le_get(e + 16, 4);
        assert_true(address >= previous_end && length > 0);
        previous_end = address + length;
        ram_bytes += type == 1 ? length : 0;
        if (type == 3) {
            acpi++;
            assert_true(T_RSDP >= address && T_RSDP < address + length);
        }
        assert_true(type != 1 || address + length <= 0x9fc00 || address >= 0x100000);
    }
    assert_int_equal(acpi, 1);
    assert_int_equal(previous_end, ram->size);
    assert_int_equal(ram_bytes, 0x9fc00 + ram->size - 0x100000);
    /* The start state, and the GDT it names. */
    bool long_mode = version >= 0x020c && (test_le_get(bytes + T_XLOADFLAGS, 2) & 1);
    assert_int_equal(s->long_mode, long_mode);
    assert_int_equal(s->rip, load + (long_mode ? 0x200 : 0));
    assert_int_equal(s->code_selector, 0x10);
    assert_int_equal(s->data_selector, 0x18);
    assert_int_equal(s->rflags & 0x200, 0); /* interrupts disabled */
    assert_int_equal(test_ram_read64(ram, s->gdt_base + 0x10), s->code_descriptor);
    assert_int_equal(test_ram_read64(ram, s->gdt_base + 0x18), s->data_descriptor);
    assert_true(s->gdt_limit >= 0x1f);
    uint64_t code = s->code_descriptor, data = s->data_descriptor;
    assert_true((code >> 47) & 1);                   /* present */
    assert_int_equal((code >> 43) & 3, 3);           /* code, readable */
    assert_int_equal((code >> 53) & 1, long_mode);   /* L */
    assert_int_equal((code >> 54) & 1, !long_mode);  /* D */
    assert_int_equal((data >> 41) & 1, 1);           /* writable */
    assert_int_equal((data >> 43) & 1, 0);           /* data */
    assert_int_equal(s->cr0 & 1, 1);                 /* PE */
    assert_int_equal((s->cr0 >> 31) & 1, long_mode); /* PG */
    assert_int_equal((s->cr4 >> 5) & 1, long_mode);  /* PAE */
    assert_int_equal((s->efer >> 8) & 1, long_mode); /* LME */
    if (long_mode) {
        uint64_t must[] = {load,
                           load + 0x200,
                           load + init_size - 1,
                           bp,
                           bp + 4095,
                           test_le_get(params + T_CMD_LINE_PTR, 4),
                           s->gdt_base,
                           rd_size ? rd + rd_size - 1 : bp};
        for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
            assert_int_equal(walk(ram, s->cr3, must[i]), must[i]);
        }
    } else {
        assert_int_equal(s->cr3, 0);
    }
    /* Nothing outside the boot area, the kernel's bytes and the initrd (in that order in RAM)
     * was written. */
    uint64_t kernel_end = load + (size - setup), top = rd_size > 0 ? rd : ram->size;
    assert_true(test_ram_zero(ram, 0, GUEST_BOOT_AREA));
    assert_true(test_ram_zero(ram, GUEST_BOOT_AREA_END, load));
    assert_true(test_ram_zero(ram, kernel_end, top));
    assert_true(rd_size == 0 || test_ram_zero(ram, rd + rd_size, ram->size));
}

static void loaded_free(loaded_t *l)
{
    ram_unmap(&l->ram);
}

/* ---- Debian's bzImage ------------------------------------------------------------------------ */

static void test_debian_bzimage(void **state)
{
    const char *path = getenv("VMM_TEST_BZIMAGE");
    FILE *file = path != NULL ? fopen(path, "rb") : NULL;

    (void)state;
    if (file == NULL) {
        printf("no bzImage at VMM_TEST_BZIMAGE (%s): tools/fetch-linux.sh fetches it\n",
               path != NULL ? path : "unset");
        skip();
    }
    fseek(file, 0, SEEK_END);
    size_t size = (size_t)ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *bytes = malloc(size);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, size, file), size);
    fclose(file);
    for (size_t i = 0; i < sizeof(initrd_bytes); i++) {
        initrd_bytes[i] = (uint8_t)(i * 31 + 1);
    }
    loaded_t l;
    assert_int_equal(bz_load(&l, bytes, size, 128 * T_MIB, "console=ttyS0 quiet panic=-1",
                             sizeof(initrd_bytes)),
                     LOAD_OK);
    assert_linux_loaded(&l, bytes, size);
    /* What the header says of it (as `file` and tools/fetch-linux.sh read it): at
     * pref_address, a 64-bit entry, the initrd at the top of RAM. */
    assert_int_equal(l.result.kernel.pieces[0].address, test_le_get(bytes + T_PREF_ADDRESS, 8));
    assert_true(l.result.linux_start.long_mode);
    assert_int_equal(l.result.module_address[0] + sizeof(initrd_bytes), 128 * T_MIB);
    printf("bzImage protocol %u.%02u at %#lx, entry %#lx, boot_params %#lx\n",
           (unsigned)bytes[T_VERSION + 1], (unsigned)bytes[T_VERSION],
           (unsigned long)l.result.kernel.pieces[0].address,
           (unsigned long)l.result.linux_start.rip, (unsigned long)l.result.boot_info);
    loaded_free(&l);
    /* Too little RAM for its init_size anywhere: refused, nothing written. */
    assert_int_equal(bz_load(&l, bytes, size, 32 * T_MIB, "", 0), LOAD_ERR_PLACE);
    assert_true(ram_untouched(&l.ram));
    loaded_free(&l);
    free(bytes);
}

/* ---- bzImages built here: good ones ---------------------------------------------------------- */

static void load_spec_ok(const bz_spec_t *spec, uint64_t ram_size, const char *cmdline,
                         size_t initrd_size, uint64_t expected_address)
{
    loaded_t l;

    bz_build(&image, spec);
    load_error_t error = bz_load(&l, image.bytes, image.size, ram_size, cmdline, initrd_size);
    if (error != LOAD_OK) {
        fail_msg("refused: %s", l.result.message);
    }
    assert_int_equal(l.result.kernel.pieces[0].address, expected_address);
    assert_linux_loaded(&l, image.bytes, image.size);
    assert_false(ram_untouched(&l.ram)); /* the refusals' check sees what a load writes */
    loaded_free(&l);
}

static void test_bzimage_placed(void **state)
{
    bz_spec_t spec = bz_default();

    (void)state;
    /* At pref_address when it fits; at the first aligned place from 1 MiB when it does not. */
    load_spec_ok(&spec, T_RAM, "console=ttyS0", 4096, 0x1000000);
    spec.init_size = T_RAM - 0x1000000; /* exactly to the end of RAM */
    load_spec_ok(&spec, T_RAM, "", 0, 0x1000000);
    spec.init_size += 1;
    load_spec_ok(&spec, T_RAM, "", 0, 0x200000);
    spec = bz_default();
    spec.pref_address = 0x1100000; /* not 2 MiB aligned */
    load_spec_ok(&spec, T_RAM, "", 0, 0x200000);
    spec.alignment = 0x100000;
    load_spec_ok(&spec, T_RAM, "", 0, 0x1100000);
    spec.alignment = 0x1000;
    spec.pref_address = 0;
    load_spec_ok(&spec, T_RAM, "", 0, 0x100000);
    /* Not relocatable, at its pref_address (its only place). */
    spec = bz_default();
    spec.relocatable = 0;
    spec.pref_address = 0x100000;
    load_spec_ok(&spec, 16 * T_MIB, "", 0, 0x100000);
    /* setup_sects 0 means 4; an init_size below the image's size counts the image. */
    spec = bz_default();
    spec.setup_sects = 0;
    spec.init_size = 0x100;
    load_spec_ok(&spec, T_RAM, "x", 0, 0x1000000);
    spec.setup_sects = 63;
    load_spec_ok(&spec, T_RAM, "x", 0, 0x1000000);
}

static void test_bzimage_protocols(void **state)
{
    bz_spec_t spec = bz_default();
    (void)state;

    /* 2.10 (the oldest taken): no xloadflags, so the 32-bit entry, and no acpi_rsdp_addr. */
    spec.version = 0x020a;
    spec.jump_offset = 0x62; /* a header to init_size: 0x264 */
    load_spec_ok(&spec, T_RAM, "", 0, 0x1000000);
    /* 2.12 without XLF_KERNEL_64: the 32-bit entry; 2.13 with it: 64-bit, no RSDP field. */
    spec.version = 0x020c;
    spec.xloadflags = 0x7e;
    load_spec_ok(&spec, T_RAM, "", 0, 0x1000000);
    spec.version = 0x020d;
    spec.xloadflags = 0x01;
    load_spec_ok(&spec, T_RAM, "", 0, 0x1000000);
    /* The largest header boot_params has room for; no heap_end_ptr: no CAN_USE_HEAP. */
    spec = bz_default();
    spec.jump_offset = 0x8e;
    spec.heap_end_ptr = 0;
    load_spec_ok(&spec, T_RAM, "", 0, 0x1000000);
    /* The 64-bit entry's last possible byte: a kernel of 0x201 bytes. */
    spec = bz_default();
    spec.kernel_bytes = 0x201;
    spec.syssize = 1;
    load_spec_ok(&spec, T_RAM, "", 0, 0x1000000);
}

static void test_bzimage_cmdline_initrd(void **state)
{
    bz_spec_t spec = bz_default();
    char line[LOAD_CMDLINE_MAX + 2];
    (void)state;

    /* A command line of exactly cmdline_size bytes. */
    spec.cmdline_size = 100;
    memset(line, 'a', 100);
    line[100] = '\0';
    load_spec_ok(&spec, T_RAM, line, 0, 0x1000000);
    /* An initrd that ends exactly at initrd_addr_max, and one at the top of RAM. */
    spec = bz_default();
    spec.initrd_addr_max = 0x2000000 - 1;
    load_spec_ok(&spec, T_RAM, "", 2 * T_MIB, 0x1000000);
    spec.initrd_addr_max = 0x1400000 + 2 * T_MIB - 1; /* just above the kernel's init_size */
    load_spec_ok(&spec, T_RAM, "", 2 * T_MIB, 0x1000000);
    /* An initrd in RAM above 4 GiB stays below 4 GiB (and below initrd_addr_max). */
    spec = bz_default();
    spec.initrd_addr_max = 0xffffffff;
    loaded_t l;
    bz_build(&image, &spec);
    assert_int_equal(bz_load(&l, image.bytes, image.size, 4 * 1024 * T_MIB + T_RAM, "", T_MIB),
                     LOAD_OK);
    assert_int_equal(l.result.module_address[0], 0x100000000ull - T_MIB);
    assert_true(l.result.linux_start.identity_end <= 0x100000000ull);
    loaded_free(&l);
}

/* ---- hostile bzImages and what goes with them ------------------------------------------------- */

/* A refusal with the expected error and words, guest RAM untouched. */
static void assert_bz_refused(const uint8_t *bytes, size_t size, uint64_t ram_size,
                              const char *cmdline, size_t initrd_size, load_error_t expected,
                              const char *words)
{
    loaded_t l;
    load_error_t error = bz_load(&l, bytes, size, ram_size, cmdline, initrd_size);

    if (error != expected || strstr(l.result.message, words) == NULL) {
        fail_msg("got error %d \"%s\", expected %d with \"%s\"", error, l.result.message, expected,
                 words);
    }
    assert_true(ram_untouched(&l.ram));
    loaded_free(&l);
}

static void spec_refused(const bz_spec_t *spec, uint64_t ram_size, load_error_t expected,
                         const char *words)
{
    bz_build(&image, spec);
    assert_bz_refused(image.bytes, image.size, ram_size, "", 0, expected, words);
}

static void test_bzimage_header_hostile(void **state)
{
    bz_spec_t spec;
    (void)state;

    spec = bz_default();
    spec.version = 0x0209;
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "older than 2.10");
    spec = bz_default();
    spec.jump_offset = 0x61; /* ends one byte before init_size's end */
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "ends before init_size");
    spec.jump_offset = 0x8f; /* one byte past boot_params' room */
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "past its room in boot_params");
    spec = bz_default();
    spec.loadflags = 0;
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "zImage");
    spec = bz_default();
    spec.syssize = 0;
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "syssize is 0");
    spec.syssize = spec.kernel_bytes / 16 + 1; /* one paragraph more than the file has */
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "syssize says more");
    spec.syssize = 0xffffffff;
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "syssize says more");
    uint32_t alignments[] = {0, 3, 0x300000, 0x80000001};
    for (size_t i = 0; i < sizeof(alignments) / sizeof(alignments[0]); i++) {
        spec = bz_default();
        spec.alignment = alignments[i];
        spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "not a power of two");
    }
    spec = bz_default();
    spec.kernel_bytes = 0x200;
    spec.syssize = 0x20;
    spec_refused(&spec, T_RAM, LOAD_ERR_LINUX, "64-bit entry");
    /* A jump that is not a short jump. */
    spec = bz_default();
    bz_build(&image, &spec);
    image.bytes[T_JUMP] = 0xe9;
    assert_bz_refused(image.bytes, image.size, T_RAM, "", 0, LOAD_ERR_LINUX, "short jump");
}

static void test_bzimage_truncated(void **state)
{
    bz_spec_t spec = bz_default();
    (void)state;

    bz_build(&image, &spec);
    /* Cut inside the header, at the setup's end (no protected-mode kernel), one byte after. */
    assert_bz_refused(image.bytes, 0x207, T_RAM, "", 0, LOAD_ERR_LINUX, "inside the setup");
    assert_bz_refused(image.bytes, 0x263, T_RAM, "", 0, LOAD_ERR_LINUX, "inside the real");
    assert_bz_refused(image.bytes, 5 * 512, T_RAM, "", 0, LOAD_ERR_LINUX, "inside the real");
    assert_bz_refused(image.bytes, 5 * 512 + 1, T_RAM, "", 0, LOAD_ERR_LINUX, "syssize says more");
    assert_bz_refused(image.bytes, image.size - 1, T_RAM, "", 0, LOAD_ERR_LINUX,
                      "syssize says more");
    /* Too short for a header at all: not a bzImage. */
    assert_bz_refused(image.bytes, 0x205, T_RAM, "", 0, LOAD_ERR_FORMAT, "nor a bzImage");
    /* setup_sects 255: the setup alone is larger than the file. */
    spec.setup_sects = 255;
    bz_build(&image, &spec);
    assert_bz_refused(image.bytes, 200 * 512, T_RAM, "", 0, LOAD_ERR_LINUX, "inside the real");
}

static void test_bzimage_place_hostile(void **state)
{
    bz_spec_t spec;
    (void)state;

    /* init_size beyond RAM wherever it goes; one that would wrap. */
    spec = bz_default();
    spec.init_size = T_RAM - 0x200000 + 1;
    spec_refused(&spec, T_RAM, LOAD_ERR_PLACE, "first kernel_alignment boundary");
    spec.init_size = 0xffffffff;
    spec_refused(&spec, T_RAM, LOAD_ERR_PLACE, "first kernel_alignment boundary");
    spec = bz_default();
    spec.alignment = 0x80000000; /* the first boundary is at 2 GiB */
    spec_refused(&spec, T_RAM, LOAD_ERR_PLACE, "first kernel_alignment boundary");
    /* Not relocatable: pref_address below 1 MiB, past RAM, near 2^64 (wrapping). */
    uint64_t prefs[] = {0x10000, T_RAM - 0x3fffff, 0xfffffffffffff000ull, 1ull << 32};
    for (size_t i = 0; i < sizeof(prefs) / sizeof(prefs[0]); i++) {
        spec = bz_default();
        spec.relocatable = 0;
        spec.pref_address = prefs[i];
        spec_refused(&spec, T_RAM, LOAD_ERR_PLACE, "not relocatable");
    }
    /* RAM above 4 GiB is not used for the kernel (its 32-bit entry must reach it). */
    spec = bz_default();
    spec.relocatable = 0;
    spec.pref_address = 1ull << 32;
    spec_refused(&spec, (1ull << 32) + T_RAM, LOAD_ERR_PLACE, "not relocatable");
}

static void test_bzimage_with_hostile(void **state)
{
    bz_spec_t spec = bz_default();
    char line[LOAD_CMDLINE_MAX + 2];
    (void)state;

    /* A command line one byte longer than cmdline_size; one past the loader's own limit. */
    spec.cmdline_size = 100;
    bz_build(&image, &spec);
    memset(line, 'a', 101);
    line[101] = '\0';
    assert_bz_refused(image.bytes, image.size, T_RAM, line, 0, LOAD_ERR_LINUX,
                      "longer than its cmdline_size 100");
    spec.cmdline_size = 0xffffffff;
    bz_build(&image, &spec);
    memset(line, 'a', LOAD_CMDLINE_MAX + 1);
    line[LOAD_CMDLINE_MAX + 1] = '\0';
    assert_bz_refused(image.bytes, image.size, T_RAM, line, 0, LOAD_ERR_BOOT_AREA, "too long");
    /* An initrd one page too large for the room below initrd_addr_max, and one too large for
     * RAM; an initrd_addr_max below the kernel. */
    spec = bz_default();
    spec.initrd_addr_max = 0x1400000 + 2 * T_MIB - 1;
    bz_build(&image, &spec);
    assert_bz_refused(image.bytes, image.size, T_RAM, "", 2 * T_MIB + 1, LOAD_ERR_MODULES,
                      "initrd rootfs");
    spec.initrd_addr_max = 0xfffff;
    bz_build(&image, &spec);
    assert_bz_refused(image.bytes, image.size, T_RAM, "", 1, LOAD_ERR_MODULES, "initrd rootfs");
    spec = bz_default();
    spec.init_size = T_RAM - 0x1000000 - 3 * T_MIB; /* the initrd fits exactly above */
    load_spec_ok(&spec, T_RAM, "", 3 * T_MIB, 0x1000000);
    spec.init_size += 4096;
    bz_build(&image, &spec);
    assert_bz_refused(image.bytes, image.size, T_RAM, "", 3 * T_MIB, LOAD_ERR_MODULES,
                      "does not fit");
    /* PV mode, modules= beside the initrd, a module that is not an initrd. */
    spec = bz_default();
    bz_build(&image, &spec);
    loaded_t l;
    guest_blob_t two[2] = {{initrd_bytes, 10, "rootfs"}, {initrd_bytes, 10, "extra"}};
    struct {
        bool hardware, initrd_first;
        size_t count;
        const char *words;
    } cases[] = {{false, true, 1, "hardware mode only"},
                 {false, false, 0, "hardware mode only"},
                 {true, true, 2, "one initrd, and no modules="},
                 {true, false, 1, "one initrd, and no modules="}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        l.ram = ram_map(T_RAM);
        l.input = (load_input_t){.memory = &l.ram,
                                 .kernel = {image.bytes, image.size, "bzImage"},
                                 .modules = two,
                                 .module_count = cases[i].count,
                                 .cmdline = "",
                                 .hardware_mode = cases[i].hardware,
                                 .initrd_first = cases[i].initrd_first};
        assert_int_equal(guest_load(&l.input, &l.result), LOAD_ERR_LINUX);
        assert_non_null(strstr(l.result.message, cases[i].words));
        assert_true(ram_untouched(&l.ram));
        loaded_free(&l);
    }
}

/* Other formats keep their precedence: a multiboot1 header and an ELF go first. */
static void test_bzimage_precedence(void **state)
{
    bz_spec_t spec = bz_default();
    (void)state;

    bz_build(&image, &spec);
    image.bytes[0] = 0x7f;
    memcpy(image.bytes + 1, "ELF", 3);
    assert_bz_refused(image.bytes, image.size, T_RAM, "", 0, LOAD_ERR_ELF, "ELF");
    bz_build(&image, &spec);
    test_mb1_put(&image, 0x1000, 0x3, 0, 0, 0, 0, 0);
    loaded_t l;
    assert_int_not_equal(bz_load(&l, image.bytes, image.size, T_RAM, "", 0), LOAD_OK);
    assert_int_not_equal(l.result.kernel.protocol, GUEST_BOOT_LINUX);
    loaded_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_debian_bzimage),
            cmocka_unit_test(test_bzimage_placed),
            cmocka_unit_test(test_bzimage_protocols),
            cmocka_unit_test(test_bzimage_cmdline_initrd),
            cmocka_unit_test(test_bzimage_header_hostile),
            cmocka_unit_test(test_bzimage_truncated),
            cmocka_unit_test(test_bzimage_place_hostile),
            cmocka_unit_test(test_bzimage_with_hostile),
            cmocka_unit_test(test_bzimage_precedence),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
