/*
 * Guest memory as lib/pv and the VMM see it: guest-physical and guest-virtual addresses are types
 * of their own (a gpa_t cannot be passed where a gva_t or a host pointer is meant), and guest RAM
 * is reached only through the checked accessors below, which refuse any range that is not wholly
 * inside RAM. Guest RAM is one host mapping of `size` bytes for guest-physical [0, size); what
 * lies above (MMIO, holes) is not RAM and is the devices' business.
 *
 * The guest may change its memory at any time (another vCPU, a device): a value read from it is
 * untrusted input, read once into a local and checked there (never read twice and assumed equal).
 */
#ifndef PV_MEMORY_H
#define PV_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t value;
} gpa_t;

typedef struct {
    uint64_t value;
} gva_t;

static inline gpa_t gpa(uint64_t value)
{
    return (gpa_t){value};
}

static inline gva_t gva(uint64_t value)
{
    return (gva_t){value};
}

typedef struct pv_memory {
    uint8_t *base; /* the host's mapping of guest-physical 0 */
    uint64_t size; /* bytes of RAM; a multiple of 4 KiB */
} pv_memory_t;

/* Whether [address, address + length) lies wholly inside RAM (length 0: address <= size). */
static inline bool pv_memory_contains(const pv_memory_t *memory, gpa_t address, uint64_t length)
{
    return address.value <= memory->size && length <= memory->size - address.value;
}

/* Copies between guest RAM and the host; false (nothing copied) when the range is not RAM. */
bool pv_memory_read(const pv_memory_t *memory, gpa_t address, void *out, size_t length);
bool pv_memory_write(const pv_memory_t *memory, gpa_t address, const void *data, size_t length);

/* Naturally sized loads and stores (little-endian); false when not wholly inside RAM. */
bool pv_memory_read64(const pv_memory_t *memory, gpa_t address, uint64_t *value);
bool pv_memory_write64(const pv_memory_t *memory, gpa_t address, uint64_t value);
bool pv_memory_read32(const pv_memory_t *memory, gpa_t address, uint32_t *value);

/*
 * A compare-and-exchange of a 64-bit word of guest RAM (a page-table entry's accessed and dirty
 * bits are set so, as the processor does: a concurrent change by the guest is not overwritten).
 * The address must be 8-byte aligned. False when not RAM or misaligned; *expected is updated
 * with the value found when it differed.
 */
bool pv_memory_cmpxchg64(const pv_memory_t *memory, gpa_t address, uint64_t *expected,
                         uint64_t desired);

/*
 * A host pointer to [address, address + length) for code that must read in place (the patch
 * scanner over the loaded image), or NULL when the range is not wholly inside RAM. The bytes are
 * the guest's: the caller treats them as changing under it.
 */
const uint8_t *pv_memory_span(const pv_memory_t *memory, gpa_t address, uint64_t length);
uint8_t *pv_memory_span_mut(const pv_memory_t *memory, gpa_t address, uint64_t length);

#endif
