/* Exit records: VMX basic exit reason -> back-end-neutral kind, record initialisers, names.
 * Table-driven; must never trust an exit reason to be in range. */
#include <algorithms/vcpu_exit.h>

#include "mem.h"

static const uint8_t vmx_kinds[VMX_EXIT_XSETBV + 1] = {
        [VMX_EXIT_EXCEPTION_NMI] = VCPU_EXIT_EXCEPTION,
        [VMX_EXIT_EXTERNAL_INTERRUPT] = VCPU_EXIT_EXTERNAL_INTERRUPT,
        [VMX_EXIT_TRIPLE_FAULT] = VCPU_EXIT_TRIPLE_FAULT,
        [VMX_EXIT_INIT] = VCPU_EXIT_INIT_SIGNAL,
        [VMX_EXIT_SIPI] = VCPU_EXIT_STARTUP_IPI,
        [VMX_EXIT_INTERRUPT_WINDOW] = VCPU_EXIT_INTERRUPT_WINDOW,
        [VMX_EXIT_NMI_WINDOW] = VCPU_EXIT_NMI_WINDOW,
        [VMX_EXIT_TASK_SWITCH] = VCPU_EXIT_TASK_SWITCH,
        [VMX_EXIT_CPUID] = VCPU_EXIT_CPUID,
        [VMX_EXIT_HLT] = VCPU_EXIT_HLT,
        [VMX_EXIT_INVD] = VCPU_EXIT_INVD,
        [VMX_EXIT_INVLPG] = VCPU_EXIT_INVLPG,
        [VMX_EXIT_RDPMC] = VCPU_EXIT_RDPMC,
        [VMX_EXIT_RDTSC] = VCPU_EXIT_RDTSC,
        [VMX_EXIT_VMCALL] = VCPU_EXIT_HYPERCALL,
        [VMX_EXIT_VMCLEAR... VMX_EXIT_VMXON] = VCPU_EXIT_VMX_INSTRUCTION,
        [VMX_EXIT_CR_ACCESS] = VCPU_EXIT_CR_ACCESS,
        [VMX_EXIT_DR_ACCESS] = VCPU_EXIT_DR_ACCESS,
        [VMX_EXIT_IO_INSTRUCTION] = VCPU_EXIT_IO,
        [VMX_EXIT_RDMSR] = VCPU_EXIT_RDMSR,
        [VMX_EXIT_WRMSR] = VCPU_EXIT_WRMSR,
        [VMX_EXIT_INVALID_GUEST_STATE] = VCPU_EXIT_ENTRY_FAILURE,
        [VMX_EXIT_MSR_LOADING] = VCPU_EXIT_ENTRY_FAILURE,
        [VMX_EXIT_MWAIT] = VCPU_EXIT_MWAIT,
        [VMX_EXIT_MONITOR] = VCPU_EXIT_MONITOR,
        [VMX_EXIT_PAUSE] = VCPU_EXIT_PAUSE,
        [VMX_EXIT_MACHINE_CHECK_ENTRY] = VCPU_EXIT_ENTRY_FAILURE,
        [VMX_EXIT_GDTR_IDTR] = VCPU_EXIT_DESCRIPTOR_TABLE,
        [VMX_EXIT_LDTR_TR] = VCPU_EXIT_DESCRIPTOR_TABLE,
        [VMX_EXIT_EPT_VIOLATION] = VCPU_EXIT_EPT_VIOLATION,
        [VMX_EXIT_EPT_MISCONFIG] = VCPU_EXIT_EPT_MISCONFIG,
        [VMX_EXIT_INVEPT] = VCPU_EXIT_VMX_INSTRUCTION,
        [VMX_EXIT_RDTSCP] = VCPU_EXIT_RDTSCP,
        [VMX_EXIT_PREEMPTION_TIMER] = VCPU_EXIT_PREEMPTION_TIMER,
        [VMX_EXIT_INVVPID] = VCPU_EXIT_VMX_INSTRUCTION,
        [VMX_EXIT_WBINVD] = VCPU_EXIT_WBINVD,
        [VMX_EXIT_XSETBV] = VCPU_EXIT_XSETBV,
};

vcpu_exit_kind_t vcpu_exit_kind_from_vmx(uint32_t exit_reason)
{
    if ((exit_reason & VMX_EXIT_REASON_ENTRY_FAILURE) != 0) {
        return VCPU_EXIT_ENTRY_FAILURE;
    }
    uint32_t basic = exit_reason & VMX_EXIT_REASON_BASIC_MASK;
    if (basic >= sizeof vmx_kinds) {
        return VCPU_EXIT_UNKNOWN;
    }
    return (vcpu_exit_kind_t)vmx_kinds[basic];
}

void vcpu_exit_init_vmx(vcpu_exit_t *exit, uint32_t exit_reason, uint64_t qualification)
{
    mem_set(exit, 0, sizeof *exit);
    exit->source = VCPU_EXIT_SOURCE_VMX;
    exit->raw_reason = exit_reason;
    exit->kind = vcpu_exit_kind_from_vmx(exit_reason);
    exit->qualification = qualification;
    exit->fields = VCPU_EXIT_HAS_QUALIFICATION;
}

void vcpu_exit_init_pv(vcpu_exit_t *exit, vcpu_exit_kind_t kind, uint32_t raw_reason)
{
    mem_set(exit, 0, sizeof *exit);
    exit->source = VCPU_EXIT_SOURCE_PV;
    exit->raw_reason = raw_reason;
    exit->kind = (unsigned)kind < VCPU_EXIT_KIND_COUNT ? kind : VCPU_EXIT_UNKNOWN;
}

static const char *const kind_names[VCPU_EXIT_KIND_COUNT] = {
        [VCPU_EXIT_UNKNOWN] = "unknown",
        [VCPU_EXIT_EXCEPTION] = "exception",
        [VCPU_EXIT_EXTERNAL_INTERRUPT] = "external_interrupt",
        [VCPU_EXIT_TRIPLE_FAULT] = "triple_fault",
        [VCPU_EXIT_INIT_SIGNAL] = "init_signal",
        [VCPU_EXIT_STARTUP_IPI] = "startup_ipi",
        [VCPU_EXIT_INTERRUPT_WINDOW] = "interrupt_window",
        [VCPU_EXIT_NMI_WINDOW] = "nmi_window",
        [VCPU_EXIT_TASK_SWITCH] = "task_switch",
        [VCPU_EXIT_CPUID] = "cpuid",
        [VCPU_EXIT_HLT] = "hlt",
        [VCPU_EXIT_INVD] = "invd",
        [VCPU_EXIT_INVLPG] = "invlpg",
        [VCPU_EXIT_RDPMC] = "rdpmc",
        [VCPU_EXIT_RDTSC] = "rdtsc",
        [VCPU_EXIT_HYPERCALL] = "hypercall",
        [VCPU_EXIT_VMX_INSTRUCTION] = "vmx_instruction",
        [VCPU_EXIT_CR_ACCESS] = "cr_access",
        [VCPU_EXIT_DR_ACCESS] = "dr_access",
        [VCPU_EXIT_IO] = "io",
        [VCPU_EXIT_RDMSR] = "rdmsr",
        [VCPU_EXIT_WRMSR] = "wrmsr",
        [VCPU_EXIT_ENTRY_FAILURE] = "entry_failure",
        [VCPU_EXIT_MWAIT] = "mwait",
        [VCPU_EXIT_MONITOR] = "monitor",
        [VCPU_EXIT_PAUSE] = "pause",
        [VCPU_EXIT_DESCRIPTOR_TABLE] = "descriptor_table",
        [VCPU_EXIT_EPT_VIOLATION] = "ept_violation",
        [VCPU_EXIT_EPT_MISCONFIG] = "ept_misconfig",
        [VCPU_EXIT_RDTSCP] = "rdtscp",
        [VCPU_EXIT_PREEMPTION_TIMER] = "preemption_timer",
        [VCPU_EXIT_WBINVD] = "wbinvd",
        [VCPU_EXIT_XSETBV] = "xsetbv",
};

const char *vcpu_exit_kind_name(vcpu_exit_kind_t kind)
{
    if ((unsigned)kind >= VCPU_EXIT_KIND_COUNT) {
        return "?";
    }
    return kind_names[kind];
}
