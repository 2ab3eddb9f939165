/* ringbuf: a lock-free multi-producer, single-consumer ring of variable-length records (the
 * log). Producers never block or wait on each other: a full ring drops the record and counts
 * it. The consumer never sees a torn record. The ring may live in memory shared between
 * address spaces; nothing read from it is trusted without a bounds check. */
#ifndef ALGORITHMS_RINGBUF_H
#define ALGORITHMS_RINGBUF_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <algorithms/alg_error.h>

/*
 * Layout of the storage: a 192-byte control block (ringbuf_shared_t) followed by `capacity`
 * data bytes, capacity a power of two. `head` and `tail` are byte positions that only grow
 * (mod 2^64); a position maps to data[pos & (capacity - 1)].
 *
 * A record is an 8-byte header followed by the payload, padded to a multiple of 8 bytes, so
 * headers are always aligned and never wrap; payloads may wrap around the end. Header:
 *   bit 63       committed
 *   bits 62..32  (position >> 3) & 0x7fffffff: a tag the consumer checks against its tail
 *   bits 31..0   payload length in bytes
 *
 * Protocol:
 *   producer: load tail (acquire); if the record does not fit, count a drop and return FULL;
 *             else CAS head forward by the record's size (retry on contention) - the bytes are
 *             now exclusively this producer's; copy the payload; store the header (release).
 *   consumer: load the header at tail (acquire); zero means "nothing committed there yet";
 *             check its tag, its length and that it ends at or before head; copy the payload
 *             out, zero the whole record, store tail (release).
 * Zeroing consumed bytes is what makes an uncommitted header read as 0 on the next lap.
 * Records become visible in reservation order: one slow producer holds back later records
 * until it commits (it cannot lose or tear them).
 */
#define RINGBUF_MIN_CAPACITY 64u
#define RINGBUF_MAX_CAPACITY ((uint64_t)1 << 31)
#define RINGBUF_HEADER_BYTES 8u
#define RINGBUF_MAGIC        0x62756667726e6972ull /* "ringfgub" little-endian */

typedef struct ringbuf_shared {
    _Atomic uint64_t head; /* producers: next byte to reserve */
    uint8_t pad0[56];
    _Atomic uint64_t tail; /* consumer: next byte to read */
    uint8_t pad1[56];
    _Atomic uint64_t dropped;   /* records refused because the ring was full */
    _Atomic uint64_t committed; /* records written */
    uint64_t capacity;
    uint64_t magic;
    uint8_t pad2[32];
} ringbuf_shared_t;

/* A process-local view of a ring. */
typedef struct ringbuf {
    ringbuf_shared_t *shared;
    uint8_t *data;
    uint64_t mask;
} ringbuf_t;

/* Storage bytes for a ring with `capacity` data bytes. */
static inline size_t ringbuf_storage_bytes(uint64_t capacity)
{
    return sizeof(ringbuf_shared_t) + (size_t)capacity;
}

/* Largest payload a ring of `capacity` bytes accepts. */
static inline size_t ringbuf_max_record(uint64_t capacity)
{
    return (size_t)(capacity - RINGBUF_HEADER_BYTES);
}

/* Initialises the storage as an empty ring and attaches `rb` to it.
 * Errors: INVALID_ARGUMENT (NULL, capacity not a power of two in [RINGBUF_MIN_CAPACITY,
 * RINGBUF_MAX_CAPACITY]), MISALIGNED (storage not 8-byte aligned; 64 is best),
 * STORAGE_TOO_SMALL. */
alg_error_t ringbuf_format(ringbuf_t *rb, void *storage, size_t storage_bytes, uint64_t capacity);

/* Attaches to a ring another party formatted (e.g. mapped shared memory). The capacity is the
 * one this side expects; the stored one must match. Errors: as ringbuf_format, plus CORRUPT
 * (magic or capacity differ). */
alg_error_t ringbuf_attach(ringbuf_t *rb, void *storage, size_t storage_bytes, uint64_t capacity);

/* Producer, any number concurrently. Errors: TOO_LARGE (len > ringbuf_max_record), FULL (not
 * enough room now; the drop counter is incremented), CORRUPT (control block inconsistent). */
alg_error_t ringbuf_write(ringbuf_t *rb, const void *payload, size_t len);

/* Consumer, one at a time. Copies the oldest record into `buf` and sets *len.
 * Errors: EMPTY (nothing committed at the read position), BUFFER_TOO_SMALL (*len is set to the
 * record's length and the record stays queued), CORRUPT (a header fails its checks - tag,
 * length, or a record running past the reserved bytes - or the head is further ahead than the
 * ring holds; the ring is left as it is). */
alg_error_t ringbuf_read(ringbuf_t *rb, void *buf, size_t buf_size, size_t *len);

static inline uint64_t ringbuf_dropped(const ringbuf_t *rb)
{
    return atomic_load_explicit(&rb->shared->dropped, memory_order_relaxed);
}

static inline uint64_t ringbuf_committed(const ringbuf_t *rb)
{
    return atomic_load_explicit(&rb->shared->committed, memory_order_relaxed);
}

#endif
