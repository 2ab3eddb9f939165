/*
 * TSC frequencies a hypervisor states instead of leaving them to be measured: the timing leaf
 * CPUID 0x40000010 (VMware's convention, also QEMU's with an invariant TSC) and KVM's pvclock
 * (MSR_KVM_SYSTEM_TIME_NEW). Reading them takes microseconds where a PIT calibration takes
 * milliseconds. The caller still checks the figure against the PIT: a hypervisor may lie.
 * Boot-only; leaves no pvclock area registered behind it.
 */
#ifndef ARCH_HYPERVISOR_CLOCK_H
#define ARCH_HYPERVISOR_CLOCK_H

#include <stdint.h>

typedef enum {
    HYPERVISOR_CLOCK_NONE = 0,
    HYPERVISOR_CLOCK_TIMING_LEAF, /* CPUID 0x40000010 EAX: TSC kHz */
    HYPERVISOR_CLOCK_KVMCLOCK,    /* the pvclock scale KVM writes for this vCPU */
} hypervisor_clock_t;

/* KVM's pvclock area (the layout of struct pvclock_vcpu_time_info, 32 bytes). */
typedef struct {
    volatile uint32_t version; /* odd while the hypervisor updates the area */
    uint32_t pad0;
    volatile uint64_t tsc_timestamp;
    volatile uint64_t system_time;
    volatile uint32_t tsc_to_system_mul; /* ns = ((tsc delta << or >> shift) * mul) >> 32 */
    volatile int8_t tsc_shift;
    volatile uint8_t flags;
    uint8_t pad[2];
} pvclock_time_info_t;

/*
 * The TSC frequency in Hz a hypervisor states, and which interface said so (*source), or 0 with
 * *source = HYPERVISOR_CLOCK_NONE on bare metal, without such an interface, or when it reports
 * nothing usable. Needs cpu_features_detect(). Touches only CPUID and, under KVM with
 * KVM_FEATURE_CLOCKSOURCE2, MSR_KVM_SYSTEM_TIME_NEW (registered, read, unregistered again).
 */
uint64_t hypervisor_tsc_hz(hypervisor_clock_t *source);

/*
 * The TSC frequency that a pvclock scale (mul, shift) describes: 10^9 * 2^32 / (mul * 2^shift),
 * rounded down; 0 when mul is 0 or the result does not fit 64 bits. Pure.
 */
uint64_t pvclock_scale_to_hz(uint32_t mul, int8_t shift);

#endif
