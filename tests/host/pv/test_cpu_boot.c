/*
 * The 32-bit boot path: the PVH and multiboot1 entry states, then the steps a kernel's 32-bit
 * entry takes to reach 64-bit code (the test guest's boot/entry.S: CR4.PAE, CR3, EFER.LME by
 * RDMSR/WRMSR, CR0.PG, LGDT, the far jump; Linux's variant returns with LRET through an INT3
 * patch), emulated one trap at a time with the registers the native instructions between the
 * traps would leave. Expected states from SDM Vol. 3A 9.8.5 (initializing IA-32e mode), the
 * PVH start-info ABI and the Multiboot Specification 0.6.96 (3.2).
 */
#include "cpu_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define BOOT_GDT         0x101000u
#define BOOT_GDT_POINTER 0x101100u
#define BOOT_LONG        0x100100u
#define BOOT_STACK       0x102000u

/* One trap at `rip`: the bytes there, the host's vector; the outcome must be RESUME. */
static void trap_at(cpu_test_t *t, uint64_t rip, const uint8_t *code, size_t length,
                    unsigned vector, seL4_Word code_segment)
{
    pv_outcome_t out;

    t->cpu.rip = rip;
    assert_int_equal(cpu_test_exec(t, code, length, vector, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(out.code_segment, code_segment);
    assert_int_equal(out.view, PV_VIEW_KERNEL);
}

static void boot_tables(cpu_test_t *t)
{
    const uint64_t gdt[3] = {0, 0x00af9a000000ffffull, 0x00cf92000000ffffull};
    const uint8_t pointer[6] = {0x17, 0x00, 0x00, 0x10, 0x10, 0x00}; /* limit 23, base 0x101000 */

    cpu_test_put(t, BOOT_GDT, gdt, sizeof(gdt));
    cpu_test_put(t, BOOT_GDT_POINTER, pointer, sizeof(pointer));
}

static void test_entry_states(void **state)
{
    cpu_test_t *t = *state;
    seL4_UserContext regs;

    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0x5000);
    assert_int_equal(t->cpu.mode, PV_MODE_PROTECTED32);
    assert_int_equal(t->cpu.cpl, 0);
    assert_int_equal(t->cpu.rip, 0x100000);
    assert_int_equal(t->cpu.gpr[CPU_RBX], 0x5000);
    assert_int_equal(t->cpu.cr0, PV_CR0_PE | PV_CR0_ET);
    assert_int_equal(t->cpu.cr4, 0);
    assert_int_equal(t->cpu.efer, 0);
    assert_int_equal(t->cpu.rflags & PV_RFLAGS_IF, 0);
    assert_int_equal(pv_cpu_code_segment(&t->cpu), seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.seg[PV_SEG_CS].limit, 0xffffffffu);
    assert_int_not_equal(t->cpu.seg[PV_SEG_CS].attributes & PV_SEG_ATTR_DB, 0);
    assert_int_equal(pv_seg_attr_type(t->cpu.tr.attributes), 0xb); /* a 32-bit busy TSS */
    pv_cpu_store_registers(&t->cpu, &regs);
    assert_int_equal(regs.rbx, 0x5000);
    assert_int_equal(regs.rip, 0x100000);

    pv_cpu_boot_multiboot1(&t->cpu, 0x100020, 0x9000);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0x2badb002u);
    assert_int_equal(t->cpu.gpr[CPU_RBX], 0x9000);
    assert_int_equal(t->cpu.rip, 0x100020);
    assert_int_equal(t->cpu.mode, PV_MODE_PROTECTED32);
}

/* The test guest's boot_common32, trap by trap, from PVH to its first 64-bit instruction. */
static void test_pvh_to_long_mode(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t cpuid[] = {0x0f, 0xa2};
    static const uint8_t cr4_to_eax[] = {0x0f, 0x20, 0xe0};
    static const uint8_t eax_to_cr4[] = {0x0f, 0x22, 0xe0};
    static const uint8_t eax_to_cr3[] = {0x0f, 0x22, 0xd8};
    static const uint8_t rdmsr[] = {0x0f, 0x32};
    static const uint8_t wrmsr[] = {0x0f, 0x30};
    static const uint8_t cr0_to_eax[] = {0x0f, 0x20, 0xc0};
    static const uint8_t eax_to_cr0[] = {0x0f, 0x22, 0xc0};
    static const uint8_t lgdt[] = {0x0f, 0x01, 0x15, 0x00, 0x11, 0x10, 0x00};
    static const uint8_t ljmp[] = {0xea, 0x00, 0x01, 0x10, 0x00, 0x08, 0x00};
    static const uint8_t ax_to_ds[] = {0x8e, 0xd8};
    static const uint8_t ax_to_ss[] = {0x8e, 0xd0};
    pv_outcome_t out;

    boot_tables(t);
    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0x5000);
    t->cpu.gpr[CPU_RSP] = BOOT_STACK;

    /* CPUID is a patched site in 32-bit code too. */
    t->cpu.gpr[CPU_RAX] = 0x80000001;
    t->cpu.rip = 0x100000;
    assert_int_equal(cpu_test_exec_patched(t, cpuid, 2, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpuid_leaf, 0x80000001u);
    assert_int_equal(t->cpu.rip, 0x100002);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment32);

    trap_at(t, 0x100010, cr4_to_eax, 3, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0);
    t->cpu.gpr[CPU_RAX] |= PV_CR4_PAE;
    trap_at(t, 0x100018, eax_to_cr4, 3, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.cr4, PV_CR4_PAE);
    t->cpu.gpr[CPU_RAX] = CPU_PML4;
    trap_at(t, 0x100020, eax_to_cr3, 3, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.cr3, CPU_PML4);
    assert_int_equal(t->paging_what, PV_PAGING_CR3);

    t->cpu.gpr[CPU_RCX] = 0xc0000080;
    trap_at(t, 0x100030, rdmsr, 2, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.gpr[CPU_RAX], 0);
    assert_int_equal(t->cpu.gpr[CPU_RDX], 0);
    t->cpu.gpr[CPU_RAX] |= PV_EFER_LME | PV_EFER_NXE;
    trap_at(t, 0x100038, wrmsr, 2, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.efer, PV_EFER_LME | PV_EFER_NXE);

    trap_at(t, 0x100040, cr0_to_eax, 3, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.gpr[CPU_RAX], PV_CR0_PE | PV_CR0_ET);
    t->cpu.gpr[CPU_RAX] |= PV_CR0_PE | PV_CR0_NE | PV_CR0_WP | PV_CR0_PG;
    unsigned paging_calls = t->paging_calls;
    trap_at(t, 0x100048, eax_to_cr0, 3, 13, seL4_X86_CodeSegment32);
    /* Paging on with LME: IA-32e mode is active, but CS is still 32-bit code. */
    assert_int_not_equal(t->cpu.efer & PV_EFER_LMA, 0);
    assert_int_equal(t->cpu.mode, PV_MODE_COMPAT);
    assert_int_equal(t->paging_calls, paging_calls + 1);
    assert_int_not_equal(t->paging_last.cr0 & PV_CR0_PG, 0);

    trap_at(t, 0x100050, lgdt, 7, 13, seL4_X86_CodeSegment32);
    assert_int_equal(t->cpu.gdtr.base, BOOT_GDT);
    assert_int_equal(t->cpu.gdtr.limit, 0x17);
    /* The far jump through the guest's GDT: 64-bit code at last. */
    trap_at(t, 0x100060, ljmp, 7, 13, seL4_X86_CodeSegment64);
    assert_int_equal(t->cpu.rip, BOOT_LONG);
    assert_int_equal(t->cpu.mode, PV_MODE_LONG);
    assert_int_equal(t->cpu.seg[PV_SEG_CS].selector, 0x08);

    t->cpu.gpr[CPU_RAX] = 0x10;
    trap_at(t, BOOT_LONG, ax_to_ds, 2, 13, seL4_X86_CodeSegment64);
    assert_int_equal(t->cpu.seg[PV_SEG_DS].selector, 0x10);
    trap_at(t, BOOT_LONG + 2, ax_to_ss, 2, 13, seL4_X86_CodeSegment64);
    assert_int_equal(t->cpu.seg[PV_SEG_SS].selector, 0x10);
    assert_int_equal(t->cpu.rip, BOOT_LONG + 4);
}

/* Linux's 32-bit entry leaves compatibility mode with push $cs; push $target; lret. The LRET
 * (one byte) is an INT3 patch: #BP reports the byte after it. */
static void test_lret_into_long_mode(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t lret[] = {0xcb};
    uint32_t stack[2] = {BOOT_LONG, 0x08};
    pv_outcome_t out;

    boot_tables(t);
    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0x5000);
    t->cpu.cr4 = PV_CR4_PAE;
    t->cpu.cr3 = CPU_PML4;
    t->cpu.efer = PV_EFER_LME | PV_EFER_LMA;
    t->cpu.cr0 |= PV_CR0_PG;
    t->cpu.mode = PV_MODE_COMPAT;
    t->cpu.gdtr = (pv_table_register_t){BOOT_GDT, 0x17};
    t->cpu.gpr[CPU_RSP] = BOOT_STACK - 8;
    cpu_test_put(t, BOOT_STACK - 8, stack, sizeof(stack));
    t->cpu.rip = 0x100071; /* the #BP's RIP */
    assert_int_equal(pv_cpu_handle_patch_site(&t->cpu, &t->env, 0x100070, lret, 1, &out),
                     PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.rip, BOOT_LONG);
    assert_int_equal(t->cpu.mode, PV_MODE_LONG);
    assert_int_equal(t->cpu.gpr[CPU_RSP], BOOT_STACK);
    assert_int_equal(out.code_segment, seL4_X86_CodeSegment64);
}

/* What the boot path refuses: paging with LME but no PAE (#GP, and the 32-bit boot code has no
 * 64-bit IDT to take it: the VM ends with a report), real mode, and paging off from 64-bit code. */
static void test_boot_refusals(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t eax_to_cr0[] = {0x0f, 0x22, 0xc0};
    pv_outcome_t out;

    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0);
    t->cpu.efer = PV_EFER_LME;
    t->cpu.gpr[CPU_RAX] = PV_CR0_PE | PV_CR0_PG;
    assert_int_equal(cpu_test_exec(t, eax_to_cr0, 3, 13, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);
    assert_int_equal(out.report.rip, 0x100000);
    assert_int_equal(t->cpu.cr0, PV_CR0_PE | PV_CR0_ET);

    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0);
    t->cpu.gpr[CPU_RAX] = 0;
    assert_int_equal(cpu_test_exec(t, eax_to_cr0, 3, 13, 0, &out), PV_OUTCOME_END);
    assert_int_equal(out.reason, PV_END_UNSUPPORTED);

    /* PAE paging without LME is legacy PAE mode: allowed, no IA-32e. */
    pv_cpu_boot_pvh(&t->cpu, 0x100000, 0);
    t->cpu.cr4 = PV_CR4_PAE;
    t->cpu.cr3 = CPU_PML4;
    t->cpu.gpr[CPU_RAX] = PV_CR0_PE | PV_CR0_PG;
    assert_int_equal(cpu_test_exec(t, eax_to_cr0, 3, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->cpu.mode, PV_MODE_PROTECTED32);
    assert_int_equal(t->cpu.efer & PV_EFER_LMA, 0);
}

/* 32-bit port output on the boot path (the "no long mode" message): OUT in protected mode. */
static void test_boot_port_output(void **state)
{
    cpu_test_t *t = *state;
    static const uint8_t out_dx_al[] = {0xee};
    pv_outcome_t out;

    pv_cpu_boot_multiboot1(&t->cpu, 0x100000, 0);
    t->cpu.gpr[CPU_RAX] = 't';
    t->cpu.gpr[CPU_RDX] = 0x3f8;
    assert_int_equal(cpu_test_exec(t, out_dx_al, 1, 13, 0, &out), PV_OUTCOME_RESUME);
    assert_int_equal(t->io_count, 1);
    assert_int_equal(t->io[0].port, 0x3f8);
    assert_int_equal(t->io[0].value, 't');
    assert_int_equal(t->cpu.rip, 0x100001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_entry_states, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_pvh_to_long_mode, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_lret_into_long_mode, cpu_test_setup,
                                            cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_boot_refusals, cpu_test_setup, cpu_test_teardown),
            cmocka_unit_test_setup_teardown(test_boot_port_output, cpu_test_setup,
                                            cpu_test_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
