/*
 * Port I/O: IN/OUT at every size with immediate and DX ports, the IOPL and I/O-bitmap rules of
 * SDM Vol. 1 19.5 (bits for every byte of the access, the bitmap past the TSS's limit), INS/OUTS
 * with REP, the direction flag, 32-bit address size, slices of config.max_rep, a faulting
 * destination checked before the port is read.
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

static void test_in_out(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t out_imm_al[] = {0xe6, 0x80};
    static const uint8_t out_dx_eax[] = {0xef};
    static const uint8_t in_al_imm[] = {0xe4, 0x71};
    static const uint8_t in_eax_dx[] = {0xed};
    static const uint8_t in_ax_dx[] = {0x66, 0xed};

    t->cpu.gpr[CPU_RAX] = 0x1122334455667788ull;
    t->cpu.gpr[CPU_RDX] = 0xffff03f8;
    assert_int_equal(run(t, out_imm_al, 2), CPU_KCODE + 2);
    assert_int_equal(t->io[0].port, 0x80);
    assert_int_equal(t->io[0].size, 1);
    assert_int_equal(t->io[0].value, 0x88);
    assert_true(t->io[0].out);
    assert_int_equal(run(t, out_dx_eax, 1), CPU_KCODE + 3);
    assert_int_equal(t->io[1].port, 0x3f8);
    assert_int_equal(t->io[1].size, 4);
    assert_int_equal(t->io[1].value, 0x55667788);
    t->io_in_next = 0xa1b2c3d4;
    assert_int_equal(run(t, in_al_imm, 2), CPU_KCODE + 5);
    assert_int_equal(t->io[2].port, 0x71);
    assert_false(t->io[2].out);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x11223344556677d4ull); /* AL only */
    assert_int_equal(run(t, in_ax_dx, 2), CPU_KCODE + 7);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x112233445566c3d5ull); /* AX only */
    assert_int_equal(run(t, in_eax_dx, 1), CPU_KCODE + 8);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0xa1b2c3d6ull); /* EAX, zero-extended */
    assert_int_equal(t->io_count, 5);
}

static void test_user_iopl(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t out_imm_al[] = {0xe6, 0x80};

    cpu_test_enter_user(t);
    assert_int_equal(run(t, out_imm_al, 2), CPU_GP_HANDLER);
    assert_int_equal(t->io_count, 0);
    assert_int_equal(cpu_test_frame(t, true).error_code, 0);
    cpu_test_enter_user(t);
    t->cpu.rflags |= PV_RFLAGS_IOPL;
    assert_int_equal(run(t, out_imm_al, 2), CPU_UCODE + 2);
    assert_int_equal(t->io_count, 1);
}

/* The bitmap at TSS + iomap base: a clear bit for each byte of the access allows it. */
static void test_io_bitmap(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t in_eax_dx[] = {0xed};
    static const uint8_t in_al_dx[] = {0xec};
    uint16_t iomap = 0x68;
    uint8_t bitmap[0x21];

    memset(bitmap, 0xff, sizeof(bitmap));
    bitmap[0x60 / 8] = 0x00; /* ports 0x60-0x67 allowed */
    bitmap[0x68 / 8] = 0xfe; /* 0x68 allowed, 0x69 not */
    cpu_test_put(t, CPU_TSS + 0x66, &iomap, 2);
    cpu_test_put(t, CPU_TSS + 0x68, bitmap, sizeof(bitmap));
    t->cpu.tr.limit = 0x68 + sizeof(bitmap) - 1;

    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RDX] = 0x64;
    assert_int_equal(run(t, in_eax_dx, 1), CPU_UCODE + 1); /* 0x64-0x67 */
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RDX] = 0x66;
    assert_int_equal(run(t, in_eax_dx, 1), CPU_GP_HANDLER); /* 0x66-0x69: 0x69 refused */
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RDX] = 0x68;
    assert_int_equal(run(t, in_al_dx, 1), CPU_UCODE + 1);
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RDX] = 0x100;
    assert_int_equal(run(t, in_al_dx, 1), CPU_GP_HANDLER); /* 0x100 / 8 + 1 is past the limit */
    assert_int_equal(t->io_count, 2);
    /* The two bytes read for port 0xf8 (0x1f, 0x20) must both lie inside the limit. */
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RDX] = 0xf8;
    bitmap[0x1f] = 0;
    cpu_test_put(t, CPU_TSS + 0x68, bitmap, sizeof(bitmap));
    t->cpu.tr.limit = 0x68 + 0x1f;
    assert_int_equal(run(t, in_al_dx, 1), CPU_GP_HANDLER);
    cpu_test_enter_user(t);
    t->cpu.tr.limit = 0x68 + 0x20;
    assert_int_equal(run(t, in_al_dx, 1), CPU_UCODE + 1);
}

static void test_rep_ins_outs(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t rep_insb[] = {0xf3, 0x6c};
    static const uint8_t rep_outsw[] = {0xf3, 0x66, 0x6f};
    uint8_t bytes[4];
    uint16_t words[2] = {0x1234, 0xabcd};

    t->io_in_next = 0x41;
    t->cpu.gpr[CPU_RDX] = 0x3f8;
    t->cpu.gpr[CPU_RCX] = 3;
    t->cpu.gpr[CPU_RDI] = CPU_DATA;
    assert_int_equal(run(t, rep_insb, 2), CPU_KCODE + 2);
    cpu_test_get(t, CPU_DATA, bytes, 4);
    assert_memory_equal(bytes, "ABC\0", 4);
    assert_int_equal(t->cpu.gpr[CPU_RDI], CPU_DATA + 3);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0);

    /* Backwards with DF, words from memory. */
    cpu_test_put(t, CPU_DATA + 0x100, words, sizeof(words));
    t->cpu.rflags |= PV_RFLAGS_DF;
    t->cpu.gpr[CPU_RSI] = CPU_DATA + 0x102;
    t->cpu.gpr[CPU_RCX] = 2;
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(run(t, rep_outsw, 3), CPU_KCODE + 3);
    assert_int_equal(t->io[3].value, 0xabcd);
    assert_int_equal(t->io[4].value, 0x1234);
    assert_int_equal(t->io[4].size, 2);
    assert_int_equal(t->cpu.gpr[CPU_RSI], CPU_DATA + 0xfe);
    /* CPU_RCX = 0: nothing happens. */
    t->cpu.rip = CPU_KCODE;
    assert_int_equal(run(t, rep_outsw, 3), CPU_KCODE + 3);
    assert_int_equal(t->io_count, 5);
}

/* A long REP is cut into slices: the guest resumes at the same instruction. */
static void test_rep_slices(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t rep_insb[] = {0xf3, 0x6c};

    t->cpu.config.max_rep = 2;
    t->cpu.gpr[CPU_RCX] = 5;
    t->cpu.gpr[CPU_RDI] = CPU_DATA;
    assert_int_equal(run(t, rep_insb, 2), CPU_KCODE);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 3);
    assert_int_equal(t->cpu.gpr[CPU_RDI], CPU_DATA + 2);
    assert_int_equal(run(t, rep_insb, 2), CPU_KCODE);
    assert_int_equal(run(t, rep_insb, 2), CPU_KCODE + 2);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0);
    assert_int_equal(t->io_count, 5);
}

/* The destination page is read-only: #PF before the port is read; earlier elements stand. */
static void test_ins_faults_before_port(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t rep_insb[] = {0xf3, 0x6c};

    cpu_test_set_pte(t, CPU_DATA + 0x1000, CPU_PTE_P | CPU_PTE_US);
    t->cpu.gpr[CPU_RCX] = 4;
    t->cpu.gpr[CPU_RDI] = CPU_DATA + 0x1000 - 2;
    assert_int_equal(run(t, rep_insb, 2), CPU_HANDLERS + 14 * 16);
    assert_int_equal(t->io_count, 2);
    assert_int_equal(t->cpu.cr2, CPU_DATA + 0x1000);
    assert_int_equal(cpu_test_frame(t, true).error_code, PV_PF_PRESENT | PV_PF_WRITE);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
    /* The registers of the two completed elements: CPU_RCX 2, CPU_RDI at the faulting byte. */
    assert_int_equal(t->cpu.gpr[CPU_RCX], 2);
    assert_int_equal(t->cpu.gpr[CPU_RDI], CPU_DATA + 0x1000);
}

/* 67: ECX and EDI, zero-extended when written. */
static void test_address_size_32(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t rep_insb32[] = {0x67, 0xf3, 0x6c};

    t->cpu.gpr[CPU_RCX] = 0xffffffff00000001ull;
    t->cpu.gpr[CPU_RDI] = 0xffffffff00000000ull | CPU_DATA;
    assert_int_equal(run(t, rep_insb32, 3), CPU_KCODE + 3);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0);
    assert_int_equal(t->cpu.gpr[CPU_RDI], CPU_DATA + 1);
    assert_int_equal(t->io_count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_in_out, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_user_iopl, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_io_bitmap, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_rep_ins_outs, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_rep_slices, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_ins_faults_before_port, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_address_size_32, cpu_test_setup,
                                            cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
