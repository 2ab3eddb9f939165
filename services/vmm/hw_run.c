/*
 * The hardware modes' loop: the VMM's own thread enters the guest with seL4_VMEnter and handles
 * each exit itself; a signal (the time service's deadline, console input) ends a run early with
 * the guest's RIP and pending event, the devices are brought up to date, and the guest goes on.
 * Before each entry the interrupt controller is asked what may be injected now, against the
 * guest's RFLAGS.IF, its interrupt shadow and an event whose delivery an exit cut short (that
 * one goes first: the new interrupt waits for a window). HLT stops entering until an interrupt
 * is due.
 */
#include "clock.h"
#include "console_input.h"
#include "hw.h"
#include "run.h"
#include "stats.h"
#include <fmt/fmt.h>
#include <runtime/event.h>
#include <runtime/log.h>
#include <sel4/svm.h>
#include <sel4/vmx.h>

#define EVENT_VALID          (1ull << 31)
#define EVENT_ERROR_VALID    (1ull << 11)
#define EVENT_TYPE_EXTERNAL  (0ull << 8)
#define EVENT_TYPE_NMI       (2ull << 8)
#define EVENT_TYPE_EXCEPTION (3ull << 8)
#define EVENT_ERROR_SHIFT    32

/* VMX interruptibility state (SDM Table 25-3) and SVM's interrupt shadow. */
#define VMX_BLOCKING_STI_MOVSS 0x3ull
#define VMX_BLOCKING_NMI       0x8ull
#define SVM_SHADOW             0x1ull

/* SVM V_INTR control: V_IRQ with V_IGN_TPR and the highest priority (APM 15.21.4). */
#define SVM_VINTR_REQUEST  (seL4_SVM_Int_VIRQ | (1u << 20) | (0xfu << 16))
#define SVM_INTERCEPT_IRET (1u << 20)

void hw_inject_exception(vmm_t *vmm, unsigned vector, bool has_error, uint32_t error_code)
{
    hw_vcpu_t *hw = &vmm->hw;
    uint64_t event = EVENT_VALID | EVENT_TYPE_EXCEPTION | (vector & 0xffu);

    if (has_error) {
        event |= EVENT_ERROR_VALID;
        if (hw->svm) {
            event |= (uint64_t)error_code << EVENT_ERROR_SHIFT;
        } else if (!hw_field_write(vmm, seL4_VMCS_EntryExceptionCode, 0, error_code)) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VMCS refused an exception's error code");
        }
    }
    hw->event = event;
}

void hw_end_guest(vmm_t *vmm, const hw_exit_t *exit, const char *what)
{
    log_printf(LOG_ERROR,
               "vmm: %s: exit %s (reason %#lx, qualification %#lx, guest-physical %#lx) at rip "
               "%#lx, rflags %#lx, cr3 %#lx\n",
               what, hw_exit_name(exit->kind), (unsigned long)exit->reason,
               (unsigned long)exit->qualification, (unsigned long)exit->gpa,
               (unsigned long)vmm->hw.rip, (unsigned long)vmm->hw.mr[SEL4_VMENTER_FAULT_RFLAGS_MR],
               (unsigned long)vmm->hw.mr[SEL4_VMENTER_FAULT_CR3_MR]);
    vmm_end(vmm, VMM_END_GUEST_ERROR, 0, "%s at rip %#lx", what, (unsigned long)vmm->hw.rip);
}

static void handle_signals(vmm_t *vmm, seL4_Word bits)
{
    stats_publish(vmm);
    if (bits & EVENT_BIT_TIMER) {
        clock_fired(vmm);
        run_exit_check(vmm);
    }
    if (bits & VMM_BIT_CONSOLE_INPUT) {
        console_input_pump(vmm);
    }
    clock_arm(vmm);
}

/* Halted: waits for a signal (nothing else may send to this endpoint). */
static void halted_wait(vmm_t *vmm)
{
    seL4_Word badge = 0;

    (void)seL4_Recv(SERVICE_SLOT_ENDPOINT, &badge);
    if (!ipc_badge_is_message(badge)) {
        handle_signals(vmm, badge);
        return;
    }
    ipc_msg_t msg;
    ipc_msg_error(&msg, IPC_ERR_DENIED, 0);
    seL4_Reply(ipc_msg_send_info(&msg));
}

/* RFLAGS and the interruptibility state after a run that a signal ended (the last exit's copy
 * is older than what the guest did since). */
static void interruptibility_refresh(vmm_t *vmm)
{
    hw_vcpu_t *hw = &vmm->hw;
    bool ok = true;

    hw->mr[SEL4_VMENTER_FAULT_RFLAGS_MR] =
            hw_field_read(vmm, seL4_VMCS_Guest_RFLAGS, seL4_VMCB_Save_RFLAGS, &ok);
    hw->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR] =
            hw_field_read(vmm, seL4_VMCS_Guest_Interruptibility, seL4_VMCB_InterruptShadow, &ok);
    if (!ok) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU's RFLAGS cannot be read");
    }
    hw->stale = false;
}

static void interruptibility(const hw_vcpu_t *hw, vdev_cpu_interruptibility_t *state)
{
    uint64_t blocking = hw->mr[SEL4_VMENTER_FAULT_GUEST_INT_MR];

    state->interrupts_enabled = (hw->mr[SEL4_VMENTER_FAULT_RFLAGS_MR] & PV_RFLAGS_IF) != 0;
    state->interrupt_shadow = (blocking & (hw->svm ? SVM_SHADOW : VMX_BLOCKING_STI_MOVSS)) != 0;
    state->nmi_blocked = hw->svm ? hw->nmi_blocked : (blocking & VMX_BLOCKING_NMI) != 0;
}

/* The SVM interrupt window: V_IRQ set makes the CPU exit (VINTR) once the guest can take an
 * interrupt. */
static void svm_window(vmm_t *vmm, bool want, seL4_Word *controls)
{
    hw_vcpu_t *hw = &vmm->hw;

    if (want) {
        *controls |= seL4_SVM_Intercept_VINTR;
    }
    if (want != hw->vintr) {
        if (!hw_field_write(vmm, 0, seL4_VMCB_IntControl, want ? SVM_VINTR_REQUEST : 0)) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VMCB's interrupt control cannot be written");
        }
        hw->vintr = want;
    }
}

/* What to inject at the next entry, and whether to ask for a window; wakes a halted vCPU. */
static void interrupts_prepare(vmm_t *vmm, seL4_Word *controls)
{
    hw_vcpu_t *hw = &vmm->hw;
    vdev_cpu_interruptibility_t state = {.interrupts_enabled = true};
    vdev_intr_t intr;
    bool window = false;

    vdev_intc_advance(&vmm->platform.intc, vmm_now(vmm));
    vdev_intc_pending(&vmm->platform.intc, 0, &state, &intr);
    if (intr.kind != VDEV_INTR_NONE || intr.irq_window || intr.nmi_window) {
        if (hw->stale) {
            interruptibility_refresh(vmm);
        }
        interruptibility(hw, &state);
        vdev_intc_pending(&vmm->platform.intc, 0, &state, &intr);
        window = intr.irq_window;
        if (intr.kind != VDEV_INTR_NONE && (hw->event & EVENT_VALID) != 0) {
            window = true; /* the interrupted event goes first */
        } else if (intr.kind != VDEV_INTR_NONE) {
            uint8_t vector = vdev_intc_ack(&vmm->platform.intc, 0, intr.kind);
            bool nmi = intr.kind == VDEV_INTR_NMI;
            hw->event = EVENT_VALID | (nmi ? EVENT_TYPE_NMI : EVENT_TYPE_EXTERNAL) | vector;
            hw->injected++;
            hw->halted = false;
            if (nmi && hw->svm) {
                hw->nmi_blocked = true;
            }
        }
    }
    if (hw->svm) {
        svm_window(vmm, window, controls);
        if (hw->nmi_blocked) {
            *controls |= SVM_INTERCEPT_IRET;
        }
    } else if (window) {
        *controls |= seL4_VMX_Proc_InterruptWindowExiting;
    }
}

static void registers_flush(vmm_t *vmm)
{
    hw_vcpu_t *hw = &vmm->hw;
    seL4_VCPUContext context;
    seL4_Error error;

    if (!hw->gprs_dirty && !hw->cr2_pending) {
        return;
    }
    __builtin_memcpy(&context, &hw->mr[SEL4_VMENTER_FAULT_EAX], sizeof(context));
    error = hw->cr2_pending ? seL4_X86_VCPU_WriteRegistersCR2(hw->vcpu, &context, hw->cr2)
                            : seL4_X86_VCPU_WriteRegisters(hw->vcpu, &context);
    if (error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the VCPU refused the guest's registers (error %d)",
                (int)error);
    }
    hw->gprs_dirty = false;
    hw->cr2_pending = false;
}

void hw_run(vmm_t *vmm)
{
    hw_vcpu_t *hw = &vmm->hw;

    for (;;) {
        seL4_Word controls = hw->controls;
        seL4_Word badge = 0;
        hw_exit_t exit;

        interrupts_prepare(vmm, &controls);
        if (hw->halted) {
            halted_wait(vmm);
            continue;
        }
        registers_flush(vmm);
        seL4_SetMR(SEL4_VMENTER_CALL_EIP_MR, hw->rip);
        seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_PPC_MR, controls);
        seL4_SetMR(SEL4_VMENTER_CALL_CONTROL_ENTRY_MR, hw->event);
        seL4_Word result = seL4_VMEnter(&badge);
        hw->entries++;
        hw->rip = seL4_GetMR(SEL4_VMENTER_CALL_EIP_MR);
        hw->event = seL4_GetMR(SEL4_VMENTER_CALL_CONTROL_ENTRY_MR);
        if (result == SEL4_VMENTER_RESULT_NOTIF) {
            hw->stale = true;
            handle_signals(vmm, badge);
            continue;
        }
        for (int i = 0; i < SEL4_VMENTER_NUM_FAULT_MSGS; i++) {
            hw->mr[i] = seL4_GetMR(i);
        }
        hw->stale = false;
        hw_exit_decode(hw->svm, hw->mr, &exit);
        hw->exits[exit.kind]++;
        stats_tick(vmm);
        hw_handle_exit(vmm, &exit);
    }
}

void hw_report_statistics(const vmm_t *vmm)
{
    const hw_vcpu_t *hw = &vmm->hw;
    char line[256];
    size_t at = 0;

    for (unsigned kind = 0; kind < HW_EXIT_KINDS; kind++) {
        if (hw->exits[kind] != 0 && at + 32 < sizeof(line)) {
            at += fmt_snprintf(line + at, sizeof(line) - at, " %s %lu", hw_exit_name(kind),
                               (unsigned long)hw->exits[kind]);
        }
    }
    line[at] = '\0';
    log_printf(LOG_INFO, "vmm: %lu entries, %lu interrupts injected; exits:%s\n",
               (unsigned long)hw->entries, (unsigned long)hw->injected, line);
}
