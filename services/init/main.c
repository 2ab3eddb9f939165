/*
 * init, the root task (first version): prints the banner and the boot summary, then idles on a
 * notification nobody signals; with `exit_after_boot` on the kernel command line it powers the
 * machine off instead (QEMU exit status 0), which is how the boot is tested.
 */
#include "summary.h"
#include <runtime/alloc.h>
#include <runtime/bootinfo.h>
#include <runtime/power.h>
#include <runtime/print.h>
#include <runtime/start.h>
#include <version.h> /* generated: BEAML4_VERSION */

int root_main(seL4_BootInfo *bootinfo)
{
    static alloc_t alloc;
    boot_summary_t summary;
    seL4_CPtr idle;
    seL4_Error error;

    boot_summary_compute(bootinfo, &summary);
    boot_summary_print(&summary, BEAML4_VERSION);

    alloc_init(&alloc, seL4_CapInitThreadCNode, bootinfo->empty.start, bootinfo->empty.end);
    alloc_add_boot_untypeds(&alloc, bootinfo, seL4_PageBits);
    if (bootinfo_has_option(bootinfo, "exit_after_boot")) {
        error = power_init(&alloc);
        if (error != seL4_NoError) {
            printf("init: cannot issue the exit ports (error %d)\n", (int)error);
        }
        printf("init: exit_after_boot: powering off\n");
        power_off(0);
    }
    error = alloc_object(&alloc, seL4_NotificationObject, 0, &idle);
    if (error != seL4_NoError) {
        printf("init: cannot create the idle notification (error %d)\n", (int)error);
        return 1;
    }
    printf("init: idle\n");
    for (;;) {
        seL4_Wait(idle, NULL);
    }
}
