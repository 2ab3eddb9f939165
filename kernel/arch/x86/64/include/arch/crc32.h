/*
 * CRC-32 as zlib, gzip and PNG compute it (IEEE 802.3 polynomial, reflected, initial and final
 * XOR all ones), used to report boot module contents so tests can compare them with the host.
 */
#ifndef ARCH_CRC32_H
#define ARCH_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over more bytes: start with crc = 0; crc32_update(0, "", 0) == 0. */
uint32_t crc32_update(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
