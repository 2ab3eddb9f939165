/*
 * Descriptor tables: LGDT/LIDT (CPL, 10-byte operand, canonical base), SGDT/SIDT/SLDT/STR with
 * UMIP, LLDT and LTR (types, TI, present, the busy bit written to the guest's GDT), LAR, LSL,
 * VERR and VERW against the guest's GDT. Expected values from SDM Vol. 2 (each instruction)
 * and Vol. 3A 3.4.5, 3.5 (descriptor layouts and system types).
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static uint64_t run(cpu_test_t *t, const uint8_t *code, size_t length)
{
    pv_outcome_t out;

    assert_int_equal(cpu_test_exec(t, code, length, 13, 0, &out), PV_OUTCOME_RESUME);
    return t->cpu.rip;
}

static void reset(cpu_test_t *t)
{
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
}

static void test_lgdt_lidt(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t lgdt[] = {0x0f, 0x01, 0x10}; /* lgdt (%rax) */
    static const uint8_t lidt[] = {0x0f, 0x01, 0x18};
    uint8_t pseudo[10] = {0x7f, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x80, 0xff, 0xff};

    cpu_test_put(t, CPU_DATA, pseudo, sizeof(pseudo));
    t->cpu.gpr[CPU_RAX] = CPU_DATA;
    assert_int_equal(run(t, lgdt, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.gdtr.limit, 0x7f);
    assert_int_equal(t->cpu.gdtr.base, 0xffff800000002000ull);
    t->cpu.gdtr = (pv_table_register_t){CPU_GDT, CPU_GDT_LIMIT}; /* the one that is mapped */
    reset(t);
    assert_int_equal(run(t, lidt, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.idtr.base, 0xffff800000002000ull);
    /* A non-canonical base: #GP(0), nothing loaded. */
    pseudo[9] = 0x7f;
    cpu_test_put(t, CPU_DATA, pseudo, sizeof(pseudo));
    t->cpu.idtr = (pv_table_register_t){CPU_IDT, 0xfff};
    reset(t);
    assert_int_equal(run(t, lidt, 3), CPU_GP_HANDLER);
    assert_int_equal(t->cpu.idtr.base, CPU_IDT);
    /* The operand's last byte on a page that is not present: #PF. */
    cpu_test_set_pte(t, CPU_DATA + 0x1000, 0);
    t->cpu.gpr[CPU_RAX] = CPU_DATA + 0x1000 - 9;
    reset(t);
    assert_int_equal(run(t, lidt, 3), CPU_HANDLERS + 14 * 16);
    assert_int_equal(t->cpu.cr2, CPU_DATA + 0x1000);
    /* Ring 3: #GP(0). */
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RAX] = CPU_DATA;
    assert_int_equal(run(t, lgdt, 3), CPU_GP_HANDLER);
}

static void test_sgdt_sidt(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t sgdt[] = {0x0f, 0x01, 0x00};
    static const uint8_t sidt[] = {0x0f, 0x01, 0x08};
    uint8_t stored[10];
    const uint8_t expected[10] = {0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};

    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RAX] = CPU_DATA;
    assert_int_equal(run(t, sgdt, 3), CPU_UCODE + 3);
    cpu_test_get(t, CPU_DATA, stored, 10);
    assert_memory_equal(stored, expected, 10); /* limit 0xff, base 0x10000 */
    cpu_test_enter_user(t);
    t->cpu.cr4 |= PV_CR4_UMIP;
    assert_int_equal(run(t, sidt, 3), CPU_GP_HANDLER);
    reset(t);
    t->cpu.gpr[CPU_RAX] = CPU_DATA + 0x10;
    assert_int_equal(run(t, sidt, 3), CPU_KCODE + 3);
    cpu_test_get(t, CPU_DATA + 0x10, stored, 10);
    assert_int_equal(stored[0] | stored[1] << 8, 0xfff);
    assert_int_equal(stored[2] | stored[3] << 8 | stored[4] << 16, CPU_IDT);
}

static void test_lldt(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t lldt_ax[] = {0x0f, 0x00, 0xd0};
    static const uint8_t sldt_eax[] = {0x0f, 0x00, 0xc0};

    t->cpu.gpr[CPU_RAX] = CPU_SEL_LDT;
    assert_int_equal(run(t, lldt_ax, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.ldtr.base, CPU_LDT);
    assert_int_equal(t->cpu.ldtr.limit, 0xff);
    reset(t);
    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(run(t, sldt_eax, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.gpr[CPU_RAX], CPU_SEL_LDT);
    /* A TI=1 selector, a TSS, a data segment, a selector past the limit: #GP(selector). */
    static const uint16_t refused[] = {CPU_SEL_LDT | 4, CPU_SEL_TSS, CPU_SEL_KDATA, 0x100};
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        reset(t);
        t->cpu.gpr[CPU_RAX] = refused[i];
        assert_int_equal(run(t, lldt_ax, 3), CPU_GP_HANDLER);
        assert_int_equal(cpu_test_frame(t, true).error_code, refused[i]);
    }
    /* Not present: #NP(selector). An upper half with a type: #GP. */
    cpu_test_put64(t, CPU_GDT + 0x60, cpu_test_get64(t, CPU_GDT + CPU_SEL_LDT) & ~(1ull << 47));
    reset(t);
    t->cpu.gpr[CPU_RAX] = 0x60;
    assert_int_equal(run(t, lldt_ax, 3), CPU_HANDLERS + 11 * 16);
    cpu_test_put64(t, CPU_GDT + 0x60, cpu_test_get64(t, CPU_GDT + CPU_SEL_LDT));
    cpu_test_put64(t, CPU_GDT + 0x68, 0x0000050000000000ull);
    reset(t);
    assert_int_equal(run(t, lldt_ax, 3), CPU_GP_HANDLER);
    /* Null: the LDT becomes unusable; a later TI=1 load is #GP(selector). */
    reset(t);
    t->cpu.gpr[CPU_RAX] = 0;
    assert_int_equal(run(t, lldt_ax, 3), CPU_KCODE + 3);
    assert_int_not_equal(t->cpu.ldtr.attributes & PV_SEG_ATTR_UNUSABLE, 0);
}

/* An LDT descriptor in use: a TI=1 data selector loads from it. */
static void test_ldt_selector(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t lldt_ax[] = {0x0f, 0x00, 0xd0};
    static const uint8_t mov_cx_ds[] = {0x8e, 0xd9};

    cpu_test_put64(t, CPU_LDT + 8, CPU_DESC_DATA(3));
    t->cpu.gpr[CPU_RAX] = CPU_SEL_LDT;
    assert_int_equal(run(t, lldt_ax, 3), CPU_KCODE + 3);
    reset(t);
    t->cpu.gpr[CPU_RCX] = 0x0f; /* index 1, TI, RPL 3 */
    assert_int_equal(run(t, mov_cx_ds, 2), CPU_KCODE + 2);
    assert_int_equal(t->cpu.seg[PV_SEG_DS].selector, 0x0f);
    assert_int_equal(pv_seg_attr_dpl(t->cpu.seg[PV_SEG_DS].attributes), 3);
    reset(t);
    t->cpu.gpr[CPU_RCX] = 0x100 | 4; /* past the LDT's limit 0xff */
    assert_int_equal(run(t, mov_cx_ds, 2), CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).error_code, 0x104);
}

static void test_ltr(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t ltr_ax[] = {0x0f, 0x00, 0xd8};
    static const uint8_t str_eax[] = {0x0f, 0x00, 0xc8};
    uint8_t type;

    /* Make the TSS descriptor available (type 9) first. */
    cpu_test_get(t, CPU_GDT + CPU_SEL_TSS + 5, &type, 1);
    type = (uint8_t)((type & 0xf0) | 0x9);
    cpu_test_put(t, CPU_GDT + CPU_SEL_TSS + 5, &type, 1);
    t->cpu.tr = (pv_segment_t){.attributes = PV_SEG_ATTR_UNUSABLE};
    t->cpu.gpr[CPU_RAX] = CPU_SEL_TSS;
    assert_int_equal(run(t, ltr_ax, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.tr.selector, CPU_SEL_TSS);
    assert_int_equal(t->cpu.tr.base, CPU_TSS);
    assert_int_equal(t->cpu.tr.limit, 0x67);
    assert_int_equal(pv_seg_attr_type(t->cpu.tr.attributes), 0xb);
    cpu_test_get(t, CPU_GDT + CPU_SEL_TSS + 5, &type, 1);
    assert_int_equal(type, 0x8b); /* busy in the guest's GDT */
    /* Busy now: a second LTR is #GP(selector). Null: #GP(0). */
    reset(t);
    assert_int_equal(run(t, ltr_ax, 3), CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).error_code, CPU_SEL_TSS);
    reset(t);
    t->cpu.gpr[CPU_RAX] = 3;
    assert_int_equal(run(t, ltr_ax, 3), CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).error_code, 0);
    reset(t);
    assert_int_equal(run(t, str_eax, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.gpr[CPU_RAX], CPU_SEL_TSS);
    cpu_test_enter_user(t);
    t->cpu.cr4 |= PV_CR4_UMIP;
    assert_int_equal(run(t, str_eax, 3), CPU_GP_HANDLER);
}

/* LTR whose GDT page is read-only to the busy-bit write (CR0.WP): #PF, TR unchanged. */
static void test_ltr_busy_write_faults(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t ltr_ax[] = {0x0f, 0x00, 0xd8};
    uint8_t type = 0x89;
    pv_segment_t tr = t->cpu.tr;

    cpu_test_put(t, CPU_GDT + CPU_SEL_TSS + 5, &type, 1);
    cpu_test_set_pte(t, CPU_GDT, CPU_PTE_P);
    t->cpu.gpr[CPU_RAX] = CPU_SEL_TSS;
    assert_int_equal(run(t, ltr_ax, 3), CPU_HANDLERS + 14 * 16);
    assert_int_equal(cpu_test_frame(t, true).error_code, PV_PF_PRESENT | PV_PF_WRITE);
    assert_int_equal(t->cpu.tr.selector, tr.selector);
    cpu_test_get(t, CPU_GDT + CPU_SEL_TSS + 5, &type, 1);
    assert_int_equal(type, 0x89);
}

/* LAR, LSL, VERR, VERW from ring 3 (where they run natively on hardware, against the guest's
 * GDT here). */
static void test_probes(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t lar[] = {0x0f, 0x02, 0xc1};  /* lar %cx, %eax */
    static const uint8_t lsl[] = {0x0f, 0x03, 0xc1};  /* lsl %cx, %eax */
    static const uint8_t verr[] = {0x0f, 0x00, 0xe1}; /* verr %cx */
    static const uint8_t verw[] = {0x0f, 0x00, 0xe9}; /* verw %cx */
    struct {
        const uint8_t *code;
        uint16_t selector;
        unsigned cpl;
        bool zf;
        uint64_t rax;
    } cases[] = {
            {lar, CPU_SEL_UCODE | 3, 3, true, 0x00a0fb00},
            {lar, CPU_SEL_KCODE, 3, false, 0x5555},
            {lar, CPU_SEL_TSS, 0, true, 0x00008b00},
            {lar, 0, 0, false, 0x5555},
            {lar, 0x100, 0, false, 0x5555},
            {lsl, CPU_SEL_UDATA | 3, 3, true, 0xffffffff},
            {lsl, CPU_SEL_TSS, 0, true, 0x67},
            {lsl, CPU_SEL_TSS, 3, false, 0x5555},
            {verr, CPU_SEL_UDATA | 3, 3, true, 0x5555},
            {verr, CPU_SEL_KDATA, 3, false, 0x5555},
            {verr, CPU_SEL_UCODE | 3, 3, true, 0x5555},
            {verw, CPU_SEL_UCODE | 3, 3, false, 0x5555},
            {verw, CPU_SEL_UDATA | 3, 3, true, 0x5555},
            {verw, CPU_SEL_UDATA, 0, true, 0x5555},
            {verw, CPU_SEL_TSS, 0, false, 0x5555},
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].cpl == 3) {
            cpu_test_enter_user(t);
        } else {
            reset(t);
            t->cpu.cpl = 0;
        }
        t->cpu.rflags = cases[i].zf ? PV_RFLAGS_FIXED : PV_RFLAGS_FIXED | PV_RFLAGS_ZF;
        t->cpu.gpr[CPU_RAX] = 0x5555;
        t->cpu.gpr[CPU_RCX] = cases[i].selector;
        uint64_t start = t->cpu.rip;
        assert_int_equal(run(t, cases[i].code, 3), start + 3);
        assert_int_equal((t->cpu.rflags & PV_RFLAGS_ZF) != 0, cases[i].zf);
        assert_int_equal(t->cpu.gpr[CPU_RAX], cases[i].rax);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_lgdt_lidt, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_sgdt_sidt, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_lldt, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_ldt_selector, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_ltr, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_ltr_busy_write_faults, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_probes, cpu_test_setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
