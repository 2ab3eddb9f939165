/*
 * Long random sequences against the software TLB (shadow_world.c): guest table edits, fills for
 * random accesses at CPL 0 and 3, INVLPG, CR3 writes, control-register changes, AC changes and
 * flushes, under pools from one slot each to roomy ones. After every step: each host mapping
 * grants no more than the guest's tables did at its fill, nothing survives an invalidation that
 * covers it, the user view maps no supervisor page, only guest RAM is mapped and never the
 * reserved range, and the pools hold what the host holds, within their bounds.
 */
#include "shadow_world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#define STEPS 25000u

static const char *const seen_names[SHADOW_SEEN_COUNT] = {
        "filled", "guest #PF", "MMIO", "reserved", "bad table", "non-canonical", "no fault",
        "INVLPG", "CR3",       "mode", "AC",       "edit",      "flush"};

static void run(const pv_shadow_config_t *bounds, uint64_t seed, bool expect_pressure)
{
    shadow_world_t *world = malloc(sizeof(*world));
    pv_shadow_stats_t stats;

    assert_non_null(world);
    shadow_world_init(world, bounds);
    for (unsigned step = 0; step < STEPS; step++) {
        if (!shadow_world_step(world, walk_random(&seed))) {
            fprintf(stderr, "step %u: %s\n", step, world->failure);
            fail();
        }
    }
    pv_shadow_stats(&world->shadow, &stats);
    printf("pools %u/%u/%u/%u: fills %llu (remaps %llu, spurious %llu), evictions %llu/%llu/%llu "
           "pages %llu, high water %u/%u/%u/%u, host calls %llu\n",
           bounds->pdpts, bounds->pds, bounds->pts, bounds->pages, (unsigned long long)stats.fills,
           (unsigned long long)stats.remaps, (unsigned long long)stats.spurious,
           (unsigned long long)stats.evictions[0], (unsigned long long)stats.evictions[1],
           (unsigned long long)stats.evictions[2], (unsigned long long)stats.evictions[3],
           stats.high_water[0], stats.high_water[1], stats.high_water[2], stats.high_water[3],
           (unsigned long long)stats.host_calls);
    for (unsigned i = 0; i < SHADOW_SEEN_COUNT; i++) {
        printf("  %s %llu", seen_names[i], (unsigned long long)world->seen[i]);
    }
    printf("\n");
    for (unsigned i = 0; i < SHADOW_SEEN_COUNT; i++) {
        if (world->seen[i] < 20) {
            fprintf(stderr, "only %llu x %s\n", (unsigned long long)world->seen[i], seen_names[i]);
            fail();
        }
    }
    assert_true(stats.spurious > 0 && stats.remaps > 0 && stats.ac_revocations > 0);
    if (expect_pressure) {
        assert_true(stats.evictions[PV_SHADOW_POOL_PT] > 0);
        assert_true(stats.evictions[PV_SHADOW_POOL_PAGE] > 0);
    }
    shadow_world_free(world);
    free(world);
}

static void test_one_slot_each(void **state)
{
    const pv_shadow_config_t bounds = {1, 1, 1, 1};

    (void)state;
    run(&bounds, 0x1111, true);
}

static void test_small_pools(void **state)
{
    const pv_shadow_config_t bounds = {2, 2, 3, 8};

    (void)state;
    run(&bounds, 0x2222, true);
    run(&bounds, 0x2223, true);
}

static void test_medium_pools(void **state)
{
    const pv_shadow_config_t bounds = {3, 4, 5, 24};

    (void)state;
    run(&bounds, 0x3333, true);
}

static void test_roomy_pools(void **state)
{
    const pv_shadow_config_t bounds = {8, 16, 64, 1024};

    (void)state;
    run(&bounds, 0x4444, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_one_slot_each),
            cmocka_unit_test(test_small_pools),
            cmocka_unit_test(test_medium_pools),
            cmocka_unit_test(test_roomy_pools),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
