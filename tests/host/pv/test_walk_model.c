/*
 * Differential test of the guest page-table walker against the reference model of the tests
 * (walk_model.c): random page tables in fake RAM (entries pointing anywhere, past RAM, at
 * themselves; random flags, large pages, reserved bits), random paging states in every mode,
 * random accesses. Both walk their own copy of RAM; results and every byte of RAM must agree.
 * Each kind of outcome must occur often enough that the comparison means something.
 */
#include "walk_fake.h"
#include "walk_model.h"

#include <pv/walk.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PAGES    16u
#define RAM_SIZE (PAGES * 4096u)
#define ROUNDS   3000u
#define ACCESSES 40u

enum {
    OUT_OK_4K,
    OUT_OK_LARGE,
    OUT_NOT_PRESENT,
    OUT_RESERVED,
    OUT_RIGHTS,
    OUT_BAD_TABLE,
    OUT_NON_CANONICAL,
    OUT_COUNT
};

static const char *const outcome_names[OUT_COUNT] = {
        "4 KiB translations",  "large-page translations", "not-present faults",
        "reserved-bit faults", "rights faults",           "bad tables",
        "non-canonical"};

/* A present entry most of the time, pointing near (or just past) RAM, with random rights. */
static uint64_t random_entry(uint64_t *seed, bool narrow)
{
    uint64_t r = walk_random(seed);
    uint64_t entry;

    if (walk_random_below(seed, 8) == 0) {
        return r & ~WALK_P;
    }
    entry = walk_random_below(seed, PAGES + 3) << 12;
    entry |= WALK_P | (r & (WALK_A | WALK_D | WALK_G | 0x18 | 0x1000));
    entry |= walk_random_below(seed, 4) != 0 ? WALK_RW : 0;
    entry |= walk_random_below(seed, 4) != 0 ? WALK_US : 0;
    if (walk_random_below(seed, 5) == 0) {
        /* A large page, usually aligned (2 MiB, 4 MiB or 1 GiB) so that it can translate. */
        unsigned align = narrow ? 22 : walk_random_below(seed, 3) == 0 ? 30 : 21;
        entry = (entry & 0xfff) | WALK_PS;
        entry |= walk_random_below(seed, 5) == 0 ? walk_random_below(seed, PAGES + 3) << 12
                                                 : walk_random_below(seed, 8) << align;
    }
    if (walk_random_below(seed, 12) == 0) {
        entry |= 1ull << (13 + walk_random_below(seed, narrow ? 19 : 51)); /* maybe reserved */
    }
    if (!narrow && walk_random_below(seed, 8) == 0) {
        entry |= WALK_NX;
    }
    return narrow ? entry & 0xffffffffull : entry;
}

static void fill_tables(uint8_t *ram, uint64_t *seed, bool narrow)
{
    for (uint64_t at = 0; at < RAM_SIZE; at += narrow ? 4 : 8) {
        uint64_t entry = random_entry(seed, narrow);

        memcpy(ram + at, &entry, narrow ? 4 : 8);
    }
}

static pv_paging_t random_paging(uint64_t *seed, pv_paging_mode_t mode)
{
    static const uint8_t phys_bits[] = {32, 36, 39, 40, 46, 48, 52};
    pv_paging_t paging = walk_fake_paging(mode, 0);
    uint64_t r = walk_random(seed);

    paging.cr3 = walk_random_below(seed, PAGES + 1) << 12 | (r & 0xfe0);
    paging.cr0 |= (r & 1) ? PV_PAGING_CR0_WP : 0;
    paging.cr4 |= (r & 2) ? PV_PAGING_CR4_PGE : 0;
    paging.cr4 |= (r & 4) ? PV_PAGING_CR4_SMEP : 0;
    paging.cr4 |= (r & 8) ? PV_PAGING_CR4_SMAP : 0;
    paging.cr4 &= (r & 16) ? ~0ull : ~PV_PAGING_CR4_PSE;
    paging.efer = (paging.efer & ~PV_PAGING_EFER_NXE) | ((r & 32) ? PV_PAGING_EFER_NXE : 0);
    paging.phys_addr_bits = phys_bits[walk_random_below(seed, sizeof(phys_bits))];
    return paging;
}

static uint64_t random_address(uint64_t *seed, pv_paging_mode_t mode)
{
    uint64_t r = walk_random(seed);

    if (walk_random_below(seed, 50) == 0) {
        return r; /* usually out of the mode's range */
    }
    if (mode != PV_PAGING_4LEVEL) {
        return r & 0xffffffffull;
    }
    return (uint64_t)((int64_t)(r << 16) >> 16);
}

static unsigned classify(const walk_model_result_t *model)
{
    switch (model->status) {
    case PV_WALK_OK:
        return model->page_size == 4096 ? OUT_OK_4K : OUT_OK_LARGE;
    case PV_WALK_FAULT:
        if ((model->error_code & PV_PF_RESERVED) != 0) {
            return OUT_RESERVED;
        }
        return (model->error_code & PV_PF_PRESENT) != 0 ? OUT_RIGHTS : OUT_NOT_PRESENT;
    case PV_WALK_BAD_TABLE:
        return OUT_BAD_TABLE;
    default:
        return OUT_NON_CANONICAL;
    }
}

static void compare_one(walk_fake_t *fake, uint8_t *model_ram, const pv_paging_t *paging,
                        uint64_t address, unsigned access, unsigned counts[OUT_COUNT])
{
    walk_model_result_t model;
    pv_walk_t walk;
    pv_walk_status_t status;
    const char *field = NULL;

    walk_model(model_ram, RAM_SIZE, paging, address, access, &model);
    status = pv_walk(&fake->memory, paging, gva(address), access, &walk);
    if (!walk_model_agrees(&model, &walk, status, &field) ||
        memcmp(model_ram, fake->ram, RAM_SIZE) != 0) {
        fprintf(stderr,
                "walker and model differ (%s): va %#llx access %#x cr0 %#llx cr3 %#llx cr4 %#llx "
                "efer %#llx maxphy %u: model status %d code %#x, walker status %d code %#x\n",
                field == NULL ? "RAM" : field, (unsigned long long)address, access,
                (unsigned long long)paging->cr0, (unsigned long long)paging->cr3,
                (unsigned long long)paging->cr4, (unsigned long long)paging->efer,
                paging->phys_addr_bits, model.status, model.error_code, status, walk.error_code);
        fail();
    }
    counts[classify(&model)]++;
}

static void test_walker_matches_model(void **state)
{
    static const pv_paging_mode_t modes[] = {PV_PAGING_4LEVEL, PV_PAGING_4LEVEL, PV_PAGING_PAE,
                                             PV_PAGING_32BIT, PV_PAGING_OFF};
    unsigned counts[OUT_COUNT] = {0};
    uint64_t seed = 0x5eed0fa11u;
    uint8_t *model_ram = malloc(RAM_SIZE);
    walk_fake_t fake;

    (void)state;
    assert_non_null(model_ram);
    walk_fake_init(&fake, RAM_SIZE);
    for (unsigned round = 0; round < ROUNDS; round++) {
        pv_paging_mode_t mode = modes[walk_random_below(&seed, sizeof(modes) / sizeof(modes[0]))];
        pv_paging_t paging = random_paging(&seed, mode);

        fill_tables(fake.ram, &seed, mode == PV_PAGING_32BIT);
        memcpy(model_ram, fake.ram, RAM_SIZE);
        for (unsigned i = 0; i < ACCESSES; i++) {
            unsigned access = (unsigned)walk_random(&seed) &
                              (PV_ACCESS_WRITE | PV_ACCESS_USER | PV_ACCESS_FETCH |
                               PV_ACCESS_IMPLICIT | PV_ACCESS_AC | PV_ACCESS_NO_AD);

            compare_one(&fake, model_ram, &paging, random_address(&seed, mode), access, counts);
        }
    }
    for (unsigned i = 0; i < OUT_COUNT; i++) {
        printf("walker = model: %u %s\n", counts[i], outcome_names[i]);
        assert_true(counts[i] >= 500);
    }
    walk_fake_free(&fake);
    free(model_ram);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_walker_matches_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
