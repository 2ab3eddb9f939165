/*
 * The virtio service: drives the machine's own virtio-pci block devices (the functions init
 * found and gave it, services/init/virtio.c) and serves its clients' requests (ipc/virtio.h).
 * One request at a time: a transfer's pages are all in flight together, and the service waits
 * for their completion (its MSI, with a deadline) before it answers and takes the next one.
 */
#include "server.h"
#include <runtime/print.h>
#include <runtime/service.h>
#include <runtime/start.h>
#include <runtime/vspace.h>

#define PAGE_BYTES 4096ul

static blk_disk_t disks[VIRTIO_DEVICES_MAX];
static server_t server;

void disks_irq_ack(seL4_Word bits)
{
    for (unsigned i = 0; i < server.disk_count; i++) {
        blk_irq_ack(&disks[i], bits);
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

static void disks_start(const service_info_t *info)
{
    const virtio_start_device_t *devices = (const virtio_start_device_t *)info->args;
    seL4_Word count = info->words[VIRTIO_WORD_DEVICES];

    server.disks = disks;
    server.disk_count = count <= VIRTIO_DEVICES_MAX ? (unsigned)count : 0;
    for (unsigned i = 0; i < server.disk_count; i++) {
        const virtio_start_device_t *device = &devices[i];
        blk_disk_t *disk = &disks[i];
        uintptr_t window;
        disk->stopped = true;
        if (!window_map(info, device, &window)) {
            printf("virtio: %02x:%02x.%x: its frames cannot be mapped\n", device->bus, device->slot,
                   device->function);
            continue;
        }
        if (blk_start(disk, device, window, info->caps[device->first_cap + VIRTIO_DEVICE_PAGES_MAX],
                      VIRTIO_BIT_IRQ(i))) {
            printf("virtio: disk %u (%02x:%02x.%x): %llu sectors (%llu KiB), %s%s, MSI %u\n", i,
                   device->bus, device->slot, device->function, (unsigned long long)disk->capacity,
                   (unsigned long long)disk->capacity / 2,
                   disk->read_only ? "read-only" : "read-write", disk->flush ? ", flush" : "",
                   device->irq);
        }
    }
}

int service_main(const service_info_t *info)
{
    seL4_Word badge = 0;
    ipc_msg_t msg;

    disks_start(info);
    seL4_MessageInfo_t received = seL4_Recv(SERVICE_SLOT_ENDPOINT, &badge);
    for (;;) {
        if (!ipc_badge_is_message(badge)) {
            /* Its notification woke it: an interrupt while no request waited (stray). */
            disks_irq_ack(badge);
            received = seL4_Recv(SERVICE_SLOT_ENDPOINT, &badge);
            continue;
        }
        ipc_msg_receive(&msg, received);
        server_handle(&server, badge, &msg);
        received = seL4_ReplyRecv(SERVICE_SLOT_ENDPOINT, ipc_msg_send_info(&msg), &badge);
    }
}
