/*
 * The modern virtio-pci transport (transport.h): register offsets of the common configuration
 * structure and the device status protocol. The device may answer anything: every value read
 * back is compared with what was asked.
 */
#include "transport.h"
#include "mmio.h"

#define PAGE_BYTES 4096u

/* The common configuration structure (virtio 1.2 section 4.1.4.3). */
#define COMMON_DEVICE_FEATURE_SELECT 0x00
#define COMMON_DEVICE_FEATURE        0x04
#define COMMON_DRIVER_FEATURE_SELECT 0x08
#define COMMON_DRIVER_FEATURE        0x0c
#define COMMON_CONFIG_MSIX_VECTOR    0x10
#define COMMON_NUM_QUEUES            0x12
#define COMMON_DEVICE_STATUS         0x14
#define COMMON_CONFIG_GENERATION     0x15
#define COMMON_QUEUE_SELECT          0x16
#define COMMON_QUEUE_SIZE            0x18
#define COMMON_QUEUE_MSIX_VECTOR     0x1a
#define COMMON_QUEUE_ENABLE          0x1c
#define COMMON_QUEUE_NOTIFY_OFF      0x1e
#define COMMON_QUEUE_DESC            0x20
#define COMMON_QUEUE_DRIVER          0x28
#define COMMON_QUEUE_DEVICE          0x30
#define COMMON_BYTES                 0x38

#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define MSIX_NO_VECTOR     0xffffu
#define RESET_POLLS        100000u

/* The MSI-X table entry (PCI): message address, upper address, data, vector control. */
#define MSIX_ADDRESS      0
#define MSIX_ADDRESS_HIGH 4
#define MSIX_DATA         8
#define MSIX_CONTROL      12
#define MSIX_LAPIC_CPU0   0xfee00000u

bool transport_init(transport_t *t, const virtio_start_device_t *device, uintptr_t window)
{
    static const uint32_t needed[VIRTIO_REGIONS] = {COMMON_BYTES, 2, 1, 8, 16};
    uint64_t end = (uint64_t)device->pages * PAGE_BYTES;

    if (device->pages == 0 || device->pages > VIRTIO_DEVICE_PAGES_MAX) {
        return false;
    }
    for (unsigned r = 0; r < VIRTIO_REGIONS; r++) {
        if (device->length[r] < needed[r] || device->offset[r] % 4 != 0 ||
            (uint64_t)device->offset[r] + device->length[r] > end) {
            return false;
        }
    }
    for (unsigned r = 0; r < VIRTIO_REGIONS; r++) {
        t->region[r] = window + device->offset[r];
        t->length[r] = device->length[r];
    }
    t->notify_multiplier = device->notify_multiplier;
    for (unsigned q = 0; q < TRANSPORT_QUEUES_MAX; q++) {
        t->queue_notify[q] = 0;
    }
    t->irq = device->irq;
    return true;
}

static uintptr_t common(const transport_t *t, uintptr_t offset)
{
    return t->region[VIRTIO_REGION_COMMON] + offset;
}

bool transport_reset(const transport_t *t)
{
    mmio_write8(common(t, COMMON_DEVICE_STATUS), 0);
    for (unsigned i = 0; i < RESET_POLLS; i++) {
        if (mmio_read8(common(t, COMMON_DEVICE_STATUS)) == 0) {
            return true;
        }
    }
    return false;
}

static void status_add(const transport_t *t, uint8_t bits)
{
    uint8_t status = mmio_read8(common(t, COMMON_DEVICE_STATUS));
    mmio_write8(common(t, COMMON_DEVICE_STATUS), (uint8_t)(status | bits));
}

bool transport_negotiate(const transport_t *t, uint64_t wanted, uint64_t *features)
{
    uint64_t offered;

    status_add(t, STATUS_ACKNOWLEDGE);
    status_add(t, STATUS_DRIVER);
    mmio_write32(common(t, COMMON_DEVICE_FEATURE_SELECT), 0);
    offered = mmio_read32(common(t, COMMON_DEVICE_FEATURE));
    mmio_write32(common(t, COMMON_DEVICE_FEATURE_SELECT), 1);
    offered |= (uint64_t)mmio_read32(common(t, COMMON_DEVICE_FEATURE)) << 32;
    if ((offered & (1ull << VIRTIO_F_VERSION_1)) == 0) {
        return false;
    }
    *features = offered & (wanted | (1ull << VIRTIO_F_VERSION_1));
    mmio_write32(common(t, COMMON_DRIVER_FEATURE_SELECT), 0);
    mmio_write32(common(t, COMMON_DRIVER_FEATURE), (uint32_t)*features);
    mmio_write32(common(t, COMMON_DRIVER_FEATURE_SELECT), 1);
    mmio_write32(common(t, COMMON_DRIVER_FEATURE), (uint32_t)(*features >> 32));
    status_add(t, STATUS_FEATURES_OK);
    return (mmio_read8(common(t, COMMON_DEVICE_STATUS)) & STATUS_FEATURES_OK) != 0;
}

bool transport_queue_setup(transport_t *t, uint16_t index, virtq_t *queue, uintptr_t page,
                           uint64_t page_paddr)
{
    uint16_t size;
    uint64_t notify_offset;

    if (index >= TRANSPORT_QUEUES_MAX || mmio_read16(common(t, COMMON_NUM_QUEUES)) <= index) {
        return false;
    }
    mmio_write16(common(t, COMMON_CONFIG_MSIX_VECTOR), MSIX_NO_VECTOR);
    mmio_write16(common(t, COMMON_QUEUE_SELECT), index);
    size = mmio_read16(common(t, COMMON_QUEUE_SIZE));
    if (size == 0 || mmio_read16(common(t, COMMON_QUEUE_ENABLE)) != 0) {
        return false;
    }
    /* The largest power of two the device allows, up to the page's layout. */
    uint16_t entries = VIRTQ_SIZE_MAX;
    while (entries > size) {
        entries /= 2;
    }
    if (entries < 4) {
        return false;
    }
    notify_offset =
            (uint64_t)mmio_read16(common(t, COMMON_QUEUE_NOTIFY_OFF)) * t->notify_multiplier;
    if (notify_offset + 2 > t->length[VIRTIO_REGION_NOTIFY]) {
        return false;
    }
    virtq_init(queue, page, page_paddr, entries);
    mmio_write16(common(t, COMMON_QUEUE_SIZE), entries);
    mmio_write64(common(t, COMMON_QUEUE_DESC), page_paddr + VIRTQ_DESC_OFFSET);
    mmio_write64(common(t, COMMON_QUEUE_DRIVER), page_paddr + VIRTQ_DRIVER_OFFSET);
    mmio_write64(common(t, COMMON_QUEUE_DEVICE), page_paddr + VIRTQ_DEVICE_OFFSET);
    mmio_write16(common(t, COMMON_QUEUE_MSIX_VECTOR), 0);
    if (mmio_read16(common(t, COMMON_QUEUE_MSIX_VECTOR)) != 0) {
        return false; /* the device could not take the vector */
    }
    mmio_write16(common(t, COMMON_QUEUE_ENABLE), 1);
    t->queue_notify[index] = t->region[VIRTIO_REGION_NOTIFY] + (uintptr_t)notify_offset;
    return true;
}

void transport_msix_program(const transport_t *t)
{
    uintptr_t entry = t->region[VIRTIO_REGION_MSIX];

    mmio_write32(entry + MSIX_CONTROL, 1); /* masked while it changes */
    mmio_write32(entry + MSIX_ADDRESS, MSIX_LAPIC_CPU0);
    mmio_write32(entry + MSIX_ADDRESS_HIGH, 0);
    mmio_write32(entry + MSIX_DATA, VIRTIO_MSI_VECTOR_BASE + t->irq);
    mmio_write32(entry + MSIX_CONTROL, 0);
}

void transport_driver_ok(const transport_t *t)
{
    status_add(t, STATUS_DRIVER_OK);
}

void transport_notify(const transport_t *t, uint16_t index)
{
    mmio_barrier(); /* the ring's index before the doorbell */
    mmio_write16(t->queue_notify[index], index);
}

uint32_t transport_config_read32(const transport_t *t, uint32_t offset)
{
    return mmio_read32(t->region[VIRTIO_REGION_DEVICE] + offset);
}

uint8_t transport_config_generation(const transport_t *t)
{
    return mmio_read8(common(t, COMMON_CONFIG_GENERATION));
}
