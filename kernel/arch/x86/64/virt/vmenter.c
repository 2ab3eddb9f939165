/*
 * seL4_VMEnter: a thread with a VCPU runs its guest. The call checks its message registers,
 * answers at once when the thread's bound notification is pending, and otherwise makes the
 * thread THREAD_RUNNING_VM: from then on, whenever the scheduler picks it, restore_user_context
 * runs the guest instead of returning to user mode (vcpu_run), until an exit for the VMM, which
 * the call returns with its message registers filled in, or a signal of the bound notification.
 * A host interrupt during the guest is handled like any other and the thread may be preempted.
 */
#include <arch/kernel/arch_init.h>
#include <arch/object/ept.h>
#include <arch/virt/vcpu_backend.h>
#include <arch/virt/vmenter.h>
#include <kernel/arch_vcpu.h>
#include <kernel/faulthandler.h>
#include <kernel/notification.h>
#include <kernel/thread.h>
#include <sel4/syscalls.h>

/* The interrupt window of entry.S: STI, then a NOP and a CLI during which a host interrupt that
 * ended a guest's run is taken (trap_from_kernel; traps.c sends it back here). */
void vcpu_interrupt_window(void);

static void vmenter_return(tcb_t *thread, word_t result)
{
    thread_set_msg_info(thread, result);
}

/* MR0..MR2 as the guest stands (the answer to a signal, or the point to restart from). */
static void vmenter_call_registers(tcb_t *thread, const vcpu_t *vcpu)
{
    thread_set_mr(thread, NULL, SEL4_VMENTER_CALL_EIP_MR, vcpu->rip);
    thread_set_mr(thread, NULL, SEL4_VMENTER_CALL_CONTROL_PPC_MR, vcpu->controls);
    thread_set_mr(thread, NULL, SEL4_VMENTER_CALL_CONTROL_ENTRY_MR, vcpu->event);
}

void arch_thread_leave_vm(tcb_t *tcb)
{
    if (tcb->arch.vcpu != NULL) {
        vmenter_call_registers(tcb, tcb->arch.vcpu);
    }
    thread_set_badge(tcb, 0);
    vmenter_return(tcb, SEL4_VMENTER_RESULT_NOTIF);
}

/* The exit for the VMM: MR0..MR9 from the exit, MR10..MR24 the guest's registers. */
static void vmenter_report(tcb_t *thread, const vcpu_t *vcpu, const vcpu_exit_t *exit)
{
    word_t *buffer;

    thread_set_state(thread, THREAD_RUNNING);
    buffer = thread_ipc_buffer(thread, true);
    for (unsigned i = 0; i < ARRAY_SIZE(exit->mr); i++) {
        thread_set_mr(thread, buffer, i, exit->mr[i]);
    }
    for (unsigned i = 0; i < VCPU_GPR_COUNT; i++) {
        thread_set_mr(thread, buffer, SEL4_VMENTER_FAULT_EAX + i, vcpu->gpr[i]);
    }
    thread_set_badge(thread, 0);
    vmenter_return(thread, SEL4_VMENTER_RESULT_FAULT);
}

/* A result the kernel gives instead of the CPU (sel4/vcpu.h, seL4_VMEnter_Reason_*). */
static void vmenter_report_kernel(tcb_t *thread, const vcpu_t *vcpu, word_t reason,
                                  word_t qualification)
{
    vcpu_exit_t exit = {{0}};

    exit.mr[SEL4_VMENTER_CALL_EIP_MR] = vcpu->rip;
    exit.mr[SEL4_VMENTER_CALL_CONTROL_PPC_MR] = vcpu->controls;
    exit.mr[SEL4_VMENTER_CALL_CONTROL_ENTRY_MR] = vcpu->event;
    exit.mr[SEL4_VMENTER_FAULT_REASON_MR] = reason;
    exit.mr[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = qualification;
    vmenter_report(thread, vcpu, &exit);
}

/* MR1 under the rules of the field it is (VMX primary controls, SVM InterceptMisc1); MR2 is a
 * 32-bit field on VMX. Returns the MR refused, or 0. */
static unsigned vmenter_decode(tcb_t *thread, word_t *controls, word_t *event)
{
    word_t requested = thread_get_mr(thread, NULL, SEL4_VMENTER_CALL_CONTROL_PPC_MR);
    unsigned index = virt_is_vmx() ? VIRT_VMX_PROC : VIRT_SVM_MISC1;
    uint32_t written;

    *event = thread_get_mr(thread, NULL, SEL4_VMENTER_CALL_CONTROL_ENTRY_MR);
    if ((requested >> 32) != 0 || !virt_control_word(index, (uint32_t)requested, &written)) {
        return SEL4_VMENTER_CALL_CONTROL_PPC_MR;
    }
    if (virt_is_vmx() && (*event >> 32) != 0) {
        return SEL4_VMENTER_CALL_CONTROL_ENTRY_MR;
    }
    *controls = written;
    return 0;
}

void arch_vmenter(tcb_t *thread)
{
    vcpu_t *vcpu = thread->arch.vcpu;
    word_t controls;
    word_t event;
    unsigned refused;

    if (vcpu == NULL) {
        /* seL4: a thread without a VCPU that calls VMEnter faults as for an unknown call. */
        thread->fault = fault_unknown_syscall((word_t)seL4_SysVMEnter);
        fault_handle(thread);
        return;
    }
    refused = vmenter_decode(thread, &controls, &event);
    if (refused != 0) {
        vmenter_report_kernel(thread, vcpu, seL4_VMEnter_Reason_BadArgument, refused);
        return;
    }
    vcpu_backend_set_entry(vcpu, thread_get_mr(thread, NULL, SEL4_VMENTER_CALL_EIP_MR), controls,
                           event);
    /* As in seL4: a signal already pending answers at once, the inputs kept for the next call. */
    if (notification_take_bound(thread)) {
        vmenter_call_registers(thread, vcpu);
        vmenter_return(thread, SEL4_VMENTER_RESULT_NOTIF);
        return;
    }
    thread_set_state(thread, THREAD_RUNNING_VM);
}

void vcpu_run(tcb_t *thread)
{
    vcpu_t *vcpu = thread->arch.vcpu;
    paddr_t root = guest_root_of_thread(thread);
    vcpu_exit_t exit;

    if (root == 0) {
        vmenter_report_kernel(thread, vcpu, seL4_VMEnter_Reason_NoGuestRoot, 0);
        restore_user_context();
    }
    if (vcpu_backend_run(vcpu, root, &exit) == VCPU_RUN_HOST_INTERRUPT) {
        vcpu_interrupt_window();
        arch_reschedule_on_fresh_stack();
    }
    vmenter_report(thread, vcpu, &exit);
    restore_user_context();
}
