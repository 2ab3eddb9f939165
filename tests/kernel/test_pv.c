/*
 * What the kernel offers a PV VMM: the code segment in every fault message, set by a fault reply
 * or by WriteRegisters (a guest's 32-bit boot code runs in compatibility mode), and the PV fast
 * path, which applies CLI, STI and the patched PUSHF and POPF of the sites the PV page lists to
 * the guest's virtual interrupt flag without a fault message, and faults as usual for anything
 * else: no site, a disabled page, an interrupt pending, a stack out of reach, 32-bit code.
 */
#include "groups.h"
#include "hostile_stubs.h"
#include <sel4/pv.h>

extern char pv_stub[], pv_site_cli[], pv_site_pushf_off[], pv_site_sti[], pv_site_pushf_on[],
        pv_site_popf[], pv_stub_end[], pv_stray[];

#define VEC_UD    6
#define VEC_GP    13
#define START_RAX 0x0123456789abcdefull

/* Waits for the next fault of run's thread, reading the whole message. */
static int fault_next(test_env_t *env, test_fault_run_t *run)
{
    return test_wait_fault(env, run->ep, &run->label, run->mrs, seL4_Fault_MessageLength);
}

/* Replies to run's fault with its registers in context and, when cs is not 0, a code segment. */
static void reply_registers(test_fault_run_t *run, seL4_Word cs)
{
    const seL4_Word *words = (const seL4_Word *)&run->context;

    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_SetMR(i, words[i]);
    }
    seL4_SetMR(seL4_UserContext_Count, cs);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count + (cs != 0 ? 1 : 0)));
}

static void test_code_segment_in_faults(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, hc_ud2), "thread");
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.mrs[seL4_Fault_X86_CodeSegment], seL4_X86_CodeSegment64);
    /* Into 32-bit mode by the reply: the 32-bit code's DEC EAX runs as one. */
    run.context.rip = (seL4_Word)hc32_ud2;
    run.context.rax = START_RAX;
    reply_registers(&run, seL4_X86_CodeSegment32);
    TEST_CHECK(env, fault_next(env, &run), "fault in 32-bit mode");
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc32_ud2_at);
    TEST_EQ(env, (uint32_t)run.mrs[seL4_UserContext_RAX], (uint32_t)(START_RAX - 1));
    TEST_EQ(env, run.mrs[seL4_Fault_X86_CodeSegment], seL4_X86_CodeSegment32);
    /* And back: a reply without the word keeps 32-bit mode, one with it returns to 64-bit. */
    run.context.rip = (seL4_Word)hc_ud2;
    reply_registers(&run, seL4_X86_CodeSegment64);
    TEST_CHECK(env, fault_next(env, &run), "fault in 64-bit mode");
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc_ud2_at);
    TEST_EQ(env, run.mrs[seL4_Fault_X86_CodeSegment], seL4_X86_CodeSegment64);
}

/* A code segment other than the two user ones ends the thread, as a bad register does. */
static void test_bad_code_segment_reply(test_env_t *env)
{
    static const seL4_Word bad[] = {0, 0x08, 0x0b, 0x10, 0x23, 0x28, 0x2a, 0x33, ~0ull};
    test_fault_run_t run;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        TEST_CHECK(env, test_fault_run_new(env, &run, NULL, hc_ud2), "thread");
        TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
        run.context.rip = (seL4_Word)hc_ud2;
        const seL4_Word *words = (const seL4_Word *)&run.context;
        for (int r = 0; r < seL4_UserContext_Count; r++) {
            seL4_SetMR(r, words[r]);
        }
        seL4_SetMR(seL4_UserContext_Count, bad[i]);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count + 1));
        TEST_CHECK(env, !test_wait_message(env, run.ep, 20, NULL, NULL),
                   "code segment %#lx accepted", (unsigned long)bad[i]);
    }
}

static void test_write_registers_code_segment(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, hc32_ud2), "thread");
    run.context.rax = START_RAX;
    TEST_EXPECT_ERR(env,
                    seL4_TCB_WriteRegisters(run.thread.tcb, seL4_False, 3, seL4_UserContext_Count,
                                            &run.context),
                    seL4_InvalidArgument);
    TEST_EXPECT_ERR(env,
                    seL4_TCB_WriteRegisters(run.thread.tcb, seL4_False, 0x80,
                                            seL4_UserContext_Count, &run.context),
                    seL4_InvalidArgument);
    TEST_OK(env, seL4_TCB_WriteRegisters(run.thread.tcb, seL4_True, seL4_X86_WriteRegisters_Code32,
                                         seL4_UserContext_Count, &run.context));
    TEST_CHECK(env, fault_next(env, &run), "fault");
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)hc32_ud2_at);
    TEST_EQ(env, run.mrs[seL4_Fault_X86_CodeSegment], seL4_X86_CodeSegment32);
}

/* A page for the fast path, mapped in the suite (the test writes the table and reads flags). */
static seL4_PVPage *pv_page_new(test_env_t *env, seL4_CPtr *frame)
{
    seL4_PVPage *page = test_pages(env, 1, frame);

    if (page != NULL) {
        static const struct {
            const char *rip;
            seL4_Word kind;
        } sites[] = {{pv_site_cli, seL4_PVSite_CLI},
                     {pv_site_pushf_off, seL4_PVSite_PUSHF},
                     {pv_site_sti, seL4_PVSite_STI},
                     {pv_site_pushf_on, seL4_PVSite_PUSHF},
                     {pv_site_popf, seL4_PVSite_POPF}};
        page->site_count = sizeof(sites) / sizeof(sites[0]);
        for (size_t i = 0; i < page->site_count; i++) {
            page->sites[i].rip = (seL4_Word)sites[i].rip;
            page->sites[i].kind = sites[i].kind;
        }
        page->enabled = 1;
        page->flags = seL4_PV_IF;
    }
    return page;
}

/* A thread at pv_stub with a PV page, RCX holding the flags its POPF pops. */
static int pv_run_new(test_env_t *env, test_fault_run_t *run, seL4_CPtr frame, seL4_Word rcx)
{
    if (!test_fault_run_new(env, run, NULL, pv_stub)) {
        return 0;
    }
    run->context.rcx = rcx;
    return seL4_TCB_SetPVPage(run->thread.tcb, frame) == seL4_NoError;
}

static void test_fast_path(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = pv_page_new(env, &frame);
    test_fault_run_t run;

    TEST_CHECK(env, page != NULL, "page");
    TEST_CHECK(env, pv_run_new(env, &run, frame, 0x8d5 | seL4_PV_IF), "thread");
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    /* All five sites completed by the kernel: the first fault is the UD2 after them. */
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_stub_end);
    TEST_EQ(env, page->fast_hits, 5);
    TEST_EQ(env, run.mrs[seL4_UserContext_RAX] & seL4_PV_IF, 0);
    TEST_EQ(env, run.mrs[seL4_UserContext_RBX] & seL4_PV_IF, seL4_PV_IF);
    /* The real IF never changed; the pushed flags are the thread's own otherwise. */
    TEST_EQ(env, run.mrs[seL4_UserContext_RFLAGS] & 0x8d5, 0x8d5);
    TEST_EQ(env, page->flags & seL4_PV_IF, seL4_PV_IF);
    TEST_EQ(env, run.mrs[seL4_UserContext_RSP], run.context.rsp);
}

/* Each condition that must leave a trap to the VMM, and where the first fault must then be. */
static void test_fast_path_refusals(test_env_t *env)
{
    seL4_CPtr frame;
    seL4_PVPage *page = pv_page_new(env, &frame);
    test_fault_run_t run;

    TEST_CHECK(env, page != NULL, "page");
    /* Disabled: CLI is the #GP it is at CPL 3. */
    page->enabled = 0;
    TEST_CHECK(env, pv_run_new(env, &run, frame, 0) && test_fault_run_start(env, &run), "run");
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_GP);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_site_cli);
    /* STI while an interrupt is pending goes to the VMM, virtual IF unchanged. */
    page->enabled = 1;
    page->pending = 1;
    TEST_CHECK(env, pv_run_new(env, &run, frame, 0) && test_fault_run_start(env, &run), "run");
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_GP);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_site_sti);
    TEST_EQ(env, page->flags & seL4_PV_IF, 0);
    /* POPF setting IF while one is pending: the #UD of the patch byte. */
    page->sites[2].kind = seL4_PVSite_CLI; /* let the STI site pass as a CLI */
    TEST_CHECK(env, pv_run_new(env, &run, frame, seL4_PV_IF) && test_fault_run_start(env, &run),
               "run");
    TEST_EQ(env, run.mrs[seL4_UserException_Number], VEC_UD);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_site_popf);
    /* A PUSHF whose stack is out of reach: a fault, not a page fault in the kernel. */
    page->pending = 0;
    TEST_CHECK(env, pv_run_new(env, &run, frame, 0), "thread");
    run.context.rsp = 0x1000;
    TEST_CHECK(env, test_fault_run_start(env, &run), "run");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_site_pushf_off);
    /* A patch byte at no site: the thread's own #UD. */
    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, pv_stray), "thread");
    TEST_OK(env, seL4_TCB_SetPVPage(run.thread.tcb, frame));
    TEST_CHECK(env, test_fault_run_start(env, &run), "run");
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_stray);
    /* The page removed: plain faults again. */
    TEST_CHECK(env, pv_run_new(env, &run, frame, 0), "thread");
    TEST_OK(env, seL4_TCB_SetPVPage(run.thread.tcb, seL4_CapNull));
    TEST_CHECK(env, test_fault_run_start(env, &run), "run");
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)pv_site_cli);
}

/* Only a 4 KiB RAM frame the caller may read and write is a PV page. */
static void test_set_pv_page_checks(test_env_t *env)
{
    seL4_CPtr tcb = test_object(env, seL4_TCBObject, 0);
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_CPtr large = test_object(env, seL4_X86_LargePageObject, 0);
    seL4_CPtr read_only = frame != 0 ? test_copy(env, frame, seL4_CanRead) : 0;
    seL4_CPtr endpoint = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, read_only != 0 && large != 0 && endpoint != 0, "setup");
    TEST_EXPECT_ERR(env, seL4_TCB_SetPVPage(tcb, endpoint), seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_TCB_SetPVPage(tcb, large), seL4_InvalidCapability);
    TEST_EXPECT_ERR(env, seL4_TCB_SetPVPage(tcb, read_only), seL4_InvalidCapability);
    TEST_OK(env, seL4_TCB_SetPVPage(tcb, frame));
    TEST_OK(env, seL4_TCB_SetPVPage(tcb, seL4_CapNull));
}

static const test_case_t pv_cases[] = {
        {"pv_code_segment_in_faults", test_code_segment_in_faults},
        {"pv_bad_code_segment_reply", test_bad_code_segment_reply},
        {"pv_write_registers_code_segment", test_write_registers_code_segment},
        {"pv_fast_path", test_fast_path},
        {"pv_fast_path_refusals", test_fast_path_refusals},
        {"pv_set_page_checks", test_set_pv_page_checks},
};

const test_group_t pv_group = TEST_GROUP(pv_cases);
