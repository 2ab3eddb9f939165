/*
 * The capability list: each pointer checked (not into the header, not visited before, room for
 * the capability's fields) before it is followed, so a list that loops or points anywhere ends
 * with a problem noted instead of a hang or a read of someone else's registers. MSI, MSI-X,
 * PCI Express and virtio capabilities are decoded; others are counted.
 */
#include "internal.h"

#define CAP_MSI        0x05u
#define CAP_VENDOR     0x09u
#define CAP_EXPRESS    0x10u
#define CAP_MSIX       0x11u
#define MSI_64BIT      0x80u
#define MSI_MASKING    0x100u
#define MSIX_SIZE_MASK 0x7ffu
#define MSIX_ENABLE    0x8000u
#define MSIX_BIR_MASK  0x7u
#define SLOTS          (PCI_CONFIG_SIZE / 4)

/* Does [offset, offset + size) fit in configuration space? Notes the problem if not. */
static bool fits(pci_function_t *function, uint8_t offset, unsigned size)
{
    if (offset + size > PCI_CONFIG_SIZE) {
        pci_note(function, PCI_PROBLEM_CAP_PAST_END, offset);
        return false;
    }
    return true;
}

static void read_msi(pci_function_t *function, uint8_t offset, uint32_t first)
{
    uint16_t control = (uint16_t)(first >> 16);
    unsigned size = 10 + ((control & MSI_64BIT) ? 4u : 0u) + ((control & MSI_MASKING) ? 10u : 0u);
    unsigned log2 = (control >> 1) & 0x7u;

    if (!fits(function, offset, size)) {
        return;
    }
    if (log2 > 5) {
        pci_note(function, PCI_PROBLEM_MSI_VECTORS, offset + 2u);
        log2 = 5;
    }
    function->msi = (pci_msi_t){
            .present = true,
            .offset = offset,
            .enabled = (control & 1u) != 0,
            .address_64bit = (control & MSI_64BIT) != 0,
            .per_vector_mask = (control & MSI_MASKING) != 0,
            .vectors = (uint8_t)(1u << log2),
    };
}

/*
 * Can slot hold an MSI-X structure: a memory BAR (not I/O, not the upper half of a 64-bit one)?
 * Unsized, a BAR that reads 0 is reported as none but may be memory: it is given the benefit.
 */
static bool msix_bar_valid(const pci_function_t *function, uint8_t slot)
{
    if (slot >= function->bar_count) {
        return false;
    }
    const pci_bar_t *bar = &function->bars[slot];
    if (bar->kind == PCI_BAR_NONE) {
        return !bar->sized;
    }
    return bar->kind != PCI_BAR_IO && bar->kind != PCI_BAR_UPPER_HALF;
}

static void read_msix(const pci_target_t *target, pci_function_t *function, uint8_t offset,
                      uint32_t first)
{
    uint16_t control = (uint16_t)(first >> 16);

    if (!fits(function, offset, 12)) {
        return;
    }
    uint32_t table = pci_read32(target, (uint16_t)(offset + 4u));
    uint32_t pba = pci_read32(target, (uint16_t)(offset + 8u));
    function->msix = (pci_msix_t){
            .present = true,
            .offset = offset,
            .enabled = (control & MSIX_ENABLE) != 0,
            .table_size = (uint16_t)((control & MSIX_SIZE_MASK) + 1u),
            .table_bar = (uint8_t)(table & MSIX_BIR_MASK),
            .table_offset = table & ~MSIX_BIR_MASK,
            .pba_bar = (uint8_t)(pba & MSIX_BIR_MASK),
            .pba_offset = pba & ~MSIX_BIR_MASK,
    };
    if (!msix_bar_valid(function, function->msix.table_bar) ||
        !msix_bar_valid(function, function->msix.pba_bar)) {
        pci_note(function, PCI_PROBLEM_MSIX_BAR, offset + 4u);
    }
}

static void read_express(pci_function_t *function, uint8_t offset, uint32_t first)
{
    uint16_t capabilities = (uint16_t)(first >> 16);

    function->express = (pci_express_t){
            .present = true,
            .offset = offset,
            .version = (uint8_t)(capabilities & 0xfu),
            .port_type = (uint8_t)((capabilities >> 4) & 0xfu),
    };
}

static void read_capability(const pci_target_t *target, pci_function_t *function, uint8_t offset,
                            uint32_t first)
{
    switch ((uint8_t)first) {
    case CAP_MSI:
        read_msi(function, offset, first);
        break;
    case CAP_MSIX:
        read_msix(target, function, offset, first);
        break;
    case CAP_EXPRESS:
        read_express(function, offset, first);
        break;
    case CAP_VENDOR:
        if (function->vendor_id == PCI_VENDOR_VIRTIO) {
            pci_read_virtio_cap(target, function, offset, first);
        }
        break;
    default:
        break;
    }
}

void pci_read_capabilities(const pci_target_t *target, pci_function_t *function)
{
    bool visited[SLOTS] = {false};
    uint16_t pointer_at = function->header_type == 2 ? CONFIG_CARDBUS_CAPS : CONFIG_CAPABILITIES;

    if ((function->status & STATUS_CAPABILITIES) == 0) {
        return;
    }
    uint8_t offset = pci_read8(target, pointer_at) & 0xfcu;
    uint16_t from = pointer_at;
    while (offset != 0) {
        if (offset < CAPS_START) {
            pci_note(function, PCI_PROBLEM_CAP_IN_HEADER, from);
            return;
        }
        if (visited[offset / 4]) {
            pci_note(function, PCI_PROBLEM_CAP_LOOP, from);
            return;
        }
        visited[offset / 4] = true;
        uint32_t first = pci_read32(target, offset);
        function->capability_count++;
        read_capability(target, function, offset, first);
        from = (uint16_t)(offset + 1u);
        offset = (uint8_t)(first >> 8) & 0xfcu;
    }
}
