/*
 * Running an SVM guest once: the per-run VMCB fields (N_CR3, ASID, TLB control, clean bits),
 * EFER.SVME and GIF around VMRUN only (so that user mode never sees SVM enabled: the SVM
 * instructions stay #UD there), the entry, the host's state back, and what the exit means: a
 * host interrupt (handled by the kernel), a machine check (fatal), or an exit for the VMM.
 * AMD APM Vol. 2 15.5-15.6, 15.15-15.16 (TLB control), 15.25 (nested paging).
 */
#include <arch/cpu.h>
#include <arch/virt/guest_tag.h>
#include <arch/virt/host_switch.h>
#include <arch/virt/svm_insn.h>
#include <arch/virt/vcpu_backend.h>
#include <kernel/printf.h>
#include <sel4/svm.h>

#define TLB_CONTROL_NOTHING 0u
#define TLB_CONTROL_ALL     1u     /* every ASID's translations */
#define TLB_CONTROL_GUEST   3u     /* this guest's ASID only (FlushByAsid) */
#define VMCB_CLEAN_BITS     0x0c0u /* the kernel's: which fields the CPU may keep cached */
#define CLEAN_BITS_NONE     0u
#define EXIT_MACHINE_CHECK  (seL4_SVM_Exit_ExceptionBase + 18)
#define INSTRUCTION_MAX     15u

void svm_enter(word_t *gpr, paddr_t vmcb, paddr_t host_image);

static unsigned svm_tlb_control(vcpu_t *vcpu)
{
    unsigned control = TLB_CONTROL_NOTHING;

    if (guest_tags_take_flush()) {
        control = TLB_CONTROL_ALL;
    } else if (vcpu->flush_tag) {
        control = (virt()->api.flags & seL4_X86_Virt_FlushByASID) ? TLB_CONTROL_GUEST
                                                                  : TLB_CONTROL_ALL;
    }
    vcpu->flush_tag = false;
    return control;
}

static void svm_entry_fields(vcpu_t *vcpu, void *vmcb, paddr_t root)
{
    if (vcpu->guest_root != root) {
        vmcb_set64(vmcb, seL4_VMCB_NestedCR3, root);
        vcpu->guest_root = root;
        vcpu->flush_tag = true; /* the ASID's translations were through the old root */
    }
    if (guest_tag_refresh(vcpu)) {
        vmcb_set(vmcb, seL4_VMCB_GuestASID, sizeof(uint32_t), vcpu->tag);
    }
    /* Run after guest_tag_refresh: starting a generation asks for a full flush. */
    vmcb_set(vmcb, seL4_VMCB_TLBControl, 1, svm_tlb_control(vcpu));
    /* Every field may have changed since this VMCB last ran here (APM 15.15.3). */
    vmcb_set(vmcb, VMCB_CLEAN_BITS, sizeof(uint32_t), CLEAN_BITS_NONE);
    vmcb_set64(vmcb, seL4_VMCB_NextRIP, 0);
    vmcb_set64(vmcb, seL4_VMCB_Save_RAX, vcpu->gpr[VCPU_RAX]);
}

static void svm_exit_fill(const vcpu_t *vcpu, const void *vmcb, vcpu_exit_t *exit)
{
    word_t next = vmcb_get64(vmcb, seL4_VMCB_NextRIP);
    word_t length = next > vcpu->rip && next - vcpu->rip <= INSTRUCTION_MAX ? next - vcpu->rip : 0;

    exit->mr[SEL4_VMENTER_CALL_EIP_MR] = vcpu->rip;
    exit->mr[SEL4_VMENTER_CALL_CONTROL_PPC_MR] = vcpu->controls;
    exit->mr[SEL4_VMENTER_CALL_CONTROL_ENTRY_MR] = vcpu->event;
    exit->mr[SEL4_VMENTER_FAULT_REASON_MR] = vmcb_get64(vmcb, seL4_VMCB_ExitCode);
    exit->mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = vmcb_get64(vmcb, seL4_VMCB_ExitInfo1);
    exit->mr[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR] = length;
    exit->mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] = vmcb_get64(vmcb, seL4_VMCB_ExitInfo2);
    exit->mr[SEL4_VMENTER_FAULT_RFLAGS_MR] = vmcb_get64(vmcb, seL4_VMCB_Save_RFLAGS);
    exit->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR] = vmcb_get64(vmcb, seL4_VMCB_InterruptShadow);
    exit->mr[SEL4_VMENTER_FAULT_CR3_MR] = vmcb_get64(vmcb, seL4_VMCB_Save_CR3);
}

/* An exit in the middle of an event's delivery (EXITINTINFO valid, APM 15.7.2): the event
 * becomes the next entry's, for the kernel's resume after a host interrupt and for the VMM. */
static void svm_event_carry(void *vmcb)
{
    uint64_t info = vmcb_get64(vmcb, seL4_VMCB_ExitIntInfo);

    if ((info & seL4_SVM_Event_Valid) != 0) {
        vmcb_set64(vmcb, seL4_VMCB_EventInject, info);
    }
}

vcpu_run_result_t svm_vcpu_run(vcpu_t *vcpu, paddr_t root, vcpu_exit_t *exit)
{
    void *vmcb = vcpu_control(vcpu);
    uint64_t efer = virt()->host_efer;
    word_t code;

    svm_entry_fields(vcpu, vmcb, root);
    host_before_guest(vcpu);
    msr_write(MSR_EFER, efer | EFER_SVME);
    svm_clgi();
    svm_enter(vcpu->gpr, vcpu_control_paddr(vcpu), virt()->host_state_area);
    /* IF is clear again: an interrupt that ended the run waits for the kernel's window; a host
     * NMI arrives here and is fatal, as on the host. */
    svm_stgi();
    msr_write(MSR_EFER, efer);
    host_after_guest(false);
    vcpu->gpr[VCPU_RAX] = vmcb_get64(vmcb, seL4_VMCB_Save_RAX);
    vcpu->rip = vmcb_get64(vmcb, seL4_VMCB_Save_RIP);
    vcpu->controls = vmcb_get(vmcb, seL4_VMCB_InterceptMisc1, sizeof(uint32_t));
    svm_event_carry(vmcb);
    vcpu->event = vmcb_get64(vmcb, seL4_VMCB_EventInject);
    code = vmcb_get64(vmcb, seL4_VMCB_ExitCode);
    if ((uint32_t)code == (uint32_t)seL4_SVM_Exit_Invalid) {
        /* VMRUN refused the guest state (APM 15.5.1). The state-save area then holds no guest
         * state, and QEMU leaves the host's there (kernel addresses, CR3): none of it reaches
         * the VMM. QEMU also writes the code as 32 bits; the VMM gets the APM's -1. */
        svm_save_area_reset(vcpu);
        vcpu->rip = 0;
        vmcb_set64(vmcb, seL4_VMCB_ExitCode, seL4_SVM_Exit_Invalid);
    }
    if (code == EXIT_MACHINE_CHECK) {
        kpanic("machine check while a guest ran");
    }
    if (code == seL4_SVM_Exit_INTR) {
        return VCPU_RUN_HOST_INTERRUPT;
    }
    svm_exit_fill(vcpu, vmcb, exit);
    return VCPU_RUN_EXIT;
}
