/*
 * Misbehaving user code never takes down the kernel: wild pointers into the kernel window,
 * non-canonical addresses, privileged instructions, bad system call numbers, garbage
 * invocations, messages without an IPC buffer, stack overflow, many threads faulting at once.
 * Each offender runs in its own thread; afterwards the kernel must still answer normally.
 */
#include "groups.h"
#include "stubs.h"

#define KERNEL_WINDOW 0xffff800000000000ull

/* The kernel still works: create an object and use it. */
static int kernel_alive(test_env_t *env)
{
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = ntfn != 0 ? test_mint(env, ntfn, seL4_AllRights, 0x5) : 0;
    seL4_Word word = 0;

    if (badged == 0) {
        return 0;
    }
    seL4_Signal(badged);
    seL4_Poll(ntfn, &word);
    if (word != 0x5) {
        test_fail(env, __LINE__, "the kernel misbehaves after the offence");
        return 0;
    }
    return 1;
}

static void test_read_kernel_window(test_env_t *env)
{
    static const seL4_Word targets[] = {KERNEL_WINDOW, KERNEL_WINDOW + 0x100000,
                                        KERNEL_WINDOW + 0x7ffffffff8ull};
    test_fault_run_t run;

    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_read, targets[i], 0), "offence");
        TEST_EQ(env, run.label, seL4_Fault_VMFault);
        TEST_EQ(env, run.mrs[seL4_VMFault_Addr], targets[i]);
        TEST_CHECK(env, (run.mrs[seL4_VMFault_FSR] & seL4_VMFault_FSR_User) != 0, "FSR %#lx",
                   (unsigned long)run.mrs[seL4_VMFault_FSR]);
    }
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_write_kernel_window(test_env_t *env)
{
    test_fault_run_t run;

    /* 1 MiB into the window: where the kernel image is. */
    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_write, KERNEL_WINDOW + 0x100000, 0),
               "offence");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_CHECK(env, (run.mrs[seL4_VMFault_FSR] & seL4_VMFault_FSR_Write) != 0, "FSR %#lx",
               (unsigned long)run.mrs[seL4_VMFault_FSR]);
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_noncanonical_access(test_env_t *env)
{
    test_fault_run_t run;

    /* Not a page fault at all: the CPU raises #GP for a non-canonical address. */
    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_read, 0x8000000000000000ull, 0),
               "offence");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], 13);
    TEST_CHECK(env, kernel_alive(env), "alive");
}

/* The last page of the lower half: an instruction ending on its last byte leaves RIP at the
 * first non-canonical address. */
#define LOWER_HALF_LAST_PAGE 0x00007ffffffff000ull
#define LOWER_HALF_END       0x0000800000000000ull
#define EXC_BREAKPOINT       3
#define EXC_GP               13

/* The fault of a thread whose RIP is LOWER_HALF_END: #GP(0) there, as the CPU's fetch gives. */
static int expect_noncanonical_rip_fault(test_env_t *env, const test_fault_run_t *run)
{
    if (run->label != seL4_Fault_UserException || run->mrs[seL4_UserException_Number] != EXC_GP ||
        run->mrs[seL4_UserException_Code] != 0 ||
        run->mrs[seL4_UserContext_RIP] != LOWER_HALF_END) {
        test_fail(env, __LINE__, "label %lu vector %lu code %#lx rip %#lx",
                  (unsigned long)run->label, (unsigned long)run->mrs[seL4_UserException_Number],
                  (unsigned long)run->mrs[seL4_UserException_Code],
                  (unsigned long)run->mrs[seL4_UserContext_RIP]);
        return 0;
    }
    return 1;
}

/*
 * A `syscall` in the last two bytes of the lower half returns to a non-canonical RIP, and so
 * does a fault reply to an int3 in its last byte. Returning there with SYSRETQ or IRETQ faults in
 * kernel mode on Intel CPUs (and in Bochs); the thread must see the #GP(0) its own fetch at that
 * RIP would give, every time it is resumed there.
 */
static void test_noncanonical_return_address(test_env_t *env)
{
    seL4_CPtr frames[1];
    volatile uint8_t *code = test_pages(env, 1, frames);
    seL4_CPtr copy = code != NULL ? test_copy(env, frames[0], seL4_AllRights) : 0;
    vspace_t vspace;
    test_fault_run_t run;

    TEST_CHECK(env, copy != 0, "setup");
    TEST_CHECK(env, test_vspace_new(env, &vspace), "vspace");
    TEST_OK(env, vspace_map_frame(&vspace, copy, LOWER_HALF_LAST_PAGE, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    code[4094] = 0x0f; /* syscall */
    code[4095] = 0x05;
    TEST_CHECK(env, test_fault_run_new(env, &run, &vspace, (void *)(LOWER_HALF_END - 2)), "thread");
    run.context.rdx = (seL4_Word)seL4_SysBenchmarkNullSyscall;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_CHECK(env, expect_noncanonical_rip_fault(env, &run), "after syscall");
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault");
    TEST_CHECK(env, expect_noncanonical_rip_fault(env, &run), "resumed after syscall");

    code[4095] = 0xcc; /* int3: a trap, reported with RIP after it */
    TEST_CHECK(env, test_fault_run(env, &run, &vspace, (void *)(LOWER_HALF_END - 1), 0, 0),
               "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], EXC_BREAKPOINT);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], LOWER_HALF_END);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault");
    TEST_CHECK(env, expect_noncanonical_rip_fault(env, &run), "resumed after int3");
    TEST_CHECK(env, kernel_alive(env), "alive");
}

/*
 * A system call with TF set. Some CPUs (Bochs) raise the single-step trap of the SYSCALL itself
 * on the kernel's entry point, before the kernel has switched stacks: with the thread's RSP, so
 * also with an RSP pointing at the kernel image. The thread goes on after the call:
 * single-stepped onwards (#DB) where the return keeps TF in effect, or reaching the #UD behind
 * the call.
 */
#define EXC_DEBUG       1
#define EXC_INVALID_OP  6
#define RFLAGS_IF       0x200ull
#define RFLAGS_TF_IF    0x300ull
#define KERNEL_IMAGE_SP (KERNEL_WINDOW + 0x100000)

/*
 * Runs STUB with RFLAGS (and RSP, unless 0) until its first fault: a null system call where it
 * makes one. The fault must be one of the two exception numbers, at RIP, with the RSP it had.
 */
static void single_step_run(test_env_t *env, const void *stub, seL4_Word rflags, seL4_Word rsp,
                            seL4_Word rip, seL4_Word number_a, seL4_Word number_b)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub), "thread");
    run.context.rdx = (seL4_Word)seL4_SysBenchmarkNullSyscall;
    run.context.rflags = rflags;
    if (rsp != 0) {
        run.context.rsp = rsp;
    }
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    seL4_Word number = run.mrs[seL4_UserException_Number];
    TEST_CHECK(env, number == number_a || number == number_b, "exception %lu",
               (unsigned long)number);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], rip);
    TEST_EQ(env, run.mrs[seL4_UserContext_RSP], run.context.rsp);
}

/*
 * A system call with TF set. Some CPUs (Bochs) raise the single-step trap of the SYSCALL itself
 * on the kernel's entry point, before the kernel has switched stacks: with the thread's RSP, so
 * also with an RSP pointing at the kernel image. The thread goes on after the call:
 * single-stepped onwards (#DB) where the return keeps TF in effect, or reaching the #UD behind
 * the call.
 */
static void test_single_step_syscall(test_env_t *env)
{
    seL4_Word after = (seL4_Word)stub_syscall_after;

    single_step_run(env, stub_syscall, RFLAGS_TF_IF, 0, after, EXC_DEBUG, EXC_INVALID_OP);
    if (!env->failed) {
        single_step_run(env, stub_syscall, RFLAGS_TF_IF, KERNEL_IMAGE_SP, after, EXC_DEBUG,
                        EXC_INVALID_OP);
    }
    TEST_CHECK(env, kernel_alive(env), "alive");
}

/*
 * MOV SS (or POP SS) holds a pending #DB back until after the next instruction; when that one
 * enters the kernel (INT3, SYSCALL), the #DB arrives on the kernel's first instruction, still
 * with the user's GS and, for SYSCALL, the user's stack (CVE-2018-8897). The thread sees its
 * breakpoint or its system call and goes on; the kernel is not disturbed.
 */
static void test_movss_shadow(test_env_t *env)
{
    single_step_run(env, stub_movss_int3, RFLAGS_IF, 0, (seL4_Word)stub_movss_int3_after,
                    EXC_BREAKPOINT, EXC_BREAKPOINT);
    if (!env->failed) {
        single_step_run(env, stub_movss_syscall, RFLAGS_IF, 0, (seL4_Word)stub_movss_syscall_after,
                        EXC_DEBUG, EXC_INVALID_OP);
    }
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_privileged_instructions(test_env_t *env)
{
    static const struct {
        const char *name;
        const void *stub;
    } offences[] = {
            {"hlt", stub_hlt},     {"cli", stub_cli},         {"mov cr3", stub_read_cr3},
            {"wrmsr", stub_wrmsr}, {"in port", stub_port_in}, {"lgdt", stub_lgdt},
    };

    for (size_t i = 0; i < sizeof(offences) / sizeof(offences[0]); i++) {
        test_fault_run_t run;
        TEST_CHECK(env, test_fault_run(env, &run, NULL, offences[i].stub, 0, 0), "%s",
                   offences[i].name);
        TEST_CHECK(env,
                   run.label == seL4_Fault_UserException &&
                           run.mrs[seL4_UserException_Number] == 13,
                   "%s: label %lu exception %lu", offences[i].name, (unsigned long)run.label,
                   (unsigned long)run.mrs[seL4_UserException_Number]);
        TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)offences[i].stub);
    }
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_bad_syscall_numbers(test_env_t *env)
{
    static const seL4_Word numbers[] = {0,
                                        1,
                                        (seL4_Word)(seL4_SysMin - 1),
                                        (seL4_Word)-100,
                                        0x7fffffffffffffffull,
                                        0x8000000000000000ull};
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {.fault_ep = ep};

    TEST_CHECK(env, ep != 0, "setup");
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        seL4_UserContext context;
        thread_t thread;
        seL4_Word label = 0;
        seL4_Word mrs[seL4_UnknownSyscall_Length];
        TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_syscall, &context), "thread");
        context.rdx = numbers[i];
        TEST_CHECK(env, test_thread_start_at(env, &thread, &context), "start");
        TEST_CHECK(env, test_wait_fault(env, ep, &label, mrs, seL4_UnknownSyscall_Length),
                   "no fault for %#lx", (unsigned long)numbers[i]);
        TEST_EQ(env, label, seL4_Fault_UnknownSyscall);
        TEST_EQ(env, mrs[seL4_UnknownSyscall_Syscall], numbers[i]);
    }
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_garbage_invocations(test_env_t *env)
{
    static const seL4_Word infos[] = {
            0xffffffffffffffffull,              /* every field at its maximum */
            (CNodeCopy << 12) | (3 << 7) | 127, /* three bogus extra caps, 127 MRs */
            ((seL4_Word)UntypedRetype << 12) | 2,
            ((seL4_Word)nInvocationLabels << 12),
    };
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {.fault_ep = ep};

    TEST_CHECK(env, ep != 0, "setup");
    for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
        seL4_UserContext context;
        thread_t thread;
        seL4_Word label = 0;
        seL4_Word mrs[seL4_UserException_Length];
        TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_syscall, &context), "thread");
        /* Extra caps that resolve (to empty slots), so the decoders see the garbage. */
        for (int c = 0; c < seL4_MsgMaxExtraCaps; c++) {
            thread.ipc_buffer->caps_or_badges[c] = c == 1 ? seL4_CapIOSpace : seL4_CapNull;
        }
        context.rdx = (seL4_Word)seL4_SysCall;
        context.rdi = ROOT_CNODE; /* a real object, so the garbage reaches its decoder */
        context.rsi = infos[i];
        TEST_CHECK(env, test_thread_start_at(env, &thread, &context), "start");
        /* The call returns (with an error) and the thread reaches the #UD after it. */
        TEST_CHECK(env, test_wait_fault(env, ep, &label, mrs, seL4_UserException_Length),
                   "no fault after garbage %#lx", (unsigned long)infos[i]);
        TEST_EQ(env, label, seL4_Fault_UserException);
        TEST_EQ(env, mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
    }
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_message_without_ipc_buffer(test_env_t *env)
{
    seL4_CPtr fault_ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {.fault_ep = fault_ep};
    seL4_UserContext context;
    thread_t thread;
    seL4_MessageInfo_t info;
    seL4_Word label = 0;
    seL4_Word mrs[seL4_UserException_Length];

    TEST_CHECK(env, ep != 0, "setup");
    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_syscall, &context), "thread");
    TEST_OK(env, seL4_TCB_SetIPCBuffer(thread.tcb, 0, seL4_CapNull));
    context.rdx = (seL4_Word)seL4_SysSend;
    context.rdi = ep;
    context.rsi = seL4_MessageInfo_new(0x77, 0, 0, seL4_MsgMaxLength).words[0];
    TEST_CHECK(env, test_thread_start_at(env, &thread, &context), "start");
    /* The register part of the message arrives; the rest cannot, and nothing breaks. */
    TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, NULL), "no message");
    TEST_EQ(env, seL4_MessageInfo_get_label(info), 0x77);
    TEST_CHECK(env, seL4_MessageInfo_get_length(info) <= seL4_MsgMaxLength, "length");
    TEST_EQ(env, seL4_GetMR(0), context.r10);
    TEST_EQ(env, seL4_GetMR(3), context.r15);
    TEST_CHECK(env, test_wait_fault(env, fault_ep, &label, mrs, seL4_UserException_Length),
               "the sender did not go on");
    TEST_EQ(env, mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_stack_overflow(test_env_t *env)
{
    test_fault_run_t run;
    seL4_Word guard;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_stack_overflow, 0, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    /* The first push below the stack lands in the unmapped guard page. */
    guard = run.thread.stack_top - ((seL4_Word)THREAD_STACK_PAGES << seL4_PageBits) - 8;
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], guard);
    TEST_EQ(env, run.mrs[seL4_VMFault_FSR], seL4_VMFault_FSR_User | seL4_VMFault_FSR_Write);
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static void test_many_faulting_threads(test_env_t *env)
{
    enum { COUNT = 16 };
    thread_t threads[COUNT];

    /* No fault handlers: every one of them is stopped, none disturbs anything else. */
    for (int i = 0; i < COUNT; i++) {
        seL4_UserContext context;
        TEST_CHECK(env,
                   test_run_stub(env, &threads[i], seL4_CapNull, NULL,
                                 i % 2 ? stub_fault_write : stub_divide_error,
                                 KERNEL_WINDOW + (seL4_Word)i * 0x1000, 0, &context),
                   "thread %d", i);
    }
    test_yield(50);
    TEST_CHECK(env, kernel_alive(env), "alive");
}

static const test_case_t robust_cases[] = {
        {"robust_read_kernel_window", test_read_kernel_window},
        {"robust_write_kernel_image", test_write_kernel_window},
        {"robust_noncanonical_access", test_noncanonical_access},
        {"robust_noncanonical_return_address", test_noncanonical_return_address},
        {"robust_single_step_syscall", test_single_step_syscall},
        {"robust_movss_shadow", test_movss_shadow},
        {"robust_privileged_instructions", test_privileged_instructions},
        {"robust_bad_syscall_numbers", test_bad_syscall_numbers},
        {"robust_garbage_invocations", test_garbage_invocations},
        {"robust_message_without_ipc_buffer", test_message_without_ipc_buffer},
        {"robust_stack_overflow", test_stack_overflow},
        {"robust_many_faulting_threads", test_many_faulting_threads},
};

const test_group_t robust_group = TEST_GROUP(robust_cases);
