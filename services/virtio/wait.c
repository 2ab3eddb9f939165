/*
 * Waiting for a device with a deadline (wait.h): a timer at the time service, the service's
 * notification, and the device's poll between wake-ups.
 */
#include "wait.h"
#include <ipc/time.h>
#include <runtime/service.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

static void timer_set(seL4_Word token, seL4_Uint64 deadline)
{
    ipc_msg_t msg;

    time_encode_set(&msg, token, deadline);
    (void)ipc_call(SERVICE_SLOT_TIME, &msg);
}

static void timer_cancel(seL4_Word token)
{
    ipc_msg_t msg;

    time_encode_cancel(&msg, token);
    (void)ipc_call(SERVICE_SLOT_TIME, &msg);
}

wait_poll_t wait_for(wait_poll_t (*poll)(void *context), void *context)
{
    seL4_Uint64 deadline = runtime_deadline_ns(WAIT_TIMEOUT_NS);
    bool armed = false;
    wait_poll_t result;

    for (;;) {
        result = poll(context);
        if (result != WAIT_NOT_YET || tsc_read() >= deadline) {
            break;
        }
        if (!armed) {
            timer_set(WAIT_TIMER_TOKEN, deadline);
            armed = true;
        }
        seL4_Word bits = 0;
        seL4_Wait(SERVICE_SLOT_NOTIFICATION, &bits);
        devices_irq_ack(bits);
    }
    if (armed) {
        timer_cancel(WAIT_TIMER_TOKEN);
    }
    return result;
}
