/*
 * Local APIC driver for the executing CPU: register access in xAPIC (MMIO) or x2APIC (MSR)
 * mode, set-up, timer calibration against the TSC, EOI and IPIs. Touches no other CPU's state.
 */
#include "bytes.h"
#include "median.h"
#include <stddef.h>
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/lapic.h>
#include <arch/phys.h>
#include <arch/tsc.h>
#include <arch/vectors.h>

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + offset / 16. */
#define LAPIC_ID            0x020
#define LAPIC_VERSION       0x030
#define LAPIC_TPR           0x080
#define LAPIC_EOI           0x0b0
#define LAPIC_SVR           0x0f0
#define LAPIC_ESR           0x280
#define LAPIC_ICR_LOW       0x300
#define LAPIC_ICR_HIGH      0x310
#define LAPIC_LVT_TIMER     0x320
#define LAPIC_LVT_LINT0     0x350
#define LAPIC_LVT_LINT1     0x360
#define LAPIC_LVT_ERROR     0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0
#define X2APIC_MSR_BASE     0x800u
#define X2APIC_MSR_ICR      0x830u

#define APIC_BASE_X2APIC_ENABLE (1ull << 10)
#define APIC_BASE_GLOBAL_ENABLE (1ull << 11)
#define APIC_BASE_ADDRESS_MASK  0x000ffffffffff000ull

#define SVR_SOFTWARE_ENABLE  (1u << 8)
#define LVT_MASKED           (1u << 16)
#define LVT_DELIVERY_NMI     (4u << 8)
#define LVT_TIMER_ONESHOT    (0u << 17)
#define LVT_TIMER_PERIODIC   (1u << 17)
#define ICR_DELIVERY_INIT    (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_PENDING          (1u << 12)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define TIMER_DIVIDE_BY_16   0x3u

/*
 * Five rounds of 300 us, median: a round's error is the jitter of pairing a count with the TSC
 * (about a microsecond where each register read traps), well under 1%.
 */
#define CALIBRATION_ROUNDS       5
#define CALIBRATION_NS           300000ull
#define ICR_WAIT_POLLS           1000000u
#define CALIBRATION_SAMPLE_TRIES 3
_Static_assert(CALIBRATION_ROUNDS <= MEDIAN_COUNT_MAX, "the median takes every round");

static lapic_mode_t mode;
static volatile uint32_t *xapic_registers;
static uint64_t base_phys;
static uint64_t timer_frequency_hz;
static bool madt_address_matches;

static uint32_t lapic_read(uint32_t offset)
{
    if (mode == LAPIC_MODE_X2APIC) {
        return (uint32_t)msr_read(X2APIC_MSR_BASE + offset / 16);
    }
    return xapic_registers[offset / 4];
}

static void lapic_write(uint32_t offset, uint32_t value)
{
    if (mode == LAPIC_MODE_X2APIC) {
        msr_write(X2APIC_MSR_BASE + offset / 16, value);
    } else {
        xapic_registers[offset / 4] = value;
    }
}

/* The timer's count and the TSC at one instant: the tightest of a few bracketed reads. */
BOOT_CODE static void timer_sample(uint64_t *tsc, uint32_t *count)
{
    uint64_t best_width = UINT64_MAX;

    for (int i = 0; i < CALIBRATION_SAMPLE_TRIES; i++) {
        uint64_t before = tsc_read();
        uint32_t value = lapic_read(LAPIC_TIMER_CURRENT);
        uint64_t after = tsc_read();
        if (after - before < best_width) {
            best_width = after - before;
            *tsc = before + best_width / 2;
            *count = value;
        }
    }
}

/*
 * Count the timer down from its maximum through CALIBRATION_ROUNDS consecutive rounds of
 * CALIBRATION_NS of TSC time each; timer ticks per second of each round into hz[]. Every round
 * boundary pairs a count with a TSC value, so a preempted virtual CPU does not skew a round.
 * False when the timer does not count.
 */
BOOT_CODE static bool timer_rounds(uint64_t *hz)
{
    uint64_t round_ticks = tsc_ns_to_ticks(CALIBRATION_NS);
    uint64_t previous_tsc = 0;
    uint32_t previous_count = 0;
    bool counted = true;

    lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
    timer_sample(&previous_tsc, &previous_count);
    for (int round = 0; round < CALIBRATION_ROUNDS && counted; round++) {
        uint64_t next_tsc = 0;
        uint32_t next_count = 0;
        while (tsc_read() - previous_tsc < round_ticks) {
            cpu_pause();
        }
        timer_sample(&next_tsc, &next_count);
        counted = next_count != 0 && next_count < previous_count;
        if (counted) {
            hz[round] = mul_div_u64(previous_count - next_count, tsc_hz(), next_tsc - previous_tsc);
            counted = hz[round] != 0 && hz[round] != UINT64_MAX;
        }
        previous_tsc = next_tsc;
        previous_count = next_count;
    }
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    return counted;
}

/* The timer's frequency: the median of CALIBRATION_ROUNDS rounds. */
BOOT_CODE static platform_error_t timer_calibrate(void)
{
    uint64_t hz[CALIBRATION_ROUNDS] = {0};

    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_LAPIC_TIMER);
    if (!timer_rounds(hz)) {
        return PLATFORM_ERROR_TIMEOUT;
    }
    timer_frequency_hz = median_u64(hz, CALIBRATION_ROUNDS);
    return PLATFORM_OK;
}

BOOT_CODE platform_error_t lapic_init(uint64_t madt_address, bool use_x2apic, int nmi_lint)
{
    const cpu_features_t *cpu = cpu_features();
    uint64_t apic_base;

    if (!cpu->apic || tsc_hz() == 0) {
        return PLATFORM_ERROR_UNSUPPORTED;
    }
    apic_base = msr_read(MSR_IA32_APIC_BASE);
    base_phys = apic_base & APIC_BASE_ADDRESS_MASK;
    madt_address_matches = madt_address == base_phys;
    /* Firmware may have left x2APIC on; it cannot be switched back without a reset. */
    if ((use_x2apic && cpu->x2apic) || (apic_base & APIC_BASE_X2APIC_ENABLE)) {
        msr_write(MSR_IA32_APIC_BASE, apic_base | APIC_BASE_GLOBAL_ENABLE);
        msr_write(MSR_IA32_APIC_BASE,
                  apic_base | APIC_BASE_GLOBAL_ENABLE | APIC_BASE_X2APIC_ENABLE);
        mode = LAPIC_MODE_X2APIC;
    } else {
        xapic_registers = phys_map_writable(base_phys, 0x1000);
        if (xapic_registers == NULL) {
            return PLATFORM_ERROR_UNMAPPED;
        }
        msr_write(MSR_IA32_APIC_BASE, apic_base | APIC_BASE_GLOBAL_ENABLE);
        mode = LAPIC_MODE_XAPIC;
    }

    lapic_write(LAPIC_SVR, SVR_SOFTWARE_ENABLE | VECTOR_SPURIOUS);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, nmi_lint == 0 ? LVT_DELIVERY_NMI : LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, nmi_lint == 1 ? LVT_DELIVERY_NMI : LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, VECTOR_LAPIC_ERROR);
    lapic_write(LAPIC_ESR, 0); /* the xAPIC latches errors into ESR on a write */
    lapic_write(LAPIC_ESR, 0);
    return timer_calibrate();
}

lapic_mode_t lapic_mode(void)
{
    return mode;
}

uint64_t lapic_base_phys(void)
{
    return base_phys;
}

bool lapic_madt_address_matches(void)
{
    return madt_address_matches;
}

uint32_t lapic_id(void)
{
    uint32_t id = lapic_read(LAPIC_ID);
    return mode == LAPIC_MODE_X2APIC ? id : id >> 24;
}

uint32_t lapic_version(void)
{
    return lapic_read(LAPIC_VERSION);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

uint64_t lapic_timer_hz(void)
{
    return timer_frequency_hz;
}

static platform_error_t timer_ticks(uint64_t ns, uint32_t *ticks)
{
    uint64_t count = mul_div_u64(ns, timer_frequency_hz, 1000000000ull);
    if (timer_frequency_hz == 0) {
        return PLATFORM_ERROR_UNSUPPORTED;
    }
    if (count > 0xffffffffu) {
        return PLATFORM_ERROR_RANGE;
    }
    *ticks = count == 0 ? 1 : (uint32_t)count;
    return PLATFORM_OK;
}

/* Arms the timer for ns on VECTOR_LAPIC_TIMER in lvt_mode (LVT_TIMER_ONESHOT or _PERIODIC). */
static platform_error_t timer_start(uint64_t ns, uint32_t lvt_mode)
{
    uint32_t ticks;
    platform_error_t error = timer_ticks(ns, &ticks);
    if (error != PLATFORM_OK) {
        return error;
    }
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, lvt_mode | VECTOR_LAPIC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, ticks);
    return PLATFORM_OK;
}

platform_error_t lapic_timer_start_periodic(uint64_t period_ns)
{
    return timer_start(period_ns, LVT_TIMER_PERIODIC);
}

platform_error_t lapic_timer_start_oneshot(uint64_t delay_ns)
{
    return timer_start(delay_ns, LVT_TIMER_ONESHOT);
}

void lapic_timer_stop(void)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_LAPIC_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
}

uint32_t lapic_timer_current_count(void)
{
    return lapic_read(LAPIC_TIMER_CURRENT);
}

static platform_error_t icr_send(uint32_t destination, uint32_t command)
{
    if (mode == LAPIC_MODE_X2APIC) {
        msr_write(X2APIC_MSR_ICR, ((uint64_t)destination << 32) | command);
        return PLATFORM_OK;
    }
    if (destination > 0xff) {
        return PLATFORM_ERROR_RANGE;
    }
    for (uint32_t polls = 0; lapic_read(LAPIC_ICR_LOW) & ICR_PENDING; polls++) {
        if (polls == ICR_WAIT_POLLS) {
            return PLATFORM_ERROR_TIMEOUT;
        }
        cpu_pause();
    }
    lapic_write(LAPIC_ICR_HIGH, destination << 24);
    lapic_write(LAPIC_ICR_LOW, command);
    return PLATFORM_OK;
}

platform_error_t lapic_send_ipi(uint32_t destination, uint8_t vector)
{
    if (vector < VECTOR_EXCEPTION_COUNT) {
        return PLATFORM_ERROR_RANGE;
    }
    return icr_send(destination, ICR_LEVEL_ASSERT | vector);
}

platform_error_t lapic_send_init(uint32_t destination)
{
    return icr_send(destination, ICR_LEVEL_ASSERT | ICR_DELIVERY_INIT);
}

platform_error_t lapic_send_startup(uint32_t destination, uint8_t page)
{
    return icr_send(destination, ICR_LEVEL_ASSERT | ICR_DELIVERY_STARTUP | page);
}
