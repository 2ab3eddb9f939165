/*
 * Data accesses that reach device memory: the faulting instruction is decoded and carried out
 * against env->mmio_read/mmio_write. The moves a driver uses are offered (MOV, MOVZX, MOVSX,
 * MOVSXD, one STOS); anything else at an MMIO address ends the VM with a report rather than
 * guess. The operand is translated again through the guest's tables: what the software TLB saw
 * may have changed, and the vCPU acts on what the guest's tables say now.
 */
#include <pv/emulate.h>

#define PAGE_MASK 0xfffull

/* Translates the operand and checks it stays in one page; *ram tells RAM from device memory. */
static pv_fault_t translate(const pv_emu_t *emu, uint64_t address, unsigned size, bool write,
                            gpa_t *target, bool *ram)
{
    const pv_cpu_t *cpu = emu->cpu;
    pv_paging_t paging = pv_cpu_paging(cpu);
    unsigned access = (write ? PV_ACCESS_WRITE : 0) | (cpu->cpl == 3 ? PV_ACCESS_USER : 0) |
                      ((cpu->rflags & PV_RFLAGS_AC) != 0 ? PV_ACCESS_AC : 0);
    pv_walk_t walk;

    if ((address & PAGE_MASK) + size > PAGE_MASK + 1) {
        return pv_fault_end(PV_END_UNSUPPORTED, "an MMIO access that crosses a page", address);
    }
    switch (pv_walk(emu->env->memory, &paging, gva(address), access, &walk)) {
    case PV_WALK_OK:
        *target = walk.address;
        *ram = pv_memory_contains(emu->env->memory, walk.address, size);
        return pv_fault_none();
    case PV_WALK_FAULT:
        return pv_fault_pf(address, walk.error_code);
    default:
        return pv_fault_end(PV_END_BAD_MEMORY, "a paging structure lies outside guest RAM",
                            walk.table_address.value);
    }
}

static uint64_t extend(uint64_t value, unsigned from, bool sign)
{
    unsigned shift = 64u - from * 8u;

    if (from >= 8) {
        return value;
    }
    value &= (1ull << (from * 8u)) - 1;
    return sign ? (uint64_t)((int64_t)(value << shift) >> shift) : value;
}

/* One access of `size` bytes at the memory operand's address. */
static pv_fault_t access_memory(pv_emu_t *emu, unsigned operand, unsigned size, bool write,
                                uint64_t *value)
{
    uint64_t address = 0;
    gpa_t target = gpa(0);
    bool ram = false;
    pv_fault_t fault = pv_emu_operand_address(emu, operand, &address);

    if (pv_fault_is_none(&fault)) {
        fault = translate(emu, address, size, write, &target, &ram);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (ram) {
        bool ok = write ? pv_memory_write(emu->env->memory, target, value, size)
                        : pv_memory_read(emu->env->memory, target, value, size);

        return ok ? pv_fault_none()
                  : pv_fault_end(PV_END_BAD_MEMORY, "guest RAM changed under an access",
                                 target.value);
    }
    if (write) {
        emu->env->mmio_write(emu->env->context, target, size, *value);
    } else {
        *value = emu->env->mmio_read(emu->env->context, target, size);
    }
    return pv_fault_none();
}

static pv_fault_t emulate_move(pv_emu_t *emu)
{
    const x86dec_insn_t *insn = &emu->insn;
    const x86dec_operand_t *dest = &insn->operands[0];
    const x86dec_operand_t *src = &insn->operands[1];
    uint64_t value = 0;
    pv_fault_t fault;

    if (dest->kind == X86DEC_OPK_MEM) {
        fault = pv_emu_operand_read(emu, 1, src->size, &value);
        if (pv_fault_is_none(&fault)) {
            fault = access_memory(emu, 0, dest->size, true, &value);
        }
        return fault;
    }
    fault = access_memory(emu, 1, src->size, false, &value);
    if (pv_fault_is_none(&fault)) {
        bool sign = insn->mnemonic == X86DEC_MN_MOVSX || insn->mnemonic == X86DEC_MN_MOVSXD;

        pv_emu_gpr_write(emu->cpu, dest->reg, dest->size, extend(value, src->size, sign));
    }
    return fault;
}

static pv_fault_t emulate_stos(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned size = emu->insn.operands[0].size;
    uint64_t mask = emu->insn.address_size == 8 ? ~0ull : 0xffffffffull;
    uint64_t step = (cpu->rflags & PV_RFLAGS_DF) != 0 ? (uint64_t)0 - size : size;
    uint64_t value = pv_emu_gpr_read(cpu, x86dec_reg_gpr(X86DEC_GPR_RAX), size);
    pv_fault_t fault;

    if ((emu->insn.flags & (X86DEC_F_REP | X86DEC_F_REPNE)) != 0) {
        return pv_fault_end(PV_END_UNSUPPORTED, "REP STOS to device memory", cpu->rip);
    }
    fault = access_memory(emu, 0, size, true, &value);
    if (pv_fault_is_none(&fault)) {
        cpu->gpr[X86DEC_GPR_RDI] = (cpu->gpr[X86DEC_GPR_RDI] + step) & mask;
    }
    return fault;
}

pv_fault_t pv_emulate_mmio(pv_cpu_t *cpu, const pv_env_t *env, uint64_t address, gpa_t target)
{
    pv_emu_t emu = {.cpu = cpu, .env = env};
    x86dec_status_t status;
    pv_fault_t fault = pv_emu_fetch_decode(&emu, NULL, 0, &status);

    (void)target;
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (status != X86DEC_OK) {
        return pv_fault_end(PV_END_UNSUPPORTED, "an undecodable instruction touches MMIO", address);
    }
    switch (emu.insn.mnemonic) {
    case X86DEC_MN_MOV:
    case X86DEC_MN_MOVZX:
    case X86DEC_MN_MOVSX:
    case X86DEC_MN_MOVSXD:
        fault = emulate_move(&emu);
        break;
    case X86DEC_MN_STOS:
        fault = emulate_stos(&emu);
        break;
    default:
        return pv_fault_end(PV_END_UNSUPPORTED, "an instruction the vCPU cannot apply to MMIO",
                            address);
    }
    if (pv_fault_is_none(&fault)) {
        cpu->rip = emu.next_rip;
    }
    return fault;
}
