/*
 * System calls and system instructions: SYSCALL (as the kernel's UnknownSyscall fault) and
 * SYSRET in both sizes, VMCALL/VMMCALL hypercalls (CPL 0 only, EXIT ending the VM), INVLPG,
 * INVPCID's four types and refusals, WBINVD, and the register block a fault message carries.
 * Expected values from SDM Vol. 2 (SYSCALL, SYSRET, INVLPG, INVPCID, WBINVD) and
 * docs/hypercalls.md.
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static int setup(void **state)
{
    cpu_test_t *t = cpu_test_new();

    /* The test guest's MSRs: SYSCALL to 0x08/0x10, SYSRET base 0x18 (0x28/0x20 for 64-bit). */
    t->cpu.star = 0x0018000800000000ull;
    t->cpu.lstar = 0xffffffff81000000ull;
    t->cpu.cstar = 0xffffffff81000100ull;
    t->cpu.sfmask = 0x47700;
    *state = t;
    return 0;
}

static void test_syscall(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    uint64_t user_flags = PV_RFLAGS_FIXED | PV_RFLAGS_IF | PV_RFLAGS_TF | PV_RFLAGS_CF |
                          PV_RFLAGS_AC | PV_RFLAGS_RF;

    cpu_test_enter_user(t);
    t->cpu.rflags = user_flags;
    t->cpu.efer |= PV_EFER_SCE;
    t->cpu.rip = CPU_UCODE + 2; /* the kernel reports the next instruction */
    t->cpu.gpr[CPU_RCX] = CPU_UCODE + 2;
    t->cpu.gpr[CPU_R11] = 0x246; /* the host's view, replaced by the guest's */
    assert_int_equal(pv_cpu_handle_syscall(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, 0xffffffff81000000ull);
    assert_int_equal(t->cpu.gpr[CPU_RCX], CPU_UCODE + 2);
    assert_int_equal(t->cpu.gpr[CPU_R11], user_flags & ~PV_RFLAGS_RF);
    assert_int_equal(t->cpu.rflags, PV_RFLAGS_FIXED | PV_RFLAGS_CF);
    assert_int_equal(t->cpu.cpl, 0);
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, 0x08);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, 0x10);
    assert_int_not_equal(t->cpu.seg[PV_SEG_CS].attributes & PV_SEG_ATTR_L, 0);
    assert_true(out.view_changed);
    assert_int_equal(out.view, PV_VIEW_KERNEL);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment64);
}

/* EFER.SCE clear: #UD at the SYSCALL instruction. */
static void test_syscall_disabled(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;

    cpu_test_enter_user(t);
    t->cpu.efer &= ~PV_EFER_SCE;
    t->cpu.rip = CPU_UCODE + 2;
    assert_int_equal(pv_cpu_handle_syscall(&t->cpu, &t->env, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UD_HANDLER);
    assert_int_equal(cpu_test_frame(t, false).rip, CPU_UCODE);
}

static void test_sysret(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t sysretq[] = {0x48, 0x0f, 0x07};
    static const uint8_t sysretl[] = {0x0f, 0x07};

    t->cpu.efer |= PV_EFER_SCE;
    t->cpu.gpr[CPU_RCX] = CPU_UCODE + 0x10;
    t->cpu.gpr[CPU_R11] = ~0ull;
    assert_int_equal(cpu_test_exec(t, sysretq, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UCODE + 0x10);
    assert_int_equal(t->cpu.cpl, 3);
    assert_int_equal(t->cpu.rflags, 0x3c7fd7ull); /* CPU_R11 & 3C7FD7H | 2 */
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, 0x2b);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, 0x23);
    assert_int_equal(out.view, PV_VIEW_USER);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment64);

    /* 32-bit SYSRET: CS = STAR[63:48] | 3, compatibility mode, EIP = ECX. */
    cpu_test_t *u = cpu_test_new();
    u->cpu.star = 0x0018000800000000ull;
    u->cpu.efer |= PV_EFER_SCE;
    u->cpu.gpr[CPU_RCX] = 0xffffffff00001234ull;
    u->cpu.gpr[CPU_R11] = PV_RFLAGS_IF;
    assert_int_equal(cpu_test_exec(u, sysretl, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(u->cpu.rip, 0x1234);
    assert_int_equal(u->cpu.mode, PV_MODE_COMPAT);
    assert_int_equal(u->cpu.seg[PV_SEG_CS].selector, 0x1b);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment32);
    cpu_test_free(u);
}

static void test_sysret_refusals(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t sysretq[] = {0x48, 0x0f, 0x07};

    t->cpu.efer &= ~PV_EFER_SCE;
    assert_int_equal(cpu_test_exec(t, sysretq, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UD_HANDLER);
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
    t->cpu.efer |= PV_EFER_SCE;
    t->cpu.gpr[CPU_RCX] = 0x0000800000000000ull; /* not canonical: #GP(0) still at CPL 0 */
    assert_int_equal(cpu_test_exec(t, sysretq, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(t->cpu.cpl, 0);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_KCODE);
    cpu_test_enter_user(t);
    t->cpu.gpr[CPU_RCX] = CPU_UCODE;
    assert_int_equal(cpu_test_exec(t, sysretq, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
}

static void test_hypercalls(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t vmcall[] = {0x0f, 0x01, 0xc1};
    static const uint8_t vmmcall[] = {0x0f, 0x01, 0xd9};

    t->cpu.gpr[CPU_RAX] = 1;
    t->cpu.gpr[CPU_RDI] = 0x1000;
    t->cpu.gpr[CPU_RSI] = 12;
    t->cpu.gpr[CPU_RDX] = 3;
    t->cpu.gpr[CPU_R10] = 4;
    t->cpu.gpr[CPU_RBX] = 0x5b;
    t->hypercall_result = (pv_hypercall_result_t){false, 12};
    assert_int_equal(cpu_test_exec(t, vmcall, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->hypercall_number, 1);
    assert_int_equal(t->hypercall_args[0], 0x1000);
    assert_int_equal(t->hypercall_args[1], 12);
    assert_int_equal(t->hypercall_args[2], 3);
    assert_int_equal(t->hypercall_args[3], 4);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 12);
    assert_int_equal(t->cpu.gpr[CPU_RBX], 0x5b);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 3);
    t->hypercall_result = (pv_hypercall_result_t){false, (uint64_t)-38};
    assert_int_equal(cpu_test_exec(t, vmmcall, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.gpr[CPU_RAX], (uint64_t)-38);
    /* EXIT: the VM ends with the status. */
    t->hypercall_result = (pv_hypercall_result_t){true, 3};
    assert_int_equal(cpu_test_exec(t, vmcall, 3, 6, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_EXIT);
    assert_int_equal(out.exit_status, 3);
    /* Ring 3: #UD, and the VMM is never asked. */
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, vmcall, 3, 6, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_UD_HANDLER);
    assert_int_equal(t->hypercalls, 3);
}

static void test_invlpg(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t invlpg[] = {0x0f, 0x01, 0x38}; /* invlpg (%rax) */

    t->cpu.gpr[CPU_RAX] = 0xffffffff81234567ull;
    assert_int_equal(cpu_test_exec(t, invlpg, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->invalidations, 1);
    assert_int_equal(t->invalidated, 0xffffffff81234567ull);
    /* A non-canonical address: a no-op. */
    t->cpu.gpr[CPU_RAX] = 0x0000900000000000ull;
    assert_int_equal(cpu_test_exec(t, invlpg, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->invalidations, 1);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 6);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, invlpg, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(t->invalidations, 1);
}

/* INVPCID with descriptor {pcid, address} at CPU_DATA and type in CPU_RAX. */
static uint64_t invpcid(cpu_test_t *t, uint64_t type, uint64_t pcid, uint64_t address)
{
    static const uint8_t code[] = {0x66, 0x0f, 0x38, 0x82, 0x03}; /* invpcid (%rbx), %rax */
    pv_outcome_t out;

    cpu_test_put64(t, CPU_DATA, pcid);
    cpu_test_put64(t, CPU_DATA + 8, address);
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = CPU_KSTACK_TOP - 0x100;
    t->cpu.gpr[CPU_RAX] = type;
    t->cpu.gpr[CPU_RBX] = CPU_DATA;
    assert_int_equal(cpu_test_exec(t, code, 5, 13, 0, &out), PV_OUTCOME_RESUME);
    return t->cpu.rip;
}

static void test_invpcid(void **state)
{
    cpu_test_t *t = *state;

    assert_int_equal(invpcid(t, 0, 0, 0x7000), CPU_KCODE + 5);
    assert_int_equal(t->invalidated, 0x7000);
    assert_int_equal(invpcid(t, 0, 5, 0x7000), CPU_GP_HANDLER); /* PCID without CR4.PCIDE */
    assert_int_equal(invpcid(t, 4, 0, 0), CPU_GP_HANDLER);
    assert_int_equal(invpcid(t, 0, 0x1000, 0), CPU_GP_HANDLER); /* descriptor bits 63:12 */
    assert_int_equal(invpcid(t, 0, 0, 0x0000800000000000ull), CPU_GP_HANDLER);
    assert_int_equal(invpcid(t, 2, 0x1000, 0), CPU_GP_HANDLER);
    t->cpu.cr4 |= PV_CR4_PCIDE;
    assert_int_equal(invpcid(t, 1, 7, 0), CPU_KCODE + 5);
    assert_int_equal(t->invalidated_pcid, 7);
    assert_false(t->invalidated_all);
    assert_int_equal(invpcid(t, 2, 0, 0), CPU_KCODE + 5);
    assert_true(t->invalidated_all);
    assert_true(t->invalidated_globals);
    assert_int_equal(invpcid(t, 3, 0, 0), CPU_KCODE + 5);
    assert_true(t->invalidated_all);
    assert_false(t->invalidated_globals);
    assert_int_equal(t->invalidations, 4);
    t->cpu.config.features &= ~PV_CPU_F_INVPCID;
    assert_int_equal(invpcid(t, 2, 0, 0), CPU_UD_HANDLER);
}

static void test_wbinvd(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t wbinvd[] = {0x0f, 0x09};

    assert_int_equal(cpu_test_exec(t, wbinvd, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_KCODE + 2);
    cpu_test_enter_user(t);
    assert_int_equal(cpu_test_exec(t, wbinvd, 2, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
}

/* The fault message's register block: seL4_UserContext order to encoding order and back; the
 * host's RFLAGS brings only the flags the host lets the thread own. */
static void test_registers(void **state)
{
    cpu_test_t *t = *state;
    seL4_Word message[seL4_Fault_MessageLength];
    seL4_UserContext regs;

    for (unsigned i = 0; i < seL4_Fault_MessageLength; i++) {
        message[i] = 0x1000 + i;
    }
    message[seL4_UserContext_RFLAGS] = 0x3fffff;
    message[seL4_Fault_X86_CodeSegment] = seL4_X86_CodeSegment32;
    assert_false(pv_cpu_load_message(&t->cpu, message)); /* the vCPU is in 64-bit mode */
    assert_int_equal(t->cpu.rip, CPU_KCODE);
    message[seL4_Fault_X86_CodeSegment] = seL4_X86_CodeSegment64;
    t->cpu.rflags = PV_RFLAGS_FIXED | PV_RFLAGS_IOPL | PV_RFLAGS_NT;
    assert_true(pv_cpu_load_message(&t->cpu, message));
    assert_int_equal(t->cpu.rip, 0x1000);
    assert_int_equal(t->cpu.gpr[4], 0x1001);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x1003);
    assert_int_equal(t->cpu.gpr[CPU_RBX], 0x1004);
    assert_int_equal(t->cpu.gpr[CPU_RCX], 0x1005);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0x1006);
    assert_int_equal(t->cpu.gpr[CPU_RSI], 0x1007);
    assert_int_equal(t->cpu.gpr[CPU_RDI], 0x1008);
    assert_int_equal(t->cpu.gpr[5], 0x1009);
    assert_int_equal(t->cpu.gpr[15], 0x1011);
    assert_int_equal(t->cpu.seg[PV_SEG_FS].base, 0x1012);
    assert_int_equal(t->cpu.seg[PV_SEG_GS].base, 0x1013);
    /* 0x3fffff & 0x240dd5 from the host, IOPL and NT kept, IF stays the guest's (clear). */
    assert_int_equal(t->cpu.rflags, 0x240dd5ull | PV_RFLAGS_FIXED | PV_RFLAGS_IOPL | PV_RFLAGS_NT);
    pv_cpu_store_registers(&t->cpu, &regs);
    assert_int_equal(regs.rflags, 0x240dd5ull | PV_RFLAGS_FIXED | PV_RFLAGS_IF);
    assert_int_equal(regs.rcx, 0x1005);
    assert_int_equal(regs.r15, 0x1011);
    assert_int_equal(regs.rsp, 0x1001);
}

/* A non-canonical CPU_RSP cannot be resumed by the host kernel: from the guest's user mode its
 * kernel gets #GP(0) (after the instruction); from the guest kernel the VM ends. */
static void test_noncanonical_rsp(void **state)
{
    cpu_test_t *t = *state;
    pv_outcome_t out;
    static const uint8_t smsw_eax[] = {0x0f, 0x01, 0xe0};

    cpu_test_enter_user(t);
    t->cpu.gpr[4] = 0x0000800000000000ull;
    assert_int_equal(cpu_test_exec(t, smsw_eax, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, CPU_GP_HANDLER);
    assert_int_equal(cpu_test_frame(t, true).rip, CPU_UCODE + 3);
    assert_int_equal(cpu_test_frame(t, true).rsp, 0x0000800000000000ull);
    t->cpu.rip = CPU_KCODE;
    t->cpu.gpr[4] = 0xffff7fffffffff00ull;
    assert_int_equal(cpu_test_exec(t, smsw_eax, 3, 13, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_syscall, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_syscall_disabled, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_sysret, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_sysret_refusals, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_hypercalls, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_invlpg, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_invpcid, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_wbinvd, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_registers, setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_noncanonical_rsp, setup, cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
