/*
 * Error codes returned by kernel invocations, as seL4 defines them.
 */
#ifndef SEL4_ERRORS_H
#define SEL4_ERRORS_H

typedef enum {
    seL4_NoError = 0,
    seL4_InvalidArgument,   /* an argument is invalid; MR0 of the reply says which (0-based) */
    seL4_InvalidCapability, /* a capability argument is invalid; MR0 says which */
    seL4_IllegalOperation,  /* the operation is not allowed on this object or state */
    seL4_RangeError,        /* an argument is out of range; MR0/MR1 give the allowed min/max */
    seL4_AlignmentError,    /* an address or size is misaligned */
    seL4_FailedLookup,      /* a capability lookup failed; MRs describe the lookup failure */
    seL4_TruncatedMessage,  /* the message is too short for the invocation */
    seL4_DeleteFirst,       /* the destination slot is occupied */
    seL4_RevokeFirst,       /* the object still has derived capabilities or children */
    seL4_NotEnoughMemory,   /* the untyped has too little free memory; MR0 says how much */
    seL4_NumErrors
} seL4_Error;

/* Lookup failure kinds reported with seL4_FailedLookup and in CapFault messages. */
typedef enum {
    seL4_NoFailure = 0,
    seL4_InvalidRoot,
    seL4_MissingCapability,
    seL4_DepthMismatch,
    seL4_GuardMismatch
} seL4_LookupFailureType;

#endif
