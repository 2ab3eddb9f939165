/*
 * exceptions: the guest's own GDT, IDT and TSS at work. Each fault is raised on purpose at a
 * known instruction and must arrive with the vector, error code, RIP (the faulting instruction,
 * or the next one for traps) and CR2 the architecture defines. #DF is reached two ways: a #PF
 * whose delivery faults again on an unmapped stack (the #DF gate's IST stack saves the day), and
 * a #PF whose IDT gate is not present (#NP during #PF delivery).
 */
#include "check.h"
#include "cpu.h"
#include "desc.h"
#include "paging.h"
#include "programs.h"
#include "traps.h"
#include "vectors.h"

void probe_ud2(uint64_t);
void probe_divide(uint64_t);
void probe_int3(uint64_t);
void probe_load(uint64_t);
void probe_store(uint64_t);
void probe_load_ds(uint64_t);
void probe_single_step(uint64_t);
void probe_fpu(uint64_t);
void probe_push_on(uint64_t);
extern char probe_ud2_insn[], probe_divide_insn[], probe_int3_after[], probe_load_insn[];
extern char probe_store_insn[], probe_load_ds_insn[], probe_single_step_second[];
extern char probe_fpu_insn[], probe_push_on_insn[];

#define DR6_BS       (1ull << 14)
#define DR6_RESET    0xffff0ff0ull
#define NONCANONICAL 0x8000000000000000ull

static uint64_t rip_of(const char *label)
{
    return (uint64_t)(uintptr_t)label;
}

/* One probe: the fault must come, with this vector, error code and RIP. */
static void expect(const char *what, void (*probe)(uint64_t), uint64_t arg, uint64_t vector,
                   uint64_t error_code, const char *rip, trap_record_t *out)
{
    trap_record_t r = {0};
    bool faulted = trap_probe(probe, arg, &r);
    check(faulted && r.vector == vector && r.error_code == error_code && r.rip == rip_of(rip) &&
                  r.cs == SEL_KERNEL_CODE,
          "%s: vector %llu, error code %#llx, RIP at the instruction", what,
          (unsigned long long)vector, (unsigned long long)error_code);
    if (out != (trap_record_t *)0) {
        *out = r;
    }
}

static void page_faults(void)
{
    trap_record_t r;
    expect("#PF reading page 0", probe_load, 8, VECTOR_PF, 0, probe_load_insn, &r);
    check_eq(r.cr2, 8, "#PF reading page 0: CR2 is the address");
    expect("#PF writing page 0", probe_store, 16, VECTOR_PF, PF_W, probe_store_insn, &r);
    check_eq(r.cr2, 16, "#PF writing page 0: CR2 is the address");
    uint64_t text = (uint64_t)(uintptr_t)probe_ud2_insn;
    expect("#PF writing read-only text", probe_store, text, VECTOR_PF, PF_P | PF_W,
           probe_store_insn, &r);
    check_eq(r.cr2, text, "#PF writing read-only text: CR2 is the address");
}

static void double_faults(void)
{
    /* The stack points into an unmapped PML4 slot: the push faults, and so does pushing the
     * #PF frame. #DF then runs on its IST stack; its saved RIP is undefined, so not checked. */
    uint64_t stack = PAGING_TEST_BASE + 0x10000;
    trap_record_t r = {0};
    bool faulted = trap_probe(probe_push_on, stack, &r);
    check(faulted && r.vector == VECTOR_DF && r.error_code == 0,
          "#DF when a #PF cannot push its frame (IST stack), error code 0");
    check_eq(r.cr2, stack - 8, "#DF from the stack: CR2 is the first faulting push");

    idt_set_gate(VECTOR_PF, 0, 0, 0);
    faulted = trap_probe(probe_load, 8, &r);
    idt_restore();
    check(faulted && r.vector == VECTOR_DF && r.error_code == 0,
          "#DF when the #PF gate is not present (#NP during #PF delivery)");
    check_eq(r.cr2, 8, "#DF from the gate: CR2 still holds the #PF address");
}

static void single_step(void)
{
    __asm__ volatile("mov %0, %%dr6" ::"r"(DR6_RESET));
    trap_record_t r = {0};
    bool faulted = trap_probe(probe_single_step, 0, &r);
    uint64_t dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    check(faulted && r.vector == VECTOR_DB && r.rip == rip_of(probe_single_step_second),
          "#DB after the instruction that follows the POPF setting TF");
    check(dr6 & DR6_BS, "#DB by single step: DR6.BS set");
    check(r.rflags & RFLAGS_TF, "#DB by single step: the saved RFLAGS has TF");
}

void program_exceptions(void)
{
    uint64_t before = trap_caught_count();
    expect("#UD by UD2", probe_ud2, 0, VECTOR_UD, 0, probe_ud2_insn, (trap_record_t *)0);
    expect("#DE dividing by 0", probe_divide, 0, VECTOR_DE, 0, probe_divide_insn,
           (trap_record_t *)0);
    trap_record_t none;
    check(!trap_probe(probe_divide, 7, &none), "dividing by 7 does not fault");
    expect("#BP by INT3 (a trap: RIP after it)", probe_int3, 0, VECTOR_BP, 0, probe_int3_after,
           (trap_record_t *)0);
    expect("#GP reading a non-canonical address", probe_load, NONCANONICAL, VECTOR_GP, 0,
           probe_load_insn, (trap_record_t *)0);
    expect("#GP loading DS from past the GDT limit", probe_load_ds, 0x48, VECTOR_GP, 0x48,
           probe_load_ds_insn, (trap_record_t *)0);
    page_faults();
    single_step();

    write_cr0(read_cr0() | CR0_TS);
    expect("#NM by FNINIT with CR0.TS set", probe_fpu, 0, VECTOR_NM, 0, probe_fpu_insn,
           (trap_record_t *)0);
    __asm__ volatile("clts");
    check(!trap_probe(probe_fpu, 0, &none), "FNINIT with CR0.TS clear does not fault");

    double_faults();
    check_eq(trap_caught_count() - before, 12, "every probe's fault was caught once");
}
