/*
 * The time service's pure parts on the host: its timer queue against a model (every client's
 * armed tokens in a plain array) over seeded random arming, moving, cancelling, re-attaching
 * and expiry, with the tree checked after every step; the limits and refusals one by one; and
 * the conversions between TSC cycles and PIT ticks, the measured frequency and the deviation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "clock.h"
#include "queue.h"

#define CLIENTS   6  /* ids 1..5 attached, 6 never */
#define TOKENS    80 /* more than TIME_TIMERS_PER_CLIENT, so that clients fill up */
#define STEPS     200000
#define NOT_ARMED 0

/* The model: client c's token t is armed at deadline[c][t] (NOT_ARMED: not armed). */
typedef struct {
    uint64_t deadline[CLIENTS + 1][TOKENS];
} model_t;

static unsigned model_armed(const model_t *model, unsigned client)
{
    unsigned n = 0;

    for (unsigned t = 0; t < TOKENS; t++) {
        n += model->deadline[client][t] != NOT_ARMED;
    }
    return n;
}

static uint64_t model_earliest(const model_t *model)
{
    uint64_t best = 0;

    for (unsigned c = 1; c <= CLIENTS; c++) {
        for (unsigned t = 0; t < TOKENS; t++) {
            uint64_t d = model->deadline[c][t];
            if (d != NOT_ARMED && (best == 0 || d < best)) {
                best = d;
            }
        }
    }
    return best;
}

static time_client_set_t model_expire(model_t *model, uint64_t now)
{
    time_client_set_t set = 0;

    for (unsigned c = 1; c <= CLIENTS; c++) {
        for (unsigned t = 0; t < TOKENS; t++) {
            if (model->deadline[c][t] != NOT_ARMED && model->deadline[c][t] <= now) {
                model->deadline[c][t] = NOT_ARMED;
                set |= 1ull << c;
            }
        }
    }
    return set;
}

static void check_same(const time_queue_t *queue, const model_t *model)
{
    unsigned all = 0;

    assert_int_equal(sgtree_check(&queue->tree), ALG_OK);
    for (unsigned c = 1; c <= CLIENTS; c++) {
        assert_int_equal(time_queue_armed(queue, c), model_armed(model, c));
        all += model_armed(model, c);
    }
    assert_int_equal(queue->armed, all);
    assert_int_equal(sgtree_size(&queue->tree), all);
    assert_int_equal(time_queue_earliest(queue), model_earliest(model));
}

static void test_queue_model(void **state)
{
    static time_timer_t nodes[CLIENTS + 1][TIME_TIMERS_PER_CLIENT];
    static time_queue_t queue;
    static model_t model;
    uint64_t now = 1000;

    (void)state;
    srand(2026);
    time_queue_init(&queue);
    for (unsigned c = 1; c < CLIENTS; c++) {
        assert_true(time_queue_attach(&queue, c, nodes[c]));
    }
    for (unsigned step = 0; step < STEPS; step++) {
        unsigned client = 1 + (unsigned)rand() % CLIENTS;
        unsigned token = (unsigned)rand() % TOKENS;
        int op = rand() % 100;
        if (op < 55) {
            uint64_t deadline = now + 1 + (uint64_t)(rand() % 5000);
            ipc_error_t expected = IPC_OK;
            if (client == CLIENTS) {
                expected = IPC_ERR_DENIED;
            } else if (model.deadline[client][token] == NOT_ARMED &&
                       model_armed(&model, client) == TIME_TIMERS_PER_CLIENT) {
                expected = IPC_ERR_BUSY;
            }
            assert_int_equal(time_queue_set(&queue, client, token, deadline), expected);
            if (expected == IPC_OK) {
                model.deadline[client][token] = deadline;
            }
        } else if (op < 75) {
            ipc_error_t expected = client == CLIENTS                            ? IPC_ERR_DENIED
                                   : model.deadline[client][token] == NOT_ARMED ? IPC_ERR_NOT_FOUND
                                                                                : IPC_OK;
            assert_int_equal(time_queue_cancel(&queue, client, token), expected);
            if (expected == IPC_OK) {
                model.deadline[client][token] = NOT_ARMED;
            }
        } else if (op < 99) {
            now += (uint64_t)(rand() % 400);
            assert_int_equal(time_queue_expire(&queue, now), model_expire(&model, now));
        } else if (client != CLIENTS) {
            /* Attached again (its restart): everything it had armed goes. */
            assert_true(time_queue_attach(&queue, client, NULL));
            for (unsigned t = 0; t < TOKENS; t++) {
                model.deadline[client][t] = NOT_ARMED;
            }
        }
        check_same(&queue, &model);
    }
}

static void test_queue_refusals(void **state)
{
    static time_timer_t nodes[TIME_TIMERS_PER_CLIENT];
    static time_queue_t queue;

    (void)state;
    time_queue_init(&queue);
    assert_false(time_queue_attach(&queue, 0, nodes));
    assert_false(time_queue_attach(&queue, TIME_CLIENTS_MAX, nodes));
    assert_false(time_queue_attach(&queue, 3, NULL)); /* a first attach needs its nodes */
    assert_false(time_queue_attached(&queue, 3));
    assert_int_equal(time_queue_set(&queue, 3, 1, 100), IPC_ERR_DENIED);
    assert_int_equal(time_queue_cancel(&queue, 3, 1), IPC_ERR_DENIED);
    assert_int_equal(time_queue_set(&queue, TIME_CLIENTS_MAX + 5, 1, 100), IPC_ERR_DENIED);
    assert_int_equal(time_queue_armed(&queue, TIME_CLIENTS_MAX + 5), 0);
    assert_true(time_queue_attach(&queue, 3, nodes));
    assert_int_equal(time_queue_set(&queue, 3, 1, 0), IPC_ERR_FIELD);
    for (seL4_Word t = 0; t < TIME_TIMERS_PER_CLIENT; t++) {
        assert_int_equal(time_queue_set(&queue, 3, ~t, 1000 + t), IPC_OK);
    }
    assert_int_equal(time_queue_set(&queue, 3, 12345, 5), IPC_ERR_BUSY);
    /* Moving an armed token takes no node: the earliest follows it. */
    assert_int_equal(time_queue_set(&queue, 3, ~5ull, 7), IPC_OK);
    assert_int_equal(time_queue_earliest(&queue), 7);
    assert_int_equal(time_queue_armed(&queue, 3), TIME_TIMERS_PER_CLIENT);
    /* Expiry is inclusive of now and names the client once. */
    assert_int_equal(time_queue_expire(&queue, 6), 0);
    assert_int_equal(time_queue_expire(&queue, 1001), 1ull << 3);
    assert_int_equal(time_queue_armed(&queue, 3), TIME_TIMERS_PER_CLIENT - 3);
    assert_int_equal(time_queue_cancel(&queue, 3, ~5ull), IPC_ERR_NOT_FOUND);
    assert_int_equal(time_queue_cancel(&queue, 3, ~2ull), IPC_OK);
    assert_int_equal(time_queue_cancel(&queue, 3, ~2ull), IPC_ERR_NOT_FOUND);
    assert_true(time_queue_attach(&queue, 3, NULL));
    assert_int_equal(time_queue_armed(&queue, 3), 0);
    assert_int_equal(time_queue_earliest(&queue), 0);
    assert_int_equal(time_queue_expire(&queue, ~0ull), 0);
}

static void test_clock(void **state)
{
    const uint64_t hz = 2000000000ull; /* 2 GHz: 1676.2 cycles per PIT tick */

    (void)state;
    assert_int_equal(clock_pit_ticks(0, hz), 1);
    assert_int_equal(clock_pit_ticks(1, hz), 1);
    assert_int_equal(clock_pit_ticks(1676, hz), 1);
    assert_int_equal(clock_pit_ticks(1677, hz), 2); /* rounded up: never before the deadline */
    assert_int_equal(clock_pit_ticks(hz / 100, hz), 11932); /* 10 ms */
    assert_int_equal(clock_pit_ticks(hz / 10, hz), CLOCK_PIT_TICKS_MAX);
    assert_int_equal(clock_pit_ticks(~0ull, hz), CLOCK_PIT_TICKS_MAX);
    assert_int_equal(clock_pit_ticks(5, 0), CLOCK_PIT_TICKS_MAX);
    for (uint32_t ticks = 1; ticks <= CLOCK_PIT_TICKS_MAX; ticks += 97) {
        /* The ticks for a count's cycles cover them and are one count at most too many. */
        uint64_t cycles = clock_pit_cycles(ticks, hz);
        uint32_t back = clock_pit_ticks(cycles, hz);
        assert_true(back == ticks || back + 1 == ticks || back == ticks + 1);
        assert_true(clock_pit_cycles(back, hz) + 1677 >= cycles);
    }
    assert_int_equal(clock_pit_cycles(CLOCK_PIT_TICKS_MAX, 1193182), CLOCK_PIT_TICKS_MAX);
    assert_int_equal(clock_hz_measured(hz / 20, 59659), 2000003352); /* 50 ms of ticks */
    assert_int_equal(clock_hz_measured(12345, 0), 0);
    assert_int_equal(clock_ppm(hz, hz), 0);
    assert_int_equal(clock_ppm(hz + 2000, hz), 1);
    assert_int_equal(clock_ppm(hz + 999, hz), 0);  /* 0.4995 ppm: rounded down */
    assert_int_equal(clock_ppm(hz + 1000, hz), 1); /* 0.5 ppm: rounded away from zero */
    assert_int_equal(clock_ppm(hz - 1000, hz), -1);
    assert_int_equal(clock_ppm(hz - 200000, hz), -100);
    assert_int_equal(clock_ppm(hz / 2, hz), -500000);
    assert_int_equal(clock_ppm(1, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_queue_model),
            cmocka_unit_test(test_queue_refusals),
            cmocka_unit_test(test_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
