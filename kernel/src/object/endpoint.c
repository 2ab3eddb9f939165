/*
 * Endpoint send and receive (seL4 semantics): a rendezvous between one sender and one
 * receiver, with waiting threads queued in FIFO order on the endpoint. Calls leave the sender
 * waiting for a reply; deleting the endpoint restarts every waiter's system call.
 */
#include <kernel/endpoint.h>
#include <kernel/ipc.h>
#include <kernel/notification.h>
#include <kernel/scheduler.h>
#include <kernel/thread.h>

void thread_queue_append(tcb_t **head, tcb_t **tail, tcb_t *tcb)
{
    tcb->ep_prev = *tail;
    tcb->ep_next = NULL;
    if (*tail != NULL) {
        (*tail)->ep_next = tcb;
    } else {
        *head = tcb;
    }
    *tail = tcb;
}

void thread_queue_remove(tcb_t **head, tcb_t **tail, tcb_t *tcb)
{
    if (tcb->ep_prev != NULL) {
        tcb->ep_prev->ep_next = tcb->ep_next;
    } else {
        *head = tcb->ep_next;
    }
    if (tcb->ep_next != NULL) {
        tcb->ep_next->ep_prev = tcb->ep_prev;
    } else {
        *tail = tcb->ep_prev;
    }
    tcb->ep_prev = NULL;
    tcb->ep_next = NULL;
}

tcb_t *thread_queue_pop(tcb_t **head, tcb_t **tail)
{
    tcb_t *tcb = *head;

    if (tcb != NULL) {
        thread_queue_remove(head, tail, tcb);
    }
    return tcb;
}

static bool endpoint_has_waiting(const endpoint_t *ep, thread_state_t state)
{
    return ep->head != NULL && ep->head->state == state;
}

void endpoint_send(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant,
                   bool can_grant_reply, bool is_blocking, bool is_call)
{
    tcb_t *receiver;
    bool reply_can_grant;

    if (!endpoint_has_waiting(ep, THREAD_BLOCKED_ON_RECEIVE)) {
        if (is_blocking) {
            thread_set_state(sender, THREAD_BLOCKED_ON_SEND);
            sender->blocking_object = ep;
            sender->blocking_badge = badge;
            sender->blocking_can_grant = can_grant;
            sender->blocking_can_grant_reply = can_grant_reply;
            sender->blocking_is_call = is_call;
            thread_queue_append(&ep->head, &ep->tail, sender);
        }
        return;
    }
    receiver = ep->head;
    thread_queue_remove(&ep->head, &ep->tail, receiver);
    ipc_transfer(sender, ep, badge, can_grant, receiver);
    reply_can_grant = receiver->blocking_can_grant;
    thread_set_state(receiver, THREAD_RUNNING);
    sched_possible_switch_to(receiver);
    if (is_call) {
        if (can_grant || can_grant_reply) {
            ipc_setup_caller(sender, receiver, reply_can_grant);
        } else {
            thread_set_state(sender, THREAD_INACTIVE);
        }
    }
}

void endpoint_receive(tcb_t *receiver, cap_t cap, bool is_blocking)
{
    endpoint_t *ep = cap.u.endpoint.ep;
    bool receiver_can_grant = (cap.u.endpoint.rights & CAP_RIGHT_GRANT) != 0;
    tcb_t *sender;

    if (notification_take_bound(receiver)) {
        return;
    }
    if (!endpoint_has_waiting(ep, THREAD_BLOCKED_ON_SEND)) {
        if (is_blocking) {
            thread_set_state(receiver, THREAD_BLOCKED_ON_RECEIVE);
            receiver->blocking_object = ep;
            receiver->blocking_can_grant = receiver_can_grant;
            thread_queue_append(&ep->head, &ep->tail, receiver);
        } else {
            thread_set_badge(receiver, 0);
            thread_set_msg_info(receiver, 0);
        }
        return;
    }
    sender = ep->head;
    thread_queue_remove(&ep->head, &ep->tail, sender);
    ipc_transfer(sender, ep, sender->blocking_badge, sender->blocking_can_grant, receiver);
    if (sender->blocking_is_call || sender->fault.type != seL4_Fault_NullFault) {
        if (sender->blocking_can_grant || sender->blocking_can_grant_reply) {
            ipc_setup_caller(sender, receiver, receiver_can_grant);
        } else {
            thread_set_state(sender, THREAD_INACTIVE);
        }
    } else {
        thread_set_state(sender, THREAD_RUNNING);
        sched_possible_switch_to(sender);
    }
}

void endpoint_cancel_ipc(tcb_t *tcb)
{
    endpoint_t *ep = tcb->blocking_object;

    thread_queue_remove(&ep->head, &ep->tail, tcb);
    tcb->blocking_object = NULL;
    thread_set_state(tcb, THREAD_INACTIVE);
}

/* A waiter whose operation was cancelled: retry the system call, or stay stopped if it was
 * delivering a fault (retrying would only fault again), the fault abandoned: Resume executes
 * the faulting instruction again. */
static void endpoint_release_waiter(tcb_t *tcb)
{
    tcb->blocking_object = NULL;
    if (tcb->fault.type == seL4_Fault_NullFault) {
        thread_set_state(tcb, THREAD_RESTART);
        sched_enqueue(tcb);
    } else {
        tcb->fault.type = seL4_Fault_NullFault;
        thread_set_state(tcb, THREAD_INACTIVE);
    }
}

void thread_queue_release_all(tcb_t **head, tcb_t **tail)
{
    tcb_t *tcb;

    if (*head == NULL) {
        return;
    }
    while ((tcb = thread_queue_pop(head, tail)) != NULL) {
        endpoint_release_waiter(tcb);
    }
    sched_reschedule_required();
}

void endpoint_cancel_all(endpoint_t *ep)
{
    thread_queue_release_all(&ep->head, &ep->tail);
}

void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    tcb_t *tcb = ep->head;

    if (tcb == NULL || tcb->state != THREAD_BLOCKED_ON_SEND) {
        return;
    }
    while (tcb != NULL) {
        tcb_t *next = tcb->ep_next;
        if (tcb->blocking_badge == badge) {
            thread_queue_remove(&ep->head, &ep->tail, tcb);
            endpoint_release_waiter(tcb);
        }
        tcb = next;
    }
    sched_reschedule_required();
}
