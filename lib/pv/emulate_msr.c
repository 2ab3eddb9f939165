/*
 * MSRs, CPUID and the time stamp: RDMSR and WRMSR through the VMM's MSR policy (the vCPU's own
 * registers read and loaded here), CPUID through its CPUID policy, RDTSC and RDTSCP with CR4.TSD,
 * RDPID, XGETBV and XSETBV (SDM Vol. 2 for each instruction; Vol. 4 for the MSR numbers).
 */
#include <pv/emulate.h>

#define MSR_TSC            0x10u
#define MSR_SYSENTER_CS    0x174u
#define MSR_SYSENTER_ESP   0x175u
#define MSR_SYSENTER_EIP   0x176u
#define MSR_PAT            0x277u
#define MSR_EFER           0xc0000080u
#define MSR_STAR           0xc0000081u
#define MSR_LSTAR          0xc0000082u
#define MSR_CSTAR          0xc0000083u
#define MSR_SFMASK         0xc0000084u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX        0xc0000103u

#define XCR0_X87 0x1ull
#define XCR0_SSE 0x2ull
#define XCR0_AVX 0x4ull

/* The vCPU's register behind a context MSR, or NULL when the index is none of them. */
static uint64_t *context_register(pv_cpu_t *cpu, uint32_t index)
{
    switch (index) {
    case MSR_SYSENTER_CS:
        return &cpu->sysenter_cs;
    case MSR_SYSENTER_ESP:
        return &cpu->sysenter_esp;
    case MSR_SYSENTER_EIP:
        return &cpu->sysenter_eip;
    case MSR_PAT:
        return &cpu->pat;
    case MSR_EFER:
        return &cpu->efer;
    case MSR_STAR:
        return &cpu->star;
    case MSR_LSTAR:
        return &cpu->lstar;
    case MSR_CSTAR:
        return &cpu->cstar;
    case MSR_SFMASK:
        return &cpu->sfmask;
    case MSR_FS_BASE:
        return &cpu->seg[PV_SEG_FS].base;
    case MSR_GS_BASE:
        return &cpu->seg[PV_SEG_GS].base;
    case MSR_KERNEL_GS_BASE:
        return &cpu->kernel_gs_base;
    case MSR_TSC_AUX:
        return &cpu->tsc_aux;
    default:
        return NULL;
    }
}

static void set_edx_eax(pv_cpu_t *cpu, uint64_t value)
{
    cpu->gpr[X86DEC_GPR_RAX] = value & 0xffffffffull;
    cpu->gpr[X86DEC_GPR_RDX] = value >> 32;
}

static uint64_t edx_eax(const pv_cpu_t *cpu)
{
    return (cpu->gpr[X86DEC_GPR_RDX] << 32) | (cpu->gpr[X86DEC_GPR_RAX] & 0xffffffffull);
}

static pv_fault_t emulate_rdmsr(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint32_t index = (uint32_t)cpu->gpr[X86DEC_GPR_RCX];
    uint64_t value = 0;
    const uint64_t *reg;

    if (cpu->cpl != 0) {
        return pv_fault_gp(0);
    }
    switch (emu->env->msr_read(emu->env->context, index, &value)) {
    case PV_MSR_OK:
        break;
    case PV_MSR_CONTEXT:
        reg = context_register(cpu, index);
        if (index == MSR_TSC) {
            value = emu->env->tsc_read(emu->env->context);
        } else if (reg != NULL) {
            value = *reg;
        } else {
            return pv_fault_gp(0);
        }
        break;
    case PV_MSR_GP:
    default:
        return pv_fault_gp(0);
    }
    set_edx_eax(cpu, value);
    return pv_fault_none();
}

/* A context MSR's new value, checked against what the vCPU must never hold. */
static pv_fault_t write_context(pv_emu_t *emu, uint32_t index, uint64_t value)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t *reg = context_register(cpu, index);
    uint64_t old_efer = cpu->efer;

    if (index == MSR_TSC) {
        /* The guest reads the host's TSC directly (RDTSC runs natively): not movable. */
        return pv_fault_none();
    }
    if (reg == NULL) {
        return pv_fault_gp(0);
    }
    if ((index == MSR_FS_BASE || index == MSR_GS_BASE || index == MSR_KERNEL_GS_BASE ||
         index == MSR_LSTAR || index == MSR_CSTAR || index == MSR_SYSENTER_ESP ||
         index == MSR_SYSENTER_EIP) &&
        !pv_canonical(value)) {
        return pv_fault_gp(0);
    }
    if (index == MSR_EFER) {
        value = (value & ~PV_EFER_LMA) | (old_efer & PV_EFER_LMA);
        if ((cpu->cr0 & PV_CR0_PG) != 0 && ((value ^ old_efer) & PV_EFER_LME) != 0) {
            return pv_fault_gp(0); /* SDM Vol. 3A 9.8.5: LME changes only with paging off */
        }
    }
    *reg = value;
    if (index == MSR_EFER && ((old_efer ^ value) & PV_EFER_NXE) != 0) {
        pv_paging_t paging = pv_cpu_paging(cpu);

        emu->env->paging_changed(emu->env->context, &paging, PV_PAGING_MODE | PV_PAGING_FLUSH,
                                 false);
    }
    return pv_fault_none();
}

static pv_fault_t emulate_wrmsr(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint32_t index = (uint32_t)cpu->gpr[X86DEC_GPR_RCX];
    uint64_t value = edx_eax(cpu);
    pv_msr_cpu_t state = {.efer = cpu->efer, .paging = (cpu->cr0 & PV_CR0_PG) != 0};

    if (cpu->cpl != 0) {
        return pv_fault_gp(0);
    }
    switch (emu->env->msr_write(emu->env->context, &state, index, &value)) {
    case PV_MSR_OK:
        return pv_fault_none();
    case PV_MSR_CONTEXT:
        return write_context(emu, index, value);
    case PV_MSR_GP:
    default:
        return pv_fault_gp(0);
    }
}

static pv_fault_t emulate_cpuid(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    pv_cpuid_regs_t regs = {0, 0, 0, 0};

    emu->env->cpuid(emu->env->context, (uint32_t)cpu->gpr[X86DEC_GPR_RAX],
                    (uint32_t)cpu->gpr[X86DEC_GPR_RCX], (cpu->cr4 & PV_CR4_OSXSAVE) != 0, cpu->xcr0,
                    &regs);
    cpu->gpr[X86DEC_GPR_RAX] = regs.eax;
    cpu->gpr[X86DEC_GPR_RBX] = regs.ebx;
    cpu->gpr[X86DEC_GPR_RCX] = regs.ecx;
    cpu->gpr[X86DEC_GPR_RDX] = regs.edx;
    return pv_fault_none();
}

/* RDTSC and RDTSCP: #GP(0) above CPL 0 with CR4.TSD (SDM Vol. 2 RDTSC, RDTSCP). */
static pv_fault_t emulate_rdtsc(pv_emu_t *emu, bool with_aux)
{
    pv_cpu_t *cpu = emu->cpu;

    if (with_aux && (cpu->config.features & PV_CPU_F_RDTSCP) == 0) {
        return pv_fault_ud();
    }
    if (cpu->cpl != 0 && (cpu->cr4 & PV_CR4_TSD) != 0) {
        return pv_fault_gp(0);
    }
    set_edx_eax(cpu, emu->env->tsc_read(emu->env->context));
    if (with_aux) {
        cpu->gpr[X86DEC_GPR_RCX] = cpu->tsc_aux & 0xffffffffull;
    }
    return pv_fault_none();
}

static pv_fault_t emulate_rdpid(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;

    if ((cpu->config.features & PV_CPU_F_RDPID) == 0) {
        return pv_fault_ud();
    }
    pv_emu_gpr_write(cpu, emu->insn.operands[0].reg, 8, cpu->tsc_aux & 0xffffffffull);
    return pv_fault_none();
}

/* SDM Vol. 2 XGETBV/XSETBV and Vol. 1 13.3: XCR0 needs x87, AVX needs SSE. */
static pv_fault_t emulate_xcr(pv_emu_t *emu, bool set)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t value = edx_eax(cpu);

    if ((cpu->cr4 & PV_CR4_OSXSAVE) == 0) {
        return pv_fault_ud();
    }
    if ((set && cpu->cpl != 0) || (uint32_t)cpu->gpr[X86DEC_GPR_RCX] != 0) {
        return pv_fault_gp(0);
    }
    if (!set) {
        set_edx_eax(cpu, cpu->xcr0);
        return pv_fault_none();
    }
    if ((value & XCR0_X87) == 0 || ((value & XCR0_AVX) != 0 && (value & XCR0_SSE) == 0) ||
        (value & ~cpu->config.xcr0_supported) != 0) {
        return pv_fault_gp(0);
    }
    cpu->xcr0 = value;
    return pv_fault_none();
}

pv_fault_t pv_emulate_msr(pv_emu_t *emu)
{
    switch (emu->insn.mnemonic) {
    case X86DEC_MN_RDMSR:
        return emulate_rdmsr(emu);
    case X86DEC_MN_WRMSR:
        return emulate_wrmsr(emu);
    case X86DEC_MN_CPUID:
        return emulate_cpuid(emu);
    case X86DEC_MN_RDTSC:
        return emulate_rdtsc(emu, false);
    case X86DEC_MN_RDTSCP:
        return emulate_rdtsc(emu, true);
    case X86DEC_MN_RDPID:
        return emulate_rdpid(emu);
    case X86DEC_MN_XGETBV:
        return emulate_xcr(emu, false);
    case X86DEC_MN_XSETBV:
    default:
        return emulate_xcr(emu, true);
    }
}
