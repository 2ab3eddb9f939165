/* svctest's threads (threads.h). */
#include "threads.h"
#include <runtime/service.h>
#include <runtime/start.h>

bool svctest_thread_run(thread_t *thread, seL4_Word priority, thread_entry_t entry, seL4_Word arg)
{
    thread_params_t params = {
            .priority = priority,
            .authority = SERVICE_SLOT_TCB,
            .fault_ep = SERVICE_SLOT_FAULT,
            .cspace = SERVICE_SLOT_CNODE,
            .vspace = NULL,
            .self_tcb = THREAD_SELF_IS_TCB,
    };

    return thread_create(thread, &runtime_vspace, &params) == seL4_NoError &&
           thread_start(thread, entry, arg) == seL4_NoError;
}
