/*
 * The PV vCPU's state and the conversion to and from the kernel's fault messages: reset, the
 * boot entries, the host's view of RFLAGS and the code segment, and the guest's paging state.
 * The event entry points are in cpu_event.c.
 */
#include <pv/cpu_desc.h>

/* Power-on values (SDM Vol. 3A 9.1.1, Table 9-1). */
#define RESET_CR0  (PV_CR0_ET | PV_CR0_NW | PV_CR0_CD)
#define RESET_DR6  0xffff0ff0ull
#define RESET_DR7  0x400ull
#define RESET_PAT  0x0007040600070406ull
#define RESET_XCR0 1ull

#define BOOT_CODE_SELECTOR 0x10u
#define BOOT_DATA_SELECTOR 0x18u
#define BOOT_TSS_SELECTOR  0x20u

/* Flat descriptors (limit 4 GiB, base 0) for the caches of the boot entries. */
#define FLAT_CODE32 0x00cf9b000000ffffull /* present, DPL 0, code read/execute, accessed, D */
#define FLAT_DATA32 0x00cf93000000ffffull /* present, DPL 0, data read/write, accessed, B */
#define CODE64      0x00af9b000000ffffull /* present, DPL 0, code, L */
#define TSS32_BUSY  0x00008b0000000067ull /* present, 32-bit busy TSS, limit 0x67 (PVH) */

void pv_cpu_init(pv_cpu_t *cpu, const pv_cpu_config_t *config)
{
    __builtin_memset(cpu, 0, sizeof(*cpu));
    cpu->config = *config;
    if (cpu->config.max_rep == 0) {
        cpu->config.max_rep = 4096;
    }
    cpu->rflags = PV_RFLAGS_FIXED;
    cpu->cr0 = RESET_CR0;
    cpu->dr[6] = RESET_DR6;
    cpu->dr[7] = RESET_DR7;
    cpu->pat = RESET_PAT;
    cpu->xcr0 = RESET_XCR0;
    for (unsigned i = 0; i < PV_SEG_COUNT; i++) {
        cpu->seg[i] = pv_segment_null(0);
    }
    cpu->ldtr = pv_segment_null(0);
    cpu->tr = pv_segment_null(0);
    cpu->idtr.limit = 0xffff;
    cpu->gdtr.limit = 0xffff;
}

/* The state both 32-bit entries share (PVH and multiboot1: flat protected mode, paging off). */
static void boot_protected32(pv_cpu_t *cpu, uint32_t entry)
{
    cpu->mode = PV_MODE_PROTECTED32;
    cpu->cpl = 0;
    cpu->rip = entry;
    cpu->rflags = PV_RFLAGS_FIXED;
    cpu->cr0 = PV_CR0_PE | PV_CR0_ET;
    cpu->cr4 = 0;
    cpu->efer = 0;
    cpu->seg[PV_SEG_CS] = pv_segment_from_descriptor(BOOT_CODE_SELECTOR, FLAT_CODE32);
    for (unsigned i = 0; i < PV_SEG_COUNT; i++) {
        if (i != PV_SEG_CS) {
            cpu->seg[i] = pv_segment_from_descriptor(BOOT_DATA_SELECTOR, FLAT_DATA32);
        }
    }
    cpu->tr = pv_segment_from_descriptor(BOOT_TSS_SELECTOR, TSS32_BUSY);
    cpu->ldtr = pv_segment_null(0);
    cpu->halted = false;
    cpu->interrupt_shadow = false;
}

void pv_cpu_boot_pvh(pv_cpu_t *cpu, uint32_t entry, uint32_t start_info)
{
    boot_protected32(cpu, entry);
    cpu->gpr[X86DEC_GPR_RBX] = start_info;
}

void pv_cpu_boot_multiboot1(pv_cpu_t *cpu, uint32_t entry, uint32_t info)
{
    boot_protected32(cpu, entry);
    cpu->gpr[X86DEC_GPR_RAX] = PV_MULTIBOOT1_MAGIC;
    cpu->gpr[X86DEC_GPR_RBX] = info;
}

void pv_cpu_boot_long(pv_cpu_t *cpu, uint64_t entry, uint64_t cr3, uint64_t stack,
                      uint64_t boot_parameter)
{
    boot_protected32(cpu, 0);
    cpu->mode = PV_MODE_LONG;
    cpu->rip = entry;
    cpu->cr0 = PV_CR0_PE | PV_CR0_ET | PV_CR0_NE | PV_CR0_WP | PV_CR0_PG;
    cpu->cr3 = cr3;
    cpu->cr4 = PV_CR4_PAE;
    cpu->efer = PV_EFER_LME | PV_EFER_LMA | PV_EFER_SCE |
                ((cpu->config.features & PV_CPU_F_NX) != 0 ? PV_EFER_NXE : 0);
    cpu->seg[PV_SEG_CS] = pv_segment_from_descriptor(0x08, CODE64);
    for (unsigned i = 0; i < PV_SEG_COUNT; i++) {
        if (i != PV_SEG_CS) {
            cpu->seg[i] = pv_segment_from_descriptor(0x10, FLAT_DATA32);
        }
    }
    cpu->gpr[X86DEC_GPR_RSP] = stack;
    cpu->gpr[X86DEC_GPR_RSI] = boot_parameter;
}

/* seL4_UserContext order to encoding order and back. */
static const uint8_t context_gpr[16] = {
        seL4_UserContext_RAX, seL4_UserContext_RCX, seL4_UserContext_RDX, seL4_UserContext_RBX,
        seL4_UserContext_RSP, seL4_UserContext_RBP, seL4_UserContext_RSI, seL4_UserContext_RDI,
        seL4_UserContext_R8,  seL4_UserContext_R9,  seL4_UserContext_R10, seL4_UserContext_R11,
        seL4_UserContext_R12, seL4_UserContext_R13, seL4_UserContext_R14, seL4_UserContext_R15,
};

_Static_assert(sizeof(seL4_UserContext) == seL4_UserContext_Count * sizeof(seL4_Word),
               "the register block is an array of words");

seL4_Word pv_cpu_code_segment(const pv_cpu_t *cpu)
{
    return cpu->mode == PV_MODE_LONG ? seL4_X86_CodeSegment64 : seL4_X86_CodeSegment32;
}

pv_view_t pv_cpu_view(const pv_cpu_t *cpu)
{
    return cpu->cpl == 3 ? PV_VIEW_USER : PV_VIEW_KERNEL;
}

bool pv_cpu_load_message(pv_cpu_t *cpu, const seL4_Word *message)
{
    seL4_UserContext regs;

    __builtin_memcpy(&regs, message, sizeof(regs));
    return pv_cpu_load_registers(cpu, &regs, message[seL4_Fault_X86_CodeSegment]);
}

bool pv_cpu_load_registers(pv_cpu_t *cpu, const seL4_UserContext *regs, seL4_Word code_segment)
{
    const seL4_Word *words = (const seL4_Word *)regs;
    uint64_t host_flags = regs->rflags & seL4_RFLAGS_UserMask;

    if (code_segment != pv_cpu_code_segment(cpu)) {
        return false;
    }
    for (unsigned i = 0; i < 16; i++) {
        cpu->gpr[i] = words[context_gpr[i]];
    }
    cpu->rip = regs->rip;
    if (cpu->shadow_step) {
        host_flags = (host_flags & ~PV_RFLAGS_TF) | (cpu->guest_tf ? PV_RFLAGS_TF : 0);
    }
    cpu->rflags = (cpu->rflags & ~(uint64_t)seL4_RFLAGS_UserMask) | host_flags | PV_RFLAGS_FIXED;
    cpu->seg[PV_SEG_FS].base = regs->fs_base;
    cpu->seg[PV_SEG_GS].base = regs->gs_base;
    return true;
}

void pv_cpu_store_registers(const pv_cpu_t *cpu, seL4_UserContext *regs)
{
    seL4_Word *words = (seL4_Word *)regs;
    uint64_t flags = (cpu->rflags & seL4_RFLAGS_UserMask) | PV_RFLAGS_FIXED | PV_RFLAGS_IF;

    for (unsigned i = 0; i < 16; i++) {
        words[context_gpr[i]] = cpu->gpr[i];
    }
    if (cpu->shadow_step) {
        flags |= PV_RFLAGS_TF;
    }
    regs->rip = cpu->rip;
    regs->rflags = flags;
    regs->fs_base = cpu->seg[PV_SEG_FS].base;
    regs->gs_base = cpu->seg[PV_SEG_GS].base;
}

pv_paging_t pv_cpu_paging(const pv_cpu_t *cpu)
{
    return (pv_paging_t){.cr0 = cpu->cr0,
                         .cr3 = cpu->cr3,
                         .cr4 = cpu->cr4,
                         .efer = cpu->efer,
                         .phys_addr_bits = cpu->config.phys_addr_bits};
}
