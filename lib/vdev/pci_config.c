/*
 * A ready-made PCI function: configuration bytes with writable and write-1-to-clear masks, BAR
 * sizing through those masks, and capability lists. Holds no pointers; the caller's device
 * reads its BARs and capabilities back from it.
 */
#include <vdev/pci.h>

#define COMMAND_WRITABLE    0x0547u /* I/O, memory, bus master, parity, SERR, INTx disable */
#define STATUS_WRITE_CLEARS 0xf900u
#define FIRST_CAPABILITY    0x40u

static void put16(uint8_t *bytes, unsigned offset, uint16_t value)
{
    bytes[offset] = (uint8_t)value;
    bytes[offset + 1] = (uint8_t)(value >> 8);
}

static void put32(uint8_t *bytes, unsigned offset, uint32_t value)
{
    put16(bytes, offset, (uint16_t)value);
    put16(bytes, offset + 2, (uint16_t)(value >> 16));
}

static uint32_t get32(const uint8_t *bytes, unsigned offset)
{
    return (uint32_t)bytes[offset] | (uint32_t)bytes[offset + 1] << 8 |
           (uint32_t)bytes[offset + 2] << 16 | (uint32_t)bytes[offset + 3] << 24;
}

void vdev_pci_config_init(vdev_pci_config_t *config, uint16_t vendor, uint16_t device,
                          uint32_t class_code, uint8_t revision, uint8_t header_type)
{
    *config = (vdev_pci_config_t){0};
    put16(config->bytes, VDEV_PCI_VENDOR_ID, vendor);
    put16(config->bytes, VDEV_PCI_DEVICE_ID, device);
    config->bytes[VDEV_PCI_REVISION] = revision;
    config->bytes[VDEV_PCI_CLASS] = (uint8_t)class_code;
    config->bytes[VDEV_PCI_CLASS + 1] = (uint8_t)(class_code >> 8);
    config->bytes[VDEV_PCI_CLASS + 2] = (uint8_t)(class_code >> 16);
    config->bytes[VDEV_PCI_HEADER_TYPE] = header_type;
    put16(config->writable, VDEV_PCI_COMMAND, COMMAND_WRITABLE);
    put16(config->write_clears, VDEV_PCI_STATUS, STATUS_WRITE_CLEARS);
    config->writable[0x0c] = 0xff; /* cache line size */
    config->writable[0x0d] = 0xff; /* latency timer */
    config->writable[VDEV_PCI_INTERRUPT_LINE] = 0xff;
    config->next_capability = FIRST_CAPABILITY;
}

uint32_t vdev_pci_config_read(const vdev_pci_config_t *config, uint8_t offset)
{
    return get32(config->bytes, offset & 0xfcu);
}

void vdev_pci_config_write(vdev_pci_config_t *config, uint8_t offset, uint32_t value,
                           uint8_t byte_mask)
{
    unsigned base = offset & 0xfcu;

    for (unsigned i = 0; i < 4; i++) {
        unsigned at = base + i;
        uint8_t byte = (uint8_t)(value >> (8 * i));
        uint8_t w = config->writable[at];

        if (!(byte_mask & (1u << i))) {
            continue;
        }
        config->bytes[at] = (uint8_t)(((config->bytes[at] & ~w) | (byte & w)) &
                                      ~(byte & config->write_clears[at]));
    }
}

bool vdev_pci_config_set_bar(vdev_pci_config_t *config, unsigned index, uint64_t size,
                             unsigned kind)
{
    unsigned offset = VDEV_PCI_BAR0 + 4 * index;
    bool io = (kind & VDEV_PCI_BAR_IO) != 0;
    bool wide = !io && (kind & VDEV_PCI_BAR_MEM64);
    uint64_t mask;

    if (index >= 6 || (wide && index >= 5) || size == 0 || (size & (size - 1)) != 0 ||
        size < (io ? 4u : 16u) || (io && size > 0x10000u) ||
        (!wide && !io && size > (1ull << 31))) {
        return false;
    }
    kind &= io ? VDEV_PCI_BAR_IO : (VDEV_PCI_BAR_MEM64 | VDEV_PCI_BAR_PREFETCH);
    mask = ~(size - 1) & (io ? 0xfffcull : (wide ? ~0xfull : 0xfffffff0ull));
    put32(config->bytes, offset, kind);
    put32(config->writable, offset, (uint32_t)mask);
    if (wide) {
        put32(config->bytes, offset + 4, 0);
        put32(config->writable, offset + 4, (uint32_t)(mask >> 32));
    }
    return true;
}

uint64_t vdev_pci_config_bar_address(const vdev_pci_config_t *config, unsigned index)
{
    unsigned offset = VDEV_PCI_BAR0 + 4 * index;
    uint32_t low;

    if (index >= 6) {
        return 0;
    }
    low = get32(config->bytes, offset);
    if (low & VDEV_PCI_BAR_IO) {
        return low & ~3u;
    }
    if ((low & VDEV_PCI_BAR_MEM64) && index < 5) {
        return ((uint64_t)get32(config->bytes, offset + 4) << 32) | (low & ~0xfu);
    }
    return low & ~0xfu;
}

uint8_t vdev_pci_config_add_capability(vdev_pci_config_t *config, uint8_t id, uint8_t length)
{
    unsigned offset = config->next_capability;

    if (length < 2 || offset < FIRST_CAPABILITY || offset + length > 256u) {
        return 0;
    }
    config->bytes[offset] = id;
    config->bytes[offset + 1] = 0;
    if (config->last_capability == 0) {
        config->bytes[VDEV_PCI_CAPABILITIES] = (uint8_t)offset;
    } else {
        config->bytes[config->last_capability + 1] = (uint8_t)offset;
    }
    config->bytes[VDEV_PCI_STATUS] |= VDEV_PCI_STATUS_CAPABILITIES;
    config->last_capability = (uint8_t)offset;
    config->next_capability = (uint8_t)((offset + length + 3u) & ~3u);
    if (offset + length + 3u > 255u) {
        config->next_capability = 0; /* full */
    }
    return (uint8_t)offset;
}

static uint32_t config_read(void *context, uint8_t offset)
{
    return vdev_pci_config_read(context, offset);
}

static void config_write(void *context, uint8_t offset, uint32_t value, uint8_t byte_mask)
{
    vdev_pci_config_write(context, offset, value, byte_mask);
}

const vdev_pci_function_ops_t vdev_pci_config_ops = {.read = config_read, .write = config_write};
