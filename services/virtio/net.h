/*
 * The virtio-net driver (virtio 1.2 section 5.1): a receive queue with NET_RX_BUFFERS pages
 * posted, a transmit queue with one frame at a time, completion by MSI-X. Frames are copied
 * between the driver's pages and the client's buffer; whatever the device writes back (used
 * ids, lengths) is checked first (net_check.c), and a device that lies is reset and stopped.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include "transport.h"
#include <ipc/virtio.h>
#include <sel4/functions.h>

#define NET_RX_BUFFERS 8
#define NET_HEADER     12u /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define NET_BUFFER     4096u
#define NET_QUEUE_RX   0
#define NET_QUEUE_TX   1

typedef struct net_device {
    uint8_t bus; /* where it is, for reports */
    uint8_t slot;
    uint8_t function;
    transport_t transport;
    virtq_t rx;
    virtq_t tx;
    seL4_CPtr irq_handler;
    seL4_Word irq_bit;
    bool stopped;
    uint64_t mac; /* 6 bytes, the first in the low byte */
    uintptr_t rx_page[NET_RX_BUFFERS];
    uint64_t rx_paddr[NET_RX_BUFFERS];
    bool rx_posted[NET_RX_BUFFERS];
    uintptr_t tx_page;
    uint64_t tx_paddr;
    uint32_t tx_bytes; /* in flight (0: none) */
} net_device_t;

bool net_start(net_device_t *net, const virtio_start_device_t *device, uintptr_t window,
               seL4_CPtr irq_handler, seL4_Word irq_bit);

/* Sends length bytes of frame (checked by the caller); the virtio_status. */
enum virtio_status net_send(net_device_t *net, const uint8_t *frame, uint32_t length);

/* The next frame received, if any, into frame (room for VIRTIO_NET_FRAME_MAX): *length its
 * size, 0 when none waits. Never waits. */
enum virtio_status net_receive(net_device_t *net, uint8_t *frame, uint32_t *length);

/* Check (pure, host-tested): the first pending receive entry names a posted buffer (*id) and a
 * length of a header and a frame of VIRTIO_NET_FRAME_MIN to _MAX bytes; pending is no more than
 * the buffers posted. */
bool net_rx_check(const net_device_t *net, uint16_t pending, uint32_t *id, uint32_t *length,
                  const char **why);
/* Check: the transmit ring completes at most the one frame in flight, its head (0). */
bool net_tx_check(const net_device_t *net, uint16_t pending, const char **why);

void net_irq_ack(net_device_t *net, seL4_Word bits);

#endif
