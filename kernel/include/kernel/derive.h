/*
 * Deriving a capability for a copy (CNode Copy/Mint, capability transfer, TCB configuration):
 * some capabilities cannot be copied at all, some only in certain states.
 */
#ifndef KERNEL_DERIVE_H
#define KERNEL_DERIVE_H

#include <kernel/cte.h>

/*
 * The capability a copy of slot's cap would hold: unchanged, adjusted (an unmapped frame), or
 * the null cap (reply, IRQControl, zombie, I/O port control). Errors, recorded: RevokeFirst
 * for an untyped with children, IllegalOperation for an unmapped paging structure.
 */
seL4_Error cap_derive(cte_t *slot, cap_t cap, cap_t *derived);

#endif
