/*
 * TCB_SetPriority, TCB_SetMCPriority and TCB_SetSchedParams: a priority or maximum controlled
 * priority may be set only up to the MCP of the authority TCB given with the call.
 */
#include <kernel/scheduler.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb_invoke.h>

/* The authority TCB of the call (extra cap 0), or NULL with the error in *error. */
static const tcb_t *decode_authority(invocation_t *inv, unsigned needed_args, seL4_Error *error)
{
    cap_t cap = inv_extra_cap(inv, 0);

    if (inv->length < needed_args || inv->extra_cap_count < 1) {
        *error = error_simple(seL4_TruncatedMessage);
        return NULL;
    }
    if (cap.type != CAP_THREAD) {
        *error = error_invalid_capability(1);
        return NULL;
    }
    *error = seL4_NoError;
    return cap.u.thread.tcb;
}

static seL4_Error check_priority(word_t priority, const tcb_t *authority)
{
    if (priority > authority->mcp) {
        return error_range(seL4_MinPrio, authority->mcp);
    }
    return seL4_NoError;
}

static void invoke_set_sched_params(tcb_t *tcb, bool set_mcp, word_t mcp, bool set_priority,
                                    word_t priority)
{
    if (set_mcp) {
        tcb->mcp = (uint8_t)mcp;
    }
    if (set_priority) {
        sched_set_priority(tcb, (uint8_t)priority);
    }
}

/* SetPriority (mcp false) or SetMCPriority (mcp true): one value, bounded by the authority. */
static seL4_Error decode_set_one(invocation_t *inv, tcb_t *tcb, bool mcp)
{
    seL4_Error error;
    const tcb_t *authority = decode_authority(inv, 1, &error);

    if (authority == NULL) {
        return error;
    }
    error = check_priority(inv_arg(inv, 0), authority);
    if (error == seL4_NoError) {
        invoke_set_sched_params(tcb, mcp, inv_arg(inv, 0), !mcp, inv_arg(inv, 0));
    }
    return error;
}

seL4_Error tcb_decode_set_priority(invocation_t *inv, tcb_t *tcb)
{
    return decode_set_one(inv, tcb, false);
}

seL4_Error tcb_decode_set_mc_priority(invocation_t *inv, tcb_t *tcb)
{
    return decode_set_one(inv, tcb, true);
}

seL4_Error tcb_decode_set_sched_params(invocation_t *inv, tcb_t *tcb)
{
    seL4_Error error;
    const tcb_t *authority = decode_authority(inv, 2, &error);

    if (authority == NULL) {
        return error;
    }
    error = check_priority(inv_arg(inv, 0), authority);
    if (error == seL4_NoError) {
        error = check_priority(inv_arg(inv, 1), authority);
    }
    if (error == seL4_NoError) {
        invoke_set_sched_params(tcb, true, inv_arg(inv, 0), true, inv_arg(inv, 1));
    }
    return error;
}
