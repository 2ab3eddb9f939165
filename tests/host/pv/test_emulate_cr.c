/*
 * Control and debug registers: every MOV CR/DR fault (CPL, reserved bits, the transitions of
 * SDM Vol. 3A 9.8.5 and 2.5), what the software TLB is told, CR8 as the TPR class, DR6/DR7's
 * fixed bits, DR4/DR5 under CR4.DE, DR7.GD, CLTS, LMSW and SMSW with UMIP. Expected values from
 * SDM Vol. 2 (MOV CR, MOV DR, CLTS, LMSW, SMSW) and Vol. 3A 2.5, 4.10.4.1, 17.2.
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t MOV_CR0_TO_RAX[] = {0x0f, 0x20, 0xc0};
static const uint8_t MOV_RAX_TO_CR0[] = {0x0f, 0x22, 0xc0};
static const uint8_t MOV_RAX_TO_CR2[] = {0x0f, 0x22, 0xd0};
static const uint8_t MOV_CR2_TO_RAX[] = {0x0f, 0x20, 0xd0};
static const uint8_t MOV_RAX_TO_CR3[] = {0x0f, 0x22, 0xd8};
static const uint8_t MOV_RAX_TO_CR4[] = {0x0f, 0x22, 0xe0};
static const uint8_t MOV_RAX_TO_CR8[] = {0x44, 0x0f, 0x22, 0xc0};
static const uint8_t MOV_CR8_TO_RAX[] = {0x44, 0x0f, 0x20, 0xc0};

/* Runs a MOV to a control register with CPU_RAX = value; returns whether it was a #GP(0). */
static bool write_faults(cpu_test_t *t, const uint8_t *code, size_t length, uint64_t value)
{
    pv_outcome_t out;

    t->cpu.rip = CPU_KCODE;
    t->cpu.cpl = 0;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
    t->cpu.gpr[CPU_RAX] = value;
    assert_int_equal(cpu_test_exec(t, code, length, 13, 0, &out), PV_OUTCOME_RESUME);
    if (t->cpu.rip == CPU_GP_HANDLER) {
        assert_int_equal(cpu_test_frame(t, true).error_code, 0);
        assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
        return true;
    }
    assert_int_equal(t->cpu.rip, CPU_KCODE + length);
    return false;
}

static void test_read_cr0_and_cpl3(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.cr0 |= PV_CR0_TS;
    assert_int_equal(cpu_test_exec(t, MOV_CR0_TO_RAX, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX],
                     PV_CR0_PE | PV_CR0_ET | PV_CR0_NE | PV_CR0_WP | PV_CR0_PG | PV_CR0_TS);
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RAX] = 7;
    assert_int_equal(cpu_test_exec(t, MOV_CR0_TO_RAX, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 7);
}

static void test_cr0_faults(void **state)
{
    cpu_test_t *t = *state;
    uint64_t cr0 = t->cpu.cr0;

    assert_true(write_faults(t, MOV_RAX_TO_CR0, 3, cr0 | (1ull << 32))); /* bits 63:32 */
    assert_true(write_faults(t, MOV_RAX_TO_CR0, 3, cr0 & ~PV_CR0_PG));   /* leave long mode */
    assert_true(write_faults(t, MOV_RAX_TO_CR0, 3, cr0 & ~PV_CR0_PE));   /* PG without PE */
    assert_true(write_faults(t, MOV_RAX_TO_CR0, 3, cr0 | PV_CR0_NW));    /* NW without CD */
    assert_int_equal(t->cpu.cr0, cr0);
    assert_int_equal(t->paging_calls, 0);
    /* CD and NW together are allowed; reserved low bits (bit 6) are ignored, ET reads 1. */
    assert_false(write_faults(t, MOV_RAX_TO_CR0, 3,
                              (cr0 | PV_CR0_CD | PV_CR0_NW | (1u << 6)) & ~PV_CR0_ET));
    assert_int_equal(t->cpu.cr0, cr0 | PV_CR0_CD | PV_CR0_NW);
    assert_int_equal(t->paging_calls, 0); /* nothing the walker reads changed */
    assert_false(write_faults(t, MOV_RAX_TO_CR0, 3, cr0 & ~PV_CR0_WP));
    assert_int_equal(t->paging_calls, 1);
    assert_int_equal(t->paging_what, PV_PAGING_MODE | PV_PAGING_FLUSH);
    assert_int_equal(t->paging_last.cr0 & PV_CR0_WP, 0);
}

static void test_cr2_cr3(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    assert_false(write_faults(t, MOV_RAX_TO_CR2, 3, 0xffff8000deadbeefull));
    assert_int_equal(t->cpu.cr2, 0xffff8000deadbeefull);
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(cpu_test_exec(t, MOV_CR2_TO_RAX, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0xffff8000deadbeefull);

    /* MAXPHYADDR 40: bit 40 and up are reserved (#GP), bit 39 is address. */
    assert_true(write_faults(t, MOV_RAX_TO_CR3, 3, CPU_PML4 | (1ull << 40)));
    assert_true(write_faults(t, MOV_RAX_TO_CR3, 3, CPU_PML4 | (1ull << 63))); /* no PCIDE */
    assert_int_equal(t->paging_calls, 0);
    assert_false(write_faults(t, MOV_RAX_TO_CR3, 3, CPU_PML4 | 0x18));
    assert_int_equal(t->cpu.cr3, CPU_PML4 | 0x18);
    assert_int_equal(t->paging_calls, 1);
    assert_int_equal(t->paging_what, PV_PAGING_CR3);
    assert_false(t->paging_no_flush);
    /* With PCIDE, bit 63 asks for no flush and is not kept. */
    t->cpu.cr3 = CPU_PML4;
    t->cpu.cr4 |= PV_CR4_PCIDE;
    assert_false(write_faults(t, MOV_RAX_TO_CR3, 3, CPU_PML4 | (1ull << 63) | 5));
    assert_int_equal(t->cpu.cr3, CPU_PML4 | 5);
    assert_true(t->paging_no_flush);
}

static void test_cr4(void **state)
{
    cpu_test_t *t = *state;
    uint64_t cr4 = t->cpu.cr4;
    static const unsigned reserved[] = {0, 1, 8, 12, 13, 14, 15, 19, 22, 23, 24, 31, 32, 63};

    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        assert_true(write_faults(t, MOV_RAX_TO_CR4, 3, cr4 | (1ull << reserved[i])));
    }
    assert_true(write_faults(t, MOV_RAX_TO_CR4, 3, cr4 & ~PV_CR4_PAE)); /* in IA-32e mode */
    t->cpu.cr3 = CPU_PML4 | 1;
    assert_true(write_faults(t, MOV_RAX_TO_CR4, 3, cr4 | PV_CR4_PCIDE)); /* CR3[11:0] != 0 */
    assert_int_equal(t->cpu.cr4, cr4);
    assert_int_equal(t->paging_calls, 0);
    t->cpu.cr3 = CPU_PML4;
    assert_false(write_faults(t, MOV_RAX_TO_CR4, 3, cr4 | PV_CR4_PCIDE));
    assert_int_equal(t->paging_what, PV_PAGING_MODE | PV_PAGING_FLUSH);
    assert_false(write_faults(t, MOV_RAX_TO_CR4, 3, cr4 | PV_CR4_PCIDE | PV_CR4_SMEP));
    assert_int_equal(t->paging_what, PV_PAGING_MODE); /* SMEP: no flush of globals needed */
    assert_false(write_faults(t, MOV_RAX_TO_CR4, 3,
                              cr4 | PV_CR4_PCIDE | PV_CR4_SMEP | PV_CR4_OSFXSR | PV_CR4_TSD));
    assert_int_equal(t->paging_calls, 2); /* OSFXSR and TSD are nothing to the walker */

    /* Features not offered are reserved: a vCPU without SMEP refuses CR4.SMEP. */
    t->cpu.config.features &= ~PV_CPU_F_SMEP;
    assert_true(write_faults(t, MOV_RAX_TO_CR4, 3, t->cpu.cr4 | PV_CR4_SMEP));
}

static void test_cr8(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    assert_true(write_faults(t, MOV_RAX_TO_CR8, 4, 0x10));
    assert_false(write_faults(t, MOV_RAX_TO_CR8, 4, 0xf));
    assert_int_equal(t->tpr, 0xf);
    t->tpr = 5;
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(cpu_test_exec(t, MOV_CR8_TO_RAX, 4, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 5);
}

static void test_debug_registers(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t to_dr7[] = {0x0f, 0x23, 0xf8};
    static const uint8_t to_dr6[] = {0x0f, 0x23, 0xf0};
    static const uint8_t to_dr0[] = {0x0f, 0x23, 0xc0};
    static const uint8_t from_dr4[] = {0x0f, 0x21, 0xe0};

    assert_true(write_faults(t, to_dr7, 3, 1ull << 32));
    assert_true(write_faults(t, to_dr6, 3, 1ull << 40));
    assert_false(write_faults(t, to_dr0, 3, 0xffffffffffff0000ull));
    assert_int_equal(t->cpu.dr[0], 0xffffffffffff0000ull);
    /* DR6: bits 4-11 and 16-31 read 1, bit 12 reads 0 (SDM Vol. 3A 17.2.3). */
    assert_false(write_faults(t, to_dr6, 3, 0));
    assert_int_equal(t->cpu.dr[6], 0xffff0ff0ull);
    assert_false(write_faults(t, to_dr6, 3, 0xffffffff));
    assert_int_equal(t->cpu.dr[6], 0xffffefffull); /* all but bit 12 */
    /* DR7: bit 10 reads 1, bits 11, 12, 14, 15 read 0. */
    assert_false(write_faults(t, to_dr7, 3, 0xffffffff));
    assert_int_equal(t->cpu.dr[7], 0xffff27ffull);
    /* DR4 aliases DR6 without CR4.DE, is #UD with it. */
    t->cpu.dr[7] = 0x400;
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(cpu_test_exec(t, from_dr4, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], t->cpu.dr[6]);
    t->cpu.cr4 |= PV_CR4_DE;
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(cpu_test_exec(t, from_dr4, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 6 * 16);
    /* DR7.GD: #DB (a fault) with DR6.BD set and GD cleared. */
    cpu_test_t *u = cpu_test_new();
    u->cpu.dr[7] = 0x400 | (1u << 13);
    assert_int_equal(cpu_test_exec(u, to_dr0, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, CPU_HANDLERS + 1 * 16);
    assert_int_equal(cpu_test_frame(u, false).rip, CPU_KCODE);
    assert_int_not_equal(u->cpu.dr[6] & (1u << 13), 0);
    assert_int_equal(u->cpu.dr[7] & (1u << 13), 0);
    cpu_test_free(u);
    /* Ring 3: #GP(0) before anything else. */
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, from_dr4, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
}

static void test_clts_lmsw_smsw(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t clts[] = {0x0f, 0x06};
    static const uint8_t lmsw_ax[] = {0x0f, 0x01, 0xf0};
    static const uint8_t smsw_eax[] = {0x0f, 0x01, 0xe0};
    static const uint8_t smsw_mem[] = {0x0f, 0x01, 0x23}; /* smsw (%rbx) */
    uint16_t stored = 0;

    t->cpu.cr0 |= PV_CR0_TS;
    assert_int_equal(cpu_test_exec(t, clts, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cr0 & PV_CR0_TS, 0);
    /* LMSW sets MP, EM, TS from the source and cannot clear PE. */
    t->cpu.gpr[CPU_RAX] = 0xfff0 | PV_CR0_MP | PV_CR0_TS;
    assert_int_equal(cpu_test_exec(t, lmsw_ax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.cr0 & 0xf, PV_CR0_PE | PV_CR0_MP | PV_CR0_TS);
    assert_int_equal(t->cpu.cr0 & PV_CR0_NE, PV_CR0_NE);
    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(cpu_test_exec(t, smsw_eax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], t->cpu.cr0 & 0xffffffff);
    t->cpu.gpr[3] = CPU_DATA;
    assert_int_equal(cpu_test_exec(t, smsw_mem, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    cpu_test_get(t, CPU_DATA, &stored, 2);
    assert_int_equal(stored, (uint16_t)t->cpu.cr0);
    /* Ring 3: SMSW works without UMIP, #GP(0) with it; CLTS and LMSW always #GP(0). */
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, smsw_eax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 3);
    t->cpu.cr4 |= PV_CR4_UMIP;
    assert_int_equal(cpu_test_exec(t, smsw_eax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, clts, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
}

/*
 * The PV page's control word follows the guest: TS with CR0.TS (CLTS, LMSW, MOV CR0), TSD with
 * CR4.TSD in user mode only. The host's #NM and RDTSC's #GP reach the guest's IDT: #NM without
 * an error code, #GP(0).
 */
static void test_pv_control_word(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t clts[] = {0x0f, 0x06};
    static const uint8_t lmsw_ax[] = {0x0f, 0x01, 0xf0};
    static const uint8_t mov_cr4_rax[] = {0x0f, 0x22, 0xe0};
    static const uint8_t mov_cr0_rax[] = {0x0f, 0x22, 0xc0};
    static const uint8_t rdtsc[] = {0x0f, 0x31};
    static const uint8_t movq_xmm0_rbx[] = {0x66, 0x48, 0x0f, 0x7e, 0xc3};
    cpu_frame_t frame;

    t->env.pv_page = t->page;
    t->page->control = seL4_PVControl_All; /* stale: every event rewrites it */
    t->cpu.gpr[CPU_RAX] = t->cpu.cr0 | PV_CR0_TS;
    assert_int_equal(cpu_test_exec(t, lmsw_ax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->control, seL4_PVControl_TS);
    assert_int_equal(cpu_test_exec(t, clts, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->control, 0);
    t->cpu.gpr[CPU_RAX] = t->cpu.cr0 | PV_CR0_TS;
    assert_int_equal(cpu_test_exec(t, mov_cr0_rax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->control, seL4_PVControl_TS);
    /* TSD at CPL 0: the kernel's RDTSC keeps running natively. */
    t->cpu.gpr[CPU_RAX] = t->cpu.cr4 | PV_CR4_TSD;
    assert_int_equal(cpu_test_exec(t, mov_cr4_rax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->control, seL4_PVControl_TS);
    cpu_test_enter_user(t);
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->control, seL4_PVControl_TS | seL4_PVControl_TSD);
    /* The user's SSE instruction: the host's #NM, delivered without an error code. */
    assert_int_equal(cpu_test_exec(t, movq_xmm0_rbx, 5, 7, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 7 * 16);
    assert_int_equal(t->cpu.gpr[CPU_RSP], CPU_KSTACK_TOP - 5 * 8);
    frame = cpu_test_frame(t, false);
    assert_int_equal(frame.rip, CPU_UCODE);
    assert_int_equal(frame.cs, CPU_SEL_UCODE | 3);
    assert_int_equal(t->page->control, seL4_PVControl_TS); /* back at CPL 0 */
    /* The user's RDTSC: the host's #GP(0), the guest's #GP(0). */
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, rdtsc, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    frame = cpu_test_frame(t, true);
    assert_int_equal(frame.error_code, 0);
    assert_int_equal(frame.rip, CPU_UCODE);
}

/* The host's #NM under each guest EM/MP/TS: what the guest gets (SDM Vol. 3A 2.5, Vol. 2). */
static void test_device_not_available(void **state)
{
    static const uint8_t fninit[] = {0xdb, 0xe3};
    static const uint8_t fxsave_rbx[] = {0x0f, 0xae, 0x03};
    static const uint8_t ldmxcsr_rbx[] = {0x0f, 0xae, 0x13};
    static const uint8_t paddb_mm[] = {0x0f, 0xfc, 0xc1};
    static const uint8_t movq_xmm0_rbx[] = {0x66, 0x48, 0x0f, 0x7e, 0xc3};
    static const uint8_t wait[] = {0x9b};
    static const struct {
        const uint8_t *code;
        size_t length;
        uint64_t cr0;   /* EM, MP, TS */
        uint64_t where; /* the guest's handler, or the next instruction: it ran */
    } cases[] = {
            {fninit, 2, PV_CR0_EM, CPU_HANDLERS + 7 * 16},
            {fxsave_rbx, 3, PV_CR0_EM, CPU_HANDLERS + 7 * 16},
            {ldmxcsr_rbx, 3, PV_CR0_EM, CPU_UD_HANDLER},
            {paddb_mm, 3, PV_CR0_EM | PV_CR0_TS, CPU_UD_HANDLER},
            {movq_xmm0_rbx, 5, PV_CR0_EM | PV_CR0_MP, CPU_UD_HANDLER},
            {movq_xmm0_rbx, 5, PV_CR0_TS, CPU_HANDLERS + 7 * 16},
            {fninit, 2, PV_CR0_TS, CPU_HANDLERS + 7 * 16},
            {wait, 1, PV_CR0_EM, CPU_KCODE + 1},
            {wait, 1, PV_CR0_TS, CPU_KCODE + 1},
            {wait, 1, PV_CR0_MP | PV_CR0_TS, CPU_HANDLERS + 7 * 16},
            {wait, 1, PV_CR0_EM | PV_CR0_MP | PV_CR0_TS, CPU_HANDLERS + 7 * 16},
    };
    pv_outcome_t out;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cpu_test_t *t = cpu_test_new();

        t->env.pv_page = t->page;
        t->cpu.cr0 = (t->cpu.cr0 & ~(PV_CR0_EM | PV_CR0_MP | PV_CR0_TS)) | cases[i].cr0;
        t->cpu.gpr[CPU_RBX] = CPU_DATA;
        assert_int_equal(cpu_test_exec(t, cases[i].code, cases[i].length, 7, 0, &out),
                         PV_OUTCOME_RESUME);
        assert_int_equal(t->cpu.rip, cases[i].where);
        /* EM alone asks the host for TS too: x87 and SSE must reach the vCPU. */
        assert_int_equal(t->page->control, seL4_PVControl_TS);
        cpu_test_free(t);
    }
}

/* WAIT that runs under single-step: the #DB after it, DR6.BS set. */
static void test_device_not_available_wait_single_step(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t wait[] = {0x9b};
    pv_outcome_t out;
    cpu_frame_t frame;

    t->cpu.cr0 |= PV_CR0_TS;
    t->cpu.cr0 &= ~PV_CR0_MP;
    t->cpu.rflags |= PV_RFLAGS_TF;
    assert_int_equal(cpu_test_exec(t, wait, 1, 7, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 1 * 16);
    assert_int_not_equal(t->cpu.dr[6] & (1ull << 14), 0);
    frame = cpu_test_frame(t, false);
    assert_int_equal(frame.rip, CPU_KCODE + 1);
}

/* CR1, CR5-CR7, CR9-CR15 do not exist: #UD (the decoder refuses them). */
static void test_undefined_control_registers(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t to_cr1[] = {0x0f, 0x22, 0xc8};
    static const uint8_t to_cr9[] = {0x44, 0x0f, 0x22, 0xc8};

    assert_int_equal(cpu_test_exec(t, to_cr1, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 6 * 16);
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
    assert_int_equal(cpu_test_exec(t, to_cr9, 4, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 6 * 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_read_cr0_and_cpl3, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cr0_faults, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cr2_cr3, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cr4, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cr8, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_debug_registers, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_clts_lmsw_smsw, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_pv_control_word, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test(test_device_not_available),
            cmocka_unit_test_setup_teardown(test_device_not_available_wait_single_step,
                                            cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_undefined_control_registers, cpu_test_setup,
                                            cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
