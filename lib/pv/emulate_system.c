/*
 * System calls, software interrupts and the rest of the system instructions: SYSCALL (reached
 * as the kernel's UnknownSyscall fault, or as #UD in 32-bit code), SYSRET, INT n, INT3, INTO,
 * the VMCALL/VMMCALL hypercalls (CPL 0 only: #UD from the guest's user mode, as without a
 * hypervisor), INVLPG, INVPCID, WBINVD, WBNOINVD and INVD (SDM Vol. 2 for each).
 */
#include <pv/cpu_desc.h>

#define RFLAGS_SYSRET_KEPT 0x3c7fd7ull /* SDM Vol. 2 SYSRET: R11 & 3C7FD7H, bit 1 set */

/* The flat segments SYSCALL and SYSRET load without reading the GDT (SDM Vol. 2 SYSCALL). */
static pv_segment_t fixed_segment(uint16_t selector, unsigned dpl, bool code, bool long_mode)
{
    uint32_t attributes =
            PV_SEG_ATTR_S | PV_SEG_ATTR_P | PV_SEG_ATTR_G | (dpl << 5) | (code ? 0xbu : 0x3u);

    attributes |= code && long_mode ? PV_SEG_ATTR_L : PV_SEG_ATTR_DB;
    return (pv_segment_t){.selector = selector, .attributes = attributes, .limit = 0xffffffffu};
}

/* SYSCALL from `return_rip` (the next instruction). */
static pv_fault_t syscall_from(pv_cpu_t *cpu, uint64_t return_rip)
{
    uint16_t base = (uint16_t)(cpu->star >> 32);
    bool compat = cpu->mode != PV_MODE_LONG;

    if ((cpu->efer & PV_EFER_SCE) == 0 || cpu->mode == PV_MODE_PROTECTED32 ||
        (compat && cpu->config.vendor != PV_VENDOR_AMD)) {
        return pv_fault_ud(); /* Intel: 64-bit mode only; AMD: CSTAR for 32-bit code */
    }
    cpu->gpr[X86DEC_GPR_RCX] = return_rip;
    cpu->gpr[11] = cpu->rflags & ~PV_RFLAGS_RF;
    cpu->rflags &= ~(cpu->sfmask | PV_RFLAGS_RF);
    cpu->rflags |= PV_RFLAGS_FIXED;
    cpu->seg[PV_SEG_CS] = fixed_segment(base & 0xfffcu, 0, true, true);
    cpu->seg[PV_SEG_SS] = fixed_segment((uint16_t)(base + 8u), 0, false, false);
    cpu->cpl = 0;
    cpu->mode = PV_MODE_LONG;
    cpu->rip = compat ? cpu->cstar : cpu->lstar;
    return pv_fault_none();
}

pv_fault_t pv_emulate_syscall(pv_cpu_t *cpu, const pv_env_t *env)
{
    uint64_t return_rip = cpu->rip;
    pv_fault_t fault;

    (void)env;
    fault = syscall_from(cpu, return_rip);
    if (fault.kind == PV_FAULT_EXCEPTION) {
        /* The fault belongs to the SYSCALL instruction (0F 05) before the message's RIP. */
        cpu->rip = return_rip - 2;
    }
    return fault;
}

/* SYSRET: #UD without SCE or outside 64-bit mode, #GP(0) above CPL 0 or to a non-canonical
 * RCX (SDM Vol. 2 SYSRET; checked before anything changes, as Intel processors do). */
static pv_fault_t emulate_sysret(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint16_t base = (uint16_t)(cpu->star >> 48);
    bool to64 = emu->insn.operand_size == 8;
    uint64_t target = to64 ? cpu->gpr[X86DEC_GPR_RCX] : cpu->gpr[X86DEC_GPR_RCX] & 0xffffffffull;
    uint64_t old_flags = cpu->rflags;

    if ((cpu->efer & PV_EFER_SCE) == 0 || cpu->mode != PV_MODE_LONG) {
        return pv_fault_ud();
    }
    if (cpu->cpl != 0 || !pv_canonical(target)) {
        return pv_fault_gp(0);
    }
    cpu->seg[PV_SEG_CS] = to64 ? fixed_segment((uint16_t)((base + 16u) | 3u), 3, true, true)
                               : fixed_segment((uint16_t)(base | 3u), 3, true, false);
    cpu->seg[PV_SEG_SS] = fixed_segment((uint16_t)((base + 8u) | 3u), 3, false, false);
    cpu->rflags = (cpu->gpr[11] & RFLAGS_SYSRET_KEPT) | PV_RFLAGS_FIXED;
    cpu->cpl = 3;
    cpu->mode = to64 ? PV_MODE_LONG : PV_MODE_COMPAT;
    emu->next_rip = target;
    pv_emu_ac_update(cpu, emu->env, old_flags);
    return pv_fault_none();
}

/* INT n, INT3, INTO: traps whose frame holds the next instruction; the gate's DPL decides. */
static pv_fault_t software_interrupt(unsigned vector)
{
    pv_fault_t fault = pv_fault_exception(vector);

    fault.source = PV_SOURCE_SOFTWARE;
    fault.trap = true;
    return fault;
}

static pv_fault_t emulate_hypercall(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t args[4] = {cpu->gpr[X86DEC_GPR_RDI], cpu->gpr[X86DEC_GPR_RSI],
                        cpu->gpr[X86DEC_GPR_RDX], cpu->gpr[10]};
    pv_hypercall_result_t result;

    if (cpu->cpl != 0) {
        return pv_fault_ud(); /* docs/hypercalls.md: as without a hypervisor */
    }
    result = emu->env->hypercall(emu->env->context, cpu->gpr[X86DEC_GPR_RAX], args);
    if (result.exit) {
        return pv_fault_end(PV_END_EXIT, "the guest's EXIT hypercall", result.value);
    }
    cpu->gpr[X86DEC_GPR_RAX] = result.value;
    return pv_fault_none();
}

static uint16_t current_pcid(const pv_cpu_t *cpu)
{
    return (cpu->cr4 & PV_CR4_PCIDE) != 0 ? (uint16_t)(cpu->cr3 & 0xfffu) : 0;
}

/* INVLPG: a non-canonical address makes it a no-op (SDM Vol. 2 INVLPG). */
static pv_fault_t emulate_invlpg(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t address = 0;
    pv_fault_t fault = pv_emu_require_cpl0(cpu);

    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    fault = pv_emu_operand_address(emu, 0, &address);
    if (fault.kind == PV_FAULT_EXCEPTION) {
        return pv_fault_none();
    }
    if (pv_fault_is_none(&fault)) {
        emu->env->invalidate_page(emu->env->context, gva(address), current_pcid(cpu));
    }
    return fault;
}

/* INVPCID (SDM Vol. 2 INVPCID): type in a register, a 16-byte descriptor in memory. */
static pv_fault_t emulate_invpcid(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    const pv_env_t *env = emu->env;
    uint64_t descriptor[2] = {0, 0};
    uint64_t address = 0;
    uint64_t type;
    uint16_t pcid;
    pv_fault_t fault;

    if ((cpu->config.features & PV_CPU_F_INVPCID) == 0) {
        return pv_fault_ud();
    }
    if (cpu->cpl != 0) {
        return pv_fault_gp(0);
    }
    type = pv_emu_gpr_read(cpu, emu->insn.operands[0].reg, 8);
    fault = pv_emu_operand_address(emu, 1, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_read(cpu, env, address, descriptor, sizeof(descriptor), PV_EMU_DATA, false);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    pcid = (uint16_t)(descriptor[0] & 0xfffu);
    if (type > 3 || (descriptor[0] >> 12) != 0 || (type == 0 && !pv_canonical(descriptor[1])) ||
        ((cpu->cr4 & PV_CR4_PCIDE) == 0 && type <= 1 && pcid != 0)) {
        return pv_fault_gp(0);
    }
    if (type == 0) {
        env->invalidate_page(env->context, gva(descriptor[1]), pcid);
    } else {
        env->invalidate_pcid(env->context, pcid, type >= 2, type == 2);
    }
    return pv_fault_none();
}

pv_fault_t pv_emulate_system(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    pv_fault_t fault;

    switch (emu->insn.mnemonic) {
    case X86DEC_MN_SYSRET:
        return emulate_sysret(emu);
    case X86DEC_MN_SYSCALL:
        fault = syscall_from(cpu, emu->next_rip);
        if (pv_fault_is_none(&fault)) {
            emu->next_rip = cpu->rip;
        }
        return fault;
    case X86DEC_MN_INT:
        return software_interrupt((unsigned)(emu->insn.imm & 0xffu));
    case X86DEC_MN_INT3:
        return software_interrupt(PV_VEC_BP);
    case X86DEC_MN_INTO:
        return (cpu->rflags & PV_RFLAGS_OF) != 0 ? software_interrupt(PV_VEC_OF) : pv_fault_none();
    case X86DEC_MN_VMCALL:
    case X86DEC_MN_VMMCALL:
        return emulate_hypercall(emu);
    case X86DEC_MN_INVLPG:
        return emulate_invlpg(emu);
    case X86DEC_MN_INVPCID:
        return emulate_invpcid(emu);
    case X86DEC_MN_WBINVD:
    case X86DEC_MN_WBNOINVD:
    case X86DEC_MN_INVD:
    default:
        return pv_emu_require_cpl0(cpu); /* no cache of the guest's to write back */
    }
}
