/*
 * The extra boot info chunks after the boot info page: TSC frequency, ACPI RSDP, the memory
 * map, boot times, the command line, the kernel log's capability, the boot modules, copies of the
 * ACPI tables, hardware virtualization (and the framebuffer when the loader set one up).
 * Boot-only.
 */
#include <arch/acpi.h>
#include <arch/boot_section.h>
#include <arch/kernel/boot_root_task.h>
#include <arch/platform.h>
#include <arch/tsc.h>
#include <arch/virt/virt.h>
#include <kernel/string.h>

#define CHUNK_HEADER_SIZE sizeof(seL4_BootInfoHeader)

_Static_assert(sizeof(((seL4_X86_ACPI_RSDP *)0)->table) == sizeof(((acpi_info_t *)0)->rsdp),
               "the RSDP copy fits the boot info entry");

BOOT_CODE static word_t cmdline_chunk_payload(void)
{
    const char *cmdline = platform_boot_params()->cmdline;
    return ALIGN_UP(strnlen_bounded(cmdline, BOOT_CMDLINE_MAX) + 1, 3);
}

BOOT_CODE word_t boot_extra_info_size(void)
{
    const boot_params_t *params = platform_boot_params();
    word_t size = 0;

    size += CHUNK_HEADER_SIZE + sizeof(seL4_X86_TSC_Freq);
    if (acpi_info()->rsdp_phys != 0) {
        size += CHUNK_HEADER_SIZE + sizeof(seL4_X86_ACPI_RSDP);
    }
    size += CHUNK_HEADER_SIZE + params->memory_map.count * sizeof(seL4_X86_MemoryRegion);
    size += CHUNK_HEADER_SIZE + sizeof(seL4_BootTimes);
    size += CHUNK_HEADER_SIZE + cmdline_chunk_payload();
    size += CHUNK_HEADER_SIZE + sizeof(seL4_KernelLog);
    size += CHUNK_HEADER_SIZE + boot_modules_chunk_size();
    if (boot_acpi_tables_size() != 0) {
        size += CHUNK_HEADER_SIZE + boot_acpi_tables_size();
    }
    size += CHUNK_HEADER_SIZE + sizeof(seL4_X86_VirtFeatures);
    if (params->framebuffer.present) {
        size += CHUNK_HEADER_SIZE + sizeof(seL4_X86_Framebuffer);
    }
    return size;
}

BOOT_CODE static uint8_t *chunk_begin(uint8_t *at, seL4_BootInfoID id, word_t payload)
{
    seL4_BootInfoHeader header = {.id = id, .len = CHUNK_HEADER_SIZE + payload};
    memcpy(at, &header, sizeof(header));
    return at + CHUNK_HEADER_SIZE;
}

BOOT_CODE void boot_extra_info_write(boot_state_t *boot, uint8_t *extra, word_t size)
{
    const boot_params_t *params = platform_boot_params();
    const acpi_info_t *acpi = acpi_info();
    uint8_t *at = extra;

    seL4_X86_TSC_Freq tsc = {.hz = tsc_hz(), .mhz = (seL4_Uint32)(tsc_hz() / 1000000)};
    at = chunk_begin(at, seL4_BootInfo_X86_TSC_Freq, sizeof(tsc));
    memcpy(at, &tsc, sizeof(tsc));
    at += sizeof(tsc);

    if (acpi->rsdp_phys != 0) {
        seL4_X86_ACPI_RSDP rsdp = {.paddr = acpi->rsdp_phys};
        memcpy(rsdp.table, acpi->rsdp, sizeof(rsdp.table));
        at = chunk_begin(at, seL4_BootInfo_X86_ACPI_RSDP, sizeof(rsdp));
        memcpy(at, &rsdp, sizeof(rsdp));
        at += sizeof(rsdp);
    }

    at = chunk_begin(at, seL4_BootInfo_X86_MemoryMap,
                     params->memory_map.count * sizeof(seL4_X86_MemoryRegion));
    for (size_t i = 0; i < params->memory_map.count; i++) {
        const memory_region_t *region = &params->memory_map.regions[i];
        seL4_X86_MemoryRegion entry = {.paddr = region->start,
                                       .length = region->end - region->start,
                                       .type = (seL4_Uint32)region->type};
        memcpy(at, &entry, sizeof(entry));
        at += sizeof(entry);
    }

    at = chunk_begin(at, seL4_BootInfo_BootTimes, sizeof(seL4_BootTimes));
    boot->times = (seL4_BootTimes *)at;
    boot->times->kernelEntryTSC = platform_entry_tsc();
    boot->times->kernelEntryNs = platform_entry_ns_since_power_on();
    boot->times->rootTaskTSC = 0;
    at += sizeof(seL4_BootTimes);

    word_t payload = cmdline_chunk_payload();
    at = chunk_begin(at, seL4_BootInfo_CommandLine, payload);
    memcpy(at, params->cmdline, strnlen_bounded(params->cmdline, BOOT_CMDLINE_MAX));
    at += payload;

    seL4_KernelLog log = {.frame = boot->kernel_log_slot};
    at = chunk_begin(at, seL4_BootInfo_KernelLog, sizeof(log));
    memcpy(at, &log, sizeof(log));
    at += sizeof(log);

    at = chunk_begin(at, seL4_BootInfo_Modules, boot_modules_chunk_size());
    boot_modules_write(at);
    at += boot_modules_chunk_size();

    if (boot_acpi_tables_size() != 0) {
        at = chunk_begin(at, seL4_BootInfo_X86_ACPITables, boot_acpi_tables_size());
        boot_acpi_tables_write(at);
        at += boot_acpi_tables_size();
    }

    at = chunk_begin(at, seL4_BootInfo_X86_Virtualization, sizeof(seL4_X86_VirtFeatures));
    memcpy(at, &virt()->api, sizeof(seL4_X86_VirtFeatures));
    at += sizeof(seL4_X86_VirtFeatures);

    if (params->framebuffer.present) {
        const boot_framebuffer_t *fb = &params->framebuffer;
        seL4_X86_Framebuffer entry = {.addr = fb->address,
                                      .pitch = fb->pitch,
                                      .width = fb->width,
                                      .height = fb->height,
                                      .bpp = fb->bpp,
                                      .type = fb->type};
        at = chunk_begin(at, seL4_BootInfo_X86_Framebuffer, sizeof(entry));
        memcpy(at, &entry, sizeof(entry));
        at += sizeof(entry);
    }
    if ((word_t)(at - extra) != size) {
        boot_fail("extra boot info", "size mismatch");
    }
}
