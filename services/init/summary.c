/*
 * Computes and prints init's boot summary from the boot info: memory by kind, untypeds, free
 * slots, TSC frequency, ACPI RSDP and the time from power-on to the root task.
 */
#include "summary.h"
#include <runtime/bootinfo.h>
#include <runtime/print.h>

void boot_summary_compute(const seL4_BootInfo *bootinfo, boot_summary_t *summary)
{
    seL4_Word count = bootinfo->untyped.end - bootinfo->untyped.start;
    seL4_Word length = 0;
    const seL4_X86_ACPI_RSDP *rsdp;
    const seL4_BootTimes *times;

    *summary = (boot_summary_t){0};
    if (count > seL4_MaxBootInfoUntypedCaps) {
        count = seL4_MaxBootInfoUntypedCaps; /* the list holds no more; the rest is unknown */
    }
    summary->untypeds = count;
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *desc = &bootinfo->untypedList[i];
        seL4_Uint64 bytes = desc->sizeBits < 64 ? 1ull << desc->sizeBits : 0;
        if (desc->isDevice) {
            summary->device_bytes += bytes;
        } else {
            summary->ram_bytes += bytes;
        }
    }
    summary->empty_slots = bootinfo->empty.end - bootinfo->empty.start;
    summary->tsc_hz = bootinfo_tsc_hz(bootinfo);

    rsdp = bootinfo_find_extra(bootinfo, seL4_BootInfo_X86_ACPI_RSDP, &length);
    if (rsdp != NULL && length >= sizeof(rsdp->paddr)) {
        summary->has_rsdp = 1;
        summary->rsdp_paddr = rsdp->paddr;
    }
    times = bootinfo_find_extra(bootinfo, seL4_BootInfo_BootTimes, &length);
    if (times != NULL && length >= sizeof(*times) && summary->tsc_hz != 0 &&
        times->rootTaskTSC >= times->kernelEntryTSC) {
        /* Power-on to kernel entry as the kernel measured it, then the TSC from there. */
        seL4_Uint64 delta = times->rootTaskTSC - times->kernelEntryTSC;
        summary->has_boot_times = 1;
        /* Split the division so that delta * 10^6 cannot overflow for any realistic TSC. */
        summary->boot_us = times->kernelEntryNs / 1000 + delta / summary->tsc_hz * 1000000 +
                           delta % summary->tsc_hz * 1000000 / summary->tsc_hz;
    }
}

/* Bytes in the largest binary unit from MiB up that leaves a whole part of at least 1. */
static void print_size(seL4_Uint64 bytes)
{
    static const char *const units[] = {"MiB", "GiB", "TiB", "PiB"};
    unsigned shift = 20;
    unsigned unit = 0;

    while (unit + 1 < sizeof(units) / sizeof(units[0]) && (bytes >> (shift + 10)) != 0) {
        shift += 10;
        unit++;
    }
    seL4_Uint64 whole = bytes >> shift;
    seL4_Uint64 hundredths = ((bytes & ((1ull << shift) - 1)) >> (shift - 10)) * 100 >> 10;

    printf("%llu.%02llu %s", (unsigned long long)whole, (unsigned long long)hundredths,
           units[unit]);
}

void boot_summary_print(const boot_summary_t *summary, const char *version)
{
    printf("beaml4 %s\n", version);
    printf("init: RAM ");
    printf("%llu.%02llu MiB normal, ", (unsigned long long)(summary->ram_bytes >> 20),
           (unsigned long long)(((summary->ram_bytes & ((1ull << 20) - 1)) * 100) >> 20));
    print_size(summary->device_bytes);
    printf(" device\n");
    printf("init: untypeds %lu\n", (unsigned long)summary->untypeds);
    printf("init: empty slots %lu\n", (unsigned long)summary->empty_slots);
    if (summary->tsc_hz != 0) {
        printf("init: TSC %llu.%03llu MHz\n", (unsigned long long)(summary->tsc_hz / 1000000),
               (unsigned long long)(summary->tsc_hz % 1000000 / 1000));
    } else {
        printf("init: TSC unknown\n");
    }
    if (summary->has_rsdp) {
        printf("init: ACPI RSDP %#llx\n", (unsigned long long)summary->rsdp_paddr);
    } else {
        printf("init: ACPI RSDP none\n");
    }
    if (summary->has_boot_times) {
        printf("init: boot time %llu.%03llu ms from power-on to the root task\n",
               (unsigned long long)(summary->boot_us / 1000),
               (unsigned long long)(summary->boot_us % 1000));
    } else {
        printf("init: boot time unknown\n");
    }
}
