/*
 * mmio-unmapped (hostile): loads and stores at guest-physical addresses that are neither RAM
 * nor any device, through the boot identity mapping: in the PCI hole, below the APICs, and the
 * first page past the end of RAM. Bare QEMU 7.2's bus answers such reads with zeros (q35) and
 * drops the writes; a VMM must answer the same way, and never with anything else's memory.
 */
#include "bootinfo.h"
#include "check.h"
#include "memory.h"
#include "programs.h"

typedef struct hole {
    const char *name;
    uint64_t address;
} hole_t;

static uint64_t ram_end(void)
{
    uint64_t end = 0;

    for (unsigned i = 0; i < boot_info.ram_count; i++) {
        uint64_t top = boot_info.ram[i].base + boot_info.ram[i].length;
        end = top > end && top < IDENTITY_MAP_LIMIT ? top : end;
    }
    return end;
}

typedef struct widths {
    uint8_t byte;
    uint16_t word;
    uint32_t dword;
    uint64_t qword;
} widths_t;

/* Every width, each at an aligned offset of the page. */
static widths_t read_all_widths(const hole_t *h, const char *when)
{
    widths_t v = {
            .byte = *(volatile uint8_t *)(uintptr_t)(h->address + 0x10),
            .word = *(volatile uint16_t *)(uintptr_t)(h->address + 0x20),
            .dword = *(volatile uint32_t *)(uintptr_t)(h->address + 0x40),
            .qword = *(volatile uint64_t *)(uintptr_t)(h->address + 0x80),
    };

    say("%s %s: byte %#x, word %#x, dword %#x, qword %#llx", h->name, when, v.byte, v.word, v.dword,
        (unsigned long long)v.qword);
    return v;
}

void program_hostile_mmio_unmapped(void)
{
    uint64_t end = ram_end();
    const hole_t holes[] = {
            {"0xd0000000 (PCI hole)", 0xd0000000ull},
            {"0xfe000000 (below the APICs)", 0xfe000000ull},
            {"the first page past RAM", (end + 0xfffull) & ~0xfffull},
    };

    for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
        const hole_t *h = &holes[i];
        widths_t before = read_all_widths(h, "read");
        *(volatile uint8_t *)(uintptr_t)(h->address + 0x10) = 0x5a;
        *(volatile uint16_t *)(uintptr_t)(h->address + 0x20) = 0x1234;
        *(volatile uint32_t *)(uintptr_t)(h->address + 0x40) = 0xdeadbeef;
        *(volatile uint64_t *)(uintptr_t)(h->address + 0x80) = 0x0123456789abcdefull;
        widths_t after = read_all_widths(h, "after writes");
        check(after.byte == before.byte && after.word == before.word &&
                      after.dword == before.dword && after.qword == before.qword,
              "%s: the writes vanished (every width reads as before)", h->name);
    }
    say("still running after every access");
}
