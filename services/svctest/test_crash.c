/*
 * Clients that die in the middle of a request. A client thread calls a service and is killed
 * while the service holds its request and the right to reply: by suspension, or by deleting its
 * TCB so that the kernel must drop the reply right it gave the service. Either way the service
 * replies into nothing, keeps serving everyone else, and is not restarted (it did not crash).
 *
 * The moment is made exact by priorities, not by timing: the client runs above a killer thread,
 * which runs above the service. The client wakes the killer (which cannot run yet), then calls;
 * the call blocks the client and hands the request to the service, but the killer runs first.
 */
#include "svctest.h"
#include "threads.h"
#include <ipc/init.h>
#include <ipc/log.h>
#include <ipc/time.h>
#include <runtime/alloc.h>
#include <runtime/start.h>
#include <runtime/string.h>

#define CLIENT_PRIORITY 240
#define KILLER_PRIORITY 230 /* above the log service (200) and the time service (190) */

typedef enum { KILL_SUSPEND, KILL_DELETE } kill_mode_t;

typedef struct {
    seL4_CPtr service; /* the endpoint the client calls */
    void (*encode)(ipc_msg_t *msg);
    kill_mode_t mode;
    seL4_CPtr wake_killer; /* notification */
    seL4_CPtr killer_done; /* notification */
    thread_t client;
    thread_t killer;
    volatile seL4_Word calling; /* set by the client just before its call */
    volatile seL4_Word replied; /* set by the client if its call ever returns */
    volatile seL4_Word killed;  /* set by the killer: the kill's seL4 error + 1 */
} crash_run_t;

static crash_run_t run;

static void encode_log_stats(ipc_msg_t *msg)
{
    log_encode_stats(msg, SERVICE_ID_SVCTEST);
}

static void encode_time_info(ipc_msg_t *msg)
{
    time_encode_info(msg);
}

static void client(seL4_Word arg)
{
    ipc_msg_t msg;

    (void)arg;
    run.encode(&msg);
    run.calling = 1;
    seL4_Signal(run.wake_killer);
    (void)ipc_call(run.service, &msg);
    run.replied = 1;
}

static void killer(seL4_Word arg)
{
    seL4_Error error;

    (void)arg;
    seL4_Wait(run.wake_killer, NULL);
    if (run.mode == KILL_SUSPEND) {
        error = seL4_TCB_Suspend(run.client.tcb);
    } else {
        error = seL4_CNode_Delete(SERVICE_SLOT_CNODE, run.client.tcb, seL4_WordBits);
    }
    run.killed = (seL4_Word)error + 1;
    seL4_Signal(run.killer_done);
}

/* The service's state and restart count in init's table. */
static bool service_state(const char *name, seL4_Word *state, seL4_Word *restarts)
{
    for (seL4_Word index = 0; index < SERVICE_ID_MAX; index++) {
        ipc_msg_t msg;
        char got[INIT_NAME_BYTES];
        seL4_Word at = 4;
        init_encode_service_info(&msg, index);
        if (ipc_call(SERVICE_SLOT_INIT, &msg) != IPC_OK) {
            return false;
        }
        if (ipc_msg_get_string(&msg, &at, got, sizeof(got)) == IPC_OK && strcmp(got, name) == 0) {
            *state = msg.words[1];
            *restarts = msg.words[2];
            return true;
        }
    }
    return false;
}

static void crash_mid_request(svctest_t *test, const char *name, seL4_CPtr service,
                              void (*encode)(ipc_msg_t *msg), kill_mode_t mode)
{
    seL4_Word state;
    seL4_Word restarts_before;
    seL4_Word restarts_after;
    ipc_msg_t msg;

    SVCTEST_CHECK(test, service_state(name, &state, &restarts_before), "no %s in init's table",
                  name);
    memset(&run, 0, sizeof(run));
    run.service = service;
    run.encode = encode;
    run.mode = mode;
    SVCTEST_CHECK(test,
                  alloc_object(&runtime_alloc, seL4_NotificationObject, 0, &run.wake_killer) ==
                                  seL4_NoError &&
                          alloc_object(&runtime_alloc, seL4_NotificationObject, 0,
                                       &run.killer_done) == seL4_NoError,
                  "no notifications");
    SVCTEST_CHECK(test, svctest_thread_run(&run.killer, KILLER_PRIORITY, killer, 0), "killer");
    SVCTEST_CHECK(test, svctest_thread_run(&run.client, CLIENT_PRIORITY, client, 0), "client");
    seL4_Wait(run.killer_done, NULL);

    SVCTEST_CHECK(test, run.killed == (seL4_Word)seL4_NoError + 1, "the kill failed: error %lu",
                  (unsigned long)run.killed - 1);
    SVCTEST_CHECK(test, run.calling && !run.replied,
                  "the client was not in the middle of its request (calling %lu, replied %lu)",
                  (unsigned long)run.calling, (unsigned long)run.replied);
    /* The service replied (into nothing) before this lower-priority thread got here; it must
     * answer the next client as ever, and must not have been restarted. */
    encode(&msg);
    SVCTEST_CHECK(test, ipc_call(service, &msg) == IPC_OK, "%s stopped answering", name);
    SVCTEST_CHECK(test, service_state(name, &state, &restarts_after), "no %s in init's table",
                  name);
    SVCTEST_CHECK(test, state == INIT_SERVICE_RUNNING && restarts_after == restarts_before,
                  "%s: state %lu, restarts %lu -> %lu", name, (unsigned long)state,
                  (unsigned long)restarts_before, (unsigned long)restarts_after);
    if (mode == KILL_SUSPEND) {
        /* A suspended client is gone for good: its call never completes. */
        SVCTEST_CHECK(test, !run.replied, "the suspended client's call returned");
    }
}

static void test_log_client_suspended(svctest_t *test)
{
    crash_mid_request(test, "log", SERVICE_SLOT_LOG, encode_log_stats, KILL_SUSPEND);
}

static void test_log_client_deleted(svctest_t *test)
{
    crash_mid_request(test, "log", SERVICE_SLOT_LOG, encode_log_stats, KILL_DELETE);
}

static void test_time_client_suspended(svctest_t *test)
{
    crash_mid_request(test, "time", SERVICE_SLOT_TIME, encode_time_info, KILL_SUSPEND);
}

static void test_time_client_deleted(svctest_t *test)
{
    crash_mid_request(test, "time", SERVICE_SLOT_TIME, encode_time_info, KILL_DELETE);
}

static const svctest_case_t cases[] = {
        {"crash_log_client_suspended", test_log_client_suspended},
        {"crash_log_client_deleted", test_log_client_deleted},
        {"crash_time_client_suspended", test_time_client_suspended},
        {"crash_time_client_deleted", test_time_client_deleted},
};

const svctest_group_t svctest_crash_group = SVCTEST_GROUP(cases);
