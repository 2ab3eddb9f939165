/*
 * Boot CPU set-up for the kernel core: this CPU's GDT (kernel and user segments in the order
 * SYSCALL/SYSRET need, and the TSS), a null LDT, the IDT (a gate per vector; only #BP and #OF
 * reachable from user mode by `int`), the SYSCALL and SYSENTER MSRs, TSC_AUX, the debug
 * registers, the per-CPU GS base and the PAT. Every value a user thread could reach or be
 * shaped by is written here explicitly (docs/kernel.md has the table). Boot-only, except the
 * reloads a VM exit needs (descriptor-table limits, SYSCALL MSRs) and the values the host-state
 * check compares against.
 */
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/fpu.h>
#include <kernel/cpu.h>
#include <kernel/string.h>
#include <stddef.h>

#define MSR_SYSENTER_CS    0x00000174u
#define MSR_SYSENTER_ESP   0x00000175u
#define MSR_SYSENTER_EIP   0x00000176u
#define MSR_PAT            0x00000277u
#define MSR_STAR           0xc0000081u
#define MSR_LSTAR          0xc0000082u
#define MSR_CSTAR          0xc0000083u
#define MSR_FMASK          0xc0000084u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX        0xc0000103u

/* DR7 with every breakpoint disabled (bit 10 reads as 1), DR6 with no condition recorded. */
#define DR7_DISABLED 0x400ull
#define DR6_CLEAR    0xffff0ff0ull

/* RFLAGS bits cleared on SYSCALL: TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_FLAG_MASK 0x47700ull

/* PAT: 0 WB, 1 WT, 2 UC-, 3 UC, 4 WC, 5 WT, 6 UC-, 7 UC (entry 4 differs from the reset value
 * so that seL4_X86_WriteCombining has an index; see object/frame.c). */
#define PAT_VALUE 0x0007040100070406ull

/* Segment descriptors (Intel SDM vol. 3, 3.4.5): flat, 64-bit code with L set. */
#define GDT_KERNEL_CODE    0x00af9a000000ffffull
#define GDT_KERNEL_DATA    0x00cf92000000ffffull
#define GDT_USER_CODE32    0x00cffa000000ffffull
#define GDT_USER_DATA      0x00cff2000000ffffull
#define GDT_USER_CODE      0x00affa000000ffffull
#define TSS_TYPE_AVAILABLE 0x9ull
#define DESCRIPTOR_PRESENT BIT(47)

/* IDT gate: 64-bit interrupt gate (Intel SDM vol. 3, 6.14.1). */
#define GATE_TYPE_INTERRUPT 0xeu
#define GATE_PRESENT        0x80u
#define GATE_DPL_USER       0x60u

#define VECTOR_DEBUG      1
#define VECTOR_NMI        2
#define VECTOR_BREAKPOINT 3
#define VECTOR_OVERFLOW   4
#define VECTOR_DOUBLE     8
#define VECTOR_MACHINE    18
#define IDT_ENTRIES       256
#define TRAP_STUB_SIZE    16

typedef struct {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
} PACKED idt_gate_t;

typedef struct {
    uint16_t limit;
    uint64_t base;
} PACKED descriptor_pointer_t;

_Static_assert(offsetof(arch_cpu_t, self) == CPU_SELF, "entry code offset");
_Static_assert(offsetof(arch_cpu_t, kernel_stack_top) == CPU_KERNEL_STACK_TOP, "entry offset");
_Static_assert(offsetof(arch_cpu_t, user_rsp_scratch) == CPU_USER_RSP_SCRATCH, "entry offset");
_Static_assert(offsetof(arch_cpu_t, context_top) == CPU_CONTEXT_TOP, "entry offset");
_Static_assert(offsetof(cpu_t, arch) == 0, "arch part first");

#define KERNEL_STACK_SIZE 0x4000

static uint8_t kernel_stack[KERNEL_STACK_SIZE] ALIGNED(16);
static uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE] ALIGNED(16);
static idt_gate_t idt[IDT_ENTRIES] ALIGNED(16);

extern char trap_stubs[];
extern char syscall_entry[];
extern char syscall_compat_entry[];

static void descriptor_tables_load(const arch_cpu_t *arch)
{
    descriptor_pointer_t gdt = {.limit = sizeof(arch->gdt) - 1, .base = (uint64_t)arch->gdt};
    descriptor_pointer_t idt_pointer = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};

    __asm__ volatile("lgdt %0\n\t"
                     "lidt %1"
                     :
                     : "m"(gdt), "m"(idt_pointer)
                     : "memory");
}

void arch_descriptor_tables_reload(void)
{
    descriptor_tables_load(&cpu_self()->arch);
}

word_t arch_idt_base(void)
{
    return (word_t)idt;
}

word_t arch_idt_limit(void)
{
    return sizeof(idt) - 1;
}

BOOT_CODE static void gdt_init(arch_cpu_t *arch)
{
    uint64_t tss_base = (uint64_t)&arch->tss;
    uint64_t tss_limit = sizeof(tss_t) - 1;

    arch->gdt[0] = 0;
    arch->gdt[SEL_KERNEL_CODE / 8] = GDT_KERNEL_CODE;
    arch->gdt[SEL_KERNEL_DATA / 8] = GDT_KERNEL_DATA;
    arch->gdt[SEL_USER_CODE32 / 8] = GDT_USER_CODE32;
    arch->gdt[SEL_USER_DATA / 8] = GDT_USER_DATA;
    arch->gdt[SEL_USER_CODE / 8] = GDT_USER_CODE;
    arch->gdt[SEL_TSS / 8] = (tss_limit & 0xffff) | ((tss_base & 0xffffff) << 16) |
                             (TSS_TYPE_AVAILABLE << 40) | DESCRIPTOR_PRESENT |
                             (((tss_base >> 24) & 0xff) << 56);
    arch->gdt[SEL_TSS / 8 + 1] = tss_base >> 32;

    memset(&arch->tss, 0, sizeof(arch->tss));
    for (unsigned ist = 1; ist <= IST_COUNT; ist++) {
        arch->tss.ist[ist - 1] = (uint64_t)&ist_stacks[ist - 1][IST_STACK_SIZE];
    }
    arch->tss.io_map_base = sizeof(tss_t); /* no I/O bitmap: user port access faults */

    /* LDTR gets the null selector: its reset state (base 0, limit 0xffff) would make every
     * selector with TI set read a descriptor from address 0 of the running address space,
     * which its thread may have mapped with a call gate into the kernel. */

    descriptor_pointer_t pointer = {.limit = sizeof(arch->gdt) - 1, .base = (uint64_t)arch->gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs\n\t"
                     "lldt %%ax\n\t"
                     "ltr %w3"
                     :
                     : "m"(pointer), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS)
                     : "rax", "memory");
}

BOOT_CODE static void idt_set_gate(unsigned vector, uint64_t handler, unsigned ist, bool user)
{
    idt_gate_t *gate = &idt[vector];

    gate->offset_low = (uint16_t)handler;
    gate->selector = SEL_KERNEL_CODE;
    gate->ist = (uint8_t)ist;
    gate->type_attributes = GATE_PRESENT | GATE_TYPE_INTERRUPT | (user ? GATE_DPL_USER : 0);
    gate->offset_middle = (uint16_t)(handler >> 16);
    gate->offset_high = (uint32_t)(handler >> 32);
    gate->reserved = 0;
}

bool arch_idt_user_gate(word_t vector)
{
    return vector == VECTOR_BREAKPOINT || vector == VECTOR_OVERFLOW;
}

BOOT_CODE static void idt_init(void)
{
    for (unsigned vector = 0; vector < IDT_ENTRIES; vector++) {
        uint64_t handler = (uint64_t)trap_stubs + (uint64_t)vector * TRAP_STUB_SIZE;
        unsigned ist = 0;
        if (vector == VECTOR_DOUBLE) {
            ist = IST_DOUBLE_FAULT;
        } else if (vector == VECTOR_NMI || vector == VECTOR_MACHINE) {
            ist = IST_NMI_MCE;
        } else if (vector == VECTOR_DEBUG) {
            ist = IST_DEBUG;
        }
        idt_set_gate(vector, handler, ist, arch_idt_user_gate(vector));
    }
    descriptor_pointer_t pointer = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

/*
 * SYSCALL from 64-bit mode enters at syscall_entry. From compatibility mode, which user threads
 * may enter through the 32-bit code segment, AMD CPUs enter at IA32_CSTAR (Intel CPUs raise #UD
 * themselves): syscall_compat_entry turns it into that same #UD, so a thread sees one behaviour
 * on every CPU and never reaches the kernel's syscall path from 32-bit code. SYSENTER is refused
 * by a null IA32_SYSENTER_CS (#GP on Intel; AMD CPUs raise #UD in long mode).
 */
void arch_syscall_msr_values(uint64_t values[ARCH_SYSCALL_MSR_COUNT])
{
    values[0] = ((uint64_t)SEL_USER_CODE32 << 48) | ((uint64_t)SEL_KERNEL_CODE << 32);
    values[1] = (uint64_t)syscall_entry;
    values[2] = (uint64_t)syscall_compat_entry;
    values[3] = SYSCALL_FLAG_MASK;
}

void arch_syscall_msrs_restore(void)
{
    uint64_t values[ARCH_SYSCALL_MSR_COUNT];

    arch_syscall_msr_values(values);
    for (unsigned i = 0; i < ARCH_SYSCALL_MSR_COUNT; i++) {
        msr_write(MSR_STAR + i, values[i]);
    }
}

BOOT_CODE static void syscall_msrs_init(cpu_t *cpu)
{
    msr_write(MSR_EFER, msr_read(MSR_EFER) | EFER_SCE);
    arch_syscall_msrs_restore();
    msr_write(MSR_SYSENTER_CS, 0);
    msr_write(MSR_SYSENTER_ESP, 0);
    msr_write(MSR_SYSENTER_EIP, 0);
    msr_write(MSR_FS_BASE, 0);
    msr_write(MSR_GS_BASE, (uint64_t)cpu);
    msr_write(MSR_KERNEL_GS_BASE, 0);
}

/*
 * State user mode can read but not write: TSC_AUX (RDTSCP, RDPID) holds the CPU number, 0 here,
 * where the CPU has it; the debug registers hold no breakpoint (a loader's breakpoint would
 * trap in the kernel, and MOV DR faults in user mode, so nobody could clear it).
 */
BOOT_CODE static void user_visible_state_init(void)
{
    if (cpu_features()->rdtscp || cpu_features()->rdpid) {
        msr_write(MSR_TSC_AUX, 0);
    }
    __asm__ volatile("mov %0, %%dr0\n\t"
                     "mov %0, %%dr1\n\t"
                     "mov %0, %%dr2\n\t"
                     "mov %0, %%dr3\n\t"
                     "mov %1, %%dr6\n\t"
                     "mov %2, %%dr7"
                     :
                     : "r"(0ull), "r"(DR6_CLEAR), "r"(DR7_DISABLED));
}

BOOT_CODE void arch_cpu_init(cpu_t *cpu)
{
    arch_cpu_t *arch = &cpu->arch;

    arch->self = arch;
    arch->kernel_stack_top = (word_t)&kernel_stack[KERNEL_STACK_SIZE];
    arch->fpu_owner = NULL;
    arch->loaded_cr3 = cr3_read();
    arch->fsgs_owner = NULL;
    arch->segment_owner = NULL;
    gdt_init(arch);
    idt_init();
    syscall_msrs_init(cpu);
    msr_write(MSR_PAT, PAT_VALUE);
    user_visible_state_init();
    fpu_init();
}
