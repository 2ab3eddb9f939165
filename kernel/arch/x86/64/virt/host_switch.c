/*
 * Host state around a guest's run (arch/virt/host_switch.h). What the hardware restores itself
 * on a VM exit (Intel SDM Vol. 3C 28.5: CR0/CR3/CR4, RSP/RIP, selectors, FS/GS/TR/GDTR/IDTR
 * bases, SYSENTER, PAT and EFER from the host-state area; AMD APM Vol. 2 15.6: what VMRUN saved,
 * and VMLOAD of the host image for FS/GS/TR/LDTR and the SYSCALL MSRs) is not repeated here.
 */
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/fpu.h>
#include <arch/kernel/pv_control.h>
#include <arch/kernel/segments.h>
#include <arch/virt/host_switch.h>
#include <kernel/cpu.h>

#define MSR_TSC_AUX 0xc0000103u
#define DR6_CLEAR   0xffff0ff0ull

/* Whether the guest's TSC_AUX is in the CPU (the host's is 0: only a nonzero one is loaded). */
static bool guest_tsc_aux;
#define DR7_DISABLED 0x400ull

void host_before_guest(vcpu_t *vcpu)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (arch->segment_owner != NULL) {
        segments_release_saving(arch);
    }
    /* A PV thread's CR0.TS/CR4.TSD off: a VMX exit loads the host's CR0 and CR4 without them
     * (the VMCS host fields hold the boot values), and the kernel's record must match. */
    if (arch->pv_control != 0) {
        pv_control_write(arch, 0);
    }
    fpu_load(&vcpu->fpu);
    guest_tsc_aux = vcpu->msr[VCPU_MSR_TSC_AUX] != 0;
    if (guest_tsc_aux) {
        msr_write(MSR_TSC_AUX, vcpu->msr[VCPU_MSR_TSC_AUX]);
    }
}

void host_after_guest(bool vmx)
{
    arch_cpu_t *arch = &cpu_self()->arch;

    if (guest_tsc_aux) {
        msr_write(MSR_TSC_AUX, 0);
        guest_tsc_aux = false;
    }
    if (vmx) {
        arch_descriptor_tables_reload();
        arch_syscall_msrs_restore();
    }
    /* A guest's #DB sets DR6 bits in the CPU; SVM's #VMEXIT does not promise DR7 either. */
    __asm__ volatile("mov %0, %%dr6\n\t"
                     "mov %1, %%dr7"
                     :
                     : "r"(DR6_CLEAR), "r"(DR7_DISABLED));
    arch->fsgs_owner = NULL;
    arch->segment_owner = NULL;
}
