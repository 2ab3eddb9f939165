/*
 * The first C code: brings the platform up (arch/platform.h) and prints what it found. The
 * kernel core continues from here; with "platform_summary_only" on the command line the kernel
 * stops after the summary instead (the boot tests rely on it).
 */
#include <arch/kernel/boot_root_task.h>
#include <arch/platform.h>
#include <arch/power.h>
#include <arch/serial.h>
#include <stdint.h>

void boot_main(uint32_t magic, uint32_t info_phys);

void boot_main(uint32_t magic, uint32_t info_phys)
{
    serial_init();
    platform_init(magic, info_phys);
    platform_print_summary();
    if (platform_summary_only()) {
        machine_power_off(0);
    }
    kernel_boot();
}
