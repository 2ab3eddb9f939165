/*
 * Time since power-on, for the boot times the root task reports. The TSC counts from reset on
 * most machines and emulators but not everywhere (a VM may see the host's TSC, firmware may write
 * it). The ACPI power-management timer starts at power-on on every ACPI machine but wraps (after
 * 4.7 s with 24 bits). So: when the TSC agrees with the PM timer modulo its period, the TSC is
 * trusted (it does not wrap); when they disagree, the TSC did not start at power-on and the PM
 * timer is the answer; without a PM timer, the TSC is all there is.
 */
#ifndef ARCH_POWER_ON_CLOCK_H
#define ARCH_POWER_ON_CLOCK_H

#include <arch/acpi.h>
#include <stdint.h>

#define PM_TIMER_HZ 3579545u

typedef enum {
    POWER_ON_CLOCK_TSC_UNCHECKED, /* no PM timer: TSC / frequency, taken on trust */
    POWER_ON_CLOCK_TSC_CONFIRMED, /* TSC / frequency, matching the PM timer modulo its period */
    POWER_ON_CLOCK_PM_TIMER,      /* the PM timer: the TSC disagrees, so it did not start at 0 */
} power_on_clock_t;

/* How far apart (ns) TSC and PM timer may be and still count as agreeing. */
#define POWER_ON_CLOCK_TOLERANCE_NS 2000000ull

/*
 * Work out how long after power-on the TSC read entry_tsc: read the PM timer (if acpi declares
 * one) and the TSC together now, carry the PM reading back to entry_tsc, and choose as described
 * above. Needs the TSC frequency (tsc_init()) and acpi_init().
 */
void power_on_clock_init(const acpi_info_t *acpi, uint64_t entry_tsc);

/* Nanoseconds from power-on to the TSC reading given to power_on_clock_init(). */
uint64_t power_on_clock_entry_ns(void);

power_on_clock_t power_on_clock_source(void);
const char *power_on_clock_name(power_on_clock_t source);

#endif
