/*
 * virtio 1.x capabilities (struct virtio_pci_cap and its notify form): the region's BAR,
 * offset and length, checked against the capability's own length, 32-bit wraparound and, when
 * the BAR was sized, the BAR's size. A BAR number above 5 is reserved: such a capability is
 * ignored, as the virtio specification asks of drivers.
 */
#include "internal.h"

#define VIRTIO_CAP_LENGTH    16u
#define VIRTIO_NOTIFY_LENGTH 20u
#define VIRTIO_CFG_NOTIFY    2u
#define VIRTIO_BAR_MAX       5u

void pci_read_virtio_cap(const pci_target_t *target, pci_function_t *function, uint8_t offset,
                         uint32_t first)
{
    uint8_t length = (uint8_t)(first >> 16);
    uint8_t cfg_type = (uint8_t)(first >> 24);
    unsigned needed = cfg_type == VIRTIO_CFG_NOTIFY ? VIRTIO_NOTIFY_LENGTH : VIRTIO_CAP_LENGTH;

    if (length < needed) {
        pci_note(function, PCI_PROBLEM_VIRTIO_CAP, offset + 2u);
        return;
    }
    if (offset + (unsigned)length > PCI_CONFIG_SIZE) {
        pci_note(function, PCI_PROBLEM_CAP_PAST_END, offset);
        return;
    }
    uint32_t bar = pci_read32(target, (uint16_t)(offset + 4u));
    pci_virtio_cap_t cap = {
            .offset = offset,
            .cfg_type = cfg_type,
            .bar = (uint8_t)bar,
            .id = (uint8_t)(bar >> 8),
            .region_offset = pci_read32(target, (uint16_t)(offset + 8u)),
            .length = pci_read32(target, (uint16_t)(offset + 12u)),
    };
    if (cap.bar > VIRTIO_BAR_MAX) {
        return;
    }
    if (cfg_type == VIRTIO_CFG_NOTIFY) {
        cap.notify_multiplier = pci_read32(target, (uint16_t)(offset + 16u));
    }
    const pci_bar_t *region_bar = cap.bar < function->bar_count ? &function->bars[cap.bar] : NULL;
    if (cap.region_offset + cap.length < cap.region_offset ||
        (region_bar != NULL && region_bar->sized &&
         (uint64_t)cap.region_offset + cap.length > region_bar->size)) {
        pci_note(function, PCI_PROBLEM_VIRTIO_CAP, offset + 8u);
        return;
    }
    if (function->virtio_count == PCI_VIRTIO_CAPS_MAX) {
        function->virtio_truncated = true;
        return;
    }
    function->virtio[function->virtio_count++] = cap;
}
