/*
 * The vCPU's interrupt flag: CLI, STI and its shadow (the interrupt taken after the next
 * instruction, also out of STI;HLT), PUSHF/POPF of the virtual IF and IOPL at each CPL and size,
 * HLT and waking by injection, CLAC/STAC, and the PV page's flags, pending and enabled words.
 * Expected values from SDM Vol. 2 (CLI, STI, PUSHF, POPF, HLT) and Vol. 3A 6.8.3.
 */
#include "cpu_harness.h"

#include <pv/emulate.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t CLI[] = {0xfa};
static const uint8_t STI[] = {0xfb};
static const uint8_t HLT[] = {0xf4};
static const uint8_t PUSHF[] = {0x9c};
static const uint8_t POPF[] = {0x9d};
static const uint8_t POPF16[] = {0x66, 0x9d};

static void test_cli_sti_kernel(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.rflags |= PV_RFLAGS_IF;
    assert_int_equal(cpu_test_exec(t, CLI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 1);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment64);
    assert_false(out.view_changed);
    assert_int_equal(cpu_test_exec(t, STI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_not_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 2);
    assert_true(t->cpu.interrupt_shadow);
    /* Nothing pending: no single step is asked for. */
    assert_false(t->cpu.shadow_step);
    assert_false(out.irq_window);
}

/* At CPL 3 with IOPL 0 the guest's own #GP(0) handler runs, on the TSS's RSP0 stack. */
static void test_cli_user_faults(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    cpu_frame_t frame;

    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, CLI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cpl, 0);
    assert_true(out.view_changed);
    assert_int_equal(out.view, PV_VIEW_KERNEL);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 13 * 16);
    assert_int_equal(t->cpu.gpr[4], CPU_KSTACK_TOP - 48);
    frame = cpu_test_frame(t, true);
    assert_int_equal(frame.error_code, 0);
    assert_int_equal(frame.rip, CPU_UCODE);
    assert_int_equal(frame.cs, CPU_SEL_UCODE | 3);
    assert_int_equal(frame.rsp, CPU_USTACK_TOP - 0x100);
    assert_int_equal(frame.ss, CPU_SEL_UDATA | 3);
    assert_int_not_equal(frame.rflags & PV_RFLAGS_IF, 0); /* IF as it was: set */
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);    /* interrupt gate */
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, CPU_SEL_KCODE);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, 0);
}

static void test_cli_user_iopl3(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_enter_user(t);
    t->cpu.rflags |= PV_RFLAGS_IOPL;
    assert_int_equal(cpu_test_exec(t, CLI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 1);
}

/* STI with an interrupt pending: one more instruction runs (the host's TF), then the
 * interrupt arrives with the frame's RIP after that instruction. */
static void test_sti_shadow_then_interrupt(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    seL4_UserContext regs;
    cpu_frame_t frame;

    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x40;
    assert_int_equal(cpu_test_exec(t, STI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_true(out.irq_window);
    assert_true(t->cpu.shadow_step);
    assert_int_equal(t->acks, 0);
    pv_cpu_store_registers(&t->cpu, &regs);
    assert_int_not_equal(regs.rflags & PV_RFLAGS_TF, 0);
    assert_int_not_equal(regs.rflags & PV_RFLAGS_IF, 0);
    /* The host ran one instruction (a 1-byte NOP) and reports the single-step trap. */
    regs.rip = CPU_KCODE + 2;
    assert_true(pv_cpu_load_registers(&t->cpu, &regs, seL4_X86_CodeSegment64));
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_TF, 0); /* the guest's TF: clear */
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 1, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->acks, 1);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 0x40 * 16);
    frame = cpu_test_frame(t, false);
    assert_int_equal(frame.rip, CPU_KCODE + 2);
    assert_int_not_equal(frame.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(frame.rflags & PV_RFLAGS_TF, 0);
    assert_false(t->cpu.shadow_step);
    pv_cpu_store_registers(&t->cpu, &regs);
    assert_int_equal(regs.rflags & PV_RFLAGS_TF, 0);
}

/* STI;HLT: the HLT faults under the shadow step, and the interrupt wakes it at once. */
static void test_sti_hlt(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x41;
    cpu_test_put(t, CPU_KCODE + 1, HLT, 1);
    assert_int_equal(cpu_test_exec(t, STI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_true(t->cpu.shadow_step);
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->acks, 1);
    assert_false(t->cpu.halted);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_KCODE + 2);
}

/* The guest single-steps across STI too: its #DB comes first (SDM Vol. 3A 6.9). */
static void test_sti_shadow_with_guest_tf(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x42;
    t->cpu.rflags |= PV_RFLAGS_TF;
    cpu_test_put(t, CPU_KCODE, STI, 1);
    /* The emulated STI itself is single-stepped: #DB after it, before the interrupt. */
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 1 * 16);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_KCODE + 1);
    assert_int_not_equal(t->cpu.dr[6] & (1u << 14), 0); /* DR6.BS */
    assert_int_equal(t->acks, 0);
}

static void test_hlt(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.rflags |= PV_RFLAGS_IF;
    assert_int_equal(cpu_test_exec(t, HLT, 1, 13, 0, &out), PV_OUTCOME_HALT);
    assert_true(t->cpu.halted);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 1);
    /* Still nothing: still halted. */
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_HALT);
    t->intr_kind = PV_INTR_EXTINT;
    t->intr_vector = 0x20;
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_false(t->cpu.halted);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 0x20 * 16);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_KCODE + 1);
    assert_int_equal(t->cpu.injected, 1);
}

static void test_hlt_interrupts_off_and_user(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x30;
    assert_int_equal(cpu_test_exec(t, HLT, 1, 13, 0, &out), PV_OUTCOME_HALT);
    assert_true(out.irq_window);
    assert_int_equal(t->acks, 0);
    t->cpu.halted = false;
    cpu_test_enter_user(t);
    t->intr_kind = PV_INTR_NONE;
    assert_int_equal(cpu_test_exec(t, HLT, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 13 * 16);
    assert_false(t->cpu.halted);
}

static void test_pushf(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t rsp = t->cpu.gpr[4];
    uint16_t low;

    t->cpu.rflags = PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_IOPL | PV_RFLAGS_RF | PV_RFLAGS_CF |
                    PV_RFLAGS_AC;
    assert_int_equal(cpu_test_exec_patched(t, PUSHF, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[4], rsp - 8);
    /* RF and VM are cleared in the image (SDM Vol. 2 PUSHF). */
    assert_int_equal(cpu_test_get64(t, rsp - 8),
                     PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_IOPL | PV_RFLAGS_CF | PV_RFLAGS_AC);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 1);
    static const uint8_t pushf16[] = {0x66, 0x9c};
    cpu_test_put64(t, rsp - 10, 0);
    assert_int_equal(cpu_test_exec_patched(t, pushf16, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[4], rsp - 10);
    cpu_test_get(t, rsp - 10, &low, 2);
    assert_int_equal(low,
                     (PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_IOPL | PV_RFLAGS_CF) & 0xffff);
}

static void test_pushf_unmapped_stack(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t rsp = 0x31000;

    cpu_test_set_pte(t, 0x30000, 0); /* the page below CPU_RSP is not present */
    /* The #PF handler gets a stack of its own, or its frame would fault too (#DF). */
    cpu_test_set_gate(t, 14, CPU_HANDLERS + 14 * 16, 0xe, 0, 1, true, CPU_SEL_KCODE);
    t->cpu.gpr[4] = rsp;
    assert_int_equal(cpu_test_exec_patched(t, PUSHF, 1, &out), PV_OUTCOME_RESUME);
    /* #PF, supervisor write to a not-present page: error W; CR2 the pushed word. */
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 14 * 16);
    assert_int_equal(t->cpu.gpr[4], CPU_IST1_TOP - 48);
    assert_int_equal(t->cpu.cr2, rsp - 8);
    assert_int_equal(cpu_test_frame(t, true).error_code, PV_PF_WRITE);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
    assert_int_equal(cpu_test_frame(t, true).rsp, rsp); /* nothing was pushed */
}

static void test_popf_kernel(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t rsp = t->cpu.gpr[4];
    uint64_t image = PV_RFLAGS_IF | (2ull << 12) | PV_RFLAGS_RF | PV_RFLAGS_VM | PV_RFLAGS_VIF |
                     PV_RFLAGS_ZF | PV_RFLAGS_DF | PV_RFLAGS_NT | (1ull << 40);

    t->cpu.rflags = PV_RFLAGS_FIXED | PV_RFLAGS_VIP;
    cpu_test_put64(t, rsp, image);
    assert_int_equal(cpu_test_exec_patched(t, POPF, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[4], rsp + 8);
    /* CPL 0: IF and IOPL change; RF cleared; VM, VIF, VIP and reserved bits unaffected. */
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_VIP | PV_RFLAGS_IF | (2ull << 12) |
                                            PV_RFLAGS_ZF | PV_RFLAGS_DF | PV_RFLAGS_NT);
}

static void test_popf16(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t rsp = t->cpu.gpr[4];
    uint16_t image = (uint16_t)(PV_RFLAGS_IF | PV_RFLAGS_CF);

    t->cpu.rflags = PV_RFLAGS_FIXED | PV_RFLAGS_AC | PV_RFLAGS_ZF;
    cpu_test_put(t, rsp, &image, 2);
    assert_int_equal(cpu_test_exec_patched(t, POPF16, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[4], rsp + 2);
    /* Only bits 15:0 are replaced: AC (bit 18) stays. */
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_AC | PV_RFLAGS_IF | PV_RFLAGS_CF);
}

/* POPF above CPL 0 (ring 3 under IOPL 0 and 3), run through the emulator directly: the
 * guest's user POPF runs natively, so this is the rule's own test. */
static void test_popf_user_rules(void **state)
{
    cpu_test_t *t = *state;
    pv_emu_t emu = {.cpu = &t->cpu, .env = &t->env};
    bool handled = false;
    uint64_t image = PV_RFLAGS_IOPL | PV_RFLAGS_CF;
    pv_fault_t fault;

    cpu_test_enter_user(t);
    cpu_test_put64(t, t->cpu.gpr[4], image);
    fault = pv_emulate_at(&emu, POPF, 1, &handled);
    assert_true(handled);
    assert_int_equal(fault.kind, PV_FAULT_NONE);
    /* IOPL 0 < CPL: IF and IOPL unaffected (IF stays set, IOPL stays 0). */
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_CF);

    t->cpu.rflags = PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_IOPL;
    t->cpu.rip = CPU_UCODE;
    t->cpu.gpr[4] = CPU_USTACK_TOP - 0x100;
    cpu_test_put64(t, t->cpu.gpr[4], 0);
    fault = pv_emulate_at(&emu, POPF, 1, &handled);
    assert_int_equal(fault.kind, PV_FAULT_NONE);
    /* IOPL 3 = CPL: IF may change (cleared), IOPL may not. */
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_IOPL);
}

/*
 * Patched sites in guest user code (the trap comes to the VMM: the kernel's fast path serves
 * CPL 0 only): emulated under the rules of CPL 3. CLI and STI are #GP(0) unless IOPL is 3;
 * PUSHF shows the virtual IF and IOPL; POPF changes IF only when IOPL is 3 (SDM Vol. 2 CLI,
 * PUSHF, POPF).
 */
static void test_user_sites(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t rsp = CPU_USTACK_TOP - 0x100;

    cpu_test_enter_user(t);
    assert_int_equal(pv_cpu_handle_patch_site(&t->cpu, &t->env, CPU_UCODE, CLI, 1, &out),
                     PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER); /* IOPL 0: #GP(0), never #UD */
    assert_int_equal(cpu_test_frame(t, true).error_code, 0);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_UCODE);

    cpu_test_enter_user(t);
    t->cpu.rflags |= PV_RFLAGS_IOPL;
    assert_int_equal(pv_cpu_handle_patch_site(&t->cpu, &t->env, CPU_UCODE, CLI, 1, &out),
                     PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 1);
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(cpu_test_exec_patched(t, PUSHF, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(cpu_test_get64(t, rsp - 8), PV_RFLAGS_FIXED | PV_RFLAGS_IOPL);
    assert_int_equal(pv_cpu_handle_patch_site(&t->cpu, &t->env, CPU_UCODE + 2, STI, 1, &out),
                     PV_OUTCOME_RESUME);
    assert_int_not_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 3);

    /* POPF of an image with IF clear: kept under IOPL 0, taken under IOPL 3. */
    cpu_test_enter_user(t);
    cpu_test_put64(t, rsp, PV_RFLAGS_FIXED | PV_RFLAGS_CF);
    assert_int_equal(cpu_test_exec_patched(t, POPF, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_CF);
    cpu_test_enter_user(t);
    t->cpu.rflags |= PV_RFLAGS_IOPL;
    assert_int_equal(cpu_test_exec_patched(t, POPF, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_IOPL | PV_RFLAGS_CF);
    assert_int_equal(t->cpu.gpr[4], rsp + 8);
}

/* A patched instruction the vCPU does not emulate (RDPKRU: PKE is never offered) is #UD in
 * guest user mode, as on a CPU without it: user code cannot end the VM. Its kernel can. */
static void test_user_site_unemulated(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t rdpkru[] = {0x0f, 0x01, 0xee};

    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec_patched(t, rdpkru, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UD_HANDLER);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_UCODE);

    cpu_test_t *u = cpu_test_new();
    assert_int_equal(cpu_test_exec_patched(u, rdpkru, 3, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
    cpu_test_free(u);
}

/* POPF setting IF with an interrupt pending: taken right after the POPF (no shadow). */
static void test_popf_enables_interrupt(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t rsp = t->cpu.gpr[4];

    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x50;
    cpu_test_put64(t, rsp, PV_RFLAGS_IF | PV_RFLAGS_FIXED);
    assert_int_equal(cpu_test_exec_patched(t, POPF, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->acks, 1);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 0x50 * 16);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_KCODE + 1);
    assert_int_equal(cpu_test_frame(t, false).rsp, rsp + 8);
}

static void test_clac_stac(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t stac[] = {0x0f, 0x01, 0xcb};
    static const uint8_t clac[] = {0x0f, 0x01, 0xca};

    t->cpu.cr4 |= PV_CR4_SMAP;
    assert_int_equal(cpu_test_exec(t, stac, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_not_equal(t->cpu.rflags & PV_RFLAGS_AC, 0);
    assert_int_equal(t->ac_calls, 1);
    assert_int_equal(cpu_test_exec(t, clac, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_AC, 0);
    assert_int_equal(t->ac_calls, 2);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, stac, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 6 * 16); /* #UD above CPL 0 */
}

/* The PV page: IF comes from it while enabled, and goes back with pending and enabled. */
static void test_pv_page(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->env.pv_page = t->page;
    t->page->enabled = 1;
    t->page->flags = seL4_PV_IF; /* the kernel's fast path set IF */
    t->intr_kind = PV_INTR_FIXED;
    t->intr_vector = 0x60;
    assert_int_equal(cpu_test_exec(t, CLI, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->acks, 0); /* CLI ran with IF set, then cleared it */
    assert_int_equal(t->page->flags, 0);
    assert_int_equal(t->page->pending, 1);
    assert_int_equal(t->page->enabled, 1);
    /* The fast path's STI with pending set faults to the VMM: the interrupt follows. */
    cpu_test_put(t, CPU_KCODE + 1, STI, 1);
    assert_int_equal(pv_cpu_handle_exception(&t->cpu, &t->env, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->flags, seL4_PV_IF);
    assert_true(t->cpu.shadow_step);
    /* Guest user mode: the page is disabled. */
    cpu_test_enter_user(t);
    t->intr_kind = PV_INTR_NONE;
    t->cpu.shadow_step = false;
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->enabled, 0);
    assert_int_equal(t->page->pending, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_cli_sti_kernel, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cli_user_faults, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cli_user_iopl3, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_sti_shadow_then_interrupt, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_sti_hlt, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_sti_shadow_with_guest_tf, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_hlt, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_hlt_interrupts_off_and_user, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_pushf, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_pushf_unmapped_stack, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_popf_kernel, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_popf16, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_popf_user_rules, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_user_sites, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_user_site_unemulated, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_popf_enables_interrupt, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_clac_stac, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_pv_page, cpu_test_setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
