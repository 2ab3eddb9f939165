/*
 * The block driver's set-up and requests (blk.h): each request is a chain of three descriptors
 * at fixed places (its slot's header, a page of data, its status byte), so that a used id can
 * be checked against the slots in flight (blk_used.c).
 */
#include "blk_internal.h"
#include "dma.h"
#include <runtime/print.h>
#include <runtime/string.h>

#define PAGE_BYTES      4096u
#define CONFIG_CAPACITY 0 /* le64, in sectors */
#define STATUS_UNSET    0xffu

static bool blk_pages(blk_disk_t *disk, uintptr_t *queue_page, uint64_t *queue_paddr)
{
    if (!dma_page_alloc(queue_page, queue_paddr) ||
        !dma_page_alloc(&disk->headers, &disk->headers_paddr)) {
        return false;
    }
    for (unsigned s = 0; s < BLK_SLOTS; s++) {
        if (!dma_page_alloc(&disk->data[s], &disk->data_paddr[s])) {
            return false;
        }
    }
    return true;
}

/* The capacity, read until the configuration generation is the same before and after. */
static bool blk_capacity(const blk_disk_t *disk, uint64_t *capacity)
{
    for (unsigned tries = 0; tries < 8; tries++) {
        uint8_t generation = transport_config_generation(&disk->transport);
        uint64_t low = transport_config_read32(&disk->transport, CONFIG_CAPACITY);
        uint64_t high = transport_config_read32(&disk->transport, CONFIG_CAPACITY + 4);
        if (transport_config_generation(&disk->transport) == generation) {
            *capacity = high << 32 | low;
            return true;
        }
    }
    return false;
}

bool blk_start(blk_disk_t *disk, const virtio_start_device_t *device, uintptr_t window,
               seL4_CPtr irq_handler, seL4_Word irq_bit)
{
    uintptr_t queue_page;
    uint64_t queue_paddr;
    uint64_t features = 0;
    const char *why = NULL;

    memset(disk, 0, sizeof(*disk));
    disk->bus = device->bus;
    disk->slot = device->slot;
    disk->function = device->function;
    disk->irq_handler = irq_handler;
    disk->irq_bit = irq_bit;
    disk->stopped = true;
    if (!transport_init(&disk->transport, device, window)) {
        why = "its structures do not fit its frames";
    } else if (!blk_pages(disk, &queue_page, &queue_paddr)) {
        why = "no memory for its queue";
    } else if (!transport_reset(&disk->transport)) {
        why = "it does not reset";
    } else if (!transport_negotiate(&disk->transport,
                                    1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_FLUSH,
                                    &features)) {
        why = "the features were not agreed (VERSION_1 is required)";
    } else if (!transport_queue_setup(&disk->transport, 0, &disk->queue, queue_page, queue_paddr)) {
        why = "its request queue cannot be set up (no queue, or no MSI-X vector)";
    } else if (!blk_capacity(disk, &disk->capacity)) {
        why = "its capacity keeps changing";
    }
    if (why != NULL) {
        printf("virtio: %02x:%02x.%x not used: %s\n", device->bus, device->slot, device->function,
               why);
        (void)transport_reset(&disk->transport);
        return false;
    }
    transport_msix_program(&disk->transport);
    transport_driver_ok(&disk->transport);
    seL4_IRQHandler_Ack(irq_handler); /* the line is held until the first Ack */
    disk->read_only = (features & (1ull << VIRTIO_BLK_F_RO)) != 0;
    disk->flush = (features & (1ull << VIRTIO_BLK_F_FLUSH)) != 0;
    disk->stopped = false;
    return true;
}

/* Posts slot s: a request of type at sector, with bytes of data in its page (0: none). */
static void slot_post(blk_disk_t *disk, unsigned s, uint32_t type, uint64_t sector, uint32_t bytes,
                      bool device_writes_data)
{
    uintptr_t header = disk->headers + s * BLK_HEADER_STRIDE;
    uint64_t header_paddr = disk->headers_paddr + s * BLK_HEADER_STRIDE;
    virtq_buffer_t chain[BLK_DESCRIPTORS];
    unsigned count = 0;

    *(volatile uint32_t *)header = type;
    *(volatile uint32_t *)(header + 4) = 0;
    *(volatile uint64_t *)(header + 8) = sector;
    *(volatile uint8_t *)(header + BLK_STATUS_OFFSET) = STATUS_UNSET;
    chain[count++] = (virtq_buffer_t){.paddr = header_paddr, .length = 16};
    if (bytes != 0) {
        uint64_t data = type == VIRTIO_BLK_T_GET_ID ? disk->headers_paddr + BLK_ID_OFFSET
                                                    : disk->data_paddr[s];
        chain[count++] = (virtq_buffer_t){
                .paddr = data, .length = bytes, .device_writes = device_writes_data};
    }
    chain[count++] = (virtq_buffer_t){
            .paddr = header_paddr + BLK_STATUS_OFFSET, .length = 1, .device_writes = true};
    disk->slots[s] = (blk_slot_t){
            .busy = true, .writable = (device_writes_data ? bytes : 0) + 1, .status = 0};
    virtq_post(&disk->queue, (uint16_t)(s * BLK_DESCRIPTORS), chain, count);
}

/* Waits for the slots posted; the worst status among them; every slot free again. */
static enum virtio_status slots_finish(blk_disk_t *disk)
{
    enum virtio_status result = VIRTIO_STATUS_OK;

    transport_notify(&disk->transport, 0);
    if (!blk_wait(disk)) {
        result = strcmp(disk->why_stopped, "no answer in time") == 0 ? VIRTIO_STATUS_TIMEOUT
                                                                     : VIRTIO_STATUS_STOPPED;
    }
    for (unsigned s = 0; s < BLK_SLOTS; s++) {
        if (disk->slots[s].busy && result == VIRTIO_STATUS_OK) {
            if (disk->slots[s].status == VIRTIO_BLK_S_IOERR) {
                result = VIRTIO_STATUS_IO_ERROR;
            } else if (disk->slots[s].status == VIRTIO_BLK_S_UNSUPP) {
                result = VIRTIO_STATUS_UNSUPPORTED;
            }
        }
        disk->slots[s] = (blk_slot_t){0};
    }
    return result;
}

enum virtio_status blk_transfer(blk_disk_t *disk, bool is_write, uint64_t sector, unsigned count,
                                uint8_t *buffer)
{
    unsigned slots = (count + BLK_SLOT_SECTORS - 1) / BLK_SLOT_SECTORS;
    enum virtio_status status;

    if (disk->stopped) {
        return VIRTIO_STATUS_STOPPED;
    }
    for (unsigned s = 0; s < slots; s++) {
        unsigned first = s * BLK_SLOT_SECTORS;
        unsigned sectors = count - first < BLK_SLOT_SECTORS ? count - first : BLK_SLOT_SECTORS;
        uint32_t bytes = (uint32_t)(sectors * VIRTIO_SECTOR_BYTES);
        if (is_write) {
            memcpy((void *)disk->data[s], buffer + first * VIRTIO_SECTOR_BYTES, bytes);
        }
        slot_post(disk, s, is_write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector + first, bytes,
                  !is_write);
    }
    status = slots_finish(disk);
    for (unsigned s = 0; s < slots && !is_write && status == VIRTIO_STATUS_OK; s++) {
        unsigned first = s * BLK_SLOT_SECTORS;
        unsigned sectors = count - first < BLK_SLOT_SECTORS ? count - first : BLK_SLOT_SECTORS;
        memcpy(buffer + first * VIRTIO_SECTOR_BYTES, (const void *)disk->data[s],
               sectors * VIRTIO_SECTOR_BYTES);
    }
    return status;
}

enum virtio_status blk_flush(blk_disk_t *disk)
{
    if (disk->stopped) {
        return VIRTIO_STATUS_STOPPED;
    }
    if (!disk->flush) {
        return VIRTIO_STATUS_UNSUPPORTED;
    }
    slot_post(disk, 0, VIRTIO_BLK_T_FLUSH, 0, 0, false);
    return slots_finish(disk);
}

enum virtio_status blk_identify(blk_disk_t *disk, uint8_t id[VIRTIO_ID_BYTES])
{
    enum virtio_status status;

    if (disk->stopped) {
        return VIRTIO_STATUS_STOPPED;
    }
    memset((void *)(disk->headers + BLK_ID_OFFSET), 0, VIRTIO_ID_BYTES);
    slot_post(disk, 0, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_ID_BYTES, true);
    status = slots_finish(disk);
    if (status == VIRTIO_STATUS_OK) {
        memcpy(id, (const void *)(disk->headers + BLK_ID_OFFSET), VIRTIO_ID_BYTES);
    }
    return status;
}
