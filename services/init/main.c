/*
 * init, the root task: prints the banner and the boot summary, takes all memory (memory.h),
 * creates the services (log first, so that every other line goes through it), hands each its
 * devices, starts them, and then serves: faults of every service (reported, restarted) and
 * requests to init (server.c). `exit_after_boot` on the kernel command line powers the machine
 * off right after the summary (the boot-time test); `exit_after_services` once the services run.
 */
#include "devices.h"
#include "init.h"
#include "memory.h"
#include "platform.h"
#include "server.h"
#include "summary.h"
#include "timers.h"
#include "vm_start.h"
#include "virtio.h"
#include "vms.h"
#include <algorithms/ringbuf.h>
#include <ipc/dbg.h>
#include <ipc/log.h>
#include <runtime/bootinfo.h>
#include <runtime/event.h>
#include <runtime/log.h>
#include <runtime/power.h>
#include <runtime/print.h>
#include <runtime/start.h>
#include <runtime/string.h>
#include <version.h> /* generated: BEAML4_VERSION */

#define PAGE_BYTES      (1ull << seL4_PageBits)
#define LOG_RINGS_VADDR 0x40000000ull /* in the log service: client i's ring at + i * 64 KiB */
#define LOG_RING_STRIDE 0x10000ull
#define COM1_FIRST      0x3f8
#define COM1_LAST       0x3ff
#define COM1_IRQ        4
#define VGA_TEXT        0xb8000
#define PS2_DATA_PORT   0x60
#define PS2_STATUS_PORT 0x64
#define PS2_IRQ         1

static seL4_CPtr endpoint;
static seL4_CPtr log_call; /* the log service's endpoint, with init's badge */
static seL4_Uint64 tsc_hz;
static service_t services[SERVICES_MAX];
static unsigned service_count;
static event_loop_t loop;
static bool log_ring_mapped[SERVICE_ID_MAX];

seL4_CPtr init_endpoint(void)
{
    return endpoint;
}

seL4_Uint64 init_tsc_hz(void)
{
    return tsc_hz;
}

service_t *init_services(unsigned *count)
{
    *count = service_count;
    return services;
}

service_t *init_service_by_id(seL4_Word id)
{
    for (unsigned i = 0; i < service_count; i++) {
        if (services[i].spec->id == id) {
            return &services[i];
        }
    }
    return NULL;
}

service_t *init_service_by_name(const char *name)
{
    for (unsigned i = 0; i < service_count; i++) {
        if (strcmp(services[i].spec->name, name) == 0) {
            return &services[i];
        }
    }
    return NULL;
}

/* The kernel log page's capability and where the kernel has written it up to (0: none). */
static seL4_Word kernel_log_written(void)
{
    const seL4_KernelLog *entry =
            bootinfo_find_extra(runtime_bootinfo, seL4_BootInfo_KernelLog, NULL);
    static const seL4_KernelLogPage *page;
    seL4_Word vaddr = 0;

    if (page == NULL && entry != NULL) {
        seL4_CPtr copy;
        if (alloc_slot(memory_pool(), &copy) == seL4_NoError &&
            seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode,
                            entry->frame, seL4_WordBits, seL4_CanRead) == seL4_NoError &&
            vspace_reserve(memory_vspace(), PAGE_BYTES, PAGE_BYTES, &vaddr) == seL4_NoError &&
            vspace_map_frame(memory_vspace(), copy, vaddr, seL4_CanRead,
                             seL4_X86_Default_VMAttributes, seL4_False) == seL4_NoError) {
            page = (const seL4_KernelLogPage *)vaddr;
        }
    }
    return page != NULL ? page->written : 0;
}

/* The log service: the console UART (the kernel hands it over: from then on the kernel's lines
 * reach the line through the log service, from the kernel log page), its receive interrupt,
 * the VGA text page. */
static bool log_wire(service_t *log)
{
    const seL4_KernelLog *kernel_log =
            bootinfo_find_extra(runtime_bootinfo, seL4_BootInfo_KernelLog, NULL);

    log->info->words[LOG_WORD_KERNEL_LOG_FROM] = kernel_log_written();
    return devices_give_ports(log, LOG_CAP_COM1_PORTS, COM1_FIRST, COM1_LAST) &&
           devices_give_irq(log, LOG_CAP_COM1_IRQ, COM1_IRQ, LOG_BIT_INPUT) &&
           devices_give_frame(log, LOG_CAP_VGA, VGA_TEXT) &&
           (kernel_log == NULL ||
            service_give_device(log, LOG_CAP_KERNEL_LOG, kernel_log->frame, seL4_CanRead, 0));
}

/*
 * dbg, the operator's shell: the PS/2 keyboard controller's two ports (each its own capability:
 * a port is issued once) and IRQ 1; the kernel's boot times for its uptime. Its serial input
 * comes from the log service (console_input_wire).
 */
static bool dbg_wire(service_t *dbg)
{
    seL4_Word length = 0;
    const seL4_BootTimes *times =
            bootinfo_find_extra(runtime_bootinfo, seL4_BootInfo_BootTimes, &length);

    if (times != NULL && length >= sizeof(*times)) {
        dbg->info->words[DBG_WORD_BOOT_TSC] = times->kernelEntryTSC;
        dbg->info->words[DBG_WORD_BOOT_NS] = times->kernelEntryNs;
    }
    return devices_give_ports(dbg, DBG_CAP_PS2_DATA, PS2_DATA_PORT, PS2_DATA_PORT) &&
           devices_give_ports(dbg, DBG_CAP_PS2_STATUS, PS2_STATUS_PORT, PS2_STATUS_PORT) &&
           devices_give_irq(dbg, DBG_CAP_PS2_IRQ, PS2_IRQ, DBG_BIT_KEYBOARD);
}

/*
 * The services' test suite: it ends the run itself, through the emulators' exit ports. It also
 * gets two time endpoints with badges of clients the time service never attached (an id no
 * service has, and one beyond the ids), so that it can check they are refused. Its words say
 * whether the command line asked for its benchmarks (`svcbench`) instead of its tests, and
 * whether QEMU counts instructions (`icount`: its timing tolerances are then tight).
 */
static bool svctest_wire(service_t *svctest)
{
    service_t *time = init_service_by_id(SERVICE_ID_TIME);

    svctest->info->words[0] = bootinfo_has_option(runtime_bootinfo, "svcbench") ? 1 : 0;
    svctest->info->words[1] = bootinfo_has_option(runtime_bootinfo, "icount") ? 1 : 0;
    return devices_give_ports(svctest, 0, POWER_QEMU_EXIT_PORT, POWER_QEMU_EXIT_PORT + 3) &&
           devices_give_ports(svctest, 1, POWER_BOCHS_SHUTDOWN_PORT, POWER_BOCHS_SHUTDOWN_PORT) &&
           (time == NULL || (service_give_device(svctest, 2, time->endpoint, seL4_AllRights,
                                                 ipc_badge(SERVICE_ID_MAX - 1)) &&
                             service_give_device(svctest, 3, time->endpoint, seL4_AllRights,
                                                 ipc_badge(IPC_BADGE_ID_MASK))));
}

/*
 * The virtio disk test: the exit ports, the virtio service's endpoint and a buffer shared with
 * it, and the whole of disk 0; also the endpoint badged as a client nothing was granted to.
 */
static bool blktest_wire(service_t *blktest)
{
    service_t *virtio = init_service_by_id(SERVICE_ID_VIRTIO);
    virtio_window_t whole = {.first = 0, .sectors = VIRTIO_SECTORS_TO_END};

    blktest->info->words[0] = bootinfo_has_option(runtime_bootinfo, "blktest_ro") ? 1 : 0;
    return devices_give_ports(blktest, 0, POWER_QEMU_EXIT_PORT, POWER_QEMU_EXIT_PORT + 3) &&
           devices_give_ports(blktest, 1, POWER_BOCHS_SHUTDOWN_PORT, POWER_BOCHS_SHUTDOWN_PORT) &&
           (virtio == NULL || (virtio_wire_client(blktest, virtio, 2, SERVICE_SHARED_VADDR,
                                                  VIRTIO_CLIENT_BUFFER_MAX, 0, &whole) &&
                               service_give_device(blktest, 3, virtio->endpoint, seL4_AllRights,
                                                   ipc_badge(SERVICE_ID_MAX - 1))));
}

/* The virtio network test: the exit ports, the virtio service's endpoint, a buffer, network
 * device 0. */
static bool nettest_wire(service_t *nettest)
{
    service_t *virtio = init_service_by_id(SERVICE_ID_VIRTIO);

    return devices_give_ports(nettest, 0, POWER_QEMU_EXIT_PORT, POWER_QEMU_EXIT_PORT + 3) &&
           devices_give_ports(nettest, 1, POWER_BOCHS_SHUTDOWN_PORT, POWER_BOCHS_SHUTDOWN_PORT) &&
           (virtio == NULL ||
            virtio_wire_client(nettest, virtio, 2, SERVICE_SHARED_VADDR, 4096, 0, NULL));
}

/* The services, in start order. */
static const service_spec_t specs[] = {
        {.name = "log",
         .id = SERVICE_ID_LOG,
         .priority = 200,
         .memory_bits = 20,
         .log_ring = false,
         .wire = log_wire},
        /* Below the log service, which must be able to print what goes wrong even when the time
         * service runs away; above every other service, so that a deadline is signalled as soon
         * as it passes whatever the clients are doing (docs/services.md). */
        {.name = "time",
         .id = SERVICE_ID_TIME,
         .priority = 190,
         .memory_bits = 20,
         .log_ring = true,
         .wire = timers_wire},
        /* The shell: below the services it reports on, above the test suite. */
        {.name = "dbg",
         .id = SERVICE_ID_DBG,
         .priority = 150,
         .memory_bits = 20,
         .log_ring = true,
         .wire = dbg_wire},
        /* The machine's virtio devices: below the shell, above the VMMs it serves. */
        {.name = "virtio",
         .id = SERVICE_ID_VIRTIO,
         .priority = 140,
         .memory_bits = 21,
         .log_ring = true,
         .wanted = virtio_wanted,
         .wire = virtio_wire},
        {.name = "blktest",
         .id = SERVICE_ID_BLKTEST,
         .priority = 100,
         .memory_bits = 20,
         .log_ring = true,
         .only_with = "blktest",
         .wire = blktest_wire},
        {.name = "nettest",
         .id = SERVICE_ID_NETTEST,
         .priority = 100,
         .memory_bits = 20,
         .log_ring = true,
         .only_with = "nettest",
         .wire = nettest_wire},
        {.name = "svctest",
         .id = SERVICE_ID_SVCTEST,
         .priority = 100,
         .mcp = 250, /* its tests need threads above the log service's priority */
         .memory_bits = 22,
         .log_ring = true,
         .only_with = "svctest",
         .wire = svctest_wire},
};

/* Maps ring pages (init's frames) into the log service and tells it whose they are. */
static bool log_attach_ring(seL4_Word id, const char *name, const seL4_CPtr *frames)
{
    service_t *log = init_service_by_id(SERVICE_ID_LOG);
    seL4_Word vaddr = LOG_RINGS_VADDR + id * LOG_RING_STRIDE;
    ipc_msg_t msg;

    if (log == NULL || log_call == 0) {
        return false;
    }
    /* A restarted client keeps its ring pages, already mapped in the log service. */
    if (!log_ring_mapped[id] && !service_map_shared(log, frames, SERVICE_LOG_RING_PAGES, vaddr)) {
        return false;
    }
    log_ring_mapped[id] = true;
    log_encode_attach(&msg, id, vaddr, SERVICE_LOG_RING_PAGES * PAGE_BYTES, name);
    return ipc_call(log_call, &msg) == IPC_OK;
}

/* init's own lines go through the log service too, once it runs. */
static seL4_CPtr init_ring_frames[SERVICE_LOG_RING_PAGES];

static void init_log_start(service_t *log)
{
    seL4_CPtr *frames = init_ring_frames;
    void *ring;
    ringbuf_t format;
    seL4_CPtr signal = 0;

    if (vspace_alloc_pages(memory_vspace(), SERVICE_LOG_RING_PAGES, &ring, frames) !=
                seL4_NoError ||
        ringbuf_format(&format, ring, SERVICE_LOG_RING_PAGES * PAGE_BYTES, LOG_RING_CAPACITY) !=
                ALG_OK ||
        alloc_slot(memory_pool(), &signal) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, signal, seL4_WordBits, seL4_CapInitThreadCNode,
                        log->notification, seL4_WordBits, seL4_AllRights,
                        LOG_BIT_RINGS) != seL4_NoError ||
        !log_attach_ring(SERVICE_ID_INIT, "init", frames)) {
        printf("init: cannot attach init's own log ring; it keeps the kernel console\n");
        return;
    }
    log_attach(ring, SERVICE_LOG_RING_PAGES * PAGE_BYTES, signal);
}

/*
 * The console's input path from the log service (which owns COM1) to dbg: a ring both map, and
 * dbg's notification for the log service to signal.
 */
static bool console_input_wire(service_t *log, service_t *dbg)
{
    seL4_CPtr frames[DBG_INPUT_RING_PAGES];
    void *ring;
    ringbuf_t format;
    seL4_Word bytes = DBG_INPUT_RING_PAGES * PAGE_BYTES;

    if (vspace_alloc_pages(memory_vspace(), DBG_INPUT_RING_PAGES, &ring, frames) != seL4_NoError ||
        ringbuf_format(&format, ring, bytes, DBG_INPUT_RING_CAPACITY) != ALG_OK ||
        !service_map_shared(log, frames, DBG_INPUT_RING_PAGES, LOG_INPUT_RING_VADDR) ||
        !service_map_shared(dbg, frames, DBG_INPUT_RING_PAGES, DBG_INPUT_RING_VADDR) ||
        !service_give_device(log, LOG_CAP_INPUT_SIGNAL, dbg->notification, seL4_AllRights,
                             DBG_BIT_INPUT)) {
        return false;
    }
    log->info->words[LOG_WORD_INPUT_RING] = LOG_INPUT_RING_VADDR;
    dbg->info->words[DBG_WORD_INPUT_RING] = DBG_INPUT_RING_VADDR;
    dbg->info->words[DBG_WORD_INPUT_RING_BYTES] = bytes;
    return true;
}

/* What every service but the log service gets from it: its endpoint and notification. */
static bool log_wire_client(service_t *service, service_t *log)
{
    seL4_Word id = service->spec->id;

    return service_give(service, SERVICE_SLOT_LOG, log->endpoint, seL4_AllRights, ipc_badge(id)) &&
           service_give(service, SERVICE_SLOT_LOG_SIGNAL, log->notification, seL4_AllRights,
                        LOG_BIT_RINGS);
}

service_t *init_service_add(const service_spec_t *spec)
{
    service_t *service = &services[service_count];

    if (service_count == SERVICES_MAX || !service_create(service, spec)) {
        return NULL;
    }
    service_count++;
    return service;
}

bool init_client_wire(service_t *service)
{
    service_t *log = init_service_by_id(SERVICE_ID_LOG);
    service_t *time = init_service_by_id(SERVICE_ID_TIME);

    return (log == NULL || log_wire_client(service, log)) &&
           (time == NULL || timers_wire_client(service, time));
}

bool init_client_attach(service_t *service)
{
    bool attached = true;

    if (service->log_ring != NULL) {
        ringbuf_t ring; /* a new instance starts with an empty ring, whatever the last left */
        ringbuf_format(&ring, service->log_ring, SERVICE_LOG_RING_PAGES * PAGE_BYTES,
                       LOG_RING_CAPACITY);
        attached =
                log_attach_ring(service->spec->id, service->spec->name, service->log_ring_frames);
    }
    timers_restarted(service);
    return attached;
}

void init_service_restarted(service_t *service)
{
    if (service->spec->id == SERVICE_ID_LOG) {
        /* A new log service instance knows no ring: give it every one again, init's first. */
        log_attach_ring(SERVICE_ID_INIT, "init", init_ring_frames);
        for (unsigned i = 0; i < service_count; i++) {
            if (services[i].log_ring != NULL) {
                log_attach_ring(services[i].spec->id, services[i].spec->name,
                                services[i].log_ring_frames);
            }
        }
    } else if (service->log_ring != NULL) {
        ringbuf_t ring;
        ringbuf_format(&ring, service->log_ring, SERVICE_LOG_RING_PAGES * PAGE_BYTES,
                       LOG_RING_CAPACITY);
        log_attach_ring(service->spec->id, service->spec->name, service->log_ring_frames);
    }
    timers_restarted(service);
}

static bool services_create(void)
{
    for (unsigned i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        if (specs[i].only_with != NULL &&
            !bootinfo_has_option(runtime_bootinfo, specs[i].only_with)) {
            continue;
        }
        if (specs[i].wanted != NULL && !specs[i].wanted()) {
            continue;
        }
        if (!service_create(&services[service_count], &specs[i])) {
            return false;
        }
        service_count++;
    }
    service_t *log = init_service_by_id(SERVICE_ID_LOG);
    service_t *time = init_service_by_id(SERVICE_ID_TIME);
    service_t *dbg = init_service_by_id(SERVICE_ID_DBG);
    for (unsigned i = 0; i < service_count; i++) {
        service_t *service = &services[i];
        if ((service->spec->wire != NULL && !service->spec->wire(service)) ||
            (log != NULL && service != log && !log_wire_client(service, log)) ||
            (time != NULL && service != time && !timers_wire_client(service, time))) {
            return false;
        }
    }
    return log == NULL || dbg == NULL || console_input_wire(log, dbg);
}

static bool services_start(void)
{
    service_t *log = init_service_by_id(SERVICE_ID_LOG);

    if (log != NULL) {
        seL4_CPtr slot;
        if (!service_start(log) || alloc_slot(memory_pool(), &slot) != seL4_NoError ||
            seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, seL4_WordBits, seL4_CapInitThreadCNode,
                            log->endpoint, seL4_WordBits, seL4_AllRights,
                            ipc_badge(SERVICE_ID_INIT)) != seL4_NoError) {
            return false;
        }
        log_call = slot;
        init_log_start(log);
    }
    for (unsigned i = 0; i < service_count; i++) {
        service_t *service = &services[i];
        if (service == log) {
            continue;
        }
        if (service->log_ring != NULL &&
            !log_attach_ring(service->spec->id, service->spec->name, service->log_ring_frames)) {
            printf("init: %s: its log ring could not be attached\n", service->spec->name);
        }
        if (!service_start(service)) {
            return false;
        }
        /* Every client is attached before any of them (but the log service) starts. */
        if (service->spec->id == SERVICE_ID_TIME && !timers_start(service)) {
            printf("init: the time service does not attach its clients\n");
            return false;
        }
    }
    return true;
}

static event_result_t on_fault(void *context, seL4_Word badge, ipc_msg_t *msg)
{
    service_t *service = init_service_by_id(ipc_badge_id(badge));

    (void)context;
    if (service != NULL) {
        service_fault(service, msg->label, msg->words, msg->length);
    }
    return EVENT_NO_REPLY; /* the faulting thread stays stopped: a restart replaced it */
}

/* Returns once the log service has printed what init's ring holds: a request to it is answered
 * only after the ring signal that came first. */
void init_log_flush(void)
{
    ipc_msg_t msg;

    if (log_call != 0) {
        log_encode_stats(&msg, SERVICE_ID_INIT);
        ipc_call(log_call, &msg);
    }
}

static void power_off_soon(const char *why)
{
    printf("init: %s: powering off\n", why);
    init_log_flush();
    if (power_init(memory_pool()) != seL4_NoError) {
        printf("init: cannot issue the exit ports\n");
    }
    power_off(0);
}

int root_main(seL4_BootInfo *bootinfo)
{
    boot_summary_t summary;

    boot_summary_compute(bootinfo, &summary);
    boot_summary_print(&summary, BEAML4_VERSION);
    tsc_hz = bootinfo_tsc_hz(bootinfo);
    if (!memory_init(bootinfo)) {
        return 1;
    }
    platform_init(bootinfo);
    if (bootinfo_has_option(bootinfo, "exit_after_boot")) {
        power_off_soon("exit_after_boot");
    }
    if (alloc_object(memory_pool(), seL4_EndpointObject, 0, &endpoint) != seL4_NoError ||
        !services_create() || !services_start()) {
        printf("init: the services could not be started\n");
        return 1;
    }
    printf("init: %u services running\n", service_count);
    vms_declare(bootinfo);
    if (bootinfo_has_option(bootinfo, "exit_after_services")) {
        power_off_soon("exit_after_services");
    }
    vm_start_autostart();
    event_loop_init(&loop, endpoint, 0);
    event_on_message(&loop, IPC_BADGE_FAULT, IPC_BADGE_FAULT, 10, on_fault, NULL);
    event_on_message(&loop, IPC_BADGE_ENDPOINT | IPC_BADGE_FAULT, IPC_BADGE_ENDPOINT, 0,
                     server_handle, NULL);
    event_loop_run(&loop);
}
