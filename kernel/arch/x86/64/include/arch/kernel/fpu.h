/*
 * FPU/SSE state of user threads, saved with FXSAVE and restored with FXRSTOR (no XSAVE: the
 * KVM used here cannot run it). Eager switching: the registers always hold the state of the
 * thread last run in user mode, saved only when another thread's is loaded.
 */
#ifndef ARCH_KERNEL_FPU_H
#define ARCH_KERNEL_FPU_H

#include <kernel/tcb.h>

/* Boot only: build the state a new thread starts with (FCW 0x37f, MXCSR 0x1f80). */
void fpu_init(void);

/* Give a new thread the initial state. */
void fpu_state_init(fpu_state_t *state);

/* Load a state image (a thread's, or a VCPU's guest state) into the FPU if it is not there
 * already, saving the image that was. */
void fpu_load(fpu_state_t *state);

/* The image's object is being destroyed: it stops being the FPU's owner. */
void fpu_release_state(const fpu_state_t *state);

static inline void fpu_switch_to(tcb_t *tcb)
{
    fpu_load(&tcb->arch.fpu);
}

static inline void fpu_release(const tcb_t *tcb)
{
    fpu_release_state(&tcb->arch.fpu);
}

#endif
