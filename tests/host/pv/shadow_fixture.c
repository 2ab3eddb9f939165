/*
 * The software TLB tests' fixture (shadow_fixture.h). Test helper: plain libc.
 */
#include "shadow_fixture.h"

#include <stdio.h>
#include <stdlib.h>

shadow_fixture_t shadow_fx;

void shadow_fixture_start(shadow_fixture_t *fixture, const pv_shadow_config_t *bounds,
                          uint64_t ram_size)
{
    size_t size = pv_shadow_storage_size(bounds);
    pv_shadow_ops_t ops;

    walk_fake_init(&fixture->guest, ram_size);
    fixture->root = walk_fake_table(&fixture->guest);
    fixture->paging = walk_fake_paging(PV_PAGING_4LEVEL, fixture->root);
    fixture->paging.cr0 |= PV_PAGING_CR0_WP;
    fixture->paging.cr4 |= PV_PAGING_CR4_PGE;
    shadow_fake_init(&fixture->host, bounds, ram_size);
    ops = shadow_fake_ops(&fixture->host);
    fixture->storage = aligned_alloc(64, (size + 63) & ~(size_t)63);
    if (fixture->storage == NULL ||
        pv_shadow_init(&fixture->shadow, bounds, &ops, &fixture->guest.memory, fixture->storage,
                       size) != PV_SHADOW_OK) {
        abort();
    }
}

void shadow_fixture_stop(shadow_fixture_t *fixture)
{
    free(fixture->storage);
    shadow_fake_free(&fixture->host);
    walk_fake_free(&fixture->guest);
}

int shadow_fixture_setup(void **state)
{
    const pv_shadow_config_t bounds = {4, 8, 16, 64};

    (void)state;
    shadow_fixture_start(&shadow_fx, &bounds, SHADOW_FIXTURE_RAM);
    return 0;
}

int shadow_fixture_teardown(void **state)
{
    int broken = shadow_fx.host.breach[0] != '\0';

    (void)state;
    if (broken) {
        fprintf(stderr, "the fake host's rules were broken: %s\n", shadow_fx.host.breach);
    }
    shadow_fixture_stop(&shadow_fx);
    return broken;
}
