/*
 * TCB invocations: starting threads in the same and in another address space, Read/Write/Copy
 * Registers (all registers, FS/GS base, sanitising, non-canonical values), SetTLSBase,
 * Suspend/Resume, priorities bounded by the authority's MCP, SetSpace, IPC buffer checks and
 * bound notifications.
 */
#include "groups.h"
#include "stubs.h"

static volatile seL4_Word tcb_seen_arg;
static volatile seL4_Word tcb_counter;
static volatile seL4_Word tcb_badge_seen;

/* Entry for plain C threads: records its argument, then signals the cptr given in the arg's
 * upper half (the lower half is the value to record). */
static void entry_record_and_signal(seL4_Word arg)
{
    tcb_seen_arg = arg & 0xffffffffu;
    seL4_Signal(arg >> 32);
}

static void entry_count_forever(seL4_Word arg)
{
    (void)arg;
    for (;;) {
        tcb_counter++;
        seL4_Yield();
    }
}

static void test_thread_same_space(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x77);
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_Word badge = 0;

    TEST_CHECK(env, badged != 0, "setup");
    tcb_seen_arg = 0;
    TEST_CHECK(env,
               test_thread_run(env, &thread, &opts, entry_record_and_signal,
                               ((seL4_Word)badged << 32) | 0x1234),
               "thread");
    TEST_CHECK(env, test_wait_signal(env, ntfn, 1000, &badge), "the thread never signalled");
    TEST_EQ(env, badge, 0x77);
    TEST_EQ(env, tcb_seen_arg, 0x1234);
}

static void test_thread_other_space(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x99);
    test_thread_opts_t opts = {.self_tcb = 2};
    vspace_t vspace;
    thread_t thread;
    seL4_Word badge = 0;

    TEST_CHECK(env, badged != 0, "setup");
    TEST_CHECK(env, test_own_spaces(env, &opts, &vspace, badged), "spaces");
    TEST_CHECK(env, test_thread_new(env, &thread, &opts), "thread");
    TEST_CHECK(env, test_cspace_put(env, opts.cspace, 2, thread.tcb, seL4_AllRights), "cspace");
    tcb_seen_arg = 0;
    /* In its own CSpace the notification is cptr 1. */
    TEST_OK(env, thread_start(&thread, entry_record_and_signal, (1ull << 32) | 0x4321));
    TEST_CHECK(env, test_wait_signal(env, ntfn, 1000, &badge), "the thread never signalled");
    TEST_EQ(env, badge, 0x99);
    TEST_EQ(env, tcb_seen_arg, 0x4321); /* the image's data is shared */
}

static void test_write_read_registers(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext want;
    seL4_UserContext got;

    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_spin_yield, &want), "thread");
    want.rflags = 0x8d5; /* CF PF AF ZF SF OF: all user-owned */
    want.gs_base = 0x00007f0000001000ull;
    TEST_OK(env, seL4_TCB_WriteRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &want));
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    TEST_CHECK(env, test_registers_match(env, (seL4_Word *)&got, &want, 0), "mismatch");
    TEST_CHECK(env, (got.rflags & 0x200) != 0, "IF is clear in %#lx", (unsigned long)got.rflags);
}

static void test_registers_reach_the_thread(test_env_t *env)
{
    static seL4_Word fs_word = 0xf5f5f5f5f5f5f5f5ull;
    static seL4_Word gs_word = 0x6565656565656565ull;
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext want;

    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_record_regs, &want), "thread");
    want.rflags = 0x0c5; /* CF PF ZF SF */
    want.fs_base = (seL4_Word)&fs_word;
    want.gs_base = (seL4_Word)&gs_word;
    stub_regs_done = 0;
    TEST_CHECK(env, test_thread_start_at(env, &thread, &want), "start");
    TEST_CHECK(env, test_wait_flag(env, &stub_regs_done, 1000), "the thread never ran");
    /* What the thread saw: its registers, and the words at FS:0 and GS:0. */
    want.fs_base = fs_word;
    want.gs_base = gs_word;
    TEST_CHECK(env,
               test_registers_match(env, (const seL4_Word *)stub_regs_out, &want, TEST_REG_RIP),
               "mismatch");
    TEST_CHECK(env, (stub_regs_out[seL4_UserContext_RFLAGS] & 0x200) != 0, "IF clear");
}

static void test_set_tls_base(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext got;

    TEST_CHECK(env, test_thread_new(env, &thread, &opts), "thread");
    TEST_OK(env, seL4_TCB_SetTLSBase(thread.tcb, 0x00007ffff0000000ull));
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    TEST_EQ(env, got.fs_base, 0x00007ffff0000000ull);
}

/*
 * Two threads with the same FS and GS bases, one after the other: the first loads FS and GS
 * with a selector (which sets their bases to 0 in the CPU), wakes the second and stops. The
 * second must still see its own bases: one thread's selector loads never reach another.
 */
static void test_fsgs_base_per_thread(test_env_t *env)
{
    static seL4_Word fs_word = 0xf5f5f5f5f5f5f5f5ull;
    static seL4_Word gs_word = 0x6565656565656565ull;
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr loader_ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr reader_ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {.prio = ROOT_PRIO + 1};
    thread_t loader;
    thread_t reader;
    seL4_UserContext context;
    seL4_Word label = 0;
    seL4_Word mrs[seL4_UserException_Length];

    TEST_CHECK(env, reader_ep != 0, "setup");
    stub_regs_out[seL4_UserContext_FS_BASE] = 0;
    stub_regs_out[seL4_UserContext_GS_BASE] = 0;
    /* The reader runs at once (a higher priority) and waits for the signal. */
    opts.fault_ep = reader_ep;
    TEST_CHECK(env, test_thread_new_at(env, &reader, &opts, stub_wait_read_fsgs, &context),
               "reader");
    context.rdi = ntfn;
    context.fs_base = (seL4_Word)&fs_word;
    context.gs_base = (seL4_Word)&gs_word;
    TEST_CHECK(env, test_thread_start_at(env, &reader, &context), "start reader");
    /* The loader runs next; the root runs again only when both have stopped. */
    opts.fault_ep = loader_ep;
    TEST_CHECK(env, test_thread_new_at(env, &loader, &opts, stub_load_fsgs_signal, &context),
               "loader");
    context.rdi = ntfn;
    context.fs_base = (seL4_Word)&fs_word;
    context.gs_base = (seL4_Word)&gs_word;
    TEST_CHECK(env, test_thread_start_at(env, &loader, &context), "start loader");
    TEST_CHECK(env, test_wait_fault(env, reader_ep, &label, mrs, seL4_UserException_Length),
               "the reader did not stop");
    TEST_CHECK(env, label == seL4_Fault_UserException && mrs[seL4_UserException_Number] == 6,
               "the reader faulted with label %lu (%#lx): its FS/GS base was changed",
               (unsigned long)label, (unsigned long)mrs[seL4_UserException_Number]);
    TEST_EQ(env, stub_regs_out[seL4_UserContext_FS_BASE], fs_word);
    TEST_EQ(env, stub_regs_out[seL4_UserContext_GS_BASE], gs_word);
}

/* A thread that set its FS base to 0 in the CPU (a selector load), then sets its TLS base with
 * SetTLSBase to the value its TCB already holds: from then on its FS base is that value. */
static void test_set_tls_base_takes_effect(test_env_t *env)
{
    static seL4_Word fs_word = 0xf5f5f5f5f5f5f5f5ull;
    test_fault_run_t run;

    stub_regs_out[seL4_UserContext_FS_BASE] = 0;
    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_load_fs_syscall), "thread");
    run.context.fs_base = (seL4_Word)&fs_word;
    run.context.rdx = (seL4_Word)seL4_SysCall;
    run.context.rdi = run.thread.tcb;
    run.context.rsi = seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 1).words[0];
    run.context.r10 = (seL4_Word)&fs_word;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_CHECK(env,
               run.label == seL4_Fault_UserException && run.mrs[seL4_UserException_Number] == 6,
               "the thread faulted with label %lu (%#lx): its FS base is not the one set",
               (unsigned long)run.label, (unsigned long)run.mrs[seL4_UserException_Number]);
    TEST_EQ(env, run.mrs[seL4_UserContext_RSI], 0); /* SetTLSBase answered success */
    TEST_EQ(env, stub_regs_out[seL4_UserContext_FS_BASE], fs_word);
}

static void test_noncanonical_rejected(test_env_t *env)
{
    static const int fields[] = {seL4_UserContext_RIP, seL4_UserContext_RSP,
                                 seL4_UserContext_FS_BASE, seL4_UserContext_GS_BASE};
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext good;
    seL4_UserContext got;

    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_spin_yield, &good), "thread");
    TEST_OK(env, seL4_TCB_WriteRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &good));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        seL4_UserContext bad = good;
        ((seL4_Word *)&bad)[fields[i]] = 0x0000800000000000ull;
        TEST_EXPECT_ERR(
                env,
                seL4_TCB_WriteRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &bad),
                seL4_InvalidArgument);
    }
    /* Nothing of a refused write took effect. */
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    TEST_CHECK(env, test_registers_match(env, (seL4_Word *)&got, &good, 0), "changed");
}

static void test_rflags_sanitised(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext want;
    seL4_UserContext got;

    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_spin_yield, &want), "thread");
    /* Everything set, IF clear: IOPL 3, NT, RF, VM, VIF, VIP ... must not survive. */
    want.rflags = 0xffffffffffffffffull & ~0x200ull;
    TEST_OK(env, seL4_TCB_WriteRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &want));
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    TEST_EQ(env, got.rflags & ~(seL4_RFLAGS_UserMask | 0x202ull), 0);
    TEST_CHECK(env, (got.rflags & 0x200) != 0, "IF clear");
    TEST_EQ(env, got.rflags & seL4_RFLAGS_UserMask, seL4_RFLAGS_UserMask);
}

static void test_register_count_range(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext regs;

    TEST_CHECK(env, test_thread_new(env, &thread, &opts), "thread");
    TEST_EXPECT_ERR(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, 0, &regs),
                    seL4_RangeError);
    TEST_EXPECT_ERR(
            env,
            seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count + 1, &regs),
            seL4_RangeError);
    /* A partial read is fine: RIP and RSP only. */
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, 2, &regs));
}

static void test_own_registers_refused(test_env_t *env)
{
    seL4_UserContext regs;

    TEST_EXPECT_ERR(env,
                    seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, seL4_False, 0,
                                           seL4_UserContext_Count, &regs),
                    seL4_IllegalOperation);
}

static void test_suspend_resume(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_Word before;

    tcb_counter = 0;
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, entry_count_forever, 0), "thread");
    TEST_CHECK(env, test_wait_flag(env, &tcb_counter, 1000), "the thread never ran");
    TEST_OK(env, seL4_TCB_Suspend(thread.tcb));
    before = tcb_counter;
    test_yield(20);
    TEST_EQ(env, tcb_counter, before);
    TEST_OK(env, seL4_TCB_Resume(thread.tcb));
    test_yield(20);
    TEST_CHECK(env, tcb_counter > before, "the resumed thread does not run");
}

static void test_read_registers_suspends(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t thread;
    seL4_UserContext regs;
    seL4_Word before;

    tcb_counter = 0;
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, entry_count_forever, 0), "thread");
    TEST_CHECK(env, test_wait_flag(env, &tcb_counter, 1000), "the thread never ran");
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_True, 0, seL4_UserContext_Count, &regs));
    before = tcb_counter;
    test_yield(20);
    TEST_EQ(env, tcb_counter, before);
    TEST_CHECK(env, regs.fs_base == thread.tls_pointer, "fs_base %#lx",
               (unsigned long)regs.fs_base);
}

static void test_copy_registers(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t source;
    thread_t dest;
    seL4_UserContext want;
    seL4_UserContext got;

    TEST_CHECK(env,
               test_thread_new_at(env, &source, &opts, stub_spin_yield, &want) &&
                       test_thread_new(env, &dest, &opts),
               "threads");
    want.gs_base = 0x1000;
    TEST_OK(env, seL4_TCB_WriteRegisters(source.tcb, seL4_False, 0, seL4_UserContext_Count, &want));
    TEST_OK(env, seL4_TCB_CopyRegisters(dest.tcb, source.tcb, seL4_False, seL4_False, seL4_True,
                                        seL4_True, 0));
    TEST_OK(env, seL4_TCB_ReadRegisters(dest.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    TEST_CHECK(env, test_registers_match(env, (seL4_Word *)&got, &want, 0), "mismatch");
}

/*
 * A source whose RSP is not canonical (a thread may load any value into it): copying its frame
 * registers is refused, as writing that RSP would be, and changes nothing; its integer
 * registers can still be copied.
 */
static void test_copy_registers_noncanonical_source(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    test_fault_run_t run;
    thread_t dest;
    seL4_UserContext want;
    seL4_UserContext got;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_set_rsp_ud2, 0x8000000000000000ull, 0),
               "fault");
    TEST_EQ(env, run.mrs[seL4_UserContext_RSP], 0x8000000000000000ull);
    TEST_CHECK(env, test_thread_new_at(env, &dest, &opts, stub_spin_yield, &want), "thread");
    TEST_OK(env, seL4_TCB_WriteRegisters(dest.tcb, seL4_False, 0, seL4_UserContext_Count, &want));
    TEST_EXPECT_ERR(env,
                    seL4_TCB_CopyRegisters(dest.tcb, run.thread.tcb, seL4_False, seL4_False,
                                           seL4_True, seL4_False, 0),
                    seL4_IllegalOperation);
    TEST_OK(env, seL4_TCB_ReadRegisters(dest.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    TEST_CHECK(env, test_registers_match(env, (seL4_Word *)&got, &want, 0), "dest changed");
    TEST_OK(env, seL4_TCB_CopyRegisters(dest.tcb, run.thread.tcb, seL4_False, seL4_False,
                                        seL4_False, seL4_True, 0));
    TEST_OK(env, seL4_TCB_ReadRegisters(dest.tcb, seL4_False, 0, seL4_UserContext_Count, &got));
    for (int i = seL4_UserContext_R8; i < seL4_UserContext_Count; i++) {
        ((seL4_Word *)&want)[i] = run.mrs[i];
    }
    TEST_CHECK(env, test_registers_match(env, (seL4_Word *)&got, &want, 0), "integer copy");
}

static void test_priority_bounded_by_mcp(test_env_t *env)
{
    seL4_CPtr authority = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr target = test_object(env, seL4_TCBObject, 0);

    TEST_CHECK(env, target != 0, "setup");
    TEST_OK(env, seL4_TCB_SetMCPriority(authority, seL4_CapInitThreadTCB, 50));
    TEST_EXPECT_ERR(env, seL4_TCB_SetPriority(target, authority, 51), seL4_RangeError);
    TEST_OK(env, seL4_TCB_SetPriority(target, authority, 50));
    TEST_EXPECT_ERR(env, seL4_TCB_SetMCPriority(target, authority, 51), seL4_RangeError);
    TEST_OK(env, seL4_TCB_SetMCPriority(target, authority, 49));
    TEST_EXPECT_ERR(env, seL4_TCB_SetSchedParams(target, authority, 51, 10), seL4_RangeError);
    TEST_EXPECT_ERR(env, seL4_TCB_SetSchedParams(target, authority, 10, 51), seL4_RangeError);
    TEST_OK(env, seL4_TCB_SetSchedParams(target, authority, 40, 45));
}

static void test_priority_out_of_range(test_env_t *env)
{
    seL4_CPtr target = test_object(env, seL4_TCBObject, 0);

    TEST_CHECK(env, target != 0, "setup");
    TEST_EXPECT_ERR(env, seL4_TCB_SetPriority(target, seL4_CapInitThreadTCB, seL4_MaxPrio + 1),
                    seL4_RangeError);
    TEST_OK(env, seL4_TCB_SetPriority(target, seL4_CapInitThreadTCB, seL4_MaxPrio));
    /* The authority must be a TCB. */
    TEST_EXPECT_ERR(env, seL4_TCB_SetPriority(target, ROOT_CNODE, 10), seL4_InvalidCapability);
}

static void entry_recv_record_badge(seL4_Word ep)
{
    seL4_Word badge = 0;

    seL4_Recv(ep, &badge);
    tcb_badge_seen = badge;
}

/*
 * A new thread (not started) with a notification bound to it; *badged is a copy of the
 * notification minted with badge, *ep an endpoint for the thread to wait on.
 */
static int bound_thread_new(test_env_t *env, seL4_Word badge, thread_t *thread, seL4_CPtr *ep,
                            seL4_CPtr *badged)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    test_thread_opts_t opts = {0};

    *ep = test_object(env, seL4_EndpointObject, 0);
    *badged = ntfn != 0 ? test_mint(env, ntfn, seL4_AllRights, badge) : 0;
    tcb_badge_seen = 0;
    if (*ep == 0 || *badged == 0 || !test_thread_new(env, thread, &opts)) {
        return 0;
    }
    seL4_Error error = seL4_TCB_BindNotification(thread->tcb, ntfn);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "binding the notification: %s", test_error_name(error));
        return 0;
    }
    return 1;
}

static void test_bound_notification_wakes_recv(test_env_t *env)
{
    thread_t thread;
    seL4_CPtr ep;
    seL4_CPtr badged;

    TEST_CHECK(env, bound_thread_new(env, 0x40, &thread, &ep, &badged), "setup");
    TEST_OK(env, thread_start(&thread, entry_recv_record_badge, ep));
    test_yield(10);
    TEST_EQ(env, tcb_badge_seen, 0); /* blocked on the endpoint */
    seL4_Signal(badged);
    TEST_EQ(env, test_wait_flag(env, &tcb_badge_seen, 1000), 0x40);
}

static void test_pending_bound_signal_ends_next_recv(test_env_t *env)
{
    thread_t thread;
    seL4_CPtr ep;
    seL4_CPtr badged;

    TEST_CHECK(env, bound_thread_new(env, 0x21, &thread, &ep, &badged), "setup");
    /* Signalled before the thread ever waits: its first Recv returns with the badge at once. */
    seL4_Signal(badged);
    TEST_OK(env, thread_start(&thread, entry_recv_record_badge, ep));
    TEST_EQ(env, test_wait_flag(env, &tcb_badge_seen, 1000), 0x21);
}

static void test_bind_twice_refused(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr other = test_object(env, seL4_NotificationObject, 0);

    TEST_CHECK(env, other != 0, "setup");
    TEST_EXPECT_ERR(env, seL4_TCB_UnbindNotification(tcb), seL4_IllegalOperation);
    TEST_OK(env, seL4_TCB_BindNotification(tcb, ntfn));
    TEST_EXPECT_ERR(env, seL4_TCB_BindNotification(tcb, other), seL4_IllegalOperation);
    TEST_OK(env, seL4_TCB_UnbindNotification(tcb));
    TEST_OK(env, seL4_TCB_BindNotification(tcb, other));
    /* A notification has at most one bound thread. */
    TEST_EXPECT_ERR(env, seL4_TCB_BindNotification(test_object(env, seL4_TCBObject, 0), other),
                    seL4_IllegalOperation);
}

static void test_configure_bad_spaces(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    TEST_EXPECT_ERR(env,
                    seL4_TCB_Configure(tcb, 0, ep, 0, seL4_CapInitThreadVSpace, 0, 0, seL4_CapNull),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ep, 0, 0, seL4_CapNull),
                    seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_TCB_SetSpace(tcb, 0, ROOT_CNODE, 0, ep, 0), seL4_IllegalOperation);
    TEST_OK(env, seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, seL4_CapInitThreadVSpace, 0, 0,
                                    seL4_CapNull));
}

static void test_ipc_buffer_checks(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    TEST_EXPECT_ERR(env, seL4_TCB_SetIPCBuffer(tcb, 0x10000008, frame), seL4_AlignmentError);
    TEST_EXPECT_ERR(env, seL4_TCB_SetIPCBuffer(tcb, 0x10000000, ep), seL4_IllegalOperation);
    TEST_OK(env, seL4_TCB_SetIPCBuffer(tcb, 0x10000400, frame));
}

/*
 * A thread whose IPC buffer capability is read-only: the kernel reads its arguments there but
 * must not write reply words into it (the frame is read-only to the thread, and may be
 * another's). Replies are cut to the four register MRs, as without a buffer: a ReadRegisters
 * result, then an error with five words of lookup failure.
 */
static void test_read_only_ipc_buffer_not_written(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    thread_t target;
    seL4_UserContext target_regs;
    seL4_UserContext next;
    test_fault_run_t run;
    seL4_CPtr read_only;
    seL4_CPtr dest = test_slot(env);
    seL4_IPCBuffer *buffer;

    TEST_CHECK(env, dest != 0, "setup");
    TEST_CHECK(env, test_thread_new_at(env, &target, &opts, stub_spin_yield, &target_regs),
               "target");
    TEST_OK(env, seL4_TCB_WriteRegisters(target.tcb, seL4_False, 0, seL4_UserContext_Count,
                                         &target_regs));
    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_syscall), "thread");
    buffer = run.thread.ipc_buffer;
    read_only = test_copy(env, run.thread.ipc_frame, seL4_CanRead);
    TEST_CHECK(env, read_only != 0, "copy");
    TEST_OK(env, seL4_TCB_SetIPCBuffer(run.thread.tcb, (seL4_Word)buffer, read_only));
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        buffer->msg[i] = 0xaaaa0000u + (seL4_Word)i;
    }

    run.context.rdx = (seL4_Word)seL4_SysCall;
    run.context.rdi = target.tcb;
    run.context.rsi = seL4_MessageInfo_new(TCBReadRegisters, 0, 0, 2).words[0];
    run.context.r10 = 0;
    run.context.r8 = seL4_UserContext_Count;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
    TEST_EQ(env, run.mrs[seL4_UserContext_RSI], seL4_MessageInfo_new(0, 0, 0, 4).words[0]);
    TEST_EQ(env, run.mrs[seL4_UserContext_R10], target_regs.rip);
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        TEST_EQ(env, buffer->msg[i], 0xaaaa0000u + (seL4_Word)i);
    }

    /* Again from the syscall: a Copy whose source guard does not match (FailedLookup, source,
     * GuardMismatch, bits left, guard found, bits found). */
    for (int i = 0; i < seL4_UserContext_Count; i++) {
        ((seL4_Word *)&next)[i] = run.mrs[i];
    }
    next.rip = (seL4_Word)stub_syscall;
    next.rdx = (seL4_Word)seL4_SysCall;
    next.rdi = ROOT_CNODE;
    next.rsi = seL4_MessageInfo_new(CNodeCopy, 0, 1, 5).words[0];
    next.r10 = dest;
    next.r8 = ROOT_DEPTH;
    next.r9 = 1ull << 63;
    next.r15 = ROOT_DEPTH;
    buffer->caps_or_badges[0] = ROOT_CNODE;
    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_SetMR(i, ((seL4_Word *)&next)[i]);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault");
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
    TEST_EQ(env, run.mrs[seL4_UserContext_RSI],
            seL4_MessageInfo_new(seL4_FailedLookup, 0, 0, 4).words[0]);
    TEST_EQ(env, run.mrs[seL4_UserContext_R8], seL4_GuardMismatch);
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        TEST_EQ(env, buffer->msg[i], 0xaaaa0000u + (seL4_Word)i);
    }
}

static void test_set_space_switches_cspace(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr first = test_cspace_new(env, 4);
    seL4_CPtr second = test_cspace_new(env, 4);
    seL4_CPtr badge_a = test_mint(env, ntfn, seL4_AllRights, 0x1);
    seL4_CPtr badge_b = test_mint(env, ntfn, seL4_AllRights, 0x2);
    test_thread_opts_t opts = {.cspace = 0};
    thread_t thread;
    seL4_Word badge = 0;

    TEST_CHECK(env, badge_b != 0, "setup");
    opts.cspace = first;
    TEST_CHECK(env, test_cspace_put(env, first, 1, badge_a, seL4_AllRights), "put");
    TEST_CHECK(env, test_cspace_put(env, second, 1, badge_b, seL4_AllRights), "put");
    TEST_CHECK(env, test_thread_new(env, &thread, &opts), "thread");
    /* Same cptr, other CSpace: the signal must arrive with the second badge. */
    TEST_OK(env, seL4_TCB_SetSpace(thread.tcb, 0, second, 0, seL4_CapInitThreadVSpace, 0));
    TEST_OK(env, thread_start(&thread, entry_record_and_signal, 1ull << 32));
    TEST_CHECK(env, test_wait_signal(env, ntfn, 1000, &badge), "no signal");
    TEST_EQ(env, badge, 0x2);
}

static void test_cspace_root_data_guard(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr raw = test_object(env, seL4_CapTableObject, 4);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x5);
    test_thread_opts_t opts = {.self_tcb = TEST_NO_SELF_TCB}; /* its CSpace changes below */
    thread_t thread;
    seL4_Word badge = 0;

    TEST_CHECK(env, badged != 0, "setup");
    TEST_OK(env, seL4_CNode_Copy(raw, 1, 4, ROOT_CNODE, badged, ROOT_DEPTH, seL4_AllRights));
    TEST_CHECK(env, test_thread_new(env, &thread, &opts), "thread");
    /* An unguarded CNode, given a 60-bit guard through cspace_root_data. */
    TEST_OK(env, seL4_TCB_SetSpace(thread.tcb, 0, raw, seL4_CNode_CapData_new(0, 60),
                                   seL4_CapInitThreadVSpace, 0));
    TEST_OK(env, thread_start(&thread, entry_record_and_signal, 1ull << 32));
    TEST_CHECK(env, test_wait_signal(env, ntfn, 1000, &badge), "no signal");
    TEST_EQ(env, badge, 0x5);
}

static void test_invoke_wrong_type(test_env_t *env)
{
    /* A CNode capability does not understand TCB invocations. */
    TEST_EXPECT_ERR(env, seL4_TCB_Suspend(ROOT_CNODE), seL4_IllegalOperation);
    TEST_EXPECT_ERR(env, seL4_TCB_SetTLSBase(ROOT_CNODE, 0), seL4_IllegalOperation);
}

static const test_case_t tcb_cases[] = {
        {"tcb_thread_same_space", test_thread_same_space},
        {"tcb_thread_other_space", test_thread_other_space},
        {"tcb_write_read_registers", test_write_read_registers},
        {"tcb_registers_reach_thread_fs_gs", test_registers_reach_the_thread},
        {"tcb_set_tls_base", test_set_tls_base},
        {"tcb_fs_gs_base_per_thread", test_fsgs_base_per_thread},
        {"tcb_set_tls_base_takes_effect", test_set_tls_base_takes_effect},
        {"tcb_noncanonical_rejected", test_noncanonical_rejected},
        {"tcb_rflags_sanitised", test_rflags_sanitised},
        {"tcb_register_count_range", test_register_count_range},
        {"tcb_own_registers_refused", test_own_registers_refused},
        {"tcb_suspend_resume", test_suspend_resume},
        {"tcb_read_registers_suspends", test_read_registers_suspends},
        {"tcb_copy_registers", test_copy_registers},
        {"tcb_copy_registers_noncanonical_source", test_copy_registers_noncanonical_source},
        {"tcb_priority_bounded_by_mcp", test_priority_bounded_by_mcp},
        {"tcb_priority_out_of_range", test_priority_out_of_range},
        {"tcb_bound_notification_wakes_recv", test_bound_notification_wakes_recv},
        {"tcb_pending_bound_signal_ends_recv", test_pending_bound_signal_ends_next_recv},
        {"tcb_bind_twice_refused", test_bind_twice_refused},
        {"tcb_configure_bad_spaces", test_configure_bad_spaces},
        {"tcb_ipc_buffer_checks", test_ipc_buffer_checks},
        {"tcb_read_only_ipc_buffer_not_written", test_read_only_ipc_buffer_not_written},
        {"tcb_set_space_switches_cspace", test_set_space_switches_cspace},
        {"tcb_cspace_root_data_guard", test_cspace_root_data_guard},
        {"tcb_invoke_wrong_type", test_invoke_wrong_type},
};

const test_group_t tcb_group = TEST_GROUP(tcb_cases);
