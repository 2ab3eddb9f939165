/*
 * The guest's firmware tables (firmware.h), in the BIOS area of layout.h.
 */
#include "firmware.h"
#include "layout.h"
#include <vdev/power.h>

static bool firmware_write_bytes(void *context, uint64_t address, const void *bytes, size_t length)
{
    return pv_memory_write(context, gpa(address), bytes, length);
}

vdev_acpi_error_t firmware_write(const pv_memory_t *memory, unsigned vcpus, uint64_t *rsdp)
{
    return firmware_write_devices(memory, vcpus, NULL, 0, rsdp);
}

vdev_acpi_error_t firmware_write_devices(const pv_memory_t *memory, unsigned vcpus,
                                         const vdev_acpi_virtio_t *virtio, unsigned count,
                                         uint64_t *rsdp)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    pv_memory_t ram = *memory; /* the builder's context is not const */
    const uint8_t ebda_segment[2] = {(uint8_t)(GUEST_EBDA >> 4), (uint8_t)(GUEST_EBDA >> 12)};

    if (!pv_memory_write(memory, gpa(GUEST_BDA_EBDA_SEGMENT), ebda_segment, sizeof(ebda_segment))) {
        return VDEV_ACPI_ERR_WRITE;
    }
    vdev_acpi_default_config(&config, GUEST_ACPI_AREA, GUEST_ACPI_AREA_SIZE);
    config.legacy_rsdp = GUEST_ACPI_LEGACY_RSDP;
    config.cpus = vcpus;
    config.s5_sleep_type = VDEV_POWER_SLP_TYP_S5;
    config.reset_register = true;
    config.virtio = virtio;
    config.virtio_count = count;
    vdev_acpi_error_t error = vdev_acpi_build(&config, firmware_write_bytes, &ram, &layout);
    if (error == VDEV_ACPI_OK) {
        *rsdp = layout.rsdp;
    }
    return error;
}
