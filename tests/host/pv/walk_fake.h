/*
 * Fake guest RAM and guest page-table builders for the walker's and the software TLB's tests
 * (test helper, linked into every lib/pv test and fuzzer): tables allocated from the top of RAM
 * downwards, mappings of every page size in each paging mode, and a small random generator.
 */
#ifndef WALK_FAKE_H
#define WALK_FAKE_H

#include <pv/walk.h>
#include <stdbool.h>
#include <stdint.h>

/* Guest page-table entry bits, as the tests write them. */
#define WALK_P   0x1ull
#define WALK_RW  0x2ull
#define WALK_US  0x4ull
#define WALK_A   0x20ull
#define WALK_D   0x40ull
#define WALK_PS  0x80ull
#define WALK_G   0x100ull
#define WALK_NX  (1ull << 63)
#define WALK_URW (WALK_P | WALK_RW | WALK_US)

typedef struct walk_fake {
    uint8_t *ram;
    pv_memory_t memory;
    uint64_t next_table; /* the next table page handed out, downwards from the top */
} walk_fake_t;

/* RAM of size bytes (a multiple of 4 KiB), zeroed, 16-byte aligned. */
void walk_fake_init(walk_fake_t *fake, uint64_t size);
void walk_fake_free(walk_fake_t *fake);

/* A zeroed 4 KiB table page taken from the top of RAM. */
uint64_t walk_fake_table(walk_fake_t *fake);

uint64_t walk_fake_get(const walk_fake_t *fake, uint64_t address, unsigned width);
void walk_fake_put(walk_fake_t *fake, uint64_t address, uint64_t value, unsigned width);

/*
 * Maps va in the tables of root (CR3's address) for the mode: leaf_size 4 KiB, 2 MiB, 4 MiB or
 * 1 GiB; tables created with table_flags (PAE PDPTEs get P only); leaf_flags on the leaf (PS is
 * added for large pages). Returns the leaf entry's guest-physical address.
 */
uint64_t walk_fake_map(walk_fake_t *fake, pv_paging_mode_t mode, uint64_t root, uint64_t va,
                       uint64_t pa, uint64_t leaf_size, uint64_t table_flags, uint64_t leaf_flags);

/* The guest-physical address of the entry at `level` (1 = PT) used for va; 0 if absent. */
uint64_t walk_fake_entry(const walk_fake_t *fake, pv_paging_mode_t mode, uint64_t root, uint64_t va,
                         unsigned level);

/* A paging state for the mode, CR3 = root, with NXE and MAXPHYADDR 46 (PSE for 32-bit). */
pv_paging_t walk_fake_paging(pv_paging_mode_t mode, uint64_t root);

/* xorshift64*: reproducible from the seed. */
uint64_t walk_random(uint64_t *state);
uint64_t walk_random_below(uint64_t *state, uint64_t bound);

#endif
