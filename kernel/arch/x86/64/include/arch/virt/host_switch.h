/*
 * The host state around a guest's run that neither VMX nor SVM switches by itself, shared by
 * both (the per-kind parts are in virt/vmx_run.c and virt/svm_run.c).
 */
#ifndef ARCH_VIRT_HOST_SWITCH_H
#define ARCH_VIRT_HOST_SWITCH_H

#include <arch/object/vcpu.h>

/* Before the guest runs: the selector owner's selectors saved in its TCB (the exit loads other
 * ones), and the guest's FPU/SSE image loaded (eager, like a thread switch). */
void host_before_guest(vcpu_t *vcpu);

/* After the exit: VMX: the GDTR/IDTR limits and the SYSCALL MSRs; both: DR6 and DR7 as the
 * kernel keeps them; FS base, KERNEL_GS_BASE and the data selectors marked unknown, so that the
 * next return to user mode loads its thread's. */
void host_after_guest(bool vmx);

#endif
