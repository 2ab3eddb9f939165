/*
 * Notifications: a word of badge bits that signals OR into, and a queue of waiting threads.
 * A notification may be bound to one TCB, which then also receives its signals while blocked
 * receiving on an endpoint. The object is 2^seL4_NotificationBits bytes.
 */
#ifndef KERNEL_NOTIFICATION_H
#define KERNEL_NOTIFICATION_H

#include <kernel/cap.h>
#include <kernel/tcb.h>

typedef struct notification {
    tcb_t *head;
    tcb_t *tail;
    word_t word;
    uintptr_t bound_and_active; /* the bound TCB's address | NTFN_ACTIVE */
} notification_t;

#define NTFN_ACTIVE 0x1u

_Static_assert(sizeof(notification_t) <= (1u << seL4_NotificationBits),
               "a notification fits its object");

static inline tcb_t *ntfn_bound_tcb(const notification_t *ntfn)
{
    return (tcb_t *)(ntfn->bound_and_active & ~(uintptr_t)NTFN_ACTIVE);
}

static inline bool ntfn_is_active(const notification_t *ntfn)
{
    return (ntfn->bound_and_active & NTFN_ACTIVE) != 0;
}

static inline void ntfn_set_active(notification_t *ntfn, bool active)
{
    ntfn->bound_and_active =
            (ntfn->bound_and_active & ~(uintptr_t)NTFN_ACTIVE) | (active ? NTFN_ACTIVE : 0);
}

static inline void ntfn_set_bound_tcb(notification_t *ntfn, tcb_t *tcb)
{
    ntfn->bound_and_active = (uintptr_t)tcb | (ntfn->bound_and_active & NTFN_ACTIVE);
}

/* Signal: wake a waiter (or the bound thread) with the badge, or accumulate it. */
void notification_signal(notification_t *ntfn, word_t badge);

/* Wait (blocking) or Poll (non-blocking) on the notification. */
void notification_receive(tcb_t *tcb, notification_t *ntfn, bool is_blocking);

/* A notification pending for the thread's bound notification is delivered immediately. */
bool notification_take_bound(tcb_t *tcb);

void notification_cancel_signal(tcb_t *tcb);
void notification_cancel_all(notification_t *ntfn);

void notification_bind(notification_t *ntfn, tcb_t *tcb);
void notification_unbind_tcb(tcb_t *tcb);
void notification_unbind(notification_t *ntfn);

#endif
