/*
 * The guest's clock and the devices' host deadline (clock.h).
 */
#include "clock.h"
#include "profile.h"
#include "stats.h"
#include <ipc/time.h>
#include <runtime/log.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

uint64_t vmm_now(const vmm_t *vmm)
{
    return runtime_tsc_to_ns(tsc_read() - vmm->tsc_at_zero);
}

void clock_arm(vmm_t *vmm)
{
    uint64_t next = vdev_platform_next_deadline(&vmm->platform, vmm_now(vmm));
    uint64_t figures = stats_due(vmm); /* its timer's signal rewrites them */

    if (next == VDEV_NO_DEADLINE || figures < next) {
        next = figures;
    }
    seL4_Uint64 want = next == VDEV_NO_DEADLINE ? 0 : vmm->tsc_at_zero + runtime_ns_to_tsc(next);
    ipc_msg_t msg;

    if (want == vmm->armed) {
        return;
    }
    if (want == 0) {
        time_encode_cancel(&msg, CLOCK_TOKEN);
    } else {
        time_encode_set(&msg, CLOCK_TOKEN, want);
    }
    uint64_t begun = profile_part_begin();
    ipc_error_t error = ipc_call(SERVICE_SLOT_TIME, &msg);
    profile_part_end(PROFILE_CLOCK, begun);
    if (error == IPC_OK || (want == 0 && error == IPC_ERR_NOT_FOUND)) {
        vmm->armed = want;
    } else {
        log_printf(LOG_WARN, "vmm: the time service refused the devices' deadline: %s\n",
                   ipc_error_name(error));
    }
}

void clock_fired(vmm_t *vmm)
{
    vmm->armed = 0;
    vdev_platform_advance(&vmm->platform, vmm_now(vmm));
}
