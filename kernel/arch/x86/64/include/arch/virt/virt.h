/*
 * Hardware virtualization on this machine: which of VMX and SVM the boot CPU offers and may use
 * (found by CPUID and the capability MSRs only, never by trying an instruction: QEMU's TCG hangs
 * on CR4.VMXE), the rules for the VMM's control words, and turning it on at boot.
 */
#ifndef ARCH_VIRT_VIRT_H
#define ARCH_VIRT_VIRT_H

#include <kernel/types.h>
#include <sel4/bootinfo.h>

/* Indices of the control words (seL4_X86_VirtFeatures.settable/forced). */
enum {
    VIRT_VMX_PIN = 0,
    VIRT_VMX_PROC,
    VIRT_VMX_PROC2,
    VIRT_VMX_EXIT,
    VIRT_VMX_ENTRY,
};
enum {
    VIRT_SVM_MISC1 = 0,
    VIRT_SVM_MISC2,
    VIRT_SVM_MISC3,
    VIRT_SVM_DR,
    VIRT_SVM_EXCEPTIONS,
};

typedef struct {
    seL4_X86_VirtFeatures api; /* what the boot info reports */
    /* VMX: the bits each control word must have set (IA32_VMX_*_CTLS allowed 0-settings). */
    uint32_t must_be_one[seL4_X86_VirtControlWords];
    uint32_t may_be_one[seL4_X86_VirtControlWords]; /* allowed 1-settings */
    uint64_t ept_vpid_cap;                          /* IA32_VMX_EPT_VPID_CAP */
    bool invept_single; /* INVEPT/INVVPID single-context (else all-context) */
    bool invvpid_single;
    /* Pages the kernel owns for the whole run (boot allocations, physical addresses). */
    paddr_t vmxon_region;    /* VMX */
    paddr_t host_save_area;  /* SVM: VM_HSAVE_PA */
    paddr_t host_state_area; /* SVM: VMSAVE of the host's FS/GS/TR/LDTR and syscall MSRs */
    paddr_t msr_permissions; /* VMX MSR bitmap or SVM MSRPM, shared by every VCPU */
    uint64_t host_efer;      /* SVM: the host's EFER, SVME set only around VMRUN */
} virt_t;

/* Boot only: probe the boot CPU (after cpu_features_detect). */
void virt_detect(void);

/* Boot only: VMXON, or the SVM host areas; the MSR permission map. Drops to "none" (with the
 * reason) when the CPU refuses, so that nothing later tries again. */
void virt_enable(void);

/* Boot only: one line on the console. */
void virt_print_summary(void);

const virt_t *virt(void);

/* Boot only: the same, writable, for the two boot steps. */
virt_t *virt_boot_state(void);

static inline bool virt_is_vmx(void)
{
    return virt()->api.kind == seL4_X86_Virt_VMX;
}

static inline bool virt_is_svm(void)
{
    return virt()->api.kind == seL4_X86_Virt_SVM;
}

static inline bool virt_present(void)
{
    return virt()->api.kind != seL4_X86_Virt_None;
}

/*
 * The rule for control word `index` (VIRT_VMX_* or VIRT_SVM_*): false when requested has a bit
 * the VMM may not set; otherwise *written is requested with every forced bit (and every bit the
 * CPU requires) added.
 */
bool virt_control_word(unsigned index, uint32_t requested, uint32_t *written);

#endif
