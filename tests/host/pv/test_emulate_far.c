/*
 * Far transfers and IRET: IRETQ to ring 3 (the view switch, RFLAGS at CPL 0, data segments
 * dropped) and at the same level (SS:CPU_RSP popped in 64-bit mode), into compatibility mode, every
 * refusal of the code and stack segments, a stack that faults halfway; far JMP, CALL and RET
 * between 64-bit and 32-bit code, RET to an outer level with a release count, call gates and
 * 16-bit code (not offered). Expected values from SDM Vol. 2 (IRET, JMP, CALL, RET).
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t IRETQ[] = {0x48, 0xcf};

/* An IRETQ frame at the kernel stack: RIP, CS, RFLAGS, CPU_RSP, SS. */
static void put_frame(cpu_test_t *t, uint64_t rip, uint64_t cs, uint64_t rflags, uint64_t rsp,
                      uint64_t ss)
{
    uint64_t at = CPU_KSTACK_TOP - 0x100;
    uint64_t words[5] = {rip, cs, rflags, rsp, ss};

    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[CPU_RSP] = at;
    cpu_test_put(t, at, words, sizeof(words));
}

static uint64_t iretq(cpu_test_t *t, pv_outcome_t *out)
{
    assert_int_equal(cpu_test_exec_patched(t, IRETQ, 2, out), PV_OUTCOME_RESUME);
    return t->cpu.rip;
}

static void test_iretq_to_user(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t flags = PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_IOPL | PV_RFLAGS_RF | PV_RFLAGS_AC |
                     PV_RFLAGS_ZF;

    t->cpu.seg[PV_SEG_FS].base = 0x7000;
    put_frame(t, CPU_UCODE, CPU_SEL_UCODE | 3, flags, CPU_USTACK_TOP - 8, CPU_SEL_UDATA | 3);
    assert_int_equal(iretq(t, &out), CPU_UCODE);
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(t->cpu.gpr[CPU_RSP], CPU_USTACK_TOP - 8);
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, CPU_SEL_UCODE | 3);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, CPU_SEL_UDATA | 3);
    assert_int_equal(t->cpu.rflags, flags); /* at CPL 0 every flag, RF included */
    assert_true(out.view_changed);
    assert_int_equal(out.view, PV_VIEW_USER);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment64);
    /* DS, ES, FS and GS held DPL-0 data: null now (the FS base is kept). */
    assert_int_not_equal(t->cpu.seg[PV_SEG_DS].attributes & PV_SEG_ATTR_UNUSABLE, 0);
    assert_int_equal(t->cpu.seg[PV_SEG_DS].selector, 0);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x7000);
    /* The PV page is disabled in user mode. */
    t->env.pv_page = t->page;
    assert_int_equal(pv_cpu_inject(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->page->enabled, 0);
}

/* Same level: 64-bit mode pops SS:CPU_RSP as well; a DPL-0 DS stays. */
static void test_iretq_same_level(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    put_frame(t, CPU_KCODE + 0x40, CPU_SEL_KCODE, PV_RFLAGS_FIXED, 0x3f000, 0);
    assert_int_equal(iretq(t, &out), CPU_KCODE + 0x40);
    assert_int_equal(t->cpu.cpl, 0);
    assert_int_equal(t->cpu.gpr[CPU_RSP], 0x3f000);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, 0); /* a null SS at CPL 0 */
    assert_int_equal(t->cpu.seg[PV_SEG_DS].selector, CPU_SEL_KDATA);
    assert_false(out.view_changed);
}

static void test_iretq_to_compat(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    put_frame(t, 0x80001000, CPU_SEL_UCODE32 | 3, PV_RFLAGS_FIXED | PV_RFLAGS_IF, 0x5f000,
              CPU_SEL_UDATA | 3);
    assert_int_equal(iretq(t, &out), 0x80001000);
    assert_int_equal(t->cpu.mode, PV_MODE_COMPAT);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment32);
    /* A 64-bit RIP above the 32-bit segment's limit: #GP(0). */
    put_frame(t, 0x100000000ull, CPU_SEL_UCODE32 | 3, PV_RFLAGS_FIXED, 0x5f000, CPU_SEL_UDATA | 3);
    t->cpu.cpl = 0;
    t->cpu.mode = PV_MODE_LONG;
    t->cpu.seg[PV_SEG_CS].selector = CPU_SEL_KCODE;
    t->cpu.seg[PV_SEG_CS].attributes = PV_SEG_ATTR_L | PV_SEG_ATTR_P | PV_SEG_ATTR_S | 0xb;
    assert_int_equal(iretq(t, &out), CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).error_code, 0);
}

/* IRETQ's refusals at CPL 0, each #GP/#NP/#SS with its error code, nothing changed. */
static void test_iretq_refusals(void **state)
{
    static const struct {
        uint64_t rip, cs, rflags, ss;
        uint64_t handler;
        uint32_t error;
    } cases[] = {
            {CPU_UCODE, 0, 0x2, 0x23, CPU_GP_HANDLER, 0},                    /* null CS */
            {CPU_UCODE, 0x100, 0x2, 0x23, CPU_GP_HANDLER, 0x100},            /* past the limit */
            {CPU_UCODE, CPU_SEL_UDATA | 3, 0x2, 0x23, CPU_GP_HANDLER, 0x20}, /* data as CS */
            {CPU_UCODE, CPU_SEL_UCODE, 0x2, 0x23, CPU_GP_HANDLER, 0x28},     /* DPL 3 != RPL 0 */
            {CPU_UCODE, CPU_SEL_KCODE | 3, 0x2, 0x23, CPU_GP_HANDLER, 0x08}, /* DPL 0 != RPL 3 */
            {CPU_UCODE, 0x63, 0x2, 0x23, CPU_NP_HANDLER, 0x60},              /* not present */
            {0x0000800000000000ull, 0x2b, 0x2, 0x23, CPU_GP_HANDLER, 0},     /* non-canonical */
            {CPU_UCODE, 0x2b, 0x2, 0x20, CPU_GP_HANDLER, 0x20},              /* SS RPL 0 */
            {CPU_UCODE, 0x2b, 0x2, 0x13, CPU_GP_HANDLER, 0x10},              /* SS DPL 0 */
            {CPU_UCODE, 0x2b, 0x2, 0x03, CPU_GP_HANDLER, 0},                 /* null SS to CPL 3 */
            {CPU_UCODE, 0x2b, 0x2, 0x2b, CPU_GP_HANDLER, 0x28},              /* code as SS */
            {CPU_UCODE, 0x2b, 0x2 | PV_RFLAGS_VM, 0x23, CPU_GP_HANDLER, 0},  /* VM in the image */
    };
    pv_outcome_t out;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cpu_test_t *t = cpu_test_new();

        cpu_test_set_gdt(t, 0x60, CPU_DESC_CODE64(3) & ~(1ull << 47));
        put_frame(t, cases[i].rip, cases[i].cs, cases[i].rflags, CPU_USTACK_TOP, cases[i].ss);
        assert_int_equal(iretq(t, &out), cases[i].handler);
        assert_int_equal(t->cpu.cpl, 0);
        assert_int_equal(cpu_test_frame(t, true).error_code, cases[i].error);
        assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
        cpu_test_free(t);
    }
}

static void test_iretq_nt_and_unmapped_stack(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    put_frame(t, CPU_UCODE, 0x2b, 0x2, CPU_USTACK_TOP, 0x23);
    t->cpu.rflags |= PV_RFLAGS_NT;
    assert_int_equal(iretq(t, &out), CPU_GP_HANDLER);

    /* The frame's last words on a page that is not present: #PF, CPU_RSP unchanged. */
    cpu_test_t *u = cpu_test_new();
    cpu_test_set_gate(u, 14, CPU_HANDLERS + 14 * 16, 0xe, 0, 1, true, CPU_SEL_KCODE);
    cpu_test_set_pte(u, 0x32000, 0);
    u->cpu.gpr[CPU_RSP] = 0x32000 - 16;
    cpu_test_put64(u, 0x32000 - 16, CPU_UCODE);
    cpu_test_put64(u, 0x32000 - 8, 0x2b);
    assert_int_equal(cpu_test_exec_patched(u, IRETQ, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, CPU_HANDLERS + 14 * 16);
    assert_int_equal(u->cpu.cr2, 0x32000);
    assert_int_equal(cpu_test_frame(u, true).rsp, 0x32000 - 16);
    assert_int_equal(cpu_test_frame(u, true).cs, CPU_SEL_KCODE);
    cpu_test_free(u);
}

/* IRET at CPL 0 with IOPL 0 in the image: IOPL and IF follow the image. */
static void test_iretq_flags(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.rflags = PV_RFLAGS_FIXED | PV_RFLAGS_IOPL | PV_RFLAGS_IF | PV_RFLAGS_VIP;
    put_frame(t, CPU_KCODE + 8, CPU_SEL_KCODE, PV_RFLAGS_FIXED | PV_RFLAGS_TF, 0x3f000,
              CPU_SEL_KDATA);
    assert_int_equal(iretq(t, &out), CPU_KCODE + 8);
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_TF);
    seL4_UserContext regs;
    pv_cpu_store_registers(&t->cpu, &regs);
    assert_int_not_equal(regs.rflags & PV_RFLAGS_TF, 0); /* the guest single-steps natively */
}

static void test_far_jmp(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t ljmp[] = {0xff, 0x2b};        /* ljmp *(%rbx): m16:32 */
    static const uint8_t ljmpq[] = {0x48, 0xff, 0x2b}; /* m16:64 (Intel) */
    uint8_t pointer[10] = {0x00, 0x20, 0x10, 0x00, CPU_SEL_KCODE32, 0x00};

    cpu_test_put(t, CPU_DATA, pointer, 6);
    t->cpu.gpr[CPU_RBX] = CPU_DATA;
    assert_int_equal(cpu_test_exec_patched(t, ljmp, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, 0x102000);
    assert_int_equal(t->cpu.mode, PV_MODE_COMPAT);
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, CPU_SEL_KCODE32);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.gpr[CPU_RSP], CPU_KSTACK_TOP - 0x100);

    /* Back to 64-bit code with a 64-bit offset; from 32-bit code FF /5 is m16:32. */
    uint64_t far64 = 0xffffffff80001000ull;
    uint16_t selector = CPU_SEL_KCODE;
    memcpy(pointer, &far64, 8);
    memcpy(pointer + 8, &selector, 2);
    cpu_test_put(t, CPU_DATA + 0x10, pointer, 10);
    cpu_test_t *u = cpu_test_new();
    cpu_test_put(u, CPU_DATA + 0x10, pointer, 10);
    u->cpu.gpr[CPU_RBX] = CPU_DATA + 0x10;
    assert_int_equal(cpu_test_exec_patched(u, ljmpq, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, 0xffffffff80001000ull);
    assert_int_equal(u->cpu.mode, PV_MODE_LONG);
    /* To ring 3's code from CPL 0 (DPL 3 != CPL): #GP(selector). */
    selector = CPU_SEL_UCODE | 3;
    memcpy(pointer + 8, &selector, 2);
    cpu_test_put(u, CPU_DATA + 0x10, pointer, 10);
    u->cpu.rip = CPU_KCODE;
    assert_int_equal(cpu_test_exec_patched(u, ljmpq, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(u, true).error_code, CPU_SEL_UCODE);
    cpu_test_free(u);
}

static void test_far_call_ret(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t lcall[] = {0xff, 0x1b}; /* lcall *(%rbx): m16:32 */
    static const uint8_t lret[] = {0xcb};        /* 32-bit operand in 64-bit mode */
    uint8_t pointer[6] = {0x00, 0x30, 0x10, 0x00, CPU_SEL_KCODE, 0x00};
    uint64_t rsp = t->cpu.gpr[CPU_RSP];
    uint32_t pushed[2];

    cpu_test_put(t, CPU_DATA, pointer, 6);
    t->cpu.gpr[CPU_RBX] = CPU_DATA;
    assert_int_equal(cpu_test_exec_patched(t, lcall, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, 0x103000);
    assert_int_equal(t->cpu.gpr[CPU_RSP], rsp - 8);
    cpu_test_get(t, rsp - 8, pushed, 8);
    assert_int_equal(pushed[0], CPU_KCODE + 2); /* the return address below the selector */
    assert_int_equal(pushed[1], CPU_SEL_KCODE);
    assert_int_equal(cpu_test_exec_patched(t, lret, 1, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 2);
    assert_int_equal(t->cpu.gpr[CPU_RSP], rsp);
}

/* RET imm16 to ring 3: pops EIP, CS, releases 8 bytes, pops ESP, SS; 32-bit operands. */
static void test_far_ret_outer(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t lret8[] = {0xca, 0x08, 0x00};
    uint32_t words[6] = {0x1800a0, CPU_SEL_UCODE32 | 3, 0xdead, 0xbeef, 0x5f800, CPU_SEL_UDATA | 3};
    uint64_t rsp = t->cpu.gpr[CPU_RSP];

    cpu_test_put(t, rsp, words, sizeof(words));
    assert_int_equal(cpu_test_exec_patched(t, lret8, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, 0x1800a0);
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(t->cpu.mode, PV_MODE_COMPAT);
    assert_int_equal(t->cpu.gpr[CPU_RSP], 0x5f800 + 8);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, CPU_SEL_UDATA | 3);
    assert_true(out.view_changed);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment32);
}

static void test_not_offered(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t ljmp[] = {0xff, 0x2b};
    uint8_t pointer[6] = {0x00, 0x20, 0x00, 0x00, 0x60, 0x00};

    /* A 64-bit call gate (type 0xc). */
    cpu_test_set_gdt(t, 0x60, 0x0000ec0000080000ull);
    cpu_test_put(t, CPU_DATA, pointer, 6);
    t->cpu.gpr[CPU_RBX] = CPU_DATA;
    assert_int_equal(cpu_test_exec_patched(t, ljmp, 2, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
    /* 16-bit code (D = 0, L = 0). */
    cpu_test_set_gdt(t, 0x60, 0x008f9b000000ffffull);
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(cpu_test_exec_patched(t, ljmp, 2, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
    /* L and D together: #GP(selector). */
    cpu_test_set_gdt(t, 0x60, CPU_DESC_CODE64(0) | (1ull << 54));
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(cpu_test_exec_patched(t, ljmp, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).error_code, 0x60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_iretq_to_user, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_iretq_same_level, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_iretq_to_compat, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_iretq_refusals, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_iretq_nt_and_unmapped_stack, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_iretq_flags, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_far_jmp, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_far_call_ret, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_far_ret_outer, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_not_offered, cpu_test_setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
