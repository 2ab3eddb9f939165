/*
 * seL4_DebugHostStateCheck: the processor state the isolation audit (docs/kernel.md) lists,
 * compared with what the kernel set at boot and with the calling thread's own FS/GS bases. The
 * kernel suite calls it before and after guests run, to see that every VM exit put the host back.
 * It answers with a mask of differing items and never with a value (kernel addresses stay hidden).
 */
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <kernel/arch_vcpu.h>
#include <kernel/cpu.h>
#include <sel4/syscalls.h>

#define MSR_SYSENTER_CS    0x00000174u
#define MSR_PAT            0x00000277u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX        0xc0000103u
#define MSR_STAR           0xc0000081u
#define SYSENTER_MSRS      3u

enum {
    CHECK_GDTR = 0,
    CHECK_IDTR,
    CHECK_SELECTORS,
    CHECK_CR0,
    CHECK_CR4,
    CHECK_EFER,
    CHECK_PAT,
    CHECK_SYSCALL_MSRS,
    CHECK_SYSENTER_MSRS,
    CHECK_FS_BASE,
    CHECK_GS_BASE,
    CHECK_KERNEL_GS_BASE,
    CHECK_DEBUG_REGISTERS,
    CHECK_TSC_AUX,
    CHECK_TASK_PRIORITY,
};

typedef struct {
    uint16_t limit;
    uint64_t base;
} PACKED table_register_t;

/* What boot left, recorded once the kernel's set-up is complete (boot_kernel.c). */
static struct {
    uint64_t cr0, cr4, efer, pat;
    uint64_t debug[6]; /* DR0-DR3, DR6, DR7 */
} boot_state;

static void debug_registers_read(uint64_t values[6])
{
    __asm__ volatile("mov %%dr0, %0\n\t"
                     "mov %%dr1, %1\n\t"
                     "mov %%dr2, %2\n\t"
                     "mov %%dr3, %3\n\t"
                     "mov %%dr6, %4\n\t"
                     "mov %%dr7, %5"
                     : "=r"(values[0]), "=r"(values[1]), "=r"(values[2]), "=r"(values[3]),
                       "=r"(values[4]), "=r"(values[5]));
}

BOOT_CODE void host_state_record(void)
{
    boot_state.cr0 = cr0_read();
    boot_state.cr4 = cr4_read();
    boot_state.efer = msr_read(MSR_EFER);
    boot_state.pat = msr_read(MSR_PAT);
    debug_registers_read(boot_state.debug);
}

static word_t tables_check(const arch_cpu_t *arch)
{
    table_register_t gdtr;
    table_register_t idtr;
    uint16_t tr;
    uint16_t ldtr;
    word_t differ = 0;

    __asm__ volatile("sgdt %0\n\t"
                     "sidt %1\n\t"
                     "str %2\n\t"
                     "sldt %3"
                     : "=m"(gdtr), "=m"(idtr), "=r"(tr), "=r"(ldtr));
    if (gdtr.base != (uint64_t)arch->gdt || gdtr.limit != sizeof(arch->gdt) - 1) {
        differ |= BIT(CHECK_GDTR);
    }
    if (idtr.base != arch_idt_base() || idtr.limit != arch_idt_limit()) {
        differ |= BIT(CHECK_IDTR);
    }
    if (tr != SEL_TSS || ldtr != 0) {
        differ |= BIT(CHECK_SELECTORS);
    }
    return differ;
}

static word_t msrs_check(void)
{
    uint64_t syscall[ARCH_SYSCALL_MSR_COUNT];
    word_t differ = 0;

    arch_syscall_msr_values(syscall);
    for (unsigned i = 0; i < ARCH_SYSCALL_MSR_COUNT; i++) {
        if (msr_read(MSR_STAR + i) != syscall[i]) {
            differ |= BIT(CHECK_SYSCALL_MSRS);
        }
    }
    for (unsigned i = 0; i < SYSENTER_MSRS; i++) {
        if (msr_read(MSR_SYSENTER_CS + i) != 0) {
            differ |= BIT(CHECK_SYSENTER_MSRS);
        }
    }
    if (msr_read(MSR_EFER) != boot_state.efer) {
        differ |= BIT(CHECK_EFER);
    }
    if (msr_read(MSR_PAT) != boot_state.pat) {
        differ |= BIT(CHECK_PAT);
    }
    if ((cpu_features()->rdtscp || cpu_features()->rdpid) && msr_read(MSR_TSC_AUX) != 0) {
        differ |= BIT(CHECK_TSC_AUX);
    }
    return differ;
}

word_t arch_host_state_check(const tcb_t *thread)
{
    const arch_cpu_t *arch = &cpu_self()->arch;
    uint64_t debug[6];
    word_t cr8;
    word_t differ = tables_check(arch) | msrs_check();

    if (cr0_read() != boot_state.cr0) {
        differ |= BIT(CHECK_CR0);
    }
    if (cr4_read() != boot_state.cr4) {
        differ |= BIT(CHECK_CR4);
    }
    /* The caller's bases as it entered: FS in IA32_FS_BASE, its GS swapped to KERNEL_GS_BASE. */
    if (msr_read(MSR_FS_BASE) != thread->arch.fs_base) {
        differ |= BIT(CHECK_FS_BASE);
    }
    if (msr_read(MSR_KERNEL_GS_BASE) != thread->arch.gs_base) {
        differ |= BIT(CHECK_GS_BASE);
    }
    if (msr_read(MSR_GS_BASE) != (uint64_t)cpu_self()) {
        differ |= BIT(CHECK_KERNEL_GS_BASE);
    }
    debug_registers_read(debug);
    for (unsigned i = 0; i < 6; i++) {
        if (debug[i] != boot_state.debug[i]) {
            differ |= BIT(CHECK_DEBUG_REGISTERS);
        }
    }
    __asm__ volatile("mov %%cr8, %0" : "=r"(cr8));
    if (cr8 != 0) {
        differ |= BIT(CHECK_TASK_PRIORITY);
    }
    return differ;
}
