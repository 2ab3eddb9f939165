/*
 * The fake host of the software TLB's tests (shadow_fake.h): simulated host tables of two
 * spaces, filled by the callbacks and checked against the kernel's rules on every call.
 */
#include "shadow_fake.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_ERROR 7 /* what a failing call returns (seL4_DeleteFirst, say) */

static void fake_breach(shadow_fake_t *fake, const char *format, ...)
{
    va_list args;

    if (fake->breach[0] != '\0') {
        return;
    }
    va_start(args, format);
    vsnprintf(fake->breach, sizeof(fake->breach), format, args);
    va_end(args);
}

static uint32_t fake_bound(const shadow_fake_t *fake, unsigned pool)
{
    const uint32_t bounds[4] = {fake->bounds.pdpts, fake->bounds.pds, fake->bounds.pts,
                                fake->bounds.pages};
    return bounds[pool];
}

void shadow_fake_init(shadow_fake_t *fake, const pv_shadow_config_t *bounds, uint64_t ram_size)
{
    memset(fake, 0, sizeof(*fake));
    fake->bounds = *bounds;
    fake->ram_size = ram_size;
    for (unsigned pool = 0; pool < 3; pool++) {
        fake->tables[pool] = calloc(fake_bound(fake, pool), sizeof(shadow_fake_table_t));
        if (fake->tables[pool] == NULL) {
            abort();
        }
    }
    fake->pages = calloc(bounds->pages, sizeof(shadow_fake_page_t));
    if (fake->pages == NULL) {
        abort();
    }
    memset(fake->roots, 0xff, sizeof(fake->roots));
}

void shadow_fake_free(shadow_fake_t *fake)
{
    for (unsigned pool = 0; pool < 3; pool++) {
        free(fake->tables[pool]);
    }
    free(fake->pages);
}

static unsigned fake_index(uint64_t address, unsigned shift)
{
    return (unsigned)(address >> shift) & 511;
}

/* The entry of the table above that would hold a table of `pool` at address, or NULL when that
 * table is not mapped (an entry of a root for a PDPT). */
static int32_t *fake_parent_entry(shadow_fake_t *fake, unsigned space, unsigned pool,
                                  uint64_t address)
{
    int32_t *entry = &fake->roots[space][fake_index(address, 39)];

    for (unsigned level = 0; level < pool; level++) {
        if (*entry == SHADOW_FAKE_EMPTY) {
            return NULL;
        }
        entry = &fake->tables[level][*entry].children[fake_index(address, 30 - 9 * level)];
    }
    return entry;
}

/* The call's turn: false when it is the one to fail. */
static bool fake_turn(shadow_fake_t *fake, unsigned which)
{
    fake->calls[which]++;
    fake->all_calls++;
    return fake->fail_at == 0 || fake->all_calls != fake->fail_at;
}

static bool fake_table_reachable(const shadow_fake_t *fake, unsigned pool, int32_t slot)
{
    const shadow_fake_table_t *table = &fake->tables[pool][slot];
    int32_t *entry;

    if (!table->mapped) {
        return false;
    }
    entry = fake_parent_entry((shadow_fake_t *)fake, table->space, pool, table->base);
    return entry != NULL && *entry == slot;
}

static bool fake_table_args(shadow_fake_t *fake, pv_shadow_space_t space, unsigned level,
                            uint32_t slot, uint64_t base)
{
    unsigned shift = 12 + 9 * level;

    if (level < 1 || level > 3 || (unsigned)space >= PV_SHADOW_SPACES ||
        slot >= fake_bound(fake, 3 - level)) {
        fake_breach(fake, "table call: level %u space %d slot %u out of range", level, space, slot);
        return false;
    }
    if ((base & ((1ull << shift) - 1)) != 0 || !pv_canonical(base)) {
        fake_breach(fake, "table call: base %#llx not aligned or not canonical",
                    (unsigned long long)base);
        return false;
    }
    return true;
}

static int fake_map_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                          gva_t base)
{
    shadow_fake_t *fake = context;
    unsigned pool = 3 - level;
    int32_t *entry;

    if (!fake_turn(fake, 0) || !fake_table_args(fake, space, level, slot, base.value)) {
        return FAKE_ERROR;
    }
    if (pool == 0 && fake_index(base.value, 39) == 256) {
        fake_breach(fake, "map_table: the kernel's PML4 slot");
        return FAKE_ERROR;
    }
    entry = fake_parent_entry(fake, space, pool, base.value);
    if (entry == NULL || *entry != SHADOW_FAKE_EMPTY) {
        fake_breach(fake, "map_table: level %u at %#llx: parent %s", level,
                    (unsigned long long)base.value, entry == NULL ? "missing" : "entry occupied");
        return FAKE_ERROR;
    }
    if (fake_table_reachable(fake, pool, (int32_t)slot)) {
        fake_breach(fake, "map_table: level %u slot %u is mapped already", level, slot);
        return FAKE_ERROR;
    }
    fake->tables[pool][slot].mapped = true;
    fake->tables[pool][slot].space = (uint8_t)space;
    fake->tables[pool][slot].base = base.value;
    memset(fake->tables[pool][slot].children, 0xff, sizeof(fake->tables[pool][slot].children));
    *entry = (int32_t)slot;
    return 0;
}

static int fake_unmap_table(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                            gva_t base)
{
    shadow_fake_t *fake = context;
    unsigned pool = 3 - level;
    shadow_fake_table_t *table;

    if (!fake_turn(fake, 1) || !fake_table_args(fake, space, level, slot, base.value)) {
        return FAKE_ERROR;
    }
    table = &fake->tables[pool][slot];
    if (!fake_table_reachable(fake, pool, (int32_t)slot) || table->space != space ||
        table->base != base.value) {
        fake_breach(fake, "unmap_table: level %u slot %u is not mapped at %#llx", level, slot,
                    (unsigned long long)base.value);
        return FAKE_ERROR;
    }
    *fake_parent_entry(fake, space, pool, base.value) = SHADOW_FAKE_EMPTY;
    table->mapped = false;
    return 0;
}

bool shadow_fake_page_reachable(const shadow_fake_t *fake, int32_t slot)
{
    const shadow_fake_page_t *page = &fake->pages[slot];
    int32_t *entry;

    if (!page->mapped) {
        return false;
    }
    entry = fake_parent_entry((shadow_fake_t *)fake, page->space, 3, page->address);
    return entry != NULL && *entry == slot;
}

static int fake_map_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address,
                         gpa_t frame, unsigned rights)
{
    shadow_fake_t *fake = context;
    int32_t *entry;

    if (!fake_turn(fake, 2)) {
        return FAKE_ERROR;
    }
    if ((unsigned)space >= PV_SHADOW_SPACES || slot >= fake->bounds.pages ||
        (rights & ~(PV_SHADOW_WRITE | PV_SHADOW_EXEC)) != 0) {
        fake_breach(fake, "map_page: space %d slot %u rights %#x", space, slot, rights);
        return FAKE_ERROR;
    }
    if ((address.value & 4095) != 0 || !pv_canonical(address.value) ||
        fake_index(address.value, 39) == 256) {
        fake_breach(fake, "map_page: address %#llx", (unsigned long long)address.value);
        return FAKE_ERROR;
    }
    if ((frame.value & 4095) != 0 || frame.value >= fake->ram_size) {
        fake_breach(fake, "map_page: frame %#llx is not a page of RAM",
                    (unsigned long long)frame.value);
        return FAKE_ERROR;
    }
    entry = fake_parent_entry(fake, space, 3, address.value);
    if (entry == NULL || *entry != SHADOW_FAKE_EMPTY || shadow_fake_page_reachable(fake, slot)) {
        fake_breach(fake, "map_page: %#llx slot %u: %s", (unsigned long long)address.value, slot,
                    entry == NULL                 ? "no page table"
                    : *entry != SHADOW_FAKE_EMPTY ? "entry occupied"
                                                  : "slot mapped elsewhere");
        return FAKE_ERROR;
    }
    fake->pages[slot] =
            (shadow_fake_page_t){true, (uint8_t)space, address.value, frame.value, rights};
    *entry = (int32_t)slot;
    return 0;
}

static int fake_unmap_page(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address)
{
    shadow_fake_t *fake = context;
    shadow_fake_page_t *page;

    if (!fake_turn(fake, 3)) {
        return FAKE_ERROR;
    }
    if ((unsigned)space >= PV_SHADOW_SPACES || slot >= fake->bounds.pages) {
        fake_breach(fake, "unmap_page: space %d slot %u", space, slot);
        return FAKE_ERROR;
    }
    page = &fake->pages[slot];
    if (!shadow_fake_page_reachable(fake, (int32_t)slot) || page->space != space ||
        page->address != address.value) {
        fake_breach(fake, "unmap_page: slot %u is not mapped at %#llx", slot,
                    (unsigned long long)address.value);
        return FAKE_ERROR;
    }
    *fake_parent_entry(fake, space, 3, address.value) = SHADOW_FAKE_EMPTY;
    page->mapped = false;
    return 0;
}

pv_shadow_ops_t shadow_fake_ops(shadow_fake_t *fake)
{
    return (pv_shadow_ops_t){.context = fake,
                             .map_table = fake_map_table,
                             .unmap_table = fake_unmap_table,
                             .map_page = fake_map_page,
                             .unmap_page = fake_unmap_page};
}

shadow_fake_translation_t shadow_fake_translate(const shadow_fake_t *fake, pv_shadow_space_t space,
                                                uint64_t address)
{
    shadow_fake_translation_t out = {.slot = SHADOW_FAKE_EMPTY};
    const int32_t *entry = fake_parent_entry((shadow_fake_t *)fake, space, 3, address);

    if (entry != NULL && *entry != SHADOW_FAKE_EMPTY) {
        const shadow_fake_page_t *page = &fake->pages[*entry];

        out = (shadow_fake_translation_t){true, page->frame, page->rights, *entry};
    }
    return out;
}

void shadow_fake_count(const shadow_fake_t *fake, uint32_t counts[4])
{
    for (unsigned pool = 0; pool < 3; pool++) {
        counts[pool] = 0;
        for (uint32_t slot = 0; slot < fake_bound(fake, pool); slot++) {
            counts[pool] += fake_table_reachable(fake, pool, (int32_t)slot) ? 1 : 0;
        }
    }
    counts[3] = 0;
    for (uint32_t slot = 0; slot < fake->bounds.pages; slot++) {
        counts[3] += shadow_fake_page_reachable(fake, (int32_t)slot) ? 1 : 0;
    }
}
