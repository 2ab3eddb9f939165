/*
 * VMX VCPUs: a new VMCS (revision, VMCLEAR, the host-state area, the kernel's control words, the
 * I/O and MSR bitmap addresses), which VMCS is current on the CPU, and field access for the
 * VCPU invocations. Intel SDM Vol. 3C 24.2 (VMCS life cycle), 25 (fields), 27.2-27.3 (checks).
 */
#include <arch/cpu.h>
#include <arch/kernel/arch_init.h>
#include <arch/kernel/pv_control.h>
#include <arch/virt/guest_tag.h>
#include <arch/virt/vcpu_backend.h>
#include <arch/virt/vmx_insn.h>
#include <kernel/cpu.h>
#include <kernel/string.h>
#include <sel4/vmx.h>

#define MSR_PAT           0x00000277u
#define GUEST_PAT_DEFAULT 0x0007040600070406ull /* the PAT's power-on value */
#define GUEST_DR7_DEFAULT 0x400ull
#define GUEST_DR6_DEFAULT 0xffff0ff0ull /* DR6 at reset (SDM Vol. 3B 18.2.3) */
#define RFLAGS_RESERVED   0x2ull
#define TR_BUSY_TSS_64    0x8bull
#define SEGMENT_UNUSABLE  0x10000ull
#define LINK_POINTER_NONE (~0ull)
#define CR0_PE_PG         0x80000001ull

/* The VMCS the CPU holds as current (VMPTRLD), or NULL. One CPU; per CPU with SMP. */
static vcpu_t *vmx_current;

extern char vmx_exit_point[];

void vmx_make_current(vcpu_t *vcpu)
{
    if (vmx_current != vcpu) {
        (void)vmcs_load(vcpu_control_paddr(vcpu));
        vmx_current = vcpu;
    }
}

void vmx_vcpu_forget(vcpu_t *vcpu)
{
    /* VMCLEAR writes any VMCS data the CPU keeps back to memory and makes it not current: after
     * it, the CPU never touches the object's pages again (SDM 24.11.3). */
    (void)vmcs_clear(vcpu_control_paddr(vcpu));
    if (vmx_current == vcpu) {
        vmx_current = NULL;
    }
}

/* The host-state area (SDM 25.5): the state every exit returns to; HOST_CR3 and HOST_RSP are
 * written per entry (virt/vmx_run.c, virt/vmx_entry.S). */
static void vmx_host_state_init(void)
{
    cpu_t *cpu = cpu_self();

    /* The invoker may be a PV thread whose CR0.TS/CR4.TSD the CPU holds now: every exit would
     * load them back into the kernel, unrecorded (sel4/pv.h's control word). */
    pv_control_reset(&cpu->arch);
    vmcs_write(seL4_VMCS_Host_CR0, cr0_read());
    vmcs_write(seL4_VMCS_Host_CR4, cr4_read());
    vmcs_write(seL4_VMCS_Host_CS_Sel, SEL_KERNEL_CODE);
    vmcs_write(seL4_VMCS_Host_SS_Sel, SEL_KERNEL_DATA);
    vmcs_write(seL4_VMCS_Host_DS_Sel, 0);
    vmcs_write(seL4_VMCS_Host_ES_Sel, 0);
    vmcs_write(seL4_VMCS_Host_FS_Sel, 0);
    vmcs_write(seL4_VMCS_Host_GS_Sel, 0);
    vmcs_write(seL4_VMCS_Host_TR_Sel, SEL_TSS);
    vmcs_write(seL4_VMCS_Host_FS_Base, 0);
    vmcs_write(seL4_VMCS_Host_GS_Base, (word_t)cpu);
    vmcs_write(seL4_VMCS_Host_TR_Base, (word_t)&cpu->arch.tss);
    vmcs_write(seL4_VMCS_Host_GDTR_Base, (word_t)cpu->arch.gdt);
    vmcs_write(seL4_VMCS_Host_IDTR_Base, arch_idt_base());
    vmcs_write(seL4_VMCS_Host_SysenterCS, 0);
    vmcs_write(seL4_VMCS_Host_SysenterESP, 0);
    vmcs_write(seL4_VMCS_Host_SysenterEIP, 0);
    vmcs_write(seL4_VMCS_Host_PAT, msr_read(MSR_PAT));
    vmcs_write(seL4_VMCS_Host_EFER, msr_read(MSR_EFER));
    vmcs_write(seL4_VMCS_Host_RIP, (word_t)vmx_exit_point);
}

/* The kernel's controls, with nothing of the VMM's yet. */
static void vmx_controls_init(vcpu_t *vcpu)
{
    static const uint16_t words[seL4_X86_VirtControlWords] = {
            [VIRT_VMX_PIN] = seL4_VMCS_PinControls,     [VIRT_VMX_PROC] = seL4_VMCS_ProcControls,
            [VIRT_VMX_PROC2] = seL4_VMCS_ProcControls2, [VIRT_VMX_EXIT] = seL4_VMCS_ExitControls,
            [VIRT_VMX_ENTRY] = seL4_VMCS_EntryControls,
    };

    for (unsigned i = 0; i < seL4_X86_VirtControlWords; i++) {
        uint32_t value = 0;
        (void)virt_control_word(i, 0, &value);
        vmcs_write(words[i], value);
        if (i == VIRT_VMX_PROC) {
            vcpu->controls = value;
        }
    }
    vmcs_write(seL4_VMCS_ExceptionBitmap, 1u << 18); /* #MC: the host's */
    vmcs_write(seL4_VMCS_IOBitmapA, vcpu_io_paddr(vcpu));
    vmcs_write(seL4_VMCS_IOBitmapB, vcpu_io_paddr(vcpu) + BIT(seL4_PageBits));
    vmcs_write(seL4_VMCS_MSRBitmap, virt()->msr_permissions);
    vmcs_write(seL4_VMCS_Guest_LinkPointer, LINK_POINTER_NONE);
}

/* A guest state that passes the entry checks' basics; the VMM sets the rest. */
static void vmx_guest_state_init(void)
{
    const seL4_X86_VirtFeatures *api = &virt()->api;
    uint64_t cr0 = api->cr_fixed[0];

    if (api->flags & seL4_X86_Virt_UnrestrictedGuest) {
        cr0 &= ~CR0_PE_PG;
    }
    vmcs_write(seL4_VMCS_Guest_CR0, cr0);
    vmcs_write(seL4_VMCS_Guest_CR4, api->cr_fixed[2]);
    vmcs_write(seL4_VMCS_Guest_RFLAGS, RFLAGS_RESERVED);
    vmcs_write(seL4_VMCS_Guest_DR7, GUEST_DR7_DEFAULT);
    vmcs_write(seL4_VMCS_Guest_PAT, GUEST_PAT_DEFAULT);
    vmcs_write(seL4_VMCS_Guest_TR_Access, TR_BUSY_TSS_64);
    vmcs_write(seL4_VMCS_Guest_LDTR_Access, SEGMENT_UNUSABLE);
}

void vmx_vcpu_init(vcpu_t *vcpu)
{
    uint8_t *io = paddr_to_kptr(vcpu_io_paddr(vcpu));
    uint32_t *vmcs = vcpu_control(vcpu);

    memset(io, 0xff, 2 * BIT(seL4_PageBits)); /* every port exits */
    vmcs[0] = virt()->api.revision;
    (void)vmcs_clear(vcpu_control_paddr(vcpu));
    vmx_current = NULL;
    vmx_make_current(vcpu);
    vmx_host_state_init();
    vmx_controls_init(vcpu);
    vmx_guest_state_init();
    vcpu->msr[VCPU_MSR_DR6] = GUEST_DR6_DEFAULT;
}

bool vmx_vcpu_read(vcpu_t *vcpu, word_t field, word_t *value)
{
    vmx_make_current(vcpu);
    return vmcs_read_checked((uint32_t)field, value);
}

void vmx_vcpu_write(vcpu_t *vcpu, word_t field, word_t value)
{
    vmx_make_current(vcpu);
    (void)vmcs_write((uint32_t)field, value);
    switch (field) {
    case seL4_VMCS_Guest_CR0:
    case seL4_VMCS_Guest_CR3:
    case seL4_VMCS_Guest_CR4:
    case seL4_VMCS_Guest_EFER:
        /* The guest's translations change under it: VM entry with a VPID keeps them. */
        guest_tag_flush(vcpu);
        break;
    case seL4_VMCS_ProcControls:
        vcpu->controls = value;
        break;
    default:
        break;
    }
}

void vmx_vcpu_set_entry(vcpu_t *vcpu, word_t rip, word_t controls, word_t event)
{
    vmx_make_current(vcpu);
    vmcs_write(seL4_VMCS_Guest_RIP, rip);
    vmcs_write(seL4_VMCS_ProcControls, controls);
    vmcs_write(seL4_VMCS_EntryIntrInfo, event);
    vcpu->rip = rip;
    vcpu->controls = controls;
    vcpu->event = event;
}
