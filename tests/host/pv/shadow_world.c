/*
 * The software TLB's test world (shadow_world.h): guest layout, random operations, and the
 * invariants checked after each. What a fill may map is decided here independently, by the
 * tests' reference walker (walk_model.c) over the guest's tables after the fill.
 */
#include "shadow_world.h"

#include "walk_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)

#define USER_BASE    0x400000ull
#define MMIO_VA      0xa00000ull
#define LARGE_2M_VA  0x40000000ull
#define KERNEL_BASE  0xffffffff80000000ull
#define LARGE_1G_VA  0xffffffffc0000000ull
#define RESERVED_VA  0xffff800000010000ull
#define BAD_TABLE_VA 0x00007f0000000000ull
#define UNMAPPED_VA  0x0000700000000000ull

static bool world_fail(shadow_world_t *world, const char *format, ...)
{
    if (world->failure[0] == '\0') {
        va_list args;

        va_start(args, format);
        vsnprintf(world->failure, sizeof(world->failure), format, args);
        va_end(args);
    }
    return false;
}

static void world_candidate(shadow_world_t *world, uint64_t address)
{
    if (world->candidate_count == SHADOW_WORLD_CANDIDATES) {
        abort();
    }
    world->candidates[world->candidate_count++] = address & ~0xfffull;
}

static int world_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void world_map(shadow_world_t *world, unsigned root, uint64_t va, uint64_t pa, uint64_t size,
                      uint64_t flags)
{
    walk_fake_map(&world->guest, PV_PAGING_4LEVEL, world->roots[root], va, pa, size, WALK_URW,
                  flags);
}

/* Three address spaces: user halves of their own, one kernel half (PML4 entry 511) shared. */
static void world_layout(shadow_world_t *world)
{
    walk_fake_t *guest = &world->guest;

    for (unsigned i = 0; i < 3; i++) {
        world->roots[i] = walk_fake_table(guest);
    }
    for (uint64_t i = 0; i < 24; i++) {
        uint64_t flags = WALK_URW & ~(i % 4 == 1 ? WALK_RW : 0);

        flags |= i % 3 == 0 ? WALK_NX : 0;
        /* Three PTs of one PD, two of another: room for every kind of eviction. */
        uint64_t user = USER_BASE + (i % 3) * 2 * MIB + (i / 3) * 4096;
        uint64_t kernel = KERNEL_BASE + (i % 2) * 2 * MIB + (i / 2) * 4096;

        world_map(world, 0, user, 0x10000 + i * 4096, 4096, flags);
        world_map(world, 1, user, 0x30000 + i * 4096, 4096, WALK_URW | WALK_D);
        if (i % 2 == 0) {
            world_map(world, 2, user, 0x10000 + i * 4096, 4096, WALK_URW);
        }
        flags = (WALK_P | WALK_RW) & ~(i % 5 == 0 ? WALK_RW : 0);
        flags |=
                (i % 2 == 0 ? WALK_G : 0) | (i % 3 == 2 ? WALK_NX : 0) | (i % 7 == 0 ? WALK_US : 0);
        world_map(world, 0, kernel, 0x48000 + i * 4096, 4096, flags);
        world_candidate(world, user);
        world_candidate(world, kernel);
    }
    world_map(world, 0, LARGE_2M_VA, 0, 2 * MIB, WALK_URW);
    world_map(world, 1, LARGE_2M_VA, 0, 2 * MIB, WALK_URW | WALK_D | WALK_G);
    world_map(world, 0, LARGE_1G_VA, 0, GIB, WALK_P | WALK_RW | WALK_G);
    world_map(world, 0, MMIO_VA, 0xfee00000ull, 4096, WALK_URW);
    world_map(world, 0, RESERVED_VA, 0x3000, 4096, WALK_P | WALK_RW);
    walk_fake_put(guest, world->roots[0] + ((BAD_TABLE_VA >> 39) & 511) * 8,
                  0x80000000ull | WALK_URW, 8);
    for (unsigned i = 1; i < 3; i++) {
        for (unsigned shared = 256; shared < 512; shared += 255) {
            walk_fake_put(guest, world->roots[i] + shared * 8,
                          walk_fake_get(guest, world->roots[0] + shared * 8, 8), 8);
        }
    }
    for (uint64_t j = 0; j < 16; j++) {
        world_candidate(world, LARGE_2M_VA + j * 0x9000);
        world_candidate(world, LARGE_1G_VA + j * 0x11000);
    }
    for (uint64_t j = 0; j < 4; j++) {
        world_candidate(world, UNMAPPED_VA + j * 4096);
    }
    world_candidate(world, MMIO_VA);
    world_map(world, 0, RESERVED_VA + 0x1000, 0x4000, 4096, WALK_URW);
    world_candidate(world, RESERVED_VA);
    world_candidate(world, RESERVED_VA + 0x1000);
    world_candidate(world, RESERVED_VA + 0x10000);
    world_candidate(world, BAD_TABLE_VA);
    qsort(world->candidates, world->candidate_count, sizeof(uint64_t), world_compare);
    for (unsigned k = 1; k < world->candidate_count; k++) {
        if (world->candidates[k] == world->candidates[k - 1]) {
            abort(); /* one page, one candidate */
        }
    }
}

/* Every entry a candidate's walk reads, in every space, down to its leaf (each once). */
static void world_collect_entries(shadow_world_t *world)
{
    static const unsigned words = SHADOW_WORLD_RAM / 8 / 64;
    uint64_t seen[SHADOW_WORLD_RAM / 8 / 64] = {0};

    for (unsigned root = 0; root < 3; root++) {
        for (unsigned k = 0; k < world->candidate_count; k++) {
            for (unsigned level = 4; level >= 1; level--) {
                uint64_t at = walk_fake_entry(&world->guest, PV_PAGING_4LEVEL, world->roots[root],
                                              world->candidates[k], level);
                uint64_t value, word, bit;

                if (at == 0 || at + 8 > SHADOW_WORLD_RAM) {
                    break;
                }
                value = walk_fake_get(&world->guest, at, 8);
                word = (at / 8) / 64 % words;
                bit = 1ull << ((at / 8) % 64);
                if ((seen[word] & bit) == 0 && world->entry_count < SHADOW_WORLD_ENTRIES) {
                    seen[word] |= bit;
                    world->originals[world->entry_count] = value;
                    world->entries[world->entry_count++] = at;
                }
                if ((value & WALK_P) == 0 || (level > 1 && level < 4 && (value & WALK_PS) != 0)) {
                    break;
                }
            }
        }
    }
}

void shadow_world_init(shadow_world_t *world, const pv_shadow_config_t *bounds)
{
    size_t size = pv_shadow_storage_size(bounds);
    pv_shadow_ops_t ops;

    memset(world, 0, sizeof(*world));
    walk_fake_init(&world->guest, SHADOW_WORLD_RAM);
    world_layout(world);
    world_collect_entries(world);
    world->paging = walk_fake_paging(PV_PAGING_4LEVEL, world->roots[0]);
    world->paging.cr0 |= PV_PAGING_CR0_WP;
    world->paging.cr4 |= PV_PAGING_CR4_PGE;
    shadow_fake_init(&world->host, bounds, SHADOW_WORLD_RAM);
    ops = shadow_fake_ops(&world->host);
    world->storage = aligned_alloc(64, (size + 63) & ~(size_t)63);
    if (world->storage == NULL || pv_shadow_init(&world->shadow, bounds, &ops, &world->guest.memory,
                                                 world->storage, size) != PV_SHADOW_OK) {
        abort();
    }
}

void shadow_world_free(shadow_world_t *world)
{
    free(world->storage);
    shadow_fake_free(&world->host);
    walk_fake_free(&world->guest);
}

static int world_find(const shadow_world_t *world, uint64_t page)
{
    unsigned low = 0, high = world->candidate_count;

    while (low < high) {
        unsigned middle = (low + high) / 2;

        if (world->candidates[middle] < page) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return low < world->candidate_count && world->candidates[low] == page ? (int)low : -1;
}

/* Forgets what the architecture says an invalidation removes. */
typedef enum { FORGET_ALL, FORGET_NON_GLOBAL, FORGET_AC, FORGET_ADDRESS } forget_t;

static void world_forget(shadow_world_t *world, forget_t what, uint64_t address)
{
    for (unsigned space = 0; space < PV_SHADOW_SPACES; space++) {
        for (unsigned k = 0; k < world->candidate_count; k++) {
            shadow_record_t *record = &world->records[space][k];
            bool forget = what == FORGET_ALL || (what == FORGET_NON_GLOBAL && !record->global) ||
                          (what == FORGET_AC && record->needs_ac) ||
                          (what == FORGET_ADDRESS && address >= record->page_base &&
                           address - record->page_base < record->page_size);

            if (forget) {
                record->valid = false;
            }
        }
    }
}

/* What a fill of this view allows, by the reference walker after the fill. */
static void world_record(shadow_world_t *world, pv_shadow_space_t space, int k, uint64_t address)
{
    unsigned base = (space == PV_SHADOW_USER ? PV_ACCESS_USER : 0) |
                    (world->ac ? PV_ACCESS_AC : 0) | PV_ACCESS_NO_AD;
    walk_model_result_t read, write, fetch, without_ac;
    const walk_model_result_t *any;
    shadow_record_t *record = &world->records[space][k];

    walk_model(world->guest.ram, SHADOW_WORLD_RAM, &world->paging, address, base, &read);
    walk_model(world->guest.ram, SHADOW_WORLD_RAM, &world->paging, address, base | PV_ACCESS_WRITE,
               &write);
    walk_model(world->guest.ram, SHADOW_WORLD_RAM, &world->paging, address, base | PV_ACCESS_FETCH,
               &fetch);
    walk_model(world->guest.ram, SHADOW_WORLD_RAM, &world->paging, address, base & ~PV_ACCESS_AC,
               &without_ac);
    any = read.status == PV_WALK_OK ? &read : fetch.status == PV_WALK_OK ? &fetch : &write;
    *record = (shadow_record_t){
            .valid = true,
            .readable = read.status == PV_WALK_OK || fetch.status == PV_WALK_OK,
            .global = any->global,
            .needs_ac = space == PV_SHADOW_KERNEL && read.status == PV_WALK_OK &&
                        without_ac.status != PV_WALK_OK,
            .guest_user = any->user,
            .rights = (write.status == PV_WALK_OK && write.dirty ? PV_SHADOW_WRITE : 0) |
                      (fetch.status == PV_WALK_OK ? PV_SHADOW_EXEC : 0),
            .frame = any->address & ~0xfffull,
            .page_base = any->page_base,
            .page_size = any->page_size,
    };
}

static bool world_allows(shadow_fake_translation_t translation, unsigned kind)
{
    unsigned needed = kind == 1 ? PV_SHADOW_WRITE : kind == 2 ? PV_SHADOW_EXEC : 0;

    return translation.present && (translation.rights & needed) == needed;
}

/* Whether the fill's outcome is the one the reference walker gives. */
static bool world_judge(shadow_world_t *world, pv_shadow_space_t space, int k, uint64_t address,
                        unsigned access, unsigned kind, const pv_shadow_fill_t *out)
{
    walk_model_result_t model;
    pv_shadow_status_t expected;

    walk_model(world->guest.ram, SHADOW_WORLD_RAM, &world->paging, address,
               access | PV_ACCESS_NO_AD, &model);
    switch (model.status) {
    case PV_WALK_FAULT:
        expected = PV_SHADOW_GUEST_FAULT;
        break;
    case PV_WALK_BAD_TABLE:
        expected = PV_SHADOW_BAD_TABLE;
        break;
    case PV_WALK_OK:
        expected = pv_shadow_reserved(gva(address))              ? PV_SHADOW_RESERVED
                   : (model.address | 0xfff) >= SHADOW_WORLD_RAM ? PV_SHADOW_MMIO
                                                                 : PV_SHADOW_FILLED;
        break;
    default:
        expected = PV_SHADOW_NON_CANONICAL;
        break;
    }
    if (out->status != expected || out->space != space ||
        (expected == PV_SHADOW_GUEST_FAULT && out->error_code != model.error_code) ||
        (expected == PV_SHADOW_MMIO && out->address.value != model.address) ||
        (expected == PV_SHADOW_BAD_TABLE && out->address.value != model.table_address)) {
        return world_fail(world,
                          "fill of %#llx access %#x: status %d code %#x, expected %d code %#x",
                          (unsigned long long)address, access, out->status, out->error_code,
                          expected, model.error_code);
    }
    world->seen[expected == PV_SHADOW_FILLED        ? SHADOW_SEEN_FILLED
                : expected == PV_SHADOW_GUEST_FAULT ? SHADOW_SEEN_GUEST_FAULT
                : expected == PV_SHADOW_MMIO        ? SHADOW_SEEN_MMIO
                : expected == PV_SHADOW_RESERVED    ? SHADOW_SEEN_RESERVED
                : expected == PV_SHADOW_BAD_TABLE   ? SHADOW_SEEN_BAD_TABLE
                                                    : SHADOW_SEEN_NON_CANONICAL]++;
    if (expected != PV_SHADOW_FILLED) {
        return true;
    }
    world_record(world, space, k, address);
    if (!world_allows(shadow_fake_translate(&world->host, space, address), kind)) {
        return world_fail(world, "fill of %#llx access %#x: the access would fault again",
                          (unsigned long long)address, access);
    }
    return true;
}

static bool world_access(shadow_world_t *world, uint64_t random)
{
    static const unsigned kinds[3] = {0, PV_ACCESS_WRITE, PV_ACCESS_FETCH};
    pv_shadow_space_t space = (random & 1) != 0 ? PV_SHADOW_USER : PV_SHADOW_KERNEL;
    unsigned kind = (unsigned)(random >> 1) % 3;
    /* Half the accesses go to a small set of pages that drifts, as a program's working set. */
    unsigned hot = (unsigned)(world->steps / 256 * 5 + (random >> 3) % 6);
    int k = (int)(((random >> 9) & 1) != 0 ? hot % world->candidate_count
                                           : (random >> 3) % world->candidate_count);
    uint64_t address = world->candidates[k] + ((random >> 16) & 0xff8);
    bool forced = ((random >> 28) & 7) == 0;
    unsigned access = kinds[kind] | (space == PV_SHADOW_USER ? PV_ACCESS_USER : 0) |
                      (world->ac ? PV_ACCESS_AC : 0);
    pv_shadow_fill_t out;

    if (!forced && world_allows(shadow_fake_translate(&world->host, space, address), kind)) {
        world->seen[SHADOW_SEEN_NO_FAULT]++;
        return true;
    }
    (void)pv_shadow_fill(&world->shadow, &world->paging, gva(address), access, &out);
    return world_judge(world, space, k, address, access, kind, &out);
}

static bool world_edit(shadow_world_t *world, uint64_t random)
{
    static const uint64_t flips[] = {WALK_P, WALK_RW, WALK_US, WALK_G, WALK_NX, WALK_PS};
    unsigned e = (unsigned)(random % world->entry_count);
    uint64_t at = world->entries[e];
    uint64_t value = walk_fake_get(&world->guest, at, 8);
    unsigned how = (unsigned)(random >> 16) % 12;

    if (how < 5) {
        value ^= flips[how];
    } else if (how == 5 && ((random >> 24) & 7) == 0) {
        value ^= WALK_PS;
    } else if (how == 6) {
        value &= ~(WALK_A | WALK_D);
    } else if (how == 7) {
        value = (value & ~0x000ffffffffff000ull) | ((random >> 32) % 128) << 12;
    } else {
        value = world->originals[e]; /* edits undone as often as made: the tables stay useful */
    }
    walk_fake_put(&world->guest, at, value, 8);
    world->seen[SHADOW_SEEN_EDIT]++;
    return true;
}

static bool world_expect_ok(shadow_world_t *world, pv_shadow_status_t status, const char *what)
{
    if (status != PV_SHADOW_OK) {
        return world_fail(world, "%s: status %d", what, status);
    }
    return true;
}

static bool world_invlpg(shadow_world_t *world, uint64_t random)
{
    int k = (int)(random % world->candidate_count);
    uint64_t address = world->candidates[k] + ((random >> 16) & 0xfff);

    if (((random >> 32) & 3) == 0) {
        /* Anywhere in a large page's neighbourhood, not only at a candidate. */
        address = world->candidates[k] + ((random >> 34) & (4 * MIB - 1));
    }
    world_forget(world, FORGET_ADDRESS, address);
    world->seen[SHADOW_SEEN_INVLPG]++;
    return world_expect_ok(world, pv_shadow_invalidate_page(&world->shadow, gva(address)),
                           "invalidate_page");
}

static bool world_cr3(shadow_world_t *world, uint64_t random)
{
    world->current = (unsigned)(random % 3);
    world->paging.cr3 = world->roots[world->current];
    world_forget(world, FORGET_NON_GLOBAL, 0);
    world->seen[SHADOW_SEEN_CR3]++;
    return world_expect_ok(world, pv_shadow_new_cr3(&world->shadow, &world->paging), "new_cr3");
}

static bool world_mode(shadow_world_t *world, uint64_t random)
{
    /* Paging off is a short visit: the next change turns it on again. */
    switch ((world->paging.cr0 & PV_PAGING_CR0_PG) == 0 ? 11 : random % 12) {
    case 0:
    case 1:
        world->paging.cr0 ^= PV_PAGING_CR0_WP;
        break;
    case 2:
    case 3:
        world->paging.cr4 ^= PV_PAGING_CR4_PGE;
        break;
    case 4:
    case 5:
        world->paging.cr4 ^= PV_PAGING_CR4_SMEP;
        break;
    case 6:
    case 7:
    case 8:
        world->paging.cr4 ^= PV_PAGING_CR4_SMAP;
        break;
    case 9:
    case 10:
        world->paging.efer ^= PV_PAGING_EFER_NXE;
        break;
    default:
        world->paging.cr0 ^= PV_PAGING_CR0_PG;
        break;
    }
    world_forget(world, FORGET_ALL, 0);
    world->seen[SHADOW_SEEN_MODE]++;
    return world_expect_ok(world, pv_shadow_paging_changed(&world->shadow, &world->paging),
                           "paging_changed");
}

static bool world_ac(shadow_world_t *world, uint64_t random)
{
    world->ac = (random & 1) != 0;
    if (!world->ac) {
        world_forget(world, FORGET_AC, 0);
    }
    world->seen[SHADOW_SEEN_AC]++;
    return world_expect_ok(world, pv_shadow_ac_changed(&world->shadow, world->ac), "ac_changed");
}

static bool world_flush(shadow_world_t *world, uint64_t random)
{
    bool keep_global = (random & 1) != 0;

    world_forget(world, keep_global ? FORGET_NON_GLOBAL : FORGET_ALL, 0);
    world->seen[SHADOW_SEEN_FLUSH]++;
    return world_expect_ok(world, pv_shadow_flush(&world->shadow, keep_global), "flush");
}

bool shadow_world_step(shadow_world_t *world, uint64_t random)
{
    unsigned op = (unsigned)(random % 100);
    uint64_t rest = random / 100;
    bool ok;

    world->steps++;
    if (op < 70) {
        ok = world_access(world, rest);
    } else if (op < 80) {
        ok = world_edit(world, rest);
    } else if (op < 88) {
        ok = world_invlpg(world, rest);
    } else if (op < 92) {
        ok = world_cr3(world, rest);
    } else if (op < 94) {
        ok = world_mode(world, rest);
    } else if (op < 99) {
        ok = world_ac(world, rest);
    } else {
        ok = world_flush(world, rest);
    }
    return ok && shadow_world_check(world);
}

/* One host page against what its view's last fill allowed. */
static bool world_check_page(shadow_world_t *world, const shadow_fake_page_t *page)
{
    int k = world_find(world, page->address);
    const shadow_record_t *record;

    if (k < 0) {
        return world_fail(world, "host maps %#llx, which no fill asked for",
                          (unsigned long long)page->address);
    }
    record = &world->records[page->space][k];
    if (!record->valid) {
        return world_fail(world, "space %u maps %#llx after it was invalidated", page->space,
                          (unsigned long long)page->address);
    }
    if (page->frame != record->frame || (page->rights & ~record->rights) != 0 ||
        !record->readable) {
        return world_fail(world,
                          "space %u maps %#llx to %#llx rights %#x; the guest allowed %#llx "
                          "rights %#x%s",
                          page->space, (unsigned long long)page->address,
                          (unsigned long long)page->frame, page->rights,
                          (unsigned long long)record->frame, record->rights,
                          record->readable ? "" : " and no read");
    }
    if (page->space == PV_SHADOW_USER && !record->guest_user) {
        return world_fail(world, "the user view maps the supervisor page %#llx",
                          (unsigned long long)page->address);
    }
    return true;
}

bool shadow_world_check(shadow_world_t *world)
{
    pv_shadow_stats_t stats;
    uint32_t counts[4];

    if (world->host.breach[0] != '\0') {
        return world_fail(world, "host rules broken: %s", world->host.breach);
    }
    for (uint32_t slot = 0; slot < world->host.bounds.pages; slot++) {
        if (shadow_fake_page_reachable(&world->host, (int32_t)slot) &&
            !world_check_page(world, &world->host.pages[slot])) {
            return false;
        }
    }
    pv_shadow_stats(&world->shadow, &stats);
    shadow_fake_count(&world->host, counts);
    for (unsigned pool = 0; pool < PV_SHADOW_POOLS; pool++) {
        if (counts[pool] != stats.in_use[pool] || stats.in_use[pool] > stats.bounds[pool]) {
            return world_fail(world, "pool %u: host holds %u, software TLB counts %u of %u", pool,
                              counts[pool], stats.in_use[pool], stats.bounds[pool]);
        }
    }
    return true;
}
