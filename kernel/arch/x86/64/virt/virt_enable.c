/*
 * Turning hardware virtualization on at boot, for what virt_detect found usable: VMX operation
 * (IA32_FEATURE_CONTROL, CR4.VMXE, VMXON; Intel SDM Vol. 3C 24.7), or SVM's host save area and
 * the host's VMLOAD image (AMD APM Vol. 2 15.5, 15.30.4); and the MSR permission map every VCPU
 * shares. Boot only. Also the one console line that says what the machine offers.
 */
#include <arch/boot_memory.h>
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/virt/svm_insn.h>
#include <arch/virt/virt.h>
#include <arch/virt/vmx_insn.h>
#include <kernel/memory.h>
#include <kernel/printf.h>
#include <kernel/string.h>

#define MSR_FEATURE_CONTROL  0x0000003au
#define FEATURE_CONTROL_LOCK BIT(0)
#define FEATURE_CONTROL_VMX  BIT(2)

/* The MSRs whose guest accesses run without exits: FS_BASE, GS_BASE, KERNEL_GS_BASE (all three
 * guest state the CPU or the kernel switches on every entry and exit). */
#define MSR_PASS_FIRST 0xc0000100u
#define MSR_PASS_COUNT 3u

BOOT_CODE static paddr_t virt_boot_page(word_t size, int fill)
{
    uint8_t *page = boot_memory_alloc(size, PAGE_SIZE);

    if (page == NULL) {
        return 0;
    }
    memset(page, fill, size);
    return kptr_to_paddr(page);
}

/*
 * VMX MSR bitmap (SDM 25.6.9): read-low, read-high, write-low, write-high, 1 KiB each; a set bit
 * makes the access exit. High MSRs are 0xc0000000.. .
 */
BOOT_CODE static void vmx_msr_bitmap_pass(uint8_t *bitmap)
{
    for (uint32_t i = 0; i < MSR_PASS_COUNT; i++) {
        uint32_t bit = MSR_PASS_FIRST + i - 0xc0000000u;
        bitmap[0x400 + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
        bitmap[0xc00 + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
    }
}

/* SVM MSRPM (APM 15.11): two bits per MSR (read, write); MSRs 0xc0000000.. from byte 0x800. */
BOOT_CODE static void svm_msrpm_pass(uint8_t *map)
{
    for (uint32_t i = 0; i < MSR_PASS_COUNT; i++) {
        uint32_t bit = (MSR_PASS_FIRST + i - 0xc0000000u) * 2;
        map[0x800 + bit / 8] &= (uint8_t) ~(3u << (bit % 8));
    }
}

BOOT_CODE static bool fixed_bits_hold(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    return (value & fixed0) == fixed0 && (value & ~fixed1) == 0;
}

BOOT_CODE static bool vmx_enable(virt_t *v)
{
    uint64_t control = msr_read(MSR_FEATURE_CONTROL);
    uint64_t cr4 = cpu_enabled_cr4_bits() | CR4_VMXE;
    uint32_t *region;

    if (!fixed_bits_hold(cr0_read(), v->api.cr_fixed[0], v->api.cr_fixed[1]) ||
        !fixed_bits_hold(cr4, v->api.cr_fixed[2], v->api.cr_fixed[3])) {
        return false;
    }
    if ((control & FEATURE_CONTROL_LOCK) == 0) {
        msr_write(MSR_FEATURE_CONTROL, control | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX);
    }
    v->vmxon_region = virt_boot_page(PAGE_SIZE, 0);
    v->msr_permissions = virt_boot_page(PAGE_SIZE, 0xff);
    if (v->vmxon_region == 0 || v->msr_permissions == 0) {
        return false;
    }
    vmx_msr_bitmap_pass(paddr_to_kptr(v->msr_permissions));
    region = paddr_to_kptr(v->vmxon_region);
    region[0] = v->api.revision;
    cpu_update_cr4_bits(CR4_VMXE, 0);
    if (!vmx_on(v->vmxon_region)) {
        cpu_update_cr4_bits(0, CR4_VMXE);
        return false;
    }
    return true;
}

BOOT_CODE static bool svm_enable(virt_t *v)
{
    uint64_t efer = msr_read(MSR_EFER);

    v->host_save_area = virt_boot_page(PAGE_SIZE, 0);
    v->host_state_area = virt_boot_page(PAGE_SIZE, 0);
    v->msr_permissions = virt_boot_page(2 * (word_t)PAGE_SIZE, 0xff);
    if (v->host_save_area == 0 || v->host_state_area == 0 || v->msr_permissions == 0) {
        return false;
    }
    svm_msrpm_pass(paddr_to_kptr(v->msr_permissions));
    v->host_efer = efer;
    msr_write(MSR_VM_HSAVE_PA, v->host_save_area);
    /* The host's FS/GS/TR/LDTR hidden state and SYSCALL/SYSENTER MSRs as arch_cpu_init left
     * them: every guest exit loads them back with VMLOAD. */
    msr_write(MSR_EFER, efer | EFER_SVME);
    svm_vmsave(v->host_state_area);
    msr_write(MSR_EFER, efer);
    return true;
}

BOOT_CODE void virt_enable(void)
{
    virt_t *v = virt_boot_state();
    bool on = true;

    if (v->api.kind == seL4_X86_Virt_VMX) {
        on = vmx_enable(v);
    } else if (v->api.kind == seL4_X86_Virt_SVM) {
        on = svm_enable(v);
    }
    if (!on) {
        v->api.kind = seL4_X86_Virt_None;
        v->api.absent = seL4_X86_VirtAbsent_MissingFeature;
    }
}

BOOT_CODE static void print_flag(uint64_t flags, uint64_t flag, const char *name)
{
    if (flags & flag) {
        kprintf(", %s", name);
    }
}

BOOT_CODE static void print_absent(const seL4_X86_VirtFeatures *api)
{
    const char *what = cpu_features()->vmx ? "VMX" : "SVM";

    switch (api->absent) {
    case seL4_X86_VirtAbsent_NotInCPU:
        kprintf("none (the CPU has neither VMX nor SVM)");
        break;
    case seL4_X86_VirtAbsent_DisabledByFirmware:
        kprintf("none (%s disabled by the firmware: %s)", what,
                cpu_features()->vmx ? "IA32_FEATURE_CONTROL locked without VMX" : "VM_CR.SVMDIS");
        break;
    default:
        kprintf("none (%s lacks %s)", what,
                (api->missing & seL4_X86_VirtNeed_EPT)        ? "EPT with INVEPT"
                : (api->missing & seL4_X86_VirtNeed_Controls) ? "a control the kernel needs"
                : (api->missing & seL4_X86_VirtNeed_NPT)      ? "nested paging"
                                                              : "a usable VMXON or host area");
        break;
    }
}

BOOT_CODE void virt_print_summary(void)
{
    const seL4_X86_VirtFeatures *api = &virt()->api;

    kprintf("beaml4: virtualization: ");
    if (api->kind == seL4_X86_Virt_VMX) {
        kprintf("VMX (VMCS revision %#x): EPT", api->revision);
        print_flag(api->flags, seL4_X86_Virt_EPTLargePages, "2 MiB EPT pages");
        print_flag(api->flags, seL4_X86_Virt_VPID, "VPID");
        print_flag(api->flags, seL4_X86_Virt_UnrestrictedGuest, "unrestricted guest");
        print_flag(api->flags, seL4_X86_Virt_PreemptionTimer, "preemption timer");
    } else if (api->kind == seL4_X86_Virt_SVM) {
        kprintf("SVM (revision %u): nested paging, %u ASIDs", api->revision, api->guest_tags);
        print_flag(api->flags, seL4_X86_Virt_NRIPSave, "NRIP save");
        print_flag(api->flags, seL4_X86_Virt_FlushByASID, "flush by ASID");
        print_flag(api->flags, seL4_X86_Virt_DecodeAssists, "decode assists");
    } else {
        print_absent(api);
    }
    kprintf("\n");
}
