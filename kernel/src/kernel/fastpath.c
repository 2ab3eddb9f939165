/*
 * IPC fast paths for the common client/server round trip (seL4's idea, written for this
 * kernel's structures). Each one first checks every condition under which the general path
 * would do something else (capability transfer, long messages, faults, bound notifications,
 * pending scheduling decisions, a partner that would not run next) and only then changes state,
 * in the same way the general path would.
 */
#include <kernel/cpu.h>
#include <kernel/cspace.h>
#include <kernel/endpoint.h>
#include <kernel/fastpath.h>
#include <kernel/notification.h>
#include <kernel/scheduler.h>
#include <kernel/thread.h>

static bool message_is_short(word_t info)
{
    seL4_MessageInfo_t message = {{info}};
    return seL4_MessageInfo_get_extraCaps(message) == 0 &&
           seL4_MessageInfo_get_length(message) <= ARCH_MSG_REGISTER_COUNT;
}

/* The partner runs next if the general scheduler would pick it once the current thread blocks. */
static bool partner_runs_next(const tcb_t *current, const tcb_t *partner)
{
    return partner->priority >= current->priority ||
           (int)partner->priority >= sched_highest_ready_priority();
}

static void fast_transfer(tcb_t *sender, tcb_t *receiver, word_t info, word_t badge)
{
    seL4_MessageInfo_t message = {{info}};
    word_t length = seL4_MessageInfo_get_length(message);

    for (unsigned i = 0; i < length; i++) {
        arch_set_reg(&receiver->arch, arch_msg_registers[i],
                     arch_reg(&sender->arch, arch_msg_registers[i]));
    }
    thread_set_msg_info(
            receiver,
            seL4_MessageInfo_new(seL4_MessageInfo_get_label(message), 0, 0, length).words[0]);
    thread_set_badge(receiver, badge);
}

bool fastpath_call(word_t cptr, word_t info)
{
    cpu_t *cpu = cpu_self();
    tcb_t *caller = cpu->current;
    lookup_fault_t fault;
    endpoint_t *ep;
    tcb_t *receiver;
    cap_t cap;
    cap_t reply = {.type = CAP_REPLY};

    if (!message_is_short(info) || cpu->sched.action != SCHED_RESUME_CURRENT ||
        !cspace_lookup_cap(caller, cptr, &cap, &fault) || cap.type != CAP_ENDPOINT ||
        (cap.u.endpoint.rights & CAP_RIGHT_WRITE) == 0 ||
        (cap.u.endpoint.rights & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY)) == 0) {
        return false;
    }
    ep = cap.u.endpoint.ep;
    receiver = ep->head;
    if (receiver == NULL || receiver->state != THREAD_BLOCKED_ON_RECEIVE ||
        tcb_slot(receiver, TCB_SLOT_CALLER)->cap.type != CAP_NULL ||
        !partner_runs_next(caller, receiver)) {
        return false;
    }

    thread_queue_remove(&ep->head, &ep->tail, receiver);
    receiver->blocking_object = NULL;
    fast_transfer(caller, receiver, info, cap.u.endpoint.badge);
    receiver->state = THREAD_RUNNING;
    caller->state = THREAD_BLOCKED_ON_REPLY;
    reply.u.reply.tcb = caller;
    reply.u.reply.can_grant = receiver->blocking_can_grant;
    cte_insert(reply, tcb_slot(caller, TCB_SLOT_REPLY), tcb_slot(receiver, TCB_SLOT_CALLER));
    cpu->current = receiver;
    return true;
}

bool fastpath_reply_recv(word_t cptr, word_t info)
{
    cpu_t *cpu = cpu_self();
    tcb_t *server = cpu->current;
    cte_t *caller_slot = tcb_slot(server, TCB_SLOT_CALLER);
    cap_t reply = caller_slot->cap;
    lookup_fault_t fault;
    endpoint_t *ep;
    tcb_t *client;
    cap_t cap;

    if (!message_is_short(info) || cpu->sched.action != SCHED_RESUME_CURRENT ||
        server->bound_notification != NULL || reply.type != CAP_REPLY || reply.u.reply.master ||
        !cspace_lookup_cap(server, cptr, &cap, &fault) || cap.type != CAP_ENDPOINT ||
        (cap.u.endpoint.rights & CAP_RIGHT_READ) == 0) {
        return false;
    }
    ep = cap.u.endpoint.ep;
    client = reply.u.reply.tcb;
    if ((ep->head != NULL && ep->head->state == THREAD_BLOCKED_ON_SEND) ||
        client->state != THREAD_BLOCKED_ON_REPLY || client->fault.type != seL4_Fault_NullFault ||
        !partner_runs_next(server, client)) {
        return false;
    }

    server->state = THREAD_BLOCKED_ON_RECEIVE;
    server->blocking_object = ep;
    server->blocking_can_grant = (cap.u.endpoint.rights & CAP_RIGHT_GRANT) != 0;
    thread_queue_append(&ep->head, &ep->tail, server);
    cte_empty(caller_slot); /* the reply capability is used up; deleting it releases nothing */
    fast_transfer(server, client, info, 0);
    client->state = THREAD_RUNNING;
    cpu->current = client;
    return true;
}
