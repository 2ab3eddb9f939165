/*
 * The first C code: identifies the boot protocol and brings the machine up. Boot-only.
 */
#include <arch/power.h>
#include <arch/serial.h>
#include <kernel/printf.h>
#include <stdint.h>

#define MB1_BOOTLOADER_MAGIC 0x2badb002
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define PVH_START_MAGIC      0x336ec578

void boot_main(uint32_t magic, uint32_t info_phys);

static const char *boot_protocol_name(uint32_t magic)
{
    switch (magic) {
    case MB1_BOOTLOADER_MAGIC:
        return "multiboot1";
    case MB2_BOOTLOADER_MAGIC:
        return "multiboot2";
    case PVH_START_MAGIC:
        return "pvh";
    default:
        return "unknown";
    }
}

void boot_main(uint32_t magic, uint32_t info_phys)
{
    serial_init();
    kprintf("beaml4: booted via %s (info at %#x)\n", boot_protocol_name(magic), info_phys);
    machine_power_off(0);
}
