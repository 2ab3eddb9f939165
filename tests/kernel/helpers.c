/*
 * Helpers shared by the kernel tests: object and slot allocation from the test's arena, copies,
 * fresh CSpaces and VSpaces, threads (also run until they fault), and bounded waiting. A helper
 * that fails records the failure in the environment and returns 0, so a test can stop with
 * TEST_CHECK.
 */
#include "framework.h"
#include <runtime/tsc.h>
#include <stdarg.h>

seL4_CPtr test_slot(test_env_t *env)
{
    seL4_CPtr slot;
    seL4_Error error = alloc_slot(&env->alloc, &slot);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "out of root CNode slots");
        return 0;
    }
    return slot;
}

seL4_CPtr test_object(test_env_t *env, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr cap;
    seL4_Error error = alloc_object(&env->alloc, type, size_bits, &cap);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "creating object type %lu (size %lu): %s", (unsigned long)type,
                  (unsigned long)size_bits, test_error_name(error));
        return 0;
    }
    return cap;
}

seL4_CPtr test_untyped(test_env_t *env, seL4_Word bits)
{
    return test_object(env, seL4_UntypedObject, bits);
}

seL4_CPtr test_mint(test_env_t *env, seL4_CPtr cap, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot = test_slot(env);
    seL4_Error error;

    if (slot == 0) {
        return 0;
    }
    error = seL4_CNode_Mint(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, cap, ROOT_DEPTH, rights,
                            badge);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "minting cap %lu: %s", (unsigned long)cap, test_error_name(error));
        return 0;
    }
    return slot;
}

seL4_CPtr test_copy(test_env_t *env, seL4_CPtr cap, seL4_CapRights_t rights)
{
    seL4_CPtr slot = test_slot(env);
    seL4_Error error;

    if (slot == 0) {
        return 0;
    }
    error = seL4_CNode_Copy(ROOT_CNODE, slot, ROOT_DEPTH, ROOT_CNODE, cap, ROOT_DEPTH, rights);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "copying cap %lu: %s", (unsigned long)cap, test_error_name(error));
        return 0;
    }
    return slot;
}

void *test_pages(test_env_t *env, seL4_Word pages, seL4_CPtr *frames)
{
    void *memory = NULL;
    seL4_Error error = vspace_alloc_pages(&env->vspace, pages, &memory, frames);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "mapping %lu pages: %s", (unsigned long)pages,
                  test_error_name(error));
        return NULL;
    }
    return memory;
}

int test_vspace_new(test_env_t *env, vspace_t *vspace)
{
    seL4_CPtr pml4 = test_object(env, seL4_X64_PML4Object, 0);
    seL4_Error error;

    if (pml4 == 0) {
        return 0;
    }
    error = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "assigning a PML4 to the ASID pool: %s", test_error_name(error));
        return 0;
    }
    vspace_init(vspace, pml4, &env->alloc, 0, 0);
    error = vspace_share_image(vspace, env->bootinfo);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "mapping the image into a new VSpace: %s", test_error_name(error));
        return 0;
    }
    return 1;
}

seL4_CPtr test_cspace_new(test_env_t *env, seL4_Word bits)
{
    seL4_CPtr raw = test_object(env, seL4_CapTableObject, bits);

    if (raw == 0) {
        return 0;
    }
    return test_mint(env, raw, seL4_AllRights, seL4_CNode_CapData_new(0, seL4_WordBits - bits));
}

int test_cspace_put(test_env_t *env, seL4_CPtr cnode, seL4_Word index, seL4_CPtr cap,
                    seL4_CapRights_t rights)
{
    seL4_Error error =
            seL4_CNode_Copy(cnode, index, ROOT_DEPTH, ROOT_CNODE, cap, ROOT_DEPTH, rights);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "copying cap %lu into a CSpace: %s", (unsigned long)cap,
                  test_error_name(error));
        return 0;
    }
    return 1;
}

int test_thread_new(test_env_t *env, thread_t *thread, const test_thread_opts_t *opts)
{
    thread_params_t params = {
            .priority = opts->prio != 0 ? opts->prio : ROOT_PRIO,
            .authority = seL4_CapInitThreadTCB,
            .fault_ep = opts->fault_ep,
            .cspace = opts->cspace != 0 ? opts->cspace : ROOT_CNODE,
            .cspace_data = 0,
            .vspace = opts->vspace,
            .self_tcb = opts->self_tcb == TEST_NO_SELF_TCB ? seL4_CapNull
                        : opts->self_tcb != 0              ? opts->self_tcb
                        : opts->cspace == 0                ? THREAD_SELF_IS_TCB
                                                           : seL4_CapNull,
    };
    seL4_Error error = thread_create(thread, &env->vspace, &params);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "creating a thread: %s", test_error_name(error));
        return 0;
    }
    return 1;
}

int test_own_spaces(test_env_t *env, test_thread_opts_t *opts, vspace_t *vspace, seL4_CPtr cap)
{
    opts->cspace = test_cspace_new(env, 4);
    if (opts->cspace == 0 || !test_vspace_new(env, vspace)) {
        return 0;
    }
    opts->vspace = vspace;
    return test_cspace_put(env, opts->cspace, 1, cap, seL4_AllRights);
}

int test_thread_run(test_env_t *env, thread_t *thread, const test_thread_opts_t *opts,
                    thread_entry_t entry, seL4_Word arg)
{
    seL4_Error error;

    if (!test_thread_new(env, thread, opts)) {
        return 0;
    }
    error = thread_start(thread, entry, arg);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "starting a thread: %s", test_error_name(error));
        return 0;
    }
    return 1;
}

int test_thread_start_at(test_env_t *env, thread_t *thread, seL4_UserContext *context)
{
    seL4_Error error =
            seL4_TCB_WriteRegisters(thread->tcb, seL4_True, 0, seL4_UserContext_Count, context);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "starting a thread by WriteRegisters: %s", test_error_name(error));
        return 0;
    }
    return 1;
}

seL4_Uint64 test_ticks(test_env_t *env, seL4_Word ms)
{
    return env->tsc_hz / 1000 * ms;
}

void test_yield(int count)
{
    for (int i = 0; i < count; i++) {
        seL4_Yield();
    }
}

int test_wait_message(test_env_t *env, seL4_CPtr ep, seL4_Word ms, seL4_MessageInfo_t *info,
                      seL4_Word *badge)
{
    seL4_Uint64 deadline = tsc_read() + test_ticks(env, ms);

    do {
        seL4_Word sender = 0;
        seL4_MessageInfo_t got = seL4_NBRecv(ep, &sender);
        /* Nothing pending leaves badge and message info 0; tests send non-zero labels. */
        if (got.words[0] != 0 || sender != 0) {
            if (info != NULL) {
                *info = got;
            }
            if (badge != NULL) {
                *badge = sender;
            }
            return 1;
        }
        seL4_Yield();
    } while (tsc_read() < deadline);
    return 0;
}

int test_wait_signal(test_env_t *env, seL4_CPtr notification, seL4_Word ms, seL4_Word *badge)
{
    seL4_Uint64 deadline = tsc_read() + test_ticks(env, ms);

    do {
        seL4_Word word = 0;
        seL4_Poll(notification, &word);
        if (word != 0) {
            if (badge != NULL) {
                *badge = word;
            }
            return 1;
        }
        seL4_Yield();
    } while (tsc_read() < deadline);
    return 0;
}

seL4_Word test_wait_flag(test_env_t *env, const volatile seL4_Word *flag, seL4_Word ms)
{
    seL4_Uint64 deadline = tsc_read() + test_ticks(env, ms);

    do {
        if (*flag != 0) {
            return *flag;
        }
        seL4_Yield();
    } while (tsc_read() < deadline);
    return *flag;
}

void test_read_mrs(seL4_Word *mrs, int n)
{
    for (int i = 0; i < n; i++) {
        mrs[i] = seL4_GetMR(i);
    }
}

void test_context(const thread_t *thread, const void *rip, seL4_UserContext *context)
{
    seL4_Word *words = (seL4_Word *)context;

    for (int i = 0; i < seL4_UserContext_Count; i++) {
        /* 0x0101...01 * (i + 1): distinct, and easy to recognise in a dump. */
        words[i] = 0x0101010101010101ull * (seL4_Word)(i + 1);
    }
    context->rip = (seL4_Word)rip;
    context->rsp = thread->stack_top - 256;
    context->rflags = 0x200;
    context->fs_base = thread->tls_pointer;
    context->gs_base = 0;
}

static const char *const register_names[seL4_UserContext_Count] = {
        "rip", "rsp", "rflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi",     "rbp",
        "r8",  "r9",  "r10",    "r11", "r12", "r13", "r14", "r15", "fs_base", "gs_base",
};

int test_registers_match(test_env_t *env, const seL4_Word *got, const seL4_UserContext *want,
                         seL4_Word skip)
{
    const seL4_Word *expected = (const seL4_Word *)want;

    for (int i = 0; i < seL4_UserContext_Count; i++) {
        seL4_Word mask = i == seL4_UserContext_RFLAGS ? seL4_RFLAGS_UserMask : ~0ull;
        if ((skip & (1u << i)) != 0 || (got[i] & mask) == (expected[i] & mask)) {
            continue;
        }
        test_fail(env, __LINE__, "register %s is %#lx, expected %#lx", register_names[i],
                  (unsigned long)got[i], (unsigned long)expected[i]);
        return 0;
    }
    return 1;
}

int test_thread_new_at(test_env_t *env, thread_t *thread, const test_thread_opts_t *opts,
                       const void *rip, seL4_UserContext *context)
{
    if (!test_thread_new(env, thread, opts)) {
        return 0;
    }
    test_context(thread, rip, context);
    return 1;
}

int test_run_stub(test_env_t *env, thread_t *thread, seL4_CPtr fault_ep, vspace_t *vspace,
                  const void *stub, seL4_Word rax, seL4_Word rcx, seL4_UserContext *context)
{
    test_thread_opts_t opts = {.fault_ep = fault_ep, .vspace = vspace};

    if (!test_thread_new_at(env, thread, &opts, stub, context)) {
        return 0;
    }
    context->rax = rax;
    context->rcx = rcx;
    return test_thread_start_at(env, thread, context);
}

int test_wait_fault(test_env_t *env, seL4_CPtr ep, seL4_Word *label, seL4_Word *mrs, int n)
{
    seL4_MessageInfo_t info;

    if (!test_wait_message(env, ep, 1000, &info, NULL)) {
        return 0;
    }
    *label = seL4_MessageInfo_get_label(info);
    test_read_mrs(mrs, n);
    return 1;
}

int test_fault_run_new(test_env_t *env, test_fault_run_t *run, vspace_t *vspace, const void *stub)
{
    test_thread_opts_t opts = {.vspace = vspace};

    run->ep = test_object(env, seL4_EndpointObject, 0);
    opts.fault_ep = run->ep;
    return run->ep != 0 && test_thread_new_at(env, &run->thread, &opts, stub, &run->context);
}

int test_fault_run_start(test_env_t *env, test_fault_run_t *run)
{
    if (!test_thread_start_at(env, &run->thread, &run->context)) {
        return 0;
    }
    if (!test_wait_fault(env, run->ep, &run->label, run->mrs, seL4_Fault_MessageLength)) {
        test_fail(env, __LINE__, "no fault message arrived");
        return 0;
    }
    return 1;
}

int test_fault_run(test_env_t *env, test_fault_run_t *run, vspace_t *vspace, const void *stub,
                   seL4_Word rax, seL4_Word rcx)
{
    if (!test_fault_run_new(env, run, vspace, stub)) {
        return 0;
    }
    run->context.rax = rax;
    run->context.rcx = rcx;
    return test_fault_run_start(env, run);
}

int test_fault_run_next(test_env_t *env, test_fault_run_t *run)
{
    if (!test_wait_fault(env, run->ep, &run->label, run->mrs, seL4_Fault_MessageLength)) {
        test_fail(env, __LINE__, "no further fault message arrived");
        return 0;
    }
    return 1;
}
