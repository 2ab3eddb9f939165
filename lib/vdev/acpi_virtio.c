/*
 * AML for virtio-mmio devices (acpi_virtio.h), one comment per construct. Every length is fixed
 * by the layout below, so each Device has a one-byte PkgLength and the Scope a two-byte one.
 */
#include <vdev/acpi_virtio.h>

#define DEVICE_BYTES 61u /* ExtOpPrefix DeviceOp PkgLength(1) + 58 bytes of body */
#define SCOPE_HEAD   8u  /* ScopeOp, PkgLength (2), "\_SB_" */

size_t vdev_acpi_virtio_aml_bytes(unsigned count)
{
    return SCOPE_HEAD + (size_t)DEVICE_BYTES * count;
}

static size_t put_device(uint8_t *out, unsigned index, const vdev_acpi_virtio_t *d)
{
    const uint8_t aml[DEVICE_BYTES] = {
            0x5b,
            0x82, /* ExtOpPrefix DeviceOp */
            59,   /* PkgLength: itself and the 58 bytes below */
            'V',
            'R',
            (uint8_t)('0' + index / 10),
            (uint8_t)('0' + index % 10), /* "VRnn" */
            0x08,
            '_',
            'H',
            'I',
            'D', /* Name(_HID, */
            0x0d,
            'L',
            'N',
            'R',
            'O',
            '0',
            '0',
            '0',
            '5',
            0x00, /* "LNRO0005") */
            0x08,
            '_',
            'U',
            'I',
            'D',
            0x0a,
            (uint8_t)index, /* Name(_UID, index) */
            0x08,
            '_',
            'C',
            'R',
            'S', /* Name(_CRS, */
            0x11,
            26, /* Buffer, PkgLength: itself and the 25 bytes below */
            0x0a,
            23, /* BufferSize: 23 */
            0x86,
            0x09,
            0x00, /* Memory32Fixed, length 9 */
            0x01, /* read-write */
            (uint8_t)d->base,
            (uint8_t)(d->base >> 8),
            (uint8_t)(d->base >> 16),
            (uint8_t)(d->base >> 24), /* base */
            (uint8_t)d->size,
            (uint8_t)(d->size >> 8),
            (uint8_t)(d->size >> 16),
            (uint8_t)(d->size >> 24), /* length */
            0x89,
            0x06,
            0x00, /* Extended Interrupt, length 6 */
            0x03, /* consumer, edge, active high, exclusive */
            0x01, /* one interrupt */
            (uint8_t)d->irq,
            (uint8_t)(d->irq >> 8),
            (uint8_t)(d->irq >> 16),
            (uint8_t)(d->irq >> 24), /* its GSI */
            0x79,
            0x00, /* End Tag; checksum 0: the bytes are not summed */
    };

    for (size_t i = 0; i < sizeof(aml); i++) {
        out[i] = aml[i];
    }
    return sizeof(aml);
}

size_t vdev_acpi_virtio_aml(const vdev_acpi_virtio_t *devices, unsigned count, uint8_t *out,
                            size_t capacity)
{
    size_t length = vdev_acpi_virtio_aml_bytes(count);
    size_t package = length - 1; /* the Scope's PkgLength counts from itself */
    size_t at = 0;

    if (count == 0 || count > VDEV_ACPI_VIRTIO_MAX || capacity < length) {
        return 0;
    }
    out[at++] = 0x10;                               /* ScopeOp */
    out[at++] = (uint8_t)(0x40 | (package & 0x0f)); /* PkgLength, two bytes: low nibble */
    out[at++] = (uint8_t)(package >> 4);            /* and the next eight bits */
    out[at++] = 0x5c;                               /* RootChar '\' */
    out[at++] = '_';
    out[at++] = 'S';
    out[at++] = 'B';
    out[at++] = '_';
    for (unsigned i = 0; i < count; i++) {
        at += put_device(out + at, i, &devices[i]);
    }
    return at;
}
