/*
 * What the VCPU object and seL4_VMEnter ask of the CPU's virtualization, implemented once for
 * VMX (virt/vmx_vcpu.c, virt/vmx_run.c) and once for SVM (virt/svm_vcpu.c, virt/svm_run.c); the
 * inline functions here pick the one the boot found.
 */
#ifndef ARCH_VIRT_VCPU_BACKEND_H
#define ARCH_VIRT_VCPU_BACKEND_H

#include <arch/object/vcpu.h>
#include <arch/virt/virt.h>

/* seL4_VMEnter's MR0..MR9 after an exit (the registers follow from vcpu->gpr). */
typedef struct {
    word_t mr[SEL4_VMENTER_FAULT_CR3_MR + 1];
} vcpu_exit_t;

typedef enum {
    VCPU_RUN_EXIT,           /* an exit for the VMM: *exit filled in */
    VCPU_RUN_HOST_INTERRUPT, /* a host interrupt ended the run: the guest goes on later */
} vcpu_run_result_t;

/* A fresh VCPU object: control structure, I/O bitmap (every port exits), initial guest state. */
void vmx_vcpu_init(vcpu_t *vcpu);
void svm_vcpu_init(vcpu_t *vcpu);

/* SVM: the guest state as a new VCPU has it. Also after VMEXIT_INVALID, when what the CPU left
 * in the state-save area is not the guest's (QEMU writes the host's state there). */
void svm_save_area_reset(vcpu_t *vcpu);

/* The VCPU is going away: the CPU forgets it (VMCLEAR, the current-VMCS pointer). */
void vmx_vcpu_forget(vcpu_t *vcpu);

/* Make the VCPU's VMCS the CPU's current one (VMPTRLD when it is not). */
void vmx_make_current(vcpu_t *vcpu);

/* Field access after the allow-list let it through (id: VMCS encoding or VMCB offset). A read
 * fails only for a VMCS field this CPU does not have. */
bool vmx_vcpu_read(vcpu_t *vcpu, word_t field, word_t *value);
void vmx_vcpu_write(vcpu_t *vcpu, word_t field, word_t value);
word_t svm_vcpu_read(const vcpu_t *vcpu, word_t offset, unsigned width);
void svm_vcpu_write(vcpu_t *vcpu, word_t offset, unsigned width, word_t value);

/* seL4_VMEnter's inputs: guest RIP, the controls word (already checked) and the event. */
void vmx_vcpu_set_entry(vcpu_t *vcpu, word_t rip, word_t controls, word_t event);
void svm_vcpu_set_entry(vcpu_t *vcpu, word_t rip, word_t controls, word_t event);

/* Run the guest in root until an exit (the host's state is restored before this returns). */
vcpu_run_result_t vmx_vcpu_run(vcpu_t *vcpu, paddr_t root, vcpu_exit_t *exit);
vcpu_run_result_t svm_vcpu_run(vcpu_t *vcpu, paddr_t root, vcpu_exit_t *exit);

static inline void vcpu_backend_init(vcpu_t *vcpu)
{
    if (virt_is_vmx()) {
        vmx_vcpu_init(vcpu);
    } else {
        svm_vcpu_init(vcpu);
    }
}

static inline void vcpu_backend_set_entry(vcpu_t *vcpu, word_t rip, word_t controls, word_t event)
{
    if (virt_is_vmx()) {
        vmx_vcpu_set_entry(vcpu, rip, controls, event);
    } else {
        svm_vcpu_set_entry(vcpu, rip, controls, event);
    }
}

static inline vcpu_run_result_t vcpu_backend_run(vcpu_t *vcpu, paddr_t root, vcpu_exit_t *exit)
{
    return virt_is_vmx() ? vmx_vcpu_run(vcpu, root, exit) : svm_vcpu_run(vcpu, root, exit);
}

#endif
