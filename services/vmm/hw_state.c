/*
 * Guest state between the VCPU (VMCS fields or VMCB offsets, through the kernel's calls) and
 * lib/pv's pv_cpu_t, the form the boot calls write and the instruction emulator reads. Segment
 * attributes are kept in the VMX access-rights layout (pv/cpu.h); SVM packs the same bits
 * tighter (APM 15.5.1: attribute bits 11:8 are descriptor bits 55:52).
 */
#include "hw.h"
#include <sel4/svm.h>
#include <sel4/vmx.h>
#include <x86dec/x86dec.h>

/* The eight segment-like registers in VMX field order: ES CS SS DS FS GS LDTR TR. */
#define HW_SEGMENTS   8u
#define SEG_LDTR      6u
#define SEG_TR        7u
#define VMX_SEL(i)    (seL4_VMCS_Guest_ES_Sel + 2u * (i))
#define VMX_LIMIT(i)  (seL4_VMCS_Guest_ES_Limit + 2u * (i))
#define VMX_ACCESS(i) (seL4_VMCS_Guest_ES_Access + 2u * (i))
#define VMX_BASE(i)   (seL4_VMCS_Guest_ES_Base + 2u * (i))

#define VMX_AR_UNUSABLE   (1u << 16)
#define SVM_ATTR_LOW      0xffu
#define SVM_ATTR_HIGH     0xf00u
#define VMX_AR_HIGH_SHIFT 4
#define SEG_TYPE_ACCESSED 0x1u
/* A flat, present, writable data segment (the VMX access-rights layout). */
#define SEG_FLAT_DATA (PV_SEG_ATTR_G | PV_SEG_ATTR_DB | PV_SEG_ATTR_P | PV_SEG_ATTR_S | 0x3u)

/* VT-x: the CR0 and CR4 bits the host owns (VMX operation needs NE and VMXE set). */
#define HW_CR0_NE (1ull << 5)

static seL4_Word svm_segment(unsigned i)
{
    static const seL4_Word bases[HW_SEGMENTS] = {
            seL4_VMCB_Save_ES, seL4_VMCB_Save_CS, seL4_VMCB_Save_SS,   seL4_VMCB_Save_DS,
            seL4_VMCB_Save_FS, seL4_VMCB_Save_GS, seL4_VMCB_Save_LDTR, seL4_VMCB_Save_TR,
    };
    return bases[i];
}

seL4_Word hw_field_read(const vmm_t *vmm, seL4_Word vmx, seL4_Word svm, bool *ok)
{
    seL4_X86_VCPU_ReadVMCS_t r = seL4_X86_VCPU_ReadVMCS(vmm->hw.vcpu, vmm->hw.svm ? svm : vmx);

    if (r.error != seL4_NoError) {
        *ok = false;
    }
    return r.value;
}

bool hw_field_write(const vmm_t *vmm, seL4_Word vmx, seL4_Word svm, seL4_Word value)
{
    return seL4_X86_VCPU_WriteVMCS(vmm->hw.vcpu, vmm->hw.svm ? svm : vmx, value).error ==
           seL4_NoError;
}

/* seL4_VCPUContext order (the exit's MR10 on) from encoding order; RSP has no slot. */
static int context_index(unsigned reg)
{
    static const int8_t index[16] = {0, 2, 3, 1, -1, 6, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14};

    return reg < 16 ? index[reg] : -1;
}

uint64_t hw_gpr(const vmm_t *vmm, unsigned reg)
{
    int i = context_index(reg);

    return i < 0 ? 0 : vmm->hw.mr[SEL4_VMENTER_FAULT_EAX + i];
}

void hw_gpr_set(vmm_t *vmm, unsigned reg, uint64_t value)
{
    int i = context_index(reg);

    if (i >= 0) {
        vmm->hw.mr[SEL4_VMENTER_FAULT_EAX + i] = value;
        vmm->hw.gprs_dirty = true;
    }
}

static uint64_t cr0_owned(const vmm_t *vmm)
{
    return vmm->hw.svm ? 0 : HW_CR0_NE;
}

static uint64_t cr4_owned(const vmm_t *vmm)
{
    return vmm->hw.svm ? 0 : HW_CR4_VMXE;
}

uint64_t hw_guest_cr0(const vmm_t *vmm, bool *ok)
{
    uint64_t real = hw_field_read(vmm, seL4_VMCS_Guest_CR0, seL4_VMCB_Save_CR0, ok);

    return (real & ~cr0_owned(vmm)) | (vmm->hw.cr0_shadow & cr0_owned(vmm));
}

uint64_t hw_guest_cr4(const vmm_t *vmm, bool *ok)
{
    uint64_t real = hw_field_read(vmm, seL4_VMCS_Guest_CR4, seL4_VMCB_Save_CR4, ok);

    return (real & ~cr4_owned(vmm)) | (vmm->hw.cr4_shadow & cr4_owned(vmm));
}

static uint32_t attributes_to_svm(uint32_t ar)
{
    if (ar & VMX_AR_UNUSABLE) {
        return 0;
    }
    return (ar & SVM_ATTR_LOW) | ((ar >> VMX_AR_HIGH_SHIFT) & SVM_ATTR_HIGH);
}

static uint32_t attributes_from_svm(uint32_t attrib)
{
    uint32_t ar = (attrib & SVM_ATTR_LOW) | ((attrib & SVM_ATTR_HIGH) << VMX_AR_HIGH_SHIFT);

    return (ar & PV_SEG_ATTR_P) ? ar : ar | VMX_AR_UNUSABLE;
}

static bool segment_write(const vmm_t *vmm, unsigned i, const pv_segment_t *seg)
{
    uint32_t ar = seg->attributes;

    if (vmm->hw.svm) {
        seL4_Word at = svm_segment(i);
        return hw_field_write(vmm, 0, at + seL4_VMCB_Seg_Selector, seg->selector) &&
               hw_field_write(vmm, 0, at + seL4_VMCB_Seg_Attrib, attributes_to_svm(ar)) &&
               hw_field_write(vmm, 0, at + seL4_VMCB_Seg_Limit, seg->limit) &&
               hw_field_write(vmm, 0, at + seL4_VMCB_Seg_Base, seg->base);
    }
    /* VM entry checks that usable code and data segments are marked accessed (SDM 26.3.1.2);
     * loading them would have set the bit. */
    if ((ar & VMX_AR_UNUSABLE) == 0 && (ar & PV_SEG_ATTR_S) != 0) {
        ar |= SEG_TYPE_ACCESSED;
    }
    return hw_field_write(vmm, VMX_SEL(i), 0, seg->selector) &&
           hw_field_write(vmm, VMX_ACCESS(i), 0, ar) &&
           hw_field_write(vmm, VMX_LIMIT(i), 0, seg->limit) &&
           hw_field_write(vmm, VMX_BASE(i), 0, seg->base);
}

static bool table_write(const vmm_t *vmm, bool idt, const pv_table_register_t *t)
{
    seL4_Word svm = idt ? seL4_VMCB_Save_IDTR : seL4_VMCB_Save_GDTR;

    return hw_field_write(vmm, idt ? seL4_VMCS_Guest_IDTR_Base : seL4_VMCS_Guest_GDTR_Base,
                          svm + seL4_VMCB_Seg_Base, t->base) &&
           hw_field_write(vmm, idt ? seL4_VMCS_Guest_IDTR_Limit : seL4_VMCS_Guest_GDTR_Limit,
                          svm + seL4_VMCB_Seg_Limit, t->limit);
}

bool hw_control_write(vmm_t *vmm, uint64_t cr0, uint64_t cr4, uint64_t efer)
{
    hw_vcpu_t *hw = &vmm->hw;
    bool ok = true;

    hw->cr0_shadow = cr0;
    hw->cr4_shadow = cr4;
    if (!hw->svm) {
        uint64_t entry = hw_field_read(vmm, seL4_VMCS_EntryControls, 0, &ok);
        entry = (efer & PV_EFER_LMA) ? entry | seL4_VMX_Entry_IA32eModeGuest
                                     : entry & ~(uint64_t)seL4_VMX_Entry_IA32eModeGuest;
        ok = ok && hw_field_write(vmm, seL4_VMCS_CR0Mask, 0, cr0_owned(vmm)) &&
             hw_field_write(vmm, seL4_VMCS_CR4Mask, 0, cr4_owned(vmm)) &&
             hw_field_write(vmm, seL4_VMCS_CR0ReadShadow, 0, cr0) &&
             hw_field_write(vmm, seL4_VMCS_CR4ReadShadow, 0, cr4) &&
             hw_field_write(vmm, seL4_VMCS_EntryControls, 0, entry);
    }
    return ok &&
           hw_field_write(vmm, seL4_VMCS_Guest_CR0, seL4_VMCB_Save_CR0, cr0 | cr0_owned(vmm)) &&
           hw_field_write(vmm, seL4_VMCS_Guest_CR4, seL4_VMCB_Save_CR4, cr4 | cr4_owned(vmm)) &&
           seL4_X86_VCPU_WriteMSR(hw->vcpu, seL4_VCPU_MSR_EFER, efer).error == seL4_NoError;
}

bool hw_state_write_all(vmm_t *vmm, const pv_cpu_t *cpu)
{
    hw_vcpu_t *hw = &vmm->hw;
    bool ok = true;

    for (unsigned i = 0; ok && i < PV_SEG_COUNT; i++) {
        ok = segment_write(vmm, i, &cpu->seg[i]);
    }
    ok = ok && segment_write(vmm, SEG_LDTR, &cpu->ldtr) && segment_write(vmm, SEG_TR, &cpu->tr) &&
         table_write(vmm, false, &cpu->gdtr) && table_write(vmm, true, &cpu->idtr) &&
         hw_control_write(vmm, cpu->cr0, cpu->cr4, cpu->efer) &&
         hw_field_write(vmm, seL4_VMCS_Guest_CR3, seL4_VMCB_Save_CR3, cpu->cr3) &&
         hw_field_write(vmm, seL4_VMCS_Guest_RFLAGS, seL4_VMCB_Save_RFLAGS, cpu->rflags) &&
         hw_field_write(vmm, seL4_VMCS_Guest_RSP, seL4_VMCB_Save_RSP, cpu->gpr[X86DEC_GPR_RSP]);
    if (ok && hw->svm) {
        ok = hw_field_write(vmm, 0, seL4_VMCB_Save_CPL, cpu->cpl);
    }
    for (unsigned reg = 0; reg < 16; reg++) {
        hw_gpr_set(vmm, reg, cpu->gpr[reg]);
    }
    hw->rip = cpu->rip;
    hw->mr[SEL4_VMENTER_FAULT_RFLAGS_MR] = cpu->rflags;
    __builtin_memcpy(hw->dr, cpu->dr, sizeof(hw->dr));
    return ok;
}

static bool segment_read(const vmm_t *vmm, unsigned i, pv_segment_t *seg)
{
    bool ok = true;

    if (vmm->hw.svm) {
        seL4_Word at = svm_segment(i);
        seg->selector = (uint16_t)hw_field_read(vmm, 0, at + seL4_VMCB_Seg_Selector, &ok);
        seg->attributes = attributes_from_svm(
                (uint32_t)hw_field_read(vmm, 0, at + seL4_VMCB_Seg_Attrib, &ok));
        seg->limit = (uint32_t)hw_field_read(vmm, 0, at + seL4_VMCB_Seg_Limit, &ok);
        seg->base = hw_field_read(vmm, 0, at + seL4_VMCB_Seg_Base, &ok);
        return ok;
    }
    seg->selector = (uint16_t)hw_field_read(vmm, VMX_SEL(i), 0, &ok);
    seg->attributes = (uint32_t)hw_field_read(vmm, VMX_ACCESS(i), 0, &ok);
    seg->limit = (uint32_t)hw_field_read(vmm, VMX_LIMIT(i), 0, &ok);
    seg->base = hw_field_read(vmm, VMX_BASE(i), 0, &ok);
    return ok;
}

static pv_mode_t mode_of(const pv_cpu_t *cpu)
{
    if ((cpu->efer & PV_EFER_LMA) == 0) {
        return PV_MODE_PROTECTED32;
    }
    return (cpu->seg[PV_SEG_CS].attributes & PV_SEG_ATTR_L) ? PV_MODE_LONG : PV_MODE_COMPAT;
}

/* A segment's attributes alone. */
static bool segment_attributes_read(const vmm_t *vmm, unsigned i, pv_segment_t *seg)
{
    bool ok = true;

    if (vmm->hw.svm) {
        seg->attributes = attributes_from_svm(
                (uint32_t)hw_field_read(vmm, 0, svm_segment(i) + seL4_VMCB_Seg_Attrib, &ok));
    } else {
        seg->attributes = (uint32_t)hw_field_read(vmm, VMX_ACCESS(i), 0, &ok);
    }
    return ok;
}

static uint64_t segment_base_read(const vmm_t *vmm, unsigned i, bool *ok)
{
    return hw_field_read(vmm, VMX_BASE(i), svm_segment(i) + seL4_VMCB_Seg_Base, ok);
}

/*
 * The segments the emulation needs. In 64-bit code only CS's and SS's attributes (the mode,
 * the CPL on VT-x) and the FS and GS bases count for a memory operand (the others are flat
 * there, SDM Vol. 3A 3.2.4): four reads instead of twenty-four, on the path every MMIO exit
 * takes. `whole`: every segment, TR (the I/O permission bitmap) and LDTR too.
 */
static bool segments_load(const vmm_t *vmm, pv_cpu_t *cpu, bool whole)
{
    bool ok = segment_attributes_read(vmm, PV_SEG_CS, &cpu->seg[PV_SEG_CS]) &&
              segment_attributes_read(vmm, PV_SEG_SS, &cpu->seg[PV_SEG_SS]);

    if (whole) {
        ok = ok && segment_read(vmm, SEG_TR, &cpu->tr) && segment_read(vmm, SEG_LDTR, &cpu->ldtr);
    } else if (ok && (cpu->efer & PV_EFER_LMA) &&
               (cpu->seg[PV_SEG_CS].attributes & PV_SEG_ATTR_L)) {
        for (unsigned i = 0; i < PV_SEG_COUNT; i++) {
            cpu->seg[i].base = 0;
            cpu->seg[i].limit = 0xffffffffu;
            if (i != PV_SEG_CS && i != PV_SEG_SS) {
                cpu->seg[i].attributes = SEG_FLAT_DATA; /* SS may be null at CPL 0 */
            }
        }
        cpu->seg[PV_SEG_FS].base = segment_base_read(vmm, PV_SEG_FS, &ok);
        cpu->seg[PV_SEG_GS].base = segment_base_read(vmm, PV_SEG_GS, &ok);
        return ok;
    }
    for (unsigned i = 0; ok && i < PV_SEG_COUNT; i++) {
        ok = segment_read(vmm, i, &cpu->seg[i]);
    }
    return ok;
}

bool hw_state_load(vmm_t *vmm, pv_cpu_t *cpu, bool whole)
{
    const hw_vcpu_t *hw = &vmm->hw;
    bool ok = true;

    pv_cpu_init(cpu, &hw->config);
    for (unsigned reg = 0; reg < 16; reg++) {
        cpu->gpr[reg] = hw_gpr(vmm, reg);
    }
    cpu->gpr[X86DEC_GPR_RSP] = hw_field_read(vmm, seL4_VMCS_Guest_RSP, seL4_VMCB_Save_RSP, &ok);
    cpu->rip = hw->rip;
    cpu->rflags = hw->mr[SEL4_VMENTER_FAULT_RFLAGS_MR];
    cpu->cr0 = hw_guest_cr0(vmm, &ok);
    cpu->cr3 = hw->mr[SEL4_VMENTER_FAULT_CR3_MR];
    cpu->cr4 = hw_guest_cr4(vmm, &ok);
    seL4_X86_VCPU_ReadVMCS_t efer = seL4_X86_VCPU_ReadMSR(hw->vcpu, seL4_VCPU_MSR_EFER);
    cpu->efer = efer.value & ~(uint64_t)(1u << 12); /* SVME is the host's */
    ok = ok && efer.error == seL4_NoError && segments_load(vmm, cpu, whole);
    __builtin_memcpy(cpu->dr, hw->dr, sizeof(cpu->dr));
    cpu->mode = mode_of(cpu);
    if (hw->svm) {
        cpu->cpl = (unsigned)hw_field_read(vmm, 0, seL4_VMCB_Save_CPL, &ok) & 3u;
    } else {
        cpu->cpl = pv_seg_attr_dpl(cpu->seg[PV_SEG_SS].attributes);
    }
    return ok && (cpu->cr0 & PV_CR0_PE) != 0;
}

bool hw_state_store(vmm_t *vmm, const pv_cpu_t *before, const pv_cpu_t *after)
{
    bool ok = true;

    for (unsigned reg = 0; reg < 16; reg++) {
        if (reg != X86DEC_GPR_RSP && after->gpr[reg] != before->gpr[reg]) {
            hw_gpr_set(vmm, reg, after->gpr[reg]);
        }
    }
    if (after->gpr[X86DEC_GPR_RSP] != before->gpr[X86DEC_GPR_RSP]) {
        ok = hw_field_write(vmm, seL4_VMCS_Guest_RSP, seL4_VMCB_Save_RSP,
                            after->gpr[X86DEC_GPR_RSP]);
    }
    if (after->rflags != before->rflags) {
        ok = ok &&
             hw_field_write(vmm, seL4_VMCS_Guest_RFLAGS, seL4_VMCB_Save_RFLAGS, after->rflags);
        vmm->hw.mr[SEL4_VMENTER_FAULT_RFLAGS_MR] = after->rflags;
    }
    __builtin_memcpy(vmm->hw.dr, after->dr, sizeof(vmm->hw.dr));
    vmm->hw.rip = after->rip;
    return ok;
}
