/*
 * The log service under load: several producer threads' lines all arrive, each thread's in its
 * own order (run-svctest.sh checks the order on the serial line), and a burst that overruns the
 * ring on purpose is counted exactly: every line either printed or counted as dropped, and the
 * log service says how many it dropped.
 */
#include "svctest.h"
#include "threads.h"
#include <ipc/log.h>
#include <runtime/log.h>
#include <runtime/start.h>

#define PRODUCERS      4
#define LINES_EACH     200
#define BURST_LINES    3000
#define BURST_PRIORITY 250 /* above the log service: it cannot drain meanwhile */

static volatile seL4_Word producers_done;

static bool log_counts(seL4_Word id, seL4_Word *lines, seL4_Word *dropped)
{
    ipc_msg_t msg;

    log_encode_stats(&msg, id);
    if (ipc_call(SERVICE_SLOT_LOG, &msg) != IPC_OK || msg.length < 4) {
        return false;
    }
    *lines = msg.words[0];
    *dropped = msg.words[1];
    return true;
}

static void producer(seL4_Word index)
{
    for (seL4_Word n = 0; n < LINES_EACH; n++) {
        printf("svctest: order t=%lu n=%lu\n", (unsigned long)index, (unsigned long)n);
        if (n % 16 == 0) {
            seL4_Yield();
        }
    }
    __atomic_add_fetch(&producers_done, 1, __ATOMIC_SEQ_CST);
}

static void test_producers(svctest_t *test)
{
    static thread_t threads[PRODUCERS];
    seL4_Word lines_before;
    seL4_Word dropped_before;
    seL4_Word lines;
    seL4_Word dropped;

    log_sync();
    SVCTEST_CHECK(test, log_counts(test->info->id, &lines_before, &dropped_before), "stats");
    producers_done = 0;
    for (seL4_Word i = 0; i < PRODUCERS; i++) {
        SVCTEST_CHECK(test, svctest_thread_run(&threads[i], 100, producer, i), "producer %lu",
                      (unsigned long)i);
    }
    while (producers_done < PRODUCERS) {
        seL4_Yield();
    }
    log_sync();
    SVCTEST_CHECK(test, log_counts(test->info->id, &lines, &dropped), "stats");
    SVCTEST_CHECK(test, dropped == dropped_before, "%lu lines dropped at the producers' pace",
                  (unsigned long)(dropped - dropped_before));
    SVCTEST_CHECK(test, lines - lines_before == (seL4_Word)PRODUCERS * LINES_EACH,
                  "%lu lines printed", (unsigned long)(lines - lines_before));
}

static volatile seL4_Word burst_done;

static void burst(seL4_Word arg)
{
    (void)arg;
    for (seL4_Word n = 0; n < BURST_LINES; n++) {
        printf("svctest: burst %lu .........................................................\n",
               (unsigned long)n);
    }
    burst_done = 1;
}

static void test_overrun(svctest_t *test)
{
    static thread_t thread;
    seL4_Word lines_before;
    seL4_Word dropped_before;
    seL4_Word lines;
    seL4_Word dropped;

    log_sync();
    SVCTEST_CHECK(test, log_counts(test->info->id, &lines_before, &dropped_before), "stats");
    burst_done = 0;
    SVCTEST_CHECK(test, svctest_thread_run(&thread, BURST_PRIORITY, burst, 0), "burst thread");
    while (!burst_done) {
        seL4_Yield();
    }
    log_sync();
    SVCTEST_CHECK(test, log_counts(test->info->id, &lines, &dropped), "stats");
    seL4_Word printed = lines - lines_before;
    seL4_Word lost = dropped - dropped_before;
    SVCTEST_CHECK(test, lost > 0, "the burst overran nothing (%lu printed)",
                  (unsigned long)printed);
    SVCTEST_CHECK(test, printed + lost == BURST_LINES, "%lu printed + %lu dropped != %u",
                  (unsigned long)printed, (unsigned long)lost, BURST_LINES);
    SVCTEST_CHECK(test, lost == log_dropped() - dropped_before,
                  "the log service counts %lu drops, the ring %lu", (unsigned long)lost,
                  (unsigned long)(log_dropped() - dropped_before));
    printf("svctest: overrun %lu printed %lu dropped\n", (unsigned long)printed,
           (unsigned long)lost);
}

static const svctest_case_t cases[] = {
        {"log_producers_in_order", test_producers},
        {"log_overrun_counted", test_overrun},
};

const svctest_group_t svctest_log_group = SVCTEST_GROUP(cases);
