/*
 * The check step of the network driver's completions (net.h): pure, no side effects; what the
 * device wrote to the used rings judged against what the driver posted.
 */
#include "net.h"

bool net_rx_check(const net_device_t *net, uint16_t pending, uint32_t *id, uint32_t *length,
                  const char **why)
{
    unsigned posted = 0;

    for (unsigned i = 0; i < NET_RX_BUFFERS; i++) {
        posted += net->rx_posted[i];
    }
    if (pending > posted) {
        *why = "its receive index moved past the buffers posted";
        return false;
    }
    virtq_used_entry(&net->rx, 0, id, length);
    if (*id >= NET_RX_BUFFERS || !net->rx_posted[*id]) {
        *why = "a receive id that names no buffer posted";
        return false;
    }
    if (*length < NET_HEADER + VIRTIO_NET_FRAME_MIN ||
        *length > NET_HEADER + VIRTIO_NET_FRAME_MAX) {
        *why = "a received length that is no frame";
        return false;
    }
    return true;
}

bool net_tx_check(const net_device_t *net, uint16_t pending, const char **why)
{
    uint32_t id;
    uint32_t length;

    if (pending > (net->tx_bytes != 0 ? 1 : 0)) {
        *why = "its transmit index moved past the frame in flight";
        return false;
    }
    if (pending == 1) {
        virtq_used_entry(&net->tx, 0, &id, &length);
        if (id != 0 || length > net->tx_bytes) {
            *why = "a transmit entry that is not the frame in flight";
            return false;
        }
    }
    return true;
}
