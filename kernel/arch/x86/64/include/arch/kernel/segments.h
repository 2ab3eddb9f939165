/*
 * User data-segment selectors (DS, ES, FS, GS) as per-thread state. A thread may load them
 * itself (MOV, POP, LDS...), the kernel never does on entry or exit, and in compatibility mode
 * DS and ES address memory. So, like the FPU registers, the CPU holds the selectors of one
 * thread, its owner, and switching to another thread saves them into the owner's TCB and loads
 * the other's: no thread ever runs with, or reads, another thread's selectors.
 */
#ifndef ARCH_KERNEL_SEGMENTS_H
#define ARCH_KERNEL_SEGMENTS_H

#include <kernel/cpu.h>
#include <kernel/tcb.h>

/* A new thread's selectors: flat user data in DS and ES, null FS and GS (bases from the TCB). */
void segments_init(tcb_t *tcb);

/* The switch itself: save the CPU's selectors into the owner's TCB, load tcb's where they
 * differ; true when any was loaded. */
bool segments_switch(arch_cpu_t *arch, tcb_t *tcb);

/*
 * Make the CPU hold tcb's selectors. Loading FS or GS replaces its base, so the caller loads the
 * thread's FS/GS bases afterwards whenever this returns true. Returning to the thread that ran
 * last (a system call's common case) costs one comparison.
 */
static inline bool segments_switch_to(arch_cpu_t *arch, tcb_t *tcb)
{
    return arch->segment_owner != tcb && segments_switch(arch, tcb);
}

/* Something other than a thread switch is about to change the CPU's selectors (a guest's run):
 * the owner's are saved in its TCB and the CPU's belong to nobody. The owner must be set. */
void segments_release_saving(arch_cpu_t *arch);

/* The thread is going away: its selectors in the CPU belong to nobody. */
void segments_release(const tcb_t *tcb);

#endif
