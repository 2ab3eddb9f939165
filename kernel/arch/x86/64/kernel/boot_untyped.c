/*
 * Untyped capabilities for all memory the kernel does not keep: each free RAM range, then each
 * device range, cut into the largest naturally aligned power-of-two blocks. RAM comes first so
 * that, should the boot info's list or the root CNode fill up, only device memory is left out
 * (with a kernel message). Boot-only.
 */
#include <arch/boot_memory.h>
#include <arch/boot_section.h>
#include <arch/kernel/boot_root_task.h>
#include <kernel/printf.h>

#define BOOT_RANGES_MAX 256

typedef struct {
    boot_memory_range_t ranges[BOOT_RANGES_MAX];
    size_t count;
    bool overflow;
} range_list_t;

static range_list_t boot_ranges;

BOOT_CODE static void collect_range(void *context, const boot_memory_range_t *range)
{
    range_list_t *list = context;

    if (list->count == BOOT_RANGES_MAX) {
        list->overflow = true;
        return;
    }
    list->ranges[list->count++] = *range;
}

BOOT_CODE unsigned boot_block_bits(paddr_t start, paddr_t end)
{
    unsigned bits = 63u - (unsigned)__builtin_clzll(end - start);

    if (start != 0 && (unsigned)__builtin_ctzll(start) < bits) {
        bits = (unsigned)__builtin_ctzll(start);
    }
    return bits < seL4_MaxUntypedBits ? bits : seL4_MaxUntypedBits;
}

/* Returns false once no more untypeds fit. */
BOOT_CODE static bool add_range(boot_state_t *boot, const boot_memory_range_t *range,
                                word_t *dropped)
{
    paddr_t start = range->start;
    seL4_BootInfo *info = boot->info;

    while (start < range->end) {
        unsigned bits = boot_block_bits(start, range->end);
        word_t index = boot->next_slot - info->untyped.start;
        if (bits < seL4_MinUntypedBits) {
            break;
        }
        if (index >= seL4_MaxBootInfoUntypedCaps ||
            boot->next_slot >= BIT(seL4_RootCNodeSizeBits)) {
            *dropped += range->end - start;
            return false;
        }
        cap_t cap = {.type = CAP_UNTYPED};
        cap.u.untyped.paddr = start;
        cap.u.untyped.size_bits = (uint8_t)bits;
        cap.u.untyped.is_device = range->is_device;
        cte_insert_root(cap, &boot->cnode[boot->next_slot++]);
        info->untypedList[index] = (seL4_UntypedDesc){
                .paddr = start, .sizeBits = (seL4_Uint8)bits, .isDevice = range->is_device};
        start += BIT(bits);
    }
    return true;
}

BOOT_CODE void boot_create_untypeds(boot_state_t *boot)
{
    word_t dropped_ram = 0;
    word_t dropped_device = 0;
    bool room = true;

    boot_ranges.count = 0;
    boot_ranges.overflow = false;
    boot_memory_for_each_range(collect_range, &boot_ranges);
    if (boot_ranges.overflow) {
        kprintf("beaml4: more than %u memory ranges; the rest get no untyped\n", BOOT_RANGES_MAX);
    }
    boot->info->untyped.start = boot->next_slot;
    for (int pass = 0; pass < 2; pass++) {
        bool device = pass == 1;
        for (size_t i = 0; i < boot_ranges.count; i++) {
            const boot_memory_range_t *range = &boot_ranges.ranges[i];
            if (range->is_device != device) {
                continue;
            }
            if (!room) {
                *(device ? &dropped_device : &dropped_ram) += range->end - range->start;
                continue;
            }
            room = add_range(boot, range, device ? &dropped_device : &dropped_ram);
        }
    }
    boot->info->untyped.end = boot->next_slot;
    if (dropped_ram != 0 || dropped_device != 0) {
        kprintf("beaml4: untyped list full: %lu bytes of RAM and %lu of device memory left out\n",
                dropped_ram, dropped_device);
    }
}
