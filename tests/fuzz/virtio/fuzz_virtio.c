/*
 * libFuzzer target for lib/vdev's virtio devices: four devices (virtio-blk over the in-memory
 * backend, virtio-blk over a backend that completes when the input says, virtio-console,
 * virtio-rng) on 64 KiB of guest RAM that the input writes at any time, driven by a program of
 * register accesses of every width and offset, driver handshakes with queues wherever the input
 * puts them, descriptors, available entries, notifications, completions and console input.
 * RAM is allocated at its exact size, so ASan catches any access past it. A violation aborts:
 *  - a broken device whose status lacks DEVICE_NEEDS_RESET, or a live one that has it;
 *  - an interrupt line whose level is not (InterruptStatus != 0);
 *  - more requests in flight than the device has, or a request in flight whose data lies
 *    outside RAM or past the capacity;
 *  - a used ring index that moved forward on a device neither live nor broken in that step.
 */
#include <vdev/blk_memory.h>
#include <vdev/virtio_console.h>
#include <vdev/virtio_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_BYTES  0x10000u
#define DISK_BYTES (16u * 512u)
#define DEVICES    4u
#define HELD_MAX   64u

typedef struct cursor {
    const uint8_t *data;
    size_t size;
    size_t at;
} cursor_t;

static uint64_t take(cursor_t *c, unsigned bytes)
{
    uint64_t value = 0;

    for (unsigned i = 0; i < bytes; i++) {
        value |= (uint64_t)(c->at < c->size ? c->data[c->at] : 0) << (8 * i);
        c->at++;
    }
    return value;
}

typedef struct world {
    pv_memory_t memory;
    uint8_t *ram;
    uint8_t disk[DISK_BYTES];
    vdev_blk_memory_t backend;
    vdev_virtio_blk_t blk_memory;
    vdev_virtio_blk_t blk_deferred;
    vdev_virtio_console_t console;
    vdev_virtio_rng_t rng;
    vdev_virtio_mmio_t *transport[DEVICES];
    bool level[DEVICES];
    vdev_blk_request_t *held[HELD_MAX];
    unsigned held_count;
    uint64_t rng_state;
} world_t;

static void violation(const char *why, unsigned step)
{
    fprintf(stderr, "virtio devices broke their contract at step %u: %s\n", step, why);
    abort();
}

static void line_set(void *context, unsigned number, bool level)
{
    ((world_t *)context)->level[number] = level;
}

static void hold(void *context, vdev_blk_request_t *request)
{
    world_t *w = context;

    if (w->held_count < HELD_MAX) {
        w->held[w->held_count++] = request;
    }
}

static void sink(void *context, uint8_t byte)
{
    (void)context;
    (void)byte;
}

static void fill(void *context, uint8_t *out, size_t length)
{
    world_t *w = context;

    for (size_t i = 0; i < length; i++) {
        w->rng_state = w->rng_state * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = (uint8_t)(w->rng_state >> 56);
    }
}

static void world_init(world_t *w)
{
    vdev_virtio_blk_config_t blk = {.capacity = DISK_BYTES / 512, .id = "fuzz"};
    vdev_virtio_console_config_t console = {.transmit = sink};
    vdev_virtio_rng_config_t rng = {.fill = fill, .fill_context = w};

    w->ram = calloc(1, RAM_BYTES);
    w->memory = (pv_memory_t){.base = w->ram, .size = RAM_BYTES};
    vdev_blk_memory_init(&w->backend, w->disk, w->disk, DISK_BYTES, &w->memory);
    blk.memory = &w->memory;
    blk.irq = (vdev_line_t){line_set, w, 0};
    blk.backend = vdev_blk_memory_backend(&w->backend);
    vdev_virtio_blk_init(&w->blk_memory, &blk);
    vdev_blk_memory_attach(&w->backend, &w->blk_memory);
    blk.irq.number = 1;
    blk.backend = (vdev_blk_backend_t){w, hold};
    vdev_virtio_blk_init(&w->blk_deferred, &blk);
    console.memory = &w->memory;
    console.irq = (vdev_line_t){line_set, w, 2};
    vdev_virtio_console_init(&w->console, &console);
    rng.memory = &w->memory;
    rng.irq = (vdev_line_t){line_set, w, 3};
    vdev_virtio_rng_init(&w->rng, &rng);
    w->transport[0] = &w->blk_memory.transport;
    w->transport[1] = &w->blk_deferred.transport;
    w->transport[2] = &w->console.transport;
    w->transport[3] = &w->rng.transport;
}

static void reg_write(vdev_virtio_mmio_t *t, uint32_t offset, uint32_t value)
{
    vdev_virtio_mmio_write(t, offset, 4, value, 0);
}

/* A driver's handshake with queues at input-chosen places (mostly sensible). */
static void handshake(vdev_virtio_mmio_t *t, cursor_t *c)
{
    unsigned queues = t->config.queues;

    reg_write(t, 0x70, 0);
    reg_write(t, 0x70, 3);
    reg_write(t, 0x24, 1);
    reg_write(t, 0x20, 1 | (uint32_t)(take(c, 1) & 0x100)); /* VERSION_1, at times more */
    reg_write(t, 0x24, 0);
    reg_write(t, 0x20, (uint32_t)take(c, 1) & 0x224);
    reg_write(t, 0x70, 0xb);
    for (unsigned q = 0; q < queues; q++) {
        uint32_t size = 1u << (take(c, 1) % 8);
        uint32_t base = (uint32_t)(take(c, 2) & ~0xfu);

        reg_write(t, 0x30, q);
        reg_write(t, 0x38, size);
        reg_write(t, 0x80, base);
        reg_write(t, 0x90, base + 16 * size);
        reg_write(t, 0xa0, (base + 16 * size + 6 + 2 * size + 3) & ~3u);
        reg_write(t, 0x44, 1);
    }
    reg_write(t, 0x70, 0xf);
}

static void check(world_t *w, const uint16_t *used_before, unsigned step)
{
    for (unsigned i = 0; i < DEVICES; i++) {
        const vdev_virtio_mmio_t *t = w->transport[i];
        bool needs_reset = (t->status & VDEV_VIRTIO_STATUS_NEEDS_RESET) != 0;

        if (t->broken != needs_reset) {
            violation("NEEDS_RESET and the broken state disagree", step);
        }
        if (w->level[i] != (t->interrupt_status != 0)) {
            violation("the interrupt line does not follow InterruptStatus", step);
        }
        for (unsigned q = 0; q < t->config.queues; q++) {
            /* A reset puts the index back to 0; anything else needs a live queue. */
            if (used_before[i * 2 + q] != t->queue[q].used_index && t->queue[q].used_index != 0 &&
                !vdev_virtio_mmio_queue_live(t, q) && !t->broken) {
                violation("the used ring moved on a queue that is not live", step);
            }
        }
    }
    if (vdev_virtio_blk_in_flight(&w->blk_deferred) > VDEV_BLK_IN_FLIGHT) {
        violation("more requests in flight than slots", step);
    }
    for (unsigned i = 0; i < VDEV_BLK_IN_FLIGHT; i++) {
        const vdev_blk_request_t *r = &w->blk_deferred.request[i];
        uint64_t sum = 0;

        if (!r->in_flight || r->generation != w->blk_deferred.generation) {
            continue;
        }
        for (unsigned s = 0; s < r->segment_count; s++) {
            if (!pv_memory_contains(&w->memory, r->segment[s].address, r->segment[s].length)) {
                violation("a request's segment lies outside RAM", step);
            }
            sum += r->segment[s].length;
        }
        if (sum != r->bytes ||
            (r->type != VDEV_VIRTIO_BLK_T_FLUSH &&
             (r->sector > DISK_BYTES / 512 || r->bytes / 512 > DISK_BYTES / 512 - r->sector))) {
            violation("a request's data disagrees with its range or the capacity", step);
        }
    }
}

static void step_run(world_t *w, cursor_t *c)
{
    unsigned op = (unsigned)take(c, 1);
    vdev_virtio_mmio_t *t = w->transport[(op >> 4) % DEVICES];
    static const unsigned widths[] = {1, 2, 4, 8, 3, 4, 4, 4};

    switch (op & 0xf) {
    case 0:
    case 1: {
        uint32_t offset = (uint32_t)take(c, 2) % 0x220;
        unsigned size = widths[take(c, 1) % 8];

        if ((op & 0xf) == 0) {
            vdev_virtio_mmio_write(t, offset, size, take(c, 4), 0);
        } else {
            (void)vdev_virtio_mmio_read(t, offset, size);
        }
        break;
    }
    case 2:
    case 3: {
        uint64_t at = take(c, 2) % (RAM_BYTES - 8);
        uint64_t value = take(c, 8);

        memcpy(w->ram + at, &value, 8);
        break;
    }
    case 4:
        handshake(t, c);
        break;
    case 5:
    case 6: { /* a descriptor of queue q */
        const vdev_virtq_t *q = &t->queue[take(c, 1) % t->config.queues];
        uint64_t at = q->desc.value + 16 * (take(c, 1) % (q->size ? q->size : 1));
        uint64_t addr = take(c, 2);
        uint32_t len = (uint32_t)take(c, 2);
        uint16_t flags = (uint16_t)(take(c, 1) & 7);
        uint16_t next = (uint16_t)take(c, 1);

        if (at + 16 <= RAM_BYTES) {
            memcpy(w->ram + at, &addr, 8);
            memcpy(w->ram + at + 8, &len, 4);
            memcpy(w->ram + at + 12, &flags, 2);
            memcpy(w->ram + at + 14, &next, 2);
        }
        break;
    }
    case 7:
    case 8: { /* publish a head and notify */
        unsigned qi = (unsigned)take(c, 1) % t->config.queues;
        const vdev_virtq_t *q = &t->queue[qi];
        uint16_t head = (uint16_t)take(c, 1);
        uint64_t idx_at = q->avail.value + 2;

        if (idx_at + 2 <= RAM_BYTES && q->size != 0) {
            uint16_t idx;

            memcpy(&idx, w->ram + idx_at, 2);
            if (q->avail.value + 4 + 2ull * (idx % q->size) + 2 <= RAM_BYTES) {
                memcpy(w->ram + q->avail.value + 4 + 2ull * (idx % q->size), &head, 2);
            }
            idx++;
            memcpy(w->ram + idx_at, &idx, 2);
        }
        reg_write(t, 0x50, qi);
        break;
    }
    case 9:
    case 10:
        if (w->held_count > 0) {
            unsigned pick = (unsigned)take(c, 1) % w->held_count;
            vdev_blk_request_t *r = w->held[pick];

            w->held[pick] = w->held[--w->held_count];
            vdev_virtio_blk_complete(&w->blk_deferred, r, (uint8_t)(take(c, 1) % 3));
        }
        break;
    case 11: {
        uint8_t bytes[16];
        size_t length = take(c, 1) % sizeof(bytes);

        for (size_t i = 0; i < length; i++) {
            bytes[i] = (uint8_t)take(c, 1);
        }
        (void)vdev_virtio_console_input(&w->console, bytes, length);
        break;
    }
    case 12:
        reg_write(t, 0x64, (uint32_t)take(c, 1) & 3);
        break;
    default:
        reg_write(t, 0x50, (uint32_t)take(c, 1) & 3);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cursor_t c = {data, size, 0};
    world_t *w = calloc(1, sizeof(*w));

    world_init(w);
    for (unsigned step = 0; c.at < c.size && step < 4096; step++) {
        uint16_t used[DEVICES * 2];

        for (unsigned i = 0; i < DEVICES; i++) {
            used[i * 2] = w->transport[i]->queue[0].used_index;
            used[i * 2 + 1] = w->transport[i]->queue[1].used_index;
        }
        step_run(w, &c);
        check(w, used, step);
    }
    if (getenv("VIRTIO_FUZZ_SHOW") != NULL) { /* what a seed reached, for make-seeds.py */
        for (unsigned i = 0; i < DEVICES; i++) {
            fprintf(stderr, "device %u: status 0x%x used %u/%u broken %d\n", i,
                    w->transport[i]->status, w->transport[i]->queue[0].used_index,
                    w->transport[i]->queue[1].used_index, w->transport[i]->broken);
        }
    }
    free(w->ram);
    free(w);
    return 0;
}
