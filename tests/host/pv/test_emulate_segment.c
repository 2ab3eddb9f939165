/*
 * Segment registers against the guest's GDT: MOV to DS/SS with every refusal (limit, type, RPL,
 * DPL, present; SS's own rules and the null SS of 64-bit mode), MOV from CS/DS, POP/PUSH FS,
 * LSS/LFS, the FS/GS base instructions, SWAPGS. Expected values from SDM Vol. 2 (MOV, POP,
 * PUSH, LSS, RDFSBASE, WRFSBASE, SWAPGS) and the vendors' null-selector behaviour (APM Vol. 2
 * 4.5.3).
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t MOV_AX_DS[] = {0x8e, 0xd8};
static const uint8_t MOV_AX_SS[] = {0x8e, 0xd0};

/* MOV to a segment register with AX = selector at CPL cpl: the vector delivered (0 if none)
 * and its error code. */
static unsigned load(cpu_test_t *t, const uint8_t *code, uint16_t selector, unsigned cpl,
                     uint32_t *error)
{
    pv_outcome_t out;

    if (cpl == 3) {
        cpu_test_enter_user(t);
    } else {
        t->cpu.rip = CPU_KCODE;
        t->cpu.gpr[CPU_RSP] = CPU_KSTACK_TOP - 0x100;
    }
    t->cpu.gpr[CPU_RAX] = selector;
    assert_int_equal(cpu_test_exec(t, code, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    if (t->cpu.rip == (cpl == 3 ? CPU_UCODE : CPU_KCODE) + 2) {
        return 0;
    }
    *error = (uint32_t)cpu_test_frame(t, true).error_code;
    return (unsigned)((t->cpu.rip - CPU_HANDLERS) / 16);
}

static void test_mov_ds(void **state)
{
    cpu_test_t *t = *state;
    uint32_t error = 0;

    cpu_test_set_gdt(t, 0x60, 0x00cf98000000ffffull);             /* execute-only code */
    cpu_test_set_gdt(t, 0x68, CPU_DESC_DATA(0) & ~(1ull << 47));  /* not present */
    cpu_test_set_gdt(t, 0x70, CPU_DESC_CODE64(3) | (1ull << 42)); /* conforming, DPL 3 */
    assert_int_equal(load(t, MOV_AX_DS, CPU_SEL_KDATA, 0, &error), 0);
    assert_int_equal(t->cpu.seg[PV_SEG_DS].selector, CPU_SEL_KDATA);
    assert_int_equal(t->cpu.seg[PV_SEG_DS].limit, 0xffffffffu);
    assert_int_equal(load(t, MOV_AX_DS, CPU_SEL_UDATA | 3, 0, &error), 0);
    assert_int_equal(load(t, MOV_AX_DS, CPU_SEL_KCODE, 0, &error), 0); /* readable code */
    assert_int_equal(load(t, MOV_AX_DS, 0, 0, &error), 0);
    assert_int_not_equal(t->cpu.seg[PV_SEG_DS].attributes & PV_SEG_ATTR_UNUSABLE, 0);
    assert_int_equal(load(t, MOV_AX_DS, 0x100, 0, &error), 13);
    assert_int_equal(error, 0x100);
    assert_int_equal(load(t, MOV_AX_DS, 0x60, 0, &error), 13);
    assert_int_equal(error, 0x60);
    assert_int_equal(load(t, MOV_AX_DS, CPU_SEL_TSS, 0, &error), 13);
    assert_int_equal(error, CPU_SEL_TSS);
    assert_int_equal(load(t, MOV_AX_DS, 0x68, 0, &error), 11);
    assert_int_equal(error, 0x68);
    assert_int_equal(load(t, MOV_AX_DS, CPU_SEL_KDATA | 3, 0, &error), 13); /* RPL > DPL */
    assert_int_equal(error, CPU_SEL_KDATA);
    assert_int_equal(load(t, MOV_AX_DS, CPU_SEL_KDATA, 3, &error), 13); /* CPL > DPL */
    assert_int_equal(error, CPU_SEL_KDATA);
    assert_int_equal(load(t, MOV_AX_DS, 0x70, 3, &error), 0);  /* conforming: no DPL check */
    assert_int_equal(load(t, MOV_AX_DS, 0x04, 3, &error), 13); /* TI=1 with no LDT */
    assert_int_equal(error, 0x04);
}

static void test_mov_ss(void **state)
{
    cpu_test_t *t = *state;
    uint32_t error = 0;

    cpu_test_set_gdt(t, 0x68, CPU_DESC_DATA(0) & ~(1ull << 47));
    cpu_test_set_gdt(t, 0x60, CPU_DESC_DATA(0) & ~(1ull << 41)); /* read-only data */
    assert_int_equal(load(t, MOV_AX_SS, CPU_SEL_KDATA, 0, &error), 0);
    assert_true(t->cpu.interrupt_shadow); /* MOV SS holds interrupts for one instruction */
    assert_int_equal(load(t, MOV_AX_SS, 0, 0, &error), 0);  /* null SS: 64-bit mode, CPL 0 */
    assert_int_equal(load(t, MOV_AX_SS, 1, 0, &error), 13); /* null with RPL != CPL */
    assert_int_equal(error, 0);
    assert_int_equal(load(t, MOV_AX_SS, CPU_SEL_UDATA | 3, 0, &error), 13);
    assert_int_equal(error, CPU_SEL_UDATA);
    assert_int_equal(load(t, MOV_AX_SS, 0x60, 0, &error), 13);
    assert_int_equal(error, 0x60);
    assert_int_equal(load(t, MOV_AX_SS, CPU_SEL_KCODE, 0, &error), 13);
    assert_int_equal(load(t, MOV_AX_SS, 0x68, 0, &error), 12); /* #SS for not present */
    assert_int_equal(error, 0x68);
    assert_int_equal(load(t, MOV_AX_SS, 3, 3, &error), 13); /* null at CPL 3 */
    assert_int_equal(error, 0);
    assert_int_equal(load(t, MOV_AX_SS, CPU_SEL_KDATA, 3, &error), 13);
    assert_int_equal(load(t, MOV_AX_SS, CPU_SEL_UDATA | 3, 3, &error), 0);
}

static void test_mov_from(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t mov_ds_eax[] = {0x8c, 0xd8};
    static const uint8_t mov_cs_ax[] = {0x66, 0x8c, 0xc8};
    static const uint8_t mov_ss_mem[] = {0x8c, 0x13}; /* mov %ss, (%rbx) */
    uint16_t stored = 0;

    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(cpu_test_exec_patched(t, mov_ds_eax, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], CPU_SEL_KDATA);
    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(cpu_test_exec_patched(t, mov_cs_ax, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0xffffffffffff0000ull | CPU_SEL_KCODE);
    t->cpu.gpr[CPU_RBX] = CPU_DATA;
    assert_int_equal(cpu_test_exec_patched(t, mov_ss_mem, 2, &out), PV_OUTCOME_RESUME);
    cpu_test_get(t, CPU_DATA, &stored, 2);
    assert_int_equal(stored, CPU_SEL_KDATA);
}

static void test_pop_push_fs(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t pop_fs[] = {0x0f, 0xa1};
    static const uint8_t push_fs[] = {0x0f, 0xa0};
    uint64_t rsp = t->cpu.gpr[CPU_RSP];

    /* A data descriptor with base 0x12345678: POP FS loads the 32-bit base. */
    cpu_test_set_gdt(t, 0x60, 0x12cf93345678ffffull);
    t->cpu.seg[PV_SEG_FS].base = 0xdead;
    cpu_test_put64(t, rsp, 0xffffffffffff0060ull);
    assert_int_equal(cpu_test_exec_patched(t, pop_fs, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RSP], rsp + 8);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].selector, 0x60);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x12345678);
    assert_int_equal(cpu_test_exec_patched(t, push_fs, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RSP], rsp);
    assert_int_equal(cpu_test_get64(t, rsp), 0x60);
    /* A null selector: Intel clears the base, AMD keeps it. */
    cpu_test_put64(t, rsp, 0);
    assert_int_equal(cpu_test_exec_patched(t, pop_fs, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0);
    t->cpu.config.vendor = PV_VENDOR_AMD;
    t->cpu.seg[PV_SEG_FS].base = 0x4000;
    t->cpu.gpr[CPU_RSP] = rsp;
    assert_int_equal(cpu_test_exec_patched(t, pop_fs, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x4000);
    /* A refused selector leaves CPU_RSP as it was. */
    cpu_test_put64(t, rsp, CPU_SEL_TSS);
    t->cpu.gpr[CPU_RSP] = rsp;
    assert_int_equal(cpu_test_exec_patched(t, pop_fs, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).rsp, rsp);
}

static void test_lss_lfs(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t lss_rsp[] = {0x48, 0x0f, 0xb2, 0x23}; /* lss (%rbx), %rsp */
    static const uint8_t lfs_eax[] = {0x0f, 0xb4, 0x03};       /* lfs (%rbx), %eax */
    uint8_t pointer[10];
    uint64_t offset = 0x3f000;
    uint16_t selector = CPU_SEL_KDATA;

    memcpy(pointer, &offset, 8);
    memcpy(pointer + 8, &selector, 2);
    cpu_test_put(t, CPU_DATA, pointer, sizeof(pointer));
    t->cpu.gpr[CPU_RBX] = CPU_DATA;
    assert_int_equal(cpu_test_exec_patched(t, lss_rsp, 4, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RSP], 0x3f000);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, CPU_SEL_KDATA);
    /* m16:32: 4 bytes of offset, then the selector. */
    uint32_t offset32 = 0x89abcdef;
    cpu_test_put(t, CPU_DATA + 0x20, &offset32, 4);
    cpu_test_put(t, CPU_DATA + 0x24, &selector, 2);
    t->cpu.gpr[CPU_RBX] = CPU_DATA + 0x20;
    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(cpu_test_exec_patched(t, lfs_eax, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x89abcdef);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].selector, CPU_SEL_KDATA);
}

static void test_fs_gs_base(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t wrfsbase_rax[] = {0xf3, 0x48, 0x0f, 0xae, 0xd0};
    static const uint8_t wrfsbase_eax[] = {0xf3, 0x0f, 0xae, 0xd0};
    static const uint8_t rdgsbase_rax[] = {0xf3, 0x48, 0x0f, 0xae, 0xc8};

    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RAX] = 0x7fff00001000ull;
    assert_int_equal(cpu_test_exec(t, wrfsbase_rax, 5, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 6 * 16); /* CR4.FSGSBASE clear: #UD */
    cpu_test_enter_user(t);
    t->cpu.cr4 |= PV_CR4_FSGSBASE;
    t->cpu.gpr[CPU_RAX] = 0x7fff00001000ull;
    assert_int_equal(cpu_test_exec(t, wrfsbase_rax, 5, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 5);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x7fff00001000ull);
    t->cpu.gpr[CPU_RAX] = 0xffffffff00002000ull;
    t->cpu.rip = CPU_UCODE;
    assert_int_equal(cpu_test_exec(t, wrfsbase_eax, 4, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x2000);
    t->cpu.gpr[CPU_RAX] = 0x0000800000000000ull;
    t->cpu.rip = CPU_UCODE;
    assert_int_equal(cpu_test_exec(t, wrfsbase_rax, 5, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    cpu_test_enter_user(t);
    t->cpu.seg[PV_SEG_GS].base = 0x1234;
    assert_int_equal(cpu_test_exec(t, rdgsbase_rax, 5, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x1234);
}

static void test_swapgs(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t swapgs[] = {0x0f, 0x01, 0xf8};

    t->cpu.seg[PV_SEG_GS].base = 0x1111;
    t->cpu.kernel_gs_base = 0xffff888000002222ull;
    assert_int_equal(cpu_test_exec(t, swapgs, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.seg[PV_SEG_GS].base, 0xffff888000002222ull);
    assert_int_equal(t->cpu.kernel_gs_base, 0x1111);
    seL4_UserContext regs;
    pv_cpu_store_registers(&t->cpu, &regs);
    assert_int_equal(regs.gs_base, 0xffff888000002222ull);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, swapgs, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(t->cpu.kernel_gs_base, 0x1111);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_mov_ds, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_mov_ss, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_mov_from, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_pop_push_fs, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_lss_lfs, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_fs_gs_base, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_swapgs, cpu_test_setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
