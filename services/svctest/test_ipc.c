/*
 * Malformed and unauthorised requests to init and the log service, as a hostile client would
 * send them: every one gets an error reply naming what is wrong, and the service goes on
 * answering. Also: a service made to crash is reported and restarted, and the system goes on.
 */
#include "svctest.h"
#include <ipc/init.h>
#include <ipc/log.h>
#include <runtime/log.h>
#include <runtime/string.h>

/* Sends raw words with label; returns the reply's error. */
static ipc_error_t raw_call(seL4_CPtr endpoint, seL4_Word label, const seL4_Word *words,
                            seL4_Word count, ipc_msg_t *reply)
{
    ipc_msg_init(reply, label);
    for (seL4_Word i = 0; i < count; i++) {
        seL4_SetMR((int)i, words[i]);
    }
    seL4_MessageInfo_t info = seL4_Call(endpoint, seL4_MessageInfo_new(label, 0, 0, count));
    ipc_msg_receive(reply, info);
    return ipc_msg_reply_error(reply);
}

/* The service still answers a well-formed request. */
static bool init_alive(void)
{
    ipc_msg_t msg;

    init_encode_memory(&msg);
    return ipc_call(SERVICE_SLOT_INIT, &msg) == IPC_OK && msg.length == 6 && msg.words[0] > 0;
}

static bool log_alive(seL4_Word id)
{
    ipc_msg_t msg;

    log_encode_stats(&msg, id);
    return ipc_call(SERVICE_SLOT_LOG, &msg) == IPC_OK;
}

typedef struct {
    seL4_Word label;
    seL4_Word count;
    seL4_Word words[4];
    ipc_error_t expected;
} bad_request_t;

static void test_init_malformed(svctest_t *test)
{
    static const bad_request_t requests[] = {
            {0, 0, {0}, IPC_ERR_LABEL},
            {IPC_INIT_BASE, 0, {0}, IPC_ERR_LABEL},
            {IPC_INIT_BASE + 99, 1, {1}, IPC_ERR_LABEL},
            {INIT_SERVICE_INFO, 0, {0}, IPC_ERR_LENGTH},
            {INIT_SERVICE_INFO, 2, {0, 0}, IPC_ERR_LENGTH},
            {INIT_SERVICE_INFO, 1, {~0ull}, IPC_ERR_NOT_FOUND},
            {INIT_MEMORY, 1, {0}, IPC_ERR_LENGTH},
            {INIT_CRASH, 0, {0}, IPC_ERR_LENGTH},
            {INIT_CRASH, 1, {16}, IPC_ERR_FIELD},              /* name longer than its field */
            {INIT_CRASH, 1, {4}, IPC_ERR_LENGTH},              /* the bytes are missing */
            {INIT_CRASH, 2, {2, 0x6f00}, IPC_ERR_FIELD},       /* a NUL inside the name */
            {INIT_CRASH, 2, {3, 0x786f6e}, IPC_ERR_NOT_FOUND}, /* "nox": no such service */
            {INIT_CRASH, 3, {1, 0x61, 7}, IPC_ERR_LENGTH},     /* a word after the name */
    };
    ipc_msg_t reply;

    for (unsigned i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        const bad_request_t *r = &requests[i];
        ipc_error_t got = raw_call(SERVICE_SLOT_INIT, r->label, r->words, r->count, &reply);
        SVCTEST_CHECK(test, got == r->expected, "request %u (label %#lx): %s, expected %s", i,
                      (unsigned long)r->label, ipc_error_name(got), ipc_error_name(r->expected));
        SVCTEST_CHECK(test, init_alive(), "init stopped answering after request %u", i);
    }
}

/* More words than any request has (the whole IPC buffer): a length error, not an overflow. */
static void test_oversized(svctest_t *test)
{
    seL4_Word words[seL4_MsgMaxLength];
    ipc_msg_t reply;

    for (unsigned i = 0; i < seL4_MsgMaxLength; i++) {
        words[i] = 0x4141414141414141ull;
    }
    SVCTEST_CHECK(test,
                  raw_call(SERVICE_SLOT_INIT, INIT_MEMORY, words, seL4_MsgMaxLength, &reply) ==
                          IPC_ERR_LENGTH,
                  "init took a %u-word request", seL4_MsgMaxLength);
    SVCTEST_CHECK(test,
                  raw_call(SERVICE_SLOT_LOG, LOG_CONSOLE_WRITE, words, seL4_MsgMaxLength, &reply) !=
                          IPC_OK,
                  "the log service took a %u-word request", seL4_MsgMaxLength);
    SVCTEST_CHECK(test, init_alive() && log_alive(test->info->id), "a service stopped answering");
}

static void test_log_malformed(svctest_t *test)
{
    static const bad_request_t requests[] = {
            {IPC_LOG_BASE, 0, {0}, IPC_ERR_LABEL},
            {LOG_STATS, 0, {0}, IPC_ERR_LENGTH},
            {LOG_STATS, 1, {0}, IPC_ERR_FIELD},
            {LOG_STATS, 1, {0x10000}, IPC_ERR_FIELD},
            {LOG_STATS, 1, {999}, IPC_ERR_NOT_FOUND},
            {LOG_SET_LEVEL, 2, {SERVICE_ID_SVCTEST, 4}, IPC_ERR_FIELD},
            /* Only init attaches rings, only init and dbg set levels, only dbg writes the console:
             * a ring "attached" at init's or the kernel's addresses would be a way in. */
            {LOG_ATTACH, 4, {SERVICE_ID_SVCTEST, 0x400000, 16384, 0}, IPC_ERR_DENIED},
            {LOG_DETACH, 1, {SERVICE_ID_INIT}, IPC_ERR_DENIED},
            {LOG_SET_LEVEL, 2, {SERVICE_ID_INIT, 3}, IPC_ERR_DENIED},
            {LOG_CONSOLE_WRITE, 2, {1, 0x41}, IPC_ERR_DENIED},
            {LOG_CONSOLE_PROMPT, 1, {300}, IPC_ERR_FIELD},
    };
    ipc_msg_t reply;

    for (unsigned i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        const bad_request_t *r = &requests[i];
        ipc_error_t got = raw_call(SERVICE_SLOT_LOG, r->label, r->words, r->count, &reply);
        SVCTEST_CHECK(test, got == r->expected, "request %u (label %#lx): %s, expected %s", i,
                      (unsigned long)r->label, ipc_error_name(got), ipc_error_name(r->expected));
        SVCTEST_CHECK(test, log_alive(test->info->id), "the log stopped answering after %u", i);
    }
}

static bool service_info(const char *name, seL4_Word *state, seL4_Word *restarts)
{
    for (seL4_Word index = 0;; index++) {
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
}

/* The log service made to crash: init reports and restarts it, rings are attached again, and
 * this suite's lines (which go through it) keep arriving. */
static void test_log_restart(svctest_t *test)
{
    ipc_msg_t msg;
    seL4_Word state;
    seL4_Word before;
    seL4_Word after;

    SVCTEST_CHECK(test, service_info("log", &state, &before), "no log service in init's table");
    log_sync();
    init_encode_crash(&msg, "log");
    SVCTEST_CHECK(test, ipc_call(SERVICE_SLOT_INIT, &msg) == IPC_OK, "init refused the crash");
    SVCTEST_CHECK(test, log_alive(test->info->id), "the restarted log service does not answer");
    SVCTEST_CHECK(test, service_info("log", &state, &after), "no log service in init's table");
    SVCTEST_CHECK(test, state == INIT_SERVICE_RUNNING && after == before + 1,
                  "state %lu, restarts %lu -> %lu", (unsigned long)state, (unsigned long)before,
                  (unsigned long)after);
    printf("svctest: a line through the restarted log service\n");
    log_sync();
}

static const svctest_case_t cases[] = {
        {"ipc_init_malformed", test_init_malformed},
        {"ipc_oversized", test_oversized},
        {"ipc_log_malformed", test_log_malformed},
        {"ipc_log_restart", test_log_restart},
};

const svctest_group_t svctest_ipc_group = SVCTEST_GROUP(cases);
