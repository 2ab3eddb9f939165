/*
 * The kernel's rules for the control words a VMM writes (VMX execution, exit and entry controls;
 * SVM intercept words): which bits it may set, which the kernel always sets. virt_detect
 * intersects them with what the CPU allows; virt_control_word applies them.
 */
#ifndef ARCH_VIRT_VIRT_POLICY_H
#define ARCH_VIRT_VIRT_POLICY_H

#include <sel4/bootinfo.h>
#include <sel4/svm.h>
#include <sel4/vmx.h>
#include <stdint.h>

extern const uint32_t vmx_policy_forced[seL4_X86_VirtControlWords];
extern const uint32_t vmx_policy_settable[seL4_X86_VirtControlWords];
extern const uint32_t svm_policy_forced[seL4_X86_VirtControlWords];
extern const uint32_t svm_policy_settable[seL4_X86_VirtControlWords];

#endif
