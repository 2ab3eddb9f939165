/*
 * The virtio service's requests (ipc/virtio.h): init's grants and the clients' reads, writes,
 * flushes and questions, each decoded and checked against the client's windows and the disk
 * before the driver is asked.
 */
#ifndef VIRTIO_SERVER_H
#define VIRTIO_SERVER_H

#include "blk.h"
#include "net.h"
#include <ipc/msg.h>

typedef struct server {
    blk_disk_t *disks; /* the service's disks: index = the protocol's disk index */
    unsigned disk_count;
    net_device_t *nets; /* its network devices: index = the protocol's net index */
    unsigned net_count;
    virtio_client_t clients[VIRTIO_CLIENTS_MAX]; /* by id: nothing granted is all zero */
} server_t;

/* One request from the client with that badge; msg becomes the reply. */
void server_handle(server_t *server, seL4_Word badge, ipc_msg_t *msg);

#endif
