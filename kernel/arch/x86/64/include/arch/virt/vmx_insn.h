/*
 * The VMX instructions the kernel uses, one inline function each. VMX reports failure in the
 * flags (Intel SDM Vol. 3C 31.2: CF VMfailInvalid, ZF VMfailValid); each function returns true
 * on success. Only valid in VMX operation, which virt_enable enters at boot where VMX is usable.
 */
#ifndef ARCH_VIRT_VMX_INSN_H
#define ARCH_VIRT_VMX_INSN_H

#include <kernel/types.h>

static inline bool vmx_on(paddr_t region)
{
    bool failed;
    __asm__ volatile("vmxon %1; setna %0" : "=q"(failed) : "m"(region) : "memory", "cc");
    return !failed;
}

static inline bool vmcs_clear(paddr_t vmcs)
{
    bool failed;
    __asm__ volatile("vmclear %1; setna %0" : "=q"(failed) : "m"(vmcs) : "memory", "cc");
    return !failed;
}

static inline bool vmcs_load(paddr_t vmcs)
{
    bool failed;
    __asm__ volatile("vmptrld %1; setna %0" : "=q"(failed) : "m"(vmcs) : "memory", "cc");
    return !failed;
}

/* Read a field of the current VMCS; false (value 0) for a field this CPU does not have. */
static inline bool vmcs_read_checked(uint32_t field, word_t *value)
{
    bool failed;
    word_t result = 0;
    __asm__ volatile("vmread %2, %1; setna %0"
                     : "=q"(failed), "=r"(result)
                     : "r"((word_t)field)
                     : "cc");
    /* cppcheck-suppress duplicateExpressionTernary ; result is written by the asm */
    *value = failed ? 0 : result;
    return !failed;
}

/* A field the kernel knows exists (the allow-list filters the others out). */
static inline word_t vmcs_read(uint32_t field)
{
    word_t value;
    (void)vmcs_read_checked(field, &value);
    return value;
}

static inline bool vmcs_write(uint32_t field, word_t value)
{
    bool failed;
    __asm__ volatile("vmwrite %2, %1; setna %0"
                     : "=q"(failed)
                     : "r"((word_t)field), "rm"(value)
                     : "cc");
    return !failed;
}

/* INVEPT / INVVPID types (SDM Vol. 3C 31.3). */
#define INVEPT_SINGLE_CONTEXT  1
#define INVEPT_ALL_CONTEXT     2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT    2

static inline void vmx_invept(word_t type, uint64_t eptp)
{
    struct {
        uint64_t eptp;
        uint64_t reserved;
    } descriptor = {eptp, 0};
    __asm__ volatile("invept %0, %1" : : "m"(descriptor), "r"(type) : "memory", "cc");
}

static inline void vmx_invvpid(word_t type, uint16_t vpid)
{
    struct {
        uint64_t vpid;
        uint64_t address;
    } descriptor = {vpid, 0};
    __asm__ volatile("invvpid %0, %1" : : "m"(descriptor), "r"(type) : "memory", "cc");
}

#endif
