/*
 * The C side of every kernel entry: system calls, exceptions and interrupts from user mode,
 * interrupts that end the idle loop, and the fatal traps. Each handler ends by scheduling and
 * leaving for the current thread; none returns to the entry assembly. A user exception only
 * ever becomes a fault of the thread that caused it; a kernel-mode exception is a kernel bug.
 */
#include <arch/kernel/arch_init.h>
#include <arch/lapic.h>
#include <arch/vectors.h>
#include <kernel/cpu.h>
#include <kernel/fastpath.h>
#include <kernel/faulthandler.h>
#include <kernel/interrupt.h>
#include <kernel/printf.h>
#include <kernel/scheduler.h>
#include <kernel/syscall.h>
#include <sel4/syscalls.h>
#include <arch/object/vspace.h>
#include <arch/virt/vmenter.h>

#define VECTOR_PAGE_FAULT   14
#define PF_ERROR_USER       0x04u
#define PF_ERROR_FETCH      0x10u
#define RFLAGS_ALWAYS_SET   0x202ull
#define SYSCALL_INSN_LENGTH 2

NORETURN void c_handle_syscall(word_t cptr, word_t info, word_t number);
NORETURN void c_handle_trap(void);
NORETURN void c_handle_kernel_trap(arch_context_t *frame);
NORETURN void c_handle_fatal_trap(arch_context_t *frame);

static word_t cr2_read(void)
{
    word_t value;
    __asm__ volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

/* The IPC fast paths first (they leave for the partner directly), then the general path. */
static void syscall_enter(const tcb_t *thread, word_t cptr, word_t info, word_t number)
{
    if (!thread->fault_all_syscalls &&
        ((number == (word_t)seL4_SysCall && fastpath_call(cptr, info)) ||
         (number == (word_t)seL4_SysReplyRecv && fastpath_reply_recv(cptr, info)))) {
        restore_user_context();
    }
    syscall_handle(number);
}

void c_handle_syscall(word_t cptr, word_t info, word_t number)
{
    tcb_t *thread = current_thread();

    thread->arch.fault_ip = arch_reg(&thread->arch, REG_RIP) - SYSCALL_INSN_LENGTH;
    thread->arch.sysret_ok = true;
    syscall_enter(thread, cptr, info, number);
    schedule();
    restore_user_context();
}

void interrupt_dispatch(word_t vector)
{
    if (vector == VECTOR_LAPIC_TIMER) {
        lapic_eoi();
        sched_timer_tick();
    } else if (vector >= VECTOR_IRQ_BASE && vector <= VECTOR_IRQ_LAST) {
        irq_deliver(vector - VECTOR_IRQ_BASE);
        lapic_eoi();
    } else if (vector == VECTOR_SPURIOUS || vector == VECTOR_PIC_SPURIOUS_1 ||
               vector == VECTOR_PIC_SPURIOUS_2) {
        /* spurious: no EOI */
    } else {
        lapic_eoi();
    }
}

/*
 * `int n` to a vector user mode may not use is #GP with error code n * 8 + 2 (IDT), which is
 * what faults.h promises. Two emulators get it wrong: the KVM here raises #UD instead, QEMU 7.2's
 * TCG gives n * 16 + 2. Recognise the instruction (read through the thread's own page tables)
 * and report what the CPU architecture says.
 */
#define OPCODE_INT_IMM8   0xcd
#define VECTOR_INVALID_OP 6
#define VECTOR_GP         13
#define GP_ERROR_IDT      0x2u
#define IDT_ERROR_CODE(v) (((v) << 3) | GP_ERROR_IDT)

static void correct_int_instruction(tcb_t *thread, word_t *vector, word_t *error)
{
    uint8_t bytes[2];
    paddr_t pml4 = cpu_self()->arch.loaded_cr3;

    if (*vector != VECTOR_INVALID_OP && !(*vector == VECTOR_GP && (*error & GP_ERROR_IDT))) {
        return;
    }
    if (!vspace_read_user(pml4, arch_reg(&thread->arch, REG_RIP), bytes, sizeof(bytes)) ||
        bytes[0] != OPCODE_INT_IMM8 || arch_idt_user_gate(bytes[1])) {
        return;
    }
    *vector = VECTOR_GP;
    *error = IDT_ERROR_CODE((word_t)bytes[1]);
}

static void handle_user_exception(tcb_t *thread, word_t vector, word_t error)
{
    correct_int_instruction(thread, &vector, &error);
    if (vector == VECTOR_PAGE_FAULT) {
        thread->fault = fault_vm(cr2_read(), error, (error & PF_ERROR_FETCH) != 0);
    } else {
        thread->fault = fault_user_exception(vector, error);
    }
    fault_handle(thread);
}

void handle_unresumable_rip(tcb_t *thread)
{
    thread->arch.fault_ip = arch_reg(&thread->arch, REG_RIP);
    thread->arch.sysret_ok = false;
    handle_user_exception(thread, VECTOR_GP, 0);
}

/*
 * The KVM used here (kvm_pvm, for a guest that is not PVM-aware) carries out a user-mode SYSCALL
 * halfway: RCX, R11, RFLAGS masking and RIP = IA32_LSTAR, but no switch to CPL 0, so fetching
 * syscall_entry faults in user mode. Such a fault is the system call it stands for. A thread that
 * jumps to syscall_entry on purpose gets exactly what a SYSCALL with its RCX and R11 would give.
 */
extern char syscall_entry[];

static bool syscall_entered_without_privilege(tcb_t *thread)
{
    word_t entry = (word_t)syscall_entry;
    word_t error = arch_reg(&thread->arch, REG_ERROR);

    return arch_reg(&thread->arch, REG_RIP) == entry && cr2_read() == entry &&
           (error & (PF_ERROR_USER | PF_ERROR_FETCH)) == (PF_ERROR_USER | PF_ERROR_FETCH);
}

static void handle_unprivileged_syscall(tcb_t *thread)
{
    arch_tcb_t *arch = &thread->arch;
    word_t rflags = arch_reg(arch, REG_R11);

    arch_set_reg(arch, REG_RIP, arch_reg(arch, REG_RCX));
    arch_set_reg(arch, REG_RFLAGS, (rflags & seL4_RFLAGS_UserMask) | RFLAGS_ALWAYS_SET);
    arch_set_reg(arch, REG_VECTOR, ENTRY_VECTOR_SYSCALL);
    arch_set_reg(arch, REG_ERROR, 0);
    arch->fault_ip = arch_reg(arch, REG_RIP) - SYSCALL_INSN_LENGTH;
    arch->sysret_ok = false; /* this hypervisor's SYSRET is not to be trusted either */
    syscall_enter(thread, arch_reg(arch, REG_RDI), arch_reg(arch, REG_RSI),
                  arch_reg(arch, REG_RDX));
}

void c_handle_trap(void)
{
    tcb_t *thread = current_thread();
    word_t vector = arch_reg(&thread->arch, REG_VECTOR);

    thread->arch.sysret_ok = false;
    thread->arch.fault_ip = arch_reg(&thread->arch, REG_RIP);
    if (vector == VECTOR_PAGE_FAULT && syscall_entered_without_privilege(thread)) {
        handle_unprivileged_syscall(thread);
        schedule();
        restore_user_context();
    }
    if (vector < VECTOR_EXCEPTION_COUNT) {
        if (pv_fast_path(thread, vector, arch_reg(&thread->arch, REG_ERROR))) {
            restore_user_context();
        }
        handle_user_exception(thread, vector, arch_reg(&thread->arch, REG_ERROR));
    } else {
        interrupt_dispatch(vector);
    }
    schedule();
    restore_user_context();
}

static NORETURN void kernel_trap_panic(const char *what, const arch_context_t *frame)
{
    const word_t *r = frame->regs;

    kpanic("%s: vector %lu error %#lx rip %#lx cs %#lx rflags %#lx rsp %#lx\n"
           "rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx rbp %#lx\n"
           "r8 %#lx r9 %#lx r10 %#lx r11 %#lx r12 %#lx r13 %#lx r14 %#lx r15 %#lx cr2 %#lx",
           what, r[REG_VECTOR], r[REG_ERROR], r[REG_RIP], r[REG_CS], r[REG_RFLAGS], r[REG_RSP],
           r[REG_RAX], r[REG_RBX], r[REG_RCX], r[REG_RDX], r[REG_RSI], r[REG_RDI], r[REG_RBP],
           r[REG_R8], r[REG_R9], r[REG_R10], r[REG_R11], r[REG_R12], r[REG_R13], r[REG_R14],
           r[REG_R15], cr2_read());
}

/* The interrupt window after a guest's run (entry.S), where a host interrupt is expected. */
static bool in_vcpu_interrupt_window(word_t rip)
{
    return rip == (word_t)vcpu_interrupt_window_open || rip == (word_t)vcpu_interrupt_window_close;
}

void c_handle_kernel_trap(arch_context_t *frame)
{
    word_t vector = frame->regs[REG_VECTOR];

    /* Only the idle loop and the interrupt window after a guest's run enable interrupts in the
     * kernel; the interrupted frame is dropped either way. */
    if (vector >= VECTOR_EXCEPTION_COUNT) {
        cpu_t *cpu = cpu_self();
        if (cpu->current == cpu->idle || in_vcpu_interrupt_window(frame->regs[REG_RIP])) {
            interrupt_dispatch(vector);
            arch_reschedule_on_fresh_stack();
        }
    }
    kernel_trap_panic("exception in kernel mode", frame);
}

void c_handle_fatal_trap(arch_context_t *frame)
{
    kernel_trap_panic("fatal trap (NMI, double fault or machine check)", frame);
}
