/*
 * RDMSR/WRMSR through the MSR policy (context registers read and loaded by the vCPU, device
 * MSRs by the policy, the rest #GP(0)), CPUID through the CPUID policy, RDTSC/RDTSCP/RDPID with
 * TSC_AUX and CR4.TSD, XGETBV/XSETBV. Expected values from SDM Vol. 2 (RDMSR, WRMSR, CPUID,
 * RDTSCP, RDPID, XGETBV, XSETBV), Vol. 3A 9.8.5 (EFER.LME), Vol. 1 13.3 (XCR0).
 */
#include "cpu_harness.h"

#include <pv/emulate.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t RDMSR[] = {0x0f, 0x32};
static const uint8_t WRMSR[] = {0x0f, 0x30};

/* Runs code at CPL 0 from CPU_KCODE; returns the RIP after the event. */
static uint64_t run(cpu_test_t *t, const uint8_t *code, size_t length, unsigned vector)
{
    pv_outcome_t out;

    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
    assert_int_equal(cpu_test_exec(t, code, length, vector, 0, &out), PV_OUTCOME_RESUME);
    return t->cpu.rip;
}

static uint64_t wrmsr(cpu_test_t *t, uint32_t index, uint64_t value)
{
    t->cpu.gpr[CPU_RCX] = index;
    t->cpu.gpr[CPU_RAX] = (value & 0xffffffffu) | 0xabcd000000000000ull; /* high half ignored */
    t->cpu.gpr[CPU_RDX] = value >> 32;
    return run(t, WRMSR, 2, 13);
}

static void test_rdmsr(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    t->cpu.gpr[CPU_RCX] = 0xc0000080;
    assert_int_equal(run(t, RDMSR, 2, 13), CPU_KCODE + 2);
    assert_int_equal(t->cpu.gpr[CPU_RAX], t->cpu.efer & 0xffffffff);
    assert_int_equal(t->cpu.gpr[CPU_RDX], t->cpu.efer >> 32);
    t->cpu.gpr[CPU_RCX] = 0x1b; /* the policy's own: the APIC base */
    assert_int_equal(run(t, RDMSR, 2, 13), CPU_KCODE + 2);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0xfee00900u);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0);
    t->cpu.gpr[CPU_RCX] = 0x10; /* IA32_TSC: the guest's TSC */
    assert_int_equal(run(t, RDMSR, 2, 13), CPU_KCODE + 2);
    assert_int_equal((t->cpu.gpr[CPU_RDX] << 32) | t->cpu.gpr[CPU_RAX], t->tsc);
    t->cpu.gpr[CPU_RCX] = 0x12345; /* the policy knows nothing of it */
    t->cpu.gpr[CPU_RAX] = 77;
    assert_int_equal(run(t, RDMSR, 2, 13), CPU_GP_HANDLER);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 77);
    /* The upper half of CPU_RCX is ignored: 0x1_c0000100 is FS_BASE. */
    t->cpu.seg[PV_SEG_FS].base = 0x7fff12345678ull;
    t->cpu.gpr[CPU_RCX] = 0x1c0000100ull;
    assert_int_equal(run(t, RDMSR, 2, 13), CPU_KCODE + 2);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x12345678u);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0x7fff);
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RCX] = 0xc0000080;
    assert_int_equal(cpu_test_exec(t, RDMSR, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
}

static void test_wrmsr_context(void **state)
{
    cpu_test_t *t = *state;

    assert_int_equal(wrmsr(t, 0xc0000082, 0xffffffff81000000ull), CPU_KCODE + 2);
    assert_int_equal(t->cpu.lstar, 0xffffffff81000000ull);
    assert_int_equal(wrmsr(t, 0xc0000082, 0x0000800000000000ull), CPU_GP_HANDLER);
    assert_int_equal(t->cpu.lstar, 0xffffffff81000000ull);
    assert_int_equal(wrmsr(t, 0xc0000100, 0x1000), CPU_KCODE + 2);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x1000);
    assert_int_equal(wrmsr(t, 0xc0000101, 0xffff800000000000ull), CPU_KCODE + 2);
    assert_int_equal(t->cpu.seg[PV_SEG_GS].base, 0xffff800000000000ull);
    assert_int_equal(wrmsr(t, 0xc0000102, 0x2000), CPU_KCODE + 2);
    assert_int_equal(t->cpu.kernel_gs_base, 0x2000);
    assert_int_equal(wrmsr(t, 0xc0000081, 0x0023001000000000ull), CPU_KCODE + 2);
    assert_int_equal(t->cpu.star, 0x0023001000000000ull);
    assert_int_equal(wrmsr(t, 0xc0000084, 0x47700), CPU_KCODE + 2);
    assert_int_equal(t->cpu.sfmask, 0x47700);
    assert_int_equal(wrmsr(t, 0xc0000103, 0x12345678), CPU_KCODE + 2);
    assert_int_equal(t->cpu.tsc_aux, 0x12345678);
    assert_int_equal(wrmsr(t, 0x277, 0x0007010600070106ull), CPU_KCODE + 2);
    assert_int_equal(t->cpu.pat, 0x0007010600070106ull);
    assert_int_equal(wrmsr(t, 0x1b, 0xfee00800), CPU_KCODE + 2);
    assert_int_equal(t->msrs[13].value, 0xfee00800); /* the policy's (APIC base) */
    assert_int_equal(wrmsr(t, 0x4242, 1), CPU_GP_HANDLER);
    assert_int_equal(t->msr_last_write, 0x4242);
}

static void test_wrmsr_efer(void **state)
{
    cpu_test_t *t = *state;
    uint64_t efer = t->cpu.efer;

    /* LMA is the processor's: a write cannot clear it. */
    assert_int_equal(wrmsr(t, 0xc0000080, efer & ~PV_EFER_LMA), CPU_KCODE + 2);
    assert_int_equal(t->cpu.efer, efer);
    assert_int_equal(t->paging_calls, 0);
    /* LME may not change with paging on. */
    assert_int_equal(wrmsr(t, 0xc0000080, efer & ~PV_EFER_LME), CPU_GP_HANDLER);
    assert_int_equal(t->cpu.efer, efer);
    /* NXE changes translations: the software TLB hears of it. */
    assert_int_equal(wrmsr(t, 0xc0000080, efer & ~PV_EFER_NXE), CPU_KCODE + 2);
    assert_int_equal(t->cpu.efer, efer & ~PV_EFER_NXE);
    assert_int_equal(t->paging_calls, 1);
    assert_int_equal(t->paging_last.efer & PV_EFER_NXE, 0);
    assert_int_equal(wrmsr(t, 0xc0000080, efer & ~(PV_EFER_NXE | PV_EFER_SCE)), CPU_KCODE + 2);
    assert_int_equal(t->cpu.efer & PV_EFER_SCE, 0);
    assert_int_equal(t->paging_calls, 1);
}

static void test_cpuid(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t cpuid[] = {0x0f, 0xa2};
    pv_outcome_t out;

    t->cpu.gpr[CPU_RAX] = 0xffffffff40000000ull;
    t->cpu.gpr[CPU_RCX] = 0x100000003ull;
    t->cpu.gpr[CPU_RBX] = ~0ull;
    t->cpu.cr4 |= PV_CR4_OSXSAVE;
    assert_int_equal(cpu_test_exec_patched(t, cpuid, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpuid_leaf, 0x40000000u);
    assert_int_equal(t->cpuid_subleaf, 3);
    assert_true(t->cpuid_osxsave);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x40000000u ^ 0x11111111u);
    assert_int_equal(t->cpu.gpr[CPU_RBX], 3u ^ 0x22222222u);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0x40000003u);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0x44444444u);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 2);
}

static void test_rdtscp_rdpid(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t rdtscp[] = {0x0f, 0x01, 0xf9};
    static const uint8_t rdpid[] = {0xf3, 0x0f, 0xc7, 0xf8};
    static const uint8_t rdtsc[] = {0x0f, 0x31};
    pv_outcome_t out;

    t->cpu.tsc_aux = 0x1234567890ull;
    assert_int_equal(cpu_test_exec_patched(t, rdtscp, 3, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], t->tsc & 0xffffffff);
    assert_int_equal(t->cpu.gpr[CPU_RDX], t->tsc >> 32);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0x34567890u); /* the low 32 bits of TSC_AUX */
    t->cpu.gpr[CPU_RAX] = ~0ull;
    assert_int_equal(cpu_test_exec_patched(t, rdpid, 4, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x34567890u);
    t->tsc = 0xfedcba9876543210ull;
    assert_int_equal(cpu_test_exec_patched(t, rdtsc, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x76543210u);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0xfedcba98u);
    /* Not offered: #UD. */
    t->cpu.config.features &= ~(PV_CPU_F_RDTSCP | PV_CPU_F_RDPID);
    assert_int_equal(run(t, rdtscp, 3, 6), CPU_UD_HANDLER);
    assert_int_equal(run(t, rdpid, 4, 6), CPU_UD_HANDLER);
    /* CR4.TSD: #GP(0) above CPL 0 only (ring 3's RDTSC is not patched: the rule directly). */
    t->cpu.cr4 |= PV_CR4_TSD;
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
    assert_int_equal(cpu_test_exec_patched(t, rdtsc, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 2);
    cpu_test_enter_user(t);
    pv_emu_t emu = {.cpu = &t->cpu, .env = &t->env};
    bool handled = false;
    pv_fault_t fault = pv_emulate_at(&emu, rdtsc, 2, &handled);
    assert_true(handled);
    assert_int_equal(fault.kind, PV_FAULT_EXCEPTION);
    assert_int_equal(fault.vector, 13);
    assert_int_equal(fault.error_code, 0);
    assert_int_equal(t->cpu.rip, CPU_UCODE);
}

static void test_xgetbv_xsetbv(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t xgetbv[] = {0x0f, 0x01, 0xd0};
    static const uint8_t xsetbv[] = {0x0f, 0x01, 0xd1};
    pv_outcome_t out;

    t->cpu.gpr[CPU_RCX] = 0;
    assert_int_equal(run(t, xgetbv, 3, 6), CPU_UD_HANDLER); /* CR4.OSXSAVE clear */
    t->cpu.cr4 |= PV_CR4_OSXSAVE;
    assert_int_equal(run(t, xgetbv, 3, 6), CPU_KCODE + 3);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 1);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0);
    t->cpu.gpr[CPU_RCX] = 1;
    assert_int_equal(run(t, xgetbv, 3, 6), CPU_GP_HANDLER);

    static const uint64_t refused[] = {0x2, 0x5, 0x7, 0x1ull << 32, 0};
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        t->cpu.gpr[CPU_RCX] = 0;
        t->cpu.gpr[CPU_RAX] = refused[i] & 0xffffffff;
        t->cpu.gpr[CPU_RDX] = refused[i] >> 32;
        assert_int_equal(run(t, xsetbv, 3, 6), CPU_GP_HANDLER);
    }
    assert_int_equal(t->cpu.xcr0, 1);
    t->cpu.gpr[CPU_RCX] = 0;
    t->cpu.gpr[CPU_RAX] = 3;
    t->cpu.gpr[CPU_RDX] = 0;
    assert_int_equal(run(t, xsetbv, 3, 6), CPU_KCODE + 3);
    assert_int_equal(t->cpu.xcr0, 3);
    t->cpu.gpr[CPU_RCX] = 1; /* XCR1 is not writable */
    assert_int_equal(run(t, xsetbv, 3, 6), CPU_GP_HANDLER);
    /* Ring 3: XGETBV works, XSETBV is #GP(0). */
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RCX] = 0;
    assert_int_equal(cpu_test_exec(t, xgetbv, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 3);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 3);
    assert_int_equal(cpu_test_exec(t, xsetbv, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_rdmsr, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_wrmsr_context, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_wrmsr_efer, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_cpuid, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_rdtscp_rdpid, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_xgetbv_xsetbv, cpu_test_setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
