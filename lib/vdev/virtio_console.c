/*
 * virtio-console, one port (virtio_console.h): the transmit queue drained on each notification,
 * the receive queue filled when input comes. A chain is checked whole before a byte moves.
 */
#include <vdev/virtio_console.h>

#define CONFIG_BYTES 12u /* cols, rows, max_nr_ports, emerg_wr: meaningless without features */
#define COPY_CHUNK   64u

static void transmit_bytes(vdev_virtio_console_t *dev, const uint8_t *bytes, uint32_t count)
{
    if (dev->config.transmit == NULL) {
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        dev->config.transmit(dev->config.transmit_context, bytes[i]);
    }
    dev->transmitted += count;
}

static void transmit_chain(vdev_virtio_console_t *dev, const vdev_virtq_chain_t *chain)
{
    uint8_t bytes[COPY_CHUNK];

    for (unsigned i = 0; i < chain->count; i++) {
        const vdev_virtq_segment_t *segment = &chain->segment[i];

        for (uint32_t done = 0; done < segment->length;) {
            uint32_t left = segment->length - done;
            uint32_t piece = left < COPY_CHUNK ? left : COPY_CHUNK;

            pv_memory_read(dev->config.memory, gpa(segment->address.value + done), bytes, piece);
            transmit_bytes(dev, bytes, piece);
            done += piece;
        }
    }
}

static void console_transmit(vdev_virtio_console_t *dev)
{
    while (vdev_virtio_mmio_pop(&dev->transport, VDEV_CONSOLE_TRANSMITQ, &dev->chain) ==
           VDEV_VIRTQ_OK) {
        if (dev->chain.writable_bytes != 0) {
            vdev_virtio_mmio_break(&dev->transport, VDEV_VIRTQ_ERR_DIRECTION);
            return;
        }
        transmit_chain(dev, &dev->chain);
        vdev_virtio_mmio_push(&dev->transport, VDEV_CONSOLE_TRANSMITQ, dev->chain.head, 0);
        dev->requests++;
    }
}

size_t vdev_virtio_console_input(vdev_virtio_console_t *dev, const uint8_t *bytes, size_t length)
{
    size_t taken = 0;

    while (taken < length && vdev_virtio_mmio_pop(&dev->transport, VDEV_CONSOLE_RECEIVEQ,
                                                  &dev->chain) == VDEV_VIRTQ_OK) {
        uint32_t written = 0;

        if (dev->chain.readable != 0) {
            vdev_virtio_mmio_break(&dev->transport, VDEV_VIRTQ_ERR_DIRECTION);
            break;
        }
        for (unsigned i = 0; i < dev->chain.count && taken < length; i++) {
            const vdev_virtq_segment_t *segment = &dev->chain.segment[i];
            size_t piece = length - taken < segment->length ? length - taken : segment->length;

            pv_memory_write(dev->config.memory, segment->address, bytes + taken, piece);
            taken += piece;
            written += (uint32_t)piece;
        }
        vdev_virtio_mmio_push(&dev->transport, VDEV_CONSOLE_RECEIVEQ, dev->chain.head, written);
        dev->requests++;
    }
    dev->received += taken;
    return taken;
}

static void console_notify(void *device, unsigned queue, uint64_t now)
{
    (void)now;
    if (queue == VDEV_CONSOLE_TRANSMITQ) {
        console_transmit(device);
    }
}

static void console_reset(void *device)
{
    (void)device; /* nothing is held between notifications */
}

static const vdev_virtio_device_ops_t console_ops = {.notify = console_notify,
                                                     .reset = console_reset};

void vdev_virtio_console_init(vdev_virtio_console_t *dev,
                              const vdev_virtio_console_config_t *config)
{
    const uint8_t bytes[CONFIG_BYTES] = {0};
    vdev_virtio_mmio_config_t transport = {
            .device_id = VDEV_VIRTIO_ID_CONSOLE,
            .features = 0,
            .queues = 2,
            .queue_max = VDEV_CONSOLE_QUEUE_SIZE,
            .memory = config->memory,
            .irq = config->irq,
            .ops = &console_ops,
            .device = dev,
    };

    *dev = (vdev_virtio_console_t){.config = *config};
    vdev_virtio_mmio_init(&dev->transport, &transport);
    vdev_virtio_mmio_set_config(&dev->transport, bytes, sizeof(bytes));
}
