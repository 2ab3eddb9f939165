/*
 * Setting up a hardware-mode VM: the VCPU object bound to the VMM's own thread (the thread that
 * calls seL4_VMEnter), the guest-physical root, the controls (which exits the VMM asks for
 * beyond the kernel's own), and the boot state of the loaded kernel's protocol: 32-bit
 * protected mode with paging off for PVH and multiboot1, and the Linux boot protocol's state
 * (64-bit with the loader's identity map, or 32-bit) for a bzImage.
 */
#include "hw.h"
#include "memory.h"
#include <pv/cpu_desc.h>
#include <runtime/log.h>
#include <runtime/start.h>
#include <sel4/svm.h>
#include <sel4/vmx.h>
#include <vmdecl/vmdecl.h>
#include <x86dec/x86dec.h>

/* The exits the VMM asks for: HLT (to wait for interrupts), CPUID on SVM (VMX always exits),
 * VMMCALL; I/O, MSRs, shutdown and the rest of what the kernel forces come anyway. */
#define VMX_CONTROLS  seL4_VMX_Proc_HLTExiting
#define VMX_CONTROLS2 (seL4_VMX_Proc2_UnrestrictedGuest | seL4_VMX_Proc2_EnableRDTSCP)
#define SVM_CONTROLS  (seL4_SVM_Intercept_CPUID | seL4_SVM_Intercept_HLT)
#define SVM_CONTROLS2 seL4_SVM_Intercept2_VMMCALL
/* SVM: CR8 reads and writes (bits 8 and 24 of the CR intercepts): the local APIC's TPR is the
 * device model's, as VMX's forced CR8 exits make it there. */
#define SVM_INTERCEPT_CR8 ((1u << 8) | (1u << 24))
/* SVM: CR0 and CR4 writes (bits 16 and 20), checked by the VMM as the SDM says: the CPU's own
 * checks of a nested guest's CR0/CR4 (QEMU's, at least) let values through that the next
 * VMRUN then refuses, which would end the VM instead of giving the guest its #GP. */
#define SVM_INTERCEPT_CR_WRITES ((1u << 16) | (1u << 20))
/* SVM: DR0-DR3 reads (writes the kernel intercepts itself): VMRUN does not switch them, so the
 * VMM keeps the guest's; DR6 and DR7 are the VMCB's and run without exits. */
#define SVM_INTERCEPT_DR 0x0000000fu

static seL4_Error controls_set(vmm_t *vmm)
{
    hw_vcpu_t *hw = &vmm->hw;

    if (hw->svm) {
        hw->controls = SVM_CONTROLS;
        int error =
                seL4_X86_VCPU_WriteVMCS(hw->vcpu, seL4_VMCB_InterceptMisc2, SVM_CONTROLS2).error;
        if (error == seL4_NoError) {
            error = seL4_X86_VCPU_WriteVMCS(hw->vcpu, seL4_VMCB_InterceptCR,
                                            SVM_INTERCEPT_CR8 | SVM_INTERCEPT_CR_WRITES)
                            .error;
        }
        if (error == seL4_NoError) {
            error = seL4_X86_VCPU_WriteVMCS(hw->vcpu, seL4_VMCB_InterceptDR, SVM_INTERCEPT_DR)
                            .error;
        }
        return (seL4_Error)error;
    }
    hw->controls = VMX_CONTROLS;
    seL4_Error error =
            seL4_X86_VCPU_WriteVMCS(hw->vcpu, seL4_VMCS_ProcControls2, VMX_CONTROLS2).error;
    hw->unrestricted = error == seL4_NoError;
    if (!hw->unrestricted) {
        /* Without unrestricted guest the guest must run with paging on from its first
         * instruction: PVH and multiboot1 cannot boot; a 64-bit Linux entry can. */
        error = seL4_X86_VCPU_WriteVMCS(hw->vcpu, seL4_VMCS_ProcControls2,
                                        seL4_VMX_Proc2_EnableRDTSCP)
                        .error;
    }
    return error;
}

void hw_setup(vmm_t *vmm, const pv_cpu_config_t *config)
{
    hw_vcpu_t *hw = &vmm->hw;
    seL4_Error error;

    hw->active = true;
    hw->svm = vmm->boot->mode == VMDECL_MODE_SVM;
    hw->config = *config;
    error = hw_memory_setup(vmm);
    if (error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the guest-physical space could not be built (error %d)",
                (int)error);
    }
    hw->vcpu = vmm_slots(vmm, 1);
    error = hw->vcpu != 0 ? memory_retype_at(seL4_X86_VCPUObject, 0, hw->vcpu) : seL4_RangeError;
    if (error == seL4_NoError) {
        error = seL4_X86_VCPU_SetTCB(hw->vcpu, SERVICE_SLOT_TCB);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_SetEPTRoot(SERVICE_SLOT_TCB, hw->root);
    }
    if (error == seL4_NoError) {
        error = controls_set(vmm);
    }
    if (error == seL4_NoError) {
        /* The guest runs on this thread: at the PV vCPUs' priority, below every VMM that
         * serves one, so that a spinning guest shares the CPU by round robin with the other
         * VMs' guests and never holds off their VMMs or the shell. */
        error = seL4_TCB_SetPriority(SERVICE_SLOT_TCB, SERVICE_SLOT_TCB, VMM_VCPU_PRIORITY);
    }
    if (error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the %s VCPU could not be made (error %d)",
                hw->svm ? "AMD-V" : "VT-x", (int)error);
    }
}

/* The Linux boot protocol's start state (boot_linux.h) in lib/pv's form. */
static void linux_state(const linux_start_t *start, pv_cpu_t *cpu)
{
    pv_cpu_boot_pvh(cpu, (uint32_t)start->rip, 0);
    cpu->gpr[X86DEC_GPR_RBX] = 0;
    cpu->rip = start->rip;
    cpu->gpr[X86DEC_GPR_RSI] = start->rsi;
    cpu->rflags = start->rflags;
    cpu->cr0 = start->cr0;
    cpu->cr3 = start->cr3;
    cpu->cr4 = start->cr4;
    cpu->efer = start->efer;
    cpu->mode = start->long_mode ? PV_MODE_LONG : PV_MODE_PROTECTED32;
    cpu->gdtr.base = start->gdt_base;
    cpu->gdtr.limit = start->gdt_limit;
    cpu->seg[PV_SEG_CS] = pv_segment_from_descriptor(start->code_selector, start->code_descriptor);
    for (unsigned i = 0; i < PV_SEG_COUNT; i++) {
        if (i != PV_SEG_CS) {
            cpu->seg[i] = pv_segment_from_descriptor(start->data_selector, start->data_descriptor);
        }
    }
}

void hw_boot(vmm_t *vmm)
{
    const load_result_t *load = &vmm->load;
    pv_cpu_t cpu;

    pv_cpu_init(&cpu, &vmm->hw.config);
    if (load->kernel.protocol == GUEST_BOOT_PVH) {
        pv_cpu_boot_pvh(&cpu, load->kernel.entry, load->boot_info);
    } else if (load->kernel.protocol == GUEST_BOOT_MULTIBOOT1) {
        pv_cpu_boot_multiboot1(&cpu, load->kernel.entry, load->boot_info);
    } else {
        linux_state(&load->linux_start, &cpu);
    }
    if ((cpu.cr0 & PV_CR0_PG) == 0 && !vmm->hw.svm && !vmm->hw.unrestricted) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0,
                "this VT-x has no unrestricted guest: the entry needs paging off");
    }
    if (!hw_state_write_all(vmm, &cpu)) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU refused the boot state");
    }
}
