/*
 * The VMM protocol's decoder (lib/ipc/vmm.c): what init accepts from a VMM, which its guest may
 * have subverted, and from the shell. Every field at and past its limits, every length, and
 * random messages that must never be accepted with a field out of range.
 */
#include <ipc/vmm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static ipc_error_t decode(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word *field)
{
    return vmm_decode(msg, request, field);
}

static void test_report_round_trip(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;

    (void)state;
    vmm_encode_report(&msg, VMM_REPORT_ENDED, VMM_END_TRIPLE_FAULT, 7, "#PF while delivering #DF");
    assert_int_equal(decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.label, VMM_REPORT);
    assert_int_equal(request.kind, VMM_REPORT_ENDED);
    assert_int_equal(request.end, VMM_END_TRIPLE_FAULT);
    assert_int_equal(request.status, 7);
    assert_string_equal(request.text, "#PF while delivering #DF");
    vmm_encode_report(&msg, VMM_REPORT_RUNNING, VMM_END_NONE, 0, "");
    assert_int_equal(decode(&msg, &request, &field), IPC_OK);
    assert_string_equal(request.text, "");
    assert_true(vmm_label_is_ours(VMM_REPORT) && vmm_label_is_ours(VMM_VM_CONSOLE) &&
                vmm_label_is_ours(VMM_VM_MODE));
    assert_false(vmm_label_is_ours(VMM_REPORT - 1) || vmm_label_is_ours(VMM_VM_RESUME + 1));
    assert_string_equal(vmm_end_name(VMM_END_POWER_OFF), "power-off");
    assert_string_equal(vmm_end_name(VMM_END_COUNT), "?");
}

static void test_report_fields_checked(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;

    (void)state;
    /* Kinds around the two that exist. */
    for (seL4_Word kind = 0; kind < 5; kind++) {
        vmm_encode_report(&msg, kind, kind == VMM_REPORT_ENDED ? VMM_END_EXIT : VMM_END_NONE, 0,
                          "");
        ipc_error_t error = decode(&msg, &request, &field);
        bool good = kind == VMM_REPORT_RUNNING || kind == VMM_REPORT_ENDED;
        assert_int_equal(error, good ? IPC_OK : IPC_ERR_FIELD);
        if (!good) {
            assert_int_equal(field, 0);
        }
    }
    /* An end for every value: RUNNING takes none, ENDED needs one in range. */
    for (seL4_Word end = 0; end <= VMM_END_COUNT; end++) {
        vmm_encode_report(&msg, VMM_REPORT_ENDED, end, 0, "");
        assert_int_equal(decode(&msg, &request, &field),
                         end > 0 && end < VMM_END_COUNT ? IPC_OK : IPC_ERR_FIELD);
        vmm_encode_report(&msg, VMM_REPORT_RUNNING, end, 0, "");
        assert_int_equal(decode(&msg, &request, &field), end == 0 ? IPC_OK : IPC_ERR_FIELD);
    }
    vmm_encode_report(&msg, VMM_REPORT_RUNNING, VMM_END_NONE, 1, "");
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
    assert_int_equal(field, 2);
    /* The text: printable ASCII only, 95 bytes at most, nothing after it. */
    char text[VMM_TEXT_BYTES + 1];
    memset(text, 'x', sizeof(text));
    text[VMM_TEXT_BYTES - 1] = '\0';
    vmm_encode_report(&msg, VMM_REPORT_ENDED, VMM_END_EXIT, 0, text);
    assert_int_equal(decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(strlen(request.text), VMM_TEXT_BYTES - 1);
    msg.words[3] = VMM_TEXT_BYTES; /* one byte more than the text holds */
    assert_int_not_equal(decode(&msg, &request, &field), IPC_OK);
    const char *bad[] = {"\x1b[2J", "line\nbreak", "del\x7f", "high\x80", "bell\a"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vmm_encode_report(&msg, VMM_REPORT_ENDED, VMM_END_EXIT, 0, bad[i]);
        assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
        assert_int_equal(field, 3);
    }
    vmm_encode_report(&msg, VMM_REPORT_ENDED, VMM_END_EXIT, 0, "ok");
    ipc_msg_push(&msg, 0);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    for (seL4_Word length = 0; length < 4; length++) {
        vmm_encode_report(&msg, VMM_REPORT_ENDED, VMM_END_EXIT, 0, "");
        msg.length = length;
        assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    }
    msg.length = IPC_MAX_WORDS + 1;
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
}

static void test_names_checked(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;
    const char *good[] = {"a", "web", "db-2", "abcdefghijklmno"};
    const char *bad[] = {"", "Web", "2web", "-web", "we_b", "we b", "abcdefghijklmnop"};
    const seL4_Word named[] = {VMM_VM_REBOOT, VMM_VM_PAUSE, VMM_VM_RESUME};

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        vmm_encode_vm_start(&msg, good[i]);
        assert_int_equal(decode(&msg, &request, &field), IPC_OK);
        assert_string_equal(request.name, good[i]);
        vmm_encode_vm_kill(&msg, good[i]);
        assert_int_equal(decode(&msg, &request, &field), IPC_OK);
        assert_int_equal(request.label, VMM_VM_KILL);
        vmm_encode_vm_pause(&msg, good[i]);
        assert_int_equal(decode(&msg, &request, &field), IPC_OK);
        assert_int_equal(request.label, VMM_VM_PAUSE);
        assert_string_equal(request.name, good[i]);
        vmm_encode_vm_resume(&msg, good[i]);
        assert_int_equal(decode(&msg, &request, &field), IPC_OK);
        assert_int_equal(request.label, VMM_VM_RESUME);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* Encoded by hand: the encoder cuts names to 15 bytes. */
        for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
            ipc_msg_init(&msg, named[k]);
            ipc_msg_push_string(&msg, bad[i], 64);
            assert_int_not_equal(decode(&msg, &request, &field), IPC_OK);
        }
    }
    vmm_encode_vm_start(&msg, "web");
    ipc_msg_push(&msg, 1);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    ipc_msg_init(&msg, VMM_VM_START);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    vmm_encode_vm_resume(&msg, "web");
    ipc_msg_push(&msg, 0);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    ipc_msg_init(&msg, VMM_VM_RESUME + 1);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LABEL);
}

/* The shell's console bytes: every byte value, every count from 1 to the limit, and each way a
 * message can lie about them. */
static void test_console_checked(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;
    seL4_Uint8 bytes[VMM_CONSOLE_BYTES_MAX + 8];

    (void)state;
    for (size_t i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (seL4_Uint8)(0xff - 3 * i); /* 0x00 and 0x1d among them */
    }
    for (seL4_Word length = 1; length <= VMM_CONSOLE_BYTES_MAX; length++) {
        vmm_encode_vm_console(&msg, "tty", bytes, length);
        assert_int_equal(decode(&msg, &request, &field), IPC_OK);
        assert_int_equal(request.label, VMM_VM_CONSOLE);
        assert_string_equal(request.name, "tty");
        assert_int_equal(request.console_length, length);
        assert_memory_equal(request.console, bytes, length);
    }
    /* The encoder sends no more than the limit; the caller sends the rest later. */
    vmm_encode_vm_console(&msg, "tty", bytes, VMM_CONSOLE_BYTES_MAX + 8);
    assert_int_equal(decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.console_length, VMM_CONSOLE_BYTES_MAX);
    /* Zero bytes, and a count past the limit with the words it would need. */
    vmm_encode_vm_console(&msg, "tty", bytes, 0);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
    assert_int_equal(field, 2);
    vmm_encode_vm_console(&msg, "tty", bytes, VMM_CONSOLE_BYTES_MAX);
    msg.words[2] = VMM_CONSOLE_BYTES_MAX + 1;
    ipc_msg_push(&msg, 0);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
    /* A count that says more words, or fewer, than the message has. */
    vmm_encode_vm_console(&msg, "tty", bytes, 9);
    msg.words[2] = 17;
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    vmm_encode_vm_console(&msg, "tty", bytes, 9);
    msg.words[2] = 8;
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    vmm_encode_vm_console(&msg, "tty", bytes, 9);
    ipc_msg_push(&msg, 0);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    /* Bytes past the count in the last word: one message, one meaning. */
    vmm_encode_vm_console(&msg, "tty", bytes, 9);
    msg.words[4] |= 0x100;
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
    assert_int_equal(field, 4);
    /* No count at all, and a bad name. */
    ipc_msg_init(&msg, VMM_VM_CONSOLE);
    ipc_msg_push_string(&msg, "tty", 15);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    vmm_encode_vm_console(&msg, "Tty", bytes, 1);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
    assert_int_equal(request.console_length, 0);
}

/* The shell's mode switch: the four modes, every value past them, each length but the one. */
static void test_mode_checked(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;
    const seL4_Word bad[] = {VMM_MODES, VMM_MODES + 1, 0x100, 1ull << 32, ~0ull};

    (void)state;
    for (seL4_Word mode = 0; mode < VMM_MODES; mode++) {
        vmm_encode_vm_mode(&msg, "db", mode);
        assert_int_equal(decode(&msg, &request, &field), IPC_OK);
        assert_int_equal(request.label, VMM_VM_MODE);
        assert_string_equal(request.name, "db");
        assert_int_equal(request.mode, mode);
        assert_int_equal(request.console_length, 0);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vmm_encode_vm_mode(&msg, "db", bad[i]);
        assert_int_equal(decode(&msg, &request, &field), IPC_ERR_FIELD);
        assert_int_equal(field, 2); /* the name's length and one word of bytes, then the mode */
        assert_int_equal(request.mode, 0);
    }
    /* No mode word, two of them, nothing at all, a name whose length runs past the end. */
    ipc_msg_init(&msg, VMM_VM_MODE);
    ipc_msg_push_string(&msg, "db", 15);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    vmm_encode_vm_mode(&msg, "db", 1);
    ipc_msg_push(&msg, 1);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    ipc_msg_init(&msg, VMM_VM_MODE);
    assert_int_equal(decode(&msg, &request, &field), IPC_ERR_LENGTH);
    vmm_encode_vm_mode(&msg, "db", 1);
    msg.words[0] = 9;
    assert_int_not_equal(decode(&msg, &request, &field), IPC_OK);
    /* A name the VM table could not hold, and one of 15 characters (the longest). */
    const char *bad_names[] = {"", "Db", "9db", "d b", "abcdefghijklmnop"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        ipc_msg_init(&msg, VMM_VM_MODE);
        ipc_msg_push_string(&msg, bad_names[i], 64);
        ipc_msg_push(&msg, 1);
        assert_int_not_equal(decode(&msg, &request, &field), IPC_OK);
    }
    vmm_encode_vm_mode(&msg, "abcdefghijklmno", 3);
    assert_int_equal(decode(&msg, &request, &field), IPC_OK);
    assert_int_equal(request.mode, 3);
}

/* Random messages: whatever is accepted has every field in range. */
static void test_random_messages(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;
    unsigned accepted = 0;
    unsigned modes_accepted = 0;

    (void)state;
    srand(4242);
    for (int round = 0; round < 200000; round++) {
        msg.label = IPC_VMM_BASE + (seL4_Word)(rand() % 10);
        msg.length = (seL4_Word)(rand() % (IPC_MAX_WORDS + 2));
        for (unsigned i = 0; i < IPC_MAX_WORDS; i++) {
            int pick = rand() % 4;
            msg.words[i] = pick == 0   ? (seL4_Word)(rand() % 4)
                           : pick == 1 ? (seL4_Word)(rand() % 16)
                           : pick == 2 ? 0x6f6c6c6568ull * (seL4_Word)(rand() % 3)
                                       : ((seL4_Word)rand() << 32) ^ (seL4_Word)rand();
        }
        if (decode(&msg, &request, &field) != IPC_OK) {
            continue;
        }
        accepted++;
        assert_true(vmm_label_is_ours(request.label));
        if (request.label == VMM_REPORT) {
            assert_true(request.kind == VMM_REPORT_RUNNING || request.kind == VMM_REPORT_ENDED);
            assert_true(request.end < VMM_END_COUNT);
            for (const char *c = request.text; *c != '\0'; c++) {
                assert_true(*c >= 0x20 && *c < 0x7f);
            }
        } else {
            assert_true(strlen(request.name) >= 1 && strlen(request.name) < VMM_NAME_BYTES);
        }
        if (request.label == VMM_VM_CONSOLE) {
            assert_true(request.console_length >= 1 &&
                        request.console_length <= VMM_CONSOLE_BYTES_MAX);
        } else {
            assert_int_equal(request.console_length, 0);
        }
        if (request.label == VMM_VM_MODE) {
            assert_true(request.mode < VMM_MODES);
            modes_accepted++;
        } else {
            assert_int_equal(request.mode, 0);
        }
        if (request.label == VMM_VM_STATS) {
            assert_true(request.first < VMM_STATS_MAX);
        } else {
            assert_int_equal(request.first, 0);
        }
    }
    assert_true(modes_accepted > 0);
    assert_true(accepted > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_report_round_trip), cmocka_unit_test(test_report_fields_checked),
            cmocka_unit_test(test_names_checked),     cmocka_unit_test(test_console_checked),
            cmocka_unit_test(test_mode_checked),      cmocka_unit_test(test_random_messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
