/*
 * The groups of the platform layer's host tests; test_main.c runs them all.
 */
#ifndef TESTS_BOOT_TESTS_H
#define TESTS_BOOT_TESTS_H

int test_boot_params_run(void);
int test_boot_memory_run(void);
int test_acpi_run(void);
int test_clock_run(void);
int test_kernel_window_run(void);

#endif
