/*
 * Synchronous IPC endpoints: a queue of threads all waiting to send or all waiting to receive.
 * An endpoint object is two queue pointers (2^seL4_EndpointBits bytes); which way the queue
 * waits follows from the state of the thread at its head.
 */
#ifndef KERNEL_ENDPOINT_H
#define KERNEL_ENDPOINT_H

#include <kernel/cap.h>
#include <kernel/tcb.h>

typedef struct endpoint {
    tcb_t *head;
    tcb_t *tail;
} endpoint_t;

_Static_assert(sizeof(endpoint_t) <= (1u << seL4_EndpointBits), "an endpoint fits its object");

/*
 * Send on an endpoint: hand the message to a waiting receiver, or (blocking) queue up.
 * badge, can_grant and can_grant_reply come from the capability used; is_call makes the
 * sender wait for a reply.
 */
void endpoint_send(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant,
                   bool can_grant_reply, bool is_blocking, bool is_call);

/* Receive on an endpoint (cap gives the receiver's rights); a bound notification comes first. */
void endpoint_receive(tcb_t *receiver, cap_t cap, bool is_blocking);

/* Take a blocked thread out of the endpoint's queue. */
void endpoint_cancel_ipc(tcb_t *tcb);

/* The endpoint is going away: every waiter restarts its system call. */
void endpoint_cancel_all(endpoint_t *ep);

/* Restart every sender queued with this badge (CNode_CancelBadgedSends). */
void endpoint_cancel_badged_sends(endpoint_t *ep, word_t badge);

/* Queue manipulation shared with notifications. */
void thread_queue_append(tcb_t **head, tcb_t **tail, tcb_t *tcb);
void thread_queue_remove(tcb_t **head, tcb_t **tail, tcb_t *tcb);
/* Removes and returns the first thread of the queue; NULL when it is empty. */
tcb_t *thread_queue_pop(tcb_t **head, tcb_t **tail);
/* Empties the queue: each thread retries its system call (one sending a fault stays stopped). */
void thread_queue_release_all(tcb_t **head, tcb_t **tail);

#endif
