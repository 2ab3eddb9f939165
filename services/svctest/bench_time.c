/*
 * Timer latency: from a deadline to the code waiting for it running, read on the TSC, for a
 * sleeping thread (runtime_sleep_until) and for an event loop's timer, each over SAMPLES waits of
 * 1-3 ms (random, so that deadlines fall anywhere between the PIT's ticks); and the cost of a
 * TIME_SET and TIME_CANCEL pair, for scale. Printed as "figure:" lines (bench/services/run.sh):
 *   time.sleep_latency        deadline to the sleeper running
 *   time.event_timer_latency  deadline to the event loop's timer running
 *   time.set_cancel_calls     a TIME_SET call and a TIME_CANCEL call, round trips included
 */
#include "samples.h"
#include "svctest.h"
#include <ipc/time.h>
#include <runtime/event.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

#define SAMPLES    1000u
#define WAIT_MIN   1000000ull /* ns */
#define WAIT_RANGE 2000000ull
#define BENCH_SEED 0x6c6174656e6379ull

static seL4_Uint64 samples[SAMPLES];
static seL4_Uint64 seed = BENCH_SEED;

static seL4_Uint64 random_deadline(void)
{
    return runtime_deadline_ns(WAIT_MIN + samples_random(&seed) % WAIT_RANGE);
}

/* Cycles as microseconds with one decimal ("12.3"). */
static void print_us(const char *before, seL4_Uint64 cycles)
{
    seL4_Uint64 ns = runtime_tsc_to_ns(cycles);

    printf("%s%lu.%lu", before, (unsigned long)(ns / 1000), (unsigned long)(ns % 1000 / 100));
}

/* One line (a log record holds 200 bytes): the name, the cycles, the same in microseconds. */
static void report(const char *name)
{
    samples_sort(samples, SAMPLES);
    seL4_Uint64 median = samples_percentile(samples, SAMPLES, 50);
    seL4_Uint64 p90 = samples_percentile(samples, SAMPLES, 90);
    seL4_Uint64 max = samples[SAMPLES - 1];
    printf("figure: %s n=%u median=%lu p90=%lu max=%lu cycles =", name, SAMPLES,
           (unsigned long)median, (unsigned long)p90, (unsigned long)max);
    print_us(" ", median);
    print_us("/", p90);
    print_us("/", max);
    printf(" us (TSC %lu Hz)\n", (unsigned long)runtime_tsc_hz());
}

static void bench_sleep(void)
{
    for (unsigned i = 0; i < SAMPLES; i++) {
        seL4_Uint64 deadline = random_deadline();
        runtime_sleep_until(deadline);
        samples[i] = tsc_read() - deadline;
    }
    report("time.sleep_latency");
}

static event_loop_t loop;
static event_timer_t timer;
static seL4_Uint64 timer_deadline;
static bool timer_fired;
static seL4_Uint64 timer_late;

static void on_timer(event_timer_t *fired)
{
    (void)fired;
    timer_late = tsc_read() - timer_deadline;
    timer_fired = true;
    seL4_Signal(SERVICE_SLOT_NOTIFICATION); /* the loop may be about to wait: wake it */
}

static void bench_event_loop(void)
{
    event_loop_init(&loop, SERVICE_SLOT_ENDPOINT, SERVICE_SLOT_TIME);
    for (unsigned i = 0; i < SAMPLES; i++) {
        timer_deadline = random_deadline();
        timer_fired = false;
        event_timer_start(&loop, &timer, timer_deadline, on_timer);
        while (!timer_fired) {
            event_loop_once(&loop);
        }
        samples[i] = timer_late;
    }
    event_run_due(&loop);
    report("time.event_timer_latency");
}

static void bench_calls(void)
{
    ipc_msg_t msg;

    for (unsigned i = 0; i < SAMPLES; i++) {
        seL4_Uint64 start = tsc_read();
        time_encode_set(&msg, TIME_TOKEN_FIRST, start + runtime_ns_to_tsc(1000000000ull));
        ipc_call(SERVICE_SLOT_TIME, &msg);
        time_encode_cancel(&msg, TIME_TOKEN_FIRST);
        ipc_call(SERVICE_SLOT_TIME, &msg);
        samples[i] = tsc_read() - start;
    }
    report("time.set_cancel_calls");
}

void svctest_bench_time(void)
{
    bench_sleep();
    bench_event_loop();
    bench_calls();
}
