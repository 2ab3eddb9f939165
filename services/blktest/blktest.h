/*
 * blktest: the virtio disk test, a client of the virtio service started only when the kernel
 * command line says `blktest`. It reads the pattern tests/system/virtio/ wrote into the disk
 * image, writes sectors of its own and reads them back, flushes, and sends every field at and
 * past its limits; a line per case, then "blktest: N passed, M failed" and the machine off.
 */
#ifndef BLKTEST_BLKTEST_H
#define BLKTEST_BLKTEST_H

#include <ipc/virtio.h>
#include <runtime/print.h>
#include <runtime/service.h>
#include <stdbool.h>
#include <stdint.h>

enum blktest_cap {
    BLKTEST_CAP_QEMU_EXIT = 0,
    BLKTEST_CAP_BOCHS_EXIT = 1,
    BLKTEST_CAP_VIRTIO = 2,          /* the virtio service, its own badge: disk 0 whole */
    BLKTEST_CAP_VIRTIO_STRANGER = 3, /* the same, badged as a client granted nothing */
};

enum blktest_word {
    BLKTEST_WORD_READ_ONLY = 0, /* 1: `blktest_ro`: disk 0 is read-only, writes must be denied */
};

/*
 * The image's pattern: sector n holds n (le64), the disk's sector count (le64), then bytes
 * (n * 7 + i) & 0xff, and in its last 8 bytes the sum of the words before. A sector blktest
 * wrote has WRITTEN_MARK in its second word instead of the count.
 */
#define BLKTEST_WRITTEN_MARK 0x6e657474697277ull /* "written" */

/* A run's state: the start info, the shared buffer, the disk's size, the case's outcome. */
typedef struct blktest {
    const service_info_t *info;
    uint8_t *buffer; /* shared with the virtio service: VIRTIO_CLIENT_BUFFER_MAX bytes */
    uint64_t sectors;
    bool read_only; /* the command line says blktest_ro: the disk is read-only */
    bool failed;
    char message[160];
} blktest_t;

void blktest_fail(blktest_t *test, const char *format, ...) __attribute__((format(printf, 2, 3)));

#define BLKTEST_CHECK(test, condition, ...)                                                        \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            blktest_fail((test), __VA_ARGS__);                                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* The cases of refusals.c: every field at and past its limits, and clients granted nothing. */
void case_refusals(blktest_t *test);
void case_strangers(blktest_t *test);

/* Fills a sector's 512 bytes with the pattern of sector n (second word `second`). */
void pattern_fill(uint8_t *sector, uint64_t n, uint64_t second);
/* Whether the sector holds that pattern. */
bool pattern_check(const uint8_t *sector, uint64_t n, uint64_t second);

#endif
