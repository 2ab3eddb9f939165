/*
 * Faults delivered as IPC with the thread's complete register set: VMFault (address, FSR,
 * instruction fetch), UserException (divide error, #UD, #GP for privileged instructions and
 * forbidden `int n`, int3), UnknownSyscall, CapFault in send and receive phases; replies that
 * resume, rewrite registers or stop the thread; badged fault endpoints; threads without a fault
 * handler; the fault-all-syscalls mode.
 */
#include "groups.h"
#include "stubs.h"

#define UNMAPPED 0x00007f0000000000ull

#define EXC_DIVIDE     0
#define EXC_DEBUG      1
#define EXC_BREAKPOINT 3
#define EXC_INVALID_OP 6
#define EXC_GP         13

static void expect_exception(test_env_t *env, const void *stub, seL4_Word number, seL4_Word code,
                             seL4_Word rip)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub, 0, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], number);
    TEST_EQ(env, run.mrs[seL4_UserException_Code], code);
    run.context.rip = rip;
    TEST_CHECK(env, test_registers_match(env, run.mrs, &run.context, 0), "registers");
}

static void test_vm_fault_read(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_read, UNMAPPED + 0x18, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], UNMAPPED + 0x18);
    TEST_EQ(env, run.mrs[seL4_VMFault_FSR], seL4_VMFault_FSR_User);
    TEST_EQ(env, run.mrs[seL4_VMFault_PrefetchFault], 0);
    /* The whole register set, exactly as the thread had it at the faulting instruction. */
    TEST_CHECK(env, test_registers_match(env, run.mrs, &run.context, 0), "registers");
}

static void test_vm_fault_write(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_write, UNMAPPED, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], UNMAPPED);
    TEST_EQ(env, run.mrs[seL4_VMFault_FSR], seL4_VMFault_FSR_User | seL4_VMFault_FSR_Write);
    TEST_CHECK(env, test_registers_match(env, run.mrs, &run.context, 0), "registers");
}

static void test_vm_fault_fetch(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_fault_exec, UNMAPPED + 0x40, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], UNMAPPED + 0x40);
    TEST_EQ(env, run.mrs[seL4_VMFault_PrefetchFault], 1);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], UNMAPPED + 0x40);
    TEST_CHECK(env, (run.mrs[seL4_VMFault_FSR] & seL4_VMFault_FSR_Write) == 0, "FSR %#lx",
               (unsigned long)run.mrs[seL4_VMFault_FSR]);
}

static void test_vm_fault_in_other_vspace(test_env_t *env)
{
    void *mine = test_pages(env, 1, NULL);
    vspace_t vspace;
    test_fault_run_t run;

    TEST_CHECK(env, mine != NULL, "setup");
    TEST_CHECK(env, test_vspace_new(env, &vspace), "vspace");
    /* Mapped in the root's VSpace, not in the thread's: isolation. */
    TEST_CHECK(env, test_fault_run(env, &run, &vspace, stub_fault_read, (seL4_Word)mine, 0),
               "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    TEST_EQ(env, run.mrs[seL4_VMFault_Addr], (seL4_Word)mine);
}

static void test_divide_error(test_env_t *env)
{
    expect_exception(env, stub_divide_error, EXC_DIVIDE, 0, (seL4_Word)stub_divide_error);
}

static void test_invalid_opcode(test_env_t *env)
{
    expect_exception(env, stub_ud2, EXC_INVALID_OP, 0, (seL4_Word)stub_ud2);
}

static void test_privileged_instruction(test_env_t *env)
{
    expect_exception(env, stub_hlt, EXC_GP, 0, (seL4_Word)stub_hlt);
}

static void test_breakpoint(test_env_t *env)
{
    /* int3 is a trap: the saved RIP is the instruction after it. */
    expect_exception(env, stub_int3, EXC_BREAKPOINT, 0, (seL4_Word)stub_int3 + 1);
}

static void test_single_step(test_env_t *env)
{
    test_fault_run_t run;

    /* TF set: the trap after the first instruction, with every register as it was. */
    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_nop_ud2), "thread");
    run.context.rflags = 0x300;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], EXC_DEBUG);
    run.context.rip = (seL4_Word)stub_nop_ud2_after;
    TEST_CHECK(env, test_registers_match(env, run.mrs, &run.context, 0), "registers");
}

static void test_forbidden_int_vector(test_env_t *env)
{
    /* The IDT gate of vector 0x80 is not open to user mode: #GP with the IDT error code, the
     * vector times 8 plus 2, on every platform (the kernel evens out emulator differences). */
    expect_exception(env, stub_int80, EXC_GP, (0x80 << 3) | 2, (seL4_Word)stub_int80);
}

static void test_unknown_syscall(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_syscall), "thread");
    run.context.rdx = 99;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UnknownSyscall);
    TEST_EQ(env, run.mrs[seL4_UnknownSyscall_Syscall], 99);
    /* RCX and R11 are the syscall instruction's own (return address and RFLAGS); RIP is where
     * the thread continues, after the syscall instruction, as RCX says. */
    TEST_EQ(env, run.mrs[seL4_UserContext_RCX], (seL4_Word)stub_syscall_after);
    run.context.rip = (seL4_Word)stub_syscall_after;
    TEST_CHECK(env, test_registers_match(env, run.mrs, &run.context, TEST_REG_RCX | TEST_REG_R11),
               "registers");
    /* Replying resumes after the system call: the #UD behind it comes next. */
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
}

static void test_reply_resumes_after_mapping(test_env_t *env)
{
    seL4_CPtr frame = test_object(env, seL4_X86_4K, 0);
    seL4_Word vaddr;
    test_fault_run_t run;

    TEST_CHECK(env, frame != 0, "setup");
    TEST_OK(env, vspace_reserve(&env->vspace, 4096, 4096, &vaddr));
    stub_result = 0;
    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_read_write, vaddr + 8, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_VMFault);
    /* Demand paging: map the page, reply, and the thread retries the access. */
    TEST_OK(env, vspace_map_frame(&env->vspace, frame, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes, seL4_False));
    *(volatile seL4_Word *)(vaddr + 8) = 500;
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    TEST_EQ(env, test_wait_flag(env, &stub_result, 1000), 501);
    TEST_EQ(env, *(volatile seL4_Word *)(vaddr + 8), 501);
}

static void test_reply_rewrites_registers(test_env_t *env)
{
    test_fault_run_t run;
    seL4_UserContext next;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_ud2, 0, 0), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    /* New values for every register; RIP at another #UD so the result comes back as a fault. */
    next = run.context;
    for (int i = 0; i < seL4_UserContext_Count; i++) {
        ((seL4_Word *)&next)[i] ^= 0x00000000f0f0f0f0ull;
    }
    next.rip = (seL4_Word)stub_hlt; /* a #GP this time, to tell the two faults apart */
    next.rsp = run.context.rsp - 64;
    next.rflags = 0x8c1;
    next.fs_base = run.context.fs_base;
    next.gs_base = 0x00007f00a0b0c000ull;
    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_SetMR(i, ((seL4_Word *)&next)[i]);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserException_Number], EXC_GP);
    TEST_CHECK(env, test_registers_match(env, run.mrs, &next, 0), "registers");
}

static void test_reply_nonzero_label_stops(test_env_t *env)
{
    test_fault_run_t run;
    seL4_UserContext regs;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_ud2, 0, 0), "fault");
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    /* The thread stays inactive: no second fault ... */
    TEST_CHECK(env, !test_wait_message(env, run.ep, 50, NULL, NULL), "the thread ran again");
    TEST_OK(env,
            seL4_TCB_ReadRegisters(run.thread.tcb, seL4_False, 0, seL4_UserContext_Count, &regs));
    TEST_EQ(env, regs.rip, (seL4_Word)stub_ud2);
    /* ... until it is resumed, when it faults again. */
    TEST_OK(env, seL4_TCB_Resume(run.thread.tcb));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault after Resume");
    TEST_EQ(env, run.mrs[seL4_UserException_Number], EXC_INVALID_OP);
}

static void test_reply_noncanonical_stops(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run(env, &run, NULL, stub_ud2, 0, 0), "fault");
    run.context.rip = 0x0000800000000000ull;
    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_SetMR(i, ((seL4_Word *)&run.context)[i]);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count));
    TEST_CHECK(env, !test_wait_message(env, run.ep, 50, NULL, NULL), "the thread ran again");
}

/*
 * A thread left blocked sending its fault message (nobody receives on its fault endpoint) whose
 * send is cancelled, by Suspend or by deleting the endpoint, is restarted elsewhere by
 * WriteRegisters and makes an ordinary Call: the call and its reply must be ordinary, not the
 * abandoned fault's message and a fault reply.
 */
static void cancelled_fault_case(test_env_t *env, int delete_endpoint)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr fresh = test_object(env, seL4_EndpointObject, 0);
    test_fault_run_t run;
    seL4_MessageInfo_t info;

    TEST_CHECK(env, fresh != 0, "setup");
    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_ud2), "thread");
    TEST_CHECK(env, test_thread_start_at(env, &run.thread, &run.context), "start");
    test_yield(5);
    if (delete_endpoint) {
        /* A fresh endpoint in the same slot takes the thread's later faults. */
        TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, run.ep, ROOT_DEPTH));
        TEST_OK(env,
                seL4_CNode_Move(ROOT_CNODE, run.ep, ROOT_DEPTH, ROOT_CNODE, fresh, ROOT_DEPTH));
    } else {
        TEST_OK(env, seL4_TCB_Suspend(run.thread.tcb));
    }
    run.context.rip = (seL4_Word)stub_syscall;
    run.context.rdx = (seL4_Word)seL4_SysCall;
    run.context.rdi = ep;
    run.context.rsi = seL4_MessageInfo_new(0x55, 0, 0, 1).words[0];
    run.context.r10 = 0x1234;
    TEST_CHECK(env, test_thread_start_at(env, &run.thread, &run.context), "restart");
    TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, NULL), "no call arrived");
    TEST_EQ(env, seL4_MessageInfo_get_label(info), 0x55);
    TEST_EQ(env, seL4_MessageInfo_get_length(info), 1);
    TEST_EQ(env, seL4_GetMR(0), 0x1234);
    /* The reply's MR0 lands in R10; the #UD after the call shows it. */
    seL4_SetMR(0, 0x777);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    TEST_CHECK(env, test_fault_run_next(env, &run), "fault after the call");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
    TEST_EQ(env, run.mrs[seL4_UserContext_R10], 0x777);
}

static void test_cancelled_fault_forgotten(test_env_t *env)
{
    cancelled_fault_case(env, 0);
    if (!env->failed) {
        cancelled_fault_case(env, 1);
    }
}

static void test_no_handler_stops_thread(test_env_t *env)
{
    test_thread_opts_t opts = {0};
    seL4_UserContext context;
    seL4_UserContext regs;
    thread_t thread;

    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_set_flag, &context), "thread");
    context.rbx = 0x77;
    stub_flag = 0;
    TEST_CHECK(env, test_thread_start_at(env, &thread, &context), "start");
    TEST_EQ(env, test_wait_flag(env, &stub_flag, 1000), 0x77);
    test_yield(10);
    /* It stopped at the #UD after the store, and nothing else happened. */
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &regs));
    TEST_EQ(env, regs.rip, (seL4_Word)stub_set_flag + 7);
    TEST_EQ(env, regs.rbx, 0x77);
}

static void test_badged_fault_endpoints(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr first = test_mint(env, ep, seL4_AllRights, 0x1);
    seL4_CPtr second = test_mint(env, ep, seL4_AllRights, 0x2);
    seL4_UserContext contexts[2];
    thread_t threads[2];
    seL4_Word seen = 0;

    TEST_CHECK(env, second != 0, "setup");
    TEST_CHECK(env,
               test_run_stub(env, &threads[0], first, NULL, stub_ud2, 0, 0, &contexts[0]) &&
                       test_run_stub(env, &threads[1], second, NULL, stub_hlt, 0, 0, &contexts[1]),
               "threads");
    /* One endpoint serves both; the badge says whose fault it is. */
    for (int i = 0; i < 2; i++) {
        seL4_MessageInfo_t info;
        seL4_Word badge = 0;
        TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, &badge), "fault %d", i);
        TEST_CHECK(env, badge == 1 || badge == 2, "badge %lu", (unsigned long)badge);
        TEST_EQ(env, seL4_GetMR(seL4_UserContext_RIP),
                badge == 1 ? (seL4_Word)stub_ud2 : (seL4_Word)stub_hlt);
        seen |= badge;
    }
    TEST_EQ(env, seen, 0x3);
}

static void test_cap_fault_send_phase(test_env_t *env)
{
    test_fault_run_t run;
    const seL4_Word bad = 0x123456789ull;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_syscall), "thread");
    run.context.rdx = (seL4_Word)seL4_SysCall;
    run.context.rdi = bad; /* bits above the root CNode's 12 do not match its guard */
    run.context.rsi = 0;
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_CapFault);
    TEST_EQ(env, run.mrs[seL4_CapFault_Addr], bad);
    TEST_EQ(env, run.mrs[seL4_CapFault_InRecvPhase], 0);
    TEST_EQ(env, run.mrs[seL4_CapFault_LookupFailureType], seL4_GuardMismatch);
    /* RIP is the syscall itself: a reply retries the system call. */
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall);
}

static void entry_recv_on(seL4_Word cptr)
{
    seL4_Recv(cptr, NULL);
}

static void test_cap_fault_recv_phase(test_env_t *env)
{
    seL4_CPtr fault_ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr write_only = test_mint(env, ep, seL4_CanWrite, 0);
    test_thread_opts_t opts = {.fault_ep = fault_ep};
    thread_t thread;
    seL4_Word label = 0;
    seL4_Word mrs[seL4_CapFault_Length];

    TEST_CHECK(env, write_only != 0, "setup");
    /* Receiving needs the read right: the lookup fails in the receive phase. */
    TEST_CHECK(env, test_thread_run(env, &thread, &opts, entry_recv_on, write_only), "thread");
    TEST_CHECK(env, test_wait_fault(env, fault_ep, &label, mrs, seL4_CapFault_Length), "no fault");
    TEST_EQ(env, label, seL4_Fault_CapFault);
    TEST_EQ(env, mrs[seL4_CapFault_Addr], write_only);
    TEST_EQ(env, mrs[seL4_CapFault_InRecvPhase], 1);
    TEST_EQ(env, mrs[seL4_CapFault_LookupFailureType], seL4_MissingCapability);
}

/* fault-all-syscalls: a thread in that mode issuing `syscall` with a valid number in RDX. */
static void all_syscalls_case(test_env_t *env, seL4_Word number, seL4_CPtr target)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_syscall), "thread");
    TEST_OK(env, seL4_TCB_SetFaultAllSyscalls(run.thread.tcb, 1));
    run.context.rdx = number;
    run.context.rdi = target;
    run.context.rsi = seL4_MessageInfo_new(0x3, 0, 0, 0).words[0];
    TEST_CHECK(env, test_fault_run_start(env, &run), "no fault for syscall %ld", (long)number);
    TEST_EQ(env, run.label, seL4_Fault_UnknownSyscall);
    TEST_EQ(env, run.mrs[seL4_UnknownSyscall_Syscall], number);
    TEST_EQ(env, run.mrs[seL4_UserContext_RDI], target);
}

static void test_fault_all_syscalls(test_env_t *env)
{
    static const seL4_Word numbers[] = {
            (seL4_Word)seL4_SysSend,  (seL4_Word)seL4_SysCall,
            (seL4_Word)seL4_SysYield, (seL4_Word)seL4_SysDebugPutChar,
            (seL4_Word)seL4_SysRecv,  (seL4_Word)seL4_SysBenchmarkNullSyscall,
    };
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]) && !env->failed; i++) {
        all_syscalls_case(env, numbers[i], ep);
    }
    /* None of them reached the kernel: nothing was sent on the endpoint. */
    TEST_CHECK(env, !test_wait_message(env, ep, 10, NULL, NULL), "a message got through");
}

static void test_fault_all_syscalls_reply_emulates(test_env_t *env)
{
    seL4_UserContext next;

    all_syscalls_case(env, (seL4_Word)seL4_SysYield, 0);
    TEST_CHECK(env, !env->failed, "fault");
    /* The handler emulates the call: new RIP and RBX; the thread runs on in the same mode. */
    test_read_mrs((seL4_Word *)&next, seL4_UserContext_Count);
    next.rip = (seL4_Word)stub_set_flag;
    next.rbx = 0xabc;
    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_SetMR(i, ((seL4_Word *)&next)[i]);
    }
    stub_flag = 0;
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserContext_Count));
    TEST_EQ(env, test_wait_flag(env, &stub_flag, 1000), 0xabc);
}

static void test_fault_all_syscalls_off(test_env_t *env)
{
    test_fault_run_t run;

    TEST_CHECK(env, test_fault_run_new(env, &run, NULL, stub_syscall), "thread");
    TEST_OK(env, seL4_TCB_SetFaultAllSyscalls(run.thread.tcb, 1));
    TEST_OK(env, seL4_TCB_SetFaultAllSyscalls(run.thread.tcb, 0));
    run.context.rdx = (seL4_Word)seL4_SysYield;
    /* A normal Yield, then the #UD after it. */
    TEST_CHECK(env, test_fault_run_start(env, &run), "fault");
    TEST_EQ(env, run.label, seL4_Fault_UserException);
    TEST_EQ(env, run.mrs[seL4_UserContext_RIP], (seL4_Word)stub_syscall_after);
}

static void test_fault_ep_in_thread_cspace(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr badged = test_mint(env, ep, seL4_AllRights, 0x5a);
    seL4_CPtr cspace = test_cspace_new(env, 4);
    test_thread_opts_t opts = {.cspace = cspace, .fault_ep = 3};
    seL4_UserContext context;
    thread_t thread;
    seL4_Word badge = 0;
    seL4_MessageInfo_t info;

    TEST_CHECK(env, cspace != 0 && badged != 0, "setup");
    /* The fault endpoint is a cptr in the faulting thread's own CSpace, not the creator's. */
    TEST_CHECK(env, test_cspace_put(env, cspace, 3, badged, seL4_AllRights), "put");
    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_ud2, &context), "thread");
    TEST_CHECK(env, test_thread_start_at(env, &thread, &context), "start");
    TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, &badge), "no fault");
    TEST_EQ(env, seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    TEST_EQ(env, badge, 0x5a);
}

static void test_fault_ep_empty_at_fault_time(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr copy = test_copy(env, ep, seL4_AllRights);
    test_thread_opts_t opts = {.fault_ep = copy};
    seL4_UserContext context;
    seL4_UserContext regs;
    thread_t thread;

    TEST_CHECK(env, copy != 0, "setup");
    TEST_CHECK(env, test_thread_new_at(env, &thread, &opts, stub_ud2, &context), "thread");
    /* The fault endpoint slot is emptied before the fault: no handler, the thread stops. */
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, copy, ROOT_DEPTH));
    TEST_CHECK(env, test_thread_start_at(env, &thread, &context), "start");
    test_yield(10);
    TEST_CHECK(env, !test_wait_message(env, ep, 30, NULL, NULL), "a fault went to the endpoint");
    TEST_OK(env, seL4_TCB_ReadRegisters(thread.tcb, seL4_False, 0, seL4_UserContext_Count, &regs));
    TEST_EQ(env, regs.rip, (seL4_Word)stub_ud2);
}

static const test_case_t fault_cases[] = {
        {"fault_vm_read_full_registers", test_vm_fault_read},
        {"fault_vm_write", test_vm_fault_write},
        {"fault_vm_instruction_fetch", test_vm_fault_fetch},
        {"fault_vm_other_address_space", test_vm_fault_in_other_vspace},
        {"fault_divide_error", test_divide_error},
        {"fault_invalid_opcode", test_invalid_opcode},
        {"fault_privileged_instruction", test_privileged_instruction},
        {"fault_breakpoint", test_breakpoint},
        {"fault_single_step", test_single_step},
        {"fault_forbidden_int_vector", test_forbidden_int_vector},
        {"fault_unknown_syscall", test_unknown_syscall},
        {"fault_reply_resumes_after_mapping", test_reply_resumes_after_mapping},
        {"fault_reply_rewrites_registers", test_reply_rewrites_registers},
        {"fault_reply_nonzero_label_stops", test_reply_nonzero_label_stops},
        {"fault_reply_noncanonical_stops", test_reply_noncanonical_stops},
        {"fault_cancelled_send_forgotten", test_cancelled_fault_forgotten},
        {"fault_no_handler_stops_thread", test_no_handler_stops_thread},
        {"fault_badged_endpoints", test_badged_fault_endpoints},
        {"fault_endpoint_in_thread_cspace", test_fault_ep_in_thread_cspace},
        {"fault_endpoint_empty_at_fault_time", test_fault_ep_empty_at_fault_time},
        {"fault_cap_fault_send_phase", test_cap_fault_send_phase},
        {"fault_cap_fault_recv_phase", test_cap_fault_recv_phase},
        {"fault_all_syscalls_valid_numbers", test_fault_all_syscalls},
        {"fault_all_syscalls_reply_emulates", test_fault_all_syscalls_reply_emulates},
        {"fault_all_syscalls_off_again", test_fault_all_syscalls_off},
};

const test_group_t fault_group = TEST_GROUP(fault_cases);
