/*
 * The time service: one clock for all and every service's timers. The clock is the TSC, at the
 * frequency the boot info states (every service has it in its start info); at start the time
 * service measures it against the PIT and reports how far apart they are. Timers are the
 * clients' TSC deadlines in one queue (queue.h); when deadlines pass, their clients'
 * notifications are signalled (EVENT_BIT_TIMER). Tickless: PIT channel 0 is programmed as a
 * one-shot for the earliest deadline only (at most 54.9 ms ahead, then again), and never while
 * nothing is armed. Requests (ipc/time.h) come only from clients init attached.
 */
#include "clock.h"
#include "pit.h"
#include "queue.h"
#include <ipc/time.h>
#include <runtime/event.h>
#include <runtime/heap.h>
#include <runtime/log.h>
#include <runtime/panic.h>
#include <runtime/print.h>
#include <runtime/service.h>
#include <runtime/start.h>
#include <runtime/tsc.h>

#define CALIBRATION_MS    40
#define CALIBRATION_TRIES 5
#define SPIN_TICKS        2 /* a deadline this close (in PIT ticks) is waited for on the TSC */

_Static_assert(TIME_CLIENTS_MAX == SERVICE_ID_MAX, "a client slot for every service id");
_Static_assert(TIME_CLIENT_SLOT_BASE >= SERVICE_SLOT_DEVICES + SERVICE_CAPS_MAX &&
                       TIME_CLIENT_SLOT_BASE + TIME_CLIENTS_MAX <= SERVICE_SLOT_FREE,
               "the clients' slots lie above the device slots and below the free ones");

static const service_info_t *start_info;
static event_loop_t loop;
static time_queue_t queue;
static seL4_CPtr probe_slot;    /* scratch slot: does a client's signal slot hold a cap? */
static uint64_t pit_tsc_hz;     /* the TSC frequency the PIT's counts are converted with */
static uint64_t measured_hz;    /* 0: not measured */
static int64_t deviation_ppm;   /* measured against stated */
static uint64_t programmed;     /* when channel 0 will interrupt (TSC; 0: it will not) */
static seL4_Uint64 interrupts;  /* taken */
static seL4_Uint64 spin_cycles; /* SPIN_TICKS in TSC cycles */

/* Signals every client in clients. */
static void signal_clients(time_client_set_t clients)
{
    for (unsigned id = 1; id < TIME_CLIENTS_MAX; id++) {
        if (clients & (1ull << id)) {
            seL4_Signal(TIME_CLIENT_SLOT_BASE + id);
        }
    }
}

/*
 * Signals what has expired and programs channel 0 for the earliest deadline left, unless it
 * will interrupt by then anyway (an interrupt that comes before the deadline, because the
 * deadline was cancelled or lies beyond one count, only programs the next count).
 */
static void timers_run(void)
{
    for (;;) {
        signal_clients(time_queue_expire(&queue, tsc_read()));
        uint64_t next = time_queue_earliest(&queue);
        uint64_t now = tsc_read();
        if (next == 0) {
            return;
        }
        if (next <= now) {
            continue;
        }
        if (next - now <= spin_cycles) {
            while (tsc_read() < next) {
            }
            continue;
        }
        if (programmed > now && programmed <= next) {
            return;
        }
        uint32_t ticks = clock_pit_ticks(next - now, pit_tsc_hz);
        pit_oneshot(ticks);
        programmed = now + clock_pit_cycles(ticks, pit_tsc_hz);
        return;
    }
}

static void on_pit(void *context, seL4_Word bits)
{
    (void)context;
    (void)bits;
    interrupts++;
    programmed = 0;
    seL4_IRQHandler_Ack(start_info->caps[TIME_CAP_PIT_IRQ]);
    timers_run();
}

/* Does slot hold a capability? Copied to the scratch slot and deleted again. */
static bool slot_occupied(seL4_Word slot)
{
    if (seL4_CNode_Copy(SERVICE_SLOT_CNODE, probe_slot, seL4_WordBits, SERVICE_SLOT_CNODE, slot,
                        seL4_WordBits, seL4_AllRights) != seL4_NoError) {
        return false;
    }
    seL4_CNode_Delete(SERVICE_SLOT_CNODE, probe_slot, seL4_WordBits);
    return true;
}

static ipc_error_t attach(seL4_Word client)
{
    time_timer_t *timers = NULL;

    if (client == SERVICE_ID_TIME || !slot_occupied(TIME_CLIENT_SLOT_BASE + client)) {
        return IPC_ERR_NOT_FOUND;
    }
    if (!time_queue_attached(&queue, client)) {
        timers = calloc(TIME_TIMERS_PER_CLIENT, sizeof(*timers));
        if (timers == NULL) {
            return IPC_ERR_NO_MEMORY;
        }
    }
    time_queue_attach(&queue, client, timers);
    return IPC_OK;
}

static void reply_info(ipc_msg_t *msg, seL4_Word client)
{
    seL4_Word words[TIME_INFO_WORDS];

    words[TIME_INFO_TSC_HZ] = start_info->tsc_hz;
    words[TIME_INFO_SOURCE] = measured_hz != 0 ? TIME_SOURCE_PIT : TIME_SOURCE_NONE;
    words[TIME_INFO_PPM] = (seL4_Word)deviation_ppm;
    words[TIME_INFO_MEASURED_HZ] = measured_hz;
    words[TIME_INFO_ARMED] = time_queue_armed(&queue, client);
    words[TIME_INFO_ARMED_ALL] = queue.armed;
    words[TIME_INFO_INTERRUPTS] = interrupts;
    ipc_msg_init(msg, IPC_LABEL_OK);
    for (unsigned i = 0; i < TIME_INFO_WORDS; i++) {
        ipc_msg_push(msg, words[i]);
    }
}

static event_result_t on_request(void *context, seL4_Word badge, ipc_msg_t *msg)
{
    time_request_t request;
    seL4_Word field;
    seL4_Word client = ipc_badge_id(badge);
    ipc_error_t error = time_decode(msg, &request, &field);

    (void)context;
    if (error == IPC_OK && request.label == TIME_ATTACH) {
        error = client == SERVICE_ID_INIT ? attach(request.client) : IPC_ERR_DENIED;
    } else if (error == IPC_OK && !time_queue_attached(&queue, client)) {
        error = IPC_ERR_DENIED;
    } else if (error == IPC_OK) {
        switch (request.label) {
        case TIME_SET:
            error = time_queue_set(&queue, client, request.token, request.deadline);
            break;
        case TIME_CANCEL:
            error = time_queue_cancel(&queue, client, request.token);
            break;
        default:
            reply_info(msg, client);
            return EVENT_REPLY;
        }
        if (error == IPC_OK) {
            timers_run();
        }
    }
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, field);
    } else {
        ipc_msg_init(msg, IPC_LABEL_OK);
    }
    return EVENT_REPLY;
}

/*
 * Measures the TSC against the PIT; the measurement converts deadlines into PIT counts. A try
 * fails when the count ran out before its end was read (the emulator's thread descheduled by a
 * loaded host for 15 ms or more): tried again, CALIBRATION_TRIES times in all.
 */
static void calibrate(void)
{
    uint64_t stated = start_info->tsc_hz;
    unsigned tries = 0;

    pit_tsc_hz = stated;
    measured_hz = 0;
    while (measured_hz == 0 && tries < CALIBRATION_TRIES) {
        tries++;
        if (!pit_measure_tsc(stated, stated / 1000 * CALIBRATION_MS, &measured_hz)) {
            measured_hz = 0;
        }
    }
    if (measured_hz == 0) {
        log_printf(LOG_WARN, "time: the PIT did not count as expected: TSC at %lu Hz unchecked\n",
                   (unsigned long)stated);
        return;
    }
    deviation_ppm = clock_ppm(measured_hz, stated);
    pit_tsc_hz = measured_hz;
    if (tries > 1) {
        printf("time: %u measurements failed before this one (the PIT's count ran out)\n",
               tries - 1);
    }
    printf("time: TSC %lu.%06lu MHz stated, %lu.%06lu MHz against the PIT (%+ld ppm)%s\n",
           (unsigned long)(stated / 1000000), (unsigned long)(stated % 1000000),
           (unsigned long)(measured_hz / 1000000), (unsigned long)(measured_hz % 1000000),
           (long)deviation_ppm, start_info->restarts != 0 ? ", restarted" : "");
}

int service_main(const service_info_t *start)
{
    start_info = start;
    time_queue_init(&queue);
    if (alloc_slot(&runtime_alloc, &probe_slot) != seL4_NoError) {
        runtime_panic("time: no free slot");
    }
    pit_init(start_info->caps[TIME_CAP_PIT_PORTS], start_info->caps[TIME_CAP_PORT_B]);
    calibrate();
    spin_cycles = clock_pit_cycles(SPIN_TICKS, pit_tsc_hz);
    event_loop_init(&loop, SERVICE_SLOT_ENDPOINT, 0);
    event_on_message(&loop, IPC_BADGE_ENDPOINT | IPC_BADGE_FAULT, IPC_BADGE_ENDPOINT, 0, on_request,
                     NULL);
    event_on_signal(&loop, TIME_BIT_PIT, on_pit, NULL);
    seL4_IRQHandler_Ack(start_info->caps[TIME_CAP_PIT_IRQ]);
    event_loop_run(&loop);
}
