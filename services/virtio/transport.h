/*
 * The virtio over PCI transport, modern interface (virtio 1.2 section 4.1): the common
 * configuration (status, features, queues), the notify area, the device configuration and the
 * function's MSI-X table, all in the BAR frames init gave and the service mapped one after
 * the other (the window). Nothing here waits for the device without a bound.
 */
#ifndef VIRTIO_TRANSPORT_H
#define VIRTIO_TRANSPORT_H

#include "virtq.h"
#include <ipc/virtio.h>
#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_F_VERSION_1   32 /* feature bit numbers */
#define TRANSPORT_QUEUES_MAX 2  /* block: one request queue; network: receive, transmit */

typedef struct transport {
    uintptr_t region[VIRTIO_REGIONS]; /* each structure's address in the window */
    uint32_t length[VIRTIO_REGIONS];
    uint32_t notify_multiplier;
    uintptr_t queue_notify[TRANSPORT_QUEUES_MAX]; /* after transport_queue_setup */
    uint8_t irq;
} transport_t;

/* Check: the structures lie in the window (pages frames from window) and are long enough for
 * what the driver reads; false (nothing set) otherwise. */
bool transport_init(transport_t *t, const virtio_start_device_t *device, uintptr_t window);

/* Reset: writes status 0 and waits (bounded) for the device to read 0 back. A device that
 * misbehaves is stopped so: it no longer uses its queues. */
bool transport_reset(const transport_t *t);

/* ACKNOWLEDGE, DRIVER, the features (device's AND wanted; VERSION_1 required), FEATURES_OK
 * read back. *features gets what was agreed. */
bool transport_negotiate(const transport_t *t, uint64_t wanted, uint64_t *features);

/* Queue `index` with queue's page, at most VIRTQ_SIZE_MAX entries, on MSI-X entry 0 (read
 * back). */
bool transport_queue_setup(transport_t *t, uint16_t index, virtq_t *queue, uintptr_t page,
                           uint64_t page_paddr);

/* MSI-X entry 0: to CPU 0, vector VIRTIO_MSI_VECTOR_BASE + irq, unmasked. */
void transport_msix_program(const transport_t *t);

void transport_driver_ok(const transport_t *t);
void transport_notify(const transport_t *t, uint16_t index);

/* The device configuration's dwords (offset within its length, checked by the caller). */
uint32_t transport_config_read32(const transport_t *t, uint32_t offset);
/* The configuration generation: equal before and after a read of several dwords means the
 * device did not change them meanwhile. */
uint8_t transport_config_generation(const transport_t *t);

#endif
