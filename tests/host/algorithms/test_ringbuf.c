/* Tests of the MPSC log ring: format/attach validation, round trips with wrap-around against a
 * FIFO model, full-ring drops, small buffers, corruption detection (a ring in shared memory is
 * not trusted), and a real multi-threaded run: several producers, one consumer, every record
 * checked byte for byte. Built twice: with ASan+UBSan and with ThreadSanitizer. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <algorithms/ringbuf.h>

#include "test_util.h"

static void *storage_new(uint64_t capacity)
{
    void *s = NULL;
    assert_int_equal(posix_memalign(&s, 64, ringbuf_storage_bytes(capacity)), 0);
    memset(s, 0x5a, ringbuf_storage_bytes(capacity)); /* format must not rely on zeroes */
    return s;
}

static void test_format_and_attach_errors(void **state)
{
    (void)state;
    ringbuf_t rb;
    void *s = storage_new(4096);
    size_t bytes = ringbuf_storage_bytes(4096);
    assert_int_equal(ringbuf_format(NULL, s, bytes, 4096), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ringbuf_format(&rb, NULL, bytes, 4096), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ringbuf_format(&rb, s, bytes, 1000), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ringbuf_format(&rb, s, bytes, 32), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ringbuf_format(&rb, s, bytes, (uint64_t)1 << 32), ALG_ERR_INVALID_ARGUMENT);
    assert_int_equal(ringbuf_format(&rb, (char *)s + 4, bytes - 4, 64), ALG_ERR_MISALIGNED);
    assert_int_equal(ringbuf_format(&rb, s, bytes - 1, 4096), ALG_ERR_STORAGE_TOO_SMALL);
    assert_int_equal(ringbuf_attach(&rb, s, bytes, 4096), ALG_ERR_CORRUPT); /* never formatted */
    assert_int_equal(ringbuf_format(&rb, s, bytes, 4096), ALG_OK);
    ringbuf_t other;
    assert_int_equal(ringbuf_attach(&other, s, bytes, 2048), ALG_ERR_CORRUPT);
    assert_int_equal(ringbuf_attach(&other, s, bytes, 4096), ALG_OK);
    /* Two views of one ring: what one writes the other reads. */
    assert_int_equal(ringbuf_write(&rb, "shared", 6), ALG_OK);
    char buf[16];
    size_t len = 0;
    assert_int_equal(ringbuf_read(&other, buf, sizeof buf, &len), ALG_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(buf, "shared", 6);
    free(s);
}

static void test_round_trip_and_limits(void **state)
{
    (void)state;
    ringbuf_t rb;
    void *s = storage_new(64);
    assert_int_equal(ringbuf_format(&rb, s, ringbuf_storage_bytes(64), 64), ALG_OK);
    char buf[64];
    size_t len = 99;
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_ERR_EMPTY);
    assert_int_equal(ringbuf_write(&rb, "", 0), ALG_OK);
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_OK);
    assert_int_equal(len, 0);
    assert_int_equal(ringbuf_max_record(64), 56);
    char big[57];
    memset(big, 'x', sizeof big);
    assert_int_equal(ringbuf_write(&rb, big, 57), ALG_ERR_TOO_LARGE);
    assert_int_equal(ringbuf_dropped(&rb), 0); /* never fits: not a drop */
    assert_int_equal(ringbuf_write(&rb, big, 56), ALG_OK);
    assert_int_equal(ringbuf_write(&rb, big, 1), ALG_ERR_FULL);
    assert_int_equal(ringbuf_dropped(&rb), 1);
    /* Too small a buffer: the record stays queued and its length is reported. */
    assert_int_equal(ringbuf_read(&rb, buf, 10, &len), ALG_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, 56);
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_OK);
    assert_int_equal(len, 56);
    assert_memory_equal(buf, big, 56);
    /* 24-byte records take 32 bytes: two fit, the third is dropped. */
    assert_int_equal(ringbuf_write(&rb, big, 24), ALG_OK);
    assert_int_equal(ringbuf_write(&rb, big, 24), ALG_OK);
    assert_int_equal(ringbuf_write(&rb, big, 24), ALG_ERR_FULL);
    assert_int_equal(ringbuf_dropped(&rb), 2);
    assert_int_equal(ringbuf_committed(&rb), 4);
    free(s);
}

/* Random lengths through a 128-byte ring: payloads wrap around the end constantly. */
static void test_wraparound_against_fifo_model(void **state)
{
    (void)state;
    enum { CAP = 128, QUEUE = 64, OPS = 200000 };
    ringbuf_t rb;
    void *s = storage_new(CAP);
    assert_int_equal(ringbuf_format(&rb, s, ringbuf_storage_bytes(CAP), CAP), ALG_OK);
    test_rng_t rng;
    test_rng_init(&rng, test_seed("ringbuf fifo model"));
    static uint8_t queue[QUEUE][CAP];
    static size_t lens[QUEUE];
    size_t head = 0;
    size_t count = 0;
    uint64_t used = 0; /* bytes the model thinks are in the ring */
    uint64_t drops = 0;
    for (int op = 0; op < OPS; op++) {
        if (test_rng_percent(&rng, 55)) {
            size_t len = (size_t)test_rng_below(&rng, ringbuf_max_record(CAP) + 1);
            uint8_t rec[CAP];
            for (size_t i = 0; i < len; i++) {
                rec[i] = (uint8_t)test_rng_next(&rng);
            }
            uint64_t span = 8 + ((len + 7) & ~(size_t)7);
            alg_error_t err = ringbuf_write(&rb, rec, len);
            if (used + span > CAP) {
                assert_int_equal(err, ALG_ERR_FULL);
                drops++;
            } else {
                assert_int_equal(err, ALG_OK);
                size_t slot = (head + count) % QUEUE;
                assert_true(count < QUEUE);
                memcpy(queue[slot], rec, len);
                lens[slot] = len;
                count++;
                used += span;
            }
        } else {
            uint8_t out[CAP];
            size_t len = 0;
            alg_error_t err = ringbuf_read(&rb, out, sizeof out, &len);
            if (count == 0) {
                assert_int_equal(err, ALG_ERR_EMPTY);
            } else {
                assert_int_equal(err, ALG_OK);
                assert_int_equal(len, lens[head]);
                assert_memory_equal(out, queue[head], len);
                used -= 8 + ((len + 7) & ~(size_t)7);
                head = (head + 1) % QUEUE;
                count--;
            }
        }
    }
    assert_int_equal(ringbuf_dropped(&rb), drops);
    free(s);
}

static void test_corruption_is_reported_not_followed(void **state)
{
    (void)state;
    ringbuf_t rb;
    void *s = storage_new(256);
    assert_int_equal(ringbuf_format(&rb, s, ringbuf_storage_bytes(256), 256), ALG_OK);
    char buf[256];
    size_t len;
    assert_int_equal(ringbuf_write(&rb, "abc", 3), ALG_OK);
    uint64_t *header = (uint64_t *)(void *)rb.data;
    uint64_t good = *header;
    *header = good ^ ((uint64_t)1 << 40); /* wrong position tag */
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_ERR_CORRUPT);
    *header = good | 0xffff; /* length beyond the ring */
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_ERR_CORRUPT);
    *header = good;
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_OK);
    /* A head far beyond the tail, or behind it: producers refuse instead of writing. */
    atomic_store(&rb.shared->head, 100000);
    assert_int_equal(ringbuf_write(&rb, "x", 1), ALG_ERR_CORRUPT);
    atomic_store(&rb.shared->head, 0);
    assert_int_equal(ringbuf_write(&rb, "x", 1), ALG_ERR_CORRUPT); /* tail is 16 */
    free(s);
}

/* A header whose tag is right but whose length (still below the ring's maximum) runs past the
 * bytes reserved so far: following it would hand out and zero bytes no record owns, some of
 * them a producer's reservation, and move the tail past the head. */
static void test_length_past_the_head_is_corrupt(void **state)
{
    (void)state;
    ringbuf_t rb;
    void *s = storage_new(256);
    assert_int_equal(ringbuf_format(&rb, s, ringbuf_storage_bytes(256), 256), ALG_OK);
    assert_int_equal(ringbuf_write(&rb, "abc", 3), ALG_OK);   /* bytes 0..15 */
    assert_int_equal(ringbuf_write(&rb, "defgh", 5), ALG_OK); /* bytes 16..31 */
    uint64_t *header = (uint64_t *)(void *)rb.data;
    uint64_t good = *header;
    *header = (good & ~(uint64_t)0xffffffffu) | 40; /* span 56 > head 32 */
    char buf[256];
    size_t len = 0;
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_ERR_CORRUPT);
    assert_int_equal(atomic_load(&rb.shared->tail), 0); /* nothing consumed or zeroed */
    *header = good;
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, "abc", 3);
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "defgh", 5);
    free(s);
}

static void test_uncommitted_record_holds_back_later_ones(void **state)
{
    (void)state;
    ringbuf_t rb;
    void *s = storage_new(256);
    assert_int_equal(ringbuf_format(&rb, s, ringbuf_storage_bytes(256), 256), ALG_OK);
    /* A producer that reserved 16 bytes and has not committed yet. */
    atomic_fetch_add(&rb.shared->head, 16);
    assert_int_equal(ringbuf_write(&rb, "later", 5), ALG_OK);
    char buf[16];
    size_t len;
    assert_int_equal(ringbuf_read(&rb, buf, sizeof buf, &len), ALG_ERR_EMPTY);
    free(s);
}

/* ---- Real threads. ---- */

enum { PRODUCERS = 4, PER_PRODUCER = 40000, RING = 4096 };

typedef struct thread_ctx {
    ringbuf_t *rb;
    uint32_t id;
    uint64_t written;
    uint64_t full;
    atomic_int *running;
} thread_ctx_t;

static uint8_t pattern_byte(uint32_t id, uint32_t seq, size_t i)
{
    return (uint8_t)(id * 31u + seq * 7u + i * 13u);
}

static void *producer(void *arg)
{
    thread_ctx_t *ctx = arg;
    uint8_t rec[256];
    for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
        size_t len = 8 + (seq * 37u + ctx->id * 11u) % 200u;
        memcpy(rec, &ctx->id, 4);
        memcpy(rec + 4, &seq, 4);
        for (size_t i = 8; i < len; i++) {
            rec[i] = pattern_byte(ctx->id, seq, i);
        }
        alg_error_t err = ringbuf_write(ctx->rb, rec, len);
        if (err == ALG_OK) {
            ctx->written++;
        } else if (err == ALG_ERR_FULL) {
            ctx->full++;
            sched_yield();
        } else {
            fprintf(stderr, "producer %u: %s\n", ctx->id, alg_error_name(err));
            abort();
        }
    }
    atomic_fetch_sub(ctx->running, 1);
    return NULL;
}

static void test_threads_many_producers_one_consumer(void **state)
{
    (void)state;
    ringbuf_t rb;
    void *s = storage_new(RING);
    assert_int_equal(ringbuf_format(&rb, s, ringbuf_storage_bytes(RING), RING), ALG_OK);
    atomic_int running = PRODUCERS;
    thread_ctx_t ctx[PRODUCERS];
    pthread_t threads[PRODUCERS];
    for (uint32_t i = 0; i < PRODUCERS; i++) {
        ctx[i] = (thread_ctx_t){.rb = &rb, .id = i, .running = &running};
        assert_int_equal(pthread_create(&threads[i], NULL, producer, &ctx[i]), 0);
    }
    int64_t last_seq[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        last_seq[i] = -1;
    }
    uint64_t received = 0;
    uint8_t rec[256];
    for (;;) {
        size_t len = 0;
        int still_running = atomic_load(&running);
        alg_error_t err = ringbuf_read(&rb, rec, sizeof rec, &len);
        if (err == ALG_ERR_EMPTY) {
            if (still_running == 0) {
                break; /* every producer finished before this empty read: drained */
            }
            sched_yield();
            continue;
        }
        assert_int_equal(err, ALG_OK);
        uint32_t id;
        uint32_t seq;
        assert_true(len >= 8);
        memcpy(&id, rec, 4);
        memcpy(&seq, rec + 4, 4);
        assert_true(id < PRODUCERS);
        assert_int_equal(len, 8 + (seq * 37u + id * 11u) % 200u);
        for (size_t i = 8; i < len; i++) {
            if (rec[i] != pattern_byte(id, seq, i)) {
                fail_msg("torn record from producer %u seq %u at byte %zu", id, seq, i);
            }
        }
        /* One producer's records arrive in its order; drops leave gaps only. */
        assert_true((int64_t)seq > last_seq[id]);
        last_seq[id] = seq;
        received++;
    }
    uint64_t written = 0;
    uint64_t full = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        written += ctx[i].written;
        full += ctx[i].full;
    }
    printf("[ threads  ] ringbuf: %d producers x %d records, %llu delivered, %llu dropped\n",
           PRODUCERS, PER_PRODUCER, (unsigned long long)received, (unsigned long long)full);
    assert_int_equal(received, written);
    assert_int_equal(written + full, (uint64_t)PRODUCERS * PER_PRODUCER);
    assert_int_equal(ringbuf_dropped(&rb), full);
    assert_int_equal(ringbuf_committed(&rb), written);
    assert_true(received > 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_format_and_attach_errors),
            cmocka_unit_test(test_round_trip_and_limits),
            cmocka_unit_test(test_wraparound_against_fifo_model),
            cmocka_unit_test(test_corruption_is_reported_not_followed),
            cmocka_unit_test(test_length_past_the_head_is_corrupt),
            cmocka_unit_test(test_uncommitted_record_holds_back_later_ones),
            cmocka_unit_test(test_threads_many_producers_one_consumer),
    };
    return cmocka_run_group_tests_name("ringbuf", tests, NULL, NULL);
}
