/*
 * The error an invocation's decode step found, with the details seL4 returns in the reply's
 * message registers. Decode functions record the error here and return its seL4_Error; the
 * syscall layer writes the reply from it. Per CPU, valid for the current invocation only.
 */
#ifndef KERNEL_SYSCALL_ERROR_H
#define KERNEL_SYSCALL_ERROR_H

#include <kernel/lookup_fault.h>
#include <kernel/types.h>
#include <sel4/errors.h>

typedef struct {
    seL4_Error type;
    word_t invalid_argument;   /* InvalidArgument: which argument (0-based) */
    word_t invalid_capability; /* InvalidCapability: which capability (0 the invoked one) */
    word_t range_min;          /* RangeError */
    word_t range_max;
    word_t memory_left;            /* NotEnoughMemory */
    bool failed_lookup_was_source; /* FailedLookup */
    lookup_fault_t lookup_fault;   /* FailedLookup */
} syscall_error_t;

seL4_Error error_invalid_argument(word_t argument);
seL4_Error error_invalid_capability(word_t capability);
seL4_Error error_range(word_t min, word_t max);
seL4_Error error_not_enough_memory(word_t memory_left);
seL4_Error error_failed_lookup(bool was_source, lookup_fault_t fault);
/* IllegalOperation, AlignmentError, TruncatedMessage, DeleteFirst, RevokeFirst: no details. */
seL4_Error error_simple(seL4_Error type);

/* The error recorded last. */
const syscall_error_t *error_current(void);

#endif
