/*
 * beaml4's hypercall interface, the guest side (docs/hypercalls.md): detection through CPUID
 * leaf 0x40000000 and the call itself (VMCALL on Intel, VMMCALL on AMD).
 */
#ifndef TESTGUEST_HYPERCALL_H
#define TESTGUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#define HYPERCALL_CPUID_LEAF 0x40000000u

#define HC_VERSION       0
#define HC_CONSOLE_WRITE 1
#define HC_EXIT          2
#define HC_PROFILE       3

#define HC_ENOSYS -38
#define HC_EINVAL -22
#define HC_EFAULT -14

/* The beaml4 signature "beaml4beaml4" in EBX, ECX, EDX of leaf 0x40000000. */
bool hypercall_available(void);
int64_t hypercall(uint64_t number, uint64_t arg0, uint64_t arg1, uint64_t arg2, uint64_t arg3);

#endif
