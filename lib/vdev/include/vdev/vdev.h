/*
 * lib/vdev: the platform devices a VMM emulates for its guest, identically for PV mode and the
 * hardware modes. Freestanding: no libc, no heap, no mutable globals; every piece of state lives
 * in a structure the caller owns, and a structure must not move once initialised (devices keep
 * pointers to their neighbours). Nothing here reads a clock: every call whose result depends on
 * time takes `now`, the guest's time in nanoseconds, which must never go backwards.
 *
 * This header holds what every device shares:
 *   vdev_line_t        an interrupt line: a device raises and lowers it, the owner routes it
 *   vdev_exit_t        a request to end the VM (power-off, debug exit, reset), first one wins
 *   vdev_muldiv        floor(a * b / c) over 128 bits, the base of every time conversion
 */
#ifndef VDEV_VDEV_H
#define VDEV_VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDEV_NS_PER_SECOND 1000000000ull
#define VDEV_NO_DEADLINE   UINT64_MAX /* ..._next_deadline: nothing will happen by itself */

/*
 * An interrupt line. The device calls vdev_line_set with the level it drives; `set` decides
 * where that goes (the interrupt controllers, a test's recorder). A line without `set` is
 * unconnected: levels driven on it go nowhere.
 */
typedef struct vdev_line {
    void (*set)(void *context, unsigned number, bool level);
    void *context;
    unsigned number; /* passed back to `set`: the ISA IRQ or GSI, for instance */
} vdev_line_t;

static inline void vdev_line_set(const vdev_line_t *line, bool level)
{
    if (line->set != NULL) {
        line->set(line->context, line->number, level);
    }
}

/* Why the VM must end, as a device saw it. */
typedef enum {
    VDEV_EXIT_NONE = 0,
    VDEV_EXIT_POWER_OFF,  /* ACPI S5 through the PM1a control block: status 0 */
    VDEV_EXIT_DEBUG_EXIT, /* a write of v to the debug-exit port: status (v << 1) | 1 */
    VDEV_EXIT_RESET,      /* the reset control register (0xcf9): the VMM restarts the VM */
} vdev_exit_kind_t;

typedef struct vdev_exit {
    vdev_exit_kind_t kind; /* the first request; later ones only count */
    uint64_t status;
    uint64_t requests; /* every request, the first included */
} vdev_exit_t;

/* Records a request to end the VM; only the first one is kept. */
void vdev_exit_request(vdev_exit_t *exit, vdev_exit_kind_t kind, uint64_t status);

/* floor(a * b / c) computed over 128 bits; UINT64_MAX when the quotient does not fit or c is 0. */
uint64_t vdev_muldiv(uint64_t a, uint64_t b, uint64_t c);

/* ceil(a * b / c) computed over 128 bits; UINT64_MAX when it does not fit or c is 0. */
uint64_t vdev_muldiv_ceil(uint64_t a, uint64_t b, uint64_t c);

/* a + b, or UINT64_MAX when the sum does not fit (deadlines far away saturate). */
static inline uint64_t vdev_add_saturating(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static inline uint64_t vdev_min_deadline(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

#endif
