/*
 * Descriptor-table registers and descriptor probes: LGDT, LIDT, SGDT, SIDT, LLDT, SLDT, LTR, STR
 * (SDM Vol. 2 for each; CR4.UMIP for the stores above CPL 0), and LAR, LSL, VERR, VERW against
 * the guest's GDT and LDT. The host's own tables are never consulted or shown.
 */
#include <pv/cpu_desc.h>

#define TSS_TYPE_BYTE 5u /* the byte of a descriptor that holds its type */

/* The pseudo-descriptor: 2 bytes of limit, then 8 bytes of base (4 in 32-bit code). */
static unsigned pseudo_base_size(const pv_cpu_t *cpu)
{
    return cpu->mode == PV_MODE_LONG ? 8u : 4u;
}

static pv_fault_t load_table(pv_emu_t *emu, pv_table_register_t *target)
{
    pv_cpu_t *cpu = emu->cpu;
    uint8_t raw[10] = {0};
    uint64_t address = 0;
    uint64_t base = 0;
    uint16_t limit = 0;
    unsigned base_size = pseudo_base_size(cpu);
    pv_fault_t fault = pv_emu_require_cpl0(cpu);

    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_operand_address(emu, 0, &address);
    }
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_read(cpu, emu->env, address, raw, 2u + base_size, PV_EMU_DATA, false);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    __builtin_memcpy(&limit, raw, 2);
    __builtin_memcpy(&base, raw + 2, base_size);
    if (base_size == 4 && emu->insn.operand_size == 2) {
        base &= 0xffffffull; /* SDM Vol. 2 LGDT: a 16-bit operand takes 24 bits of base */
    }
    if (cpu->mode == PV_MODE_LONG && !pv_canonical(base)) {
        return pv_fault_gp(0);
    }
    target->base = base;
    target->limit = limit;
    return pv_fault_none();
}

static pv_fault_t store_table(pv_emu_t *emu, const pv_table_register_t *source)
{
    pv_cpu_t *cpu = emu->cpu;
    uint8_t raw[10];
    uint64_t address = 0;
    pv_fault_t fault;

    if (cpu->cpl > 0 && (cpu->cr4 & PV_CR4_UMIP) != 0) {
        return pv_fault_gp(0);
    }
    __builtin_memcpy(raw, &source->limit, 2);
    __builtin_memcpy(raw + 2, &source->base, 8);
    fault = pv_emu_operand_address(emu, 0, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_write(cpu, emu->env, address, raw, 2u + pseudo_base_size(cpu), PV_EMU_DATA,
                             false);
    }
    return fault;
}

/* A 16-byte system descriptor's upper half: type 0 and a canonical base (IA-32e mode). */
static bool system_descriptor_ok(const pv_cpu_t *cpu, const pv_descriptor_t *desc)
{
    if ((cpu->efer & PV_EFER_LMA) == 0) {
        return true;
    }
    return (desc->high >> 40 & 0x1fu) == 0 && pv_canonical(pv_desc_base64(desc));
}

static pv_segment_t system_cache(const pv_cpu_t *cpu, uint16_t selector,
                                 const pv_descriptor_t *desc)
{
    pv_segment_t cache = pv_segment_from_descriptor(selector, desc->low);

    if ((cpu->efer & PV_EFER_LMA) != 0) {
        cache.base = pv_desc_base64(desc);
    }
    return cache;
}

/* LLDT and LTR share the checks (SDM Vol. 2 LLDT, LTR). */
static pv_fault_t check_system_load(pv_emu_t *emu, uint16_t selector, unsigned type,
                                    pv_descriptor_t *desc)
{
    const pv_cpu_t *cpu = emu->cpu;
    uint32_t error = pv_selector_error(selector);
    pv_fault_t fault;

    if ((selector & PV_SELECTOR_TI) != 0) {
        return pv_fault_gp(error);
    }
    fault = pv_desc_read(cpu, emu->env, selector, true, false, desc);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (pv_desc_is_code_data(desc->low) || pv_desc_type(desc->low) != type) {
        return pv_fault_gp(error);
    }
    if (!pv_desc_present(desc->low)) {
        return pv_fault_with_code(PV_VEC_NP, error);
    }
    if (!system_descriptor_ok(cpu, desc)) {
        return pv_fault_gp(error);
    }
    return pv_fault_none();
}

static pv_fault_t emulate_lldt(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t selector = 0;
    pv_descriptor_t desc;
    pv_fault_t fault = pv_emu_require_cpl0(cpu);

    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_operand_read(emu, 0, 2, &selector);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (pv_selector_is_null((uint16_t)selector)) {
        cpu->ldtr = pv_segment_null((uint16_t)selector);
        return pv_fault_none();
    }
    fault = check_system_load(emu, (uint16_t)selector, PV_SYS_LDT, &desc);
    if (pv_fault_is_none(&fault)) {
        cpu->ldtr = system_cache(cpu, (uint16_t)selector, &desc);
    }
    return fault;
}

static pv_fault_t emulate_ltr(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    uint64_t selector = 0;
    pv_descriptor_t desc;
    uint64_t type_address;
    uint8_t type_byte;
    pv_fault_t fault = pv_emu_require_cpl0(cpu);

    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_operand_read(emu, 0, 2, &selector);
    }
    if (pv_fault_is_none(&fault) && pv_selector_is_null((uint16_t)selector)) {
        fault = pv_fault_gp(0);
    }
    if (pv_fault_is_none(&fault)) {
        fault = check_system_load(emu, (uint16_t)selector, PV_SYS_TSS_AVAILABLE, &desc);
    }
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    /* Act: the descriptor becomes busy in the guest's GDT (one byte), then TR is loaded. */
    type_byte = (uint8_t)(desc.low >> 40) | (uint8_t)(PV_SYS_TSS_BUSY & ~PV_SYS_TSS_AVAILABLE);
    type_address = cpu->gdtr.base + (selector & PV_SELECTOR_INDEX) + TSS_TYPE_BYTE;
    fault = pv_emu_write(cpu, emu->env, type_address, &type_byte, 1, PV_EMU_SYSTEM, false);
    if (pv_fault_is_none(&fault)) {
        desc.low |= (uint64_t)(PV_SYS_TSS_BUSY & ~PV_SYS_TSS_AVAILABLE) << 40;
        cpu->tr = system_cache(cpu, (uint16_t)selector, &desc);
    }
    return fault;
}

/* SLDT and STR: a register gets the selector zero-extended, memory 16 bits. */
static pv_fault_t store_selector(pv_emu_t *emu, uint16_t selector)
{
    pv_cpu_t *cpu = emu->cpu;
    const x86dec_operand_t *dest = &emu->insn.operands[0];
    uint64_t address = 0;
    pv_fault_t fault;

    if (cpu->cpl > 0 && (cpu->cr4 & PV_CR4_UMIP) != 0) {
        return pv_fault_gp(0);
    }
    if (dest->kind == X86DEC_OPK_REG) {
        pv_emu_gpr_write(cpu, dest->reg, emu->insn.operand_size, selector);
        return pv_fault_none();
    }
    fault = pv_emu_operand_address(emu, 0, &address);
    if (pv_fault_is_none(&fault)) {
        fault = pv_emu_write(cpu, emu->env, address, &selector, 2, PV_EMU_DATA, false);
    }
    return fault;
}

static pv_fault_t emulate_probe(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;
    unsigned mnemonic = emu->insn.mnemonic;
    bool writes_register = mnemonic == X86DEC_MN_LAR || mnemonic == X86DEC_MN_LSL;
    unsigned source = writes_register ? 1 : 0;
    unsigned size = emu->insn.operand_size;
    uint64_t selector = 0;
    uint64_t value = 0;
    pv_fault_t fault = pv_emu_operand_read(emu, source, 2, &selector);
    bool ok;

    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    ok = pv_segment_probe(cpu, emu->env, mnemonic, (uint16_t)selector, &value, &fault);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    cpu->rflags = ok ? cpu->rflags | PV_RFLAGS_ZF : cpu->rflags & ~PV_RFLAGS_ZF;
    if (ok && writes_register) {
        if (size == 2) {
            value &= mnemonic == X86DEC_MN_LAR ? 0xff00u : 0xffffu;
        }
        pv_emu_gpr_write(cpu, emu->insn.operands[0].reg, size, value);
    }
    return pv_fault_none();
}

pv_fault_t pv_emulate_table(pv_emu_t *emu)
{
    pv_cpu_t *cpu = emu->cpu;

    switch (emu->insn.mnemonic) {
    case X86DEC_MN_LGDT:
        return load_table(emu, &cpu->gdtr);
    case X86DEC_MN_LIDT:
        return load_table(emu, &cpu->idtr);
    case X86DEC_MN_SGDT:
        return store_table(emu, &cpu->gdtr);
    case X86DEC_MN_SIDT:
        return store_table(emu, &cpu->idtr);
    case X86DEC_MN_LLDT:
        return emulate_lldt(emu);
    case X86DEC_MN_LTR:
        return emulate_ltr(emu);
    case X86DEC_MN_SLDT:
        return store_selector(emu, cpu->ldtr.selector);
    case X86DEC_MN_STR:
        return store_selector(emu, cpu->tr.selector);
    default:
        return emulate_probe(emu);
    }
}
