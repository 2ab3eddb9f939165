/*
 * The PV vCPU's entry points, one per event the VMM receives: each brings the vCPU's virtual IF
 * in from the PV page, ends an interrupt shadow's single step, handles the event (emulation or
 * a fault for the guest), delivers what the guest gets, injects an interrupt when the guest can
 * take one, fills the outcome and leaves the page as the guest's state now asks (IF, pending,
 * CR0.TS and CR4.TSD). Guest mistakes become guest faults; only what the guest could not survive
 * on hardware either (a triple fault) or what is not offered ends the VM.
 */
#include <pv/deliver.h>

#define DR6_BS (1ull << 14) /* single step (SDM Vol. 3A 17.2.3) */

typedef struct event_context {
    pv_cpu_t *cpu;
    const pv_env_t *env;
    pv_view_t view_before;
    bool stepped; /* this event ended a shadow step (the host's TF was ours) */
} event_context_t;

static event_context_t event_begin(pv_cpu_t *cpu, const pv_env_t *env)
{
    event_context_t ctx = {.cpu = cpu, .env = env, .view_before = pv_cpu_view(cpu)};
    volatile seL4_PVPage *page = env->pv_page;

    if (env->walk_cache != NULL) {
        pv_walk_cache_clear(env->walk_cache); /* the guest ran: its tables may have changed */
    }
    if (page != NULL && page->enabled != 0) {
        cpu->rflags = (cpu->rflags & ~PV_RFLAGS_IF) | (page->flags & seL4_PV_IF);
    }
    if (cpu->shadow_step) {
        /* One instruction ran under the shadow (or faulted): the shadow is over. */
        cpu->shadow_step = false;
        cpu->interrupt_shadow = false;
        ctx.stepped = true;
    }
    return ctx;
}

static pv_interruptibility_t interruptibility(const pv_cpu_t *cpu)
{
    return (pv_interruptibility_t){
            .interrupts_enabled = (cpu->rflags & PV_RFLAGS_IF) != 0,
            .interrupt_shadow = cpu->interrupt_shadow,
            .nmi_blocked = cpu->nmi_blocked,
    };
}

static pv_fault_t inject_pending(pv_cpu_t *cpu, const pv_env_t *env, pv_intr_t *intr)
{
    pv_interruptibility_t state = interruptibility(cpu);
    pv_fault_t event;

    env->intr_pending(env->context, &state, intr);
    if (intr->kind == PV_INTR_NONE || cpu->mode == PV_MODE_PROTECTED32) {
        return pv_fault_none();
    }
    event = pv_fault_exception(intr->kind == PV_INTR_NMI ? PV_VEC_NMI : intr->vector);
    event.vector = env->intr_ack(env->context, intr->kind);
    if (intr->kind == PV_INTR_NMI) {
        event.vector = PV_VEC_NMI;
    }
    event.source = PV_SOURCE_EXTERNAL;
    cpu->injected++;
    return pv_deliver(cpu, env, &event);
}

static void outcome_end(const pv_cpu_t *cpu, const pv_fault_t *fault, pv_outcome_t *out)
{
    out->kind = PV_OUTCOME_END;
    out->reason = fault->end;
    out->exit_status = fault->address;
    out->report = (pv_report_t){.vector = PV_REPORT_NO_VECTOR,
                                .rip = cpu->rip,
                                .address = fault->address,
                                .what = fault->what};
    if (fault->end == PV_END_TRIPLE_FAULT) {
        out->report.vector = fault->vector;
        out->report.error_code = fault->error_code;
    }
}

/*
 * Whether the kernel takes these registers in a fault reply (sel4/faults.h): RIP, RSP and the
 * FS/GS bases canonical. The emulation never makes RIP or a base non-canonical (it faults
 * instead), but a guest may hold a non-canonical RSP, which hardware allows until the stack is
 * used; the host kernel cannot resume that.
 */
static bool registers_resumable(const pv_cpu_t *cpu)
{
    return pv_canonical(cpu->rip) && pv_canonical(cpu->gpr[X86DEC_GPR_RSP]) &&
           pv_canonical(cpu->seg[PV_SEG_FS].base) && pv_canonical(cpu->seg[PV_SEG_GS].base);
}

/*
 * The bits of the guest's CR0 and CR4 the host must hold for the thread (sel4/pv.h): TS with the
 * guest's TS or EM, so that its FPU instructions raise #NM and emulate_fpu.c decides what the
 * guest gets; TSD only above CPL 0, because the guest kernel runs at the host's CPL 3 too and its
 * RDTSC must keep running.
 */
static seL4_Word pv_control_bits(const pv_cpu_t *cpu)
{
    seL4_Word bits = (cpu->cr0 & (PV_CR0_TS | PV_CR0_EM)) != 0 ? seL4_PVControl_TS : 0;

    if (cpu->cpl != 0 && (cpu->cr4 & PV_CR4_TSD) != 0) {
        bits |= seL4_PVControl_TSD;
    }
    return bits;
}

/* Delivers what the handler decided, injects, and tells the VMM how to go on. */
static pv_outcome_kind_t event_finish(event_context_t *ctx, pv_fault_t fault, pv_outcome_t *out)
{
    pv_cpu_t *cpu = ctx->cpu;
    const pv_env_t *env = ctx->env;
    volatile seL4_PVPage *page = env->pv_page;
    pv_intr_t intr = {PV_INTR_NONE, 0, false, false};

    __builtin_memset(out, 0, sizeof(*out));
    if (fault.kind == PV_FAULT_EXCEPTION) {
        fault = pv_deliver(cpu, env, &fault);
    }
    if (fault.kind == PV_FAULT_NONE && !(cpu->interrupt_shadow && cpu->rip == cpu->shadow_rip)) {
        cpu->interrupt_shadow = false;
        fault = inject_pending(cpu, env, &intr);
    }
    if (fault.kind != PV_FAULT_END && !registers_resumable(cpu) && cpu->cpl == 3) {
        /* The guest's user mode must not end the VM: its kernel gets a #GP(0) instead (not
         * what hardware does, which would go on until the stack is used). */
        pv_fault_t gp = pv_fault_gp(0);

        fault = pv_deliver(cpu, env, &gp);
    }
    if (fault.kind != PV_FAULT_END && !registers_resumable(cpu)) {
        fault = pv_fault_end(PV_END_UNSUPPORTED,
                             "the host kernel cannot resume a non-canonical RSP",
                             cpu->gpr[X86DEC_GPR_RSP]);
    }
    if (fault.kind == PV_FAULT_END) {
        outcome_end(cpu, &fault, out);
    } else {
        pv_interruptibility_t state = interruptibility(cpu);

        env->intr_pending(env->context, &state, &intr);
        out->irq_window = intr.irq_window || intr.nmi_window;
        out->kind = cpu->halted ? PV_OUTCOME_HALT : PV_OUTCOME_RESUME;
        if (cpu->interrupt_shadow && out->irq_window) {
            /* Let exactly one instruction run, then take the interrupt (the host's TF). */
            cpu->shadow_step = true;
            cpu->guest_tf = (cpu->rflags & PV_RFLAGS_TF) != 0;
        }
    }
    out->view = pv_cpu_view(cpu);
    out->view_changed = out->view != ctx->view_before;
    out->code_segment = pv_cpu_code_segment(cpu);
    if (page != NULL) {
        page->flags = cpu->rflags & seL4_PV_IF;
        page->pending = out->irq_window ? 1 : 0;
        page->enabled = cpu->cpl == 0 && cpu->mode == PV_MODE_LONG ? 1 : 0;
        page->control = pv_control_bits(cpu);
    }
    return out->kind;
}

/* Emulates the instruction at RIP (or `original`); reflects `fallback` when it is not one. */
static pv_fault_t emulate_or_reflect(pv_cpu_t *cpu, const pv_env_t *env, const uint8_t *original,
                                     size_t length, pv_fault_t fallback)
{
    pv_emu_t emu = {.cpu = cpu, .env = env};
    bool handled = false;
    pv_fault_t fault;

    fault = pv_emulate_at(&emu, original, length, &handled);
    if (fault.kind == PV_FAULT_NONE && !handled) {
        return fallback;
    }
    return fault;
}

/*
 * A trap the host took at a software interrupt (#BP, #OF): RIP is past the instruction. A fault
 * while delivering it names the instruction itself, which is CC or CE (one byte) or CD ib.
 */
static pv_fault_t software_trap(pv_cpu_t *cpu, const pv_env_t *env, unsigned vector)
{
    pv_fault_t fault = pv_fault_exception(vector);
    uint8_t bytes[2] = {0, 0};
    uint64_t rip = cpu->rip;
    pv_fault_t read = pv_emu_read(cpu, env, rip - 2, bytes, 2, PV_EMU_FETCH, false);

    fault.source = PV_SOURCE_SOFTWARE;
    fault.trap = true;
    fault.return_rip = rip;
    cpu->rip = rip - 1;
    if (pv_fault_is_none(&read) && bytes[0] == 0xcd && bytes[1] != 0xcc && bytes[1] != 0xce) {
        cpu->rip = rip - 2;
    }
    return fault;
}

pv_outcome_kind_t pv_cpu_handle_exception(pv_cpu_t *cpu, const pv_env_t *env, unsigned vector,
                                          uint64_t error_code, pv_outcome_t *out)
{
    event_context_t ctx = event_begin(cpu, env);
    pv_fault_t fault = pv_fault_exception(vector & 0xffu);

    if (pv_deliver_has_error_code(vector)) {
        fault = pv_fault_with_code(vector, (uint32_t)error_code);
    }
    switch (vector) {
    case PV_VEC_DB:
        /* A trap: RIP is already past the instruction. Ours if it ended a shadow step. */
        if (ctx.stepped && !cpu->guest_tf) {
            fault = pv_fault_none();
        } else {
            cpu->dr[6] |= DR6_BS;
        }
        break;
    case PV_VEC_BP:
    case PV_VEC_OF:
        /* INT3, INT 3, INTO, INT 4: traps through host gates of DPL 3; the guest's gate
         * decides again (SDM Vol. 3A 6.12.1.1). */
        fault = software_trap(cpu, env, vector);
        break;
    case PV_VEC_UD:
    case PV_VEC_GP:
        fault = emulate_or_reflect(cpu, env, NULL, 0, fault);
        break;
    case PV_VEC_NM:
        fault = pv_emulate_device_not_available(cpu, env);
        break;
    default:
        break;
    }
    cpu->emulated++;
    return event_finish(&ctx, fault, out);
}

pv_outcome_kind_t pv_cpu_handle_page_fault(pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                                           uint32_t error_code, pv_outcome_t *out)
{
    event_context_t ctx = event_begin(cpu, env);

    return event_finish(&ctx, pv_fault_pf(address, error_code), out);
}

pv_outcome_kind_t pv_cpu_handle_mmio(pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                                     gpa_t target, pv_outcome_t *out)
{
    event_context_t ctx = event_begin(cpu, env);

    return event_finish(&ctx, pv_emulate_mmio(cpu, env, address, target), out);
}

pv_outcome_kind_t pv_cpu_handle_syscall(pv_cpu_t *cpu, const pv_env_t *env, pv_outcome_t *out)
{
    event_context_t ctx = event_begin(cpu, env);

    return event_finish(&ctx, pv_emulate_syscall(cpu, env), out);
}

pv_outcome_kind_t pv_cpu_handle_patch_site(pv_cpu_t *cpu, const pv_env_t *env, uint64_t address,
                                           const uint8_t *original, size_t length,
                                           pv_outcome_t *out)
{
    event_context_t ctx = event_begin(cpu, env);
    pv_fault_t fault = pv_fault_ud();
    /* What a CPU without the instruction's feature gives. The guest's user mode must never end
     * the VM, so only its kernel's sites may. */
    pv_fault_t unemulated = cpu->cpl == 0 ? pv_fault_end(PV_END_UNSUPPORTED,
                                                         "a patched instruction the vCPU does not "
                                                         "emulate",
                                                         address)
                                          : pv_fault_ud();

    /* At every CPL: guest user code is patched too (its PUSHF and POPF would otherwise show the
     * host's IF and IOPL), and each family applies the rules of the guest's CPL and IOPL, as
     * for an instruction that faulted by itself. */
    if (length > 0 && length <= X86DEC_MAX_LENGTH && pv_emu_address_valid(cpu, address)) {
        cpu->rip = address;
        fault = emulate_or_reflect(cpu, env, original, length, unemulated);
    }
    cpu->emulated++;
    return event_finish(&ctx, fault, out);
}

pv_outcome_kind_t pv_cpu_inject(pv_cpu_t *cpu, const pv_env_t *env, pv_outcome_t *out)
{
    event_context_t ctx = event_begin(cpu, env);

    return event_finish(&ctx, pv_fault_none(), out);
}
