/*
 * The I/O dispatcher: port ranges and guest-physical MMIO ranges, each bound to a device's
 * handlers. The VMM hands every trapped IN/OUT and every emulated MMIO access to
 * vdev_io_in/out or vdev_mmio_read/write, with the guest's time.
 *
 * Rules (docs/vmm-devices.md, "The dispatcher"):
 *  - widths: 1, 2 or 4 bytes for ports, 1, 2, 4 or 8 for MMIO. Any other width is refused
 *    (VDEV_BUS_BAD_WIDTH, counted): a read gives all-ones, a write is dropped, no device sees it.
 *  - an access that lies inside one range, no wider than the range's max_width, reaches the
 *    device as one call with the offset from the range's base;
 *  - an access inside one range but wider than its max_width is split into max_width pieces in
 *    ascending address order, assembled little-endian (how an ISA bus splits a 16-bit IN to an
 *    8-bit device);
 *  - an access that straddles a range boundary (or reaches past port 0xffff or past the end of
 *    the address space) is split into single bytes, each dispatched on its own;
 *  - a byte nobody claims reads as 0xff and a write to it is dropped; each such access counts
 *    once as unclaimed (vm stats shows the counters).
 * A disabled range stays registered but claims nothing (the xAPIC page in x2APIC mode).
 */
#ifndef VDEV_BUS_H
#define VDEV_BUS_H

#include <vdev/vdev.h>

#define VDEV_BUS_RANGES 32 /* per space: ports, and guest-physical memory */

typedef enum {
    VDEV_BUS_OK = 0,
    VDEV_BUS_UNCLAIMED, /* some byte of the access had no device (all-ones / dropped) */
    VDEV_BUS_BAD_WIDTH, /* a width the bus does not have: nothing was dispatched */
} vdev_bus_status_t;

typedef enum {
    VDEV_BUS_REGISTERED = 0,
    VDEV_BUS_ERR_FULL,     /* no free range slot */
    VDEV_BUS_ERR_OVERLAP,  /* overlaps an enabled range */
    VDEV_BUS_ERR_RANGE,    /* empty, wrapping, or a port range past 0xffff */
    VDEV_BUS_ERR_ARGUMENT, /* no handlers, or a max_width that is not 1, 2, 4 or 8 */
    VDEV_BUS_ERR_HANDLE,   /* no such range */
} vdev_bus_error_t;

/*
 * A device's handlers. `offset` is from the range's base; the access lies inside the range and
 * is no wider than its max_width. A read returns the value in the low `size` bytes (higher
 * bytes are ignored).
 */
typedef struct vdev_bus_ops {
    uint64_t (*read)(void *device, uint64_t offset, unsigned size, uint64_t now);
    void (*write)(void *device, uint64_t offset, unsigned size, uint64_t value, uint64_t now);
} vdev_bus_ops_t;

typedef struct vdev_bus_range {
    uint64_t base;
    uint64_t length;
    const vdev_bus_ops_t *ops;
    void *device;
    const char *name;   /* for vm stats: a static string */
    unsigned max_width; /* 1, 2, 4 or 8 */
    bool used;
    bool enabled;
    uint64_t reads; /* accesses that reached the device (one per piece) */
    uint64_t writes;
} vdev_bus_range_t;

typedef struct vdev_bus_stats {
    uint64_t unclaimed_reads;
    uint64_t unclaimed_writes;
    uint64_t bad_width;
    uint64_t split; /* accesses split into pieces (wider than a device, or straddling) */
} vdev_bus_stats_t;

typedef struct vdev_bus_space {
    vdev_bus_range_t range[VDEV_BUS_RANGES];
    uint64_t limit; /* the last address of the space: 0xffff or UINT64_MAX */
} vdev_bus_space_t;

typedef struct vdev_bus {
    vdev_bus_space_t io;
    vdev_bus_space_t mmio;
    vdev_bus_stats_t stats;
} vdev_bus_t;

void vdev_bus_init(vdev_bus_t *bus);

/*
 * Registers [base, base + length) for a device; *handle names the range afterwards. Ranges may
 * not overlap enabled ones. A range registered disabled (vdev_bus_*_set_enabled) may.
 */
vdev_bus_error_t vdev_bus_add_io(vdev_bus_t *bus, uint16_t base, uint32_t length,
                                 unsigned max_width, const vdev_bus_ops_t *ops, void *device,
                                 const char *name, unsigned *handle);
vdev_bus_error_t vdev_bus_add_mmio(vdev_bus_t *bus, uint64_t base, uint64_t length,
                                   unsigned max_width, const vdev_bus_ops_t *ops, void *device,
                                   const char *name, unsigned *handle);

/* Moves an MMIO range (the xAPIC page through IA32_APIC_BASE, PCI BARs); refused on overlap. */
vdev_bus_error_t vdev_bus_move_mmio(vdev_bus_t *bus, unsigned handle, uint64_t base);

/* Enables or disables a range; enabling is refused when it would overlap an enabled range. */
vdev_bus_error_t vdev_bus_set_io_enabled(vdev_bus_t *bus, unsigned handle, bool enabled);
vdev_bus_error_t vdev_bus_set_mmio_enabled(vdev_bus_t *bus, unsigned handle, bool enabled);

/* The range an address falls in (enabled ranges only), or NULL. */
const vdev_bus_range_t *vdev_bus_find_io(const vdev_bus_t *bus, uint64_t port);
const vdev_bus_range_t *vdev_bus_find_mmio(const vdev_bus_t *bus, uint64_t address);

vdev_bus_status_t vdev_io_in(vdev_bus_t *bus, uint16_t port, unsigned size, uint32_t *value,
                             uint64_t now);
vdev_bus_status_t vdev_io_out(vdev_bus_t *bus, uint16_t port, unsigned size, uint32_t value,
                              uint64_t now);
vdev_bus_status_t vdev_mmio_read(vdev_bus_t *bus, uint64_t address, unsigned size, uint64_t *value,
                                 uint64_t now);
vdev_bus_status_t vdev_mmio_write(vdev_bus_t *bus, uint64_t address, unsigned size, uint64_t value,
                                  uint64_t now);

#endif
