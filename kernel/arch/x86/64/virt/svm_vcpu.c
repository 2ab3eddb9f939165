/*
 * SVM VCPUs: a new VMCB (AMD APM Vol. 2, Appendix B) with the kernel's intercepts, the I/O and MSR
 * permission maps, nested paging and virtual interrupt masking on; field access for the VCPU
 * invocations. The VMCB is plain memory the CPU reads at each VMRUN: no VMCB is ever "current".
 */
#include <arch/virt/vcpu_backend.h>
#include <arch/virt/svm_insn.h>
#include <kernel/string.h>
#include <sel4/svm.h>

#define GUEST_PAT_DEFAULT 0x0007040600070406ull
#define DR6_INIT          0xffff0ff0ull
#define DR7_INIT          0x400ull
#define RFLAGS_RESERVED   0x2ull
#define NESTED_PAGING     0x1ull /* NP_ENABLE (offset 0x090, bit 0) */
#define IOPM_BYTES        (2 * BIT(seL4_PageBits))
#define IOPM_WRAP_BYTES   8 /* the third page's bits the CPU reads: ports 0x10000.. */
#define SAVE_AREA_START   seL4_VMCB_Save_ES
#define SAVE_AREA_END     0x698 /* past LASTEXCPTO */

void svm_vcpu_init(vcpu_t *vcpu)
{
    static const uint16_t words[seL4_X86_VirtControlWords] = {
            [VIRT_SVM_MISC1] = seL4_VMCB_InterceptMisc1,
            [VIRT_SVM_MISC2] = seL4_VMCB_InterceptMisc2,
            [VIRT_SVM_MISC3] = seL4_VMCB_InterceptMisc3,
            [VIRT_SVM_DR] = seL4_VMCB_InterceptDR,
            [VIRT_SVM_EXCEPTIONS] = seL4_VMCB_InterceptException,
    };
    uint8_t *iopm = paddr_to_kptr(vcpu_io_paddr(vcpu));
    void *vmcb = vcpu_control(vcpu);

    memset(iopm, 0xff, IOPM_BYTES + IOPM_WRAP_BYTES); /* every port exits */
    for (unsigned i = 0; i < seL4_X86_VirtControlWords; i++) {
        uint32_t value = 0;
        (void)virt_control_word(i, 0, &value);
        vmcb_set(vmcb, words[i], sizeof(uint32_t), value);
    }
    vcpu->controls = vmcb_get(vmcb, seL4_VMCB_InterceptMisc1, sizeof(uint32_t));
    vmcb_set64(vmcb, seL4_VMCB_IOPMBase, vcpu_io_paddr(vcpu));
    vmcb_set64(vmcb, seL4_VMCB_MSRPMBase, virt()->msr_permissions);
    vmcb_set(vmcb, seL4_VMCB_IntControl, sizeof(uint32_t), seL4_SVM_Int_VIntrMasking);
    vmcb_set64(vmcb, seL4_VMCB_NestedControl, NESTED_PAGING);
    svm_save_area_reset(vcpu);
}

void svm_save_area_reset(vcpu_t *vcpu)
{
    uint8_t *vmcb = vcpu_control(vcpu);

    memset(vmcb + SAVE_AREA_START, 0, SAVE_AREA_END - SAVE_AREA_START);
    vmcb_set64(vmcb, seL4_VMCB_Save_EFER, EFER_SVME);
    vmcb_set64(vmcb, seL4_VMCB_Save_GPAT, GUEST_PAT_DEFAULT);
    vmcb_set64(vmcb, seL4_VMCB_Save_DR6, DR6_INIT);
    vmcb_set64(vmcb, seL4_VMCB_Save_DR7, DR7_INIT);
    vmcb_set64(vmcb, seL4_VMCB_Save_RFLAGS, RFLAGS_RESERVED);
    vcpu->gpr[VCPU_RAX] = 0;
}

word_t svm_vcpu_read(const vcpu_t *vcpu, word_t offset, unsigned width)
{
    return vmcb_get(vcpu_control(vcpu), (unsigned)offset, width);
}

void svm_vcpu_write(vcpu_t *vcpu, word_t offset, unsigned width, word_t value)
{
    vmcb_set(vcpu_control(vcpu), (unsigned)offset, width, value);
    switch (offset) {
    case seL4_VMCB_Save_CR0:
    case seL4_VMCB_Save_CR3:
    case seL4_VMCB_Save_CR4:
    case seL4_VMCB_Save_EFER:
        vcpu->flush_tag = true; /* VMRUN keeps the ASID's translations otherwise */
        break;
    case seL4_VMCB_InterceptMisc1:
        vcpu->controls = value;
        break;
    default:
        break;
    }
}

void svm_vcpu_set_entry(vcpu_t *vcpu, word_t rip, word_t controls, word_t event)
{
    void *vmcb = vcpu_control(vcpu);

    vmcb_set64(vmcb, seL4_VMCB_Save_RIP, rip);
    vmcb_set(vmcb, seL4_VMCB_InterceptMisc1, sizeof(uint32_t), controls);
    vmcb_set64(vmcb, seL4_VMCB_EventInject, event);
    vcpu->rip = rip;
    vcpu->controls = controls;
    vcpu->event = event;
}
