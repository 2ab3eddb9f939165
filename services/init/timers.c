/*
 * init's side of the time service (timers.h). init keeps its own copy of every client's
 * notification, minted with EVENT_BIT_TIMER, to wake the clients after a restart of the time
 * service, and a time endpoint with its own badge (only init may attach clients).
 */
#include "timers.h"
#include "devices.h"
#include "init.h"
#include "memory.h"
#include <ipc/time.h>
#include <runtime/event.h>
#include <runtime/log.h>
#include <runtime/print.h>

#define PIT_FIRST  0x40
#define PIT_LAST   0x43
#define PIT_PORT_B 0x61
#define PIT_IRQ    0 /* the kernel routes it to GSI 2 when the MADT says so */

static seL4_CPtr time_call;                     /* the time endpoint, init's badge */
static seL4_CPtr client_signal[SERVICE_ID_MAX]; /* in init: client i's notification, timer bit */

bool timers_wire(service_t *time)
{
    return devices_give_ports(time, TIME_CAP_PIT_PORTS, PIT_FIRST, PIT_LAST) &&
           devices_give_ports(time, TIME_CAP_PORT_B, PIT_PORT_B, PIT_PORT_B) &&
           devices_give_irq(time, TIME_CAP_PIT_IRQ, PIT_IRQ, TIME_BIT_PIT) &&
           time->next_cap <= TIME_CLIENT_SLOT_BASE;
}

bool timers_wire_client(service_t *client, service_t *time)
{
    seL4_Word id = client->spec->id;
    seL4_CPtr signal;

    if (id >= SERVICE_ID_MAX || alloc_slot(memory_pool(), &signal) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, signal, seL4_WordBits, seL4_CapInitThreadCNode,
                        client->notification, seL4_WordBits, seL4_AllRights,
                        EVENT_BIT_TIMER) != seL4_NoError) {
        printf("init: %s: cannot make its timer signal\n", client->spec->name);
        return false;
    }
    client_signal[id] = signal;
    return service_give(client, SERVICE_SLOT_TIME, time->endpoint, seL4_AllRights, ipc_badge(id)) &&
           service_give(time, TIME_CLIENT_SLOT_BASE + id, signal, seL4_AllRights, 0);
}

static bool attach(seL4_Word id)
{
    ipc_msg_t msg;
    ipc_error_t error;

    time_encode_attach(&msg, id);
    error = ipc_call(time_call, &msg);
    if (error != IPC_OK) {
        log_printf(LOG_ERROR, "init: the time service refused client %lu: %s\n", (unsigned long)id,
                   ipc_error_name(error));
        return false;
    }
    return true;
}

static bool attach_all(void)
{
    bool ok = true;

    for (seL4_Word id = 1; id < SERVICE_ID_MAX; id++) {
        if (client_signal[id] != 0 && !attach(id)) {
            ok = false;
        }
    }
    return ok;
}

bool timers_start(service_t *time)
{
    seL4_CPtr slot;

    if (alloc_slot(memory_pool(), &slot) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, seL4_WordBits, seL4_CapInitThreadCNode,
                        time->endpoint, seL4_WordBits, seL4_AllRights,
                        ipc_badge(SERVICE_ID_INIT)) != seL4_NoError) {
        return false;
    }
    time_call = slot;
    return attach_all();
}

/* init never calls a time service that is not running: it would wait for ever. */
static bool time_running(void)
{
    const service_t *time = init_service_by_id(SERVICE_ID_TIME);

    return time_call != 0 && time != NULL && time->state == INIT_SERVICE_RUNNING;
}

void timers_restarted(service_t *service)
{
    seL4_Word id = service->spec->id;

    if (!time_running()) {
        return;
    }
    if (id == SERVICE_ID_TIME) {
        attach_all();
        for (seL4_Word client = 1; client < SERVICE_ID_MAX; client++) {
            if (client_signal[client] != 0) {
                seL4_Signal(client_signal[client]);
            }
        }
    } else if (id < SERVICE_ID_MAX && client_signal[id] != 0) {
        attach(id);
    }
}
