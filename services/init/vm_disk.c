/*
 * A VM's machine disk (vm_disk.h). The window's place on the disk is the virtio service's check
 * (only it knows the capacity): a window past the disk's end is refused there, and the VMM, whose
 * first request then finds no disk, ends the VM saying so.
 */
#include "vm_disk.h"
#include "init.h"
#include "virtio.h"
#include <fmt/fmt.h>

#define VM_DISK_BUFFER_BYTES VIRTIO_CLIENT_BUFFER_MAX

_Static_assert(VMDECL_MACHINE_DISKS_MAX <= VIRTIO_DISKS_MAX, "dev:N is a disk index clients name");

bool vm_disk_check(const vm_t *vm, char *refusal, size_t capacity)
{
    const vmdecl_disk_t *disk = &vm->decl.decl.disk_spec;
    seL4_Word disks;

    if (!disk->machine) {
        return true;
    }
    disks = virtio_disk_count();
    if (disk->device < disks) {
        return true;
    }
    if (disks == 0) {
        fmt_snprintf(refusal, capacity, "disk=dev:%u: the machine has no virtio-blk disk",
                     (unsigned)disk->device);
    } else if (disks == 1) {
        fmt_snprintf(refusal, capacity, "disk=dev:%u: the machine has 1 virtio-blk disk (dev:0)",
                     (unsigned)disk->device);
    } else {
        fmt_snprintf(refusal, capacity,
                     "disk=dev:%u: the machine has %lu virtio-blk disks (dev:0 to dev:%lu)",
                     (unsigned)disk->device, (unsigned long)disks, (unsigned long)(disks - 1));
    }
    return false;
}

bool vm_disk_wire(vm_run_t *run, const vm_t *vm)
{
    const vmdecl_disk_t *disk = &vm->decl.decl.disk_spec;
    service_t *virtio = init_service_by_id(SERVICE_ID_VIRTIO);
    virtio_window_t window = {.first = disk->has_range ? disk->start : 0,
                              .sectors = disk->has_range ? disk->count : VIRTIO_SECTORS_TO_END,
                              .read_only = disk->read_only};

    if (!disk->machine) {
        return true;
    }
    if (virtio == NULL) {
        return false; /* vm_disk_check refused it already */
    }
    if (!run->disk_mapped) {
        if (!virtio_client_map(run->service, virtio, VMM_DISK_BUFFER_VADDR, VM_DISK_BUFFER_BYTES)) {
            return false;
        }
        run->disk_mapped = true;
    }
    if (!virtio_client_grant(run->service, virtio, VMM_CAP_VIRTIO, VM_DISK_BUFFER_BYTES,
                             disk->device, &window)) {
        return false;
    }
    run->boot->disk_flags |= VMM_DISK_MACHINE;
    run->boot->disk_device = disk->device;
    run->boot->disk_buffer_bytes = VM_DISK_BUFFER_BYTES;
    return true;
}
