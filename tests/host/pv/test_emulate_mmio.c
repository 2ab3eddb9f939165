/*
 * Accesses to device memory (the xAPIC page at 0xfee00000): MOV stores and loads at each size,
 * MOVZX/MOVSX, immediates, STOS, the widths the devices see; instructions the vCPU will not
 * apply to MMIO end the VM; a translation that faults now is the guest's #PF.
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static pv_outcome_kind_t mmio(cpu_test_t *t, const uint8_t *code, size_t length, uint64_t address,
                              pv_outcome_t *out)
{
    cpu_test_put(t, t->cpu.rip, code, length);
    return pv_cpu_handle_mmio(&t->cpu, &t->env, address, gpa(address), out);
}

static void test_stores(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t movl_imm[] = {0xc7, 0x00, 0x78, 0x56, 0x34, 0x12}; /* movl $,(%rax) */
    static const uint8_t mov_cl[] = {0x88, 0x08};                           /* mov %cl,(%rax) */
    static const uint8_t mov_rcx[] = {0x48, 0x89, 0x48, 0x10}; /* mov %rcx,0x10(%rax) */

    t->cpu.gpr[CPU_RAX] = CPU_MMIO + 0xb0;
    assert_int_equal(mmio(t, movl_imm, 6, CPU_MMIO + 0xb0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_writes, 1);
    assert_int_equal(t->mmio_address, CPU_MMIO + 0xb0);
    assert_int_equal(t->mmio_size, 4);
    assert_int_equal(t->mmio_written, 0x12345678);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 6);
    t->cpu.gpr[CPU_RCX] = 0x1122334455667788ull;
    assert_int_equal(mmio(t, mov_cl, 2, CPU_MMIO + 0xb0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_size, 1);
    assert_int_equal(t->mmio_written, 0x88);
    assert_int_equal(mmio(t, mov_rcx, 4, CPU_MMIO + 0xc0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_address, CPU_MMIO + 0xc0);
    assert_int_equal(t->mmio_size, 8);
    assert_int_equal(t->mmio_written, 0x1122334455667788ull);
}

static void test_loads(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t mov_eax[] = {0x8b, 0x00};            /* mov (%rax),%eax */
    static const uint8_t movzbl[] = {0x0f, 0xb6, 0x08};       /* movzbl (%rax),%ecx */
    static const uint8_t movswq[] = {0x48, 0x0f, 0xbf, 0x08}; /* movswq (%rax),%rcx */

    t->mmio_value = 0xfedcba9880818283ull;
    t->cpu.gpr[CPU_RAX] = CPU_MMIO + 0x20;
    assert_int_equal(mmio(t, mov_eax, 2, CPU_MMIO + 0x20, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_size, 4);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x80818283u); /* the low 4 bytes, zero-extended */
    t->cpu.gpr[CPU_RAX] = CPU_MMIO + 0x30;
    t->cpu.gpr[CPU_RCX] = ~0ull;
    assert_int_equal(mmio(t, movzbl, 3, CPU_MMIO + 0x30, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_size, 1);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0x83);
    assert_int_equal(mmio(t, movswq, 4, CPU_MMIO + 0x30, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_size, 2);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0xffffffffffff8283ull);
    assert_int_equal(t->mmio_reads, 3);
}

static void test_stos(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t stosl[] = {0xab};
    static const uint8_t rep_stosl[] = {0xf3, 0xab};

    t->cpu.gpr[CPU_RAX] = 0xabcdef01;
    t->cpu.gpr[CPU_RDI] = CPU_MMIO + 0x80;
    assert_int_equal(mmio(t, stosl, 1, CPU_MMIO + 0x80, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->mmio_written, 0xabcdef01);
    assert_int_equal(t->cpu.gpr[CPU_RDI], CPU_MMIO + 0x84);
    assert_int_equal(mmio(t, rep_stosl, 2, CPU_MMIO + 0x84, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
}

static void test_refused(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t add[] = {0x01, 0x00};            /* add %eax,(%rax) */
    static const uint8_t straddle[] = {0x48, 0x8b, 0x00}; /* mov (%rax),%rax */

    t->cpu.gpr[CPU_RAX] = CPU_MMIO;
    assert_int_equal(mmio(t, add, 2, CPU_MMIO, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
    assert_int_equal(t->mmio_reads + t->mmio_writes, 0);
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[CPU_RAX] = CPU_MMIO + 0xffc;
    assert_int_equal(mmio(t, straddle, 3, CPU_MMIO + 0xffc, &out), PV_OUTCOME_END);
    /* From ring 3 the supervisor-only page is the guest's #PF, not a device access. */
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RAX] = CPU_MMIO;
    assert_int_equal(mmio(t, straddle, 3, CPU_MMIO, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_HANDLERS + 14 * 16);
    assert_int_equal(cpu_test_frame(t, true).error_code, PV_PF_PRESENT | PV_PF_USER);
    assert_int_equal(t->mmio_reads, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_stores, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_loads, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_stos, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_refused, cpu_test_setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
