/*
 * The VMCS fields a VMM may read and write (Intel SDM Vol. 3C 25.4-25.9, encodings Appendix B):
 * the guest-state area, the control words under the kernel's rules, event injection, CR masks
 * and shadows, and the exit information (read only). Absent on purpose: every host-state field,
 * VPID, the EPT pointer, the I/O and MSR bitmap addresses, the VMCS link pointer, the MSR-area
 * counts, every other field that holds a physical address, and the preemption timer (the
 * kernel's: it bounds every guest run). Fields a CPU may lack (PAUSE-loop exiting) are refused
 * where virt_detect did not find the feature.
 */
#include <arch/virt/vcpu_fields.h>
#include <arch/virt/virt.h>
#include <sel4/vmx.h>

#define RW(id)                                                                                     \
    {                                                                                              \
        (id), 0, RULE_ANY, 0, 0                                                                    \
    }
#define RO(id)                                                                                     \
    {                                                                                              \
        (id), 0, RULE_READ_ONLY, 0, 0                                                              \
    }
#define CONTROL(id, i)                                                                             \
    {                                                                                              \
        (id), 0, RULE_CONTROL, (i), 0                                                              \
    }
#define BITS(id, a, f)                                                                             \
    {                                                                                              \
        (id), 0, RULE_BITS, (a), (f)                                                               \
    }
#define RULE(id, rule)                                                                             \
    {                                                                                              \
        (id), 0, (rule), 0, 0                                                                      \
    }

#define DEBUGCTL_LBR_BTF        0x3ull /* IA32_DEBUGCTL: last-branch record, single-step on branches */
#define EXCEPTION_MACHINE_CHECK (1ull << 18)

static const vcpu_field_t vmx_fields[] = {
        RW(seL4_VMCS_Guest_ES_Sel),
        RW(seL4_VMCS_Guest_CS_Sel),
        RW(seL4_VMCS_Guest_SS_Sel),
        RW(seL4_VMCS_Guest_DS_Sel),
        RW(seL4_VMCS_Guest_FS_Sel),
        RW(seL4_VMCS_Guest_GS_Sel),
        RW(seL4_VMCS_Guest_LDTR_Sel),
        RW(seL4_VMCS_Guest_TR_Sel),
        RW(seL4_VMCS_TSCOffset),
        RO(seL4_VMCS_GuestPhysicalAddr),
        /* Only LBR and BTF: BTS and the rest write branch records through host MSRs. */
        BITS(seL4_VMCS_Guest_DebugCtl, DEBUGCTL_LBR_BTF, 0),
        RW(seL4_VMCS_Guest_PAT),
        RW(seL4_VMCS_Guest_EFER),
        RW(seL4_VMCS_Guest_PDPTE0),
        RW(seL4_VMCS_Guest_PDPTE1),
        RW(seL4_VMCS_Guest_PDPTE2),
        RW(seL4_VMCS_Guest_PDPTE3),
        CONTROL(seL4_VMCS_PinControls, VIRT_VMX_PIN),
        CONTROL(seL4_VMCS_ProcControls, VIRT_VMX_PROC),
        CONTROL(seL4_VMCS_ProcControls2, VIRT_VMX_PROC2),
        CONTROL(seL4_VMCS_ExitControls, VIRT_VMX_EXIT),
        CONTROL(seL4_VMCS_EntryControls, VIRT_VMX_ENTRY),
        /* A machine check is the host's to handle. */
        BITS(seL4_VMCS_ExceptionBitmap, 0xffffffffull, EXCEPTION_MACHINE_CHECK),
        RW(seL4_VMCS_PFErrorCodeMask),
        RW(seL4_VMCS_PFErrorCodeMatch),
        RW(seL4_VMCS_CR3TargetCount),
        RW(seL4_VMCS_EntryIntrInfo),
        RW(seL4_VMCS_EntryExceptionCode),
        RW(seL4_VMCS_EntryInstrLength),
        RW(seL4_VMCS_PLEGap),
        RW(seL4_VMCS_PLEWindow),
        RO(seL4_VMCS_InstructionError),
        RO(seL4_VMCS_ExitReason),
        RO(seL4_VMCS_ExitIntrInfo),
        RO(seL4_VMCS_ExitIntrErrorCode),
        RO(seL4_VMCS_IDTVectoringInfo),
        RO(seL4_VMCS_IDTVectoringError),
        RO(seL4_VMCS_ExitInstrLength),
        RO(seL4_VMCS_ExitInstrInfo),
        RW(seL4_VMCS_Guest_ES_Limit),
        RW(seL4_VMCS_Guest_CS_Limit),
        RW(seL4_VMCS_Guest_SS_Limit),
        RW(seL4_VMCS_Guest_DS_Limit),
        RW(seL4_VMCS_Guest_FS_Limit),
        RW(seL4_VMCS_Guest_GS_Limit),
        RW(seL4_VMCS_Guest_LDTR_Limit),
        RW(seL4_VMCS_Guest_TR_Limit),
        RW(seL4_VMCS_Guest_GDTR_Limit),
        RW(seL4_VMCS_Guest_IDTR_Limit),
        RW(seL4_VMCS_Guest_ES_Access),
        RW(seL4_VMCS_Guest_CS_Access),
        RW(seL4_VMCS_Guest_SS_Access),
        RW(seL4_VMCS_Guest_DS_Access),
        RW(seL4_VMCS_Guest_FS_Access),
        RW(seL4_VMCS_Guest_GS_Access),
        RW(seL4_VMCS_Guest_LDTR_Access),
        RW(seL4_VMCS_Guest_TR_Access),
        RW(seL4_VMCS_Guest_Interruptibility),
        RW(seL4_VMCS_Guest_ActivityState),
        RW(seL4_VMCS_Guest_SMBASE),
        RW(seL4_VMCS_Guest_SysenterCS),
        RW(seL4_VMCS_CR0Mask),
        RW(seL4_VMCS_CR4Mask),
        RW(seL4_VMCS_CR0ReadShadow),
        RW(seL4_VMCS_CR4ReadShadow),
        RW(seL4_VMCS_CR3Target0),
        RW(seL4_VMCS_CR3Target1),
        RW(seL4_VMCS_CR3Target2),
        RW(seL4_VMCS_CR3Target3),
        RO(seL4_VMCS_ExitQualification),
        RO(seL4_VMCS_IO_RCX),
        RO(seL4_VMCS_IO_RSI),
        RO(seL4_VMCS_IO_RDI),
        RO(seL4_VMCS_IO_RIP),
        RO(seL4_VMCS_GuestLinearAddr),
        RULE(seL4_VMCS_Guest_CR0, RULE_VMX_CR0),
        RW(seL4_VMCS_Guest_CR3),
        RULE(seL4_VMCS_Guest_CR4, RULE_VMX_CR4),
        RW(seL4_VMCS_Guest_ES_Base),
        RW(seL4_VMCS_Guest_CS_Base),
        RW(seL4_VMCS_Guest_SS_Base),
        RW(seL4_VMCS_Guest_DS_Base),
        RW(seL4_VMCS_Guest_FS_Base),
        RW(seL4_VMCS_Guest_GS_Base),
        RW(seL4_VMCS_Guest_LDTR_Base),
        RW(seL4_VMCS_Guest_TR_Base),
        RW(seL4_VMCS_Guest_GDTR_Base),
        RW(seL4_VMCS_Guest_IDTR_Base),
        RW(seL4_VMCS_Guest_DR7),
        RW(seL4_VMCS_Guest_RSP),
        RW(seL4_VMCS_Guest_RIP),
        RW(seL4_VMCS_Guest_RFLAGS),
        RW(seL4_VMCS_Guest_PendingDebug),
        RW(seL4_VMCS_Guest_SysenterESP),
        RW(seL4_VMCS_Guest_SysenterEIP),
};

/* Fields that exist only with a feature (SDM Appendix B's footnotes). */
static bool vmx_field_exists(word_t id)
{
    const virt_t *v = virt();

    switch (id) {
    case seL4_VMCS_PLEGap:
    case seL4_VMCS_PLEWindow:
        return (v->api.settable[VIRT_VMX_PROC2] & seL4_VMX_Proc2_PAUSELoopExiting) != 0;
    default:
        return true;
    }
}

const vcpu_field_t *vmx_field_lookup(word_t id)
{
    if (!vmx_field_exists(id)) {
        return NULL;
    }
    return vcpu_field_find(vmx_fields, ARRAY_SIZE(vmx_fields), id);
}
