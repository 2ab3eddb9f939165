/*
 * The virtio service's hardware and clients: init finds the machine's modern virtio-pci block
 * functions in its PCI survey, turns on their memory decoding, bus mastering and MSI-X, gives the
 * service their BAR frames and an MSI each, and maps a buffer per client in both. It never
 * touches the devices' registers itself.
 */
#ifndef INIT_VIRTIO_H
#define INIT_VIRTIO_H

#include "service.h"
#include <ipc/virtio.h>

/* Whether the survey found a virtio-blk or virtio-net function (the service is started only
 * then). */
bool virtio_wanted(void);

/* The service's devices: frames, MSIs, the start info's description (spec.wire). */
bool virtio_wire(service_t *virtio);

/*
 * A client: a buffer of `bytes` (pages, at most VIRTIO_CLIENT_BUFFER_MAX) mapped at vaddr in the
 * client and at virtio_client_buffer(id) in the service, the service's endpoint minted with the
 * client's badge as its device capability `cap_index`, and the window of `disk` it may use
 * (in the service's start info, which it applies whenever it starts); with window NULL, the use
 * of network device `disk` instead.
 */
bool virtio_wire_client(service_t *client, service_t *virtio, unsigned cap_index, seL4_Word vaddr,
                        seL4_Word bytes, seL4_Word disk, const virtio_window_t *window);

/* virtio_wire_client's two halves, for a client wired again at every start (a VMM): the buffer
 * (mapped once: the mappings outlive the client's restarts), then the endpoint and the grant.
 * A grant made while the service runs is signalled to it (VIRTIO_BIT_GRANTS), never sent: init
 * does not wait for the service. The service checks the window against the disk's capacity;
 * a window it refuses leaves the client without the disk (its requests get `not found`). */
bool virtio_client_map(service_t *client, service_t *virtio, seL4_Word vaddr, seL4_Word bytes);
bool virtio_client_grant(service_t *client, service_t *virtio, unsigned cap_index, seL4_Word bytes,
                         seL4_Word disk, const virtio_window_t *window);

/* The machine's disks the service was given (its disk indices are 0 .. this - 1). */
seL4_Word virtio_disk_count(void);

#endif
