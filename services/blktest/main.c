/*
 * blktest's cases (blktest.h): through the virtio service's real interface, each case checks
 * what a client sees; the host side checks the image afterwards.
 */
#include "blktest.h"
#include <fmt/fmt.h>
#include <ipc/init.h>
#include <runtime/log.h>
#include <runtime/power.h>
#include <runtime/service.h>
#include <runtime/string.h>
#include <stdarg.h>

#define WRITE_FIRST 100 /* the sectors it writes: 100..131, and the disk's last */
#define WRITE_COUNT 32

void blktest_fail(blktest_t *test, const char *format, ...)
{
    if (!test->failed) {
        va_list args;
        va_start(args, format);
        fmt_vsnprintf(test->message, sizeof(test->message), format, args);
        va_end(args);
    }
    test->failed = true;
}

/* A call; the reply's error (IPC_OK) and, for an OK reply, its status word in *status. */
static ipc_error_t call(seL4_CPtr endpoint, ipc_msg_t *msg, seL4_Word *status)
{
    ipc_error_t error = ipc_call(endpoint, msg);

    *status = error == IPC_OK && msg->length > 0 ? msg->words[0] : ~0ull;
    return error;
}

static ipc_error_t transfer(const blktest_t *test, bool is_write, uint64_t sector, seL4_Word count,
                            seL4_Word offset, seL4_Word *status)
{
    ipc_msg_t msg;

    if (is_write) {
        virtio_encode_write(&msg, 0, sector, count, offset);
    } else {
        virtio_encode_read(&msg, 0, sector, count, offset);
    }
    return call(test->info->caps[BLKTEST_CAP_VIRTIO], &msg, status);
}

static void case_info(blktest_t *test)
{
    ipc_msg_t msg;
    seL4_Word status;

    BLKTEST_CHECK(test,
                  transfer(test, false, 0, 1, 0, &status) == IPC_OK && status == VIRTIO_STATUS_OK,
                  "read of sector 0: status %lu", (unsigned long)status);
    memcpy(&test->sectors, test->buffer + 8, 8);
    BLKTEST_CHECK(test, pattern_check(test->buffer, 0, test->sectors),
                  "sector 0 does not hold the image's pattern");
    virtio_encode_info(&msg, 0);
    BLKTEST_CHECK(test,
                  ipc_call(test->info->caps[BLKTEST_CAP_VIRTIO], &msg) == IPC_OK &&
                          msg.length == VIRTIO_INFO_WORDS,
                  "info refused");
    BLKTEST_CHECK(test, msg.words[VIRTIO_INFO_SECTORS] == test->sectors,
                  "info says %lu sectors, the image %lu",
                  (unsigned long)msg.words[VIRTIO_INFO_SECTORS], (unsigned long)test->sectors);
    BLKTEST_CHECK(test,
                  msg.words[VIRTIO_INFO_READ_ONLY] == (test->read_only ? 1 : 0) &&
                          msg.words[VIRTIO_INFO_MAX_SECTORS] == VIRTIO_REQUEST_SECTORS,
                  "info: read-only %lu, max %lu", (unsigned long)msg.words[VIRTIO_INFO_READ_ONLY],
                  (unsigned long)msg.words[VIRTIO_INFO_MAX_SECTORS]);
}

/* Reads count sectors from first at offset and checks each against the image's pattern. */
static bool read_check(const blktest_t *test, uint64_t first, seL4_Word count, seL4_Word offset,
                       uint64_t second)
{
    seL4_Word status;

    memset(test->buffer + offset, 0xee, count * VIRTIO_SECTOR_BYTES);
    if (transfer(test, false, first, count, offset, &status) != IPC_OK ||
        status != VIRTIO_STATUS_OK) {
        return false;
    }
    for (seL4_Word i = 0; i < count; i++) {
        if (!pattern_check(test->buffer + offset + i * VIRTIO_SECTOR_BYTES, first + i, second)) {
            return false;
        }
    }
    return true;
}

static void case_read(blktest_t *test)
{
    BLKTEST_CHECK(test, test->sectors > 200, "the image is too small (%lu sectors)",
                  (unsigned long)test->sectors);
    BLKTEST_CHECK(test, read_check(test, 0, VIRTIO_REQUEST_SECTORS, 0, test->sectors),
                  "sectors 0-31 in one request");
    BLKTEST_CHECK(test, read_check(test, 7, 9, 3 * VIRTIO_SECTOR_BYTES, test->sectors),
                  "sectors 7-15 at offset 1536");
    BLKTEST_CHECK(test,
                  read_check(test, test->sectors - 1, 1,
                             VIRTIO_CLIENT_BUFFER_MAX - VIRTIO_SECTOR_BYTES, test->sectors),
                  "the last sector at the buffer's end");
    BLKTEST_CHECK(test,
                  read_check(test, test->sectors - VIRTIO_REQUEST_SECTORS, VIRTIO_REQUEST_SECTORS,
                             0, test->sectors),
                  "the last 32 sectors");
}

static void case_write(blktest_t *test)
{
    seL4_Word status;

    for (unsigned i = 0; i < WRITE_COUNT; i++) {
        pattern_fill(test->buffer + i * VIRTIO_SECTOR_BYTES, WRITE_FIRST + i, BLKTEST_WRITTEN_MARK);
    }
    BLKTEST_CHECK(test,
                  transfer(test, true, WRITE_FIRST, WRITE_COUNT, 0, &status) == IPC_OK &&
                          status == VIRTIO_STATUS_OK,
                  "write of 32 sectors: status %lu", (unsigned long)status);
    BLKTEST_CHECK(test, read_check(test, WRITE_FIRST, WRITE_COUNT, 0, BLKTEST_WRITTEN_MARK),
                  "32 sectors read back");
    BLKTEST_CHECK(test,
                  read_check(test, WRITE_FIRST - 1, 1, 0, test->sectors) &&
                          read_check(test, WRITE_FIRST + WRITE_COUNT, 1, 0, test->sectors),
                  "the neighbours of the sectors written changed");
    pattern_fill(test->buffer + VIRTIO_SECTOR_BYTES, test->sectors - 1, BLKTEST_WRITTEN_MARK);
    BLKTEST_CHECK(test,
                  transfer(test, true, test->sectors - 1, 1, VIRTIO_SECTOR_BYTES, &status) ==
                                  IPC_OK &&
                          status == VIRTIO_STATUS_OK,
                  "write of the last sector: status %lu", (unsigned long)status);
    BLKTEST_CHECK(test, read_check(test, test->sectors - 1, 1, 0, BLKTEST_WRITTEN_MARK),
                  "the last sector read back");
}

static void case_flush_and_id(blktest_t *test)
{
    ipc_msg_t msg;
    seL4_Word status;

    virtio_encode_flush(&msg, 0);
    BLKTEST_CHECK(test,
                  call(test->info->caps[BLKTEST_CAP_VIRTIO], &msg, &status) == IPC_OK &&
                          status == VIRTIO_STATUS_OK,
                  "flush: status %lu", (unsigned long)status);
    virtio_encode_id(&msg, 0);
    BLKTEST_CHECK(test,
                  call(test->info->caps[BLKTEST_CAP_VIRTIO], &msg, &status) == IPC_OK &&
                          status == VIRTIO_STATUS_OK && msg.length == 4,
                  "identity: status %lu, %lu words", (unsigned long)status,
                  (unsigned long)msg.length);
    char id[VIRTIO_ID_BYTES + 1] = {0};
    memcpy(id, &msg.words[1], VIRTIO_ID_BYTES);
    BLKTEST_CHECK(test, strcmp(id, "beaml4-disk0") == 0,
                  "identity '%s', not the serial QEMU was given", id);
}

/* A read-only disk (QEMU's readonly=on: the device says VIRTIO_BLK_F_RO): writes refused,
 * nothing changed. */
static void case_read_only(blktest_t *test)
{
    seL4_Word status;

    for (unsigned i = 0; i < WRITE_COUNT; i++) {
        pattern_fill(test->buffer + i * VIRTIO_SECTOR_BYTES, WRITE_FIRST + i, BLKTEST_WRITTEN_MARK);
    }
    BLKTEST_CHECK(test,
                  transfer(test, true, WRITE_FIRST, WRITE_COUNT, 0, &status) == IPC_ERR_DENIED,
                  "a write to the read-only disk was not denied");
    BLKTEST_CHECK(test, read_check(test, WRITE_FIRST, WRITE_COUNT, 0, test->sectors),
                  "the read-only disk changed");
}

/* The virtio service crashed (init's INIT_CRASH) and restarted: the new instance sets the disk
 * up again and applies the start info's grants, and reads work as before. */
static void case_restart(blktest_t *test)
{
    ipc_msg_t msg;

    init_encode_crash(&msg, "virtio");
    BLKTEST_CHECK(test, ipc_call(SERVICE_SLOT_INIT, &msg) == IPC_OK, "init would not crash it");
    BLKTEST_CHECK(test, read_check(test, 0, VIRTIO_REQUEST_SECTORS, 0, test->sectors),
                  "sectors 0-31 after the restart");
    BLKTEST_CHECK(test,
                  read_check(test, WRITE_FIRST, 1, 0,
                             test->read_only ? test->sectors : BLKTEST_WRITTEN_MARK),
                  "sector 100 after the restart");
}

static void (*const cases[])(blktest_t *test) = {case_info,      case_read,         case_write,
                                                 case_read_only, case_flush_and_id, case_refusals,
                                                 case_strangers, case_restart};
static const char *const names[] = {"info",           "read",     "write_read_back", "read_only",
                                    "flush_identity", "refusals", "strangers",       "restart"};

int service_main(const service_info_t *info)
{
    static blktest_t test;
    unsigned passed = 0;
    unsigned count = 0;

    test.info = info;
    test.buffer = (uint8_t *)SERVICE_SHARED_VADDR;
    test.read_only = info->words[BLKTEST_WORD_READ_ONLY] != 0;
    printf("blktest: the virtio disk test\n");
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* A read-only disk gets read_only instead of write_read_back. */
        if ((cases[i] == case_write && test.read_only) ||
            (cases[i] == case_read_only && !test.read_only)) {
            continue;
        }
        test.failed = false;
        test.message[0] = '\0';
        cases[i](&test);
        printf("blktest: %s %s%s%s\n", test.failed ? "FAIL" : "PASS", names[i],
               test.failed ? ": " : "", test.failed ? test.message : "");
        passed += test.failed ? 0 : 1;
        count++;
    }
    printf("blktest: %u passed, %u failed\n", passed, count - passed);
    power_use(info->caps[BLKTEST_CAP_QEMU_EXIT], info->caps[BLKTEST_CAP_BOCHS_EXIT]);
    log_sync();
    power_off(passed == count ? 0 : 1);
}
