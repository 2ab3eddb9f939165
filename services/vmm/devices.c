/*
 * The VM's devices: lib/vdev's PC platform (8259s, I/O APIC, local APIC, PIT, RTC, COM1, PCI host,
 * debug exit, ACPI PM and reset), its CPUID and MSR policies, and the environment lib/pv's vCPU
 * calls (pv/env.h): ports, MMIO, MSRs, CPUID, the TSC, CR8, hypercalls, the software TLB's
 * notifications and interrupt injection. What the guest sees of the CPU is decided here once,
 * and the vCPU's configuration is derived from that very CPUID, so the two always agree.
 */
#include "devices.h"
#include "clock.h"
#include "hypercall.h"
#include "patch.h"
#include "profile.h"
#include <runtime/time.h>
#include <runtime/tsc.h>

/* 2026-01-01 00:00:00 UTC: the RTC's time at guest time 0 (the system keeps no wall clock). */
#define VMM_RTC_EPOCH 1767225600ll

/* What lib/pv and lib/vdev can offer a PV guest; the host must have it too (vdev_cpuid ANDs).
 * No x2APIC or TSC-deadline: the guest would see them where QEMU TCG, the test guest's bare
 * reference, has neither. No XSAVE: the kernel keeps XCR0 off for user threads. */
#define VMM_CPUID_FEATURES                                                                         \
    (VDEV_CPUID_FSGSBASE | VDEV_CPUID_SMEP | VDEV_CPUID_SMAP | VDEV_CPUID_UMIP |                   \
     VDEV_CPUID_PAGE1GB | VDEV_CPUID_RDTSCP)

/* CPUID bits the vCPU's configuration follows (SDM Vol. 2 CPUID). */
#define L1_ECX_PCID        (1u << 17)
#define L7_EBX_FSGSBASE    (1u << 0)
#define L7_EBX_SMEP        (1u << 7)
#define L7_EBX_INVPCID     (1u << 10)
#define L7_EBX_SMAP        (1u << 20)
#define L7_ECX_UMIP        (1u << 2)
#define L7_ECX_RDPID       (1u << 22)
#define E1_EDX_NX          (1u << 20)
#define E1_EDX_PAGE1GB     (1u << 26)
#define E1_EDX_RDTSCP      (1u << 27)
#define CPUID_VENDOR_INTEL 0x756e6547u /* "Genu" */
#define XCR0_X87_SSE       0x3ull

static void cpuid_host(void *context, uint32_t leaf, uint32_t subleaf, vdev_cpuid_regs_t *out)
{
    (void)context;
    __asm__ volatile("cpuid"
                     : "=a"(out->eax), "=b"(out->ebx), "=c"(out->ecx), "=d"(out->edx)
                     : "a"(leaf), "c"(subleaf));
}

static void console_transmit(void *context, uint8_t byte)
{
    console_put(&((vmm_t *)context)->console, byte);
}

/* The vCPU's features, read back from the CPUID the guest will see. */
static pv_cpu_config_t vcpu_config_from_cpuid(const vdev_cpuid_policy_t *policy)
{
    vdev_cpuid_regs_t r0, r1, r7, e1, e8;
    pv_cpu_config_t config = {0};

    vdev_cpuid(policy, NULL, 0, 0, &r0);
    vdev_cpuid(policy, NULL, 1, 0, &r1);
    vdev_cpuid(policy, NULL, 7, 0, &r7);
    vdev_cpuid(policy, NULL, 0x80000001u, 0, &e1);
    vdev_cpuid(policy, NULL, 0x80000008u, 0, &e8);
    config.vendor = r0.ebx == CPUID_VENDOR_INTEL ? PV_VENDOR_INTEL : PV_VENDOR_AMD;
    config.features = ((e1.edx & E1_EDX_NX) ? PV_CPU_F_NX : 0u) |
                      ((r7.ebx & L7_EBX_SMEP) ? PV_CPU_F_SMEP : 0u) |
                      ((r7.ebx & L7_EBX_SMAP) ? PV_CPU_F_SMAP : 0u) |
                      ((r7.ecx & L7_ECX_UMIP) ? PV_CPU_F_UMIP : 0u) |
                      ((r7.ebx & L7_EBX_FSGSBASE) ? PV_CPU_F_FSGSBASE : 0u) |
                      ((r1.ecx & L1_ECX_PCID) ? PV_CPU_F_PCID : 0u) |
                      ((r7.ebx & L7_EBX_INVPCID) ? PV_CPU_F_INVPCID : 0u) |
                      ((e1.edx & E1_EDX_RDTSCP) ? PV_CPU_F_RDTSCP : 0u) |
                      ((r7.ecx & L7_ECX_RDPID) ? PV_CPU_F_RDPID : 0u) |
                      ((e1.edx & E1_EDX_PAGE1GB) ? PV_CPU_F_PAGE1GB : 0u);
    config.phys_addr_bits = (uint8_t)(e8.eax & 0xffu);
    config.xcr0_supported = XCR0_X87_SSE;
    return config;
}

pv_cpu_config_t devices_setup(vmm_t *vmm)
{
    vdev_cpuid_policy_t *policy = &vmm->cpuid;

    *policy = (vdev_cpuid_policy_t){
            .host = cpuid_host,
            .features = VMM_CPUID_FEATURES,
            .xcr0_allowed = XCR0_X87_SSE,
            .apic_id = 0,
            .tsc_hz = runtime_tsc_hz(),
            .apic_timer_hz = VDEV_DEFAULT_APIC_TIMER_HZ,
    };
    vdev_cpuid_init(policy);
    pv_cpu_config_t config = vcpu_config_from_cpuid(policy);
    vdev_platform_config_t platform = {
            .vcpus = 1,
            .first_apic_id = 0,
            .phys_addr_bits = config.phys_addr_bits,
            .x2apic = false,
            .tsc_deadline = false,
            .apic_timer_hz = VDEV_DEFAULT_APIC_TIMER_HZ,
            .tsc_hz = runtime_tsc_hz(),
            .tsc_at_zero = vmm->tsc_at_zero,
            .wall_seconds = VMM_RTC_EPOCH,
            .ram_below_4g = vmm->ram.size < (1ull << 32) ? vmm->ram.size : (1ull << 32),
            .ram_above_4g = vmm->ram.size > (1ull << 32) ? vmm->ram.size - (1ull << 32) : 0,
            .com1_transmit = console_transmit,
            .com1_context = vmm,
            .msr = {.vendor = policy->vendor,
                    .nx = (config.features & PV_CPU_F_NX) != 0,
                    .tsc_aux = (config.features & (PV_CPU_F_RDTSCP | PV_CPU_F_RDPID)) != 0},
    };
    if (!vdev_platform_init(&vmm->platform, &platform)) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the platform's devices could not be set up");
    }
    return config;
}

/* ---- the environment of pv/env.h -------------------------------------------------------------- */

static uint32_t env_io_in(void *context, uint16_t port, unsigned size)
{
    vmm_t *vmm = context;
    uint32_t value = 0xffffffffu;
    uint64_t begun = profile_part_begin();

    vdev_platform_io_in(&vmm->platform, port, size, &value, vmm_now(vmm));
    profile_part_end(PROFILE_DEVICES, begun);
    return value;
}

static void env_io_out(void *context, uint16_t port, unsigned size, uint32_t value)
{
    vmm_t *vmm = context;
    uint64_t begun = profile_part_begin();

    vdev_platform_io_out(&vmm->platform, port, size, value, vmm_now(vmm));
    profile_part_end(PROFILE_DEVICES, begun);
}

static uint64_t env_mmio_read(void *context, gpa_t address, unsigned size)
{
    vmm_t *vmm = context;
    uint64_t value = ~0ull;
    uint64_t begun = profile_part_begin();

    vdev_platform_mmio_read(&vmm->platform, 0, address.value, size, &value, vmm_now(vmm));
    profile_part_end(PROFILE_DEVICES, begun);
    return value;
}

static void env_mmio_write(void *context, gpa_t address, unsigned size, uint64_t value)
{
    vmm_t *vmm = context;
    uint64_t begun = profile_part_begin();

    vdev_platform_mmio_write(&vmm->platform, 0, address.value, size, value, vmm_now(vmm));
    profile_part_end(PROFILE_DEVICES, begun);
}

static pv_msr_result_t msr_result(vdev_msr_result_t result)
{
    return result == VDEV_MSR_OK        ? PV_MSR_OK
           : result == VDEV_MSR_CONTEXT ? PV_MSR_CONTEXT
                                        : PV_MSR_GP;
}

static pv_msr_result_t env_msr_read(void *context, uint32_t index, uint64_t *value)
{
    vmm_t *vmm = context;
    uint64_t begun = profile_part_begin();
    vdev_msr_result_t result =
            vdev_platform_msr_read(&vmm->platform, 0, index, value, vmm_now(vmm));

    profile_part_end(PROFILE_DEVICES, begun);
    return msr_result(result);
}

static pv_msr_result_t env_msr_write(void *context, const pv_msr_cpu_t *cpu, uint32_t index,
                                     uint64_t *value)
{
    vmm_t *vmm = context;
    vdev_msr_cpu_t state = {.efer = cpu->efer, .paging = cpu->paging};
    pv_msr_result_t result = msr_result(
            vdev_platform_msr_write(&vmm->platform, 0, &state, index, value, vmm_now(vmm)));

    /* A system-call entry is kernel code the load-time scan may never have reached. */
    if (result == PV_MSR_CONTEXT && (index == VDEV_MSR_LSTAR || index == VDEV_MSR_CSTAR)) {
        patch_note_entry(*value);
    }
    return result;
}

static void env_cpuid(void *context, uint32_t leaf, uint32_t subleaf, bool osxsave, uint64_t xcr0,
                      pv_cpuid_regs_t *out)
{
    vmm_t *vmm = context;
    vdev_cpuid_guest_t guest = {
            .osxsave = osxsave,
            .apic_enabled =
                    (vdev_lapic_base(&vmm->platform.intc.lapic[0]) & VDEV_APIC_BASE_ENABLE) != 0,
            .xcr0 = xcr0,
    };
    vdev_cpuid_regs_t regs;

    vdev_cpuid(&vmm->cpuid, &guest, leaf, subleaf, &regs);
    *out = (pv_cpuid_regs_t){regs.eax, regs.ebx, regs.ecx, regs.edx};
}

static uint64_t env_tsc_read(void *context)
{
    (void)context;
    return tsc_read(); /* RDTSC runs natively: the guest's TSC is the host's */
}

#define LAPIC_TPR 0x80u

static unsigned env_tpr_read(void *context)
{
    vmm_t *vmm = context;

    return (vdev_lapic_read_register(&vmm->platform.intc.lapic[0], LAPIC_TPR, vmm_now(vmm)) >> 4) &
           0xfu;
}

static void env_tpr_write(void *context, unsigned priority_class)
{
    vmm_t *vmm = context;

    vdev_lapic_mmio_write(&vmm->platform.intc.lapic[0], LAPIC_TPR, 4, (priority_class & 0xfu) << 4,
                          vmm_now(vmm));
}

static void env_paging_changed(void *context, const pv_paging_t *paging, unsigned what,
                               bool no_flush)
{
    vmm_t *vmm = context;

    if (what & PV_PAGING_FLUSH) {
        pv_shadow_flush(&vmm->shadow, false);
    } else if (what & PV_PAGING_MODE) {
        pv_shadow_paging_changed(&vmm->shadow, paging);
    }
    if ((what & PV_PAGING_CR3) && !no_flush) {
        pv_shadow_new_cr3(&vmm->shadow, paging);
    }
}

static void env_invalidate_page(void *context, gva_t address, uint16_t pcid)
{
    (void)pcid; /* PCIDs are not offered: one address space of translations */
    pv_shadow_invalidate_page(&((vmm_t *)context)->shadow, address);
}

static void env_invalidate_pcid(void *context, uint16_t pcid, bool all_pcids, bool globals)
{
    (void)pcid;
    (void)all_pcids;
    pv_shadow_flush(&((vmm_t *)context)->shadow, !globals);
}

static void env_ac_changed(void *context, bool ac)
{
    pv_shadow_ac_changed(&((vmm_t *)context)->shadow, ac);
}

static void env_intr_pending(void *context, const pv_interruptibility_t *cpu, pv_intr_t *out)
{
    vmm_t *vmm = context;
    vdev_cpu_interruptibility_t state = {
            .interrupts_enabled = cpu->interrupts_enabled,
            .interrupt_shadow = cpu->interrupt_shadow,
            .nmi_blocked = cpu->nmi_blocked,
    };
    vdev_intr_t intr;
    uint64_t begun = profile_part_begin();

    vdev_intc_advance(&vmm->platform.intc, vmm_now(vmm));
    vdev_intc_pending(&vmm->platform.intc, 0, &state, &intr);
    profile_part_end(PROFILE_DEVICES, begun);
    out->kind = intr.kind == VDEV_INTR_NMI      ? PV_INTR_NMI
                : intr.kind == VDEV_INTR_EXTINT ? PV_INTR_EXTINT
                : intr.kind == VDEV_INTR_FIXED  ? PV_INTR_FIXED
                                                : PV_INTR_NONE;
    out->vector = intr.vector;
    out->irq_window = intr.irq_window;
    out->nmi_window = intr.nmi_window;
}

static uint8_t env_intr_ack(void *context, pv_intr_kind_t kind)
{
    vmm_t *vmm = context;
    vdev_intr_kind_t vdev_kind = kind == PV_INTR_NMI      ? VDEV_INTR_NMI
                                 : kind == PV_INTR_EXTINT ? VDEV_INTR_EXTINT
                                                          : VDEV_INTR_FIXED;

    return vdev_intc_ack(&vmm->platform.intc, 0, vdev_kind);
}

void devices_env(vmm_t *vmm, pv_env_t *env)
{
    static pv_walk_cache_t walk_cache; /* the vCPU's translations of one event */

    *env = (pv_env_t){
            .context = vmm,
            .memory = &vmm->ram,
            .pv_page = vmm->vcpu.pv_page,
            .io_in = env_io_in,
            .io_out = env_io_out,
            .mmio_read = env_mmio_read,
            .mmio_write = env_mmio_write,
            .msr_read = env_msr_read,
            .msr_write = env_msr_write,
            .cpuid = env_cpuid,
            .tsc_read = env_tsc_read,
            .tpr_read = env_tpr_read,
            .tpr_write = env_tpr_write,
            .hypercall = hypercall_handle,
            .paging_changed = env_paging_changed,
            .invalidate_page = env_invalidate_page,
            .invalidate_pcid = env_invalidate_pcid,
            .ac_changed = env_ac_changed,
            .intr_pending = env_intr_pending,
            .intr_ack = env_intr_ack,
            .walk_cache = &walk_cache,
    };
}

pv_hypercall_result_t hypercall_handle(void *context, uint64_t number, const uint64_t args[4])
{
    vmm_t *vmm = context;
    pv_hypercall_result_t result = hypercall_dispatch(&vmm->ram, &vmm->console, number, args);

    if (number == HYPERCALL_PROFILE && result.value == 0) {
        /* Checked by the dispatch: in RAM, printable, at most PROFILE_LABEL_MAX bytes. */
        const uint8_t *label =
                args[1] != 0 ? pv_memory_span(&vmm->ram, gpa(args[0]), args[1]) : NULL;
        profile_request((const char *)label, args[1]);
        if (!vmm->hw.active) {
            patch_fast_path(vmm, (args[2] & HYPERCALL_PROFILE_PLAIN) == 0);
        }
    }
    return result;
}
