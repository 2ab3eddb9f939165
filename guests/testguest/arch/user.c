/*
 * Ring 3 from the kernel side: the SYSCALL MSRs, the per-CPU block SWAPGS exposes, running a
 * user function under trap_probe (so a ring-3 exception comes back as data), and the guest's
 * three system calls.
 */
#include "user.h"

#include "cpu.h"
#include "desc.h"

typedef struct percpu {
    uint64_t self;
    uint64_t kernel_rsp; /* user_entry.S reads these two at fixed offsets */
    uint64_t user_rsp;
} percpu_t;

/* What syscall_entry pushes, lowest address first. */
typedef struct syscall_frame {
    uint64_t rflags_in_kernel, rax, rdi, rsi, rdx, r10, r8, r9, r11, rcx, user_rsp, pad;
} syscall_frame_t;

#define USER_STACK_SIZE 8192

static percpu_t percpu;
static uint8_t user_stack[USER_STACK_SIZE] USER_DATA __attribute__((aligned(4096)));
syscall_snapshot_t syscall_last;

extern char syscall_entry[];
uint64_t user_enter(uint64_t how, uint64_t entry, uint64_t arg, uint64_t rflags, uint64_t user_rsp);
__attribute__((noreturn)) void user_exit(uint64_t value);
uint64_t syscall_dispatch(syscall_frame_t *frame);

uint64_t user_stack_top(void)
{
    return (uint64_t)(uintptr_t)(user_stack + USER_STACK_SIZE);
}

uint64_t percpu_address(void)
{
    return (uint64_t)(uintptr_t)&percpu;
}

void user_init(void)
{
    percpu.self = percpu_address();
    percpu.kernel_rsp = tss_ring0_stack_top();
    /* SYSCALL: CS = STAR[47:32], SS = +8; SYSRET to 64-bit: CS = STAR[63:48] + 16, SS = + 8. */
    wrmsr(MSR_STAR,
          ((uint64_t)(SEL_USER_CODE32 | RPL_USER) << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_SFMASK, SYSCALL_SFMASK);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

uint64_t syscall_dispatch(syscall_frame_t *frame)
{
    switch (frame->rax) {
    case SYS_EXIT:
        user_exit(frame->rdi);
    case SYS_ADD1:
        return frame->rdi + 1;
    case SYS_RECORD:
        syscall_last.rflags_in_kernel = frame->rflags_in_kernel;
        syscall_last.rcx = frame->rcx;
        syscall_last.r11 = frame->r11;
        syscall_last.user_rsp = frame->user_rsp;
        syscall_last.gs_base_after_swapgs = rdmsr(MSR_GS_BASE);
        syscall_last.kernel_gs_base_after_swapgs = rdmsr(MSR_KERNEL_GS_BASE);
        return frame->rdi;
    default:
        return (uint64_t)-1;
    }
}

static uint64_t exit_value;

static void enter_ring3(uint64_t arg)
{
    const user_run_t *run = (const user_run_t *)(uintptr_t)arg;
    exit_value = user_enter(run->how, (uint64_t)(uintptr_t)run->entry, run->arg, run->rflags | 2,
                            user_stack_top());
}

user_result_t user_run(const user_run_t *run)
{
    user_result_t result = {0};
    uint64_t flags = read_rflags();
    irq_disable();
    wrmsr(MSR_KERNEL_GS_BASE, percpu_address());
    wrmsr(MSR_GS_BASE, run->gs_base);
    wrmsr(MSR_FS_BASE, run->fs_base);
    result.faulted = trap_probe(enter_ring3, (uint64_t)(uintptr_t)run, &result.trap);
    if (!result.faulted) {
        result.value = exit_value;
    }
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    wrmsr(MSR_FS_BASE, 0);
    write_rflags(flags);
    return result;
}
