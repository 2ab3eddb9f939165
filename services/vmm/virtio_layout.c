/*
 * The virtio-mmio windows and lines of a VM (virtio_layout.h). IRQs 5, 10 and 11 are the ISA
 * lines lib/vdev's platform leaves free (PIT 0, COM1 4, RTC 8, SCI 9).
 */
#include "virtio_layout.h"
#include <fmt/fmt.h>

static const unsigned virtio_irq[VMM_VIRTIO_DEVICES] = {5, 10, 11};

void virtio_layout_make(bool disk, vmm_virtio_layout_t *layout)
{
    static const vmm_virtio_kind_t kinds[VMM_VIRTIO_DEVICES] = {VMM_VIRTIO_CONSOLE, VMM_VIRTIO_RNG,
                                                                VMM_VIRTIO_BLOCK};

    layout->count = disk ? 3 : 2;
    for (unsigned i = 0; i < VMM_VIRTIO_DEVICES; i++) {
        layout->kind[i] = kinds[i];
        layout->device[i] = (vdev_acpi_virtio_t){.base = VMM_VIRTIO_BASE + i * VMM_VIRTIO_WINDOW,
                                                 .size = VMM_VIRTIO_WINDOW,
                                                 .irq = virtio_irq[i]};
    }
}

size_t virtio_layout_cmdline(const vmm_virtio_layout_t *layout, char *out, size_t capacity)
{
    size_t at = 0;

    if (capacity == 0) {
        return 0;
    }
    out[0] = '\0';
    for (unsigned i = 0; i < layout->count; i++) {
        size_t room = capacity - at;
        size_t wrote =
                fmt_snprintf(out + at, room, "%svirtio_mmio.device=%u@%#x:%u", i == 0 ? "" : " ",
                             (unsigned)layout->device[i].size, (unsigned)layout->device[i].base,
                             (unsigned)layout->device[i].irq);

        if (wrote >= room) {
            out[0] = '\0';
            return 0;
        }
        at += wrote;
    }
    return at;
}
