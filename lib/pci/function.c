/*
 * One function: its IDs and class, header type, command and status, bus numbers of bridges,
 * then its BARs and capabilities. A header type this library does not know stops the reading
 * after the IDs.
 */
#include "internal.h"

static void read_header_fields(const pci_target_t *target, pci_function_t *out)
{
    uint32_t interrupt = pci_read32(target, CONFIG_INTERRUPT);

    out->interrupt_line = (uint8_t)interrupt;
    out->interrupt_pin = (uint8_t)(interrupt >> 8);
    if (out->header_type == 0) {
        uint32_t subsystem = pci_read32(target, CONFIG_SUBSYSTEM);
        out->subsystem_vendor_id = (uint16_t)subsystem;
        out->subsystem_id = (uint16_t)(subsystem >> 16);
        out->bar_count = PCI_BARS_MAX;
    } else {
        uint32_t buses = pci_read32(target, CONFIG_BUSES);
        out->primary_bus = (uint8_t)buses;
        out->secondary_bus = (uint8_t)(buses >> 8);
        out->subordinate_bus = (uint8_t)(buses >> 16);
        out->bar_count = out->header_type == 1 ? 2 : 0;
    }
}

pci_error_t pci_read_function(const pci_access_t *access, uint8_t bus, uint8_t device,
                              uint8_t function, pci_function_t *out)
{
    pci_target_t target = {access, bus, device, function};

    if (access == NULL || access->read32 == NULL || out == NULL || device >= PCI_DEVICES_PER_BUS ||
        function >= PCI_FUNCTIONS_MAX) {
        return PCI_ERR_ARGUMENT;
    }
    uint32_t ids = pci_read32(&target, CONFIG_VENDOR);
    if ((uint16_t)ids == PCI_VENDOR_NONE || (uint16_t)ids == 0) {
        return PCI_ERR_ABSENT;
    }
    uint32_t class = pci_read32(&target, CONFIG_CLASS);
    uint32_t command = pci_read32(&target, CONFIG_COMMAND);
    uint8_t header = (uint8_t)(pci_read32(&target, CONFIG_HEADER) >> 16);
    *out = (pci_function_t){
            .bus = bus,
            .device = device,
            .function = function,
            .vendor_id = (uint16_t)ids,
            .device_id = (uint16_t)(ids >> 16),
            .revision = (uint8_t) class,
            .prog_if = (uint8_t)(class >> 8),
            .subclass = (uint8_t)(class >> 16),
            .class_code = (uint8_t)(class >> 24),
            .header_type = header & 0x7fu,
            .multifunction = (header & HEADER_MULTIFUNC) != 0,
            .command = (uint16_t)command,
            .status = (uint16_t)(command >> 16),
    };
    if (out->header_type > 2) {
        pci_note(out, PCI_PROBLEM_HEADER_TYPE, CONFIG_HEADER + 2);
        return PCI_OK;
    }
    read_header_fields(&target, out);
    pci_read_bars(&target, out);
    pci_read_capabilities(&target, out);
    return PCI_OK;
}
