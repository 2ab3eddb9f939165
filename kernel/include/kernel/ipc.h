/*
 * Moving a message from one thread to another: message registers, capability transfer (with
 * badge unwrapping), fault messages, reply capabilities and replies.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <kernel/endpoint.h>
#include <kernel/tcb.h>

/* Copy the sender's message (or its fault) to the receiver; ep is NULL for replies. */
void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant, tcb_t *receiver);

/* After a Call reached receiver: give it the reply capability, or drop the caller. */
void ipc_setup_caller(tcb_t *sender, tcb_t *receiver, bool reply_can_grant);

/* Delete the receiver's pending reply capability (at each new receive). */
void ipc_delete_caller_cap(tcb_t *receiver);

/* Reply through the reply capability in slot to receiver (BlockedOnReply). */
void ipc_reply_transfer(tcb_t *sender, tcb_t *receiver, cte_t *slot, bool can_grant);

#endif
