/*
 * Reading the kernel's boot info beyond the fixed page: the extra chunks (TSC frequency, ACPI
 * RSDP, boot times, command line) that follow it. Read-only; chunks that run past extraLen are
 * treated as absent.
 */
#ifndef RUNTIME_BOOTINFO_H
#define RUNTIME_BOOTINFO_H

#include <sel4/functions.h>
#include <stddef.h>

/* The payload of the first chunk with this id and its length in bytes, or NULL. */
const void *bootinfo_find_extra(const seL4_BootInfo *bootinfo, seL4_Word id, seL4_Word *length);

/* The kernel command line ("" if there is none). */
const char *bootinfo_command_line(const seL4_BootInfo *bootinfo);

/* Whether word appears in the command line as a whole, space-separated word. */
int bootinfo_has_option(const seL4_BootInfo *bootinfo, const char *word);

/* TSC ticks per second, 0 if the kernel did not say. */
seL4_Uint64 bootinfo_tsc_hz(const seL4_BootInfo *bootinfo);

#endif
