/*
 * user: ring 3 and the ways in and out. Ring 3 is entered by IRETQ and by SYSRET with the
 * selectors STAR gives; SYSCALL comes back through LSTAR with SFMASK applied, RCX and R11 as
 * the architecture defines, and SWAPGS exchanging the user's GS base for the kernel's. INT n
 * reaches a DPL 3 gate and raises #GP on a DPL 0 one. FS and GS bases set by WRMSR are what
 * ring 3 addresses through FS and GS; WRFSBASE works in ring 3 only with CR4.FSGSBASE.
 */
#include "check.h"
#include "cpu.h"
#include "desc.h"
#include "programs.h"
#include "traps.h"
#include "user.h"
#include "user_code.h"
#include "vectors.h"

#define USER_FLAGS (RFLAGS_IF)

static uint64_t fs_word USER_DATA = 0xf5f5f5f5f5f5f5f5ull;
static uint64_t gs_word USER_DATA = 0x6565656565656565ull;
static uint64_t int_user_cs;

static user_result_t run_in_ring3(user_entry_kind_t how, uint64_t (*entry)(uint64_t), uint64_t arg)
{
    user_run_t run = {how, entry, arg, USER_FLAGS, 0, 0};
    return user_run(&run);
}

static void entries(void)
{
    static const char *const names[] = {"IRETQ", "SYSRET"};
    for (int how = USER_ENTER_IRETQ; how <= USER_ENTER_SYSRET; how++) {
        user_result_t cs = run_in_ring3((user_entry_kind_t)how, user_read_cs, 0);
        user_result_t ss = run_in_ring3((user_entry_kind_t)how, user_read_ss, 0);
        user_result_t flags = run_in_ring3((user_entry_kind_t)how, user_read_rflags, 0);
        check(!cs.faulted && cs.value == (SEL_USER_CODE | RPL_USER) && !ss.faulted &&
                      ss.value == (SEL_USER_DATA | RPL_USER),
              "%s enters ring 3 with CS %#x and SS %#x", names[how], SEL_USER_CODE | RPL_USER,
              SEL_USER_DATA | RPL_USER);
        check(!flags.faulted && (flags.value & (RFLAGS_IF | RFLAGS_IOPL)) == RFLAGS_IF,
              "%s: ring 3 runs with IF set and IOPL 0", names[how]);
    }
}

static void syscalls(void)
{
    user_result_t r = run_in_ring3(USER_ENTER_IRETQ, user_syscall_record, 0x77);
    check(!r.faulted && r.value == 0x77, "SYSCALL and SYSRET carry a value both ways");
    check_eq(syscall_last.rcx, (uint64_t)(uintptr_t)user_syscall_record_return,
             "SYSCALL: RCX holds the address of the next instruction");
    check_eq(syscall_last.r11 & (RFLAGS_IF | RFLAGS_IOPL | 2), RFLAGS_IF | 2,
             "SYSCALL: R11 holds the user RFLAGS");
    check_eq(syscall_last.rflags_in_kernel & SYSCALL_SFMASK, 0,
             "SYSCALL: SFMASK cleared IF, TF, DF, AC and NT in ring 0");
    check_eq(syscall_last.user_rsp, user_stack_top() - 8,
             "SYSCALL: RSP is still the user stack pointer");
    check_eq(syscall_last.gs_base_after_swapgs, percpu_address(),
             "SWAPGS in the SYSCALL entry brings in the kernel's GS base");

    user_run_t run = {USER_ENTER_SYSRET, user_syscall_record, 1, USER_FLAGS, 0x123450, 0};
    r = user_run(&run);
    check(!r.faulted && syscall_last.kernel_gs_base_after_swapgs == 0x123450,
          "SWAPGS keeps the user's GS base in KERNEL_GS_BASE");
}

static void segment_bases(void)
{
    user_run_t run = {USER_ENTER_IRETQ,
                      user_read_gs0,
                      0,
                      USER_FLAGS,
                      (uint64_t)(uintptr_t)&gs_word,
                      (uint64_t)(uintptr_t)&fs_word};
    user_result_t r = user_run(&run);
    check(!r.faulted && r.value == gs_word, "GS base set by WRMSR addresses %%gs:0 in ring 3");
    run.entry = user_read_fs0;
    r = user_run(&run);
    check(!r.faulted && r.value == fs_word, "FS base set by WRMSR addresses %%fs:0 in ring 3");

    if (!cpu_has_fsgsbase()) {
        skip("WRFSBASE: CPUID has no FSGSBASE");
        return;
    }
    run.entry = user_wrfsbase_read;
    run.arg = (uint64_t)(uintptr_t)&gs_word;
    r = user_run(&run);
    check(r.faulted && r.trap.vector == VECTOR_UD,
          "WRFSBASE in ring 3 with CR4.FSGSBASE clear: #UD");
    write_cr4(read_cr4() | CR4_FSGSBASE);
    r = user_run(&run);
    check(!r.faulted && r.value == gs_word, "WRFSBASE in ring 3 with CR4.FSGSBASE set");
    run.entry = user_rdfsbase;
    run.fs_base = 0x44440000;
    r = user_run(&run);
    check(!r.faulted && r.value == 0x44440000, "RDFSBASE in ring 3 reads what WRMSR set");
    write_cr4(read_cr4() & ~CR4_FSGSBASE);
}

static bool int_user_handler(trap_frame_t *frame)
{
    int_user_cs = frame->cs;
    frame->rax += 0x1000;
    return true;
}

static void software_interrupts(void)
{
    trap_set_handler(VECTOR_INT_USER, int_user_handler);
    user_result_t r = run_in_ring3(USER_ENTER_IRETQ, user_int_user, 5);
    check(!r.faulted && r.value == 0x1005 && int_user_cs == (SEL_USER_CODE | RPL_USER),
          "INT %#x (gate DPL 3) from ring 3 reaches its handler and returns", VECTOR_INT_USER);
    r = run_in_ring3(USER_ENTER_IRETQ, user_int_kernel, 0);
    /* The error code names an IDT entry (bit 1). Hardware puts the vector in bits 15:3;
     * QEMU 7.2 TCG puts twice the vector there, so the index is not compared. */
    check(r.faulted && r.trap.vector == VECTOR_GP && (r.trap.error_code & 7) == 2 &&
                  r.trap.rip == (uint64_t)(uintptr_t)user_int_kernel_insn,
          "INT %#x (gate DPL 0) from ring 3: #GP, error code names the IDT (index not checked)",
          VECTOR_INT_KERNEL);
}

void program_user(void)
{
    entries();
    syscalls();
    segment_bases();
    software_interrupts();
}
