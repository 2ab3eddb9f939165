/*
 * A Linux bzImage's part of the load plan (load.h): its setup header checked field by field
 * before any is used (the image is the guest's: untrusted), and the protected-mode kernel
 * placed: at pref_address when it fits, else, when relocatable, at the first kernel_alignment
 * boundary from 1 MiB where init_size bytes fit in RAM below 4 GiB. Writes nothing.
 */
#include "kernel_bzimage.h"
#include "layout.h"
#include "load.h"
#include <fmt/fmt.h>

static uint32_t bz_read(const uint8_t *bytes, uint32_t offset, unsigned size)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < size; i++) {
        value |= (uint32_t)bytes[offset + i] << (8 * i);
    }
    return value;
}

bool bzimage_present(const guest_blob_t *kernel)
{
    return kernel->size >= BZ_HEADER + 4 &&
           bz_read(kernel->bytes, BZ_BOOT_FLAG, 2) == BZ_BOOT_FLAG_VALUE &&
           bz_read(kernel->bytes, BZ_HEADER, 4) == BZ_HEADER_MAGIC;
}

/* The header's layout: version, jump and extent, the setup's size. NULL: it can be read. */
static const char *bz_check_layout(const guest_blob_t *kernel, bzimage_header_t *h)
{
    const uint8_t *b = kernel->bytes;

    if (kernel->size < BZ_VERSION + 2) {
        return "the file ends inside the setup header";
    }
    h->version = (uint16_t)bz_read(b, BZ_VERSION, 2);
    if (h->version < BZ_VERSION_MIN) {
        return "its boot protocol is older than 2.10, the oldest this loader takes";
    }
    if (b[BZ_JUMP] != BZ_JUMP_SHORT) {
        return "the setup header does not start with a short jump";
    }
    h->header_end = BZ_HEADER + b[BZ_JUMP + 1];
    if (h->header_end < BZ_FIELDS_END) {
        return "the setup header ends before init_size (protocol 2.10 has it)";
    }
    if (h->header_end > BOOT_PARAMS_HEADER_END) {
        return "the setup header reaches past its room in boot_params (0x290)";
    }
    uint32_t sects = b[BZ_SETUP_SECTS] != 0 ? b[BZ_SETUP_SECTS] : BZ_SETUP_SECTS_ZERO;
    h->setup_bytes = (sects + 1) * BZ_SECTOR_BYTES;
    if (kernel->size <= h->setup_bytes || kernel->size < h->header_end) {
        return "truncated: the file ends inside the real-mode setup";
    }
    h->kernel_bytes = kernel->size - h->setup_bytes;
    return NULL;
}

/* The fields that say what the kernel needs. NULL: all of them can be met. */
static const char *bz_check_fields(const guest_blob_t *kernel, bzimage_header_t *h)
{
    const uint8_t *b = kernel->bytes;
    uint64_t syssize_bytes = (uint64_t)bz_read(b, BZ_SYSSIZE, 4) * 16;
    uint32_t init_size = bz_read(b, BZ_INIT_SIZE, 4);

    if (!(b[BZ_LOADFLAGS] & BZ_LOADED_HIGH)) {
        return "a zImage (loaded at 0x10000): only a bzImage loads high";
    }
    if (syssize_bytes == 0) {
        return "syssize is 0: no protected-mode kernel";
    }
    if (syssize_bytes > h->kernel_bytes) {
        return "truncated: syssize says more protected-mode kernel than the file holds";
    }
    h->kernel_alignment = bz_read(b, BZ_KERNEL_ALIGNMENT, 4);
    if (h->kernel_alignment == 0 || (h->kernel_alignment & (h->kernel_alignment - 1)) != 0) {
        return "kernel_alignment is not a power of two";
    }
    h->relocatable = b[BZ_RELOCATABLE] != 0;
    h->entry_64 = h->version >= BZ_VERSION_XLOAD &&
                  (bz_read(b, BZ_XLOADFLAGS, 2) & BZ_XLF_KERNEL_64) != 0;
    if (h->entry_64 && h->kernel_bytes <= BZ_ENTRY_64_OFFSET) {
        return "the 64-bit entry (+0x200) lies past the protected-mode kernel";
    }
    h->footprint = init_size > h->kernel_bytes ? init_size : h->kernel_bytes;
    h->heap_end_ptr = (uint16_t)bz_read(b, BZ_HEAP_END_PTR, 2);
    h->initrd_addr_max = bz_read(b, BZ_INITRD_ADDR_MAX, 4);
    h->cmdline_size = bz_read(b, BZ_CMDLINE_SIZE, 4);
    h->pref_address = (uint64_t)bz_read(b, BZ_PREF_ADDRESS, 4) |
                      (uint64_t)bz_read(b, BZ_PREF_ADDRESS + 4, 4) << 32;
    return NULL;
}

/* Whether footprint bytes from address lie in RAM from 1 MiB and below limit. */
static bool bz_fits(uint64_t address, uint64_t footprint, uint64_t limit)
{
    return address >= GUEST_HIGH_RAM && address <= limit && footprint <= limit - address;
}

/* The kernel's place (h->load_address). NULL: found. */
static const char *bz_place(bzimage_header_t *h, uint64_t ram_size)
{
    uint64_t limit = ram_size < GUEST_32BIT_LIMIT ? ram_size : GUEST_32BIT_LIMIT;
    uint64_t align = h->kernel_alignment;

    if (bz_fits(h->pref_address, h->footprint, limit) &&
        (!h->relocatable || (h->pref_address & (align - 1)) == 0)) {
        h->load_address = gpa(h->pref_address);
        return NULL;
    }
    if (!h->relocatable) {
        return "it is not relocatable and init_size bytes from pref_address are not in RAM";
    }
    uint64_t first = (GUEST_HIGH_RAM + align - 1) & ~(align - 1);
    if (!bz_fits(first, h->footprint, limit)) {
        return "init_size bytes from the first kernel_alignment boundary are not in RAM";
    }
    h->load_address = gpa(first);
    return NULL;
}

load_error_t kernel_plan_bzimage(const guest_blob_t *kernel, uint64_t ram_size, kernel_plan_t *plan,
                                 char *message, size_t message_size)
{
    bzimage_header_t *h = &plan->bzimage;
    const char *problem = bz_check_layout(kernel, h);
    load_error_t error = LOAD_ERR_LINUX;

    if (problem == NULL) {
        problem = bz_check_fields(kernel, h);
    }
    if (problem == NULL) {
        problem = bz_place(h, ram_size);
        error = LOAD_ERR_PLACE;
    }
    if (problem != NULL) {
        fmt_snprintf(message, message_size, "bzImage: %s", problem);
        return error;
    }
    plan->protocol = GUEST_BOOT_LINUX;
    plan->pieces[0] =
            (load_piece_t){h->load_address.value, h->setup_bytes, h->kernel_bytes, h->kernel_bytes};
    plan->piece_count = 1;
    plan->entry = (uint32_t)h->load_address.value;
    plan->working_end = h->load_address.value + h->footprint;
    return LOAD_OK;
}
