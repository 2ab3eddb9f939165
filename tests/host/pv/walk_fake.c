/*
 * Fake guest RAM and page-table builders for lib/pv's tests (walk_fake.h). Test helper: plain
 * libc, aborts on misuse.
 */
#include "walk_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fake_level {
    unsigned width;
    unsigned shift;
    unsigned bits;
} fake_level_t;

static unsigned fake_levels(pv_paging_mode_t mode, fake_level_t rows[4])
{
    if (mode == PV_PAGING_32BIT) {
        rows[0] = (fake_level_t){4, 22, 10};
        rows[1] = (fake_level_t){4, 12, 10};
        return 2;
    }
    if (mode == PV_PAGING_PAE) {
        rows[0] = (fake_level_t){8, 30, 2};
        rows[1] = (fake_level_t){8, 21, 9};
        rows[2] = (fake_level_t){8, 12, 9};
        return 3;
    }
    rows[0] = (fake_level_t){8, 39, 9};
    rows[1] = (fake_level_t){8, 30, 9};
    rows[2] = (fake_level_t){8, 21, 9};
    rows[3] = (fake_level_t){8, 12, 9};
    return 4;
}

/* The address of the entry a level's table holds for va. */
static uint64_t fake_entry_at(const fake_level_t *row, uint64_t table, uint64_t va)
{
    return table + ((va >> row->shift) & ((1ull << row->bits) - 1)) * row->width;
}

static uint64_t fake_table_address(unsigned width, uint64_t entry)
{
    return width == 4 ? entry & 0xfffff000ull : entry & 0x000ffffffffff000ull;
}

void walk_fake_init(walk_fake_t *fake, uint64_t size)
{
    /* calloc: large blocks come zeroed from the system, untouched pages cost nothing. */
    fake->ram = calloc(1, size);
    if (fake->ram == NULL) {
        abort();
    }
    fake->memory = (pv_memory_t){.base = fake->ram, .size = size};
    fake->next_table = size;
}

void walk_fake_free(walk_fake_t *fake)
{
    free(fake->ram);
    fake->ram = NULL;
}

uint64_t walk_fake_table(walk_fake_t *fake)
{
    if (fake->next_table < 2 * 4096) {
        fprintf(stderr, "walk_fake_table: RAM exhausted\n");
        abort();
    }
    fake->next_table -= 4096;
    memset(fake->ram + fake->next_table, 0, 4096);
    return fake->next_table;
}

uint64_t walk_fake_get(const walk_fake_t *fake, uint64_t address, unsigned width)
{
    uint64_t value = 0;

    if (address + width > fake->memory.size) {
        abort();
    }
    memcpy(&value, fake->ram + address, width);
    return value;
}

void walk_fake_put(walk_fake_t *fake, uint64_t address, uint64_t value, unsigned width)
{
    if (address + width > fake->memory.size) {
        abort();
    }
    memcpy(fake->ram + address, &value, width);
}

uint64_t walk_fake_map(walk_fake_t *fake, pv_paging_mode_t mode, uint64_t root, uint64_t va,
                       uint64_t pa, uint64_t leaf_size, uint64_t table_flags, uint64_t leaf_flags)
{
    fake_level_t rows[4];
    unsigned count = fake_levels(mode, rows);
    uint64_t table = root;

    for (unsigned i = 0; i < count; i++) {
        uint64_t at = fake_entry_at(&rows[i], table, va);
        uint64_t entry;

        if (1ull << rows[i].shift == leaf_size) {
            walk_fake_put(fake, at, pa | leaf_flags | (i + 1 < count ? WALK_PS : 0), rows[i].width);
            return at;
        }
        entry = walk_fake_get(fake, at, rows[i].width);
        if ((entry & WALK_P) == 0) {
            bool pdpte = mode == PV_PAGING_PAE && i == 0;
            entry = walk_fake_table(fake) | (pdpte ? WALK_P : table_flags);
            walk_fake_put(fake, at, entry, rows[i].width);
        }
        table = fake_table_address(rows[i].width, entry);
    }
    fprintf(stderr, "walk_fake_map: no level maps %#llx bytes\n", (unsigned long long)leaf_size);
    abort();
}

uint64_t walk_fake_entry(const walk_fake_t *fake, pv_paging_mode_t mode, uint64_t root, uint64_t va,
                         unsigned level)
{
    fake_level_t rows[4];
    unsigned count = fake_levels(mode, rows);
    uint64_t table = root;

    for (unsigned i = 0; i < count; i++) {
        uint64_t at = fake_entry_at(&rows[i], table, va);
        uint64_t entry;

        if (count - i == level) {
            return at;
        }
        if (at + rows[i].width > fake->memory.size) {
            return 0;
        }
        entry = walk_fake_get(fake, at, rows[i].width);
        if ((entry & WALK_P) == 0) {
            return 0;
        }
        table = fake_table_address(rows[i].width, entry);
    }
    return 0;
}

pv_paging_t walk_fake_paging(pv_paging_mode_t mode, uint64_t root)
{
    pv_paging_t paging = {.cr3 = root, .phys_addr_bits = 46};

    switch (mode) {
    case PV_PAGING_OFF:
        break;
    case PV_PAGING_32BIT:
        paging.cr0 = PV_PAGING_CR0_PG;
        paging.cr4 = PV_PAGING_CR4_PSE;
        break;
    case PV_PAGING_PAE:
        paging.cr0 = PV_PAGING_CR0_PG;
        paging.cr4 = PV_PAGING_CR4_PAE;
        paging.efer = PV_PAGING_EFER_NXE;
        break;
    case PV_PAGING_4LEVEL:
        paging.cr0 = PV_PAGING_CR0_PG;
        paging.cr4 = PV_PAGING_CR4_PAE;
        paging.efer = PV_PAGING_EFER_LME | PV_PAGING_EFER_NXE;
        break;
    }
    return paging;
}

uint64_t walk_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

uint64_t walk_random_below(uint64_t *state, uint64_t bound)
{
    return bound == 0 ? 0 : walk_random(state) % bound;
}
