/*
 * The TSC frequency a hypervisor states: CPUID 0x40000010, else KVM's pvclock scale. The
 * pvclock area is registered only for the few reads it takes and unregistered before returning,
 * so the hypervisor never writes into memory the kernel later hands out.
 */
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/hypervisor_clock.h>
#include <arch/io.h>
#include <arch/phys.h>
#include <stdbool.h>

#define HYPERVISOR_LEAF_BASE   0x40000000u
#define HYPERVISOR_TIMING_LEAF 0x40000010u
/* Where KVM's leaves may start (0x40000100 when it also offers Hyper-V's). */
#define KVM_LEAF_BASES_COUNT 2
/* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX of the base leaf. */
#define KVM_SIGNATURE_EBX        0x4b4d564bu
#define KVM_SIGNATURE_ECX        0x564b4d56u
#define KVM_SIGNATURE_EDX        0x0000004du
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_SYSTEM_TIME_NEW  0x4b564d01u
#define KVM_SYSTEM_TIME_ENABLE   1u
#define PVCLOCK_READ_ATTEMPTS    1000
#define NS_PER_SECOND            1000000000ull
#define PVCLOCK_SHIFT_LIMIT      31

/* In the kernel image, hence in RAM, as KVM requires; 32 bytes never cross a page here. */
BOOT_DATA static pvclock_time_info_t pvclock_area __attribute__((aligned(32)));

/* The area's version, read afresh each time (a compiler barrier on either side). */
BOOT_CODE static uint32_t pvclock_version(void)
{
    uint32_t version;
    __asm__ volatile("movl %1, %0" : "=r"(version) : "m"(pvclock_area.version) : "memory");
    return version;
}

/* The CPUID leaf base of KVM's interface, or 0 when the hypervisor is not KVM. */
BOOT_CODE static uint32_t kvm_leaf_base(void)
{
    static const uint32_t bases[KVM_LEAF_BASES_COUNT] = {0x40000000u, 0x40000100u};
    uint32_t eax;
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;

    for (int i = 0; i < KVM_LEAF_BASES_COUNT; i++) {
        cpuid_query(bases[i], 0, &eax, &ebx, &ecx, &edx);
        if (ebx == KVM_SIGNATURE_EBX && ecx == KVM_SIGNATURE_ECX && edx == KVM_SIGNATURE_EDX &&
            eax >= bases[i] + 1) {
            return bases[i];
        }
    }
    return 0;
}

BOOT_CODE static uint64_t kvmclock_hz(void)
{
    uint32_t base = kvm_leaf_base();
    uint32_t features;
    uint32_t unused;
    uint32_t mul = 0;
    int8_t shift = 0;

    if (base == 0) {
        return 0;
    }
    cpuid_query(base + 1, 0, &features, &unused, &unused, &unused);
    if ((features & KVM_FEATURE_CLOCKSOURCE2) == 0) {
        return 0;
    }
    msr_write(MSR_KVM_SYSTEM_TIME_NEW,
              phys_from_kernel_pointer(&pvclock_area) | KVM_SYSTEM_TIME_ENABLE);
    /* KVM fills the area before the vCPU runs again; the version check guards an update. */
    for (int attempt = 0; attempt < PVCLOCK_READ_ATTEMPTS; attempt++) {
        uint32_t before = pvclock_version();
        mul = pvclock_area.tsc_to_system_mul;
        shift = pvclock_area.tsc_shift;
        uint32_t after = pvclock_version();
        if ((before & 1) == 0 && before != 0 && before == after) {
            break;
        }
        mul = 0;
        cpu_pause();
    }
    msr_write(MSR_KVM_SYSTEM_TIME_NEW, 0);
    return pvclock_scale_to_hz(mul, shift);
}

BOOT_CODE uint64_t hypervisor_tsc_hz(hypervisor_clock_t *source)
{
    uint32_t max_leaf;
    uint32_t tsc_khz;
    uint32_t unused;
    uint64_t hz;

    *source = HYPERVISOR_CLOCK_NONE;
    if (!cpu_features()->hypervisor) {
        return 0;
    }
    cpuid_query(HYPERVISOR_LEAF_BASE, 0, &max_leaf, &unused, &unused, &unused);
    if (max_leaf >= HYPERVISOR_TIMING_LEAF && max_leaf < HYPERVISOR_LEAF_BASE + 0x100) {
        cpuid_query(HYPERVISOR_TIMING_LEAF, 0, &tsc_khz, &unused, &unused, &unused);
        if (tsc_khz != 0) {
            *source = HYPERVISOR_CLOCK_TIMING_LEAF;
            return (uint64_t)tsc_khz * 1000;
        }
    }
    hz = kvmclock_hz();
    if (hz != 0) {
        *source = HYPERVISOR_CLOCK_KVMCLOCK;
    }
    return hz;
}
