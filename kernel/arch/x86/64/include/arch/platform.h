/*
 * The platform layer's entry points for the kernel core: bring the machine up, print what was
 * found, and hand out the results (boot parameters, ACPI, boot times). platform_init() is the
 * first thing the kernel does; any failure is a boot error that names its cause and stops.
 */
#ifndef ARCH_PLATFORM_H
#define ARCH_PLATFORM_H

#include <arch/acpi.h>
#include <arch/boot_params.h>
#include <stdbool.h>
#include <stdint.h>

/* The command line word that stops the kernel right after the boot summary (used by tests). */
#define PLATFORM_OPTION_SUMMARY_ONLY "platform_summary_only"
/* The command line word that runs the interrupt self-test (arch/interrupt_selftest.h). */
#define PLATFORM_OPTION_SELFTEST "platform_selftest"
/* The command line word that keeps the LAPIC in xAPIC mode even where x2APIC exists. */
#define PLATFORM_OPTION_NO_X2APIC "no_x2apic"
/* The command line word that calibrates the TSC against the PIT whatever CPUID or a hypervisor
 * states (the boot tests use it to check the calibration where a stated figure exists). */
#define PLATFORM_OPTION_TSC_PIT "platform_tsc_pit"
/* The command line word that makes a kernel panic power off (arch/power.h) instead of halt. */
#define PLATFORM_OPTION_PANIC_POWEROFF "panic_poweroff"
/* The command line word that asks for the full boot summary (implied by summary_only). */
#define PLATFORM_OPTION_VERBOSE "platform_verbose"

/*
 * In order: CPU features on; boot parameters parsed; boot memory reserved; the kernel window
 * built (identity map dropped); ACPI and MADT; 8259s remapped and masked; TSC frequency; LAPIC
 * (timer calibrated); IOAPICs masked; with PLATFORM_OPTION_SELFTEST, the interrupt self-test
 * (after the boot time is taken, so it does not count). magic and info_phys are what the loader left in EAX/EBX
 * (see head.S). Does not return on failure: prints "beaml4: boot error: ..." and halts.
 */
void platform_init(uint32_t magic, uint32_t info_phys);

/*
 * Print the boot summary. By default one line: the time from power-on to the end of
 * platform_init() and how long platform_init() took (every character costs a few port accesses,
 * which a hypervisor may charge ~10 us each). With PLATFORM_OPTION_VERBOSE or
 * PLATFORM_OPTION_SUMMARY_ONLY the full block: protocol, memory, modules with their CRC32 (which
 * reads every module byte), ACPI, CPU, timers, the clock behind the boot time, per-step times.
 * The self-test's line whenever it ran.
 */
void platform_print_summary(void);

/* True when the command line asks to stop after the summary (PLATFORM_OPTION_SUMMARY_ONLY). */
bool platform_summary_only(void);

/* The parsed boot parameters (the core reads modules, command line, framebuffer from it). */
const boot_params_t *platform_boot_params(void);

/* TSC at the kernel's first C instruction and at the end of platform_init(). */
uint64_t platform_entry_tsc(void);
uint64_t platform_ready_tsc(void);

/* Nanoseconds from power-on to platform_entry_tsc() (arch/power_on_clock.h says how). */
uint64_t platform_entry_ns_since_power_on(void);

#endif
