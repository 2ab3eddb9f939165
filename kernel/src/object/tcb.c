/*
 * TCB objects: creation, destruction, and the invocations that need no more than a few lines
 * (Suspend, Resume, notification binding, affinity, TLS base, fault-all-syscalls mode). The
 * larger groups live in tcb_registers.c, tcb_space.c and tcb_sched.c.
 */
#include <kernel/arch_thread.h>
#include <kernel/notification.h>
#include <kernel/scheduler.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb_invoke.h>
#include <kernel/tcb_object.h>
#include <kernel/thread.h>
#include <kernel/user_context.h>
#include <sel4/invocation.h>

void tcb_init(tcb_t *tcb)
{
    cap_t master = {.type = CAP_REPLY};

    tcb->state = THREAD_INACTIVE;
    tcb->time_slice = SCHED_TIME_SLICE_TICKS;
    arch_tcb_init(tcb);
    master.u.reply.tcb = tcb;
    master.u.reply.master = true;
    master.u.reply.can_grant = true;
    cte_insert_root(master, tcb_slot(tcb, TCB_SLOT_REPLY));
}

void tcb_finalise(tcb_t *tcb)
{
    notification_unbind_tcb(tcb);
    thread_suspend(tcb);
    arch_tcb_release(tcb);
}

static void invoke_bind_notification(notification_t *ntfn, tcb_t *tcb)
{
    notification_bind(ntfn, tcb);
}

static void invoke_unbind_notification(tcb_t *tcb)
{
    notification_unbind_tcb(tcb);
}

static void invoke_set_tls_base(tcb_t *tcb, const word_t *registers)
{
    unsigned bad;

    user_context_write(tcb, registers, BIT(seL4_UserContext_FS_BASE), &bad); /* checked */
}

static void invoke_set_fault_all_syscalls(tcb_t *tcb, bool on)
{
    tcb->fault_all_syscalls = on;
}

static void invoke_suspend(tcb_t *tcb)
{
    thread_suspend(tcb);
}

static void invoke_resume(tcb_t *tcb)
{
    thread_restart(tcb);
}

static seL4_Error decode_bind_notification(invocation_t *inv, tcb_t *tcb)
{
    cap_t cap = inv_extra_cap(inv, 0);
    notification_t *ntfn;

    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (tcb->bound_notification != NULL || cap.type != CAP_NOTIFICATION ||
        (cap.u.notification.rights & CAP_RIGHT_READ) == 0) {
        return error_simple(seL4_IllegalOperation);
    }
    ntfn = cap.u.notification.ntfn;
    if (ntfn->head != NULL || ntfn_bound_tcb(ntfn) != NULL) {
        return error_simple(seL4_IllegalOperation);
    }
    invoke_bind_notification(ntfn, tcb);
    return seL4_NoError;
}

static seL4_Error decode_unbind_notification(tcb_t *tcb)
{
    if (tcb->bound_notification == NULL) {
        return error_simple(seL4_IllegalOperation);
    }
    invoke_unbind_notification(tcb);
    return seL4_NoError;
}

static seL4_Error decode_set_affinity(invocation_t *inv)
{
    if (inv->length < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (inv_arg(inv, 0) != 0) { /* one CPU: nothing to move */
        return error_simple(seL4_IllegalOperation);
    }
    return seL4_NoError;
}

/* The FS base alone, with the checks and effects of writing it with WriteRegisters. */
static seL4_Error decode_set_tls_base(invocation_t *inv, tcb_t *tcb)
{
    word_t registers[seL4_UserContext_Count] = {0};
    unsigned bad;

    if (inv->length < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    registers[seL4_UserContext_FS_BASE] = inv_arg(inv, 0);
    if (!user_context_check(registers, BIT(seL4_UserContext_FS_BASE), &bad)) {
        return error_invalid_argument(0);
    }
    invoke_set_tls_base(tcb, registers);
    return seL4_NoError;
}

static seL4_Error decode_set_fault_all_syscalls(invocation_t *inv, tcb_t *tcb)
{
    word_t mode;

    if (inv->length < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    mode = inv_arg(inv, 0);
    if (mode > 1) {
        return error_invalid_argument(0);
    }
    invoke_set_fault_all_syscalls(tcb, mode == 1);
    return seL4_NoError;
}

seL4_Error tcb_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    tcb_t *tcb = cap.u.thread.tcb;

    switch (inv->label) {
    case TCBReadRegisters:
        return tcb_decode_read_registers(inv, tcb);
    case TCBWriteRegisters:
        return tcb_decode_write_registers(inv, tcb);
    case TCBCopyRegisters:
        return tcb_decode_copy_registers(inv, tcb);
    case TCBConfigure:
        return tcb_decode_configure(inv, cap, slot);
    case TCBSetPriority:
        return tcb_decode_set_priority(inv, tcb);
    case TCBSetMCPriority:
        return tcb_decode_set_mc_priority(inv, tcb);
    case TCBSetSchedParams:
        return tcb_decode_set_sched_params(inv, tcb);
    case TCBSetIPCBuffer:
        return tcb_decode_set_ipc_buffer(inv, cap, slot);
    case TCBSetSpace:
        return tcb_decode_set_space(inv, cap, slot);
    case TCBSuspend:
        invoke_suspend(tcb);
        return seL4_NoError;
    case TCBResume:
        invoke_resume(tcb);
        return seL4_NoError;
    case TCBBindNotification:
        return decode_bind_notification(inv, tcb);
    case TCBUnbindNotification:
        return decode_unbind_notification(tcb);
    case TCBSetAffinity:
        return decode_set_affinity(inv);
    case TCBSetTLSBase:
        return decode_set_tls_base(inv, tcb);
    case TCBSetFaultAllSyscalls:
        return decode_set_fault_all_syscalls(inv, tcb);
    case TCBSetPVPage:
        return tcb_decode_set_pv_page(inv, cap, slot);
    case TCBSetEPTRoot:
        return tcb_decode_set_ept_root(inv, cap, slot);
    default:
        return error_simple(seL4_IllegalOperation);
    }
}
