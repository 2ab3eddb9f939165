/*
 * Runs every group of the platform layer's host tests; fails if any test fails.
 */
#include "tests.h"

int main(void)
{
    int failures = 0;
    failures += test_boot_params_run();
    failures += test_boot_memory_run();
    failures += test_acpi_run();
    failures += test_clock_run();
    failures += test_kernel_window_run();
    return failures == 0 ? 0 : 1;
}
