/*
 * virtio-blk (differs bare: QEMU's q35 has no such window): drives beaml4's virtio-mmio disk at
 * 0xfeb00400 as a driver written from the virtio 1.2 specification would, with a split queue of
 * 8 entries in its own pages: the handshake, reads of every sector of the disk compared with the
 * pattern the runner wrote into the image (byte i of sector s is (s * 7 + i * 13 + 1) mod 256),
 * a write refused on the read-only disk, a read past the capacity refused, GET_ID, and a ring
 * broken on purpose (the available index moved by 100): DEVICE_NEEDS_RESET, then a reset and a
 * good read again. The disk must be declared `disk=NAME:ro` with that pattern; without a device
 * there (bare QEMU) the program skips.
 */
#include "check.h"
#include "memory.h"
#include "programs.h"

#define VIRTIO_BLK_BASE   0xfeb00400ull
#define REG_MAGIC         0x000u
#define REG_VERSION       0x004u
#define REG_DEVICE_ID     0x008u
#define REG_DEV_FEATURES  0x010u
#define REG_DEV_FEAT_SEL  0x014u
#define REG_DRV_FEATURES  0x020u
#define REG_DRV_FEAT_SEL  0x024u
#define REG_QUEUE_SEL     0x030u
#define REG_QUEUE_NUM_MAX 0x034u
#define REG_QUEUE_NUM     0x038u
#define REG_QUEUE_READY   0x044u
#define REG_QUEUE_NOTIFY  0x050u
#define REG_INT_STATUS    0x060u
#define REG_INT_ACK       0x064u
#define REG_STATUS        0x070u
#define REG_DESC_LO       0x080u
#define REG_DESC_HI       0x084u
#define REG_AVAIL_LO      0x090u
#define REG_AVAIL_HI      0x094u
#define REG_USED_LO       0x0a0u
#define REG_USED_HI       0x0a4u
#define REG_CONFIG        0x100u
#define QUEUE_SIZE        8u
#define DESC_OFFSET       0u
#define AVAIL_OFFSET      128u
#define USED_OFFSET       256u
#define HEADER_OFFSET     512u
#define STATUS_OFFSET     600u
#define S_ACK             1u
#define S_DRIVER          2u
#define S_DRIVER_OK       4u
#define S_FEATURES_OK     8u
#define S_NEEDS_RESET     0x40u
#define D_NEXT            1u
#define D_WRITE           2u
#define T_IN              0u
#define T_OUT             1u
#define T_GET_ID          8u

typedef struct blk {
    uint64_t ring_phys;
    uint8_t *ring;
    uint64_t data_phys;
    uint8_t *data;
    uint16_t avail_idx;
    uint16_t used_seen;
    unsigned reads, writes, errors; /* requests answered (vm stats counts them too) */
} blk_t;

static uint32_t reg_read(uint32_t offset)
{
    return *(volatile uint32_t *)phys_to_virt(VIRTIO_BLK_BASE + offset);
}

static void reg_write(uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)phys_to_virt(VIRTIO_BLK_BASE + offset) = value;
}

static void put16(uint8_t *at, uint16_t v)
{
    *(volatile uint16_t *)at = v;
}

static void put32(uint8_t *at, uint32_t v)
{
    *(volatile uint32_t *)at = v;
}

static void put64(uint8_t *at, uint64_t v)
{
    *(volatile uint64_t *)at = v;
}

static uint16_t get16(const uint8_t *at)
{
    return *(const volatile uint16_t *)at;
}

static uint8_t pattern(uint64_t sector, unsigned i)
{
    return (uint8_t)(sector * 7 + (uint64_t)i * 13 + 1);
}

static void desc(blk_t *b, unsigned index, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    uint8_t *d = b->ring + DESC_OFFSET + 16 * (uint64_t)index;

    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}

/* The handshake and queue 0; false when the device refuses something. */
static bool blk_start(blk_t *b)
{
    for (unsigned i = 0; i < 4096; i++) {
        b->ring[i] = 0;
    }
    b->avail_idx = 0;
    b->used_seen = 0;
    reg_write(REG_STATUS, 0);
    reg_write(REG_STATUS, S_ACK);
    reg_write(REG_STATUS, S_ACK | S_DRIVER);
    reg_write(REG_DEV_FEAT_SEL, 1);
    if ((reg_read(REG_DEV_FEATURES) & 1u) == 0) {
        return false;
    }
    reg_write(REG_DRV_FEAT_SEL, 1);
    reg_write(REG_DRV_FEATURES, 1); /* VIRTIO_F_VERSION_1 */
    reg_write(REG_DRV_FEAT_SEL, 0);
    reg_write(REG_DRV_FEATURES, 0);
    reg_write(REG_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    if ((reg_read(REG_STATUS) & S_FEATURES_OK) == 0) {
        return false;
    }
    reg_write(REG_QUEUE_SEL, 0);
    if (reg_read(REG_QUEUE_NUM_MAX) < QUEUE_SIZE) {
        return false;
    }
    reg_write(REG_QUEUE_NUM, QUEUE_SIZE);
    reg_write(REG_DESC_LO, (uint32_t)(b->ring_phys + DESC_OFFSET));
    reg_write(REG_DESC_HI, (uint32_t)((b->ring_phys + DESC_OFFSET) >> 32));
    reg_write(REG_AVAIL_LO, (uint32_t)(b->ring_phys + AVAIL_OFFSET));
    reg_write(REG_AVAIL_HI, (uint32_t)((b->ring_phys + AVAIL_OFFSET) >> 32));
    reg_write(REG_USED_LO, (uint32_t)(b->ring_phys + USED_OFFSET));
    reg_write(REG_USED_HI, (uint32_t)((b->ring_phys + USED_OFFSET) >> 32));
    reg_write(REG_QUEUE_READY, 1);
    reg_write(REG_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return reg_read(REG_QUEUE_READY) == 1 && (reg_read(REG_STATUS) & S_NEEDS_RESET) == 0;
}

/* One request (header, `count` data buffers, status); the status byte, or 0xff when no used
 * entry came back. A chain fits the queue: count at most QUEUE_SIZE - 2. */
static uint8_t blk_chain(blk_t *b, uint32_t type, uint64_t sector, const uint64_t *address,
                         const uint32_t *length, unsigned count)
{
    uint8_t *header = b->ring + HEADER_OFFSET;
    uint8_t *status = b->ring + STATUS_OFFSET;
    uint8_t *avail = b->ring + AVAIL_OFFSET;

    put32(header, type);
    put32(header + 4, 0);
    put64(header + 8, sector);
    *(volatile uint8_t *)status = 0xff;
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    for (unsigned i = 0; i < count; i++) {
        desc(b, 1 + i, address[i], length[i], (uint16_t)((type == T_OUT ? 0 : D_WRITE) | D_NEXT),
             (uint16_t)(2 + i));
    }
    desc(b, 1 + count, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    put16(avail + 4 + 2 * (uint64_t)(b->avail_idx % QUEUE_SIZE), 0);
    __asm__ volatile("" ::: "memory");
    b->avail_idx++;
    put16(avail + 2, b->avail_idx);
    __asm__ volatile("mfence" ::: "memory");
    reg_write(REG_QUEUE_NOTIFY, 0);
    for (unsigned spin = 0; spin < 1000000; spin++) {
        if (get16(b->ring + USED_OFFSET + 2) != b->used_seen) {
            uint8_t answer = *(volatile uint8_t *)status;
            b->used_seen++;
            reg_write(REG_INT_ACK, reg_read(REG_INT_STATUS));
            b->reads += type == T_IN;
            b->writes += type == T_OUT;
            b->errors += answer != 0;
            return answer;
        }
    }
    return 0xff;
}

/* One request with its data in the data page. */
static uint8_t blk_request(blk_t *b, uint32_t type, uint64_t sector, uint32_t bytes)
{
    return blk_chain(b, type, sector, &b->data_phys, &bytes, 1);
}

void program_virtio_blk(void)
{
    blk_t b;
    uint64_t capacity;
    unsigned bad = 0;

    if (reg_read(REG_MAGIC) != 0x74726976u) {
        /* Bare QEMU, or a VM declared without disk=: nothing to drive (the runner that gives
         * the disk requires the checks below). */
        skip("no virtio-mmio device at %#llx", (unsigned long long)VIRTIO_BLK_BASE);
        return;
    }
    check_eq(reg_read(REG_VERSION), 2, "the transport is version 2");
    check_eq(reg_read(REG_DEVICE_ID), 2, "the device is a block device");
    b.reads = b.writes = b.errors = 0;
    b.ring_phys = page_alloc();
    b.ring = phys_to_virt(b.ring_phys);
    b.data_phys = page_alloc();
    b.data = phys_to_virt(b.data_phys);
    if (!check(blk_start(&b), "handshake: VERSION_1 negotiated, queue of 8 ready, DRIVER_OK")) {
        return;
    }
    capacity = reg_read(REG_CONFIG) | (uint64_t)reg_read(REG_CONFIG + 4) << 32;
    say("capacity: %llu sectors", (unsigned long long)capacity);
    reg_write(REG_DEV_FEAT_SEL, 0);
    check((reg_read(REG_DEV_FEATURES) & (1u << 5)) != 0, "the disk is offered read-only (RO)");
    for (uint64_t s = 0; s < capacity; s++) {
        uint8_t st = blk_request(&b, T_IN, s, 512);

        for (unsigned i = 0; i < 512 && st == 0; i++) {
            bad += b.data[i] != pattern(s, i);
        }
        bad += st != 0;
    }
    check_eq(bad, 0, "every sector read back with the pattern the image holds");
    check_eq(blk_request(&b, T_IN, capacity - 1, 1024), 1, "a read one sector past the end: IOERR");
    check_eq(blk_request(&b, T_OUT, 0, 512), 1, "a write to the read-only disk: IOERR");
    check_eq(blk_request(&b, T_GET_ID, 0, 20), 0, "GET_ID answered");
    say("id: %.20s", (const char *)b.data);
    /* A ring broken on purpose: the device stops, says so, and comes back after a reset. */
    b.avail_idx = (uint16_t)(b.avail_idx + 100);
    put16(b.ring + AVAIL_OFFSET + 2, b.avail_idx);
    reg_write(REG_QUEUE_NOTIFY, 0);
    check((reg_read(REG_STATUS) & S_NEEDS_RESET) != 0, "an index moved by 100: DEVICE_NEEDS_RESET");
    check((reg_read(REG_INT_STATUS) & 2u) != 0, "with a configuration-change interrupt");
    check(blk_start(&b), "after a reset the device starts again");
    check_eq(blk_request(&b, T_IN, 1, 512), 0, "and serves a read");
    check_eq(b.data[5], pattern(1, 5), "with the disk's bytes");
    say("requests answered: %u reads, %u writes, %u errors", b.reads, b.writes, b.errors);
}

/*
 * virtio-blk-rw: beaml4's virtio-mmio disk over a window of the machine's own disk
 * (disk=dev:N:START+COUNT, docs/vm-declarations.md). Writable: every sector written with a
 * pattern of its own (byte i of sector s is (s * 11 + i * 3 + 0x5a) mod 256) in requests of
 * five pages (20 KiB, more than the VMM's 16 KiB buffer with the virtio service: split), a
 * flush, every sector read back in five-page requests and again in one-sector requests whose
 * data is cut 300 + 212 bytes across two buffers, requests past the window's end refused, GET_ID.
 * Read-only (`:ro`): the device offers RO, a write is refused with IOERR, and every sector still
 * holds the pattern (written by an earlier writable run: the runner boots twice). Without a
 * device (bare QEMU, no disk=) the program skips.
 */
#define RW_PAGES 5u /* data buffers of a request: with header and status, 7 of the 8 entries */
#define T_FLUSH  4u

static uint8_t rw_pattern(uint64_t sector, unsigned i)
{
    return (uint8_t)(sector * 11 + (uint64_t)i * 3 + 0x5a);
}

/* The sectors of the next five-page request from sector s: 40, or what is left. */
static uint64_t rw_count(uint64_t capacity, uint64_t s)
{
    uint64_t left = capacity - s;

    return left > 8 * RW_PAGES ? 8 * RW_PAGES : left;
}

/* Sectors [sector, sector + count) through the RW_PAGES pages (count at most 8 * RW_PAGES). */
static uint8_t rw_pages(blk_t *b, uint32_t type, uint64_t sector, uint64_t count,
                        const uint64_t *pages)
{
    uint32_t length[RW_PAGES];
    unsigned used = 0;

    for (uint64_t left = count * 512; left > 0; used++) {
        length[used] = left > 4096 ? 4096 : (uint32_t)left;
        left -= length[used];
    }
    return blk_chain(b, type, sector, pages, length, used);
}

/* Every sector of the window compared with the pattern, five pages a request; the mismatches. */
static unsigned rw_read_all(blk_t *b, uint64_t capacity, const uint64_t *pages)
{
    unsigned bad = 0;

    for (uint64_t s = 0, count; s < capacity; s += count) {
        count = rw_count(capacity, s);
        for (unsigned p = 0; p < RW_PAGES; p++) {
            uint8_t *page = phys_to_virt(pages[p]);
            for (unsigned i = 0; i < 4096; i++) {
                page[i] = 0;
            }
        }
        uint8_t st = rw_pages(b, T_IN, s, count, pages);
        bad += st != 0;
        for (uint64_t k = 0; k < count && st == 0; k++) {
            const uint8_t *data = (const uint8_t *)phys_to_virt(pages[k / 8]) + (k % 8) * 512;
            for (unsigned i = 0; i < 512; i++) {
                bad += data[i] != rw_pattern(s + k, i);
            }
        }
    }
    return bad;
}

void program_virtio_blk_rw(void)
{
    blk_t b;
    uint64_t capacity, pages[RW_PAGES];
    bool read_only;

    if (reg_read(REG_MAGIC) != 0x74726976u) {
        skip("no virtio-mmio device at %#llx", (unsigned long long)VIRTIO_BLK_BASE);
        return;
    }
    b.ring_phys = page_alloc();
    b.ring = phys_to_virt(b.ring_phys);
    b.data_phys = page_alloc();
    b.data = phys_to_virt(b.data_phys);
    for (unsigned p = 0; p < RW_PAGES; p++) {
        pages[p] = page_alloc();
    }
    if (!check(blk_start(&b), "handshake: VERSION_1 negotiated, queue of 8 ready, DRIVER_OK")) {
        return;
    }
    capacity = reg_read(REG_CONFIG) | (uint64_t)reg_read(REG_CONFIG + 4) << 32;
    reg_write(REG_DEV_FEAT_SEL, 0);
    read_only = (reg_read(REG_DEV_FEATURES) & (1u << 5)) != 0;
    say("capacity: %llu sectors, %s", (unsigned long long)capacity,
        read_only ? "read-only" : "read-write");
    if (!check(capacity > 0 && capacity < 100000, "a window of 1 to 99999 sectors")) {
        return;
    }
    if (read_only) {
        for (unsigned i = 0; i < 512; i++) {
            b.data[i] = (uint8_t)~rw_pattern(0, i);
        }
        check_eq(blk_request(&b, T_OUT, 0, 512), 1, "a write to the read-only window: IOERR");
        check_eq(rw_read_all(&b, capacity, pages), 0,
                 "every sector holds the pattern the writable run left");
    } else {
        unsigned bad = 0;
        for (uint64_t s = 0, count; s < capacity; s += count) {
            count = rw_count(capacity, s);
            for (uint64_t k = 0; k < count; k++) {
                uint8_t *data = (uint8_t *)phys_to_virt(pages[k / 8]) + (k % 8) * 512;
                for (unsigned i = 0; i < 512; i++) {
                    data[i] = rw_pattern(s + k, i);
                }
            }
            bad += rw_pages(&b, T_OUT, s, count, pages) != 0;
        }
        check_eq(bad, 0, "every sector written, five pages (40 sectors) a request");
        check_eq(blk_request(&b, T_FLUSH, 0, 0), 0, "a flush");
        check_eq(rw_read_all(&b, capacity, pages), 0, "every sector read back, 40 a request");
        bad = 0;
        for (uint64_t s = 0; s < capacity; s++) {
            uint64_t address[2] = {b.data_phys, b.data_phys + 1024};
            uint32_t length[2] = {300, 212};
            uint8_t st = blk_chain(&b, T_IN, s, address, length, 2);
            for (unsigned i = 0; i < 512 && st == 0; i++) {
                bad += b.data[i < 300 ? i : 1024 + i - 300] != rw_pattern(s, i);
            }
            bad += st != 0;
        }
        check_eq(bad, 0, "every sector read back again, cut 300 + 212 across two buffers");
        check_eq(blk_request(&b, T_OUT, capacity, 512), 1, "a write past the window: IOERR");
        check_eq(blk_request(&b, T_OUT, capacity - 1, 1024), 1,
                 "a write across the window's end: IOERR");
    }
    check_eq(blk_request(&b, T_IN, capacity, 512), 1, "a read past the window: IOERR");
    check_eq(blk_request(&b, T_GET_ID, 0, 20), 0, "GET_ID answered");
    say("id: %.20s", (const char *)b.data);
}
