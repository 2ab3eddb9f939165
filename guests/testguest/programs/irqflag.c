/*
 * irqflag: CLI, STI, PUSHF and POPF, with nothing pending and with an interrupt pending (a
 * self-IPI sent while IF is clear). The interrupt must stay pending while IF is clear and be
 * taken exactly where the architecture says: after the instruction following STI, right after
 * a POPF that sets IF, and out of a HLT that follows STI. In ring 3 with IOPL 0, CLI faults
 * and POPF leaves IF alone; with IOPL 3 both work.
 */
#include "check.h"
#include "cpu.h"
#include "lapic.h"
#include "programs.h"
#include "traps.h"
#include "user.h"
#include "user_code.h"
#include "vectors.h"

void irq_window_sti(uint64_t);
void irq_window_popf(uint64_t);
void irq_window_sti_hlt(uint64_t);
extern char irq_after_sti_nop[], irq_after_popf[], irq_after_hlt[];

static volatile uint64_t interrupts;
static volatile uint64_t interrupt_rip;
static volatile uint64_t interrupt_cs;

static bool on_self_ipi(trap_frame_t *frame)
{
    interrupts++;
    interrupt_rip = frame->rip;
    interrupt_cs = frame->cs;
    lapic_eoi();
    return true;
}

static void flag_basics(void)
{
    irq_disable();
    bool clear = !(read_rflags() & RFLAGS_IF);
    irq_enable();
    bool set = (read_rflags() & RFLAGS_IF) != 0;
    irq_disable();
    check(clear && set, "CLI clears IF, STI sets it");
    write_rflags(read_rflags() | RFLAGS_IF);
    bool popf_set = (read_rflags() & RFLAGS_IF) != 0;
    write_rflags(read_rflags() & ~RFLAGS_IF);
    check(popf_set && !(read_rflags() & RFLAGS_IF), "POPF sets and clears IF in ring 0");

    interrupts = 0;
    irq_window_sti(0);
    check_eq(interrupts, 0, "STI with nothing pending: no interrupt");
}

/* Sends the self-IPI with IF clear; true when it is pending and was not taken. */
static bool make_pending(void)
{
    interrupts = 0;
    lapic_self_ipi(VECTOR_SELF_IPI);
    for (int i = 0; i < 1000; i++) {
        cpu_relax();
    }
    return interrupts == 0 && lapic_irr_has(VECTOR_SELF_IPI);
}

static void pending(void)
{
    check(make_pending(), "with IF clear, a self-IPI stays pending in the IRR");
    irq_window_sti(0);
    check(interrupts == 1 && interrupt_rip == (uint64_t)(uintptr_t)irq_after_sti_nop,
          "STI: the pending interrupt comes after the next instruction (STI shadow)");

    make_pending();
    irq_window_popf(read_rflags() | RFLAGS_IF);
    check(interrupts == 1 && interrupt_rip == (uint64_t)(uintptr_t)irq_after_popf,
          "POPF setting IF: the pending interrupt comes right after it");

    make_pending();
    irq_window_sti_hlt(0);
    check(interrupts == 1 && interrupt_rip == (uint64_t)(uintptr_t)irq_after_hlt,
          "STI; HLT: the pending interrupt wakes the HLT");
}

static void ring3(void)
{
    user_run_t run = {USER_ENTER_IRETQ, user_cli_read_sti, 0, RFLAGS_IF, 0, 0};
    user_result_t r = user_run(&run);
    check(r.faulted && r.trap.vector == VECTOR_GP && r.trap.error_code == 0 &&
                  r.trap.rip == (uint64_t)(uintptr_t)user_cli_insn,
          "CLI in ring 3 with IOPL 0: #GP(0)");
    run.entry = user_popf_clear_if;
    r = user_run(&run);
    check(!r.faulted && (r.value & RFLAGS_IF), "POPF in ring 3 with IOPL 0 leaves IF set");

    run.rflags = RFLAGS_IF | RFLAGS_IOPL;
    r = user_run(&run);
    check(!r.faulted && !(r.value & RFLAGS_IF), "POPF in ring 3 with IOPL 3 clears IF");
    run.entry = user_cli_read_sti;
    r = user_run(&run);
    check(!r.faulted && !(r.value & RFLAGS_IF), "CLI in ring 3 with IOPL 3 clears IF");

    /* An interrupt pending when ring 3 is entered with IF set is taken before its first
     * instruction, with the ring-3 CS in the frame. */
    static const char *const names[] = {"IRETQ", "SYSRET"};
    for (int how = USER_ENTER_IRETQ; how <= USER_ENTER_SYSRET; how++) {
        make_pending();
        user_run_t enter = {(user_entry_kind_t)how, user_read_cs, 0, RFLAGS_IF, 0, 0};
        r = user_run(&enter);
        check(!r.faulted && interrupts == 1 &&
                      interrupt_rip == (uint64_t)(uintptr_t)user_trampoline &&
                      (interrupt_cs & 3) == 3,
              "%s into ring 3 with an interrupt pending: taken at the first user instruction",
              names[how]);
    }
}

void program_irqflag(void)
{
    trap_set_handler(VECTOR_SELF_IPI, on_self_ipi);
    flag_basics();
    pending();
    ring3();
}
