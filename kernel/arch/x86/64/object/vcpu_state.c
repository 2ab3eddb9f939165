/*
 * The VCPU's VMCS or VMCB fields and guest MSRs as a VMM reaches them: X86VCPUReadVMCS and
 * WriteVMCS through the allow-list (arch/virt/vcpu_fields.h), X86VCPUReadMSR and WriteMSR
 * through the list of MSRs the kernel keeps for the guest, each mapped to a VMCS field, a VMCB
 * field, or (VMX) the VCPU record, and checked by the same rules.
 */
#include <arch/object/vcpu.h>
#include <arch/virt/vcpu_backend.h>
#include <arch/virt/vcpu_fields.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>
#include <sel4/svm.h>
#include <sel4/vmx.h>

/* Where a guest MSR lives: a VCPU record slot (VMX), or a VMCS encoding and a VMCB offset. */
typedef struct {
    uint32_t msr;
    int record;        /* VCPU_MSR_* on VMX, -1: the VMCS field */
    uint16_t vmcs;     /* VMX encoding */
    uint16_t vmcb;     /* SVM offset */
    vcpu_field_t rule; /* VMX record MSRs: the value rule (the others use their field's) */
} vcpu_msr_t;

#define RECORD(msr, slot, off, rule_, allowed)                                                     \
    {                                                                                              \
        (msr), (slot), 0, (off),                                                                   \
        {                                                                                          \
            0, 8, (rule_), (allowed), 0                                                            \
        }                                                                                          \
    }
#define FIELD(msr, enc, off)                                                                       \
    {                                                                                              \
        (msr), -1, (enc), (off),                                                                   \
        {                                                                                          \
            0, 0, RULE_ANY, 0, 0                                                                   \
        }                                                                                          \
    }

static const vcpu_msr_t vcpu_msrs[] = {
        RECORD(seL4_VCPU_MSR_STAR, VCPU_MSR_STAR, seL4_VMCB_Save_STAR, RULE_ANY, 0),
        RECORD(seL4_VCPU_MSR_LSTAR, VCPU_MSR_LSTAR, seL4_VMCB_Save_LSTAR, RULE_CANONICAL, 0),
        RECORD(seL4_VCPU_MSR_CSTAR, VCPU_MSR_CSTAR, seL4_VMCB_Save_CSTAR, RULE_CANONICAL, 0),
        /* IA32_FMASK's upper half is reserved: WRMSR of it would fault in the kernel. */
        RECORD(seL4_VCPU_MSR_SFMASK, VCPU_MSR_SFMASK, seL4_VMCB_Save_SFMASK, RULE_BITS,
               0xffffffffull),
        RECORD(seL4_VCPU_MSR_KERNEL_GS_BASE, VCPU_MSR_KERNEL_GS_BASE, seL4_VMCB_Save_KernelGSBase,
               RULE_CANONICAL, 0),
        /* RDTSCP and RDPID read it; the kernel loads the guest's around each run, on both
         * kinds (VMCB offset 0: no field). */
        RECORD(seL4_VCPU_MSR_TSC_AUX, VCPU_MSR_TSC_AUX, 0, RULE_BITS, 0xffffffffull),
        /* DR6 (a beaml4 number, not an MSR): the VCPU record on VMX, the VMCB's on SVM; its
         * upper half is reserved. */
        RECORD(seL4_VCPU_REG_DR6, VCPU_MSR_DR6, seL4_VMCB_Save_DR6, RULE_BITS, 0xffffffffull),
        FIELD(seL4_VCPU_MSR_FS_BASE, seL4_VMCS_Guest_FS_Base,
              seL4_VMCB_Save_FS + seL4_VMCB_Seg_Base),
        FIELD(seL4_VCPU_MSR_GS_BASE, seL4_VMCS_Guest_GS_Base,
              seL4_VMCB_Save_GS + seL4_VMCB_Seg_Base),
        FIELD(seL4_VCPU_MSR_SYSENTER_CS, seL4_VMCS_Guest_SysenterCS, seL4_VMCB_Save_SysenterCS),
        FIELD(seL4_VCPU_MSR_SYSENTER_ESP, seL4_VMCS_Guest_SysenterESP, seL4_VMCB_Save_SysenterESP),
        FIELD(seL4_VCPU_MSR_SYSENTER_EIP, seL4_VMCS_Guest_SysenterEIP, seL4_VMCB_Save_SysenterEIP),
        FIELD(seL4_VCPU_MSR_PAT, seL4_VMCS_Guest_PAT, seL4_VMCB_Save_GPAT),
        FIELD(seL4_VCPU_MSR_EFER, seL4_VMCS_Guest_EFER, seL4_VMCB_Save_EFER),
        FIELD(seL4_VCPU_MSR_DEBUGCTL, seL4_VMCS_Guest_DebugCtl, seL4_VMCB_Save_DebugCtl),
};

/* Where an access goes: a field of the allow-list, or a VMX record slot with its rule. */
typedef struct {
    const vcpu_field_t *field;
    int record;
} vcpu_target_t;

static const vcpu_field_t *field_lookup(word_t id)
{
    return virt_is_vmx() ? vmx_field_lookup(id) : svm_field_lookup(id);
}

static bool msr_target(word_t msr, vcpu_target_t *target)
{
    for (size_t i = 0; i < ARRAY_SIZE(vcpu_msrs); i++) {
        const vcpu_msr_t *m = &vcpu_msrs[i];
        if (m->msr != msr) {
            continue;
        }
        if (m->record >= 0 && (virt_is_vmx() || m->vmcb == 0)) {
            target->field = &m->rule;
            target->record = m->record;
        } else {
            target->field = field_lookup(virt_is_vmx() ? m->vmcs : m->vmcb);
            target->record = -1;
        }
        return target->field != NULL;
    }
    return false;
}

static bool target_read(vcpu_t *vcpu, const vcpu_target_t *target, word_t *value)
{
    if (target->record >= 0) {
        *value = vcpu->msr[target->record];
        return true;
    }
    if (virt_is_vmx()) {
        return vmx_vcpu_read(vcpu, target->field->id, value);
    }
    *value = svm_vcpu_read(vcpu, target->field->id, target->field->width);
    return true;
}

static void invoke_target_write(invocation_t *inv, vcpu_t *vcpu, const vcpu_target_t *target,
                                word_t value)
{
    if (target->record >= 0) {
        vcpu->msr[target->record] = value;
    } else if (virt_is_vmx()) {
        vmx_vcpu_write(vcpu, target->field->id, value);
    } else {
        svm_vcpu_write(vcpu, target->field->id, target->field->width, value);
    }
    inv_reply(inv, 0, value);
}

seL4_Error vcpu_decode_state(invocation_t *inv, vcpu_t *vcpu)
{
    bool write = inv->label == X86VCPUWriteVMCS || inv->label == X86VCPUWriteMSR;
    vcpu_target_t target = {NULL, -1};
    word_t value;

    if (inv->length < (write ? 2u : 1u)) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (inv->label == X86VCPUReadMSR || inv->label == X86VCPUWriteMSR) {
        if (!msr_target(inv_arg(inv, 0), &target)) {
            return error_invalid_argument(0);
        }
    } else {
        target.field = field_lookup(inv_arg(inv, 0));
        if (target.field == NULL) {
            return error_invalid_argument(0);
        }
    }
    if (!write) {
        if (!target_read(vcpu, &target, &value)) {
            return error_invalid_argument(0);
        }
        inv_reply(inv, 0, value);
        return seL4_NoError;
    }
    if (target.field->rule == RULE_READ_ONLY) {
        return error_invalid_argument(0);
    }
    if (!vcpu_field_value(target.field, inv_arg(inv, 1), &value)) {
        return error_invalid_argument(1);
    }
    invoke_target_write(inv, vcpu, &target, value);
    return seL4_NoError;
}
