/*
 * Host tests of lib/ipc: strings packed into words and read back with every bound checked, the
 * error reply, and the decoders of every protocol against every malformed form (unknown label,
 * each wrong length, each bad field), then random messages by the hundred thousand: a decoder
 * never reads past a message and never accepts what it should refuse.
 */
#include <ipc/init.h>
#include <ipc/log.h>
#include <ipc/time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_string_round_trip(void **state)
{
    char text[64];
    char out[64];

    (void)state;
    for (size_t length = 0; length < sizeof(text); length++) {
        ipc_msg_t msg;
        seL4_Word at = 1;
        memset(text, 0, sizeof(text));
        for (size_t i = 0; i < length; i++) {
            text[i] = (char)('a' + i % 26);
        }
        ipc_msg_init(&msg, 7);
        assert_true(ipc_msg_push(&msg, 99));
        assert_true(ipc_msg_push_string(&msg, text, sizeof(text)));
        assert_int_equal(msg.length, 2 + (length + 7) / 8);
        assert_int_equal(ipc_msg_get_string(&msg, &at, out, sizeof(out)), IPC_OK);
        assert_string_equal(out, text);
        assert_int_equal(at, msg.length);
    }
}

static void test_string_refusals(void **state)
{
    ipc_msg_t msg;
    char out[8];
    seL4_Word at;

    (void)state;
    /* Longer than the field: refused, not cut. */
    ipc_msg_init(&msg, 1);
    ipc_msg_push_string(&msg, "12345678", 100);
    at = 0;
    assert_int_equal(ipc_msg_get_string(&msg, &at, out, sizeof(out)), IPC_ERR_FIELD);
    assert_int_equal(at, 0);
    /* A length that promises more words than there are. */
    ipc_msg_init(&msg, 1);
    ipc_msg_push(&msg, 7);
    at = 0;
    assert_int_equal(ipc_msg_get_string(&msg, &at, out, sizeof(out)), IPC_ERR_LENGTH);
    /* A huge length (the word count would overflow a naive computation). */
    ipc_msg_init(&msg, 1);
    ipc_msg_push(&msg, ~0ull);
    at = 0;
    assert_int_equal(ipc_msg_get_string(&msg, &at, out, ~(size_t)0), IPC_ERR_FIELD);
    /* A NUL inside. */
    ipc_msg_init(&msg, 1);
    ipc_msg_push(&msg, 3);
    ipc_msg_push(&msg, 0x610061);
    at = 0;
    assert_int_equal(ipc_msg_get_string(&msg, &at, out, sizeof(out)), IPC_ERR_FIELD);
    /* Past the end. */
    at = 5;
    assert_int_equal(ipc_msg_get_string(&msg, &at, out, sizeof(out)), IPC_ERR_LENGTH);
    /* No room at all. */
    at = 0;
    assert_int_equal(ipc_msg_get_string(&msg, &at, out, 0), IPC_ERR_FIELD);
}

static void test_push_limits(void **state)
{
    ipc_msg_t msg;
    char big[IPC_MAX_WORDS * 8 + 8];

    (void)state;
    ipc_msg_init(&msg, 1);
    for (int i = 0; i < IPC_MAX_WORDS; i++) {
        assert_true(ipc_msg_push(&msg, (seL4_Word)i));
    }
    assert_false(ipc_msg_push(&msg, 1));
    assert_int_equal(msg.length, IPC_MAX_WORDS);
    /* A string that does not fit leaves the message as it was. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ipc_msg_init(&msg, 1);
    ipc_msg_push(&msg, 5);
    assert_false(ipc_msg_push_string(&msg, big, sizeof(big)));
    assert_int_equal(msg.length, 1);
}

static void test_error_reply(void **state)
{
    ipc_msg_t msg;

    (void)state;
    ipc_msg_error(&msg, IPC_ERR_FIELD, 3);
    assert_int_equal(ipc_msg_reply_error(&msg), IPC_ERR_FIELD);
    assert_int_equal(msg.words[1], 3);
    ipc_msg_init(&msg, IPC_LABEL_OK);
    assert_int_equal(ipc_msg_reply_error(&msg), IPC_OK);
    /* Replies that are neither: an error reply with nonsense, an unknown label. */
    ipc_msg_init(&msg, IPC_LABEL_ERROR);
    ipc_msg_push(&msg, 999);
    assert_int_equal(ipc_msg_reply_error(&msg), IPC_ERR_LABEL);
    ipc_msg_init(&msg, IPC_LABEL_ERROR);
    assert_int_equal(ipc_msg_reply_error(&msg), IPC_ERR_LABEL);
    ipc_msg_init(&msg, 12345);
    assert_int_equal(ipc_msg_reply_error(&msg), IPC_ERR_LABEL);
    assert_string_equal(ipc_error_name(IPC_ERR_DENIED), "denied");
    assert_string_equal(ipc_error_name((ipc_error_t)77), "unknown error");
}

static ipc_msg_t words_msg(seL4_Word label, seL4_Word count, seL4_Word a, seL4_Word b, seL4_Word c)
{
    ipc_msg_t msg;
    seL4_Word words[3] = {a, b, c};

    ipc_msg_init(&msg, label);
    for (seL4_Word i = 0; i < count; i++) {
        ipc_msg_push(&msg, words[i]);
    }
    return msg;
}

static void test_time_decode(void **state)
{
    time_request_t request;
    seL4_Word field;
    ipc_msg_t msg;

    (void)state;
    time_encode_set(&msg, 5, 1000);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.token, 5);
    assert_int_equal(request.deadline, 1000);
    msg = words_msg(TIME_SET, 2, 5, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_FIELD);
    assert_int_equal(field, 1);
    msg = words_msg(TIME_SET, 1, 5, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(TIME_SET, 3, 5, 1, 1);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(TIME_CANCEL, 0, 0, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(TIME_INFO, 1, 0, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(TIME_ATTACH, 1, 0, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_FIELD);
    msg = words_msg(TIME_ATTACH, 1, IPC_BADGE_ID_MASK + 1, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_FIELD);
    msg = words_msg(TIME_ATTACH, 1, TIME_CLIENTS_MAX, 0, 0); /* no service has that id */
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_FIELD);
    msg = words_msg(TIME_ATTACH, 1, TIME_CLIENTS_MAX - 1, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.client, TIME_CLIENTS_MAX - 1);
    msg = words_msg(IPC_TIME_BASE, 0, 0, 0, 0);
    assert_int_equal(time_decode(&msg, &request, &field), IPC_ERR_LABEL);
}

static void test_log_decode(void **state)
{
    log_request_t request;
    seL4_Word field;
    ipc_msg_t msg;

    (void)state;
    log_encode_attach(&msg, 4, 0x40000000, 16384, "dbg");
    assert_int_equal(log_decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.client, 4);
    assert_string_equal(request.text, "dbg");
    /* A name longer than its field, a word after it, a missing name, client 0. */
    log_encode_attach(&msg, 4, 0, 0, "");
    msg.words[3] = LOG_NAME_BYTES;
    assert_int_not_equal(log_decode(&msg, &request, &field), IPC_OK);
    log_encode_attach(&msg, 4, 0, 0, "x");
    ipc_msg_push(&msg, 1);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(LOG_ATTACH, 3, 4, 0, 0);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    log_encode_attach(&msg, 0, 0, 0, "x");
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_FIELD);
    /* Levels 0..3 only; client 0 means all for SET_LEVEL, nobody elsewhere. */
    log_encode_set_level(&msg, 0, 3);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_OK);
    log_encode_set_level(&msg, 5, 4);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_FIELD);
    assert_int_equal(field, 1);
    log_encode_stats(&msg, 0);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_FIELD);
    msg = words_msg(LOG_DETACH, 2, 1, 1, 0);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    /* Console text up to LOG_CONSOLE_MAX bytes; escapes and newlines are text too. */
    char text[LOG_CONSOLE_MAX + 8];
    memset(text, '\x1b', sizeof(text));
    log_encode_console(&msg, LOG_CONSOLE_WRITE, text, sizeof(text));
    assert_int_equal(log_decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(strlen(request.text), LOG_CONSOLE_MAX);
    msg = words_msg(LOG_CONSOLE_PROMPT, 0, 0, 0, 0);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(IPC_LOG_BASE + 50, 0, 0, 0, 0);
    assert_int_equal(log_decode(&msg, &request, &field), IPC_ERR_LABEL);
}

static void test_init_decode(void **state)
{
    init_request_t request;
    seL4_Word field;
    ipc_msg_t msg;

    (void)state;
    init_encode_crash(&msg, "time");
    assert_int_equal(init_decode(&msg, &request, &field), IPC_OK);
    assert_string_equal(request.name, "time");
    init_encode_service_info(&msg, 3);
    assert_int_equal(init_decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.index, 3);
    msg = words_msg(INIT_SERVICE_INFO, 0, 0, 0, 0);
    assert_int_equal(init_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(INIT_MEMORY, 1, 0, 0, 0);
    assert_int_equal(init_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(INIT_CRASH, 1, INIT_NAME_BYTES, 0, 0);
    assert_int_equal(init_decode(&msg, &request, &field), IPC_ERR_FIELD);
    msg = words_msg(INIT_CRASH, 3, 1, 0x61, 0);
    assert_int_equal(init_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    msg = words_msg(IPC_INIT_BASE + 9, 0, 0, 0, 0);
    assert_int_equal(init_decode(&msg, &request, &field), IPC_ERR_LABEL);
    assert_string_equal(init_service_state_name(3), "failed");
    assert_string_equal(init_service_state_name(99), "?");
}

/*
 * Random messages: labels near each protocol's, random lengths and words. Whatever a decoder
 * accepts must satisfy its own rules (checked here again), and ASan watches every read.
 */
static void test_random_messages(void **state)
{
    static const seL4_Word bases[] = {IPC_LOG_BASE, IPC_TIME_BASE, IPC_INIT_BASE};

    (void)state;
    srand(11);
    for (int round = 0; round < 300000; round++) {
        ipc_msg_t msg;
        seL4_Word field;
        ipc_msg_init(&msg, bases[rand() % 3] + (seL4_Word)(rand() % 10));
        msg.length = (seL4_Word)(rand() % (IPC_MAX_WORDS + 1));
        for (seL4_Word i = 0; i < msg.length; i++) {
            seL4_Word word = (seL4_Word)rand();
            msg.words[i] = (rand() % 4 == 0) ? word << 32 | (seL4_Word)rand() : word % 70;
        }
        log_request_t log_request;
        if (log_decode(&msg, &log_request, &field) == IPC_OK) {
            assert_true(strlen(log_request.text) <= LOG_CONSOLE_MAX);
            assert_true(log_request.client <= IPC_BADGE_ID_MASK);
        }
        time_request_t time_request;
        if (time_decode(&msg, &time_request, &field) == IPC_OK && msg.label == TIME_SET) {
            assert_int_not_equal(time_request.deadline, 0);
        }
        init_request_t init_request;
        if (init_decode(&msg, &init_request, &field) == IPC_OK) {
            assert_true(strlen(init_request.name) < INIT_NAME_BYTES);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_string_round_trip), cmocka_unit_test(test_string_refusals),
            cmocka_unit_test(test_push_limits),       cmocka_unit_test(test_error_reply),
            cmocka_unit_test(test_time_decode),       cmocka_unit_test(test_log_decode),
            cmocka_unit_test(test_init_decode),       cmocka_unit_test(test_random_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
