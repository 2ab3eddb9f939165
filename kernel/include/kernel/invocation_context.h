/*
 * One invocation in progress: who invokes, with which label, arguments and extra capabilities.
 * Decode functions read arguments through it; invoke functions write reply registers through it.
 */
#ifndef KERNEL_INVOCATION_CONTEXT_H
#define KERNEL_INVOCATION_CONTEXT_H

#include <kernel/cte.h>
#include <kernel/tcb.h>

typedef struct {
    tcb_t *thread;
    word_t label;
    word_t length;  /* message registers the caller sent (limited to 4 without an IPC buffer) */
    word_t *buffer; /* the caller's IPC buffer to read arguments from, or NULL */
    /* The caller's IPC buffer to write the reply to: NULL unless its capability allows writing
     * (a Call only). */
    word_t *reply_buffer;
    cptr_t cptr; /* address of the invoked capability */
    cte_t *extra_caps[seL4_MsgMaxExtraCaps];
    word_t extra_cap_count;
    bool is_call;
    bool is_blocking;
    word_t reply_length; /* message registers the invoke step filled for the reply */
} invocation_t;

/* Argument i (message register i); callers check inv->length first. */
word_t inv_arg(const invocation_t *inv, unsigned i);

/* Extra capability i, or the null cap when fewer were sent. */
cap_t inv_extra_cap(const invocation_t *inv, unsigned i);
cte_t *inv_extra_slot(const invocation_t *inv, unsigned i);

/* Reply message register i (only when the invocation is a Call; extends reply_length). */
void inv_reply(invocation_t *inv, unsigned i, word_t value);

/* Decode and perform an invocation of cap (in slot); see kernel/src/object/invoke.c. */
seL4_Error invocation_decode(invocation_t *inv, cap_t cap, cte_t *slot);

#endif
