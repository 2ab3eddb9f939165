/*
 * virtio-rng (virtio_rng.h): each chain of device-writable buffers is filled from the callback
 * through a bounce buffer, so the callback never sees a pointer into guest RAM.
 */
#include <vdev/virtio_rng.h>

#define RNG_QUEUE  0u
#define COPY_CHUNK 64u

static uint32_t rng_fill_chain(vdev_virtio_rng_t *dev, const vdev_virtq_chain_t *chain)
{
    uint8_t bytes[COPY_CHUNK];
    uint32_t given = 0;

    for (unsigned i = 0; i < chain->count && given < VDEV_RNG_CHAIN_BYTES; i++) {
        const vdev_virtq_segment_t *segment = &chain->segment[i];

        for (uint32_t done = 0; done < segment->length && given < VDEV_RNG_CHAIN_BYTES;) {
            uint32_t piece = segment->length - done;

            piece = piece < COPY_CHUNK ? piece : COPY_CHUNK;
            piece = piece < VDEV_RNG_CHAIN_BYTES - given ? piece : VDEV_RNG_CHAIN_BYTES - given;
            dev->config.fill(dev->config.fill_context, bytes, piece);
            pv_memory_write(dev->config.memory, gpa(segment->address.value + done), bytes, piece);
            done += piece;
            given += piece;
        }
    }
    return given;
}

static void rng_notify(void *device, unsigned queue, uint64_t now)
{
    vdev_virtio_rng_t *dev = device;

    (void)queue;
    (void)now;
    while (vdev_virtio_mmio_pop(&dev->transport, RNG_QUEUE, &dev->chain) == VDEV_VIRTQ_OK) {
        uint32_t given;

        if (dev->chain.readable != 0) {
            vdev_virtio_mmio_break(&dev->transport, VDEV_VIRTQ_ERR_DIRECTION);
            return;
        }
        given = rng_fill_chain(dev, &dev->chain);
        dev->bytes_given += given;
        dev->requests++;
        vdev_virtio_mmio_push(&dev->transport, RNG_QUEUE, dev->chain.head, given);
    }
}

static void rng_reset(void *device)
{
    (void)device; /* nothing is held between notifications */
}

static const vdev_virtio_device_ops_t rng_ops = {.notify = rng_notify, .reset = rng_reset};

void vdev_virtio_rng_init(vdev_virtio_rng_t *dev, const vdev_virtio_rng_config_t *config)
{
    vdev_virtio_mmio_config_t transport = {
            .device_id = VDEV_VIRTIO_ID_RNG,
            .features = 0,
            .queues = 1,
            .queue_max = VDEV_RNG_QUEUE_SIZE,
            .memory = config->memory,
            .irq = config->irq,
            .ops = &rng_ops,
            .device = dev,
    };

    *dev = (vdev_virtio_rng_t){.config = *config};
    vdev_virtio_mmio_init(&dev->transport, &transport);
}
