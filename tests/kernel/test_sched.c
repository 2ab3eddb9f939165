/*
 * Scheduling: strict priorities (a higher thread runs at once, a lower one only when every
 * higher one blocks), preemption when a blocked higher thread wakes or is raised, round robin
 * among equals, and the timer taking the CPU from a thread that never gives it up. Last in the
 * suite: a kernel without timer preemption hangs here.
 */
#include "groups.h"
#include "rtc.h"
#include "stubs.h"

static volatile seL4_Word sched_flag;
static char sched_trace[32];
static volatile int sched_trace_len;

static void trace(char c)
{
    if (sched_trace_len < (int)sizeof(sched_trace) - 1) {
        sched_trace[sched_trace_len] = c;
        sched_trace_len = sched_trace_len + 1;
    }
}

static void trace_reset(void)
{
    memset(sched_trace, 0, sizeof(sched_trace));
    sched_trace_len = 0;
}

static void entry_set_flag(seL4_Word value)
{
    sched_flag = value;
}

static void test_higher_priority_runs_at_once(test_env_t *env)
{
    test_thread_opts_t opts = {.prio = ROOT_PRIO + 50};
    thread_t thread;

    sched_flag = 0;
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, entry_set_flag, 1), "thread");
    /* Resuming it preempted us: it has already run. */
    TEST_EQ(env, sched_flag, 1);
}

static void test_lower_priority_waits(test_env_t *env)
{
    test_thread_opts_t opts = {.prio = ROOT_PRIO - 50};
    thread_t thread;

    sched_flag = 0;
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, entry_set_flag, 2), "thread");
    test_yield(20);
    TEST_EQ(env, sched_flag, 0); /* we never blocked, so it never ran */
    /* Dropping below it lets it run at once. */
    TEST_OK(env,
            seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO - 60));
    TEST_EQ(env, sched_flag, 2);
}

static void test_raised_priority_preempts(test_env_t *env)
{
    test_thread_opts_t opts = {.prio = ROOT_PRIO - 50};
    thread_t thread;

    sched_flag = 0;
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, entry_set_flag, 3), "thread");
    TEST_EQ(env, sched_flag, 0);
    TEST_OK(env, seL4_TCB_SetPriority(thread.tcb, seL4_CapInitThreadTCB, ROOT_PRIO + 1));
    TEST_EQ(env, sched_flag, 3);
}

static void entry_trace_yield(seL4_Word c)
{
    for (int i = 0; i < 3; i++) {
        trace((char)c);
        seL4_Yield();
    }
}

static void test_round_robin_yield(test_env_t *env)
{
    test_thread_opts_t opts = {.prio = ROOT_PRIO - 10};
    thread_t a;
    thread_t b;

    trace_reset();
    TEST_CHECK(env, test_thread_run(env, &a, &opts, entry_trace_yield, 'A'), "thread A");
    TEST_CHECK(env, test_thread_run(env, &b, &opts, entry_trace_yield, 'B'), "thread B");
    TEST_EQ(env, sched_trace_len, 0);
    /* Below both: they take turns at every Yield until both are done. Which one goes first is
     * queue order (a thread made ready without running is queued at the head, as in seL4). */
    TEST_OK(env,
            seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO - 20));
    TEST_CHECK(env, strcmp(sched_trace, "ABABAB") == 0 || strcmp(sched_trace, "BABABA") == 0,
               "trace \"%s\"", sched_trace);
}

static void entry_high_waits(seL4_Word ntfn)
{
    seL4_Wait(ntfn, NULL);
    trace('H');
}

static void entry_mid_signals(seL4_Word badged)
{
    trace('M');
    seL4_Signal(badged); /* wakes the higher thread, which preempts us */
    trace('m');
}

static void test_wakeup_preempts(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 1);
    test_thread_opts_t high = {.prio = ROOT_PRIO + 20};
    test_thread_opts_t mid = {.prio = ROOT_PRIO + 10};
    thread_t h;
    thread_t m;

    TEST_CHECK(env, badged != 0, "setup");
    trace_reset();
    TEST_CHECK(env, test_thread_run(env, &h, &high, entry_high_waits, ntfn), "high");
    TEST_EQ(env, sched_trace_len, 0); /* blocked */
    TEST_CHECK(env, test_thread_run(env, &m, &mid, entry_mid_signals, badged), "mid");
    TEST_CHECK(env, strcmp(sched_trace, "MHm") == 0, "trace \"%s\"", sched_trace);
}

static void test_timer_preempts_spinner(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    seL4_UserContext context;
    thread_t spinner;
    thread_t other;

    stub_spin_counter = 0;
    sched_flag = 0;
    TEST_CHECK(env, test_thread_new_at(env, &spinner, &opts, stub_spin, &context), "spinner");
    TEST_CHECK(env, test_thread_start_at(env, &spinner, &context), "start");
    TEST_CHECK(env, test_thread_run(env, &other, &opts, entry_set_flag, 4), "other");
    /* Yielding hands the CPU to the spinner, which never gives it back: only the timer can. */
    TEST_EQ(env, test_wait_flag(env, &sched_flag, 3000), 4);
    TEST_CHECK(env, stub_spin_counter != 0, "the spinner never ran");
    TEST_OK(env, seL4_TCB_Suspend(spinner.tcb));
}

static void entry_set_flag_and_signal(seL4_Word badged)
{
    sched_flag = 1;
    seL4_Signal(badged);
}

static void test_lower_runs_when_higher_blocks(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr from_thread = test_mint(env, ntfn, seL4_AllRights, 0x1);
    seL4_CPtr from_rtc = test_mint(env, ntfn, seL4_AllRights, 0x100);
    seL4_CPtr handler = test_slot(env);
    seL4_CPtr port = env->port_cmos;
    test_thread_opts_t opts = {.prio = ROOT_PRIO - 50};
    thread_t low;
    seL4_Word word = 0;

    TEST_CHECK(env, from_rtc != 0 && handler != 0 && port != seL4_CapNull, "setup");
    /* A watchdog: the RTC (2 Hz) signals the same notification, so a lower thread that never
     * gets the CPU shows up as a wake-up by the RTC alone instead of a hang. */
    TEST_CHECK(env, rtc_handler_new(env, handler, from_rtc), "handler");
    sched_flag = 0;
    TEST_CHECK(env, test_thread_run(env, &low, &opts, entry_set_flag_and_signal, from_thread),
               "thread");
    test_yield(10);
    TEST_EQ(env, sched_flag, 0);
    rtc_periodic_start(port, RTC_RATE_2HZ);
    /* Blocking is what lets the lower thread run. */
    seL4_Wait(ntfn, &word);
    rtc_periodic_stop(port);
    TEST_CHECK(env, (word & 0x1) != 0, "woken by %#lx: the lower thread did not run",
               (unsigned long)word);
    TEST_EQ(env, sched_flag, 1);
}

static const test_case_t sched_cases[] = {
        {"sched_higher_priority_runs_at_once", test_higher_priority_runs_at_once},
        {"sched_lower_priority_waits", test_lower_priority_waits},
        {"sched_lower_runs_when_higher_blocks", test_lower_runs_when_higher_blocks},
        {"sched_raised_priority_preempts", test_raised_priority_preempts},
        {"sched_round_robin_yield", test_round_robin_yield},
        {"sched_wakeup_preempts", test_wakeup_preempts},
        {"sched_timer_preempts_spinner", test_timer_preempts_spinner},
};

const test_group_t sched_group = TEST_GROUP(sched_cases);
