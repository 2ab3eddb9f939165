/*
 * Running a VMX guest once: the per-entry VMCS fields (EPT pointer, VPID, HOST_CR3), the guest's
 * SYSCALL MSRs, KERNEL_GS_BASE and CR2 (no VMCS field holds them, SDM Vol. 3C 28.3), the entry,
 * the host's state back, and what the exit means: a host interrupt (handled by the kernel), a
 * host NMI or machine check (fatal, as on the host), or an exit for the VMM.
 */
#include <arch/cpu.h>
#include <arch/object/ept.h>
#include <arch/virt/guest_tag.h>
#include <arch/virt/host_switch.h>
#include <arch/virt/vcpu_backend.h>
#include <arch/virt/virt.h>
#include <arch/virt/vmx_insn.h>
#include <kernel/cpu.h>
#include <kernel/printf.h>
#include <sel4/vmx.h>

#define MSR_STAR                 0xc0000081u
#define MSR_KERNEL_GS_BASE       0xc0000102u
#define EXIT_REASON_BASIC        0xffffu
#define INTR_INFO_VECTOR         0xffu
#define INTR_INFO_TYPE(i)        (((i) >> 8) & 0x7u)
#define INTR_TYPE_NMI            2u
#define INTR_TYPE_HARDWARE       3u
#define INTR_INFO_NMI_UNBLOCKING (1u << 12)
#define VECTOR_MACHINE           18u
#define ENTRY_FAILED_VALID       2 /* vmx_enter's VMfailValid */
/* The preemption timer's start value for every run: it counts down once every 2^N TSC cycles
 * (N from IA32_VMX_MISC, 5 or so), so a run lasts at most about 2^21 TSC cycles before the kernel
 * takes the CPU back, however the guest holds its interrupts. */
#define VMX_RUN_BOUND 0x10000u

word_t vmx_enter(word_t *gpr, word_t launched);

static word_t cr2_read(void)
{
    word_t value;
    __asm__ volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

static void cr2_write(word_t value)
{
    __asm__ volatile("mov %0, %%cr2" : : "r"(value));
}

/* The fields that change between entries, written only when they did. */
static void vmx_entry_fields(vcpu_t *vcpu, paddr_t root)
{
    paddr_t cr3 = cpu_self()->arch.loaded_cr3;

    vmx_make_current(vcpu);
    if (vcpu->guest_root != root) {
        vmcs_write(seL4_VMCS_EPTPointer, ept_pointer(root));
        vcpu->guest_root = root;
    }
    if (guest_tag_refresh(vcpu)) {
        vmcs_write(seL4_VMCS_VPID, vcpu->tag);
    }
    if (virt()->api.flags & seL4_X86_Virt_PreemptionTimer) {
        vmcs_write(seL4_VMCS_Guest_PreemptionTimer, VMX_RUN_BOUND);
    }
    if (vcpu->host_cr3 != cr3) {
        vmcs_write(seL4_VMCS_Host_CR3, cr3);
        vcpu->host_cr3 = cr3;
    }
}

static void vmx_guest_msrs_load(const vcpu_t *vcpu)
{
    for (unsigned i = 0; i < VCPU_MSR_KERNEL_GS_BASE; i++) {
        msr_write(MSR_STAR + i, vcpu->msr[i]); /* STAR, LSTAR, CSTAR, FMASK */
    }
    msr_write(MSR_KERNEL_GS_BASE, vcpu->msr[VCPU_MSR_KERNEL_GS_BASE]);
    if (cr2_read() != vcpu->cr2) {
        cr2_write(vcpu->cr2);
    }
    /* The guest's DR6: no VMCS field holds it, and the host's is cleared after every exit. A
     * #DB in the guest sets its bits in the CPU's DR6, which the VMM then reads. */
    __asm__ volatile("mov %0, %%dr6" : : "r"(vcpu->msr[VCPU_MSR_DR6]));
}

/*
 * An exit in the middle of an event's delivery (IDT-vectoring information valid, SDM 27.2.4):
 * the event becomes the next entry's, so that neither the kernel resuming after a host
 * interrupt nor a VMM handling the exit loses it. Bit 12 (NMI unblocking) is undefined in the
 * vectoring field and reserved in the entry field.
 */
static void vmx_event_carry(void)
{
    word_t info = vmcs_read(seL4_VMCS_IDTVectoringInfo);

    if ((info & seL4_VMX_Intr_Valid) == 0) {
        return;
    }
    vmcs_write(seL4_VMCS_EntryIntrInfo, info & ~INTR_INFO_NMI_UNBLOCKING);
    vmcs_write(seL4_VMCS_EntryExceptionCode, vmcs_read(seL4_VMCS_IDTVectoringError));
    vmcs_write(seL4_VMCS_EntryInstrLength, vmcs_read(seL4_VMCS_ExitInstrLength));
}

static void vmx_cache_entry_fields(vcpu_t *vcpu)
{
    vmx_event_carry();
    vcpu->rip = vmcs_read(seL4_VMCS_Guest_RIP);
    vcpu->controls = vmcs_read(seL4_VMCS_ProcControls);
    vcpu->event = vmcs_read(seL4_VMCS_EntryIntrInfo);
}

static void vmx_exit_fill(vcpu_t *vcpu, word_t reason, word_t qualification, vcpu_exit_t *exit)
{
    exit->mr[SEL4_VMENTER_CALL_EIP_MR] = vcpu->rip;
    exit->mr[SEL4_VMENTER_CALL_CONTROL_PPC_MR] = vcpu->controls;
    exit->mr[SEL4_VMENTER_CALL_CONTROL_ENTRY_MR] = vcpu->event;
    exit->mr[SEL4_VMENTER_FAULT_REASON_MR] = reason;
    exit->mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = qualification;
    exit->mr[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR] = vmcs_read(seL4_VMCS_ExitInstrLength);
    exit->mr[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] = vmcs_read(seL4_VMCS_GuestPhysicalAddr);
    exit->mr[SEL4_VMENTER_FAULT_RFLAGS_MR] = vmcs_read(seL4_VMCS_Guest_RFLAGS);
    exit->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR] = vmcs_read(seL4_VMCS_Guest_Interruptibility);
    exit->mr[SEL4_VMENTER_FAULT_CR3_MR] = vmcs_read(seL4_VMCS_Guest_CR3);
}

/* Exits that belong to the host, not to the VMM: a host NMI or machine check is as fatal as it
 * is without a guest (docs/kernel.md), and only ever comes from the hardware. */
static void vmx_host_events(word_t reason)
{
    word_t basic = reason & EXIT_REASON_BASIC;

    if (basic == seL4_VMX_Exit_MachineCheck) {
        kpanic("machine check while a guest ran (exit reason %#lx)", reason);
    }
    if (basic == seL4_VMX_Exit_ExceptionNMI) {
        word_t info = vmcs_read(seL4_VMCS_ExitIntrInfo);
        if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
            kpanic("NMI while a guest ran");
        }
        if (INTR_INFO_TYPE(info) == INTR_TYPE_HARDWARE &&
            (info & INTR_INFO_VECTOR) == VECTOR_MACHINE) {
            kpanic("machine check while a guest ran");
        }
    }
}

vcpu_run_result_t vmx_vcpu_run(vcpu_t *vcpu, paddr_t root, vcpu_exit_t *exit)
{
    word_t failed;
    word_t reason;

    vmx_entry_fields(vcpu, root);
    host_before_guest(vcpu);
    vmx_guest_msrs_load(vcpu);
    failed = vmx_enter(vcpu->gpr, vcpu->launched);
    vcpu->cr2 = cr2_read();
    vcpu->msr[VCPU_MSR_KERNEL_GS_BASE] = msr_read(MSR_KERNEL_GS_BASE);
    __asm__ volatile("mov %%dr6, %0" : "=r"(vcpu->msr[VCPU_MSR_DR6]));
    host_after_guest(true);
    vmx_cache_entry_fields(vcpu);
    if (failed != 0) {
        /* Control or host-state checks failed (SDM 27.2): nothing ran. */
        vmx_exit_fill(vcpu, seL4_VMEnter_Reason_EntryFailed,
                      failed == ENTRY_FAILED_VALID ? vmcs_read(seL4_VMCS_InstructionError) : 0,
                      exit);
        return VCPU_RUN_EXIT;
    }
    reason = vmcs_read(seL4_VMCS_ExitReason);
    if ((reason & seL4_VMX_ExitReason_EntryFailed) == 0) {
        vcpu->launched = true; /* a failed entry leaves the VMCS clear (SDM 27.8) */
    }
    vmx_host_events(reason);
    if ((reason & EXIT_REASON_BASIC) == seL4_VMX_Exit_ExternalInterrupt ||
        (reason & EXIT_REASON_BASIC) == seL4_VMX_Exit_PreemptionTimer) {
        return VCPU_RUN_HOST_INTERRUPT;
    }
    vmx_exit_fill(vcpu, reason, vmcs_read(seL4_VMCS_ExitQualification), exit);
    return VCPU_RUN_EXIT;
}
