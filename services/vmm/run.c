/*
 * The VMM's loop (run.h). A fault of the vCPU thread is handled while the thread waits for the
 * reply, and the reply (its registers and code segment, or nothing when they did not change)
 * goes with the next wait. A HLT keeps the reply capability until an interrupt is due. An
 * interrupt that becomes due while the thread runs stops it (after taking any fault it has
 * already sent, which a stop would lose), injects through lib/pv, and starts it again. The VMM
 * runs above its vCPU, so the thread never runs while any of this happens.
 */
#include "run.h"
#include "clock.h"
#include "console_input.h"
#include "fault.h"
#include "patch.h"
#include "profile.h"
#include "stats.h"
#include "vcpu.h"
#include <runtime/event.h>
#include <runtime/log.h>

#define REPLY_WORDS (seL4_UserContext_Count + 1) /* the registers and the code segment */

typedef struct run_state {
    bool reply_pending;   /* to the vCPU, through the caller slot */
    bool reply_registers; /* with registers (else an empty reply: nothing changed) */
    seL4_Word reply[REPLY_WORDS];
    bool have_message; /* a message taken by a poll, handled before the next wait */
    seL4_MessageInfo_t info;
    seL4_Word badge;
} run_state_t;

static run_state_t run;

static const char *end_text(pv_end_reason_t reason)
{
    switch (reason) {
    case PV_END_TRIPLE_FAULT:
        return "triple fault";
    case PV_END_UNSUPPORTED:
        return "unsupported";
    case PV_END_BAD_MEMORY:
        return "bad memory";
    default:
        return "bad event";
    }
}

/* The vCPU's state when the VM ends for something the guest did: on the console, for whoever
 * debugs the guest. */
static void cpu_state_log(const pv_cpu_t *cpu)
{
    log_printf(LOG_ERROR,
               "vmm: vCPU: rip %#lx rsp %#lx rflags %#lx cpl %u mode %u cr0 %#lx cr2 %#lx cr3 %#lx "
               "cr4 %#lx efer %#lx\n",
               (unsigned long)cpu->rip, (unsigned long)cpu->gpr[4], (unsigned long)cpu->rflags,
               cpu->cpl, (unsigned)cpu->mode, (unsigned long)cpu->cr0, (unsigned long)cpu->cr2,
               (unsigned long)cpu->cr3, (unsigned long)cpu->cr4, (unsigned long)cpu->efer);
    log_printf(LOG_ERROR,
               "vmm: vCPU: gdtr %#lx/%#x idtr %#lx/%#x tr %#x base %#lx limit %#x cs %#x ss %#x\n",
               (unsigned long)cpu->gdtr.base, cpu->gdtr.limit, (unsigned long)cpu->idtr.base,
               cpu->idtr.limit, cpu->tr.selector, (unsigned long)cpu->tr.base, cpu->tr.limit,
               cpu->seg[PV_SEG_CS].selector, cpu->seg[PV_SEG_SS].selector);
}

static void __attribute__((noreturn)) outcome_end(vmm_t *vmm, const pv_outcome_t *out)
{
    const pv_report_t *r = &out->report;

    if (out->reason != PV_END_EXIT) {
        cpu_state_log(&vmm->vcpu.cpu);
    }
    if (out->reason == PV_END_EXIT) {
        vmm_end(vmm, VMM_END_EXIT, out->exit_status, "the guest's EXIT hypercall");
    }
    if (out->reason == PV_END_TRIPLE_FAULT) {
        vmm_end(vmm, VMM_END_TRIPLE_FAULT, 0, "vector %u (error %#x) at rip %#lx: %s",
                (unsigned)r->vector, (unsigned)r->error_code, (unsigned long)r->rip,
                r->what != NULL ? r->what : "");
    }
    vmm_end(vmm, VMM_END_GUEST_ERROR, 0, "%s: %s at rip %#lx (address %#lx)", end_text(out->reason),
            r->what != NULL ? r->what : "", (unsigned long)r->rip, (unsigned long)r->address);
}

void run_exit_check(vmm_t *vmm)
{
    const vdev_exit_t *exit = &vmm->platform.power.exit;

    switch (exit->kind) {
    case VDEV_EXIT_POWER_OFF:
        vmm_end(vmm, VMM_END_POWER_OFF, 0, "ACPI soft-off (S5)");
    case VDEV_EXIT_DEBUG_EXIT:
        vmm_end(vmm, VMM_END_DEBUG_EXIT, exit->status >> 1, "a write of %lu to port 0xf4",
                (unsigned long)(exit->status >> 1));
    case VDEV_EXIT_RESET:
        vmm_end(vmm, VMM_END_RESET, 0, "the reset register (0xcf9)");
    default:
        break;
    }
}

static void reply_prepare(vmm_t *vmm, const pv_outcome_t *out, bool registers)
{
    seL4_UserContext regs;

    run.reply_registers = registers;
    if (registers) {
        uint64_t begun = profile_part_begin();
        pv_cpu_store_registers(&vmm->vcpu.cpu, &regs);
        profile_part_end(PROFILE_PV, begun);
        __builtin_memcpy(run.reply, &regs, sizeof(regs));
        run.reply[seL4_UserContext_Count] = out->code_segment;
    }
}

static seL4_MessageInfo_t reply_info(void)
{
    if (!run.reply_registers) {
        return seL4_MessageInfo_new(0, 0, 0, 0);
    }
    for (int i = 0; i < REPLY_WORDS; i++) {
        seL4_SetMR(i, run.reply[i]);
    }
    return seL4_MessageInfo_new(0, 0, 0, REPLY_WORDS);
}

/*
 * Acts on an outcome. held: the thread waits for the reply to a fault (the caller slot);
 * otherwise it is stopped (suspended, or halted with its reply saved).
 */
static void outcome_act(vmm_t *vmm, const pv_outcome_t *out, bool held, bool unchanged)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;

    run_exit_check(vmm);
    clock_arm(vmm);
    if (out->kind == PV_OUTCOME_END) {
        outcome_end(vmm, out);
    }
    if (vcpu_set_view(vmm, out->view) != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the vCPU thread cannot change address space");
    }
    if (out->kind == PV_OUTCOME_HALT) {
        if (held && seL4_CNode_SaveCaller(SERVICE_SLOT_CNODE, vcpu->saved_reply, seL4_WordBits) !=
                            seL4_NoError) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the halted vCPU's reply cannot be kept");
        }
        vcpu->halted = true;
        return;
    }
    reply_prepare(vmm, out, !unchanged);
    if (held) {
        run.reply_pending = true;
    } else if (vcpu->halted) {
        vcpu->halted = false;
        seL4_Send(vcpu->saved_reply, reply_info());
    } else if (vcpu_write_and_resume(vmm) != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the vCPU thread cannot be resumed");
    }
}

/* The RIP of a fault message when it is an instruction the guest ran: a page fault, or an
 * exception of the fault class (a trap's RIP, #DB, #BP, #OF, a SYSCALL's, is past the
 * instruction, where code need not follow). */
static bool fault_running_at(seL4_Word label, const seL4_Word *words, uint64_t *rip)
{
    seL4_UserContext regs;
    seL4_Word vector = words[seL4_UserException_Number];

    __builtin_memcpy(&regs, words, sizeof(regs));
    *rip = regs.rip;
    return label == seL4_Fault_VMFault || (label == seL4_Fault_UserException && vector < 32 &&
                                           vector != 1 && vector != 3 && vector != 4);
}

static void handle_fault(vmm_t *vmm, seL4_MessageInfo_t info)
{
    seL4_Word words[seL4_Fault_MessageLength];
    seL4_Word length = seL4_MessageInfo_get_length(info);
    pv_outcome_t out;

    for (seL4_Word i = 0; i < seL4_Fault_MessageLength; i++) {
        words[i] = i < length ? seL4_GetMR((int)i) : 0;
    }
    bool unchanged = false;
    bool long_mode = vmm->vcpu.cpu.mode == PV_MODE_LONG; /* the mode the guest ran in */
    uint64_t begun = profile_part_begin();

    fault_handle(vmm, seL4_MessageInfo_get_label(info), words, length, &out, &unchanged);
    profile_part_end(PROFILE_PV, begun);
    if (out.kind != PV_OUTCOME_END) {
        /* The guest may have read COM1's FIFO: input still in the ring goes in now. */
        console_input_pump(vmm);
        uint64_t rip = 0;
        if (fault_running_at(seL4_MessageInfo_get_label(info), words, &rip)) {
            patch_note_running(rip, long_mode);
        }
        patch_late_entries(vmm);
    }
    stats_tick(vmm);
    vmm->vcpu.held = true;
    outcome_act(vmm, &out, true, unchanged);
    vmm->vcpu.held = false;
}

/* The guest's interruptibility as the thread has it now (its IF in the PV page when the fast
 * path owns it). */
static bool vcpu_interrupts_enabled(const vmm_vcpu_t *vcpu)
{
    if (vcpu->pv_page->enabled != 0) {
        return (vcpu->pv_page->flags & seL4_PV_IF) != 0;
    }
    return (vcpu->cpu.rflags & PV_RFLAGS_IF) != 0;
}

/* Takes what already waits on the endpoint: a fault of the vCPU is kept for the loop; signal
 * bits are kept; false when the endpoint held nothing more. */
static bool poll_endpoint(vmm_t *vmm)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_NBRecv(SERVICE_SLOT_ENDPOINT, &badge);

    if (badge == 0 && seL4_MessageInfo_get_label(info) == 0 &&
        seL4_MessageInfo_get_length(info) == 0) {
        return false;
    }
    if (!ipc_badge_is_message(badge)) {
        vmm->pending_signals |= badge;
        return true;
    }
    run.have_message = true;
    run.info = info;
    run.badge = badge;
    return false;
}

/* Stops the vCPU thread where it runs and takes its registers as the guest's state. */
static void vcpu_stop(vmm_t *vmm)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    seL4_UserContext regs;
    uint64_t begun = profile_part_begin();
    seL4_Error error =
            seL4_TCB_ReadRegisters(vcpu->tcb, seL4_True, 0, seL4_UserContext_Count, &regs);

    profile_part_end(PROFILE_REGISTERS, begun);
    if (error != seL4_NoError ||
        !pv_cpu_load_registers(&vcpu->cpu, &regs, pv_cpu_code_segment(&vcpu->cpu))) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the vCPU thread cannot be stopped");
    }
}

/*
 * An interrupt may have become due: a halted vCPU wakes; a running one with interrupts enabled
 * is stopped and takes it; with interrupts disabled, the PV page's `pending` makes its next STI
 * or POPF come to the VMM.
 */
static void interrupt_check(vmm_t *vmm)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    vdev_cpu_interruptibility_t state = {
            .interrupts_enabled = vcpu_interrupts_enabled(vcpu),
            .interrupt_shadow = vcpu->cpu.interrupt_shadow,
            .nmi_blocked = vcpu->cpu.nmi_blocked,
    };
    vdev_intr_t intr;
    pv_outcome_t out;

    if (run.have_message) {
        return; /* a fault is in (its reply capability in the caller slot): it goes first */
    }
    vdev_intc_advance(&vmm->platform.intc, vmm_now(vmm));
    vdev_intc_pending(&vmm->platform.intc, 0, &state, &intr);
    if (vcpu->ended || intr.kind == VDEV_INTR_NONE) {
        if (intr.irq_window || intr.nmi_window) {
            vcpu->pv_page->pending = 1;
        }
        return;
    }
    if (!vcpu->halted) {
        while (poll_endpoint(vmm)) {
        }
        if (run.have_message) {
            return; /* a fault is in: its handling injects what is due */
        }
        vcpu_stop(vmm);
        vcpu->kicks++;
    }
    profile_trap_kind(PROFILE_INTERRUPT);
    uint64_t begun = profile_part_begin();
    pv_cpu_inject(&vcpu->cpu, &vmm->env, &out);
    profile_part_end(PROFILE_PV, begun);
    if (out.kind != PV_OUTCOME_END) {
        patch_late_entries(vmm); /* the handler it was delivered to */
    }
    outcome_act(vmm, &out, false, false);
}

/*
 * vm pause (VMM_BIT_PAUSE, ipc/vmm.h): while init's `paused` is set the vCPU thread does not run.
 * One waiting for an answer (a fault held or taken by a poll, a HLT) is simply not answered; one
 * that runs is stopped as for an interrupt and started again with its state after. Meanwhile
 * only signals are taken (kept for after: the devices catch up with the time that passed).
 */
static void pause_park(vmm_t *vmm)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    bool stopped = false;

    if (__atomic_load_n(&vmm->boot->paused, __ATOMIC_ACQUIRE) == 0 || vcpu->ended) {
        return;
    }
    if (!vcpu->halted && !run.reply_pending && !run.have_message) {
        while (poll_endpoint(vmm)) {
        }
        if (!run.have_message) {
            vcpu_stop(vmm);
            stopped = true;
        }
    }
    stats_publish(vmm);
    while (__atomic_load_n(&vmm->boot->paused, __ATOMIC_ACQUIRE) != 0) {
        seL4_Word badge = 0;

        (void)seL4_Wait(SERVICE_SLOT_NOTIFICATION, &badge);
        vmm->pending_signals |= badge & ~VMM_BIT_PAUSE;
    }
    if (stopped && vcpu_write_and_resume(vmm) != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the vCPU thread cannot be resumed");
    }
}

static void handle_signals(vmm_t *vmm, seL4_Word bits)
{
    if (bits & VMM_BIT_PAUSE) {
        pause_park(vmm);
    }
    stats_publish(vmm);
    if (bits & EVENT_BIT_TIMER) {
        clock_fired(vmm);
        run_exit_check(vmm);
        clock_arm(vmm);
    }
    if (bits & VMM_BIT_CONSOLE_INPUT) {
        console_input_pump(vmm);
        clock_arm(vmm); /* the UART's interrupt may now be due */
    }
    interrupt_check(vmm);
}

void run_vm(vmm_t *vmm)
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info;

        if (run.have_message) {
            profile_trap_end(); /* the notification that found it */
            run.have_message = false;
            info = run.info;
            badge = run.badge;
        } else if (vmm->pending_signals != 0) {
            seL4_Word bits = vmm->pending_signals;
            vmm->pending_signals = 0;
            profile_trap_begin();
            handle_signals(vmm, bits);
            profile_trap_end();
            continue;
        } else if (run.reply_pending) {
            run.reply_pending = false;
            seL4_MessageInfo_t reply = reply_info();
            profile_trap_end();
            info = seL4_ReplyRecv(SERVICE_SLOT_ENDPOINT, reply, &badge);
        } else {
            profile_trap_end();
            info = seL4_Recv(SERVICE_SLOT_ENDPOINT, &badge);
        }
        profile_trap_begin();
        if (!ipc_badge_is_message(badge)) {
            handle_signals(vmm, badge);
        } else if (badge == VMM_VCPU_BADGE && !vmm->vcpu.ended) {
            handle_fault(vmm, info);
        } else {
            /* Nobody else holds this endpoint; a message from elsewhere is refused. */
            ipc_msg_t msg;
            ipc_msg_error(&msg, IPC_ERR_DENIED, 0);
            seL4_Reply(ipc_msg_send_info(&msg));
        }
    }
}
