/*
 * Exception and interrupt delivery through the guest's 64-bit IDT (SDM Vol. 3A 6.14, 6.12.1;
 * APM Vol. 2 8.9): gate, code segment and stack checks, then one write of the whole frame, then
 * the new state. A fault on the way is combined with the event by the double-fault rules, and a
 * fault while delivering #DF ends the VM. Nothing here runs guest code or trusts guest values.
 */
#include <pv/cpu_desc.h>
#include <pv/deliver.h>

#define TSS_RSP0      4u    /* RSP0-RSP2 at 4, 12, 20 (SDM Vol. 3A Figure 8-11) */
#define TSS_IST1      0x24u /* IST1-IST7 at 0x24 .. 0x54 */
#define DELIVERY_MAX  8u    /* bound on nested attempts (at most four can happen) */
#define GATE_IST_MASK 7u

bool pv_deliver_has_error_code(unsigned vector)
{
    return vector == PV_VEC_DF || (vector >= PV_VEC_TS && vector <= PV_VEC_PF) ||
           vector == PV_VEC_AC || vector == PV_VEC_CP;
}

/* SDM Vol. 3A Table 6-4: the classes the double-fault rules use. */
typedef enum { CLASS_BENIGN, CLASS_CONTRIBUTORY, CLASS_PAGE_FAULT } fault_class_t;

static fault_class_t fault_class(const pv_fault_t *event)
{
    if (event->source != PV_SOURCE_EXCEPTION) {
        return CLASS_BENIGN; /* interrupts and INT n are benign as first events */
    }
    switch (event->vector) {
    case PV_VEC_DE:
    case PV_VEC_TS:
    case PV_VEC_NP:
    case PV_VEC_SS:
    case PV_VEC_GP:
        return CLASS_CONTRIBUTORY;
    case PV_VEC_PF:
        return CLASS_PAGE_FAULT;
    default:
        return CLASS_BENIGN;
    }
}

/* What one delivery attempt needs, found by the check step. */
typedef struct delivery_plan {
    uint64_t handler;
    uint64_t stack;
    unsigned new_cpl;
    bool interrupt_gate;
    pv_segment_t cs;
    uint64_t frame[6];
    unsigned frame_words;
} delivery_plan_t;

/* The step of the most recent failure, for a triple fault's report. */
typedef struct delivery_failure {
    const char *what;
} delivery_failure_t;

static pv_fault_t fail(delivery_failure_t *failure, const char *what, pv_fault_t fault)
{
    failure->what = what;
    return fault;
}

static uint32_t idt_error(unsigned vector, bool ext)
{
    return vector * 8u + 2u + (ext ? 1u : 0u);
}

/* Reads the stack pointer the TSS holds at `offset` (RSPn or ISTn). */
static pv_fault_t read_tss_stack(const pv_cpu_t *cpu, const pv_env_t *env, unsigned offset,
                                 bool ext, uint64_t *stack, delivery_failure_t *failure)
{
    uint32_t error = pv_selector_error(cpu->tr.selector) | (ext ? 1u : 0u);
    pv_fault_t fault;

    if ((cpu->tr.attributes & PV_SEG_ATTR_UNUSABLE) != 0 || offset + 7u > cpu->tr.limit) {
        return fail(failure, "the TSS does not hold the stack pointer",
                    pv_fault_with_code(PV_VEC_TS, error));
    }
    fault = pv_emu_read(cpu, env, cpu->tr.base + offset, stack, 8, PV_EMU_SYSTEM, false);
    if (!pv_fault_is_none(&fault)) {
        return fail(failure, "reading the TSS", fault);
    }
    if (!pv_canonical(*stack)) {
        return fail(failure, "the TSS's stack pointer is not canonical",
                    pv_fault_with_code(PV_VEC_SS, ext ? 1u : 0u));
    }
    return pv_fault_none();
}

/* The gate and its code segment (SDM Vol. 3A 6.12.1.1, 6.14.1). */
static pv_fault_t check_gate(const pv_cpu_t *cpu, const pv_env_t *env, const pv_fault_t *event,
                             bool ext, delivery_plan_t *plan, unsigned *ist,
                             delivery_failure_t *failure)
{
    unsigned vector = event->vector;
    pv_descriptor_t gate;
    pv_descriptor_t code;
    pv_fault_t fault;
    uint16_t selector;

    if ((uint64_t)vector * 16u + 15u > cpu->idtr.limit) {
        return fail(failure, "the vector lies past the IDT's limit",
                    pv_fault_gp(idt_error(vector, ext)));
    }
    fault = pv_emu_read(cpu, env, cpu->idtr.base + (uint64_t)vector * 16u, &gate, sizeof(gate),
                        PV_EMU_SYSTEM, false);
    if (!pv_fault_is_none(&fault)) {
        return fail(failure, "reading the IDT", fault);
    }
    if (pv_desc_is_code_data(gate.low) || (pv_desc_type(gate.low) != PV_SYS_INTR_GATE &&
                                           pv_desc_type(gate.low) != PV_SYS_TRAP_GATE)) {
        return fail(failure, "the IDT entry is no interrupt or trap gate",
                    pv_fault_gp(idt_error(vector, ext)));
    }
    if (event->source == PV_SOURCE_SOFTWARE && pv_desc_dpl(gate.low) < cpu->cpl) {
        return fail(failure, "the gate's DPL is below the CPL of INT n",
                    pv_fault_gp(idt_error(vector, false)));
    }
    if (!pv_desc_present(gate.low)) {
        return fail(failure, "the gate is not present",
                    pv_fault_with_code(PV_VEC_NP, idt_error(vector, ext)));
    }
    selector = (uint16_t)(gate.low >> 16);
    plan->handler = (gate.low & 0xffffu) | (gate.low >> 32 & 0xffff0000ull) | gate.high << 32;
    plan->interrupt_gate = pv_desc_type(gate.low) == PV_SYS_INTR_GATE;
    *ist = (unsigned)(gate.low >> 32) & GATE_IST_MASK;
    if (pv_selector_is_null(selector)) {
        return fail(failure, "the gate's code segment is null", pv_fault_gp(ext ? 1u : 0u));
    }
    fault = pv_desc_read(cpu, env, selector, false, ext, &code);
    if (!pv_fault_is_none(&fault)) {
        return fail(failure, "reading the gate's code segment", fault);
    }
    if (!pv_desc_is_code(code.low) || !pv_desc_long(code.low) || pv_desc_default_big(code.low) ||
        pv_desc_dpl(code.low) > cpu->cpl) {
        return fail(failure, "the gate's code segment is no 64-bit code at or above the CPL",
                    pv_fault_gp(pv_selector_error(selector) | (ext ? 1u : 0u)));
    }
    if (!pv_desc_present(code.low)) {
        return fail(failure, "the gate's code segment is not present",
                    pv_fault_with_code(PV_VEC_NP, pv_selector_error(selector) | (ext ? 1u : 0u)));
    }
    if (!pv_canonical(plan->handler)) {
        return fail(failure, "the handler's address is not canonical", pv_fault_gp(ext ? 1u : 0u));
    }
    plan->new_cpl = pv_desc_is_conforming_code(code.low) ? cpu->cpl : pv_desc_dpl(code.low);
    plan->cs = pv_segment_from_descriptor((uint16_t)((selector & ~3u) | plan->new_cpl), code.low);
    return pv_fault_none();
}

/* The stack and the frame (SDM Vol. 3A 6.14.2-6.14.5). */
static pv_fault_t check_stack(const pv_cpu_t *cpu, const pv_env_t *env, const pv_fault_t *event,
                              bool ext, unsigned ist, delivery_plan_t *plan,
                              delivery_failure_t *failure)
{
    pv_fault_t fault = pv_fault_none();
    uint64_t stack = cpu->gpr[X86DEC_GPR_RSP];
    unsigned n = 0;

    if (ist != 0) {
        fault = read_tss_stack(cpu, env, TSS_IST1 + (ist - 1) * 8u, ext, &stack, failure);
    } else if (plan->new_cpl < cpu->cpl) {
        fault = read_tss_stack(cpu, env, TSS_RSP0 + plan->new_cpl * 8u, ext, &stack, failure);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    stack &= ~0xfull;
    if (event->has_error_code) {
        plan->frame[n++] = event->error_code;
    }
    plan->frame[n++] = event->trap ? event->return_rip : cpu->rip;
    plan->frame[n++] = cpu->seg[PV_SEG_CS].selector;
    plan->frame[n++] = cpu->rflags;
    plan->frame[n++] = cpu->gpr[X86DEC_GPR_RSP];
    plan->frame[n++] = cpu->seg[PV_SEG_SS].selector;
    plan->frame_words = n;
    plan->stack = stack - (uint64_t)n * 8u;
    if (!pv_canonical(plan->stack)) {
        return fail(failure, "the stack is not canonical",
                    pv_fault_with_code(PV_VEC_SS, ext ? 1u : 0u));
    }
    return pv_fault_none();
}

static pv_fault_t deliver_once(pv_cpu_t *cpu, const pv_env_t *env, const pv_fault_t *event,
                               delivery_failure_t *failure)
{
    bool ext = event->source != PV_SOURCE_SOFTWARE;
    delivery_plan_t plan;
    unsigned ist = 0;
    pv_fault_t fault;
    pv_cpu_t target;

    fault = check_gate(cpu, env, event, ext, &plan, &ist, failure);
    if (pv_fault_is_none(&fault)) {
        fault = check_stack(cpu, env, event, ext, ist, &plan, failure);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    /* The frame is written at the new CPL: a user access at CPL 3 (a conforming handler),
     * else a supervisor access that SMAP checks whatever RFLAGS.AC says. */
    target = *cpu;
    target.cpl = plan.new_cpl;
    target.mode = PV_MODE_LONG;
    fault = pv_emu_write(&target, env, plan.stack, plan.frame, (size_t)plan.frame_words * 8u,
                         plan.new_cpl == 3 ? PV_EMU_DATA : PV_EMU_SYSTEM, true);
    if (!pv_fault_is_none(&fault)) {
        return fail(failure, "writing the exception frame", fault);
    }
    /* Act: nothing below can fail. */
    if (plan.new_cpl != cpu->cpl) {
        cpu->seg[PV_SEG_SS] = pv_segment_null((uint16_t)plan.new_cpl);
    }
    cpu->seg[PV_SEG_CS] = plan.cs;
    cpu->cpl = plan.new_cpl;
    cpu->mode = PV_MODE_LONG;
    cpu->gpr[X86DEC_GPR_RSP] = plan.stack;
    cpu->rip = plan.handler;
    cpu->rflags &= ~(PV_RFLAGS_TF | PV_RFLAGS_NT | PV_RFLAGS_RF | PV_RFLAGS_VM);
    if (plan.interrupt_gate) {
        cpu->rflags &= ~PV_RFLAGS_IF;
    }
    cpu->interrupt_shadow = false;
    cpu->halted = false;
    if (event->source == PV_SOURCE_EXTERNAL && event->vector == PV_VEC_NMI) {
        cpu->nmi_blocked = true;
    }
    return pv_fault_none();
}

/* SDM Vol. 3A Table 6-5: what a fault during the delivery of `first` becomes. */
static pv_fault_t combine(const pv_fault_t *first, const pv_fault_t *second)
{
    fault_class_t a = fault_class(first);
    fault_class_t b = fault_class(second);
    pv_fault_t next = *second;

    if ((a == CLASS_CONTRIBUTORY && b == CLASS_CONTRIBUTORY) ||
        (a == CLASS_PAGE_FAULT && b != CLASS_BENIGN)) {
        next = pv_fault_with_code(PV_VEC_DF, 0);
    }
    next.source = PV_SOURCE_EXCEPTION;
    return next;
}

pv_fault_t pv_deliver(pv_cpu_t *cpu, const pv_env_t *env, const pv_fault_t *event)
{
    pv_fault_t current = *event;
    delivery_failure_t failure = {"nothing"};

    if (cpu->mode == PV_MODE_PROTECTED32) {
        return pv_fault_end(PV_END_UNSUPPORTED,
                            "an exception in 32-bit protected mode (only a 64-bit IDT is offered)",
                            event->vector);
    }
    current.has_error_code =
            pv_deliver_has_error_code(current.vector) && current.source == PV_SOURCE_EXCEPTION;
    for (unsigned attempt = 0; attempt < DELIVERY_MAX; attempt++) {
        pv_fault_t fault;

        if (current.vector == PV_VEC_PF && current.source == PV_SOURCE_EXCEPTION) {
            cpu->cr2 = current.cr2; /* loaded when the #PF is recognised, even if it fails */
        }
        cpu->delivery = (pv_delivery_t){.active = true, .vector = current.vector};
        fault = deliver_once(cpu, env, &current, &failure);
        if (fault.kind != PV_FAULT_EXCEPTION) {
            cpu->delivery.active = false;
            if (fault.kind == PV_FAULT_NONE) {
                cpu->delivered++;
            }
            return fault;
        }
        if (current.vector == PV_VEC_DF && current.source == PV_SOURCE_EXCEPTION) {
            pv_fault_t end = pv_fault_end(PV_END_TRIPLE_FAULT, failure.what, fault.cr2);

            end.vector = fault.vector;
            end.error_code = fault.error_code;
            cpu->delivery.active = false;
            return end;
        }
        current = combine(&current, &fault);
    }
    cpu->delivery.active = false;
    return pv_fault_end(PV_END_TRIPLE_FAULT, "nested faults did not settle", event->vector);
}
