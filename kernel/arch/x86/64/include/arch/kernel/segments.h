/*
 * User data-segment selectors (DS, ES, FS, GS) as per-thread state. A thread may load them
 * itself (MOV, POP, LDS...), the kernel never does on entry or exit, and in compatibility mode
 * DS and ES address memory. So, like the FPU registers, the CPU holds the selectors of one
 * thread, its owner, and switching to another thread saves them into the owner's TCB and loads
 * the other's: no thread ever runs with, or reads, another thread's selectors.
 */
#ifndef ARCH_KERNEL_SEGMENTS_H
#define ARCH_KERNEL_SEGMENTS_H

#include <kernel/tcb.h>

/* A new thread's selectors: flat user data in DS and ES, null FS and GS (bases from the TCB). */
void segments_init(tcb_t *tcb);

/*
 * Make the CPU hold tcb's selectors. Loading FS or GS replaces its base, so the caller loads the
 * thread's FS/GS bases afterwards whenever this returns true.
 */
bool segments_switch_to(tcb_t *tcb);

/* The thread is going away: its selectors in the CPU belong to nobody. */
void segments_release(const tcb_t *tcb);

#endif
