/*
 * The PV page's control word (sel4/pv.h): a thread whose word has seL4_PVControl_TS gets #NM
 * for its x87, MMX and SSE instructions and keeps its FPU registers, one with seL4_PVControl_TSD
 * gets #GP(0) for RDTSC and RDTSCP; every other thread, the suite itself included, runs on
 * unaffected. Undefined bits void the word; the bits end with the page and with the thread.
 */
#include "groups.h"
#include "hostile_stubs.h"
#include <sel4/pv.h>

extern char pvc_fninit[], pvc_fninit_at[], pvc_fninit_end[], pvc_fwait[], pvc_fwait_at[],
        pvc_fwait_end[], pvc_paddb[], pvc_paddb_at[], pvc_paddb_end[], pvc_addps[], pvc_addps_at[],
        pvc_addps_end[], pvc_movq[], pvc_movq_at[], pvc_movq_end[], pvc_smsw[], pvc_smsw_end[],
        pvc_sse[], pvc_sse_set[], pvc_sse_at[], pvc_sse_end[], pvc_sse_loop[], pvc_sse_loop_end[],
        pvc_syscall[];
seL4_Word pvc_xmm0_exchange(seL4_Word value);

#define VEC_UD       6
#define VEC_NM       7
#define VEC_GP       13
#define UD2_LENGTH   2
#define THREAD_VALUE 0x5a5a0123456789a5ull /* what a thread puts in its XMM register */
#define SUITE_VALUE  0x3c3c0fedcba98763ull /* what the suite puts in its own XMM0 */
#define ROUNDS       40
#define CR0_TS       0x8ull
#define WAIT_MS      100

/* A fresh (zeroed) PV page mapped in the suite, with its frame. */
static seL4_PVPage *page_new(test_env_t *env, seL4_CPtr *frame)
{
    return test_pages(env, 1, frame);
}

/* A thread about to run stub with the page (frame) whose control word is control. */
static int run_new(test_env_t *env, test_fault_run_t *run, const void *stub, seL4_PVPage *page,
                   seL4_CPtr frame, seL4_Word control)
{
    if (!test_fault_run_new(env, run, NULL, stub)) {
        return 0;
    }
    page->control = control;
    return seL4_TCB_SetPVPage(run->thread.tcb, frame) == seL4_NoError;
}

/* Replies to run's last fault with its own registers, RIP changed to rip: through the caller
 * slot, or through the reply capability saved at `saved` when that is not 0. */
static void resume_through(test_fault_run_t *run, const void *rip, seL4_CPtr saved)
{
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count);

    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_SetMR(i, i == seL4_UserContext_RIP ? (seL4_Word)rip : run->mrs[i]);
    }
    if (saved != 0) {
        seL4_Send(saved, info);
    } else {
        seL4_Reply(info);
    }
}

static void resume_at(test_fault_run_t *run, const void *rip)
{
    resume_through(run, rip, 0);
}

/* Whether run's last fault is the user exception vector (error code 0) at rip. */
static int fault_is(test_env_t *env, const test_fault_run_t *run, seL4_Word vector, const void *rip)
{
    if (run->label != seL4_Fault_UserException || run->mrs[seL4_UserException_Number] != vector ||
        run->mrs[seL4_UserException_Code] != 0 ||
        run->mrs[seL4_UserContext_RIP] != (seL4_Word)rip) {
        test_fail(env, __LINE__, "fault label %lu vector %lu code %#lx at %#lx, expected %lu at %p",
                  (unsigned long)run->label, (unsigned long)run->mrs[seL4_UserException_Number],
                  (unsigned long)run->mrs[seL4_UserException_Code],
                  (unsigned long)run->mrs[seL4_UserContext_RIP], (unsigned long)vector, rip);
        return 0;
    }
    return 1;
}

/* A thread at pvc_sse with the page (word 0), run to its UD2 after setting XMM0 to THREAD_VALUE;
 * it then yields `rounds` times before its MOVQ from XMM0. */
static int sse_run_start(test_env_t *env, test_fault_run_t *run, seL4_PVPage *page, seL4_CPtr frame,
                         seL4_Word rounds)
{
    if (page == NULL || !run_new(env, run, pvc_sse, page, frame, 0)) {
        test_fail(env, __LINE__, "thread");
        return 0;
    }
    run->context.rax = THREAD_VALUE;
    run->context.r12 = rounds;
    return test_fault_run_start(env, run) && fault_is(env, run, VEC_UD, pvc_sse_set);
}

/*
 * A thread that set XMM0 gets #NM once the word has TS, and the suite's SSE use in between (the
 * kernel's FXSAVE of the thread's state with its CR0.TS in the CPU) loses nothing on either side.
 */
static void test_ts_keeps_fpu_state(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t run;

    TEST_CHECK(env, sse_run_start(env, &run, page, frame, 0), "the UD2 after XMM0 was set");
    pvc_xmm0_exchange(SUITE_VALUE);
    page->control = seL4_PVControl_TS;
    resume_at(&run, pvc_sse_set + UD2_LENGTH);
    TEST_CHECK(env, test_fault_run_next(env, &run), "#NM");
    TEST_CHECK(env, fault_is(env, &run, VEC_NM, pvc_sse_at), "#NM at the MOVQ");
    TEST_EQ(env, pvc_xmm0_exchange(SUITE_VALUE), SUITE_VALUE);
    /* The word is read at every return: cleared, the same MOVQ runs with the thread's XMM0. */
    page->control = 0;
    resume_at(&run, pvc_sse_at);
    TEST_CHECK(env, test_fault_run_next(env, &run), "end");
    TEST_CHECK(env, fault_is(env, &run, VEC_UD, pvc_sse_end), "the MOVQ ran");
    TEST_EQ(env, run.mrs[seL4_UserContext_RBX], THREAD_VALUE);
    TEST_EQ(env, pvc_xmm0_exchange(0), SUITE_VALUE);
}

/* x87, WAIT (CR0.MP is set), MMX and SSE instructions: #NM with TS, nothing without. */
static void test_ts_fpu_instructions(test_env_t *env)
{
    static const struct {
        const char *name;
        const char *stub, *at, *end;
    } cases[] = {
            {"FNINIT", pvc_fninit, pvc_fninit_at, pvc_fninit_end},
            {"FWAIT", pvc_fwait, pvc_fwait_at, pvc_fwait_end},
            {"PADDB", pvc_paddb, pvc_paddb_at, pvc_paddb_end},
            {"ADDPS", pvc_addps, pvc_addps_at, pvc_addps_end},
            {"MOVQ", pvc_movq, pvc_movq_at, pvc_movq_end},
    };
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t run;

    TEST_CHECK(env, page != NULL, "page");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        TEST_CHECK(env, run_new(env, &run, cases[i].stub, page, frame, seL4_PVControl_TS),
                   "thread");
        TEST_CHECK(env, test_fault_run_start(env, &run), "%s with TS", cases[i].name);
        TEST_CHECK(env, fault_is(env, &run, VEC_NM, cases[i].at), "%s with TS", cases[i].name);
        TEST_CHECK(env, run_new(env, &run, cases[i].stub, page, frame, 0), "thread");
        TEST_CHECK(env, test_fault_run_start(env, &run), "%s without", cases[i].name);
        TEST_CHECK(env, fault_is(env, &run, VEC_UD, cases[i].end), "%s without", cases[i].name);
    }
}

/*
 * While a thread with TS yields ROUNDS times, another thread keeps a value in XMM1 across as
 * many yields: it never faults (its CR0.TS is clear) and never sees its register change.
 */
static void test_ts_other_thread_unaffected(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t with_ts;
    test_fault_run_t other;

    TEST_CHECK(env, sse_run_start(env, &with_ts, page, frame, ROUNDS), "XMM0 set");
    page->control = seL4_PVControl_TS;
    TEST_CHECK(env, test_fault_run_new(env, &other, NULL, pvc_sse_loop), "other thread");
    other.context.rax = SUITE_VALUE;
    other.context.r12 = ROUNDS;
    resume_at(&with_ts, pvc_sse_set + UD2_LENGTH);
    TEST_CHECK(env, test_fault_run_start(env, &other), "other thread's end");
    TEST_CHECK(env, fault_is(env, &other, VEC_UD, pvc_sse_loop_end), "other thread's loop");
    TEST_EQ(env, other.mrs[seL4_UserContext_RAX], SUITE_VALUE + ROUNDS);
    TEST_CHECK(env, test_fault_run_next(env, &with_ts), "#NM");
    TEST_CHECK(env, fault_is(env, &with_ts, VEC_NM, pvc_sse_at), "#NM after the yields");
    TEST_EQ(env, with_ts.mrs[seL4_UserContext_R12], 0);
    page->control = 0;
    resume_at(&with_ts, pvc_sse_at);
    TEST_CHECK(env, test_fault_run_next(env, &with_ts), "end");
    TEST_EQ(env, with_ts.mrs[seL4_UserContext_RBX], THREAD_VALUE);
}

enum { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/* A CPUID leaf's registers (subleaf 0), zeros when the leaf is past the top of its range. */
static void cpuid_leaf(uint32_t leaf, uint32_t regs[4])
{
    uint32_t top = leaf & 0x80000000u;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;

    __asm__ volatile("cpuid" : "+a"(top), "=b"(ebx), "=c"(ecx), "=d"(edx) : "c"(0));
    regs[CPUID_EAX] = regs[CPUID_EBX] = regs[CPUID_ECX] = regs[CPUID_EDX] = 0;
    if (top >= leaf) {
        regs[CPUID_EAX] = leaf;
        __asm__ volatile("cpuid"
                         : "+a"(regs[CPUID_EAX]), "=b"(regs[CPUID_EBX]), "=c"(regs[CPUID_ECX]),
                           "=d"(regs[CPUID_EDX])
                         : "c"(0));
    }
}

static int cpu_feature(uint32_t leaf, unsigned reg, unsigned bit)
{
    uint32_t regs[4];

    cpuid_leaf(leaf, regs);
    return ((regs[reg] >> bit) & 1u) != 0 ? 1 : 0;
}

/* Where SMSW runs in user mode (no UMIP), the thread reads CR0.TS as its word says. */
static void test_ts_is_cr0_ts(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t run;

    if (cpu_feature(7, CPUID_ECX, 2)) { /* UMIP */
        return;                         /* SMSW is #GP at CPL 3 here (hostile_cpu checks that) */
    }
    TEST_CHECK(env, page != NULL && run_new(env, &run, pvc_smsw, page, frame, seL4_PVControl_TS),
               "thread");
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_CHECK(env, fault_is(env, &run, VEC_UD, pvc_smsw_end), "SMSW");
    TEST_EQ(env, run.mrs[seL4_UserContext_RAX] & CR0_TS, CR0_TS);
    TEST_CHECK(env, run_new(env, &run, pvc_smsw, page, frame, seL4_PVControl_TSD), "thread");
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.mrs[seL4_UserContext_RAX] & CR0_TS, 0);
}

/* RDTSC (and RDTSCP) #GP(0) for the thread with TSD only; cleared, the same RDTSC runs. */
static void test_tsd_per_thread(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_CPtr other_frame;
    seL4_PVPage *page = page_new(env, &frame);
    seL4_PVPage *other_page = page_new(env, &other_frame);
    seL4_CPtr saved = test_slot(env);
    test_fault_run_t with_tsd;
    test_fault_run_t run;

    TEST_CHECK(env, page != NULL && other_page != NULL && saved != 0, "pages");
    TEST_CHECK(env, run_new(env, &with_tsd, hc_rdtsc, page, frame, seL4_PVControl_TSD), "thread");
    TEST_CHECK(env, test_fault_run_start(env, &with_tsd), "fault");
    TEST_CHECK(env, fault_is(env, &with_tsd, VEC_GP, hc_rdtsc_at), "RDTSC with TSD");
    TEST_OK(env, seL4_CNode_SaveCaller(ROOT_CNODE, saved, ROOT_DEPTH));
    /* Meanwhile a thread without a page and one with TS only read the TSC. */
    TEST_CHECK(env, test_fault_run(env, &run, NULL, hc_rdtsc, 0, 0), "thread without a page");
    TEST_CHECK(env, fault_is(env, &run, VEC_UD, hc_rdtsc_end), "RDTSC without a page");
    TEST_CHECK(env, run_new(env, &run, hc_rdtsc, other_page, other_frame, seL4_PVControl_TS),
               "thread");
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_CHECK(env, fault_is(env, &run, VEC_UD, hc_rdtsc_end), "RDTSC with TS only");
    page->control = 0;
    resume_through(&with_tsd, hc_rdtsc_at, saved);
    TEST_CHECK(env, test_fault_run_next(env, &with_tsd), "end");
    TEST_CHECK(env, fault_is(env, &with_tsd, VEC_UD, hc_rdtsc_end), "RDTSC with TSD cleared");
    if (cpu_feature(0x80000001u, CPUID_EDX, 27)) { /* RDTSCP */
        TEST_CHECK(env, run_new(env, &run, hc_rdtscp, page, frame, seL4_PVControl_TSD), "thread");
        TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
        TEST_CHECK(env, fault_is(env, &run, VEC_GP, hc_rdtscp_at), "RDTSCP with TSD");
    }
}

/* A word with any undefined bit is void: neither TS nor TSD applies. */
static void test_undefined_bits_void_the_word(test_env_t *env)
{
    static const seL4_Word words[] = {
            seL4_PVControl_All | 0x4,
            seL4_PVControl_All | (1ull << 63),
            ~0ull,
    };
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t run;

    TEST_CHECK(env, page != NULL, "page");
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        TEST_CHECK(env, run_new(env, &run, pvc_movq, page, frame, words[i]), "thread");
        TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
        TEST_CHECK(env, fault_is(env, &run, VEC_UD, pvc_movq_end), "MOVQ, word %#lx",
                   (unsigned long)words[i]);
        TEST_CHECK(env, run_new(env, &run, hc_rdtsc, page, frame, words[i]), "thread");
        TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
        TEST_CHECK(env, fault_is(env, &run, VEC_UD, hc_rdtsc_end), "RDTSC, word %#lx",
                   (unsigned long)words[i]);
    }
}

/* Removing the page ends the bits, also for a thread stopped at its #NM. */
static void test_page_removed(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t run;

    TEST_CHECK(env, sse_run_start(env, &run, page, frame, 0), "XMM0 set");
    page->control = seL4_PVControl_All;
    resume_at(&run, pvc_sse_set + UD2_LENGTH);
    TEST_CHECK(env, test_fault_run_next(env, &run), "#NM");
    TEST_CHECK(env, fault_is(env, &run, VEC_NM, pvc_sse_at), "#NM");
    TEST_OK(env, seL4_TCB_SetPVPage(run.thread.tcb, seL4_CapNull));
    resume_at(&run, pvc_sse_at);
    TEST_CHECK(env, test_fault_run_next(env, &run), "end");
    TEST_CHECK(env, fault_is(env, &run, VEC_UD, pvc_sse_end), "the MOVQ ran");
    TEST_EQ(env, run.mrs[seL4_UserContext_RBX], THREAD_VALUE);
    TEST_EQ(env, page->control, seL4_PVControl_All); /* the page itself is the VMM's */
}

/*
 * A thread with both bits in effect (and the FPU's owner) deletes its own TCB: the kernel then
 * loads the next thread's FPU state with CR0.TS still set from the deleted one, which must not
 * fault in the kernel, and nobody after it runs with its bits.
 */
static void test_deleted_thread(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = page_new(env, &frame);
    test_fault_run_t run;
    test_fault_run_t after;

    TEST_CHECK(env, page != NULL, "page");
    TEST_CHECK(env, run_new(env, &run, pvc_syscall, page, frame, seL4_PVControl_All), "thread");
    run.context.rdx = (seL4_Word)seL4_SysCall;
    run.context.rdi = ROOT_CNODE;
    run.context.rsi = seL4_MessageInfo_new(CNodeDelete, 0, 0, 2).words[0];
    run.context.r10 = run.thread.tcb;
    run.context.r8 = ROOT_DEPTH;
    pvc_xmm0_exchange(SUITE_VALUE);
    TEST_CHECK(env, test_thread_start_at(env, &run.thread, &run.context), "start");
    TEST_CHECK(env, !test_wait_message(env, run.ep, WAIT_MS, NULL, NULL),
               "the thread did not delete itself");
    TEST_EQ(env, seL4_DebugCapIdentify(run.thread.tcb), 0);
    TEST_EQ(env, pvc_xmm0_exchange(0), SUITE_VALUE);
    TEST_CHECK(env, test_fault_run(env, &after, NULL, pvc_movq, 0, 0), "next thread");
    TEST_CHECK(env, fault_is(env, &after, VEC_UD, pvc_movq_end), "MOVQ after the deletion");
    TEST_CHECK(env, test_fault_run(env, &after, NULL, hc_rdtsc, 0, 0), "next thread");
    TEST_CHECK(env, fault_is(env, &after, VEC_UD, hc_rdtsc_end), "RDTSC after the deletion");
}

static const test_case_t pv_control_cases[] = {
        {"pv_control_ts_keeps_fpu_state", test_ts_keeps_fpu_state},
        {"pv_control_ts_fpu_instructions", test_ts_fpu_instructions},
        {"pv_control_ts_other_thread_unaffected", test_ts_other_thread_unaffected},
        {"pv_control_ts_is_cr0_ts", test_ts_is_cr0_ts},
        {"pv_control_tsd_per_thread", test_tsd_per_thread},
        {"pv_control_undefined_bits", test_undefined_bits_void_the_word},
        {"pv_control_page_removed", test_page_removed},
        {"pv_control_deleted_thread", test_deleted_thread},
};

const test_group_t pv_control_group = TEST_GROUP(pv_control_cases);
