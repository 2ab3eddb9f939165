/*
 * Service figures: the round trip of a request from one service to another (svctest to init,
 * to the log service, to the time service: a Call, the server's decode and reply, across address
 * spaces), and how many lines per second the log service takes from a client's ring to the
 * serial line. Printed as "figure:" lines (bench/services/run.sh):
 *   services.round_trip_init   INIT_MEMORY      (init, the root task)
 *   services.round_trip_log    LOG_STATS        (the log service)
 *   services.round_trip_time   TIME_INFO        (the time service)
 *   services.log_lines         LOG_LINES lines of 64 bytes, printed to the log until it has
 *                              printed all of them (log_sync)
 */
#include "samples.h"
#include "svctest.h"
#include <ipc/init.h>
#include <ipc/log.h>
#include <ipc/time.h>
#include <runtime/log.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

#define ROUND_TRIPS 2000u
#define LOG_LINES   2000u

static seL4_Uint64 samples[ROUND_TRIPS];

static void round_trips(const char *name, seL4_CPtr endpoint, void (*encode)(ipc_msg_t *msg))
{
    ipc_msg_t msg;
    unsigned failed = 0;

    for (unsigned i = 0; i < ROUND_TRIPS; i++) {
        encode(&msg);
        seL4_Uint64 start = tsc_read();
        failed += ipc_call(endpoint, &msg) != IPC_OK ? 1 : 0;
        samples[i] = tsc_read() - start;
    }
    samples_sort(samples, ROUND_TRIPS);
    printf("figure: %s n=%u median=%lu p90=%lu min=%lu cycles (%lu ns median)%s\n", name,
           ROUND_TRIPS, (unsigned long)samples_percentile(samples, ROUND_TRIPS, 50),
           (unsigned long)samples_percentile(samples, ROUND_TRIPS, 90), (unsigned long)samples[0],
           (unsigned long)runtime_tsc_to_ns(samples_percentile(samples, ROUND_TRIPS, 50)),
           failed != 0 ? " (some requests failed)" : "");
}

static void encode_init_memory(ipc_msg_t *msg)
{
    init_encode_memory(msg);
}

static void encode_log_stats(ipc_msg_t *msg)
{
    log_encode_stats(msg, SERVICE_ID_SVCTEST);
}

static void encode_time_info(ipc_msg_t *msg)
{
    time_encode_info(msg);
}

/* 63 characters and the newline: a typical log line. */
static void log_lines(void)
{
    seL4_Word dropped_before = log_dropped();

    log_sync();
    seL4_Uint64 start = tsc_read();
    for (unsigned i = 0; i < LOG_LINES; i++) {
        printf("svctest: log line %04u .............................................\n", i);
    }
    log_sync();
    seL4_Uint64 ns = runtime_tsc_to_ns(tsc_read() - start);
    seL4_Word dropped = log_dropped() - dropped_before;
    printf("figure: services.log_lines n=%u in %lu us: %lu lines/s, %lu KiB/s, %lu dropped\n",
           LOG_LINES, (unsigned long)(ns / 1000),
           (unsigned long)(ns != 0 ? LOG_LINES * 1000000000ull / ns : 0),
           (unsigned long)(ns != 0 ? LOG_LINES * 64ull * 1000000000ull / ns / 1024 : 0),
           (unsigned long)dropped);
}

void svctest_bench_services(void)
{
    round_trips("services.round_trip_init", SERVICE_SLOT_INIT, encode_init_memory);
    round_trips("services.round_trip_log", SERVICE_SLOT_LOG, encode_log_stats);
    round_trips("services.round_trip_time", SERVICE_SLOT_TIME, encode_time_info);
    log_lines();
}
