/*
 * Exception and interrupt delivery through the guest's IDT: interrupt and trap gates, gate and
 * code-segment checks with their error codes (IDT bit, EXT bit), DPL checks of INT n, IST and
 * RSP0 stacks, the frame, CR2, the double-fault rules and the triple fault, NMI blocking.
 * Expected values from SDM Vol. 3A 6.12-6.15 (Tables 6-4, 6-5) and 6.14.
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define GATE_INTR 0xeu
#define GATE_TRAP 0xfu

static uint64_t handler(unsigned vector)
{
    return CPU_HANDLERS + vector * 16u;
}

static const uint8_t UD2[] = {0x0f, 0x0b};

/* A #PF at CPL 0: same stack, aligned to 16, error code and CR2. */
static void test_page_fault_same_level(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    cpu_frame_t frame;

    t->cpu.gpr[4] = 0x3fef8;
    t->cpu.rflags |= PV_RFLAGS_IF | PV_RFLAGS_TF | PV_RFLAGS_CF;
    t->cpu.shadow_step = false;
    assert_int_equal(pv_cpu_handle_page_fault(&t->cpu, &t->env, 0xdead000, 0x2, &out),
                     PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cr2, 0xdead000);
    assert_int_equal(t->cpu.rip, handler(14));
    assert_int_equal(t->cpu.gpr[4], 0x3fef0 - 48);
    frame = cpu_test_frame(t, true);
    assert_int_equal(frame.error_code, 2);
    assert_int_equal(frame.rip, CPU_KCODE);
    assert_int_equal(frame.cs, CPU_SEL_KCODE);
    assert_int_equal(frame.rsp, 0x3fef8);
    assert_int_equal(frame.ss, CPU_SEL_KDATA);
    assert_int_equal(frame.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_TF | PV_RFLAGS_CF);
    /* Interrupt gate: IF and TF cleared; the rest kept. */
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_CF);
    assert_int_equal(t->cpu.delivered, 1);
}

static void test_trap_gate_keeps_if(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_set_gate(t, 6, handler(6), GATE_TRAP, 0, 0, true, CPU_SEL_KCODE);
    t->cpu.rflags |= PV_RFLAGS_IF;
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(6));
    assert_int_not_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_KCODE);
}

/* From CPL 3: RSP0, SS null with RPL 0, the user SS:CPU_RSP in the frame. */
static void test_privilege_change(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    cpu_frame_t frame;

    cpu_test_enter_user(t);
    t->cpu.gpr[4] = CPU_USTACK_TOP - 0x123;
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cpl, 0);
    assert_int_equal(out.view, PV_VIEW_KERNEL);
    assert_true(out.view_changed);
    assert_int_equal(t->cpu.gpr[4], CPU_KSTACK_TOP - 40);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, 0);
    frame = cpu_test_frame(t, false);
    assert_int_equal(frame.rsp, CPU_USTACK_TOP - 0x123);
    assert_int_equal(frame.ss, CPU_SEL_UDATA | 3);
    assert_int_equal(frame.cs, CPU_SEL_UCODE | 3);
}

static void test_ist(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_put64(t, CPU_TSS + 0x24 + 8 * 2, 0x50008); /* IST3, not 16-aligned */
    cpu_test_set_gate(t, 6, handler(6), GATE_INTR, 0, 3, true, CPU_SEL_KCODE);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[4], 0x50000 - 40);
    assert_int_equal(cpu_test_frame(t, false).rsp, CPU_KSTACK_TOP - 0x100);
}

/* A gate that is not present: #NP(vector * 8 + 2 + EXT); #UD is benign, so #NP is delivered. */
static void test_gate_not_present(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_set_gate(t, 6, handler(6), GATE_INTR, 0, 0, false, CPU_SEL_KCODE);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(11));
    assert_int_equal(cpu_test_frame(t, true).error_code, 6 * 8 + 2 + 1);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
}

/* Gate types other than 64-bit interrupt/trap gates, and a vector past the IDT's limit:
 * #GP(vector * 8 + 2 + EXT). */
static void test_bad_gate_type_and_limit(void **state)
{
    cpu_test_t *t = *state;
    static const unsigned types[] = {0x0, 0x2, 0x5, 0x6, 0x7, 0x9, 0xc};
    pv_outcome_t out;

    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        cpu_test_t *u = cpu_test_new();

        cpu_test_set_gate(u, 6, handler(6), types[i], 0, 0, true, CPU_SEL_KCODE);
        assert_int_equal(cpu_test_exec(u, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
        assert_int_equal(u->cpu.rip, handler(13));
        assert_int_equal(cpu_test_frame(u, true).error_code, 6 * 8 + 2 + 1);
        cpu_test_free(u);
    }
    /* Limit: vectors 0-15 only; an interrupt on vector 0x40 is #GP(0x40 * 8 + 2 + 1). */
    t->cpu.idtr.limit = 0xff;
    t->cpu.rflags |= PV_RFLAGS_IF;
    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x40;
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(13));
    assert_int_equal(cpu_test_frame(t, true).error_code, 0x40 * 8 + 2 + 1);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
    /* One byte short of #GP's 16 (13 * 16 + 15 = 0xdf): #GP on #GP is #DF, whose gate fits. */
    t->cpu.idtr.limit = 0xde;
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(8));
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
}

/* INT n from CPL 3: DPL 0 gates refuse with #GP(n * 8 + 2), EXT clear; DPL 3 gates deliver with
 * the next instruction in the frame. */
static void test_int_n_dpl(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t int40[] = {0xcd, 0x40};
    static const uint8_t int80[] = {0xcd, 0x80};
    pv_outcome_t out;

    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, int40, 2, 13, 0x40 * 8 + 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(13));
    assert_int_equal(cpu_test_frame(t, true).error_code, 0x40 * 8 + 2);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_UCODE);

    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, int80, 2, 13, 0x80 * 8 + 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(0x80));
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_UCODE + 2);
    assert_int_equal(t->cpu.cpl, 0);
}

/* INT3 from user mode reaches the VMM as #BP with RIP past it; the guest's DPL decides. */
static void test_int3_user(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_enter_user(t);
    t->cpu.rip = CPU_UCODE + 1;
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 3, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(3));
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_UCODE + 1);

    cpu_test_set_gate(t, 3, handler(3), GATE_INTR, 0, 0, true, CPU_SEL_KCODE);
    cpu_test_enter_user(t);
    t->cpu.rip = CPU_UCODE + 1;
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 3, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(13));
    assert_int_equal(cpu_test_frame(t, true).error_code, 3 * 8 + 2);
}

/* The gate's code segment: null, past the GDT, not 64-bit code, DPL above the CPL. */
static void test_gate_code_segment(void **state)
{
    static const struct {
        uint16_t selector;
        uint32_t error;
    } cases[] = {
            {0x0000, 1},                        /* null: #GP(EXT) */
            {0x0100, 0x100 | 1},                /* past the limit */
            {CPU_SEL_KDATA, CPU_SEL_KDATA | 1}, /* data */
            {CPU_SEL_KCODE32, CPU_SEL_KCODE32 | 1},
            {CPU_SEL_UCODE, CPU_SEL_UCODE | 1}, /* DPL 3 > CPL 0 */
    };
    pv_outcome_t out;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cpu_test_t *t = cpu_test_new();

        cpu_test_set_gate(t, 6, handler(6), GATE_INTR, 0, 0, true, cases[i].selector);
        assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
        assert_int_equal(t->cpu.rip, handler(13));
        assert_int_equal(cpu_test_frame(t, true).error_code, cases[i].error);
        cpu_test_free(t);
    }
}

static void test_gate_code_not_present_and_handler(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_set_gdt(t, 0x60, CPU_DESC_CODE64(0) & ~(1ull << 47));
    cpu_test_set_gate(t, 6, handler(6), GATE_INTR, 0, 0, true, 0x60);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(11));
    assert_int_equal(cpu_test_frame(t, true).error_code, 0x60 | 1);

    cpu_test_t *u = cpu_test_new();
    cpu_test_set_gate(u, 6, 0x0000800000000000ull, GATE_INTR, 0, 0, true, CPU_SEL_KCODE);
    assert_int_equal(cpu_test_exec(u, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, handler(13));
    assert_int_equal(cpu_test_frame(u, true).error_code, 1);
    cpu_test_free(u);
}

/* A conforming 64-bit code segment keeps the CPL: no stack switch from CPL 3. */
static void test_conforming_gate(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_set_gdt(t, 0x60, CPU_DESC_CODE64(0) | (1ull << 42));
    cpu_test_set_gate(t, 6, handler(6), GATE_INTR, 0, 0, true, 0x60);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, 0x63);
    assert_int_equal(t->cpu.gpr[4], CPU_USTACK_TOP - 0x100 - 40);
    assert_false(out.view_changed);
}

/* Table 6-5: a contributory fault while delivering a contributory one is #DF (error 0). */
static void test_double_fault_contributory(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t in[] = {0xe4, 0x60};

    cpu_test_set_gate(t, 13, handler(13), GATE_INTR, 0, 0, false, CPU_SEL_KCODE);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, in, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(8));
    assert_int_equal(t->cpu.gpr[4], CPU_IST1_TOP - 48);
    assert_int_equal(cpu_test_frame(t, true).error_code, 0);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_UCODE);
    assert_int_equal(cpu_test_frame(t, true).cs, CPU_SEL_UCODE | 3);
}

/* A #PF whose delivery faults: #DF; CR2 holds the first #PF's address. */
static void test_double_fault_page_fault(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.gpr[4] = 0x31000;
    cpu_test_set_pte(t, 0x30000, 0);
    assert_int_equal(pv_cpu_handle_page_fault(&t->cpu, &t->env, 0x1234567, 0x4, &out),
                     PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(8));
    assert_int_equal(t->cpu.cr2, 0x1234567);
    assert_int_equal(cpu_test_frame(t, true).rsp, 0x31000);
}

/* A benign exception whose delivery faults: the second is delivered on its own. */
static void test_benign_then_page_fault(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_set_gate(t, 14, handler(14), GATE_INTR, 0, 1, true, CPU_SEL_KCODE);
    t->cpu.gpr[4] = 0x31000;
    cpu_test_set_pte(t, 0x30000, 0);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(14));
    /* The frame write was a supervisor write to a not-present page. */
    assert_int_equal(cpu_test_frame(t, true).error_code, PV_PF_WRITE);
    assert_int_equal(t->cpu.cr2, 0x31000 - 40);
}

/* A fault while delivering #DF: the VM ends with a report, the guest state as it was. */
static void test_triple_fault(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_set_gate(t, 13, handler(13), GATE_INTR, 0, 0, false, CPU_SEL_KCODE);
    cpu_test_set_gate(t, 8, handler(8), GATE_INTR, 0, 1, false, CPU_SEL_KCODE);
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 13, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_TRIPLE_FAULT);
    assert_int_equal(out.report.vector, 11); /* #NP for the #DF gate */
    assert_int_equal(out.report.error_code, 8 * 8 + 2 + 1);
    assert_int_equal(out.report.rip, CPU_KCODE);
    assert_non_null(out.report.what);
    assert_string_equal(out.report.what, "the gate is not present");
    assert_int_equal(t->cpu.rip, CPU_KCODE);
}

/* The test guest's hostile programs: an empty IDT then UD2, and a fault with no usable stack
 * and no IST for #DF. Both triple-fault. */
static void test_triple_fault_programs(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.idtr.limit = 0;
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_TRIPLE_FAULT);

    cpu_test_t *u = cpu_test_new();
    cpu_test_set_gate(u, 8, handler(8), GATE_INTR, 0, 0, true, CPU_SEL_KCODE);
    u->cpu.gpr[4] = 0x31000;
    cpu_test_set_pte(u, 0x30000, 0);
    assert_int_equal(pv_cpu_handle_page_fault(&u->cpu, &u->env, 0x30ff8, 2, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_TRIPLE_FAULT);
    assert_int_equal(out.report.vector, 14);
    cpu_test_free(u);
}

/* The TSS cannot give RSP0: #TS(TR | EXT); a non-canonical RSP0: #SS(EXT). The #TS and #SS
 * gates lead to ring-3 code here, so that their own delivery needs no RSP0. */
static void test_tss_stack_faults(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_enter_user(t);
    t->cpu.tr.limit = 8; /* RSP0 lies at bytes 4..11 */
    cpu_test_set_gate(t, 10, handler(10), GATE_INTR, 3, 0, true, CPU_SEL_UCODE);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(10));
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(cpu_test_frame(t, true).error_code, CPU_SEL_TSS | 1);

    cpu_test_t *u = cpu_test_new();
    cpu_test_enter_user(u);
    cpu_test_put64(u, CPU_TSS + 4, 0x0000800000000000ull);
    cpu_test_set_gate(u, 12, handler(12), GATE_INTR, 3, 0, true, CPU_SEL_UCODE);
    assert_int_equal(cpu_test_exec(u, UD2, 2, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, handler(12));
    assert_int_equal(cpu_test_frame(u, true).error_code, 1);
    cpu_test_free(u);
}

/* An external interrupt on vector 14 pushes no error code; an NMI blocks NMIs until IRET. */
static void test_external_and_nmi(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t iretq[] = {0x48, 0xcf};

    t->cpu.rflags |= PV_RFLAGS_IF;
    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 14;
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, handler(14));
    assert_int_equal(t->cpu.gpr[4], CPU_KSTACK_TOP - 0x100 - 40);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_KCODE);

    cpu_test_t *u = cpu_test_new();
    u->intr_kind = PV_INTR_NMI;
    assert_int_equal(pv_cpu_inject(&u->cpu, &u->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, handler(2));
    assert_true(u->cpu.nmi_blocked);
    u->intr_kind = PV_INTR_NMI;
    assert_int_equal(pv_cpu_inject(&u->cpu, &u->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->acks, 1);
    assert_true(out.irq_window);
    /* The handler's IRETQ unblocks NMIs, and the next one is taken at once. */
    assert_int_equal(cpu_test_exec_patched(u, iretq, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->acks, 2);
    assert_int_equal(u->cpu.rip, handler(2));
    assert_int_equal(cpu_test_frame(u, false).rip, CPU_KCODE);
    cpu_test_free(u);
}

/* The protected-mode boot path has no 64-bit IDT: an exception there ends the VM. */
static void test_protected_mode_exception_ends(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0x5000);
    assert_int_equal(cpu_test_exec(t, UD2, 2, 6, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_page_fault_same_level, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_trap_gate_keeps_if, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_privilege_change, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_ist, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_gate_not_present, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_bad_gate_type_and_limit, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_int_n_dpl, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_int3_user, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_gate_code_segment, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_gate_code_not_present_and_handler, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_conforming_gate, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_double_fault_contributory, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_double_fault_page_fault, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_benign_then_page_fault, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_triple_fault, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_triple_fault_programs, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_tss_stack_faults, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_external_and_nmi, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_protected_mode_exception_ends, cpu_test_setup,
                                            cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
