/*
 * Register accesses to a device's memory (its BAR frames, mapped uncached): one access of the
 * register's width each, never combined or reordered by the compiler. Virtio's registers are
 * little-endian, as the CPU is.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <stdint.h>

static inline uint8_t mmio_read8(uintptr_t address)
{
    return *(volatile const uint8_t *)address;
}

static inline uint16_t mmio_read16(uintptr_t address)
{
    return *(volatile const uint16_t *)address;
}

static inline uint32_t mmio_read32(uintptr_t address)
{
    return *(volatile const uint32_t *)address;
}

static inline void mmio_write8(uintptr_t address, uint8_t value)
{
    *(volatile uint8_t *)address = value;
}

static inline void mmio_write16(uintptr_t address, uint16_t value)
{
    *(volatile uint16_t *)address = value;
}

static inline void mmio_write32(uintptr_t address, uint32_t value)
{
    *(volatile uint32_t *)address = value;
}

/* A 64-bit register as two 32-bit halves, low first (virtio allows drivers to do so). */
static inline void mmio_write64(uintptr_t address, uint64_t value)
{
    mmio_write32(address, (uint32_t)value);
    mmio_write32(address + 4, (uint32_t)(value >> 32));
}

/* Orders memory accesses: ring entries written before the index that publishes them, the
 * index read before the entries it covers. */
static inline void mmio_barrier(void)
{
    __asm__ volatile("mfence" ::: "memory");
}

#endif
