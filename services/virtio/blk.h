/*
 * The virtio-blk driver (virtio 1.2 section 5.2): one request queue, requests of up to a page of
 * data each, several in flight at once (a client's transfer is cut into pages, all posted before
 * the doorbell), completion by MSI-X. Data goes through the driver's own pages (bounce buffers):
 * the device never sees a client's memory, and a client cannot change data the device is
 * reading. Whatever the device writes back is checked first; a device that misbehaves (or does
 * not answer in time) is reset and stopped, and the service goes on with the others.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include "transport.h"
#include <ipc/virtio.h>
#include <sel4/functions.h>

#define BLK_SLOTS        4 /* requests in flight: 3 descriptors each */
#define BLK_SLOT_SECTORS 8 /* a page of data */

_Static_assert(BLK_SLOTS *BLK_SLOT_SECTORS >= VIRTIO_REQUEST_SECTORS, "a request in one go");
_Static_assert(BLK_SLOTS * 3 <= VIRTQ_SIZE_MAX, "the slots' descriptors fit the queue");

typedef struct blk_slot {
    bool busy;
    bool done;
    uint32_t writable; /* bytes the device may write: data of a read, and the status byte */
    uint8_t status;
} blk_slot_t;

typedef struct blk_disk {
    uint8_t bus; /* where it is, for reports */
    uint8_t slot;
    uint8_t function;
    transport_t transport;
    virtq_t queue;
    seL4_CPtr irq_handler;
    seL4_Word irq_bit;
    bool stopped;
    const char *why_stopped;
    bool read_only; /* the device says VIRTIO_BLK_F_RO */
    bool flush;     /* VIRTIO_BLK_F_FLUSH agreed */
    uint64_t capacity;
    uintptr_t headers; /* a page: each slot's request header and status byte, the identity */
    uint64_t headers_paddr;
    uintptr_t data[BLK_SLOTS];
    uint64_t data_paddr[BLK_SLOTS];
    blk_slot_t slots[BLK_SLOTS];
} blk_disk_t;

/* Sets the device up (reset, features, queue, MSI-X, DRIVER_OK) and reads its capacity; the
 * pages come from the service's memory. False (the device left stopped) when it fails. */
bool blk_start(blk_disk_t *disk, const virtio_start_device_t *device, uintptr_t window,
               seL4_CPtr irq_handler, seL4_Word irq_bit);

/* count sectors from sector (checked by the caller against the capacity) between the disk and
 * buffer; is_write says which way. Returns the virtio_status. */
enum virtio_status blk_transfer(blk_disk_t *disk, bool is_write, uint64_t sector, unsigned count,
                                uint8_t *buffer);
enum virtio_status blk_flush(blk_disk_t *disk);
/* The identity string (VIRTIO_ID_BYTES, not NUL-terminated when it fills them). */
enum virtio_status blk_identify(blk_disk_t *disk, uint8_t id[VIRTIO_ID_BYTES]);

/* Acknowledges the interrupt when its bit is in bits (a stray one while nothing waited). */
void blk_irq_ack(blk_disk_t *disk, seL4_Word bits);

#endif
