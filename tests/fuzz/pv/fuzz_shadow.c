/*
 * libFuzzer target for the software TLB: the input picks the pool bounds (first four bytes) and
 * then, eight bytes per step, a sequence of operations on the tests' world (shadow_world.c):
 * guest table edits, fills at CPL 0 and 3, INVLPG, CR3 writes, control-register and AC changes,
 * flushes. After every step the world's invariants must hold (each host mapping no more than
 * the guest's tables allowed at its fill, nothing stale after an invalidation, no supervisor
 * page in the user view, only RAM, never the reserved range, pools within bounds); a breach
 * aborts with its reason.
 */
#include "shadow_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS 1000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static shadow_world_t world;
    pv_shadow_config_t bounds;
    size_t steps;

    if (size < 4) {
        return 0;
    }
    bounds = (pv_shadow_config_t){1u + data[0] % 6, 1u + data[1] % 8, 1u + data[2] % 12,
                                  1u + data[3] % 64};
    steps = size - 4 >= MAX_STEPS * 8 ? MAX_STEPS : (size - 4) / 8;
    shadow_world_init(&world, &bounds);
    for (size_t i = 0; i < steps; i++) {
        uint64_t random;

        memcpy(&random, data + 4 + i * 8, sizeof(random));
        if (!shadow_world_step(&world, random)) {
            fprintf(stderr, "software TLB broke a rule at step %zu: %s\n", i, world.failure);
            abort();
        }
    }
    shadow_world_free(&world);
    return 0;
}
