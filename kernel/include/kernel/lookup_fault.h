/*
 * Why a capability lookup failed, in the terms seL4 reports to user space (seL4_LookupFailureType
 * plus the bits it gives with each kind). Data only.
 */
#ifndef KERNEL_LOOKUP_FAULT_H
#define KERNEL_LOOKUP_FAULT_H

#include <kernel/types.h>
#include <sel4/errors.h>

typedef struct {
    seL4_LookupFailureType type;
    word_t bits_left;   /* MissingCapability, DepthMismatch, GuardMismatch */
    word_t bits_found;  /* DepthMismatch, GuardMismatch */
    word_t guard_found; /* GuardMismatch */
} lookup_fault_t;

static inline lookup_fault_t lookup_fault_invalid_root(void)
{
    lookup_fault_t fault = {.type = seL4_InvalidRoot};
    return fault;
}

static inline lookup_fault_t lookup_fault_missing_capability(word_t bits_left)
{
    lookup_fault_t fault = {.type = seL4_MissingCapability, .bits_left = bits_left};
    return fault;
}

static inline lookup_fault_t lookup_fault_depth_mismatch(word_t bits_left, word_t bits_found)
{
    lookup_fault_t fault = {
            .type = seL4_DepthMismatch, .bits_left = bits_left, .bits_found = bits_found};
    return fault;
}

static inline lookup_fault_t lookup_fault_guard_mismatch(word_t bits_left, word_t guard_found,
                                                         word_t bits_found)
{
    lookup_fault_t fault = {.type = seL4_GuardMismatch,
                            .bits_left = bits_left,
                            .guard_found = guard_found,
                            .bits_found = bits_found};
    return fault;
}

#endif
