/*
 * `vm stats` (lib/ipc/vmm_stats.c and the request in lib/ipc/vmm.c): init's reading of a block a
 * subverted VMM fills with anything, the shell's request, and the shell's check of init's answer.
 */
#include <ipc/vmm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void stats_fill(vmm_stats_t *s, seL4_Word count)
{
    memset(s, 0, sizeof(*s));
    s->count = count;
    for (seL4_Word i = 0; i < VMM_STATS_MAX; i++) {
        s->value[i] = 1000 + i;
        s->name[i][0] = (char)('a' + i % 26);
        s->name[i][1] = (char)('x' + i / 26);
    }
}

/* A block whose writer is midway (odd sequence) is refused and leaves an empty copy. */
static void test_read_refuses_odd_sequence(void **state)
{
    vmm_stats_t shared;
    vmm_stats_t out;

    (void)state;
    stats_fill(&shared, 3);
    shared.sequence = 7;
    assert_false(vmm_stats_read(&shared, &out));
    assert_int_equal(out.count, 0);
    shared.sequence = 8;
    assert_true(vmm_stats_read(&shared, &out));
    assert_int_equal(out.count, 3);
    assert_int_equal(out.value[2], 1002);
    assert_string_equal(out.name[2], "cx");
}

/* Counts past the block are clamped; names are cut, cleaned and never empty. */
static void test_read_cleans_hostile_block(void **state)
{
    vmm_stats_t shared;
    vmm_stats_t out;
    const seL4_Word counts[] = {VMM_STATS_MAX + 1, 1000, ~0ull, 1ull << 63};

    (void)state;
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        stats_fill(&shared, counts[k]);
        assert_true(vmm_stats_read(&shared, &out));
        assert_int_equal(out.count, VMM_STATS_MAX);
    }
    stats_fill(&shared, 4);
    memset(shared.name[0], 'z', VMM_STATS_NAME_BYTES); /* no NUL at all */
    memcpy(shared.name[1], "a\033[2Jb", 7);            /* a terminal escape */
    memset(shared.name[2], 0, VMM_STATS_NAME_BYTES);   /* empty */
    memcpy(shared.name[3], "two words\xff", 11);       /* a space and a high byte */
    assert_true(vmm_stats_read(&shared, &out));
    assert_int_equal(strlen(out.name[0]), VMM_STATS_NAME_BYTES - 1);
    assert_string_equal(out.name[1], "a?[2Jb");
    assert_string_equal(out.name[2], "?");
    assert_string_equal(out.name[3], "two?words?");
}

static vmm_stats_reply_t facts(void)
{
    vmm_stats_reply_t f;

    memset(&f, 0, sizeof(f));
    f.state = 1;
    f.mode = 2;
    f.memory = 32ull << 20;
    f.uptime_ms = 1234;
    f.boots = 3;
    f.settled = 1;
    return f;
}

/* Init's answer and the shell's reading of it agree, page by page, for every count. */
static void test_reply_round_trip(void **state)
{
    vmm_stats_t stats;
    vmm_stats_reply_t f = facts();
    vmm_stats_reply_t reply;
    ipc_msg_t msg;

    (void)state;
    for (seL4_Word count = 0; count <= VMM_STATS_MAX; count++) {
        stats_fill(&stats, count);
        seL4_Word seen = 0;
        for (seL4_Word first = 0; first == 0 || first < count; first += VMM_STATS_PER_REPLY) {
            vmm_encode_stats_reply(&msg, &f, &stats, first);
            assert_true(msg.length <= IPC_MAX_WORDS);
            assert_int_equal(vmm_decode_stats_reply(&msg, first, &reply), IPC_OK);
            assert_int_equal(reply.count, count);
            assert_int_equal(reply.memory, 32ull << 20);
            assert_int_equal(reply.uptime_ms, 1234);
            for (seL4_Word i = 0; i < reply.taken; i++) {
                assert_int_equal(reply.value[i], 1000 + first + i);
                assert_int_equal(reply.name[i][0], 'a' + (char)((first + i) % 26));
                assert_int_equal(reply.name[i][1], 'x' + (char)((first + i) / 26));
            }
            seen += reply.taken;
        }
        assert_int_equal(seen, count);
    }
}

/* Answers the shell must refuse: each field out of range, each wrong length, bad names. */
static void test_reply_hostile(void **state)
{
    vmm_stats_t stats;
    vmm_stats_reply_t f = facts();
    vmm_stats_reply_t reply;
    ipc_msg_t msg;
    ipc_msg_t good;

    (void)state;
    stats_fill(&stats, 5);
    vmm_encode_stats_reply(&good, &f, &stats, 0);
    assert_int_equal(vmm_decode_stats_reply(&good, 0, &reply), IPC_OK);
    msg = good;
    msg.label = 1;
    assert_int_equal(vmm_decode_stats_reply(&msg, 0, &reply), IPC_ERR_LABEL);
    for (seL4_Word length = 0; length <= IPC_MAX_WORDS + 1; length++) {
        msg = good;
        msg.length = length;
        ipc_error_t error = vmm_decode_stats_reply(&msg, 0, &reply);
        assert_int_equal(error, length == good.length ? IPC_OK : IPC_ERR_LENGTH);
    }
    const struct {
        unsigned word;
        seL4_Word value;
    } bad[] = {{1, VMM_MODES},
               {5, 2},
               {6, VMM_STATS_MAX + 1},
               {6, ~0ull},
               {8, 0},                           /* an empty name */
               {8, 0x2020202020202020ull},       /* spaces */
               {8, 0x0061ull | (0x62ull << 16)}, /* a byte after the NUL */
               {9, ~0ull},                       /* no NUL in the last byte */
               {8, 0x1b61ull}};                  /* an escape */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        msg = good;
        msg.words[bad[i].word] = bad[i].value;
        assert_int_not_equal(vmm_decode_stats_reply(&msg, 0, &reply), IPC_OK);
        assert_int_equal(reply.taken, 0);
    }
    /* A count that does not match the counters carried, asked from another first. */
    assert_int_equal(vmm_decode_stats_reply(&good, 1, &reply), IPC_ERR_LENGTH);
    assert_int_equal(vmm_decode_stats_reply(&good, 5, &reply), IPC_ERR_LENGTH);
}

/* The shell's request: the first counter below VMM_STATS_MAX, the one word after the name. */
static void test_request_checked(void **state)
{
    ipc_msg_t msg;
    vmm_request_t request;
    seL4_Word field;

    (void)state;
    for (seL4_Word first = 0; first < VMM_STATS_MAX; first++) {
        vmm_encode_vm_stats(&msg, "web", first);
        assert_int_equal(vmm_decode(&msg, &request, &field), IPC_OK);
        assert_int_equal(request.label, VMM_VM_STATS);
        assert_string_equal(request.name, "web");
        assert_int_equal(request.first, first);
    }
    const seL4_Word bad[] = {VMM_STATS_MAX, VMM_STATS_MAX + 1, 1ull << 40, ~0ull};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vmm_encode_vm_stats(&msg, "web", bad[i]);
        assert_int_equal(vmm_decode(&msg, &request, &field), IPC_ERR_FIELD);
        assert_int_equal(field, 2);
        assert_int_equal(request.first, 0);
    }
    vmm_encode_vm_stats(&msg, "web", 0);
    ipc_msg_push(&msg, 0);
    assert_int_equal(vmm_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    ipc_msg_init(&msg, VMM_VM_STATS);
    ipc_msg_push_string(&msg, "web", 15);
    assert_int_equal(vmm_decode(&msg, &request, &field), IPC_ERR_LENGTH);
    ipc_msg_init(&msg, VMM_VM_STATS);
    ipc_msg_push_string(&msg, "Web", 15);
    ipc_msg_push(&msg, 0);
    assert_int_not_equal(vmm_decode(&msg, &request, &field), IPC_OK);
    assert_true(vmm_label_is_ours(VMM_VM_STATS));
    assert_false(vmm_label_is_ours(VMM_VM_RESUME + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_read_refuses_odd_sequence),
            cmocka_unit_test(test_read_cleans_hostile_block),
            cmocka_unit_test(test_reply_round_trip),
            cmocka_unit_test(test_reply_hostile),
            cmocka_unit_test(test_request_checked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
