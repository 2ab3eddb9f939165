/*
 * Table-driven CRC-32 (reflected polynomial 0xedb88320). The table is built on first use; the
 * kernel is single-threaded while it boots, which is when this runs.
 */
#include <arch/crc32.h>
#include <stdbool.h>

static uint32_t crc32_table[256];
static bool crc32_table_ready;

static void crc32_table_build(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t value = n;
        for (int bit = 0; bit < 8; bit++) {
            value = (value & 1) ? (value >> 1) ^ 0xedb88320u : value >> 1;
        }
        crc32_table[n] = value;
    }
    crc32_table_ready = true;
}

uint32_t crc32_update(uint32_t crc, const uint8_t *bytes, size_t length)
{
    if (!crc32_table_ready) {
        crc32_table_build();
    }
    crc = ~crc;
    for (size_t i = 0; i < length; i++) {
        crc = crc32_table[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}
