/*
 * The boot modules after the root task's: handed to the root task as they are, each as device
 * untypeds over its own pages (frames retyped from them keep the bytes; the kernel never
 * places objects there) and an entry of the modules chunk of the extra boot info. Boot-only.
 */
#include <arch/boot_section.h>
#include <arch/kernel/boot_root_task.h>
#include <arch/platform.h>
#include <kernel/printf.h>
#include <kernel/string.h>

static seL4_BootModule module_entries[seL4_MaxBootModules];
static word_t module_entry_count;

/* Modules after the first, page aligned: those handed over. */
BOOT_CODE static bool module_handed_over(const boot_module_t *module)
{
    return IS_ALIGNED(module->start, seL4_PageBits) && module->end > module->start;
}

/* The number of blocks [start, end) splits into (as boot_block_bits cuts it). */
BOOT_CODE static word_t range_blocks(paddr_t start, paddr_t end)
{
    word_t blocks = 0;

    while (start < end) {
        start += BIT(boot_block_bits(start, end));
        blocks++;
    }
    return blocks;
}

BOOT_CODE static paddr_t module_pages_end(const boot_module_t *module)
{
    return ALIGN_UP(module->end, seL4_PageBits);
}

BOOT_CODE word_t boot_modules_slot_count(void)
{
    const boot_params_t *params = platform_boot_params();
    word_t slots = 0;

    for (size_t i = 1; i < params->module_count; i++) {
        const boot_module_t *module = &params->modules[i];
        if (module_handed_over(module)) {
            slots += range_blocks(module->start, module_pages_end(module));
        }
    }
    return slots;
}

BOOT_CODE void boot_modules_create(boot_state_t *boot)
{
    const boot_params_t *params = platform_boot_params();

    module_entry_count = 0;
    for (size_t i = 1; i < params->module_count && module_entry_count < seL4_MaxBootModules; i++) {
        const boot_module_t *module = &params->modules[i];
        seL4_BootModule *entry = &module_entries[module_entry_count++];
        paddr_t start = module->start;
        paddr_t end = module_pages_end(module);

        entry->paddr = module->start;
        entry->size = module->end - module->start;
        memcpy(entry->cmdline, module->cmdline, sizeof(entry->cmdline));
        entry->cmdline[sizeof(entry->cmdline) - 1] = '\0';
        entry->untypeds.start = boot->next_slot;
        if (!module_handed_over(module)) {
            kprintf("beaml4: boot module %zu (%s) is not page aligned: not handed over\n", i,
                    module->cmdline);
        }
        while (module_handed_over(module) && start < end) {
            unsigned bits = boot_block_bits(start, end);
            cap_t cap = {.type = CAP_UNTYPED};
            cap.u.untyped.paddr = start;
            cap.u.untyped.size_bits = (uint8_t)bits;
            cap.u.untyped.is_device = true;
            cte_insert_root(cap, &boot->cnode[boot->next_slot++]);
            start += BIT(bits);
        }
        entry->untypeds.end = boot->next_slot;
    }
}

BOOT_CODE word_t boot_modules_chunk_size(void)
{
    const boot_params_t *params = platform_boot_params();
    word_t count = params->module_count > 1 ? params->module_count - 1 : 0;

    if (count > seL4_MaxBootModules) {
        count = seL4_MaxBootModules;
    }
    return sizeof(seL4_BootModules) + count * sizeof(seL4_BootModule);
}

BOOT_CODE void boot_modules_write(uint8_t *payload)
{
    seL4_BootModules header = {.count = module_entry_count};

    memcpy(payload, &header, sizeof(header));
    memcpy(payload + sizeof(header), module_entries, module_entry_count * sizeof(seL4_BootModule));
}
