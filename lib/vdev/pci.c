/*
 * Configuration mechanism 1 over bus 0: CONFIG_ADDRESS, CONFIG_DATA and the list of functions.
 * Each function keeps its own configuration space; this file only finds it and turns byte and
 * word accesses into dword reads and masked dword writes.
 */
#include <vdev/pci.h>

#define ADDRESS_WRITABLE    0x80fffffcu /* enable, bus, device, function, register */
#define HOST_BRIDGE_VENDOR  0x8086u
#define HOST_BRIDGE_DEVICE  0x29c0u
#define HOST_BRIDGE_CLASS   0x060000u
#define HOST_BRIDGE_COMMAND 0x0006u /* memory space and bus master, hardwired */

void vdev_pci_init(vdev_pci_t *pci)
{
    *pci = (vdev_pci_t){0};
    vdev_pci_config_init(&pci->host_bridge, HOST_BRIDGE_VENDOR, HOST_BRIDGE_DEVICE,
                         HOST_BRIDGE_CLASS, 0, 0);
    pci->host_bridge.bytes[VDEV_PCI_COMMAND] = (uint8_t)HOST_BRIDGE_COMMAND;
    pci->host_bridge.writable[VDEV_PCI_COMMAND] = 0;
    pci->host_bridge.writable[VDEV_PCI_COMMAND + 1] = 0;
    vdev_pci_register(pci, VDEV_PCI_DEVFN(0, 0), &vdev_pci_config_ops, &pci->host_bridge);
}

bool vdev_pci_register(vdev_pci_t *pci, uint8_t devfn, const vdev_pci_function_ops_t *ops,
                       void *context)
{
    vdev_pci_slot_t *free_slot = NULL;

    if (ops == NULL || ops->read == NULL || ops->write == NULL) {
        return false;
    }
    for (unsigned i = 0; i < VDEV_PCI_FUNCTIONS; i++) {
        if (pci->slot[i].used && pci->slot[i].devfn == devfn) {
            return false;
        }
        if (!pci->slot[i].used && free_slot == NULL) {
            free_slot = &pci->slot[i];
        }
    }
    if (free_slot == NULL) {
        return false;
    }
    *free_slot = (vdev_pci_slot_t){.used = true, .devfn = devfn, .ops = ops, .context = context};
    return true;
}

uint32_t vdev_pci_address_read(const vdev_pci_t *pci)
{
    return pci->address;
}

void vdev_pci_address_write(vdev_pci_t *pci, uint32_t value)
{
    pci->address = value & ADDRESS_WRITABLE;
}

/* The function CONFIG_ADDRESS selects, or NULL. */
static const vdev_pci_slot_t *selected(const vdev_pci_t *pci)
{
    uint8_t devfn = (uint8_t)(pci->address >> 8);

    if (!(pci->address & VDEV_PCI_ADDRESS_ENABLE) || ((pci->address >> 16) & 0xffu) != 0) {
        return NULL;
    }
    for (unsigned i = 0; i < VDEV_PCI_FUNCTIONS; i++) {
        if (pci->slot[i].used && pci->slot[i].devfn == devfn) {
            return &pci->slot[i];
        }
    }
    return NULL;
}

static bool access_valid(unsigned offset, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && offset + size <= 4;
}

uint32_t vdev_pci_data_read(vdev_pci_t *pci, unsigned offset, unsigned size)
{
    const vdev_pci_slot_t *slot = selected(pci);
    uint32_t dword = UINT32_MAX;

    if (!access_valid(offset, size)) {
        return UINT32_MAX;
    }
    if (slot == NULL) {
        pci->absent++;
    } else {
        dword = slot->ops->read(slot->context, (uint8_t)(pci->address & 0xfcu)) >> (8 * offset);
    }
    return size == 4 ? dword : dword & ((1u << (8 * size)) - 1);
}

void vdev_pci_data_write(vdev_pci_t *pci, unsigned offset, unsigned size, uint32_t value)
{
    const vdev_pci_slot_t *slot = selected(pci);
    uint8_t mask = (uint8_t)(((1u << size) - 1) << offset);

    if (!access_valid(offset, size)) {
        return;
    }
    if (slot == NULL) {
        pci->absent++;
        return;
    }
    slot->ops->write(slot->context, (uint8_t)(pci->address & 0xfcu), value << (8 * offset), mask);
}
