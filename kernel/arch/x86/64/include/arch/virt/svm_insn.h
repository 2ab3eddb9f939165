/*
 * The SVM instructions and VMCB accesses the kernel uses. The VMCB is a hardware layout (AMD APM
 * Vol. 2, Appendix B): fields are reached by byte offset and width, never through a C struct.
 * SVM instructions need EFER.SVME, which the kernel sets only around a guest's run.
 */
#ifndef ARCH_VIRT_SVM_INSN_H
#define ARCH_VIRT_SVM_INSN_H

#include <kernel/string.h>
#include <kernel/types.h>

#define MSR_VM_HSAVE_PA 0xc0010117u
#define EFER_SVME       BIT(12)

static inline void svm_vmsave(paddr_t area)
{
    __asm__ volatile("vmsave %%rax" : : "a"(area) : "memory");
}

static inline void svm_clgi(void)
{
    __asm__ volatile("clgi" : : : "memory");
}

static inline void svm_stgi(void)
{
    __asm__ volatile("stgi" : : : "memory");
}

/* Field access at a byte offset: width 1, 2, 4 or 8 bytes, little-endian. */
static inline uint64_t vmcb_get(const void *vmcb, unsigned offset, unsigned width)
{
    uint64_t value = 0;
    memcpy(&value, (const uint8_t *)vmcb + offset, width);
    return value;
}

static inline void vmcb_set(void *vmcb, unsigned offset, unsigned width, uint64_t value)
{
    memcpy((uint8_t *)vmcb + offset, &value, width);
}

static inline uint64_t vmcb_get64(const void *vmcb, unsigned offset)
{
    return vmcb_get(vmcb, offset, sizeof(uint64_t));
}

static inline void vmcb_set64(void *vmcb, unsigned offset, uint64_t value)
{
    vmcb_set(vmcb, offset, sizeof(uint64_t), value);
}

#endif
