/*
 * A thread's registers in seL4_UserContext order (ReadRegisters, WriteRegisters, fault
 * messages and fault replies). Implemented by the architecture, which owns the sanitising.
 */
#ifndef KERNEL_USER_CONTEXT_H
#define KERNEL_USER_CONTEXT_H

#include <kernel/tcb.h>
#include <sel4/user_context.h>

void user_context_read(tcb_t *tcb, word_t registers[seL4_UserContext_Count]);

/* A set of registers: bit i stands for seL4_UserContext index i. */
#define USER_CONTEXT_ALL MASK(seL4_UserContext_Count)

/*
 * Write the registers in `which` (registers[] indexed as seL4_UserContext) after checking them
 * all: RFLAGS is reduced to what user mode may own; a non-canonical RIP, RSP, FS base or GS base
 * refuses the whole write (nothing changes, *bad_index names the register).
 */
bool user_context_write(tcb_t *tcb, const word_t *registers, word_t which, unsigned *bad_index);

/* The checks of user_context_write alone (nothing is written). */
bool user_context_check(const word_t *registers, word_t which, unsigned *bad_index);

/* True when value is a canonical x86-64 address (a valid FS/GS base or RIP). */
bool user_address_is_canonical(word_t value);

#endif
