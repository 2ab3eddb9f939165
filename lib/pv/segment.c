/*
 * Selectors and descriptors of the guest's GDT and LDT: reading a descriptor (limit checks),
 * the checks of data and stack segment loads, the caches they make, and LAR/LSL/VERR/VERW. The
 * checks only read guest memory; pv_segment_load and pv_segment_drop_inner are act steps.
 */
#include <pv/cpu_desc.h>

pv_fault_t pv_desc_read(const pv_cpu_t *cpu, const pv_env_t *env, uint16_t selector, bool system,
                        bool ext, pv_descriptor_t *out)
{
    bool wide = system && (cpu->efer & PV_EFER_LMA) != 0;
    uint64_t size = wide ? 16 : 8;
    uint64_t index = selector & PV_SELECTOR_INDEX;
    uint32_t error = pv_selector_error(selector) | (ext ? 1u : 0u);
    uint64_t base;
    uint64_t limit;

    out->low = 0;
    out->high = 0;
    if ((selector & PV_SELECTOR_TI) != 0) {
        if ((cpu->ldtr.attributes & PV_SEG_ATTR_UNUSABLE) != 0) {
            return pv_fault_gp(error);
        }
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if (index + size - 1 > limit) {
        return pv_fault_gp(error);
    }
    if (cpu->mode != PV_MODE_LONG) {
        base &= 0xffffffffull;
    }
    return pv_emu_read(cpu, env, base + index, out, (size_t)size, PV_EMU_SYSTEM, false);
}

pv_segment_t pv_segment_from_descriptor(uint16_t selector, uint64_t low)
{
    return (pv_segment_t){.selector = selector,
                          .attributes = pv_desc_attributes(low),
                          .limit = pv_desc_limit(low),
                          .base = pv_desc_base32(low)};
}

pv_segment_t pv_segment_null(uint16_t selector)
{
    return (pv_segment_t){.selector = selector, .attributes = PV_SEG_ATTR_UNUSABLE};
}

/* SDM Vol. 2 MOV, "Operation", the DS/ES/FS/GS branch. */
pv_fault_t pv_segment_check_data(const pv_cpu_t *cpu, const pv_env_t *env, uint16_t selector,
                                 pv_segment_t *out)
{
    pv_descriptor_t desc;
    pv_fault_t fault;
    unsigned rpl = selector & PV_SELECTOR_RPL;

    if (pv_selector_is_null(selector)) {
        *out = pv_segment_null(selector);
        return pv_fault_none();
    }
    fault = pv_desc_read(cpu, env, selector, false, false, &desc);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if (!pv_desc_is_readable(desc.low)) {
        return pv_fault_gp(pv_selector_error(selector));
    }
    if (!pv_desc_is_conforming_code(desc.low) &&
        (rpl > pv_desc_dpl(desc.low) || cpu->cpl > pv_desc_dpl(desc.low))) {
        return pv_fault_gp(pv_selector_error(selector));
    }
    if (!pv_desc_present(desc.low)) {
        return pv_fault_with_code(PV_VEC_NP, pv_selector_error(selector));
    }
    *out = pv_segment_from_descriptor(selector, desc.low);
    return pv_fault_none();
}

/* SDM Vol. 2 MOV, the SS branch; a null SS is allowed in 64-bit mode below CPL 3 with RPL = CPL. */
pv_fault_t pv_segment_check_stack(const pv_cpu_t *cpu, const pv_env_t *env, uint16_t selector,
                                  unsigned cpl, pv_segment_t *out)
{
    pv_descriptor_t desc;
    pv_fault_t fault;

    if (pv_selector_is_null(selector)) {
        if (cpu->mode == PV_MODE_LONG && cpl != 3 && (selector & PV_SELECTOR_RPL) == cpl) {
            *out = pv_segment_null(selector);
            return pv_fault_none();
        }
        return pv_fault_gp(0);
    }
    fault = pv_desc_read(cpu, env, selector, false, false, &desc);
    if (!pv_fault_is_none(&fault)) {
        return fault;
    }
    if ((selector & PV_SELECTOR_RPL) != cpl || !pv_desc_is_writable_data(desc.low) ||
        pv_desc_dpl(desc.low) != cpl) {
        return pv_fault_gp(pv_selector_error(selector));
    }
    if (!pv_desc_present(desc.low)) {
        return pv_fault_with_code(PV_VEC_SS, pv_selector_error(selector));
    }
    *out = pv_segment_from_descriptor(selector, desc.low);
    return pv_fault_none();
}

void pv_segment_load(pv_cpu_t *cpu, pv_seg_t seg, const pv_segment_t *cache)
{
    pv_segment_t *target = &cpu->seg[seg];
    uint64_t base = target->base;

    *target = *cache;
    /*
     * In 64-bit mode a null load into FS or GS clears the base on Intel processors and keeps it
     * on AMD's (APM Vol. 2 4.5.3; Linux calls the latter X86_BUG_NULL_SEG).
     */
    if ((seg == PV_SEG_FS || seg == PV_SEG_GS) && (cache->attributes & PV_SEG_ATTR_UNUSABLE) != 0 &&
        cpu->config.vendor == PV_VENDOR_AMD) {
        target->base = base;
    }
}

bool pv_segment_code_mode(const pv_cpu_t *cpu, const pv_segment_t *cs, pv_mode_t *mode)
{
    bool long_bit = (cs->attributes & PV_SEG_ATTR_L) != 0;
    bool big = (cs->attributes & PV_SEG_ATTR_DB) != 0;

    if ((cpu->efer & PV_EFER_LMA) != 0) {
        if (long_bit && !big) {
            *mode = PV_MODE_LONG;
            return true;
        }
        *mode = PV_MODE_COMPAT;
        return !long_bit && big;
    }
    *mode = PV_MODE_PROTECTED32;
    return big;
}

void pv_segment_drop_inner(pv_cpu_t *cpu)
{
    static const pv_seg_t data_segments[] = {PV_SEG_ES, PV_SEG_DS, PV_SEG_FS, PV_SEG_GS};

    for (unsigned i = 0; i < sizeof(data_segments) / sizeof(data_segments[0]); i++) {
        pv_segment_t *seg = &cpu->seg[data_segments[i]];
        uint32_t attributes = seg->attributes;
        bool conforming = (attributes & PV_SEG_ATTR_S) != 0 &&
                          (attributes & (PV_SEG_TYPE_CODE | PV_SEG_TYPE_CONFORMING)) ==
                                  (PV_SEG_TYPE_CODE | PV_SEG_TYPE_CONFORMING);

        if ((attributes & PV_SEG_ATTR_UNUSABLE) == 0 && !conforming &&
            pv_seg_attr_dpl(attributes) < cpu->cpl) {
            uint64_t base = seg->base;

            *seg = pv_segment_null(0);
            seg->base = base; /* the hidden base of FS and GS is not what IRET clears */
        }
    }
}

/* The system types LAR and LSL accept in IA-32e mode (SDM Vol. 2 LAR Table 3-55, LSL). */
static bool probe_system_type_ok(unsigned mnemonic, unsigned type)
{
    if (type == PV_SYS_LDT || type == PV_SYS_TSS_AVAILABLE || type == PV_SYS_TSS_BUSY) {
        return true;
    }
    return mnemonic == X86DEC_MN_LAR && type == PV_SYS_CALL_GATE;
}

/* Whether the descriptor's type passes the probe; a 16-byte system descriptor's upper half is
 * read in IA-32e mode and must fit in the table and have type 0. */
static bool probe_type_ok(const pv_cpu_t *cpu, const pv_env_t *env, unsigned mnemonic,
                          uint16_t selector, uint64_t low, pv_fault_t *fault)
{
    pv_descriptor_t wide;

    if (pv_desc_is_code_data(low)) {
        if (mnemonic == X86DEC_MN_VERR) {
            return pv_desc_is_readable(low);
        }
        return mnemonic != X86DEC_MN_VERW || pv_desc_is_writable_data(low);
    }
    if (mnemonic == X86DEC_MN_VERR || mnemonic == X86DEC_MN_VERW ||
        !probe_system_type_ok(mnemonic, pv_desc_type(low))) {
        return false;
    }
    if ((cpu->efer & PV_EFER_LMA) == 0) {
        return true;
    }
    *fault = pv_desc_read(cpu, env, selector, true, false, &wide);
    if (fault->kind == PV_FAULT_EXCEPTION && fault->vector == PV_VEC_GP) {
        *fault = pv_fault_none(); /* the upper half past the limit: ZF = 0, no fault */
        return false;
    }
    return pv_fault_is_none(fault) && (wide.high >> 40 & 0x1fu) == 0;
}

bool pv_segment_probe(const pv_cpu_t *cpu, const pv_env_t *env, unsigned mnemonic,
                      uint16_t selector, uint64_t *value, pv_fault_t *fault)
{
    pv_descriptor_t desc;
    unsigned dpl;
    unsigned rpl = selector & PV_SELECTOR_RPL;

    *value = 0;
    *fault = pv_fault_none();
    if (pv_selector_is_null(selector)) {
        return false;
    }
    *fault = pv_desc_read(cpu, env, selector, false, false, &desc);
    if (fault->kind == PV_FAULT_EXCEPTION && fault->vector == PV_VEC_GP) {
        *fault = pv_fault_none(); /* past the limit: ZF = 0, no fault */
        return false;
    }
    if (!pv_fault_is_none(fault) || !probe_type_ok(cpu, env, mnemonic, selector, desc.low, fault)) {
        return false;
    }
    dpl = pv_desc_dpl(desc.low);
    if (!pv_desc_is_conforming_code(desc.low) && (cpu->cpl > dpl || rpl > dpl)) {
        return false;
    }
    if (mnemonic == X86DEC_MN_LAR) {
        *value = (desc.low >> 32) & 0x00f0ff00ull;
    } else if (mnemonic == X86DEC_MN_LSL) {
        *value = pv_desc_limit(desc.low);
    }
    return true;
}
