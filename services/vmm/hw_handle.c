/*
 * The exit handlers of the hardware modes. Each decides first, from the exit and the guest
 * state, what the guest gets (the instruction done, an exception, the VM's end) and only then
 * changes anything: registers, RIP, the devices. Devices, CPUID, MSRs and hypercalls are the
 * same models PV mode uses; instructions that touch memory (MMIO, INS/OUTS) go through lib/pv's
 * emulator with the guest's own page tables.
 */
#include "clock.h"
#include "console_input.h"
#include "hw.h"
#include "hypercall.h"
#include "run.h"
#include <pv/emulate.h>
#include <runtime/log.h>
#include <runtime/tsc.h>
#include <sel4/svm.h>
#include <sel4/vmx.h>
#include <x86dec/x86dec.h>

#define LOW32             0xffffffffull
#define EFER_SVME         (1ull << 12)
#define CR0_LOW_MASK      0xfull /* LMSW's PE, MP, EM, TS */
#define CR0_RESERVED_HIGH 0xffffffff00000000ull

/* VMX interruptibility (SDM Table 25-3): blocking by STI and by MOV SS; SVM's shadow bit. */
#define VMX_BLOCKING_STI_MOVSS 0x3ull
#define SVM_SHADOW             0x1ull

/* Default lengths where the CPU did not report one (SVM without nRIP saving). */
#define LENGTH_CPUID  2u
#define LENGTH_HLT    1u
#define LENGTH_MSR    2u
#define LENGTH_VMCALL 3u

/* Past the instruction the VMM carried out. An STI or MOV SS shadow ends with it, as it would
 * have on the CPU (an STI; HLT pair must wake for the interrupt STI let in). */
static void rip_advance(vmm_t *vmm, const hw_exit_t *exit, unsigned fallback)
{
    hw_vcpu_t *hw = &vmm->hw;
    uint64_t shadow = hw->svm ? SVM_SHADOW : VMX_BLOCKING_STI_MOVSS;

    hw->rip += exit->length != 0 ? exit->length : fallback;
    if (hw->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR] & shadow) {
        hw->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR] &= ~shadow;
        if (!hw_field_write(vmm, seL4_VMCS_Guest_Interruptibility, seL4_VMCB_InterruptShadow,
                            hw->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR])) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU's interrupt shadow cannot be cleared");
        }
    }
}

static void set_rax_rdx(vmm_t *vmm, uint64_t value)
{
    hw_gpr_set(vmm, X86DEC_GPR_RAX, value & LOW32);
    hw_gpr_set(vmm, X86DEC_GPR_RDX, value >> 32);
}

/* ---- CPUID ---- */

static void handle_cpuid(vmm_t *vmm, const hw_exit_t *exit)
{
    pv_cpuid_regs_t regs;

    /* The policy PV mode answers through (devices.c); XSAVE is not offered, so no OSXSAVE. */
    vmm->env.cpuid(vmm->env.context, (uint32_t)hw_gpr(vmm, X86DEC_GPR_RAX),
                   (uint32_t)hw_gpr(vmm, X86DEC_GPR_RCX), false, 0x3, &regs);
    hw_gpr_set(vmm, X86DEC_GPR_RAX, regs.eax);
    hw_gpr_set(vmm, X86DEC_GPR_RBX, regs.ebx);
    hw_gpr_set(vmm, X86DEC_GPR_RCX, regs.ecx);
    hw_gpr_set(vmm, X86DEC_GPR_RDX, regs.edx);
    rip_advance(vmm, exit, LENGTH_CPUID);
}

/* ---- the emulator, for MMIO and string I/O ---- */

static void emulation_fault(vmm_t *vmm, const hw_exit_t *exit, const pv_fault_t *fault)
{
    if (fault->kind == PV_FAULT_END) {
        log_printf(LOG_ERROR, "vmm: %s at rip %#lx (address %#lx)\n",
                   fault->what != NULL ? fault->what : "", (unsigned long)vmm->hw.rip,
                   (unsigned long)fault->address);
        hw_end_guest(vmm, exit, fault->what != NULL ? fault->what : "an emulation failure");
    }
    if (fault->vector == PV_VEC_PF) {
        vmm->hw.cr2 = fault->cr2;
        vmm->hw.cr2_pending = true;
    }
    hw_inject_exception(vmm, fault->vector, fault->has_error_code, fault->error_code);
}

/* What an exit may stand for, checked on the decoded instruction before it runs (the bytes
 * at RIP are the guest's: they are read again, never trusted to match the exit). */
typedef enum {
    EMULATE_MMIO = 0, /* a move to or from device memory (lib/pv checks the kind) */
    EMULATE_STRING_IO,
    EMULATE_CR8,
    EMULATE_DR, /* MOV to or from a debug register: kept by the VMM, never armed */
} emulate_kind_t;

static bool insn_is_cr8(const x86dec_insn_t *insn)
{
    if (insn->mnemonic != X86DEC_MN_MOV_FROM_CR && insn->mnemonic != X86DEC_MN_MOV_TO_CR) {
        return false;
    }
    for (unsigned i = 0; i < insn->operand_count && i < X86DEC_MAX_OPERANDS; i++) {
        if (insn->operands[i].reg == X86DEC_REG_CR0 + 8) {
            return true;
        }
    }
    return false;
}

static pv_fault_t emulate_decoded(pv_emu_t *emu, vmm_t *vmm, const hw_exit_t *exit,
                                  emulate_kind_t kind)
{
    x86dec_status_t status;
    pv_fault_t fault = pv_emu_fetch_decode(emu, NULL, 0, &status);
    bool string = emu->insn.mnemonic == X86DEC_MN_INS || emu->insn.mnemonic == X86DEC_MN_OUTS;

    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    bool dr = emu->insn.mnemonic == X86DEC_MN_MOV_TO_DR ||
              emu->insn.mnemonic == X86DEC_MN_MOV_FROM_DR;

    if (status != X86DEC_OK || (kind == EMULATE_STRING_IO && !string) ||
        (kind == EMULATE_CR8 && !insn_is_cr8(&emu->insn)) || (kind == EMULATE_DR && !dr)) {
        hw_end_guest(vmm, exit, "the instruction at RIP is not what the exit says");
    }
    fault = kind == EMULATE_STRING_IO ? pv_emulate_io(emu) : pv_emulate_cr(emu);
    if (pv_fault_is_none(&fault)) {
        emu->cpu->rip = emu->next_rip;
    }
    return fault;
}

/* DR6 as the CPU has it (a #DB in the guest sets its bits; VT-x exits on every DR access). */
static bool dr6_load(const vmm_t *vmm, pv_cpu_t *cpu)
{
    seL4_X86_VCPU_ReadVMCS_t r = seL4_X86_VCPU_ReadMSR(vmm->hw.vcpu, seL4_VCPU_REG_DR6);

    cpu->dr[6] = r.value;
    return r.error == seL4_NoError;
}

/* The instruction at RIP run by lib/pv against the VM's devices. */
static void emulate(vmm_t *vmm, const hw_exit_t *exit, emulate_kind_t kind)
{
    pv_cpu_t before;
    pv_cpu_t cpu;
    pv_fault_t fault;

    if (!hw_state_load(vmm, &before, kind == EMULATE_STRING_IO)) {
        hw_end_guest(vmm, exit, "an instruction to emulate outside protected mode");
    }
    if (kind == EMULATE_DR && !dr6_load(vmm, &before)) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU's DR6 cannot be read");
    }
    cpu = before;
    if (kind == EMULATE_MMIO) {
        fault = pv_emulate_mmio(&cpu, &vmm->env, exit->gpa, gpa(exit->gpa));
    } else {
        pv_emu_t emu = {.cpu = &cpu, .env = &vmm->env};
        fault = emulate_decoded(&emu, vmm, exit, kind);
    }
    if (!pv_fault_is_none(&fault)) {
        emulation_fault(vmm, exit, &fault);
        return;
    }
    if (kind == EMULATE_DR && cpu.dr[6] != before.dr[6] &&
        seL4_X86_VCPU_WriteMSR(vmm->hw.vcpu, seL4_VCPU_REG_DR6, cpu.dr[6]).error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU's DR6 cannot be written");
    }
    if (!hw_state_store(vmm, &before, &cpu)) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU refused the emulated instruction's state");
    }
}

/* ---- port I/O ---- */

static void handle_io(vmm_t *vmm, const hw_exit_t *exit)
{
    const hw_io_t *io = &exit->io;
    uint64_t now = vmm_now(vmm);

    if (io->size == 0) {
        hw_end_guest(vmm, exit, "a port access of no size");
    }
    if (io->string) {
        emulate(vmm, exit, EMULATE_STRING_IO);
    } else if (io->in) {
        uint32_t value = 0xffffffffu;
        uint64_t rax = hw_gpr(vmm, X86DEC_GPR_RAX);
        uint64_t mask = io->size == 4 ? LOW32 : (1ull << (io->size * 8u)) - 1;
        vdev_platform_io_in(&vmm->platform, io->port, io->size, &value, now);
        /* IN EAX zero-extends into RAX; IN AL and AX keep the rest (SDM Vol. 1 3.4.1.1). */
        hw_gpr_set(vmm, X86DEC_GPR_RAX,
                   io->size == 4 ? (value & LOW32) : (rax & ~mask) | (value & mask));
        rip_advance(vmm, exit, 1);
    } else {
        vdev_platform_io_out(&vmm->platform, io->port, io->size,
                             (uint32_t)hw_gpr(vmm, X86DEC_GPR_RAX), now);
        rip_advance(vmm, exit, 1);
    }
    run_exit_check(vmm);
    console_input_pump(vmm);
    clock_arm(vmm);
}

/* ---- guest-physical accesses: MMIO ---- */

static void handle_guest_physical(vmm_t *vmm, const hw_exit_t *exit)
{
    if (exit->gpa < vmm->ram.size) {
        hw_end_guest(vmm, exit, "an access guest RAM's mapping refused");
    }
    if (exit->gpa_fetch) {
        hw_end_guest(vmm, exit, "an instruction fetch outside guest RAM");
    }
    if (vmm->hw.event & seL4_VMX_Intr_Valid) {
        /* The IDT, a descriptor table or a stack of the event's delivery lies in device
         * memory: no device answers that. */
        hw_end_guest(vmm, exit, "an event's delivery reached device memory");
    }
    emulate(vmm, exit, EMULATE_MMIO);
    run_exit_check(vmm);
    clock_arm(vmm);
}

/* ---- MSRs ---- */

static bool context_msr_read(vmm_t *vmm, uint32_t index, uint64_t *value)
{
    seL4_X86_VCPU_ReadVMCS_t r;

    switch (index) {
    case VDEV_MSR_TSC:
        *value = tsc_read(); /* RDTSC runs natively: the guest's TSC is the host's */
        return true;
    default:
        r = seL4_X86_VCPU_ReadMSR(vmm->hw.vcpu, index);
        *value = index == VDEV_MSR_EFER ? r.value & ~EFER_SVME : r.value;
        return r.error == seL4_NoError;
    }
}

static bool context_msr_write(vmm_t *vmm, uint32_t index, uint64_t value)
{
    switch (index) {
    case VDEV_MSR_TSC:
        return true; /* the guest's TSC stays the host's (no offset): the write is dropped */
    default:
        return seL4_X86_VCPU_WriteMSR(vmm->hw.vcpu, index, value).error == seL4_NoError;
    }
}

static void handle_msr_read(vmm_t *vmm, const hw_exit_t *exit)
{
    uint32_t index = (uint32_t)hw_gpr(vmm, X86DEC_GPR_RCX);
    uint64_t value = 0;
    vdev_msr_result_t result =
            vdev_platform_msr_read(&vmm->platform, 0, index, &value, vmm_now(vmm));

    if (result == VDEV_MSR_GP ||
        (result == VDEV_MSR_CONTEXT && !context_msr_read(vmm, index, &value))) {
        hw_inject_exception(vmm, PV_VEC_GP, true, 0);
        return;
    }
    set_rax_rdx(vmm, value);
    rip_advance(vmm, exit, LENGTH_MSR);
}

static void handle_msr_write(vmm_t *vmm, const hw_exit_t *exit)
{
    uint32_t index = (uint32_t)hw_gpr(vmm, X86DEC_GPR_RCX);
    uint64_t value = (hw_gpr(vmm, X86DEC_GPR_RAX) & LOW32) | (hw_gpr(vmm, X86DEC_GPR_RDX) << 32);
    bool ok = true;
    uint64_t efer = 0;
    uint64_t cr0 = hw_guest_cr0(vmm, &ok);

    ok = ok && context_msr_read(vmm, VDEV_MSR_EFER, &efer);
    if (!ok) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU's EFER and CR0 cannot be read");
    }
    vdev_msr_cpu_t state = {.efer = efer, .paging = (cr0 & PV_CR0_PG) != 0};
    vdev_msr_result_t result =
            vdev_platform_msr_write(&vmm->platform, 0, &state, index, &value, vmm_now(vmm));

    if (result == VDEV_MSR_GP ||
        (result == VDEV_MSR_CONTEXT && !context_msr_write(vmm, index, value))) {
        hw_inject_exception(vmm, PV_VEC_GP, true, 0);
        return;
    }
    rip_advance(vmm, exit, LENGTH_MSR);
    clock_arm(vmm); /* a timer MSR may have moved the devices' deadline */
}

/* ---- hypercalls ---- */

static unsigned guest_cpl(const vmm_t *vmm)
{
    bool ok = true;
    uint64_t value = vmm->hw.svm ? hw_field_read(vmm, 0, seL4_VMCB_Save_CPL, &ok)
                                 : pv_seg_attr_dpl((uint32_t)hw_field_read(
                                           vmm, seL4_VMCS_Guest_SS_Access, 0, &ok));

    return ok ? (unsigned)value & 3u : 3u;
}

static void handle_hypercall(vmm_t *vmm, const hw_exit_t *exit)
{
    uint64_t args[4] = {hw_gpr(vmm, X86DEC_GPR_RDI), hw_gpr(vmm, X86DEC_GPR_RSI),
                        hw_gpr(vmm, X86DEC_GPR_RDX), hw_gpr(vmm, 10)};

    if (guest_cpl(vmm) != 0) {
        hw_inject_exception(vmm, PV_VEC_UD, false, 0); /* as without a hypervisor */
        return;
    }
    pv_hypercall_result_t result = hypercall_handle(vmm, hw_gpr(vmm, X86DEC_GPR_RAX), args);
    if (result.exit) {
        vmm_end(vmm, VMM_END_EXIT, result.value, "the guest's EXIT hypercall");
    }
    hw_gpr_set(vmm, X86DEC_GPR_RAX, result.value);
    rip_advance(vmm, exit, LENGTH_VMCALL);
}

/* ---- VT-x control-register accesses ---- */

static uint64_t cr_source(vmm_t *vmm, unsigned reg)
{
    bool ok = true;

    return reg == X86DEC_GPR_RSP ? hw_field_read(vmm, seL4_VMCS_Guest_RSP, 0, &ok)
                                 : hw_gpr(vmm, reg);
}

/* MOV to CR0 (or LMSW): the SDM's checks (Vol. 3A 2.5, 9.8.5), then the new value with long
 * mode following PG and EFER.LME. False: #GP for the guest. */
static bool cr0_write(vmm_t *vmm, uint64_t value)
{
    bool ok = true;
    uint64_t cr4 = hw_guest_cr4(vmm, &ok);
    uint64_t efer = 0;

    ok = ok && context_msr_read(vmm, VDEV_MSR_EFER, &efer);
    if (!ok) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU's CR4 and EFER cannot be read");
    }
    if ((value & CR0_RESERVED_HIGH) || ((value & PV_CR0_PG) && !(value & PV_CR0_PE)) ||
        ((value & PV_CR0_NW) && !(value & PV_CR0_CD)) ||
        ((value & PV_CR0_PG) && (efer & PV_EFER_LME) && !(cr4 & PV_CR4_PAE))) {
        return false;
    }
    efer = (value & PV_CR0_PG) && (efer & PV_EFER_LME) ? efer | PV_EFER_LMA : efer & ~PV_EFER_LMA;
    return hw_control_write(vmm, value, cr4, efer);
}

/* The CR4 bits the guest may set: those of the features its CPUID offers (SDM Vol. 3A 2.5);
 * any other is reserved (#GP), VMXE among them (VMX is not offered). */
static uint64_t cr4_allowed(const pv_cpu_config_t *config)
{
    uint64_t allowed = PV_CR4_VME | PV_CR4_PVI | PV_CR4_TSD | PV_CR4_DE | PV_CR4_PSE | PV_CR4_PAE |
                       PV_CR4_MCE | PV_CR4_PGE | PV_CR4_PCE | PV_CR4_OSFXSR | PV_CR4_OSXMMEXCPT;

    allowed |= (config->features & PV_CPU_F_UMIP) ? PV_CR4_UMIP : 0;
    allowed |= (config->features & PV_CPU_F_FSGSBASE) ? PV_CR4_FSGSBASE : 0;
    allowed |= (config->features & PV_CPU_F_PCID) ? PV_CR4_PCIDE : 0;
    allowed |= (config->features & PV_CPU_F_XSAVE) ? PV_CR4_OSXSAVE : 0;
    allowed |= (config->features & PV_CPU_F_SMEP) ? PV_CR4_SMEP : 0;
    allowed |= (config->features & PV_CPU_F_SMAP) ? PV_CR4_SMAP : 0;
    return allowed;
}

static bool cr4_write(vmm_t *vmm, uint64_t value)
{
    bool ok = true;
    uint64_t cr0 = hw_guest_cr0(vmm, &ok);
    uint64_t cr4 = hw_guest_cr4(vmm, &ok);
    uint64_t efer = 0;

    ok = ok && context_msr_read(vmm, VDEV_MSR_EFER, &efer);
    if (!ok || (value & ~cr4_allowed(&vmm->hw.config)) ||
        ((efer & PV_EFER_LMA) && !(value & PV_CR4_PAE)) ||
        ((value & PV_CR4_PCIDE) && !(cr4 & PV_CR4_PCIDE) &&
         (!(efer & PV_EFER_LMA) || (vmm->hw.mr[SEL4_VMENTER_FAULT_CR3_MR] & 0xfffu)))) {
        return false;
    }
    return hw_control_write(vmm, cr0, value, efer);
}

/*
 * SVM's CR0/CR4 write intercepts name no operand (decode assists are not relied on): the
 * instruction at RIP is fetched and must be MOV to that CR, LMSW (CR0) or CLTS (CR0); its
 * source value goes into *cr. False: the fetch faulted (the fault is the guest's now).
 */
static bool cr_from_instruction(vmm_t *vmm, const hw_exit_t *exit, hw_cr_t *cr, uint64_t *value,
                                unsigned *length)
{
    pv_cpu_t cpu;
    pv_emu_t emu = {.cpu = &cpu, .env = &vmm->env};
    x86dec_status_t status;
    pv_fault_t fault;

    if (!hw_state_load(vmm, &cpu, false)) {
        hw_end_guest(vmm, exit, "a control-register write outside protected mode");
    }
    fault = pv_emu_fetch_decode(&emu, NULL, 0, &status);
    if (!pv_fault_is_none(&fault)) {
        emulation_fault(vmm, exit, &fault);
        return false;
    }
    *cr = exit->cr;
    *length = (unsigned)(emu.next_rip - cpu.rip);
    if (status == X86DEC_OK && emu.insn.mnemonic == X86DEC_MN_MOV_TO_CR) {
        for (unsigned i = 0; i < emu.insn.operand_count && i < X86DEC_MAX_OPERANDS; i++) {
            x86dec_reg_t reg = emu.insn.operands[i].reg;
            if (x86dec_reg_is_gpr(reg)) {
                *value = pv_emu_gpr_read(&cpu, reg, cpu.mode == PV_MODE_LONG ? 8 : 4);
            } else if ((unsigned)reg != (unsigned)X86DEC_REG_CR0 + exit->cr.cr) {
                hw_end_guest(vmm, exit, "the instruction at RIP is not what the exit says");
            }
        }
        return true;
    }
    if (status == X86DEC_OK && exit->cr.cr == 0 && emu.insn.mnemonic == X86DEC_MN_CLTS) {
        cr->access = HW_CR_CLTS;
        return true;
    }
    if (status == X86DEC_OK && exit->cr.cr == 0 && emu.insn.mnemonic == X86DEC_MN_LMSW) {
        uint64_t source = 0;
        fault = pv_emu_operand_read(&emu, 0, 2, &source);
        if (!pv_fault_is_none(&fault)) {
            emulation_fault(vmm, exit, &fault);
            return false;
        }
        cr->access = HW_CR_LMSW;
        cr->lmsw_source = (uint16_t)source;
        return true;
    }
    hw_end_guest(vmm, exit, "the instruction at RIP is not what the exit says");
}

static void handle_cr(vmm_t *vmm, const hw_exit_t *exit)
{
    hw_cr_t cr = exit->cr;
    uint64_t value = 0;
    unsigned length = exit->length;
    bool done = false;
    bool ok = true;

    if (cr.from_instruction) {
        if (!cr_from_instruction(vmm, exit, &cr, &value, &length)) {
            return;
        }
    } else if (cr.access == HW_CR_TO) {
        value = cr_source(vmm, cr.gpr);
    }
    if (cr.access == HW_CR_TO && cr.cr == 0) {
        done = cr0_write(vmm, value);
    } else if (cr.access == HW_CR_TO && cr.cr == 4) {
        done = cr4_write(vmm, value);
    } else if (cr.access == HW_CR_TO && cr.cr == 8) {
        done = (value >> 4) == 0;
        if (done) {
            vmm->env.tpr_write(vmm->env.context, (unsigned)value);
        }
    } else if (cr.access == HW_CR_FROM && cr.cr == 8 && cr.gpr != X86DEC_GPR_RSP) {
        hw_gpr_set(vmm, cr.gpr, vmm->env.tpr_read(vmm->env.context));
        done = true;
    } else if (cr.access == HW_CR_LMSW) {
        uint64_t cr0 = hw_guest_cr0(vmm, &ok);
        /* LMSW sets PE but never clears it (SDM Vol. 2 LMSW). */
        value = (cr0 & ~CR0_LOW_MASK) | (cr.lmsw_source & CR0_LOW_MASK) | (cr0 & PV_CR0_PE);
        done = ok && cr0_write(vmm, value);
    } else if (cr.access == HW_CR_CLTS) {
        uint64_t cr0 = hw_guest_cr0(vmm, &ok);
        done = ok && cr0_write(vmm, cr0 & ~PV_CR0_TS);
    } else {
        hw_end_guest(vmm, exit, "a control-register access the VMM never asked to see");
    }
    if (!done) {
        hw_inject_exception(vmm, PV_VEC_GP, true, 0);
        return;
    }
    hw_exit_t advanced = *exit;
    advanced.length = length;
    rip_advance(vmm, &advanced, 3);
    clock_arm(vmm);
}

/* ---- windows ---- */

static void handle_interrupt_window(vmm_t *vmm)
{
    if (vmm->hw.svm && vmm->hw.vintr) {
        /* V_IRQ asked for this exit only: clear it (V_INTR_MASKING stays, the kernel's). */
        if (!hw_field_write(vmm, 0, seL4_VMCB_IntControl, 0)) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VMCB's interrupt control cannot be written");
        }
        vmm->hw.vintr = false;
    }
}

void hw_handle_exit(vmm_t *vmm, const hw_exit_t *exit)
{
    switch (exit->kind) {
    case HW_EXIT_CPUID:
        handle_cpuid(vmm, exit);
        break;
    case HW_EXIT_HLT:
        rip_advance(vmm, exit, LENGTH_HLT);
        vmm->hw.halted = true;
        break;
    case HW_EXIT_IO:
        handle_io(vmm, exit);
        break;
    case HW_EXIT_MSR_READ:
        handle_msr_read(vmm, exit);
        break;
    case HW_EXIT_MSR_WRITE:
        handle_msr_write(vmm, exit);
        break;
    case HW_EXIT_GUEST_PHYSICAL:
        handle_guest_physical(vmm, exit);
        break;
    case HW_EXIT_HYPERCALL:
        handle_hypercall(vmm, exit);
        break;
    case HW_EXIT_CR:
        handle_cr(vmm, exit);
        break;
    case HW_EXIT_CR8:
        emulate(vmm, exit, EMULATE_CR8); /* SVM: V_TPR is not the device's TPR */
        clock_arm(vmm);
        break;
    case HW_EXIT_DR:
        emulate(vmm, exit, EMULATE_DR);
        break;
    case HW_EXIT_INTERRUPT_WINDOW:
        handle_interrupt_window(vmm);
        break;
    case HW_EXIT_NMI_WINDOW:
        vmm->hw.nmi_blocked = false;
        break;
    case HW_EXIT_PAUSE:
    case HW_EXIT_SKIP:
        rip_advance(vmm, exit, 2); /* PAUSE, WBINVD and INVD are two bytes */
        break;
    case HW_EXIT_UD:
        hw_inject_exception(vmm, PV_VEC_UD, false, 0);
        break;
    case HW_EXIT_GP:
    case HW_EXIT_XSETBV: /* XSAVE is not offered either */
        hw_inject_exception(vmm, PV_VEC_GP, true, 0);
        break;
    case HW_EXIT_TRIPLE_FAULT:
        log_printf(LOG_ERROR, "vmm: triple fault (shutdown) at rip %#lx\n",
                   (unsigned long)vmm->hw.rip);
        vmm_end(vmm, VMM_END_TRIPLE_FAULT, 0, "shutdown at rip %#lx", (unsigned long)vmm->hw.rip);
    case HW_EXIT_INVALID_STATE:
        hw_end_guest(vmm, exit, "the CPU refused the guest's state at entry");
    case HW_EXIT_ENTRY_FAILED:
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the kernel refused the VM entry (reason %#lx, %#lx)",
                (unsigned long)exit->reason, (unsigned long)exit->qualification);
    default:
        hw_end_guest(vmm, exit, "an exit the VMM does not handle");
    }
}
