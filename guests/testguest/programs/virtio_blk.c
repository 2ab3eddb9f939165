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
#define VIRTIO_RNG_BASE   0xfeb00200ull
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
#define T_NONE            0xffffffffu /* a request whose header the device could not read */

typedef struct blk {
    uint64_t ring_phys;
    uint8_t *ring;
    uint64_t table_phys; /* the descriptor table: the ring page's first bytes, unless moved */
    uint8_t *table;
    uint64_t data_phys;
    uint8_t *data;
    uint16_t avail_idx;
    uint16_t used_seen;
    unsigned reads, writes, errors; /* requests answered (vm stats counts them too) */
} blk_t;

static uint32_t dev_read(uint64_t base, uint32_t offset)
{
    return *(volatile uint32_t *)phys_to_virt(base + offset);
}

static void dev_write(uint64_t base, uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)phys_to_virt(base + offset) = value;
}

static uint32_t reg_read(uint32_t offset)
{
    return dev_read(VIRTIO_BLK_BASE, offset);
}

static void reg_write(uint32_t offset, uint32_t value)
{
    dev_write(VIRTIO_BLK_BASE, offset, value);
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
    uint8_t *d = b->table + 16 * (uint64_t)index;

    put64(d, addr);
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}

/* The driver's ring and data pages, and its counts at 0. */
static void blk_pages(blk_t *b)
{
    b->ring_phys = page_alloc();
    b->ring = phys_to_virt(b->ring_phys);
    b->data_phys = page_alloc();
    b->data = phys_to_virt(b->data_phys);
    b->table_phys = b->ring_phys + DESC_OFFSET;
    b->table = b->ring + DESC_OFFSET;
    b->reads = b->writes = b->errors = 0;
}

/* Reset, ACKNOWLEDGE, DRIVER, VERSION_1 and FEATURES_OK; false when the device refuses. */
static bool virtio_negotiate(uint64_t base)
{
    dev_write(base, REG_STATUS, 0);
    dev_write(base, REG_STATUS, S_ACK);
    dev_write(base, REG_STATUS, S_ACK | S_DRIVER);
    dev_write(base, REG_DEV_FEAT_SEL, 1);
    if ((dev_read(base, REG_DEV_FEATURES) & 1u) == 0) {
        return false;
    }
    dev_write(base, REG_DRV_FEAT_SEL, 1);
    dev_write(base, REG_DRV_FEATURES, 1); /* VIRTIO_F_VERSION_1 */
    dev_write(base, REG_DRV_FEAT_SEL, 0);
    dev_write(base, REG_DRV_FEATURES, 0);
    dev_write(base, REG_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    return (dev_read(base, REG_STATUS) & S_FEATURES_OK) != 0;
}

static void dev_write64(uint64_t base, uint32_t low, uint64_t value)
{
    dev_write(base, low, (uint32_t)value);
    dev_write(base, low + 4, (uint32_t)(value >> 32));
}

/* Queue 0 of the device at `base`: `size` entries at the three addresses, QueueReady and
 * DRIVER_OK; whether the device took it (ready, no DEVICE_NEEDS_RESET). */
static bool virtio_queue(uint64_t base, uint32_t size, uint64_t desc_at, uint64_t avail_at,
                         uint64_t used_at)
{
    dev_write(base, REG_QUEUE_SEL, 0);
    dev_write(base, REG_QUEUE_NUM, size);
    dev_write64(base, REG_DESC_LO, desc_at);
    dev_write64(base, REG_AVAIL_LO, avail_at);
    dev_write64(base, REG_USED_LO, used_at);
    dev_write(base, REG_QUEUE_READY, 1);
    dev_write(base, REG_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return dev_read(base, REG_QUEUE_READY) == 1 &&
           (dev_read(base, REG_STATUS) & S_NEEDS_RESET) == 0;
}

/* The handshake and queue 0 of 8 in the ring page, zeroed; false when the device refuses. */
static bool blk_start(blk_t *b)
{
    for (unsigned i = 0; i < 4096; i++) {
        b->ring[i] = 0;
    }
    b->avail_idx = 0;
    b->used_seen = 0;
    if (!virtio_negotiate(VIRTIO_BLK_BASE)) {
        return false;
    }
    reg_write(REG_QUEUE_SEL, 0);
    if (reg_read(REG_QUEUE_NUM_MAX) < QUEUE_SIZE) {
        return false;
    }
    return virtio_queue(VIRTIO_BLK_BASE, QUEUE_SIZE, b->table_phys, b->ring_phys + AVAIL_OFFSET,
                        b->ring_phys + USED_OFFSET);
}

/* The request header in the ring page, and its status byte set to 0xff (not answered). */
static void blk_header(blk_t *b, uint32_t type, uint64_t sector)
{
    uint8_t *header = b->ring + HEADER_OFFSET;

    put32(header, type);
    put32(header + 4, 0);
    put64(header + 8, sector);
    *(volatile uint8_t *)(b->ring + STATUS_OFFSET) = 0xff;
}

/* A chain made available at `head`, and the queue notified. */
static void blk_post(blk_t *b, uint16_t head)
{
    put16(b->ring + AVAIL_OFFSET + 4 + 2 * (uint64_t)(b->avail_idx % QUEUE_SIZE), head);
    __asm__ volatile("" ::: "memory");
    b->avail_idx++;
    put16(b->ring + AVAIL_OFFSET + 2, b->avail_idx);
    __asm__ volatile("mfence" ::: "memory");
    reg_write(REG_QUEUE_NOTIFY, 0);
}

/* The answer to the request made last: its status byte, or 0xff when no used entry came. */
static uint8_t blk_wait(blk_t *b, uint32_t type)
{
    const volatile uint8_t *status = b->ring + STATUS_OFFSET;

    for (unsigned spin = 0; spin < 1000000; spin++) {
        if (get16(b->ring + USED_OFFSET + 2) != b->used_seen) {
            uint8_t answer = *status;
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

/* One request (header, `count` data buffers, status); the status byte, or 0xff when no used
 * entry came back. A chain fits the queue: count at most QUEUE_SIZE - 2. */
static uint8_t blk_chain(blk_t *b, uint32_t type, uint64_t sector, const uint64_t *address,
                         const uint32_t *length, unsigned count)
{
    blk_header(b, type, sector);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    for (unsigned i = 0; i < count; i++) {
        desc(b, 1 + i, address[i], length[i], (uint16_t)((type == T_OUT ? 0 : D_WRITE) | D_NEXT),
             (uint16_t)(2 + i));
    }
    desc(b, 1 + count, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    blk_post(b, 0);
    return blk_wait(b, type);
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
    blk_pages(&b);
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

    return left > 8ull * RW_PAGES ? 8ull * RW_PAGES : left;
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
    blk_pages(&b);
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

/*
 * virtio-hostile: the virtio-blk device of virtio-blk (disk=NAME:ro with that pattern) driven
 * by a driver that breaks every rule docs/virtio.md names, one case at a time from a fresh
 * handshake. A case that breaks the device must leave DEVICE_NEEDS_RESET with a configuration
 * interrupt, the used index and the status byte untouched, and a reset must bring back a good
 * read; a case the device answers (a writable header, empty data) must fail or succeed as the
 * document says, with the device going on. Then a reset with requests made available and not
 * yet taken (the device must never answer them), and a driver that never reads its used ring
 * (the device must not write past it); last, the VM's virtio-rng beside a broken disk and a
 * broken virtio-rng beside a working disk. Without a device (bare QEMU) the program skips.
 */
#define FAR_PAST_RAM (1ull << 40)
#define PAST_4G      (1ull << 32)
#define MMIO_WINDOW  0xfeb00000ull /* beaml4's virtio-mmio devices */
#define WRAPPING     0xfffffffffffff000ull
#define USED_END     (USED_OFFSET + 4 + 8 * QUEUE_SIZE + 2)
#define CANARY       0xa5u
#define FLOODED      300u /* requests of the driver that never reads its used ring */
#define LONG_QUEUE   128u
#define LONG_CHAIN   65u /* one more than the device takes (VDEV_VIRTQ_CHAIN_MAX) */

static bool needs_reset(void)
{
    return (reg_read(REG_STATUS) & S_NEEDS_RESET) != 0;
}

/* A reset, a fresh queue and a read of sector 1 with the disk's bytes. */
static bool blk_serves_again(blk_t *b)
{
    b->data[5] = (uint8_t)~pattern(1, 5);
    return blk_start(b) && blk_request(b, T_IN, 1, 512) == 0 && b->data[5] == pattern(1, 5);
}

/* A fresh queue and a read header for sector 1 whose status byte is not answered yet. */
static void blk_fresh(blk_t *b)
{
    blk_start(b);
    blk_header(b, T_IN, 1);
}

/* After a case that must break the device: one line, the details when it did not. */
static void expect_broken(blk_t *b, const char *what)
{
    bool broken = needs_reset();
    bool config_irq = (reg_read(REG_INT_STATUS) & 2u) != 0;
    uint16_t used = get16(b->ring + USED_OFFSET + 2);
    uint8_t status = *(volatile uint8_t *)(b->ring + STATUS_OFFSET);
    bool again = blk_serves_again(b);

    if (!check(broken && config_irq && used == 0 && status == 0xff && again,
               "%s: DEVICE_NEEDS_RESET, nothing answered, a reset serves a read", what)) {
        say("  needs-reset %d, config interrupt %d, used index %u, status byte %#x, read after "
            "reset %d",
            broken, config_irq, used, status, again);
    }
}

/* The chain at descriptors 0.. made available and the device notified. */
static void post_and_expect_broken(blk_t *b, uint16_t head, const char *what)
{
    blk_post(b, head);
    expect_broken(b, what);
}

/* A read of sector 1 whose data buffer is (address, length, flags). */
static void bad_data(blk_t *b, uint64_t address, uint32_t length, uint16_t flags, const char *what)
{
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    desc(b, 1, address, length, (uint16_t)(flags | D_NEXT), 2);
    desc(b, 2, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    post_and_expect_broken(b, 0, what);
}

/* Descriptor 0 the header, its `next` past the queue and a good status descriptor there. */
static void bad_next(blk_t *b, uint16_t next, const char *what)
{
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, next);
    desc(b, next, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    post_and_expect_broken(b, 0, what);
}

/* A good request at descriptors 0-2, every available entry naming it, the index moved. */
static void bad_avail_index(blk_t *b, uint16_t moved, const char *what)
{
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    desc(b, 1, b->data_phys, 512, D_WRITE | D_NEXT, 2);
    desc(b, 2, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    b->avail_idx = moved;
    put16(b->ring + AVAIL_OFFSET + 2, b->avail_idx);
    __asm__ volatile("mfence" ::: "memory");
    reg_write(REG_QUEUE_NOTIFY, 0);
    expect_broken(b, what);
}

/* Indices past the queue where, were they not checked, a good request would be found: a
 * descriptor table of 65536 entries (1 MiB) for a queue of 8, good descriptors past entry 7. */
static void hostile_indices(blk_t *b)
{
    uint64_t table_phys = b->table_phys;
    uint8_t *table = b->table;

    b->table_phys = pages_alloc(256, PAGE_SIZE);
    b->table = phys_to_virt(b->table_phys);
    bad_next(b, QUEUE_SIZE, "a next of 8 in a queue of 8");
    bad_next(b, 0x100, "a next of 0x100");
    bad_next(b, 0xffff, "a next of 0xffff");
    blk_fresh(b);
    desc(b, QUEUE_SIZE, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, QUEUE_SIZE + 1);
    desc(b, QUEUE_SIZE + 1, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    post_and_expect_broken(b, QUEUE_SIZE, "an available entry (head) of 8 in a queue of 8");
    blk_fresh(b);
    desc(b, 0xffff, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 0);
    desc(b, 0, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    post_and_expect_broken(b, 0xffff, "an available entry (head) of 0xffff");
    b->table_phys = table_phys;
    b->table = table;
    bad_avail_index(b, QUEUE_SIZE + 1, "the available index moved by 9 in a queue of 8");
    bad_avail_index(b, 100, "the available index moved by 100");
}

/* A queue set up with one bad field; the device must refuse it at QueueReady. */
static void bad_queue(blk_t *b, uint32_t size, uint64_t desc_at, uint64_t avail_at,
                      uint64_t used_at, const char *what)
{
    bool taken;

    blk_start(b);
    taken = virtio_negotiate(VIRTIO_BLK_BASE) &&
            virtio_queue(VIRTIO_BLK_BASE, size, desc_at, avail_at, used_at);
    check(!taken && needs_reset() && reg_read(REG_QUEUE_READY) == 0 && blk_serves_again(b),
          "%s: refused at QueueReady with DEVICE_NEEDS_RESET, a reset serves a read", what);
}

/* A request the device answers with `status`, and goes on serving without a reset. */
static void expect_answer(blk_t *b, uint8_t got, uint8_t status, const char *what)
{
    bool live = !needs_reset();

    b->data[5] = (uint8_t)~pattern(1, 5);
    check(got == status && live && blk_request(b, T_IN, 1, 512) == 0 && b->data[5] == pattern(1, 5),
          "%s: status %u (expected %u), the device goes on", what, got, status);
}

static void hostile_chains(blk_t *b)
{
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 0);
    post_and_expect_broken(b, 0, "a descriptor whose next is itself");
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    desc(b, 1, b->data_phys, 256, D_WRITE | D_NEXT, 2);
    desc(b, 2, b->data_phys + 256, 256, D_WRITE | D_NEXT, 1);
    post_and_expect_broken(b, 0, "a chain 0-1-2 whose next points back to 1");
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    for (unsigned i = 1; i < QUEUE_SIZE; i++) {
        desc(b, i, b->data_phys + 64 * (uint64_t)i, 64, D_WRITE | D_NEXT,
             (uint16_t)((i + 1) % QUEUE_SIZE));
    }
    post_and_expect_broken(b, 0, "a chain through all 8 descriptors and on (longer than 8)");
}

/* Chain of 65 descriptors in a queue of 128 (its own pages): more than the device takes. */
static void hostile_long_chain(blk_t *b)
{
    uint64_t table = page_alloc(), rings = page_alloc(), used = page_alloc();
    uint8_t *d = phys_to_virt(table), *avail = phys_to_virt(rings);
    uint64_t status_at = b->ring_phys + STATUS_OFFSET;

    blk_header(b, T_IN, 1);
    for (unsigned i = 0; i < LONG_CHAIN; i++) {
        uint8_t *e = d + 16 * (uint64_t)i;
        bool last = i == LONG_CHAIN - 1;

        put64(e, i == 0 ? b->ring_phys + HEADER_OFFSET : last ? status_at : b->data_phys);
        put32(e + 8, i == 0 ? 16 : last ? 1 : 8);
        put16(e + 12, (uint16_t)((i == 0 ? 0 : D_WRITE) | (last ? 0 : D_NEXT)));
        put16(e + 14, (uint16_t)(i + 1));
    }
    put16(avail + 4, 0);
    put16(avail + 2, 1);
    if (!check(reg_read(REG_QUEUE_NUM_MAX) >= LONG_QUEUE && virtio_negotiate(VIRTIO_BLK_BASE) &&
                       virtio_queue(VIRTIO_BLK_BASE, LONG_QUEUE, table, rings, used),
               "a queue of %u in pages of its own", LONG_QUEUE)) {
        return;
    }
    reg_write(REG_QUEUE_NOTIFY, 0);
    check(needs_reset() && get16(phys_to_virt(used + 2)) == 0 &&
                  *(volatile uint8_t *)(b->ring + STATUS_OFFSET) == 0xff && blk_serves_again(b),
          "a chain of %u descriptors: DEVICE_NEEDS_RESET, nothing answered, a reset serves a "
          "read",
          LONG_CHAIN);
}

static void hostile_buffers(blk_t *b)
{
    bad_data(b, FAR_PAST_RAM, 512, D_WRITE, "a data buffer at 1 TiB, past guest RAM");
    bad_data(b, PAST_4G, 512, D_WRITE, "a data buffer at 4 GiB, past guest RAM");
    bad_data(b, MMIO_WINDOW, 512, D_WRITE, "a data buffer over the virtio-mmio window");
    bad_data(b, WRAPPING, 0x2000, D_WRITE, "a data buffer whose address + length wraps 2^64");
    bad_data(b, 0xffffffffffffffffull, 2, D_WRITE, "a data buffer at 2^64 - 1 of 2 bytes");
    bad_data(b, b->data_phys, 0xffffffffu, D_WRITE, "a data buffer of 4 GiB - 1 bytes");
    bad_data(b, b->data_phys, 512, 0, "IN data the device cannot write (device-readable)");
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 0xffffffffu, D_NEXT, 1);
    desc(b, 1, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    post_and_expect_broken(b, 0, "a header buffer of 4 GiB - 1 bytes");
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    desc(b, 1, b->data_phys, 512, D_WRITE | D_NEXT, 2);
    desc(b, 2, b->ring_phys + STATUS_OFFSET, 1, 0, 0);
    post_and_expect_broken(b, 0, "a status buffer that is not device-writable");
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    desc(b, 1, b->ring_phys + STATUS_OFFSET, 0, D_WRITE, 0);
    post_and_expect_broken(b, 0, "a status buffer of length 0 (no status byte)");
    blk_fresh(b);
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_WRITE | D_NEXT, 1);
    desc(b, 1, b->data_phys, 512, D_WRITE | D_NEXT, 2);
    desc(b, 2, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    blk_post(b, 0);
    expect_answer(b, blk_wait(b, T_NONE), 1,
                  "a header that is device-writable (no header to read): IOERR");
    blk_start(b);
    expect_answer(b, blk_request(b, T_IN, 1, 0), 0, "a read with a data buffer of length 0");
}

static void hostile_queues(blk_t *b)
{
    uint64_t desc_at = b->ring_phys + DESC_OFFSET, avail_at = b->ring_phys + AVAIL_OFFSET;
    uint64_t used_at = b->ring_phys + USED_OFFSET, max = reg_read(REG_QUEUE_NUM_MAX);

    bad_queue(b, 0, desc_at, avail_at, used_at, "QUEUE_NUM 0");
    bad_queue(b, 6, desc_at, avail_at, used_at, "QUEUE_NUM 6 (not a power of two)");
    bad_queue(b, (uint32_t)max * 2, desc_at, avail_at, used_at, "QUEUE_NUM twice QUEUE_NUM_MAX");
    bad_queue(b, 0x10000, desc_at, avail_at, used_at, "QUEUE_NUM 0x10000");
    bad_queue(b, QUEUE_SIZE, FAR_PAST_RAM, avail_at, used_at, "a descriptor table past RAM");
    bad_queue(b, QUEUE_SIZE, desc_at, FAR_PAST_RAM, used_at, "an available ring past RAM");
    bad_queue(b, QUEUE_SIZE, desc_at, avail_at, FAR_PAST_RAM, "a used ring past RAM");
    bad_queue(b, QUEUE_SIZE, MMIO_WINDOW, avail_at, used_at, "a descriptor table over MMIO");
    bad_queue(b, QUEUE_SIZE, desc_at, MMIO_WINDOW, used_at, "an available ring over MMIO");
    bad_queue(b, QUEUE_SIZE, desc_at, avail_at, MMIO_WINDOW, "a used ring over MMIO");
    bad_queue(b, QUEUE_SIZE, desc_at, avail_at, 0xfffffffffffffff0ull,
              "a used ring whose end wraps 2^64");
}

/* Two requests made available and not notified, then a reset: the device must never answer
 * them, neither then nor when notified afterwards, and a new set-up elsewhere is taken. */
static void hostile_reset_in_flight(blk_t *b)
{
    uint64_t fresh = page_alloc();
    const uint8_t *used = b->ring + USED_OFFSET;
    volatile uint8_t *status = b->ring + STATUS_OFFSET;
    bool quiet, taken;

    blk_fresh(b);
    status[1] = 0xff;
    desc(b, 0, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 1);
    desc(b, 1, b->data_phys, 512, D_WRITE | D_NEXT, 2);
    desc(b, 2, b->ring_phys + STATUS_OFFSET, 1, D_WRITE, 0);
    desc(b, 3, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, 4);
    desc(b, 4, b->data_phys + 512, 512, D_WRITE | D_NEXT, 5);
    desc(b, 5, b->ring_phys + STATUS_OFFSET + 1, 1, D_WRITE, 0);
    put16(b->ring + AVAIL_OFFSET + 4, 0);
    put16(b->ring + AVAIL_OFFSET + 6, 3);
    __asm__ volatile("" ::: "memory");
    put16(b->ring + AVAIL_OFFSET + 2, 2);
    __asm__ volatile("mfence" ::: "memory");
    reg_write(REG_STATUS, 0);
    reg_write(REG_QUEUE_NOTIFY, 0);
    quiet = get16(used + 2) == 0 && status[0] == 0xff && status[1] == 0xff;
    taken = virtio_negotiate(VIRTIO_BLK_BASE) &&
            virtio_queue(VIRTIO_BLK_BASE, QUEUE_SIZE, fresh, fresh + AVAIL_OFFSET,
                         fresh + USED_OFFSET);
    reg_write(REG_QUEUE_NOTIFY, 0);
    quiet = quiet && get16(used + 2) == 0 && status[0] == 0xff && status[1] == 0xff &&
            get16((const uint8_t *)phys_to_virt(fresh) + USED_OFFSET + 2) == 0;
    check(quiet && taken && reg_read(REG_QUEUE_READY) == 1,
          "a reset with two requests available: never answered, used index 0, a new queue taken");
    check(blk_serves_again(b), "after that reset the device serves a read");
}

/* FLOODED requests, never reading the used ring: first eight in one notification (the index
 * moved by exactly the queue size), then one notification each. */
static void hostile_flood(blk_t *b)
{
    uint8_t *avail = b->ring + AVAIL_OFFSET;
    const uint8_t *used = b->ring + USED_OFFSET;
    unsigned ahead = 0, spoilt = 0, entries = 0, failed = 0;

    blk_start(b);
    for (unsigned i = AVAIL_OFFSET + 4 + 2 * QUEUE_SIZE + 2; i < USED_OFFSET; i++) {
        b->ring[i] = CANARY;
    }
    for (unsigned i = USED_END; i < HEADER_OFFSET; i++) {
        b->ring[i] = CANARY;
    }
    blk_header(b, T_IN, 1);
    /* Four chains (heads 0, 2, 4, 6): the header, then data and status in one buffer. */
    for (unsigned c = 0; c < 4; c++) {
        desc(b, 2 * c, b->ring_phys + HEADER_OFFSET, 16, D_NEXT, (uint16_t)(2 * c + 1));
        desc(b, 2 * c + 1, b->data_phys + 1024 * (uint64_t)c, 513, D_WRITE, 0);
    }
    for (unsigned i = 0; i < QUEUE_SIZE; i++) {
        put16(avail + 4 + 2 * (uint64_t)i, (uint16_t)(2 * (i % 4)));
    }
    b->avail_idx = QUEUE_SIZE;
    put16(avail + 2, b->avail_idx);
    __asm__ volatile("mfence" ::: "memory");
    reg_write(REG_QUEUE_NOTIFY, 0);
    check_eq(get16(used + 2), QUEUE_SIZE, "eight requests in one notification, all answered");
    for (unsigned n = QUEUE_SIZE; n < FLOODED; n++) {
        blk_post(b, (uint16_t)(2 * (n % 4)));
        ahead += (uint16_t)(b->avail_idx - get16(used + 2)) > QUEUE_SIZE;
    }
    __asm__ volatile("" ::: "memory"); /* the device wrote the ring: read it again */
    for (unsigned i = AVAIL_OFFSET + 4 + 2 * QUEUE_SIZE + 2; i < USED_OFFSET; i++) {
        spoilt += b->ring[i] != CANARY;
    }
    for (unsigned i = USED_END; i < HEADER_OFFSET; i++) {
        spoilt += b->ring[i] != CANARY;
    }
    for (unsigned i = 0; i < QUEUE_SIZE; i++) {
        const uint8_t *e = used + 4 + 8 * (uint64_t)i;
        entries += e[0] % 2 == 0 && e[0] < QUEUE_SIZE && e[1] == 0 && get16(e + 4) == 513;
    }
    for (unsigned c = 0; c < 4; c++) {
        failed += b->data[1024 * c + 512] != 0;
    }
    check(ahead == 0 && get16(used + 2) == FLOODED,
          "%u requests never consumed: the used index at %u, never ahead of the available one",
          FLOODED, get16(used + 2));
    check(spoilt == 0 && entries == QUEUE_SIZE && failed == 0,
          "no byte written around the used ring, its 8 entries each a head with 513 bytes, "
          "every status OK");
    b->used_seen = get16(used + 2);
    b->reads += b->used_seen; /* answered, all reads without error (vm stats counts them) */
    b->data[5] = (uint8_t)~pattern(1, 5);
    check(!needs_reset() && blk_request(b, T_IN, 1, 512) == 0 && b->data[5] == pattern(1, 5),
          "the device was never broken and serves a read without a reset");
}

/* One buffer of 64 bytes with `flags` made the rng's n-th request; the used index after it. */
static uint16_t rng_request(uint8_t *rings, uint64_t buffer, uint16_t flags, uint16_t n)
{
    put64(rings, buffer);
    put32(rings + 8, 64);
    put16(rings + 12, flags);
    put16(rings + 14, 0);
    put16(rings + AVAIL_OFFSET + 4 + 2 * (uint64_t)(n % QUEUE_SIZE), 0);
    __asm__ volatile("" ::: "memory");
    put16(rings + AVAIL_OFFSET + 2, (uint16_t)(n + 1));
    __asm__ volatile("mfence" ::: "memory");
    dev_write(VIRTIO_RNG_BASE, REG_QUEUE_NOTIFY, 0);
    return get16(rings + USED_OFFSET + 2);
}

/* The VM's other devices are not the disk's: its virtio-rng serves while the disk is broken,
 * and a virtio-rng broken on purpose leaves the disk serving without a reset. */
static void hostile_beside_rng(blk_t *b)
{
    uint64_t rings_phys = page_alloc(), buffer = page_alloc();
    uint8_t *rings = phys_to_virt(rings_phys);
    const uint8_t *bytes = phys_to_virt(buffer);
    bool started, filled = false;

    blk_fresh(b);
    b->avail_idx = 100;
    put16(b->ring + AVAIL_OFFSET + 2, b->avail_idx);
    reg_write(REG_QUEUE_NOTIFY, 0);
    started = dev_read(VIRTIO_RNG_BASE, REG_DEVICE_ID) == 4 && virtio_negotiate(VIRTIO_RNG_BASE) &&
              virtio_queue(VIRTIO_RNG_BASE, QUEUE_SIZE, rings_phys, rings_phys + AVAIL_OFFSET,
                           rings_phys + USED_OFFSET);
    started = started && rng_request(rings, buffer, D_WRITE, 0) == 1;
    __asm__ volatile("" ::: "memory");
    for (unsigned i = 0; i < 64; i++) {
        filled |= bytes[i] != 0;
    }
    check(needs_reset() && started && get16(rings + USED_OFFSET + 8) == 64 && filled,
          "the disk broken, the VM's virtio-rng still fills a buffer of 64 bytes");
    check(blk_serves_again(b), "the disk reset serves a read");
    rng_request(rings, buffer, 0, 1);
    b->data[5] = (uint8_t)~pattern(1, 5);
    check((dev_read(VIRTIO_RNG_BASE, REG_STATUS) & S_NEEDS_RESET) != 0 &&
                  get16(rings + USED_OFFSET + 2) == 1 && !needs_reset() &&
                  blk_request(b, T_IN, 1, 512) == 0 && b->data[5] == pattern(1, 5),
          "a device-readable buffer breaks the virtio-rng alone: the disk serves on, no reset");
    dev_write(VIRTIO_RNG_BASE, REG_STATUS, 0);
}

void program_virtio_hostile(void)
{
    blk_t b;

    if (reg_read(REG_MAGIC) != 0x74726976u) {
        skip("no virtio-mmio device at %#llx", (unsigned long long)VIRTIO_BLK_BASE);
        return;
    }
    check_eq(reg_read(REG_DEVICE_ID), 2, "the device is a block device");
    blk_pages(&b);
    if (!check(blk_serves_again(&b), "a good read before the hostile cases")) {
        return;
    }
    hostile_chains(&b);
    hostile_indices(&b);
    hostile_long_chain(&b);
    hostile_buffers(&b);
    hostile_queues(&b);
    hostile_reset_in_flight(&b);
    hostile_flood(&b);
    hostile_beside_rng(&b);
    say("requests answered: %u reads, %u writes, %u errors", b.reads, b.writes, b.errors);
}
