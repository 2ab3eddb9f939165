/*
 * The system call layer: one entry for every `syscall`, on behalf of the current thread.
 * When it returns, the caller runs the scheduler and leaves for whichever thread is current.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/types.h>

/* number is RDX at the `syscall` (a seL4_Syscall_ID, or anything else a thread put there). */
void syscall_handle(word_t number);

#endif
