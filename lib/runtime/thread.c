/*
 * Thread creation on top of alloc_t and vspace_t. Memory layout of a thread, from its reserved
 * range upwards: one unmapped guard page, the stack, one TLS page, the IPC buffer page.
 */
#include <runtime/thread.h>
#include <runtime/tls.h>

#define THREAD_PAGES (1 + THREAD_STACK_PAGES + 1 + 1)

/* The thread's own TCB in its CSpace, for runtime_thread_exit. */
__thread seL4_CPtr runtime_thread_self_tcb;

static seL4_Error thread_map_memory(thread_t *thread, vspace_t *own, vspace_t *target,
                                    seL4_Word base)
{
    seL4_CPtr frames[THREAD_PAGES - 1];
    seL4_Error error =
            vspace_map_new_pages(own, base + (1u << seL4_PageBits), THREAD_PAGES - 1, frames);

    if (error != seL4_NoError) {
        return error;
    }
    thread->ipc_frame = frames[THREAD_PAGES - 2];
    if (target != own) {
        /* The thread's copies; its IPC buffer frame is the copy mapped in its own space. */
        seL4_CPtr copies[THREAD_PAGES - 1];
        error = vspace_share_pages(target, base + (1u << seL4_PageBits), frames, THREAD_PAGES - 1,
                                   copies);
        if (error != seL4_NoError) {
            return error;
        }
        thread->ipc_frame = copies[THREAD_PAGES - 2];
    }
    return seL4_NoError;
}

seL4_Error thread_create(thread_t *thread, vspace_t *own, const thread_params_t *params)
{
    vspace_t *target = params->vspace != NULL ? params->vspace : own;
    seL4_Word base;
    seL4_Word tls_page;
    seL4_Error error = alloc_object(own->alloc, seL4_TCBObject, 0, &thread->tcb);

    if (error != seL4_NoError) {
        return error;
    }
    error = vspace_reserve(own, THREAD_PAGES << seL4_PageBits, 1u << seL4_PageBits, &base);
    if (error != seL4_NoError) {
        return error;
    }
    error = thread_map_memory(thread, own, target, base);
    if (error != seL4_NoError) {
        return error;
    }
    thread->stack_top = base + ((1 + THREAD_STACK_PAGES) << seL4_PageBits);
    tls_page = thread->stack_top;
    thread->ipc_buffer = (seL4_IPCBuffer *)(tls_page + (1u << seL4_PageBits));
    thread->tls_pointer =
            tls_area_prepare((void *)tls_page, 1u << seL4_PageBits, thread->ipc_buffer);
    if (thread->tls_pointer == 0) {
        return seL4_NotEnoughMemory;
    }
    *TLS_VARIABLE_IN(thread->tls_pointer, runtime_thread_self_tcb) =
            params->self_tcb == THREAD_SELF_IS_TCB ? thread->tcb : params->self_tcb;

    error = seL4_TCB_Configure(thread->tcb, params->fault_ep, params->cspace, params->cspace_data,
                               target->pml4, 0, (seL4_Word)thread->ipc_buffer, thread->ipc_frame);
    if (error != seL4_NoError) {
        return error;
    }
    return seL4_TCB_SetPriority(thread->tcb, params->authority, params->priority);
}

void thread_initial_context(const thread_t *thread, thread_entry_t entry, seL4_Word arg,
                            seL4_UserContext *context)
{
    *context = (seL4_UserContext){0};
    context->rip = (seL4_Word)runtime_thread_trampoline;
    context->rsp = thread->stack_top;
    context->rdi = (seL4_Word)entry;
    context->rsi = arg;
    context->rflags = 0x200; /* IF; the kernel forces it anyway */
    context->fs_base = thread->tls_pointer;
}

seL4_Error thread_start(const thread_t *thread, thread_entry_t entry, seL4_Word arg)
{
    seL4_UserContext context;

    thread_initial_context(thread, entry, arg, &context);
    return seL4_TCB_WriteRegisters(thread->tcb, seL4_True, 0, seL4_UserContext_Count, &context);
}

void runtime_thread_exit(void)
{
    if (runtime_thread_self_tcb != seL4_CapNull) {
        seL4_TCB_Suspend(runtime_thread_self_tcb);
    }
    for (;;) {
        seL4_Yield();
    }
}
