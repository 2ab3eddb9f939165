/*
 * VCPU objects: creation, the binding to a thread (X86VCPUSetTCB), the guest's general
 * registers (X86VCPUWriteRegisters/ReadRegisters), destruction, and the dispatch of the VCPU's
 * invocations. Fields and MSRs are in vcpu_state.c, I/O ports in vcpu_ioport.c, running the
 * guest in virt/vmenter.c.
 */
#include <arch/kernel/fpu.h>
#include <arch/object/vcpu.h>
#include <arch/virt/vcpu_backend.h>
#include <kernel/string.h>
#include <kernel/syscall_error.h>
#include <kernel/thread.h>
#include <sel4/invocation.h>
#include <sel4/svm.h>

/* Every VCPU, so that an I/O port capability going away can find the one it opened ports to. */
static vcpu_t *vcpu_list;
static uint64_t vcpu_next_serial = 1;

/* X86VCPUWriteRegisters/ReadRegisters carry the 15 seL4_VCPUContext words, then the guest's CR2
 * (beaml4: VMX keeps it outside the VMCS, so the VMM reaches it here on both kinds). */
#define VCPU_REGISTER_WORDS (seL4_VCPUContext_Count + 1)

vcpu_t *vcpu_find_serial(uint64_t serial)
{
    for (vcpu_t *vcpu = vcpu_list; vcpu != NULL; vcpu = vcpu->next) {
        if (vcpu->serial == serial) {
            return vcpu;
        }
    }
    return NULL;
}

void vcpu_create(paddr_t paddr)
{
    vcpu_t *vcpu = vcpu_from_paddr(paddr);

    memzero_words(paddr_to_kptr(paddr), BIT(seL4_VCPUBits));
    vcpu->serial = vcpu_next_serial++;
    fpu_state_init(&vcpu->fpu);
    vcpu->next = vcpu_list;
    if (vcpu_list != NULL) {
        vcpu_list->prev = vcpu;
    }
    vcpu_list = vcpu;
    vcpu_backend_init(vcpu);
}

/* A thread inside its guest leaves it and starts its seL4_VMEnter again: without the VCPU that
 * call becomes the thread's fault (or enters with the VCPU bound to it next). */
static void vcpu_unbind(vcpu_t *vcpu)
{
    tcb_t *tcb = vcpu->tcb;

    if (tcb == NULL) {
        return;
    }
    if (tcb->state == THREAD_RUNNING_VM) {
        thread_set_state(tcb, THREAD_RESTART);
    }
    tcb->arch.vcpu = NULL;
    vcpu->tcb = NULL;
}

void vcpu_tcb_release(tcb_t *tcb)
{
    if (tcb->arch.vcpu != NULL) {
        vcpu_unbind(tcb->arch.vcpu);
    }
}

void vcpu_finalise(vcpu_t *vcpu)
{
    vcpu_unbind(vcpu);
    if (virt_is_vmx()) {
        vmx_vcpu_forget(vcpu);
    }
    fpu_release_state(&vcpu->fpu);
    if (vcpu->prev != NULL) {
        vcpu->prev->next = vcpu->next;
    } else {
        vcpu_list = vcpu->next;
    }
    if (vcpu->next != NULL) {
        vcpu->next->prev = vcpu->prev;
    }
}

static void invoke_set_tcb(vcpu_t *vcpu, tcb_t *tcb)
{
    if (tcb->arch.vcpu != NULL) {
        vcpu_unbind(tcb->arch.vcpu);
    }
    vcpu_unbind(vcpu);
    vcpu->tcb = tcb;
    tcb->arch.vcpu = vcpu;
}

static seL4_Error decode_set_tcb(invocation_t *inv, vcpu_t *vcpu)
{
    cap_t tcb = inv_extra_cap(inv, 0);

    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (tcb.type != CAP_THREAD) {
        return error_invalid_capability(1);
    }
    invoke_set_tcb(vcpu, tcb.u.thread.tcb);
    return seL4_NoError;
}

static void guest_cr2_set(vcpu_t *vcpu, word_t value)
{
    if (virt_is_vmx()) {
        vcpu->cr2 = value;
    } else {
        svm_vcpu_write(vcpu, seL4_VMCB_Save_CR2, sizeof(word_t), value);
    }
}

static word_t guest_cr2(const vcpu_t *vcpu)
{
    return virt_is_vmx() ? vcpu->cr2 : svm_vcpu_read(vcpu, seL4_VMCB_Save_CR2, sizeof(word_t));
}

static void invoke_write_registers(invocation_t *inv, vcpu_t *vcpu)
{
    for (unsigned i = 0; i < VCPU_GPR_COUNT; i++) {
        vcpu->gpr[i] = inv_arg(inv, i);
    }
    if (inv->length >= VCPU_REGISTER_WORDS) {
        guest_cr2_set(vcpu, inv_arg(inv, VCPU_GPR_COUNT));
    }
}

static void invoke_read_registers(invocation_t *inv, const vcpu_t *vcpu)
{
    for (unsigned i = 0; i < VCPU_GPR_COUNT; i++) {
        inv_reply(inv, i, vcpu->gpr[i]);
    }
    inv_reply(inv, VCPU_GPR_COUNT, guest_cr2(vcpu));
}

seL4_Error vcpu_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    vcpu_t *vcpu = vcpu_from_paddr(cap.u.vcpu.paddr);

    (void)slot;
    switch (inv->label) {
    case X86VCPUSetTCB:
        return decode_set_tcb(inv, vcpu);
    case X86VCPUWriteRegisters:
        if (inv->length < seL4_VCPUContext_Count) {
            return error_simple(seL4_TruncatedMessage);
        }
        invoke_write_registers(inv, vcpu);
        return seL4_NoError;
    case X86VCPUReadRegisters:
        invoke_read_registers(inv, vcpu);
        return seL4_NoError;
    case X86VCPUReadVMCS:
    case X86VCPUWriteVMCS:
    case X86VCPUReadMSR:
    case X86VCPUWriteMSR:
        return vcpu_decode_state(inv, vcpu);
    case X86VCPUEnableIOPort:
    case X86VCPUDisableIOPort:
        return vcpu_decode_ioport(inv, vcpu);
    default:
        return error_simple(seL4_IllegalOperation);
    }
}
