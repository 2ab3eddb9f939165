/*
 * The boot summary init prints: figures computed from the kernel's boot info. Pure functions of
 * the boot info; printing is separate so the figures can be checked on their own.
 */
#ifndef INIT_SUMMARY_H
#define INIT_SUMMARY_H

#include <sel4/functions.h>

typedef struct boot_summary {
    seL4_Uint64 ram_bytes;    /* normal (non-device) untyped memory */
    seL4_Uint64 device_bytes; /* device untyped memory */
    seL4_Word untypeds;
    seL4_Word empty_slots;
    seL4_Uint64 tsc_hz; /* 0: unknown */
    int has_rsdp;
    seL4_Uint64 rsdp_paddr;
    int has_boot_times;
    seL4_Uint64 boot_us; /* power-on to the root task, microseconds */
} boot_summary_t;

void boot_summary_compute(const seL4_BootInfo *bootinfo, boot_summary_t *summary);

/* Prints the banner and the summary, one fact per line. */
void boot_summary_print(const boot_summary_t *summary, const char *version);

#endif
