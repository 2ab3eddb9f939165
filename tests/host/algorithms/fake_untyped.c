/* Fake untyped kernel: slots, derivation tree, split and revoke with seL4 rules, failure
 * injection. It records violations rather than aborting so tests can report them. */
#include "fake_untyped.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void violation(fake_untyped_t *fake, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake->last_violation, sizeof fake->last_violation, fmt, ap);
    va_end(ap);
    fake->violations++;
}

static bool should_fail(fake_untyped_t *fake, fake_untyped_op_t op)
{
    fake->calls[op]++;
    if (fake->fail_at[op] > 0 && --fake->fail_at[op] == 0) {
        return true;
    }
    return fake->fail_percent[op] != 0 && test_rng_percent(&fake->rng, fake->fail_percent[op]);
}

void fake_untyped_init(fake_untyped_t *fake, uint32_t slot_count, uint64_t seed)
{
    memset(fake, 0, sizeof *fake);
    fake->slots = calloc(slot_count, sizeof *fake->slots);
    fake->free_stack = calloc(slot_count, sizeof *fake->free_stack);
    fake->slot_count = slot_count;
    for (uint32_t i = slot_count; i-- > 0;) {
        fake->free_stack[fake->free_top++] = i;
        fake->slots[i].parent = -1;
        fake->slots[i].first_child = -1;
        fake->slots[i].next_sibling = -1;
    }
    test_rng_init(&fake->rng, seed);
}

void fake_untyped_destroy(fake_untyped_t *fake)
{
    free(fake->slots);
    free(fake->free_stack);
}

static int32_t slot_reserve(fake_untyped_t *fake)
{
    if (fake->free_top == 0) {
        return -1;
    }
    uint32_t s = fake->free_stack[--fake->free_top];
    fake->slots[s].reserved = true;
    return (int32_t)s;
}

static bool slot_valid(const fake_untyped_t *fake, uint64_t slot)
{
    return slot < fake->slot_count;
}

static void cap_create(fake_untyped_t *fake, uint32_t s, int32_t parent, uint64_t paddr,
                       unsigned size_bits, bool device, bool untyped)
{
    fake_slot_t *n = &fake->slots[s];
    n->has_cap = true;
    n->untyped = untyped;
    n->device = device;
    n->paddr = paddr;
    n->size_bits = (uint8_t)size_bits;
    n->parent = parent;
    n->first_child = -1;
    n->next_sibling = -1;
    if (parent >= 0) {
        n->next_sibling = fake->slots[parent].first_child;
        fake->slots[parent].first_child = (int32_t)s;
    }
}

/* Deletes every descendant of slot `s` (not `s` itself). */
static void descendants_delete(fake_untyped_t *fake, uint32_t s)
{
    int32_t c = fake->slots[s].first_child;
    while (c >= 0) {
        fake_slot_t *child = &fake->slots[c];
        int32_t next = child->next_sibling;
        descendants_delete(fake, (uint32_t)c);
        child->has_cap = false;
        child->parent = -1;
        child->next_sibling = -1;
        if (child->user_slot) {
            child->user_slot = false;
            child->reserved = false;
            fake->free_stack[fake->free_top++] = (uint32_t)c;
        }
        c = next;
    }
    fake->slots[s].first_child = -1;
}

static int op_slot_alloc(void *ctx, uint64_t *slot)
{
    fake_untyped_t *fake = ctx;
    if (should_fail(fake, FAKE_UT_SLOT_ALLOC)) {
        return 1;
    }
    int32_t s = slot_reserve(fake);
    if (s < 0) {
        return 1;
    }
    *slot = (uint64_t)s;
    return 0;
}

static void op_slot_free(void *ctx, uint64_t slot)
{
    fake_untyped_t *fake = ctx;
    fake->slot_frees++;
    if (!slot_valid(fake, slot) || !fake->slots[slot].reserved || fake->slots[slot].user_slot) {
        violation(fake, "slot_free(%llu): slot not reserved by the allocator",
                  (unsigned long long)slot);
        return;
    }
    if (fake->slots[slot].has_cap) {
        violation(fake, "slot_free(%llu): slot still holds a capability", (unsigned long long)slot);
        return;
    }
    fake->slots[slot].reserved = false;
    fake->free_stack[fake->free_top++] = (uint32_t)slot;
}

static int op_split(void *ctx, uint64_t parent, unsigned child_size_bits, uint64_t slot_low,
                    uint64_t slot_high)
{
    fake_untyped_t *fake = ctx;
    if (!slot_valid(fake, parent) || !fake->slots[parent].has_cap || !fake->slots[parent].untyped) {
        violation(fake, "split(%llu): not an untyped capability", (unsigned long long)parent);
        return 1;
    }
    fake_slot_t *p = &fake->slots[parent];
    if (p->first_child >= 0) {
        violation(fake, "split(%llu): untyped already has children (memory used twice)",
                  (unsigned long long)parent);
        return 1;
    }
    if (child_size_bits + 1 != p->size_bits || child_size_bits < UNIALLOC_SEL4_MIN_UNTYPED) {
        violation(fake, "split(%llu): child size %u for a %u-bit untyped",
                  (unsigned long long)parent, child_size_bits, p->size_bits);
        return 1;
    }
    uint64_t dst[2] = {slot_low, slot_high};
    for (int i = 0; i < 2; i++) {
        if (!slot_valid(fake, dst[i]) || !fake->slots[dst[i]].reserved ||
            fake->slots[dst[i]].has_cap || dst[0] == dst[1]) {
            violation(fake, "split: destination slot %llu not empty and reserved",
                      (unsigned long long)dst[i]);
            return 1;
        }
    }
    if (should_fail(fake, FAKE_UT_SPLIT)) {
        return 1;
    }
    uint64_t half = (uint64_t)1 << child_size_bits;
    for (int i = 0; i < 2; i++) {
        cap_create(fake, (uint32_t)dst[i], (int32_t)parent, p->paddr + (uint64_t)i * half,
                   child_size_bits, p->device, true);
    }
    return 0;
}

static int op_revoke(void *ctx, uint64_t cap)
{
    fake_untyped_t *fake = ctx;
    if (!slot_valid(fake, cap) || !fake->slots[cap].has_cap) {
        violation(fake, "revoke(%llu): empty slot", (unsigned long long)cap);
        return 1;
    }
    if (should_fail(fake, FAKE_UT_REVOKE)) {
        return 1;
    }
    descendants_delete(fake, (uint32_t)cap);
    return 0;
}

const unialloc_ops_t fake_untyped_ops = {
        .slot_alloc = op_slot_alloc,
        .slot_free = op_slot_free,
        .split = op_split,
        .revoke = op_revoke,
};

uint64_t fake_untyped_add_root(fake_untyped_t *fake, uint64_t paddr, unsigned size_bits,
                               bool device)
{
    int32_t s = slot_reserve(fake);
    if (s < 0) {
        violation(fake, "add_root: out of slots");
        return UINT64_MAX;
    }
    cap_create(fake, (uint32_t)s, -1, paddr, size_bits, device, true);
    return (uint64_t)s;
}

void fake_untyped_user_retype(fake_untyped_t *fake, uint64_t cap)
{
    if (!slot_valid(fake, cap) || !fake->slots[cap].has_cap || !fake->slots[cap].untyped) {
        violation(fake, "user_retype(%llu): not an untyped", (unsigned long long)cap);
        return;
    }
    int32_t s = slot_reserve(fake);
    if (s < 0) {
        violation(fake, "user_retype: out of slots");
        return;
    }
    fake->slots[s].user_slot = true;
    const fake_slot_t *p = &fake->slots[cap];
    cap_create(fake, (uint32_t)s, (int32_t)cap, p->paddr, p->size_bits, p->device, false);
}

uint32_t fake_untyped_reserved(const fake_untyped_t *fake)
{
    return fake->slot_count - fake->free_top;
}

bool fake_untyped_is_fresh(const fake_untyped_t *fake, uint64_t cap, uint64_t paddr,
                           unsigned size_bits, bool device)
{
    if (!slot_valid(fake, cap)) {
        return false;
    }
    const fake_slot_t *s = &fake->slots[cap];
    return s->has_cap && s->untyped && s->paddr == paddr && s->size_bits == size_bits &&
           s->device == device && s->first_child < 0;
}

uint32_t fake_untyped_children(const fake_untyped_t *fake, uint64_t cap)
{
    uint32_t n = 0;
    if (!slot_valid(fake, cap)) {
        return 0;
    }
    for (int32_t c = fake->slots[cap].first_child; c >= 0; c = fake->slots[c].next_sibling) {
        n++;
    }
    return n;
}
