/*
 * The VMCB fields a VMM may read and write (AMD APM Vol. 2, Appendix B), by byte offset and
 * width: the intercepts under the kernel's rules, TSC offset, virtual interrupt control, event
 * injection, the exit information (read only) and the state-save area. Absent on purpose: the
 * IOPM and MSRPM addresses, the ASID and TLB control, nested paging control and N_CR3, the AVIC
 * and SEV fields, the VMCB clean bits. Addresses that VMLOAD loads into MSRs must be canonical.
 */
#include <arch/virt/vcpu_fields.h>
#include <arch/virt/virt.h>
#include <sel4/svm.h>

#define FIELD(off, w, rule, a, f)                                                                  \
    {                                                                                              \
        (off), (w), (rule), (a), (f)                                                               \
    }
#define RW(off, w)         FIELD((off), (w), RULE_ANY, 0, 0)
#define RO(off, w)         FIELD((off), (w), RULE_READ_ONLY, 0, 0)
#define CONTROL(off, i)    FIELD((off), 4, RULE_CONTROL, (i), 0)
#define BITS(off, w, a, f) FIELD((off), (w), RULE_BITS, (a), (f))
#define CANONICAL(off)     FIELD((off), 8, RULE_CANONICAL, 0, 0)

/* A segment register in the state-save area: selector, attributes, limit, base. */
#define SEGMENT(base)                                                                              \
    RW((base) + seL4_VMCB_Seg_Selector, 2), RW((base) + seL4_VMCB_Seg_Attrib, 2),                  \
            RW((base) + seL4_VMCB_Seg_Limit, 4), CANONICAL((base) + seL4_VMCB_Seg_Base)

/* V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR; V_INTR_MASKING always (the guest's IF never masks the
 * host's interrupts, and CR8 writes reach V_TPR, not the physical TPR: APM 15.21.1). */
#define INT_CONTROL_VMM     0x001f01ffull
#define INTERRUPT_SHADOW    0x1ull /* bit 1, the guest's IF, is read only */
#define DEBUGCTL_LBR_BTF    0x3ull
#define SFMASK_BITS         0xffffffffull /* the upper half is reserved */
#define DEBUG_REGISTER_BITS 0xffffffffull
#define SYSENTER_CS_BITS    0xffffull
#define EFER_SVME           (1ull << 12) /* the guest's EFER.SVME must be set (APM 15.5.1) */

static const vcpu_field_t svm_fields[] = {
        RW(seL4_VMCB_InterceptCR, 4),
        CONTROL(seL4_VMCB_InterceptDR, VIRT_SVM_DR),
        CONTROL(seL4_VMCB_InterceptException, VIRT_SVM_EXCEPTIONS),
        CONTROL(seL4_VMCB_InterceptMisc1, VIRT_SVM_MISC1),
        CONTROL(seL4_VMCB_InterceptMisc2, VIRT_SVM_MISC2),
        CONTROL(seL4_VMCB_InterceptMisc3, VIRT_SVM_MISC3),
        RW(seL4_VMCB_PauseFilterThreshold, 2),
        RW(seL4_VMCB_PauseFilterCount, 2),
        RW(seL4_VMCB_TSCOffset, 8),
        BITS(seL4_VMCB_IntControl, 4, INT_CONTROL_VMM, seL4_SVM_Int_VIntrMasking),
        RW(seL4_VMCB_IntVector, 1),
        BITS(seL4_VMCB_InterruptShadow, 8, INTERRUPT_SHADOW, 0),
        RO(seL4_VMCB_ExitCode, 8),
        RO(seL4_VMCB_ExitInfo1, 8),
        RO(seL4_VMCB_ExitInfo2, 8),
        RO(seL4_VMCB_ExitIntInfo, 8),
        RW(seL4_VMCB_EventInject, 8),
        RO(seL4_VMCB_NextRIP, 8),
        RO(seL4_VMCB_InstrBytes0, 8),
        RO(seL4_VMCB_InstrBytes1, 8),
        SEGMENT(seL4_VMCB_Save_ES),
        SEGMENT(seL4_VMCB_Save_CS),
        SEGMENT(seL4_VMCB_Save_SS),
        SEGMENT(seL4_VMCB_Save_DS),
        SEGMENT(seL4_VMCB_Save_FS),
        SEGMENT(seL4_VMCB_Save_GS),
        SEGMENT(seL4_VMCB_Save_GDTR),
        SEGMENT(seL4_VMCB_Save_LDTR),
        SEGMENT(seL4_VMCB_Save_IDTR),
        SEGMENT(seL4_VMCB_Save_TR),
        RW(seL4_VMCB_Save_CPL, 1),
        BITS(seL4_VMCB_Save_EFER, 8, ~0ull, EFER_SVME),
        RW(seL4_VMCB_Save_CR4, 8),
        RW(seL4_VMCB_Save_CR3, 8),
        RW(seL4_VMCB_Save_CR0, 8),
        /* Bits 63:32 of DR6 and DR7 must be zero (VMRUN's checks, APM 15.5.1). */
        BITS(seL4_VMCB_Save_DR7, 8, DEBUG_REGISTER_BITS, 0),
        BITS(seL4_VMCB_Save_DR6, 8, DEBUG_REGISTER_BITS, 0),
        RW(seL4_VMCB_Save_RFLAGS, 8),
        RW(seL4_VMCB_Save_RIP, 8),
        RW(seL4_VMCB_Save_RSP, 8),
        RW(seL4_VMCB_Save_RAX, 8),
        RW(seL4_VMCB_Save_STAR, 8),
        CANONICAL(seL4_VMCB_Save_LSTAR),
        CANONICAL(seL4_VMCB_Save_CSTAR),
        BITS(seL4_VMCB_Save_SFMASK, 8, SFMASK_BITS, 0),
        CANONICAL(seL4_VMCB_Save_KernelGSBase),
        BITS(seL4_VMCB_Save_SysenterCS, 8, SYSENTER_CS_BITS, 0),
        CANONICAL(seL4_VMCB_Save_SysenterESP),
        CANONICAL(seL4_VMCB_Save_SysenterEIP),
        RW(seL4_VMCB_Save_CR2, 8),
        RW(seL4_VMCB_Save_GPAT, 8),
        BITS(seL4_VMCB_Save_DebugCtl, 8, DEBUGCTL_LBR_BTF, 0),
        RO(seL4_VMCB_Save_BranchFrom, 8),
        RO(seL4_VMCB_Save_BranchTo, 8),
        RO(seL4_VMCB_Save_LastExceptFrom, 8),
        RO(seL4_VMCB_Save_LastExceptTo, 8),
};

const vcpu_field_t *svm_field_lookup(word_t id)
{
    return vcpu_field_find(svm_fields, ARRAY_SIZE(svm_fields), id);
}
