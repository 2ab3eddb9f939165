/*
 * The virtio service: drives the machine's own virtio-pci block devices (the functions init
 * found and gave it, services/init/virtio.c) and serves its clients' requests (ipc/virtio.h).
 * One request at a time: a transfer's pages are all in flight together, and the service waits
 * for their completion (its MSI, with a deadline) before it answers and takes the next one.
 */
#include "server.h"
#include "wait.h"
#include <runtime/print.h>
#include <runtime/service.h>
#include <runtime/start.h>
#include <runtime/vspace.h>

#define PAGE_BYTES 4096ul

#define DEVICE_ID_BLOCK   0x1042
#define DEVICE_ID_NETWORK 0x1041

_Static_assert(VIRTIO_BUFFERS_VADDR == SERVICE_SHARED_VADDR,
               "clients' buffers where init maps shared memory, clear of the service's own");

static blk_disk_t disks[VIRTIO_DEVICES_MAX];
static net_device_t nets[VIRTIO_DEVICES_MAX];
static server_t server;
static const service_info_t *start_info;

static void grants_apply(const service_info_t *info);

void devices_irq_ack(seL4_Word bits)
{
    /* Whichever wait takes it (a request's or the idle one), a grant init added is applied
     * before the next request is read: the client it was made for runs below this service. */
    if ((bits & VIRTIO_BIT_GRANTS) != 0) {
        grants_apply(start_info);
    }
    for (unsigned i = 0; i < server.disk_count; i++) {
        blk_irq_ack(&disks[i], bits);
    }
    for (unsigned i = 0; i < server.net_count; i++) {
        net_irq_ack(&nets[i], bits);
    }
}

/* The device's frames, one after the other, uncached: its window. */
static bool window_map(const service_info_t *info, const virtio_start_device_t *device,
                       uintptr_t *window)
{
    seL4_Word vaddr;

    if (device->pages == 0 || device->pages > VIRTIO_DEVICE_PAGES_MAX ||
        device->first_cap + VIRTIO_DEVICE_CAPS > SERVICE_CAPS_MAX ||
        vspace_reserve(&runtime_vspace, device->pages * PAGE_BYTES, PAGE_BYTES, &vaddr) !=
                seL4_NoError) {
        return false;
    }
    for (unsigned i = 0; i < device->pages; i++) {
        if (vspace_map_frame(&runtime_vspace, info->caps[device->first_cap + i],
                             vaddr + i * PAGE_BYTES, seL4_ReadWrite, seL4_X86_CacheDisabled,
                             seL4_False) != seL4_NoError) {
            return false;
        }
    }
    *window = vaddr;
    return true;
}

static void disk_start(const service_info_t *info, const virtio_start_device_t *device, unsigned d,
                       uintptr_t window)
{
    blk_disk_t *disk = &disks[server.disk_count];
    unsigned index = server.disk_count++;

    if (blk_start(disk, device, window, info->caps[device->first_cap + VIRTIO_DEVICE_PAGES_MAX],
                  VIRTIO_BIT_IRQ(d))) {
        printf("virtio: disk %u (%02x:%02x.%x): %llu sectors (%llu KiB), %s%s, MSI %u\n", index,
               device->bus, device->slot, device->function, (unsigned long long)disk->capacity,
               (unsigned long long)disk->capacity / 2, disk->read_only ? "read-only" : "read-write",
               disk->flush ? ", flush" : "", device->irq);
    }
}

static void net_start_one(const service_info_t *info, const virtio_start_device_t *device,
                          unsigned d, uintptr_t window)
{
    net_device_t *net = &nets[server.net_count];
    unsigned index = server.net_count++;

    if (net_start(net, device, window, info->caps[device->first_cap + VIRTIO_DEVICE_PAGES_MAX],
                  VIRTIO_BIT_IRQ(d))) {
        printf("virtio: network %u (%02x:%02x.%x): MAC %02x:%02x:%02x:%02x:%02x:%02x, MSI %u\n",
               index, device->bus, device->slot, device->function, (unsigned)(net->mac & 0xff),
               (unsigned)(net->mac >> 8 & 0xff), (unsigned)(net->mac >> 16 & 0xff),
               (unsigned)(net->mac >> 24 & 0xff), (unsigned)(net->mac >> 32 & 0xff),
               (unsigned)(net->mac >> 40 & 0xff), device->irq);
    }
}

/* Every device init described: disks and network devices numbered apart, in order. */
static void devices_start(const service_info_t *info)
{
    const virtio_start_device_t *devices = (const virtio_start_device_t *)info->args;
    seL4_Word count = info->words[VIRTIO_WORD_DEVICES];

    server.disks = disks;
    server.nets = nets;
    for (unsigned d = 0; d < count && d < VIRTIO_DEVICES_MAX; d++) {
        const virtio_start_device_t *device = &devices[d];
        uintptr_t window = 0;
        bool mapped = window_map(info, device, &window);
        if (!mapped) {
            printf("virtio: %02x:%02x.%x: its frames cannot be mapped\n", device->bus, device->slot,
                   device->function);
        }
        if (device->device_id == DEVICE_ID_BLOCK) {
            disks[server.disk_count].stopped = true;
            if (mapped) {
                disk_start(info, device, d, window);
            } else {
                server.disk_count++;
            }
        } else if (device->device_id == DEVICE_ID_NETWORK) {
            nets[server.net_count].stopped = true;
            if (mapped) {
                net_start_one(info, device, d, window);
            } else {
                server.net_count++;
            }
        }
    }
}

/* The grants init wrote in the start info, applied as the messages they stand for would be. */
static void grants_apply(const service_info_t *info)
{
    const virtio_start_grant_t *grants =
            (const virtio_start_grant_t *)(info->args + VIRTIO_START_GRANTS);
    seL4_Word count = info->words[VIRTIO_WORD_GRANTS];

    for (seL4_Word i = 0; i < count && i < VIRTIO_START_GRANTS_MAX; i++) {
        const virtio_start_grant_t *g = &grants[i];
        virtio_window_t window = {
                .first = g->first, .sectors = g->sectors, .read_only = g->read_only != 0};
        ipc_msg_t msg;
        if (g->net != 0) {
            virtio_encode_grant_net(&msg, g->client, g->index, g->buffer_bytes);
        } else {
            virtio_encode_grant(&msg, g->client, g->index, &window, g->buffer_bytes);
        }
        server_handle(&server, ipc_badge(SERVICE_ID_INIT), &msg);
        if (msg.label != IPC_LABEL_OK && msg.words[0] == IPC_ERR_FIELD && g->net == 0 &&
            g->index < server.disk_count) {
            /* The window is not on the disk (grant_check): say where each lies. */
            unsigned long long capacity = server.disks[g->index].capacity;
            if (g->sectors == VIRTIO_SECTORS_TO_END) {
                printf("virtio: the grant of disk %u to client %u refused: sector %llu is not on "
                       "its %llu sectors\n",
                       g->index, g->client, (unsigned long long)g->first, capacity);
            } else {
                printf("virtio: the grant of disk %u to client %u refused: sectors %llu+%llu are "
                       "not on its %llu sectors\n",
                       g->index, g->client, (unsigned long long)g->first,
                       (unsigned long long)g->sectors, capacity);
            }
        } else if (msg.label != IPC_LABEL_OK) {
            printf("virtio: the grant of %s %u to client %u refused: %s\n",
                   g->net != 0 ? "network device" : "disk", g->index, g->client,
                   ipc_error_name((ipc_error_t)msg.words[0]));
        }
    }
}

int service_main(const service_info_t *info)
{
    seL4_Word badge = 0;
    ipc_msg_t msg;

    start_info = info;
    devices_start(info);
    grants_apply(info);
    seL4_MessageInfo_t received = seL4_Recv(SERVICE_SLOT_ENDPOINT, &badge);
    for (;;) {
        if (!ipc_badge_is_message(badge)) {
            /* Its notification woke it: an interrupt while no request waited (stray). */
            devices_irq_ack(badge);
            received = seL4_Recv(SERVICE_SLOT_ENDPOINT, &badge);
            continue;
        }
        ipc_msg_receive(&msg, received);
        server_handle(&server, badge, &msg);
        received = seL4_ReplyRecv(SERVICE_SLOT_ENDPOINT, ipc_msg_send_info(&msg), &badge);
    }
}
