/*
 * The network driver's set-up, transmit and receive (net.h). Receive buffers are whole pages,
 * one descriptor each (head = buffer index); the one transmit frame is one descriptor at head 0
 * holding the zeroed virtio-net header and the frame (VERSION_1 allows any layout).
 */
#include "dma.h"
#include "net.h"
#include "wait.h"
#include <runtime/print.h>
#include <runtime/string.h>

#define VIRTIO_NET_F_MAC 5
#define CONFIG_MAC       0 /* 6 bytes */

static void rx_post(net_device_t *net, unsigned i)
{
    virtq_buffer_t buffer = {
            .paddr = net->rx_paddr[i], .length = NET_BUFFER, .device_writes = true};

    net->rx_posted[i] = true;
    virtq_post(&net->rx, (uint16_t)i, &buffer, 1);
}

static void net_stop(net_device_t *net, const char *why)
{
    if (!net->stopped) {
        printf("virtio: %02x:%02x.%x stopped: %s\n", net->bus, net->slot, net->function, why);
    }
    (void)transport_reset(&net->transport);
    net->stopped = true;
}

static const char *net_setup(net_device_t *net, const virtio_start_device_t *device,
                             uintptr_t window, uint64_t *features)
{
    uintptr_t pages[2];
    uint64_t paddrs[2];

    if (!transport_init(&net->transport, device, window)) {
        return "its structures do not fit its frames";
    }
    for (unsigned i = 0; i < NET_RX_BUFFERS; i++) {
        if (!dma_page_alloc(&net->rx_page[i], &net->rx_paddr[i])) {
            return "no memory for its buffers";
        }
    }
    if (!dma_page_alloc(&net->tx_page, &net->tx_paddr) || !dma_page_alloc(&pages[0], &paddrs[0]) ||
        !dma_page_alloc(&pages[1], &paddrs[1])) {
        return "no memory for its queues";
    }
    if (!transport_reset(&net->transport)) {
        return "it does not reset";
    }
    if (!transport_negotiate(&net->transport, 1ull << VIRTIO_NET_F_MAC, features)) {
        return "the features were not agreed (VERSION_1 is required)";
    }
    if (!transport_queue_setup(&net->transport, NET_QUEUE_RX, &net->rx, pages[0], paddrs[0]) ||
        !transport_queue_setup(&net->transport, NET_QUEUE_TX, &net->tx, pages[1], paddrs[1])) {
        return "its queues cannot be set up (none, or no MSI-X vector)";
    }
    return NULL;
}

bool net_start(net_device_t *net, const virtio_start_device_t *device, uintptr_t window,
               seL4_CPtr irq_handler, seL4_Word irq_bit)
{
    uint64_t features = 0;
    const char *why;

    memset(net, 0, sizeof(*net));
    net->bus = device->bus;
    net->slot = device->slot;
    net->function = device->function;
    net->irq_handler = irq_handler;
    net->irq_bit = irq_bit;
    net->stopped = true;
    why = net_setup(net, device, window, &features);
    if (why != NULL) {
        printf("virtio: %02x:%02x.%x not used: %s\n", device->bus, device->slot, device->function,
               why);
        (void)transport_reset(&net->transport);
        return false;
    }
    transport_msix_program(&net->transport);
    transport_driver_ok(&net->transport);
    seL4_IRQHandler_Ack(irq_handler);
    if ((features & (1ull << VIRTIO_NET_F_MAC)) != 0) {
        uint64_t low = transport_config_read32(&net->transport, CONFIG_MAC);
        uint64_t high = transport_config_read32(&net->transport, CONFIG_MAC + 4) & 0xffffu;
        net->mac = high << 32 | low;
    }
    for (unsigned i = 0; i < NET_RX_BUFFERS; i++) {
        rx_post(net, i);
    }
    transport_notify(&net->transport, NET_QUEUE_RX);
    net->stopped = false;
    return true;
}

static wait_poll_t tx_poll(void *context)
{
    net_device_t *net = context;
    uint16_t index;
    uint16_t pending = virtq_used_pending(&net->tx, &index);
    const char *why = NULL;

    if (!net_tx_check(net, pending, &why)) {
        net_stop(net, why);
        return WAIT_LIE;
    }
    if (pending == 0) {
        return WAIT_NOT_YET;
    }
    virtq_used_advance(&net->tx, 1);
    net->tx_bytes = 0;
    return WAIT_DONE;
}

enum virtio_status net_send(net_device_t *net, const uint8_t *frame, uint32_t length)
{
    virtq_buffer_t buffer = {.paddr = net->tx_paddr, .length = NET_HEADER + length};
    wait_poll_t result;

    if (net->stopped) {
        return VIRTIO_STATUS_STOPPED;
    }
    memset((void *)net->tx_page, 0, NET_HEADER);
    memcpy((void *)(net->tx_page + NET_HEADER), frame, length);
    net->tx_bytes = NET_HEADER + length;
    virtq_post(&net->tx, 0, &buffer, 1);
    transport_notify(&net->transport, NET_QUEUE_TX);
    result = wait_for(tx_poll, net);
    if (result == WAIT_NOT_YET) {
        net_stop(net, "no answer in time");
        return VIRTIO_STATUS_TIMEOUT;
    }
    return result == WAIT_DONE ? VIRTIO_STATUS_OK : VIRTIO_STATUS_STOPPED;
}

enum virtio_status net_receive(net_device_t *net, uint8_t *frame, uint32_t *length)
{
    uint16_t index;
    uint16_t pending;
    uint32_t id;
    uint32_t used_length;
    const char *why = NULL;

    *length = 0;
    if (net->stopped) {
        return VIRTIO_STATUS_STOPPED;
    }
    pending = virtq_used_pending(&net->rx, &index);
    if (pending == 0) {
        return VIRTIO_STATUS_OK;
    }
    if (!net_rx_check(net, pending, &id, &used_length, &why)) {
        net_stop(net, why);
        return VIRTIO_STATUS_STOPPED;
    }
    *length = used_length - NET_HEADER;
    memcpy(frame, (const void *)(net->rx_page[id] + NET_HEADER), *length);
    virtq_used_advance(&net->rx, 1);
    rx_post(net, id);
    transport_notify(&net->transport, NET_QUEUE_RX);
    return VIRTIO_STATUS_OK;
}

void net_irq_ack(net_device_t *net, seL4_Word bits)
{
    if ((bits & net->irq_bit) != 0 && net->irq_handler != 0) {
        seL4_IRQHandler_Ack(net->irq_handler);
    }
}
