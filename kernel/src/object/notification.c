/*
 * Notifications: Signal ORs a badge into the word or wakes one waiter; Wait and Poll collect
 * the word. A notification bound to a TCB also wakes that thread out of an endpoint receive, or
 * out of its guest (seL4_VMEnter).
 */
#include <kernel/endpoint.h>
#include <kernel/notification.h>
#include <kernel/scheduler.h>
#include <kernel/thread.h>

static void notification_deliver(tcb_t *tcb, word_t badge)
{
    thread_set_state(tcb, THREAD_RUNNING);
    thread_set_badge(tcb, badge);
    thread_set_msg_info(tcb, 0);
    sched_possible_switch_to(tcb);
}

void notification_signal(notification_t *ntfn, word_t badge)
{
    tcb_t *waiter = ntfn->head;

    if (waiter != NULL) {
        thread_queue_remove(&ntfn->head, &ntfn->tail, waiter);
        waiter->blocking_object = NULL;
        notification_deliver(waiter, badge);
        return;
    }
    if (ntfn_is_active(ntfn)) {
        ntfn->word |= badge;
        return;
    }
    tcb_t *bound = ntfn_bound_tcb(ntfn);
    if (bound != NULL && bound->state == THREAD_BLOCKED_ON_RECEIVE) {
        endpoint_cancel_ipc(bound);
        notification_deliver(bound, badge);
        return;
    }
    if (bound != NULL && bound->state == THREAD_RUNNING_VM) {
        /* Out of its guest: its seL4_VMEnter answers with the badge (seL4_VMEnter's NOTIF). */
        notification_deliver(bound, badge);
        return;
    }
    ntfn->word = badge;
    ntfn_set_active(ntfn, true);
}

static void notification_complete(notification_t *ntfn, tcb_t *tcb)
{
    thread_set_badge(tcb, ntfn->word);
    thread_set_msg_info(tcb, 0);
    ntfn->word = 0;
    ntfn_set_active(ntfn, false);
}

void notification_receive(tcb_t *tcb, notification_t *ntfn, bool is_blocking)
{
    if (ntfn_is_active(ntfn)) {
        notification_complete(ntfn, tcb);
        return;
    }
    if (is_blocking) {
        thread_set_state(tcb, THREAD_BLOCKED_ON_NOTIFICATION);
        tcb->blocking_object = ntfn;
        thread_queue_append(&ntfn->head, &ntfn->tail, tcb);
        return;
    }
    thread_set_badge(tcb, 0);
    thread_set_msg_info(tcb, 0);
}

bool notification_take_bound(tcb_t *tcb)
{
    notification_t *ntfn = tcb->bound_notification;

    if (ntfn == NULL || !ntfn_is_active(ntfn)) {
        return false;
    }
    notification_complete(ntfn, tcb);
    return true;
}

void notification_cancel_signal(tcb_t *tcb)
{
    notification_t *ntfn = tcb->blocking_object;

    thread_queue_remove(&ntfn->head, &ntfn->tail, tcb);
    tcb->blocking_object = NULL;
    thread_set_state(tcb, THREAD_INACTIVE);
}

void notification_cancel_all(notification_t *ntfn)
{
    thread_queue_release_all(&ntfn->head, &ntfn->tail);
}

void notification_bind(notification_t *ntfn, tcb_t *tcb)
{
    ntfn_set_bound_tcb(ntfn, tcb);
    tcb->bound_notification = ntfn;
}

void notification_unbind_tcb(tcb_t *tcb)
{
    if (tcb->bound_notification != NULL) {
        ntfn_set_bound_tcb(tcb->bound_notification, NULL);
        tcb->bound_notification = NULL;
    }
}

void notification_unbind(notification_t *ntfn)
{
    tcb_t *tcb = ntfn_bound_tcb(ntfn);

    if (tcb != NULL) {
        tcb->bound_notification = NULL;
        ntfn_set_bound_tcb(ntfn, NULL);
    }
}
