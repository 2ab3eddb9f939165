/*
 * The guest's virtio-blk over the machine's own disk (disk=dev:N): a block backend that forwards
 * each request to the virtio service (ipc/virtio.h) through the buffer init shares between this
 * VMM and the service. Sectors are relative to the window init granted; the service adds its
 * first sector and refuses anything outside it. The VMM runs one vCPU, so one request at a
 * time uses the buffer.
 */
#ifndef VMM_MACHINE_DISK_H
#define VMM_MACHINE_DISK_H

#include <ipc/msg.h>
#include <vdev/virtio_blk.h>

/* How a request reaches the service: ipc_call (the host tests put a service of their own). */
typedef ipc_error_t (*machine_disk_call_t)(seL4_CPtr endpoint, ipc_msg_t *msg);

typedef struct machine_disk {
    machine_disk_call_t call;
    seL4_CPtr endpoint; /* the virtio service's, with this VMM's badge */
    uint8_t *buffer;
    uint64_t buffer_bytes; /* a whole number of sectors, at most VIRTIO_CLIENT_BUFFER_MAX */
    unsigned disk;         /* the service's disk index */
    uint64_t sectors;      /* in the window */
    bool read_only;        /* the window's or the device's */
    const pv_memory_t *memory;
    vdev_virtio_blk_t *device;
    uint64_t requests;
    uint64_t transfers; /* requests to the service (a large request is several) */
} machine_disk_t;

/*
 * Asks the service for the window's size, whether it is read-only and the disk's identity
 * (id[VDEV_BLK_ID_BYTES], NUL-padded). NULL when it all came; otherwise why not (the service
 * refused the grant: no such disk, or a window past its end), for the VM's end.
 */
const char *machine_disk_open(machine_disk_t *disk, machine_disk_call_t call, seL4_CPtr endpoint,
                              uint8_t *buffer, uint64_t buffer_bytes, unsigned index,
                              const pv_memory_t *memory, char *id);

/* One request served (read, write or flush): its virtio-blk status. The backend's submit is
 * this and the device's completion. */
uint8_t machine_disk_serve(machine_disk_t *disk, const vdev_blk_request_t *request);

/* The device it serves, and the backend for that device's configuration. */
void machine_disk_attach(machine_disk_t *disk, vdev_virtio_blk_t *device);
vdev_blk_backend_t machine_disk_backend(machine_disk_t *disk);

#endif
