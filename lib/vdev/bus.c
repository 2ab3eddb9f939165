/*
 * The I/O dispatcher: finds the device of a port or guest-physical address and calls it, split
 * as include/vdev/bus.h says. It never interprets a value and never touches a device's state
 * itself; an access nobody claims only moves the counters.
 */
#include <vdev/bus.h>

static void space_init(vdev_bus_space_t *space, uint64_t limit)
{
    for (unsigned i = 0; i < VDEV_BUS_RANGES; i++) {
        space->range[i] = (vdev_bus_range_t){0};
    }
    space->limit = limit;
}

void vdev_bus_init(vdev_bus_t *bus)
{
    space_init(&bus->io, 0xffffu);
    space_init(&bus->mmio, UINT64_MAX);
    bus->stats = (vdev_bus_stats_t){0};
}

static bool width_valid(unsigned width, unsigned widest)
{
    return (width == 1 || width == 2 || width == 4 || width == 8) && width <= widest;
}

/* The last address of [base, base + length), or false when empty or past the space's limit. */
static bool range_last(const vdev_bus_space_t *space, uint64_t base, uint64_t length,
                       uint64_t *last)
{
    if (length == 0 || base > space->limit || length - 1 > space->limit - base) {
        return false;
    }
    *last = base + (length - 1);
    return true;
}

static bool overlaps_enabled(const vdev_bus_space_t *space, uint64_t base, uint64_t last,
                             unsigned except)
{
    for (unsigned i = 0; i < VDEV_BUS_RANGES; i++) {
        const vdev_bus_range_t *r = &space->range[i];

        if (i == except || !r->used || !r->enabled) {
            continue;
        }
        if (base <= r->base + (r->length - 1) && r->base <= last) {
            return true;
        }
    }
    return false;
}

static vdev_bus_error_t space_add(vdev_bus_space_t *space, uint64_t base, uint64_t length,
                                  unsigned max_width, const vdev_bus_ops_t *ops, void *device,
                                  const char *name, unsigned *handle)
{
    uint64_t last;

    if (ops == NULL || ops->read == NULL || ops->write == NULL || !width_valid(max_width, 8)) {
        return VDEV_BUS_ERR_ARGUMENT;
    }
    if (!range_last(space, base, length, &last)) {
        return VDEV_BUS_ERR_RANGE;
    }
    if (overlaps_enabled(space, base, last, VDEV_BUS_RANGES)) {
        return VDEV_BUS_ERR_OVERLAP;
    }
    for (unsigned i = 0; i < VDEV_BUS_RANGES; i++) {
        vdev_bus_range_t *r = &space->range[i];

        if (r->used) {
            continue;
        }
        *r = (vdev_bus_range_t){.base = base,
                                .length = length,
                                .ops = ops,
                                .device = device,
                                .name = name,
                                .max_width = max_width,
                                .used = true,
                                .enabled = true};
        if (handle != NULL) {
            *handle = i;
        }
        return VDEV_BUS_REGISTERED;
    }
    return VDEV_BUS_ERR_FULL;
}

vdev_bus_error_t vdev_bus_add_io(vdev_bus_t *bus, uint16_t base, uint32_t length,
                                 unsigned max_width, const vdev_bus_ops_t *ops, void *device,
                                 const char *name, unsigned *handle)
{
    return space_add(&bus->io, base, length, max_width, ops, device, name, handle);
}

vdev_bus_error_t vdev_bus_add_mmio(vdev_bus_t *bus, uint64_t base, uint64_t length,
                                   unsigned max_width, const vdev_bus_ops_t *ops, void *device,
                                   const char *name, unsigned *handle)
{
    return space_add(&bus->mmio, base, length, max_width, ops, device, name, handle);
}

static vdev_bus_error_t space_place(vdev_bus_space_t *space, unsigned handle, uint64_t base,
                                    bool enabled)
{
    vdev_bus_range_t *r;
    uint64_t last;

    if (handle >= VDEV_BUS_RANGES || !space->range[handle].used) {
        return VDEV_BUS_ERR_HANDLE;
    }
    r = &space->range[handle];
    if (!range_last(space, base, r->length, &last)) {
        return VDEV_BUS_ERR_RANGE;
    }
    if (enabled && overlaps_enabled(space, base, last, handle)) {
        return VDEV_BUS_ERR_OVERLAP;
    }
    r->base = base;
    r->enabled = enabled;
    return VDEV_BUS_REGISTERED;
}

vdev_bus_error_t vdev_bus_move_mmio(vdev_bus_t *bus, unsigned handle, uint64_t base)
{
    if (handle >= VDEV_BUS_RANGES || !bus->mmio.range[handle].used) {
        return VDEV_BUS_ERR_HANDLE;
    }
    return space_place(&bus->mmio, handle, base, bus->mmio.range[handle].enabled);
}

vdev_bus_error_t vdev_bus_set_io_enabled(vdev_bus_t *bus, unsigned handle, bool enabled)
{
    if (handle >= VDEV_BUS_RANGES || !bus->io.range[handle].used) {
        return VDEV_BUS_ERR_HANDLE;
    }
    return space_place(&bus->io, handle, bus->io.range[handle].base, enabled);
}

vdev_bus_error_t vdev_bus_set_mmio_enabled(vdev_bus_t *bus, unsigned handle, bool enabled)
{
    if (handle >= VDEV_BUS_RANGES || !bus->mmio.range[handle].used) {
        return VDEV_BUS_ERR_HANDLE;
    }
    return space_place(&bus->mmio, handle, bus->mmio.range[handle].base, enabled);
}

static vdev_bus_range_t *space_find(vdev_bus_space_t *space, uint64_t address)
{
    if (address > space->limit) {
        return NULL;
    }
    for (unsigned i = 0; i < VDEV_BUS_RANGES; i++) {
        vdev_bus_range_t *r = &space->range[i];

        if (r->used && r->enabled && address >= r->base && address - r->base < r->length) {
            return r;
        }
    }
    return NULL;
}

const vdev_bus_range_t *vdev_bus_find_io(const vdev_bus_t *bus, uint64_t port)
{
    return space_find((vdev_bus_space_t *)&bus->io, port);
}

const vdev_bus_range_t *vdev_bus_find_mmio(const vdev_bus_t *bus, uint64_t address)
{
    return space_find((vdev_bus_space_t *)&bus->mmio, address);
}

static uint64_t width_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* One piece that lies inside r and is no wider than its max_width. */
static uint64_t piece_read(vdev_bus_range_t *r, uint64_t address, unsigned size, uint64_t now)
{
    r->reads++;
    return r->ops->read(r->device, address - r->base, size, now) & width_mask(size);
}

static void piece_write(vdev_bus_range_t *r, uint64_t address, unsigned size, uint64_t value,
                        uint64_t now)
{
    r->writes++;
    r->ops->write(r->device, address - r->base, size, value & width_mask(size), now);
}

/* The range that holds all of [address, address + size), or NULL. */
static vdev_bus_range_t *whole_range(vdev_bus_space_t *space, uint64_t address, unsigned size)
{
    vdev_bus_range_t *r = space_find(space, address);

    if (r == NULL || size - 1u > space->limit - address) {
        return NULL;
    }
    return address + (size - 1u) - r->base < r->length ? r : NULL;
}

static vdev_bus_status_t dispatch(vdev_bus_t *bus, vdev_bus_space_t *space, uint64_t address,
                                  unsigned size, bool write, uint64_t *value, uint64_t now)
{
    vdev_bus_range_t *r;
    bool unclaimed = false;
    uint64_t result = 0;

    if (!width_valid(size, space == &bus->io ? 4 : 8)) {
        bus->stats.bad_width++;
        if (!write) {
            *value = UINT64_MAX;
        }
        return VDEV_BUS_BAD_WIDTH;
    }
    r = whole_range(space, address, size);
    if (r != NULL && size <= r->max_width) {
        if (write) {
            piece_write(r, address, size, *value, now);
        } else {
            *value = piece_read(r, address, size, now);
        }
        return VDEV_BUS_OK;
    }
    /* Pieces of the range's width when it holds the whole access, else single bytes. */
    unsigned step = r != NULL ? r->max_width : 1;
    bool claimed = false;
    for (unsigned at = 0; at < size; at += step) {
        uint64_t piece_address = address + at;
        uint64_t piece = write ? (*value >> (8 * at)) & width_mask(step) : width_mask(step);
        vdev_bus_range_t *owner =
                at > space->limit - address ? NULL : space_find(space, piece_address);

        if (owner == NULL) {
            unclaimed = true; /* a read keeps the all-ones piece */
        } else if (write) {
            claimed = true;
            piece_write(owner, piece_address, step, piece, now);
        } else {
            claimed = true;
            piece = piece_read(owner, piece_address, step, now);
        }
        result |= piece << (8 * at);
    }
    if (claimed) {
        bus->stats.split++;
    } else {
        result = UINT64_MAX;
    }
    if (!write) {
        *value = result;
    }
    if (unclaimed) {
        if (write) {
            bus->stats.unclaimed_writes++;
        } else {
            bus->stats.unclaimed_reads++;
        }
        return VDEV_BUS_UNCLAIMED;
    }
    return VDEV_BUS_OK;
}

vdev_bus_status_t vdev_io_in(vdev_bus_t *bus, uint16_t port, unsigned size, uint32_t *value,
                             uint64_t now)
{
    uint64_t wide = 0;
    vdev_bus_status_t status = dispatch(bus, &bus->io, port, size, false, &wide, now);

    *value = (uint32_t)(wide & width_mask(size > 4 ? 4 : size));
    if (status == VDEV_BUS_BAD_WIDTH) {
        *value = UINT32_MAX;
    }
    return status;
}

vdev_bus_status_t vdev_io_out(vdev_bus_t *bus, uint16_t port, unsigned size, uint32_t value,
                              uint64_t now)
{
    uint64_t wide = value;

    return dispatch(bus, &bus->io, port, size, true, &wide, now);
}

vdev_bus_status_t vdev_mmio_read(vdev_bus_t *bus, uint64_t address, unsigned size, uint64_t *value,
                                 uint64_t now)
{
    vdev_bus_status_t status = dispatch(bus, &bus->mmio, address, size, false, value, now);

    if (status != VDEV_BUS_BAD_WIDTH) {
        *value &= width_mask(size);
    }
    return status;
}

vdev_bus_status_t vdev_mmio_write(vdev_bus_t *bus, uint64_t address, unsigned size, uint64_t value,
                                  uint64_t now)
{
    return dispatch(bus, &bus->mmio, address, size, true, &value, now);
}
