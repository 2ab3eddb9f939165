/*
 * What the generic system-call layer asks of the architecture for hardware virtualization and
 * its checks (x86-64: arch/virt/vmenter.c, arch/kernel/host_state.c).
 */
#ifndef KERNEL_ARCH_VCPU_H
#define KERNEL_ARCH_VCPU_H

#include <kernel/tcb.h>

/* seL4_SysVMEnter on behalf of the thread (sel4/vcpu.h). */
void arch_vmenter(tcb_t *thread);

/* seL4_SysDebugHostStateCheck: a mask of the host-state items that differ from what the kernel
 * set up (0: all as they should be); see sel4/syscalls.h. */
word_t arch_host_state_check(const tcb_t *thread);

#endif
