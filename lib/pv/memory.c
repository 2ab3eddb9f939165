/* Checked guest memory accessors (pv/memory.h). */
#include <pv/memory.h>

const uint8_t *pv_memory_span(const pv_memory_t *memory, gpa_t address, uint64_t length)
{
    return pv_memory_contains(memory, address, length) ? memory->base + address.value : NULL;
}

uint8_t *pv_memory_span_mut(const pv_memory_t *memory, gpa_t address, uint64_t length)
{
    return pv_memory_contains(memory, address, length) ? memory->base + address.value : NULL;
}

bool pv_memory_read(const pv_memory_t *memory, gpa_t address, void *out, size_t length)
{
    const uint8_t *span = pv_memory_span(memory, address, length);

    if (span == NULL) {
        return false;
    }
    __builtin_memcpy(out, span, length);
    return true;
}

bool pv_memory_write(const pv_memory_t *memory, gpa_t address, const void *data, size_t length)
{
    uint8_t *span = pv_memory_span_mut(memory, address, length);

    if (span == NULL) {
        return false;
    }
    __builtin_memcpy(span, data, length);
    return true;
}

/* x86 is little-endian, as are the guest's structures: plain copies are the right loads. */
bool pv_memory_read64(const pv_memory_t *memory, gpa_t address, uint64_t *value)
{
    return pv_memory_read(memory, address, value, sizeof(*value));
}

bool pv_memory_write64(const pv_memory_t *memory, gpa_t address, uint64_t value)
{
    return pv_memory_write(memory, address, &value, sizeof(value));
}

bool pv_memory_read32(const pv_memory_t *memory, gpa_t address, uint32_t *value)
{
    return pv_memory_read(memory, address, value, sizeof(*value));
}

bool pv_memory_cmpxchg64(const pv_memory_t *memory, gpa_t address, uint64_t *expected,
                         uint64_t desired)
{
    uint8_t *span = pv_memory_span_mut(memory, address, sizeof(uint64_t));

    if (span == NULL || (address.value & 7) != 0) {
        return false;
    }
    return __atomic_compare_exchange_n((uint64_t *)(void *)span, expected, desired, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
