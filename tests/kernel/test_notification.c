/*
 * Notifications: Signal and Poll, badges OR-ed together until consumed, Wait blocking until a
 * signal, a waiting thread woken with the badge, and rights on signalling.
 */
#include "groups.h"

static volatile seL4_Word ntfn_woken_with;
static volatile seL4_Word ntfn_waiting;

static void test_signal_then_poll(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x1);
    seL4_Word word = 0xffff;

    TEST_CHECK(env, badged != 0, "setup");
    seL4_Poll(ntfn, &word);
    TEST_EQ(env, word, 0); /* nothing pending */
    seL4_Signal(badged);
    seL4_Poll(ntfn, &word);
    TEST_EQ(env, word, 0x1);
    seL4_Poll(ntfn, &word);
    TEST_EQ(env, word, 0); /* consumed by the first poll */
}

static void test_badges_or_together(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    static const seL4_Word badges[] = {0x1, 0x4, 0x10, 0x4, 0x8000000000000000ull};
    seL4_Word word = 0;

    TEST_CHECK(env, ntfn != 0, "setup");
    for (size_t i = 0; i < sizeof(badges) / sizeof(badges[0]); i++) {
        seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, badges[i]);
        TEST_CHECK(env, badged != 0, "mint");
        seL4_Signal(badged);
    }
    seL4_Poll(ntfn, &word);
    TEST_EQ(env, word, 0x8000000000000015ull);
}

static void entry_wait(seL4_Word ntfn)
{
    seL4_Word word = 0;

    ntfn_waiting = 1;
    seL4_Wait(ntfn, &word);
    ntfn_woken_with = word;
}

static void test_wait_blocks_until_signal(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x24);
    test_thread_opts_t opts = {0};
    thread_t waiter;

    TEST_CHECK(env, badged != 0, "setup");
    ntfn_waiting = 0;
    ntfn_woken_with = 0;
    TEST_CHECK(env, test_thread_run(env, &waiter, &opts, entry_wait, ntfn), "thread");
    TEST_CHECK(env, test_wait_flag(env, &ntfn_waiting, 1000), "the waiter never ran");
    test_yield(20);
    TEST_EQ(env, ntfn_woken_with, 0);
    seL4_Signal(badged);
    TEST_EQ(env, test_wait_flag(env, &ntfn_woken_with, 1000), 0x24);
}

static void test_signal_before_wait_not_lost(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x3);
    test_thread_opts_t opts = {0};
    thread_t waiter;

    TEST_CHECK(env, badged != 0, "setup");
    ntfn_woken_with = 0;
    seL4_Signal(badged);
    seL4_Signal(badged);
    /* The pending word is delivered to the next waiter, once. */
    TEST_CHECK(env, test_thread_run(env, &waiter, &opts, entry_wait, ntfn), "thread");
    TEST_EQ(env, test_wait_flag(env, &ntfn_woken_with, 1000), 0x3);
}

static void test_signal_needs_write_right(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr no_write = test_mint(env, ntfn, seL4_NoWrite, 0x2);
    seL4_Word word = 0;

    TEST_CHECK(env, no_write != 0, "setup");
    seL4_Signal(no_write);
    seL4_Poll(ntfn, &word);
    TEST_EQ(env, word, 0);
}

static void test_two_waiters_one_signal_each(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x1);
    test_thread_opts_t opts = {0};
    thread_t waiters[2];
    seL4_Word woken = 0;

    TEST_CHECK(env, badged != 0, "setup");
    ntfn_woken_with = 0;
    TEST_CHECK(env, test_thread_run(env, &waiters[0], &opts, entry_wait, ntfn), "thread");
    TEST_CHECK(env, test_thread_run(env, &waiters[1], &opts, entry_wait, ntfn), "thread");
    test_yield(10);
    /* One signal wakes exactly one waiter. */
    seL4_Signal(badged);
    woken = test_wait_flag(env, &ntfn_woken_with, 1000);
    TEST_EQ(env, woken, 0x1);
    ntfn_woken_with = 0;
    test_yield(20);
    TEST_EQ(env, ntfn_woken_with, 0);
    seL4_Signal(badged);
    TEST_EQ(env, test_wait_flag(env, &ntfn_woken_with, 1000), 0x1);
}

static void test_wait_on_other_threads_bound(test_env_t *env)
{
    seL4_CPtr fault_ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr owner = test_object(env, seL4_TCBObject, 0);
    test_thread_opts_t opts = {.fault_ep = fault_ep};
    thread_t waiter;
    seL4_Word label = 0;
    seL4_Word mrs[seL4_CapFault_Length];

    TEST_CHECK(env, owner != 0, "setup");
    /* A notification bound to one thread cannot be waited on by another. */
    TEST_OK(env, seL4_TCB_BindNotification(owner, ntfn));
    ntfn_woken_with = 0;
    TEST_CHECK(env, test_thread_run(env, &waiter, &opts, entry_wait, ntfn), "thread");
    TEST_CHECK(env, test_wait_fault(env, fault_ep, &label, mrs, seL4_CapFault_Length), "no fault");
    TEST_EQ(env, label, seL4_Fault_CapFault);
    TEST_EQ(env, mrs[seL4_CapFault_InRecvPhase], 1);
}

static void test_delete_bound_notification_unbinds(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr first = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr second = test_object(env, seL4_NotificationObject, 0);

    TEST_CHECK(env, second != 0, "setup");
    TEST_OK(env, seL4_TCB_BindNotification(tcb, first));
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, first, ROOT_DEPTH));
    /* The TCB is free to bind again. */
    TEST_OK(env, seL4_TCB_BindNotification(tcb, second));
}

static const test_case_t notification_cases[] = {
        {"notification_signal_then_poll", test_signal_then_poll},
        {"notification_badges_or_together", test_badges_or_together},
        {"notification_wait_blocks_until_signal", test_wait_blocks_until_signal},
        {"notification_signal_before_wait_kept", test_signal_before_wait_not_lost},
        {"notification_signal_needs_write_right", test_signal_needs_write_right},
        {"notification_one_signal_wakes_one", test_two_waiters_one_signal_each},
        {"notification_bound_to_other_thread", test_wait_on_other_threads_bound},
        {"notification_delete_unbinds", test_delete_bound_notification_unbinds},
};

const test_group_t notification_group = TEST_GROUP(notification_cases);
