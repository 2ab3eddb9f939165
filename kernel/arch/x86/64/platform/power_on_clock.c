/*
 * The power-on clock: one reading of the ACPI PM timer, tied to the TSC and compared with it.
 * Boot-only; reads the one I/O port the FADT named and nothing else.
 */
#include <arch/boot_section.h>
#include <arch/io.h>
#include <arch/power_on_clock.h>
#include <arch/tsc.h>

static uint64_t entry_ns;
static power_on_clock_t source = POWER_ON_CLOCK_TSC_UNCHECKED;

/* Distance between a and b on a circle of the given circumference. */
BOOT_CODE static uint64_t circular_distance(uint64_t a, uint64_t b, uint64_t circumference)
{
    uint64_t d = (a > b ? a - b : b - a) % circumference;
    return d < circumference - d ? d : circumference - d;
}

BOOT_CODE void power_on_clock_init(const acpi_info_t *acpi, uint64_t entry_tsc)
{
    uint64_t tsc_entry_ns = tsc_ticks_to_ns(entry_tsc);

    entry_ns = tsc_entry_ns;
    source = POWER_ON_CLOCK_TSC_UNCHECKED;
    if (acpi->pm_timer_port == 0) {
        return;
    }
    uint64_t counter_span = acpi->pm_timer_32bit ? 1ull << 32 : 1ull << 24;
    uint64_t period_ns = counter_span * 1000000000ull / PM_TIMER_HZ;
    uint64_t now_tsc = tsc_read();
    uint64_t pm_ticks = io_in32(acpi->pm_timer_port) & (counter_span - 1);
    uint64_t pm_ns = pm_ticks * 1000000000ull / PM_TIMER_HZ;
    uint64_t since_entry_ns = tsc_ticks_to_ns(now_tsc - entry_tsc);

    /* The PM reading carried back to entry_tsc, on the timer's circle. */
    uint64_t pm_entry_ns = (pm_ns + period_ns - since_entry_ns % period_ns) % period_ns;
    if (circular_distance(tsc_entry_ns % period_ns, pm_entry_ns, period_ns) <=
        POWER_ON_CLOCK_TOLERANCE_NS) {
        source = POWER_ON_CLOCK_TSC_CONFIRMED;
    } else {
        entry_ns = pm_entry_ns;
        source = POWER_ON_CLOCK_PM_TIMER;
    }
}

uint64_t power_on_clock_entry_ns(void)
{
    return entry_ns;
}

power_on_clock_t power_on_clock_source(void)
{
    return source;
}

const char *power_on_clock_name(power_on_clock_t which)
{
    switch (which) {
    case POWER_ON_CLOCK_TSC_CONFIRMED:
        return "tsc, agrees with acpi-pm-timer";
    case POWER_ON_CLOCK_PM_TIMER:
        return "acpi-pm-timer, tsc did not start at power-on";
    default:
        return "tsc, no acpi-pm-timer to check it";
    }
}
