/*
 * Finding out at boot what hardware virtualization the CPU offers: CPUID, then the capability
 * MSRs that CPUID says exist. Nothing here executes a VMX or SVM instruction or sets CR4.VMXE
 * (QEMU's TCG hangs on that); virt_enable does, and only for what this file found usable.
 */
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/virt/virt.h>
#include <arch/virt/virt_policy.h>

#define MSR_FEATURE_CONTROL     0x0000003au
#define FEATURE_CONTROL_LOCK    BIT(0)
#define FEATURE_CONTROL_VMX     BIT(2) /* VMXON outside SMX operation */
#define MSR_VMX_BASIC           0x00000480u
#define MSR_VMX_PINBASED        0x00000481u
#define MSR_VMX_PROCBASED       0x00000482u
#define MSR_VMX_EXIT            0x00000483u
#define MSR_VMX_ENTRY           0x00000484u
#define MSR_VMX_CR0_FIXED0      0x00000486u
#define MSR_VMX_CR4_FIXED0      0x00000488u
#define MSR_VMX_PROCBASED2      0x0000048bu
#define MSR_VMX_EPT_VPID_CAP    0x0000048cu
#define MSR_VMX_TRUE_PINBASED   0x0000048du
#define VMX_BASIC_TRUE_CONTROLS BIT(55)
#define VMX_BASIC_REVISION_MASK 0x7fffffffu
#define EPT_CAP_WALK_4          BIT(6)
#define EPT_CAP_WRITE_BACK      BIT(14)
#define EPT_CAP_LARGE_PAGES     BIT(16)
#define EPT_CAP_INVEPT          BIT(20)
#define EPT_CAP_INVEPT_SINGLE   BIT(25)
#define EPT_CAP_INVEPT_ALL      BIT(26)
#define VPID_CAP_INVVPID        BIT(32)
#define VPID_CAP_INVVPID_SINGLE BIT(41)
#define VPID_CAP_INVVPID_ALL    BIT(42)
#define EPT_CAP_NEEDED          (EPT_CAP_WALK_4 | EPT_CAP_WRITE_BACK | EPT_CAP_INVEPT)
#define VPID_COUNT              0xffffu /* VPIDs 1..65535; 0 is the host's */

#define MSR_VM_CR              0xc0010114u
#define VM_CR_SVMDIS           BIT(4)
#define CPUID_SVM_LEAF         0x8000000au
#define SVM_EDX_NP             BIT(0)
#define SVM_EDX_NRIPS          BIT(3)
#define SVM_EDX_FLUSH_BY_ASID  BIT(6)
#define SVM_EDX_DECODE_ASSISTS BIT(7)

static virt_t state;

const virt_t *virt(void)
{
    return &state;
}

BOOT_CODE virt_t *virt_boot_state(void)
{
    return &state;
}

bool virt_control_word(unsigned index, uint32_t requested, uint32_t *written)
{
    const seL4_X86_VirtFeatures *api = &state.api;
    uint32_t added = api->forced[index] | state.must_be_one[index];

    if ((requested & ~(api->settable[index] | added)) != 0) {
        return false;
    }
    *written = requested | added;
    return true;
}

BOOT_CODE static void virt_absent(seL4_X86_VirtAbsent why, uint64_t missing)
{
    state.api.kind = seL4_X86_Virt_None;
    state.api.absent = why;
    state.api.missing = missing;
}

/* A VMX control MSR: allowed 0-settings (must be one) low, allowed 1-settings high. */
BOOT_CODE static void vmx_control(unsigned index, uint32_t msr)
{
    uint64_t value = msr_read(msr);
    uint32_t must = (uint32_t)value;
    uint32_t may = (uint32_t)(value >> 32);

    state.must_be_one[index] = must;
    state.may_be_one[index] = may;
    state.api.settable[index] = vmx_policy_settable[index] & may;
    state.api.forced[index] = vmx_policy_forced[index];
    if ((vmx_policy_forced[index] & ~may) != 0) {
        state.api.missing |= seL4_X86_VirtNeed_Controls;
    }
}

BOOT_CODE static void vmx_detect(void)
{
    uint64_t control = msr_read(MSR_FEATURE_CONTROL);
    uint64_t basic;
    uint32_t true_offset;

    if ((control & FEATURE_CONTROL_LOCK) != 0 && (control & FEATURE_CONTROL_VMX) == 0) {
        virt_absent(seL4_X86_VirtAbsent_DisabledByFirmware, 0);
        return;
    }
    basic = msr_read(MSR_VMX_BASIC);
    state.api.kind = seL4_X86_Virt_VMX;
    state.api.revision = (uint32_t)basic & VMX_BASIC_REVISION_MASK;
    /* The "true" MSRs (SDM A.2) let default-1 controls such as CR3-load exiting be 0. */
    true_offset = (basic & VMX_BASIC_TRUE_CONTROLS) ? MSR_VMX_TRUE_PINBASED - MSR_VMX_PINBASED : 0;
    vmx_control(VIRT_VMX_PIN, MSR_VMX_PINBASED + true_offset);
    vmx_control(VIRT_VMX_PROC, MSR_VMX_PROCBASED + true_offset);
    vmx_control(VIRT_VMX_EXIT, MSR_VMX_EXIT + true_offset);
    vmx_control(VIRT_VMX_ENTRY, MSR_VMX_ENTRY + true_offset);
    if ((msr_read(MSR_VMX_PROCBASED + true_offset) >> 32) & seL4_VMX_Proc_SecondaryControls) {
        vmx_control(VIRT_VMX_PROC2, MSR_VMX_PROCBASED2);
        state.ept_vpid_cap = msr_read(MSR_VMX_EPT_VPID_CAP);
    } else {
        state.api.missing |= seL4_X86_VirtNeed_EPT;
    }
    for (unsigned i = 0; i < 4; i++) {
        state.api.cr_fixed[i] = msr_read(MSR_VMX_CR0_FIXED0 + i);
    }
    if ((state.ept_vpid_cap & EPT_CAP_NEEDED) != EPT_CAP_NEEDED ||
        (state.ept_vpid_cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)) == 0) {
        state.api.missing |= seL4_X86_VirtNeed_EPT;
    }
    if (state.api.missing != 0) {
        virt_absent(seL4_X86_VirtAbsent_MissingFeature, state.api.missing);
        return;
    }
    state.invept_single = (state.ept_vpid_cap & EPT_CAP_INVEPT_SINGLE) != 0;
    state.invvpid_single = (state.ept_vpid_cap & VPID_CAP_INVVPID_SINGLE) != 0;
    state.api.flags |= seL4_X86_Virt_EPT;
    if (state.ept_vpid_cap & EPT_CAP_LARGE_PAGES) {
        state.api.flags |= seL4_X86_Virt_EPTLargePages;
    }
    /* VPIDs only with a way to flush them (INVVPID single- or all-context). */
    if ((state.may_be_one[VIRT_VMX_PROC2] & seL4_VMX_Proc2_EnableVPID) != 0 &&
        (state.ept_vpid_cap & VPID_CAP_INVVPID) != 0 &&
        (state.ept_vpid_cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL)) != 0) {
        state.api.flags |= seL4_X86_Virt_VPID;
        state.api.forced[VIRT_VMX_PROC2] |= seL4_VMX_Proc2_EnableVPID;
        state.api.guest_tags = VPID_COUNT;
    }
    if (state.api.settable[VIRT_VMX_PROC2] & seL4_VMX_Proc2_UnrestrictedGuest) {
        state.api.flags |= seL4_X86_Virt_UnrestrictedGuest;
    }
    /* The kernel's own: every guest run is bounded by it (virt/vmx_run.c), so that the host
     * regains the CPU even where a host interrupt would not end the run (Bochs 2.7 with the
     * guest's IF clear). */
    if (state.api.settable[VIRT_VMX_PIN] & seL4_VMX_Pin_PreemptionTimer) {
        state.api.flags |= seL4_X86_Virt_PreemptionTimer;
        state.api.forced[VIRT_VMX_PIN] |= seL4_VMX_Pin_PreemptionTimer;
        state.api.settable[VIRT_VMX_PIN] &= ~seL4_VMX_Pin_PreemptionTimer;
        state.api.settable[VIRT_VMX_EXIT] &= ~seL4_VMX_Exit_SavePreemptionTimer;
    }
}

BOOT_CODE static void svm_detect(void)
{
    uint32_t eax;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;

    if ((msr_read(MSR_VM_CR) & VM_CR_SVMDIS) != 0) {
        virt_absent(seL4_X86_VirtAbsent_DisabledByFirmware, 0);
        return;
    }
    if (cpu_features()->max_extended_leaf < CPUID_SVM_LEAF) {
        virt_absent(seL4_X86_VirtAbsent_MissingFeature, seL4_X86_VirtNeed_NPT);
        return;
    }
    cpuid_query(CPUID_SVM_LEAF, 0, &eax, &ebx, &ecx, &edx);
    if ((edx & SVM_EDX_NP) == 0 || ebx < 2) {
        virt_absent(seL4_X86_VirtAbsent_MissingFeature, seL4_X86_VirtNeed_NPT);
        return;
    }
    state.api.kind = seL4_X86_Virt_SVM;
    state.api.revision = eax & 0xff;
    state.api.guest_tags = ebx - 1; /* ASID 0 is the host's */
    state.api.flags = seL4_X86_Virt_NPT;
    state.api.flags |= (edx & SVM_EDX_NRIPS) ? seL4_X86_Virt_NRIPSave : 0;
    state.api.flags |= (edx & SVM_EDX_FLUSH_BY_ASID) ? seL4_X86_Virt_FlushByASID : 0;
    state.api.flags |= (edx & SVM_EDX_DECODE_ASSISTS) ? seL4_X86_Virt_DecodeAssists : 0;
    for (unsigned i = 0; i < seL4_X86_VirtControlWords; i++) {
        state.api.settable[i] = svm_policy_settable[i];
        state.api.forced[i] = svm_policy_forced[i];
    }
}

BOOT_CODE void virt_detect(void)
{
    const cpu_features_t *cpu = cpu_features();

    if (cpu->vmx) {
        vmx_detect();
    } else if (cpu->svm) {
        svm_detect();
    } else {
        virt_absent(seL4_X86_VirtAbsent_NotInCPU, 0);
    }
}
