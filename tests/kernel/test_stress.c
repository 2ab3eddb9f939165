/*
 * Repetition: the same operations many times over, to catch what a single run cannot: leaked
 * memory (an untyped that stops resetting), stale state after deletion (threads destroyed while
 * running), and IPC that works once but corrupts messages under load.
 */
#include "groups.h"

static void test_retype_delete_cycles(test_env_t *env)
{
    static const struct {
        seL4_Word type;
        seL4_Word bits;
    } objects[] = {
            {seL4_TCBObject, 0}, {seL4_EndpointObject, 0}, {seL4_NotificationObject, 0},
            {seL4_X86_4K, 0},    {seL4_CapTableObject, 4}, {seL4_X86_PageTableObject, 0},
    };
    enum { COUNT = sizeof(objects) / sizeof(objects[0]), ROUNDS = 300 };
    seL4_CPtr untyped = test_untyped(env, 15);
    seL4_CPtr first = test_slot(env);

    for (int i = 1; i < COUNT; i++) {
        test_slot(env);
    }
    TEST_CHECK(env, untyped != 0 && first != 0, "setup");
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < COUNT; i++) {
            TEST_CHECK(env,
                       seL4_Untyped_Retype(untyped, objects[i].type, objects[i].bits, ROOT_CNODE, 0,
                                           0, first + (seL4_Word)i, 1) == seL4_NoError,
                       "round %d: retype of type %lu failed", round,
                       (unsigned long)objects[i].type);
        }
        /* Every other round by Revoke of the untyped, otherwise one Delete per object. */
        if (round % 2 == 0) {
            TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
        } else {
            for (int i = 0; i < COUNT; i++) {
                TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, first + (seL4_Word)i, ROOT_DEPTH));
            }
        }
        TEST_EQ(env, seL4_DebugCapIdentify(first), seL4_CapType_Null);
    }
}

static volatile seL4_Word stress_errors;
static volatile seL4_Word stress_calls;
static volatile seL4_Word stress_done;

static void entry_checking_server(seL4_Word ep)
{
    seL4_Word badge = 0;

    seL4_Recv(ep, &badge);
    for (;;) {
        /* Reply with a function of every word received, so a corrupted word shows. */
        seL4_Word sum = 0;
        for (int i = 0; i < 8; i++) {
            sum = sum * 31 + seL4_GetMR(i);
        }
        seL4_SetMR(0, sum);
        seL4_SetMR(7, ~sum);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0x2, 0, 0, 8), &badge);
    }
}

static void entry_checking_client(seL4_Word ep)
{
    for (seL4_Word call = 0; call < 2000; call++) {
        seL4_Word want = 0;
        for (int i = 0; i < 8; i++) {
            seL4_Word word = call * 0x9e3779b97f4a7c15ull + (seL4_Word)i;
            seL4_SetMR(i, word);
            want = want * 31 + word;
        }
        seL4_MessageInfo_t reply = seL4_Call(ep, seL4_MessageInfo_new(0x1, 0, 0, 8));
        if (seL4_MessageInfo_get_label(reply) != 0x2 || seL4_GetMR(0) != want ||
            seL4_GetMR(7) != ~want) {
            stress_errors = stress_errors + 1;
        }
        stress_calls = call + 1;
    }
    stress_done = 1;
}

static void test_many_calls_between_address_spaces(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t server_opts = {0};
    test_thread_opts_t client_opts = {0};
    vspace_t vspace;
    thread_t server;
    thread_t client;

    TEST_CHECK(env, ep != 0, "setup");
    TEST_CHECK(env, test_own_spaces(env, &client_opts, &vspace, ep), "spaces");
    stress_errors = 0;
    stress_calls = 0;
    stress_done = 0;
    TEST_CHECK(env, test_thread_run(env, &server, &server_opts, entry_checking_server, ep),
               "server");
    TEST_CHECK(env, test_thread_run(env, &client, &client_opts, entry_checking_client, 1),
               "client");
    TEST_CHECK(env, test_wait_flag(env, &stress_done, 20000), "only %lu calls completed",
               (unsigned long)stress_calls);
    TEST_EQ(env, stress_errors, 0);
}

static volatile seL4_Word stress_counter;

static void entry_count(seL4_Word arg)
{
    (void)arg;
    for (;;) {
        stress_counter++;
        seL4_Yield();
    }
}

static void test_threads_destroyed_while_running(test_env_t *env)
{
    enum { ROUNDS = 30, SLOTS = 32 };
    seL4_CPtr untyped = test_untyped(env, 17);
    seL4_CPtr first = test_slot(env);

    for (int i = 1; i < SLOTS; i++) {
        test_slot(env);
    }
    TEST_CHECK(env, untyped != 0 && first != 0, "setup");
    for (int round = 0; round < ROUNDS; round++) {
        /* Everything of this round comes from `untyped`: one revoke destroys it all. */
        alloc_t alloc;
        vspace_t vspace;
        thread_params_t params = {.priority = ROOT_PRIO,
                                  .authority = seL4_CapInitThreadTCB,
                                  .cspace = ROOT_CNODE,
                                  .self_tcb = THREAD_SELF_IS_TCB};
        thread_t thread;
        seL4_Word region;
        seL4_Word before;

        alloc_init(&alloc, ROOT_CNODE, first, first + SLOTS);
        TEST_OK(env, alloc_add_untyped(&alloc, untyped, 17));
        TEST_OK(env, vspace_reserve(&env->vspace, 1u << seL4_LargePageBits,
                                    1u << seL4_LargePageBits, &region));
        vspace_init(&vspace, seL4_CapInitThreadVSpace, &alloc, region,
                    region + (1u << seL4_LargePageBits));
        stress_counter = 0;
        TEST_OK(env, thread_create(&thread, &vspace, &params));
        TEST_OK(env, thread_start(&thread, entry_count, 0));
        TEST_CHECK(env, test_wait_flag(env, &stress_counter, 1000), "round %d: never ran", round);
        TEST_OK(env, seL4_CNode_Revoke(ROOT_CNODE, untyped, ROOT_DEPTH));
        TEST_EQ(env, seL4_DebugCapIdentify(thread.tcb), seL4_CapType_Null);
        before = stress_counter;
        test_yield(5);
        TEST_EQ(env, stress_counter, before);
    }
}

static const test_case_t stress_cases[] = {
        {"stress_retype_delete_cycles", test_retype_delete_cycles},
        {"stress_many_calls_between_address_spaces", test_many_calls_between_address_spaces},
        {"stress_threads_destroyed_while_running", test_threads_destroyed_while_running},
};

const test_group_t stress_group = TEST_GROUP(stress_cases);
