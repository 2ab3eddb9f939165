/*
 * Byte offsets of the guest's general registers in vcpu_t.gpr (seL4_VCPUContext order), for the
 * entry assembly; arch/object/vcpu.h asserts that they match. Macros only (included from .S).
 */
#ifndef ARCH_VIRT_VCPU_OFFSETS_H
#define ARCH_VIRT_VCPU_OFFSETS_H

#define GPR_RAX (0 * 8)
#define GPR_RBX (1 * 8)
#define GPR_RCX (2 * 8)
#define GPR_RDX (3 * 8)
#define GPR_RSI (4 * 8)
#define GPR_RDI (5 * 8)
#define GPR_RBP (6 * 8)
#define GPR_R8  (7 * 8)
#define GPR_R9  (8 * 8)
#define GPR_R10 (9 * 8)
#define GPR_R11 (10 * 8)
#define GPR_R12 (11 * 8)
#define GPR_R13 (12 * 8)
#define GPR_R14 (13 * 8)
#define GPR_R15 (14 * 8)

#endif
