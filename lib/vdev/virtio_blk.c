/*
 * virtio-blk (virtio_blk.h): each chain is decoded into a request (check), then either
 * completed at once (an I/O error, GET_ID, an unsupported type) or handed to the backend (act).
 * Never touches the disk's data itself, only the header, the status byte and GET_ID's answer.
 */
#include <vdev/virtio_blk.h>

/* The request header (5.2.6): type, reserved, sector. */
#define HEADER_BYTES  16u
#define HEADER_TYPE   0u
#define HEADER_SECTOR 8u
#define BLK_QUEUE     0u

/* Configuration layout (5.2.4): the fields given here. */
#define CONFIG_CAPACITY 0u
#define CONFIG_SIZE_MAX 8u
#define CONFIG_SEG_MAX  12u
#define CONFIG_BLK_SIZE 20u
#define CONFIG_BYTES    24u

typedef enum { DECIDE_SUBMIT, DECIDE_COMPLETE, DECIDE_BREAK } decision_kind_t;

typedef struct decision {
    decision_kind_t kind;
    uint8_t status;
    vdev_virtq_error_t why;
} decision_t;

/* A list of buffers as one run of bytes: where byte `offset` is, and copies across them. */
typedef struct run {
    const vdev_virtq_segment_t *segment;
    unsigned count;
} run_t;

static run_t readable_run(const vdev_virtq_chain_t *chain)
{
    return (run_t){chain->segment, chain->readable};
}

static run_t writable_run(const vdev_virtq_chain_t *chain)
{
    return (run_t){chain->segment + chain->readable, chain->count - chain->readable};
}

/* Calls visit(context, address, length) for each non-empty piece of [offset, offset + length)
 * of the run, in order; the run holds those bytes. */
static void run_each(run_t run, uint64_t offset, uint64_t length,
                     void (*visit)(void *context, gpa_t address, uint64_t length), void *context)
{
    for (unsigned i = 0; i < run.count && length > 0; i++) {
        uint64_t piece;

        if (offset >= run.segment[i].length) {
            offset -= run.segment[i].length;
            continue;
        }
        piece = run.segment[i].length - offset;
        piece = piece < length ? piece : length;
        visit(context, gpa(run.segment[i].address.value + offset), piece);
        length -= piece;
        offset = 0;
    }
}

typedef struct copy {
    const pv_memory_t *memory;
    uint8_t *bytes;
    bool to_guest;
} copy_t;

static void copy_piece(void *context, gpa_t address, uint64_t length)
{
    copy_t *c = context;

    if (c->to_guest) {
        pv_memory_write(c->memory, address, c->bytes, length);
    } else {
        pv_memory_read(c->memory, address, c->bytes, length);
    }
    c->bytes += length;
}

/* Copies [offset, offset + length) of the run to or from `bytes`. */
static void run_copy(const pv_memory_t *memory, run_t run, uint64_t offset, uint8_t *bytes,
                     uint64_t length, bool to_guest)
{
    copy_t copy = {memory, bytes, to_guest};

    run_each(run, offset, length, copy_piece, &copy);
}

static void cut_piece(void *context, gpa_t address, uint64_t length)
{
    vdev_blk_request_t *request = context;

    request->segment[request->segment_count++] = (vdev_blk_segment_t){address, (uint32_t)length};
}

/* The pieces of [offset, offset + length) of the run, as a request's segments. */
static void run_cut(run_t run, uint64_t offset, uint64_t length, vdev_blk_request_t *request)
{
    request->segment_count = 0;
    run_each(run, offset, length, cut_piece, request);
}

/* Guest address of byte `offset` of the run (the run holds it). */
static gpa_t run_locate(run_t run, uint64_t offset)
{
    for (unsigned i = 0; i < run.count; i++) {
        if (offset < run.segment[i].length) {
            return gpa(run.segment[i].address.value + offset);
        }
        offset -= run.segment[i].length;
    }
    return gpa(0);
}

static uint32_t get32(const uint8_t *b, unsigned at)
{
    return (uint32_t)b[at] | (uint32_t)b[at + 1] << 8 | (uint32_t)b[at + 2] << 16 |
           (uint32_t)b[at + 3] << 24;
}

static decision_t complete_now(uint8_t status)
{
    return (decision_t){DECIDE_COMPLETE, status, VDEV_VIRTQ_OK};
}

static decision_t break_device(vdev_virtq_error_t why)
{
    return (decision_t){DECIDE_BREAK, 0, why};
}

/* Reads the header and sorts the request out; fills *request, no other side effect. */
static decision_t request_decide(const vdev_virtio_blk_t *dev, const vdev_virtq_chain_t *chain,
                                 vdev_blk_request_t *request)
{
    run_t in = readable_run(chain), out = writable_run(chain);
    uint8_t header[HEADER_BYTES] = {0};
    uint64_t data, sectors;

    if (chain->writable_bytes == 0) {
        return break_device(VDEV_VIRTQ_ERR_NO_STATUS);
    }
    request->status_address = run_locate(out, chain->writable_bytes - 1);
    request->head = chain->head;
    request->type = UINT32_MAX; /* until the header is read */
    request->bytes = 0;
    request->segment_count = 0;
    if (chain->readable_bytes < HEADER_BYTES) {
        return complete_now(VDEV_VIRTIO_BLK_S_IOERR);
    }
    run_copy(dev->config.memory, in, 0, header, HEADER_BYTES, false);
    request->type = get32(header, HEADER_TYPE);
    request->sector = (uint64_t)get32(header, HEADER_SECTOR) |
                      (uint64_t)get32(header, HEADER_SECTOR + 4) << 32;
    switch (request->type) {
    case VDEV_VIRTIO_BLK_T_IN:
    case VDEV_VIRTIO_BLK_T_GET_ID:
        if (chain->readable_bytes != HEADER_BYTES) {
            return break_device(VDEV_VIRTQ_ERR_DIRECTION); /* data the device cannot write */
        }
        data = chain->writable_bytes - 1;
        run_cut(out, 0, data, request);
        break;
    case VDEV_VIRTIO_BLK_T_OUT:
        if (chain->writable_bytes != 1) {
            return break_device(VDEV_VIRTQ_ERR_DIRECTION); /* data the device cannot read */
        }
        data = chain->readable_bytes - HEADER_BYTES;
        run_cut(in, HEADER_BYTES, data, request);
        break;
    case VDEV_VIRTIO_BLK_T_FLUSH:
        data = 0;
        request->segment_count = 0;
        break;
    default:
        return complete_now(VDEV_VIRTIO_BLK_S_UNSUPP);
    }
    request->bytes = data;
    if (request->type == VDEV_VIRTIO_BLK_T_GET_ID) {
        return complete_now(VDEV_VIRTIO_BLK_S_OK);
    }
    if (request->type == VDEV_VIRTIO_BLK_T_FLUSH) {
        return (decision_t){DECIDE_SUBMIT, 0, VDEV_VIRTQ_OK};
    }
    sectors = data / VDEV_BLK_SECTOR_BYTES;
    if (data % VDEV_BLK_SECTOR_BYTES != 0 || request->sector > dev->config.capacity ||
        sectors > dev->config.capacity - request->sector ||
        (request->type == VDEV_VIRTIO_BLK_T_OUT && dev->config.read_only)) {
        return complete_now(VDEV_VIRTIO_BLK_S_IOERR);
    }
    return (decision_t){DECIDE_SUBMIT, 0, VDEV_VIRTQ_OK};
}

/* The bytes the device wrote into the chain for a request completed with `status`. */
static uint32_t request_written(const vdev_blk_request_t *request, uint8_t status)
{
    uint64_t data = 0;

    if (status == VDEV_VIRTIO_BLK_S_OK && request->type == VDEV_VIRTIO_BLK_T_IN) {
        data = request->bytes;
    } else if (status == VDEV_VIRTIO_BLK_S_OK && request->type == VDEV_VIRTIO_BLK_T_GET_ID) {
        data = request->bytes < VDEV_BLK_ID_BYTES ? request->bytes : VDEV_BLK_ID_BYTES;
    }
    return (uint32_t)(data + 1);
}

static void request_finish(vdev_virtio_blk_t *dev, vdev_blk_request_t *request, uint8_t status)
{
    pv_memory_write(dev->config.memory, request->status_address, &status, 1);
    vdev_virtio_mmio_push(&dev->transport, BLK_QUEUE, request->head,
                          request_written(request, status));
    if (status != VDEV_VIRTIO_BLK_S_OK) {
        dev->io_errors++;
    }
    dev->reads += request->type == VDEV_VIRTIO_BLK_T_IN;
    dev->writes += request->type == VDEV_VIRTIO_BLK_T_OUT;
    dev->flushes += request->type == VDEV_VIRTIO_BLK_T_FLUSH;
    dev->completed++;
}

static vdev_blk_request_t *request_free(vdev_virtio_blk_t *dev)
{
    for (unsigned i = 0; i < VDEV_BLK_IN_FLIGHT; i++) {
        if (!dev->request[i].in_flight) {
            return &dev->request[i];
        }
    }
    return NULL;
}

/* GET_ID's answer into the data part of the chain being decoded (its writable run). */
static void get_id_answer(vdev_virtio_blk_t *dev, const vdev_blk_request_t *request)
{
    uint8_t id[VDEV_BLK_ID_BYTES];
    uint64_t length = request->bytes < VDEV_BLK_ID_BYTES ? request->bytes : VDEV_BLK_ID_BYTES;

    for (unsigned i = 0; i < VDEV_BLK_ID_BYTES; i++) {
        id[i] = (uint8_t)dev->config.id[i];
    }
    run_copy(dev->config.memory, writable_run(&dev->chain), 0, id, length, true);
}

/* Takes requests while the queue has them and a request slot is free. A backend that completes
 * inside submit re-enters through vdev_virtio_blk_complete, which then leaves the loop to us. */
static void blk_process(vdev_virtio_blk_t *dev)
{
    if (dev->processing) {
        return;
    }
    dev->processing = true;
    for (;;) {
        vdev_blk_request_t *request = request_free(dev);
        decision_t decision;

        if (request == NULL ||
            vdev_virtio_mmio_pop(&dev->transport, BLK_QUEUE, &dev->chain) != VDEV_VIRTQ_OK) {
            break;
        }
        decision = request_decide(dev, &dev->chain, request);
        if (decision.kind == DECIDE_BREAK) {
            vdev_virtio_mmio_break(&dev->transport, decision.why);
            break;
        }
        if (decision.kind == DECIDE_COMPLETE) {
            if (request->type == VDEV_VIRTIO_BLK_T_GET_ID) {
                get_id_answer(dev, request);
            }
            request_finish(dev, request, decision.status);
            continue;
        }
        request->generation = dev->generation;
        request->in_flight = true;
        dev->config.backend.submit(dev->config.backend.context, request);
    }
    dev->processing = false;
}

void vdev_virtio_blk_complete(vdev_virtio_blk_t *dev, vdev_blk_request_t *request, uint8_t status)
{
    bool known = false;

    for (unsigned i = 0; i < VDEV_BLK_IN_FLIGHT; i++) {
        known |= request == &dev->request[i];
    }
    if (!known || !request->in_flight) {
        return;
    }
    request->in_flight = false;
    if (request->generation != dev->generation) {
        dev->stale_completions++;
        return;
    }
    request_finish(dev, request, status);
    blk_process(dev);
}

unsigned vdev_virtio_blk_in_flight(const vdev_virtio_blk_t *dev)
{
    unsigned count = 0;

    for (unsigned i = 0; i < VDEV_BLK_IN_FLIGHT; i++) {
        count += dev->request[i].in_flight;
    }
    return count;
}

static void blk_notify(void *device, unsigned queue, uint64_t now)
{
    (void)queue;
    (void)now;
    blk_process(device);
}

static void blk_reset(void *device)
{
    vdev_virtio_blk_t *dev = device;

    dev->generation++; /* requests still at the backend complete into nothing */
}

static const vdev_virtio_device_ops_t blk_ops = {.notify = blk_notify, .reset = blk_reset};

static void put_le(uint8_t *bytes, unsigned at, uint64_t value, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        bytes[at + i] = (uint8_t)(value >> (8 * i));
    }
}

void vdev_virtio_blk_init(vdev_virtio_blk_t *dev, const vdev_virtio_blk_config_t *config)
{
    uint8_t bytes[CONFIG_BYTES] = {0};
    vdev_virtio_mmio_config_t transport = {
            .device_id = VDEV_VIRTIO_ID_BLOCK,
            .features = VDEV_VIRTIO_BLK_F_SEG_MAX | VDEV_VIRTIO_BLK_F_FLUSH |
                        (config->read_only ? VDEV_VIRTIO_BLK_F_RO : 0),
            .queues = 1,
            .queue_max = VDEV_BLK_QUEUE_SIZE,
            .memory = config->memory,
            .irq = config->irq,
            .ops = &blk_ops,
            .device = dev,
    };

    *dev = (vdev_virtio_blk_t){.config = *config};
    vdev_virtio_mmio_init(&dev->transport, &transport);
    put_le(bytes, CONFIG_CAPACITY, config->capacity, 8);
    put_le(bytes, CONFIG_SIZE_MAX, 0, 4);
    put_le(bytes, CONFIG_SEG_MAX, VDEV_BLK_SEG_MAX_OFFERED, 4);
    put_le(bytes, CONFIG_BLK_SIZE, VDEV_BLK_SECTOR_BYTES, 4);
    vdev_virtio_mmio_set_config(&dev->transport, bytes, sizeof(bytes));
}
