/*
 * The fixture of the software TLB's hand-written tests (test helper): guest RAM with empty
 * 4-level tables (CR0.WP, CR4.PGE, EFER.NXE), a fake host, and a software TLB over both.
 */
#ifndef SHADOW_FIXTURE_H
#define SHADOW_FIXTURE_H

#include "shadow_fake.h"
#include "walk_fake.h"

#include <pv/shadow.h>

typedef struct shadow_fixture {
    walk_fake_t guest;
    uint64_t root;
    pv_paging_t paging;
    shadow_fake_t host;
    pv_shadow_t shadow;
    void *storage;
} shadow_fixture_t;

#define SHADOW_FIXTURE_RAM (4ull << 20)

/* The fixture of the running test (one test runs at a time). */
extern shadow_fixture_t shadow_fx;

/* Sets it up with these pool bounds and guest RAM of ram_size bytes; aborts on failure. */
void shadow_fixture_start(shadow_fixture_t *fixture, const pv_shadow_config_t *bounds,
                          uint64_t ram_size);
void shadow_fixture_stop(shadow_fixture_t *fixture);

/* cmocka set-up and tear-down of shadow_fx: pools 4/8/16/64, SHADOW_FIXTURE_RAM of RAM; the
 * tear-down fails the test (nonzero) when the fake host saw its rules broken. */
int shadow_fixture_setup(void **state);
int shadow_fixture_teardown(void **state);

/* A cmocka test run with them (expanded where cmocka.h is included). */
#define SHADOW_FIXTURE_TEST(function)                                                              \
    cmocka_unit_test_setup_teardown(function, shadow_fixture_setup, shadow_fixture_teardown)

#endif
