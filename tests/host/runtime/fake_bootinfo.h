/*
 * A boot info page for host tests of code that reads seL4_BootInfo (lib/runtime/bootinfo.c and
 * its users): the page, then pages of extra boot info filled chunk by chunk as the kernel lays
 * them out. Host-only; header-only so that each test links nothing more.
 */
#ifndef TESTS_HOST_FAKE_BOOTINFO_H
#define TESTS_HOST_FAKE_BOOTINFO_H

#include <sel4/bootinfo.h>
#include <stddef.h>
#include <string.h>

#define FAKE_BOOTINFO_PAGE 4096

typedef struct fake_bootinfo {
    union {
        seL4_BootInfo info;
        unsigned char bytes[3 * FAKE_BOOTINFO_PAGE]; /* the page and two of extra boot info */
    };
    size_t extra_used; /* bytes of extra boot info written so far */
} fake_bootinfo_t;

static inline void fake_bootinfo_reset(fake_bootinfo_t *boot)
{
    memset(boot, 0, sizeof(*boot));
}

/*
 * Appends a chunk (header, payload, padding to 8 bytes) and updates extraLen; len_override,
 * when non-zero, replaces the header's length field. Returns the chunk's payload.
 */
static inline void *fake_bootinfo_add(fake_bootinfo_t *boot, seL4_Word id, const void *payload,
                                      size_t size, seL4_Word len_override)
{
    seL4_BootInfoHeader *header =
            (seL4_BootInfoHeader *)(boot->bytes + FAKE_BOOTINFO_PAGE + boot->extra_used);
    size_t total = (sizeof(*header) + size + 7) & ~(size_t)7;

    header->id = id;
    header->len = len_override != 0 ? len_override : total;
    memcpy(header + 1, payload, size);
    boot->extra_used += total;
    boot->info.extraLen = boot->extra_used;
    return header + 1;
}

#endif
