/*
 * Thread states and message registers. Every state change goes through thread_set_state so
 * the scheduler learns when the running thread stops being runnable.
 */
#include <kernel/arch_thread.h>
#include <kernel/cpu.h>
#include <kernel/endpoint.h>
#include <kernel/memory.h>
#include <kernel/notification.h>
#include <kernel/scheduler.h>
#include <kernel/thread.h>

void thread_set_state(tcb_t *tcb, thread_state_t state)
{
    cpu_t *cpu = cpu_self();

    if (tcb->state == THREAD_RUNNING_VM && state != THREAD_RUNNING_VM) {
        arch_thread_leave_vm(tcb);
    }
    tcb->state = state;
    if (state == THREAD_RESTART) {
        arch_thread_rewind(tcb);
    }
    if (tcb == cpu->current && cpu->sched.action == SCHED_RESUME_CURRENT &&
        !thread_state_is_runnable(state)) {
        sched_reschedule_required();
    }
}

static void thread_cancel_reply(tcb_t *tcb)
{
    cte_t *master = tcb_slot(tcb, TCB_SLOT_REPLY);
    cte_t *reply = master->mdb_next;

    if (reply != NULL && reply->cap.type == CAP_REPLY && !reply->cap.u.reply.master &&
        reply->cap.u.reply.tcb == tcb) {
        cte_delete(reply);
    }
}

static void thread_cancel_ipc(tcb_t *tcb)
{
    switch (tcb->state) {
    case THREAD_BLOCKED_ON_SEND:
    case THREAD_BLOCKED_ON_RECEIVE:
        endpoint_cancel_ipc(tcb);
        break;
    case THREAD_BLOCKED_ON_NOTIFICATION:
        notification_cancel_signal(tcb);
        break;
    case THREAD_BLOCKED_ON_REPLY:
        thread_cancel_reply(tcb);
        break;
    default:
        break;
    }
    /* A fault message it was sending, or awaiting the reply to, is abandoned with the IPC:
     * restarted, the thread executes the faulting instruction again. */
    tcb->fault.type = seL4_Fault_NullFault;
}

void thread_suspend(tcb_t *tcb)
{
    scheduler_t *s = &cpu_self()->sched;

    thread_cancel_ipc(tcb);
    if (tcb->state == THREAD_RUNNING) {
        arch_thread_update_restart_pc(tcb);
    }
    thread_set_state(tcb, THREAD_INACTIVE);
    sched_dequeue(tcb);
    if (s->candidate == tcb) {
        s->action = SCHED_CHOOSE_NEW;
        s->candidate = NULL;
    }
}

bool thread_is_stopped(const tcb_t *tcb)
{
    return tcb->state == THREAD_INACTIVE || tcb->state == THREAD_BLOCKED_ON_REPLY;
}

void thread_restart(tcb_t *tcb)
{
    if (thread_is_stopped(tcb)) {
        thread_cancel_ipc(tcb);
        thread_set_state(tcb, THREAD_RESTART);
        sched_possible_switch_to(tcb);
    }
}

void thread_restart_syscall(tcb_t *tcb)
{
    arch_thread_rewind(tcb);
}

word_t *thread_ipc_buffer(tcb_t *tcb, bool is_receiver)
{
    cap_t cap = tcb_slot(tcb, TCB_SLOT_BUFFER)->cap;
    unsigned needed = is_receiver ? (CAP_RIGHT_READ | CAP_RIGHT_WRITE) : CAP_RIGHT_READ;

    if (cap.type != CAP_FRAME || cap.u.frame.is_device || (cap.u.frame.rights & needed) != needed) {
        return NULL;
    }
    return (word_t *)paddr_to_kptr(cap.u.frame.paddr +
                                   (tcb->ipc_buffer & MASK(cap.u.frame.size_bits)));
}

word_t thread_get_mr(tcb_t *tcb, const word_t *buffer, unsigned i)
{
    if (i < ARCH_MSG_REGISTER_COUNT) {
        return arch_reg(&tcb->arch, arch_msg_registers[i]);
    }
    if (buffer == NULL || i >= seL4_MsgMaxLength) {
        return 0;
    }
    return buffer[IPC_BUFFER_MSG + i];
}

bool thread_set_mr(tcb_t *tcb, word_t *buffer, unsigned i, word_t value)
{
    if (i < ARCH_MSG_REGISTER_COUNT) {
        arch_set_reg(&tcb->arch, arch_msg_registers[i], value);
        return true;
    }
    if (buffer == NULL || i >= seL4_MsgMaxLength) {
        return false;
    }
    buffer[IPC_BUFFER_MSG + i] = value;
    return true;
}

word_t thread_get_msg_info(tcb_t *tcb)
{
    return arch_reg(&tcb->arch, ARCH_REG_MSG_INFO);
}

void thread_set_msg_info(tcb_t *tcb, word_t info)
{
    arch_set_reg(&tcb->arch, ARCH_REG_MSG_INFO, info);
}

void thread_set_badge(tcb_t *tcb, word_t badge)
{
    arch_set_reg(&tcb->arch, ARCH_REG_BADGE, badge);
}

const char *thread_name(const tcb_t *tcb)
{
    return tcb->name[0] != '\0' ? tcb->name : "(unnamed)";
}
