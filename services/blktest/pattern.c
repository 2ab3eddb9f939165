/*
 * The sector pattern shared with the host side of the test (tests/system/virtio/disk.py writes
 * and checks the same): blktest.h describes it.
 */
#include "blktest.h"
#include <runtime/string.h>

void pattern_fill(uint8_t *sector, uint64_t n, uint64_t second)
{
    uint64_t sum = 0;

    memcpy(sector, &n, 8);
    memcpy(sector + 8, &second, 8);
    for (unsigned i = 16; i < VIRTIO_SECTOR_BYTES - 8; i++) {
        sector[i] = (uint8_t)((n * 7 + i) & 0xff);
    }
    for (unsigned i = 0; i < VIRTIO_SECTOR_BYTES - 8; i += 8) {
        uint64_t word;
        memcpy(&word, sector + i, 8);
        sum += word;
    }
    memcpy(sector + VIRTIO_SECTOR_BYTES - 8, &sum, 8);
}

bool pattern_check(const uint8_t *sector, uint64_t n, uint64_t second)
{
    uint8_t expected[VIRTIO_SECTOR_BYTES];

    pattern_fill(expected, n, second);
    return memcmp(expected, sector, VIRTIO_SECTOR_BYTES) == 0;
}
