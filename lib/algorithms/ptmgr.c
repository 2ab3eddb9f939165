/* Page-table manager: a software radix tree mirroring the real tables, with per-level pools of
 * table objects. Every change to the real tables goes through a callback first; records change
 * only after the callback succeeded, so a failure never leaves the two out of step. */
#include <algorithms/ptmgr.h>

#include "bits.h"
#include "mem.h"

#define WALK_UNMAP   1u
#define WALK_RELEASE 2u

static bool config_valid(const ptmgr_config_t *c)
{
    return c != NULL && c->levels >= 1 && c->levels <= PTMGR_MAX_LEVELS && c->bits_per_level >= 1 &&
           c->bits_per_level <= PTMGR_MAX_BITS_PER_LEVEL &&
           c->leaf_bits + c->levels * c->bits_per_level <= 64;
}

size_t ptmgr_storage_bytes(const ptmgr_config_t *config, uint32_t max_tables)
{
    if (!config_valid(config) || max_tables == 0 || max_tables > ((uint32_t)1 << 31)) {
        return 0;
    }
    size_t entries = (size_t)1 << config->bits_per_level;
    size_t words = (entries + 63) / 64;
    return (size_t)max_tables * (sizeof(ptmgr_table_t) + (entries + words) * sizeof(uint64_t));
}

/* Address bit where the entry index of a `level` table starts; an entry spans 2^shift bytes. */
static inline unsigned entry_shift(const ptmgr_t *pm, unsigned level)
{
    return pm->config.leaf_bits + (pm->config.levels - 1 - level) * pm->config.bits_per_level;
}

static inline uint32_t entry_index(const ptmgr_t *pm, unsigned level, uint64_t linear)
{
    return (uint32_t)((linear >> entry_shift(pm, level)) & (pm->entries - 1));
}

static inline uint64_t *values_of(const ptmgr_t *pm, uint32_t r)
{
    return &pm->values[(size_t)r * pm->entries];
}

static inline uint64_t *present_of(const ptmgr_t *pm, uint32_t r)
{
    return &pm->present[(size_t)r * pm->present_words];
}

static inline bool entry_present(const ptmgr_t *pm, uint32_t r, uint32_t idx)
{
    return (present_of(pm, r)[idx / 64] >> (idx % 64)) & 1u;
}

static inline void entry_set(ptmgr_t *pm, uint32_t r, uint32_t idx, uint64_t value)
{
    present_of(pm, r)[idx / 64] |= (uint64_t)1 << (idx % 64);
    values_of(pm, r)[idx] = value;
    pm->tables[r].used++;
}

static inline void entry_clear(ptmgr_t *pm, uint32_t r, uint32_t idx)
{
    present_of(pm, r)[idx / 64] &= ~((uint64_t)1 << (idx % 64));
    values_of(pm, r)[idx] = 0;
    pm->tables[r].used--;
}

/* Canonical or plain virtual address -> linear address in [0, 2^va_bits). */
static alg_error_t to_linear(const ptmgr_t *pm, uint64_t vaddr, uint64_t *linear)
{
    unsigned va = pm->va_bits;
    if (va >= 64) {
        *linear = vaddr;
        return ALG_OK;
    }
    if (pm->config.canonical) {
        uint64_t high = vaddr >> (va - 1);
        if (high != 0 && high != (~(uint64_t)0 >> (va - 1))) {
            return ALG_ERR_OUT_OF_RANGE;
        }
        *linear = vaddr & bits_low_mask(va);
        return ALG_OK;
    }
    if ((vaddr >> va) != 0) {
        return ALG_ERR_OUT_OF_RANGE;
    }
    *linear = vaddr;
    return ALG_OK;
}

static uint64_t to_virtual(const ptmgr_t *pm, uint64_t linear)
{
    unsigned va = pm->va_bits;
    if (pm->config.canonical && va < 64 && ((linear >> (va - 1)) & 1u) != 0) {
        return linear | ~bits_low_mask(va);
    }
    return linear;
}

static uint32_t list_pop(ptmgr_t *pm, uint32_t *head)
{
    uint32_t r = *head;
    *head = pm->tables[r].next;
    pm->tables[r].next = PTMGR_NO_RECORD;
    return r;
}

static void list_push(ptmgr_t *pm, uint32_t *head, uint32_t r)
{
    pm->tables[r].next = *head;
    *head = r;
}

alg_error_t ptmgr_init(ptmgr_t *pm, const ptmgr_config_t *config, const ptmgr_ops_t *ops, void *ctx,
                       uint64_t root, uint32_t max_tables, void *storage, size_t storage_bytes)
{
    if (pm == NULL || ops == NULL || storage == NULL || ops->table_alloc == NULL ||
        ops->table_free == NULL || ops->table_install == NULL || ops->table_uninstall == NULL ||
        ops->page_map == NULL || ops->page_unmap == NULL) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    size_t need = ptmgr_storage_bytes(config, max_tables);
    if (need == 0) {
        return ALG_ERR_INVALID_ARGUMENT;
    }
    if (((uintptr_t)storage & 7u) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    if (storage_bytes < need) {
        return ALG_ERR_STORAGE_TOO_SMALL;
    }
    pm->config = *config;
    pm->ops = ops;
    pm->ctx = ctx;
    pm->va_bits = config->leaf_bits + config->levels * config->bits_per_level;
    pm->entries = (uint32_t)1 << config->bits_per_level;
    pm->present_words = (pm->entries + 63) / 64;
    pm->max_tables = max_tables;
    pm->tables = storage;
    pm->values = (uint64_t *)(void *)(pm->tables + max_tables);
    pm->present = pm->values + (size_t)max_tables * pm->entries;
    mem_set(storage, 0, need);
    for (unsigned l = 0; l < PTMGR_MAX_LEVELS; l++) {
        pm->pool[l] = PTMGR_NO_RECORD;
        pm->live[l] = 0;
        pm->pooled[l] = 0;
    }
    pm->spare = PTMGR_NO_RECORD;
    for (uint32_t r = max_tables; r-- > 1;) {
        pm->tables[r].state = PTMGR_TABLE_SPARE;
        pm->tables[r].parent = PTMGR_NO_RECORD;
        list_push(pm, &pm->spare, r);
    }
    pm->spare_count = max_tables - 1;
    ptmgr_table_t *rt = &pm->tables[0];
    rt->handle = root;
    rt->base = 0;
    rt->parent = PTMGR_NO_RECORD;
    rt->next = PTMGR_NO_RECORD;
    rt->level = 0;
    rt->state = PTMGR_TABLE_LIVE;
    pm->live[0] = 1;
    pm->mapped = 0;
    return ALG_OK;
}

/* Gets a table object for `level` (pool first, then a spare record and table_alloc), installs
 * it under entry `idx` of `parent` covering `base`, and links it. On error nothing changed
 * except that a freshly allocated object may now sit in the pool. */
static alg_error_t table_create(ptmgr_t *pm, uint32_t parent, uint32_t idx, uint64_t base,
                                uint32_t *out)
{
    unsigned level = pm->tables[parent].level + 1u;
    uint32_t r;
    if (pm->pool[level] != PTMGR_NO_RECORD) {
        r = list_pop(pm, &pm->pool[level]);
        pm->pooled[level]--;
    } else if (pm->spare != PTMGR_NO_RECORD) {
        uint64_t handle;
        if (pm->ops->table_alloc(pm->ctx, level, &handle) != 0) {
            return ALG_ERR_CAP_OP_FAILED;
        }
        r = list_pop(pm, &pm->spare);
        pm->spare_count--;
        pm->tables[r].handle = handle;
        pm->tables[r].level = (uint8_t)level;
    } else {
        return ALG_ERR_OUT_OF_TABLES;
    }
    ptmgr_table_t *t = &pm->tables[r];
    if (pm->ops->table_install(pm->ctx, level, t->handle, to_virtual(pm, base)) != 0) {
        t->state = PTMGR_TABLE_POOLED;
        list_push(pm, &pm->pool[level], r);
        pm->pooled[level]++;
        return ALG_ERR_CAP_OP_FAILED;
    }
    t->state = PTMGR_TABLE_LIVE;
    t->base = base;
    t->parent = parent;
    t->used = 0;
    mem_set(present_of(pm, r), 0, pm->present_words * sizeof(uint64_t));
    entry_set(pm, parent, idx, r);
    pm->live[level]++;
    *out = r;
    return ALG_OK;
}

/* Uninstalls an empty non-root table into its level's pool. */
static alg_error_t table_release(ptmgr_t *pm, uint32_t r)
{
    ptmgr_table_t *t = &pm->tables[r];
    if (pm->ops->table_uninstall(pm->ctx, t->level, t->handle, to_virtual(pm, t->base)) != 0) {
        return ALG_ERR_CAP_OP_FAILED;
    }
    uint32_t parent = t->parent;
    entry_clear(pm, parent, entry_index(pm, pm->tables[parent].level, t->base));
    t->state = PTMGR_TABLE_POOLED;
    t->parent = PTMGR_NO_RECORD;
    list_push(pm, &pm->pool[t->level], r);
    pm->live[t->level]--;
    pm->pooled[t->level]++;
    return ALG_OK;
}

/* Releases the chain of tables a failed ptmgr_map created, deepest first, up to and including
 * `top`. Stops quietly if an uninstall fails: the tables left are empty but consistent. */
static void chain_release(ptmgr_t *pm, uint32_t deepest, uint32_t top)
{
    for (uint32_t r = deepest;;) {
        uint32_t parent = pm->tables[r].parent;
        if (table_release(pm, r) != ALG_OK || r == top) {
            return;
        }
        r = parent;
    }
}

static alg_error_t page_address(const ptmgr_t *pm, uint64_t vaddr, uint64_t *linear)
{
    if ((vaddr & bits_low_mask(pm->config.leaf_bits)) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    return to_linear(pm, vaddr, linear);
}

alg_error_t ptmgr_map(ptmgr_t *pm, uint64_t vaddr, uint64_t frame)
{
    uint64_t lin;
    alg_error_t err = page_address(pm, vaddr, &lin);
    if (err != ALG_OK) {
        return err;
    }
    unsigned leaf_level = pm->config.levels - 1;
    uint32_t r = 0;
    uint32_t created_top = PTMGR_NO_RECORD;
    for (unsigned level = 0; level < leaf_level; level++) {
        uint32_t idx = entry_index(pm, level, lin);
        if (entry_present(pm, r, idx)) {
            r = (uint32_t)values_of(pm, r)[idx];
            continue;
        }
        uint32_t child;
        err = table_create(pm, r, idx, lin & ~bits_low_mask(entry_shift(pm, level)), &child);
        if (err != ALG_OK) {
            if (created_top != PTMGR_NO_RECORD) {
                chain_release(pm, r, created_top);
            }
            return err;
        }
        if (created_top == PTMGR_NO_RECORD) {
            created_top = child;
        }
        r = child;
    }
    uint32_t idx = entry_index(pm, leaf_level, lin);
    if (entry_present(pm, r, idx)) {
        return ALG_ERR_ALREADY_MAPPED; /* then every table existed: nothing was created */
    }
    if (pm->ops->page_map(pm->ctx, vaddr, frame) != 0) {
        if (created_top != PTMGR_NO_RECORD) {
            chain_release(pm, r, created_top);
        }
        return ALG_ERR_CAP_OP_FAILED;
    }
    entry_set(pm, r, idx, frame);
    pm->mapped++;
    return ALG_OK;
}

/* Finds the present leaf entry for `lin`: its table record and index there; ALG_ERR_NOT_MAPPED
 * when a table on the way or the entry itself is absent. */
static alg_error_t leaf_entry_find(const ptmgr_t *pm, uint64_t lin, uint32_t *table,
                                   uint32_t *index)
{
    uint32_t r = 0;
    for (unsigned level = 0; level + 1 < pm->config.levels; level++) {
        uint32_t idx = entry_index(pm, level, lin);
        if (!entry_present(pm, r, idx)) {
            return ALG_ERR_NOT_MAPPED;
        }
        r = (uint32_t)values_of(pm, r)[idx];
    }
    uint32_t idx = entry_index(pm, pm->config.levels - 1, lin);
    if (!entry_present(pm, r, idx)) {
        return ALG_ERR_NOT_MAPPED;
    }
    *table = r;
    *index = idx;
    return ALG_OK;
}

alg_error_t ptmgr_unmap(ptmgr_t *pm, uint64_t vaddr, uint64_t *frame)
{
    uint64_t lin;
    uint32_t r;
    uint32_t idx;
    alg_error_t err = page_address(pm, vaddr, &lin);
    if (err == ALG_OK) {
        err = leaf_entry_find(pm, lin, &r, &idx);
    }
    if (err != ALG_OK) {
        return err;
    }
    uint64_t f = values_of(pm, r)[idx];
    if (pm->ops->page_unmap(pm->ctx, vaddr, f) != 0) {
        return ALG_ERR_CAP_OP_FAILED;
    }
    entry_clear(pm, r, idx);
    pm->mapped--;
    if (frame != NULL) {
        *frame = f;
    }
    return ALG_OK;
}

alg_error_t ptmgr_lookup(const ptmgr_t *pm, uint64_t vaddr, uint64_t *frame)
{
    uint64_t lin;
    uint32_t r;
    uint32_t idx;
    alg_error_t err = to_linear(pm, vaddr, &lin);
    if (err == ALG_OK) {
        err = leaf_entry_find(pm, lin, &r, &idx);
    }
    if (err != ALG_OK) {
        return err;
    }
    *frame = values_of(pm, r)[idx];
    return ALG_OK;
}

/* Visits the present entries of table `r` that intersect the linear range [start, last]
 * (inclusive, so the top of a 64-bit space needs no overflow), recursing into child tables
 * (depth <= PTMGR_MAX_LEVELS). */
static alg_error_t range_walk(ptmgr_t *pm, uint32_t r, uint64_t start, uint64_t last, unsigned mode,
                              uint64_t *count)
{
    const ptmgr_table_t *t = &pm->tables[r];
    unsigned level = t->level;
    unsigned shift = entry_shift(pm, level);
    bool leaf = level + 1u == pm->config.levels;
    uint64_t first_idx = start > t->base ? (start - t->base) >> shift : 0;
    uint64_t last_idx = (last - t->base) >> shift;
    if (last_idx >= pm->entries) {
        last_idx = pm->entries - 1;
    }
    for (uint64_t w = first_idx / 64; w <= last_idx / 64; w++) {
        uint64_t bits = present_of(pm, r)[w];
        if (w == first_idx / 64) {
            bits &= ~bits_low_mask((unsigned)(first_idx % 64));
        }
        if (w == last_idx / 64) {
            bits &= bits_low_mask((unsigned)(last_idx % 64) + 1u);
        }
        for (; bits != 0; bits &= bits - 1) {
            uint32_t idx = (uint32_t)(w * 64 + bits_lowest(bits));
            uint64_t value = values_of(pm, r)[idx];
            if (leaf) {
                if ((mode & WALK_UNMAP) == 0) {
                    continue;
                }
                uint64_t va = to_virtual(pm, t->base + ((uint64_t)idx << shift));
                if (pm->ops->page_unmap(pm->ctx, va, value) != 0) {
                    return ALG_ERR_CAP_OP_FAILED;
                }
                entry_clear(pm, r, idx);
                pm->mapped--;
                (*count)++;
                continue;
            }
            uint32_t child = (uint32_t)value;
            alg_error_t err = range_walk(pm, child, start, last, mode, count);
            if (err != ALG_OK) {
                return err;
            }
            if ((mode & WALK_RELEASE) != 0 && pm->tables[child].used == 0) {
                err = table_release(pm, child);
                if (err != ALG_OK) {
                    return err;
                }
            }
        }
    }
    return ALG_OK;
}

/* Validates a range and converts it to an inclusive linear [start, last]; *empty for size 0. */
static alg_error_t range_linear(const ptmgr_t *pm, uint64_t vaddr, uint64_t size, uint64_t *start,
                                uint64_t *last, bool *empty)
{
    uint64_t page_mask = bits_low_mask(pm->config.leaf_bits);
    if ((vaddr & page_mask) != 0 || (size & page_mask) != 0) {
        return ALG_ERR_MISALIGNED;
    }
    alg_error_t err = to_linear(pm, vaddr, start);
    if (err != ALG_OK) {
        return err;
    }
    *empty = size == 0;
    if (*empty) {
        return ALG_OK;
    }
    uint64_t limit = bits_low_mask(pm->va_bits); /* last linear address */
    if (size - 1 > limit - *start) {
        return ALG_ERR_OUT_OF_RANGE;
    }
    *last = *start + (size - 1);
    if (pm->config.canonical && pm->va_bits < 64) {
        /* The halves are not contiguous in virtual space: a range may not cross the hole. */
        unsigned top = pm->va_bits - 1;
        if (((*start >> top) & 1u) != ((*last >> top) & 1u)) {
            return ALG_ERR_OUT_OF_RANGE;
        }
    }
    return ALG_OK;
}

static alg_error_t range_apply(ptmgr_t *pm, uint64_t vaddr, uint64_t size, unsigned mode,
                               uint64_t *count)
{
    uint64_t start = 0;
    uint64_t last = 0;
    bool empty = false;
    alg_error_t err = range_linear(pm, vaddr, size, &start, &last, &empty);
    if (err != ALG_OK || empty) {
        return err;
    }
    return range_walk(pm, 0, start, last, mode, count);
}

alg_error_t ptmgr_unmap_range(ptmgr_t *pm, uint64_t vaddr, uint64_t size, unsigned flags,
                              uint64_t *unmapped)
{
    uint64_t count = 0;
    alg_error_t err = ALG_ERR_INVALID_ARGUMENT;
    if ((flags & ~PTMGR_RELEASE_TABLES) == 0) {
        unsigned mode = WALK_UNMAP | ((flags & PTMGR_RELEASE_TABLES) != 0 ? WALK_RELEASE : 0);
        err = range_apply(pm, vaddr, size, mode, &count);
    }
    if (unmapped != NULL) {
        *unmapped = count;
    }
    return err;
}

alg_error_t ptmgr_release_empty(ptmgr_t *pm, uint64_t vaddr, uint64_t size)
{
    uint64_t count = 0;
    return range_apply(pm, vaddr, size, WALK_RELEASE, &count);
}

void ptmgr_pool_drain(ptmgr_t *pm)
{
    for (unsigned level = 1; level < pm->config.levels; level++) {
        while (pm->pool[level] != PTMGR_NO_RECORD) {
            uint32_t r = list_pop(pm, &pm->pool[level]);
            pm->ops->table_free(pm->ctx, level, pm->tables[r].handle);
            pm->tables[r].state = PTMGR_TABLE_SPARE;
            pm->tables[r].handle = 0;
            list_push(pm, &pm->spare, r);
            pm->pooled[level]--;
            pm->spare_count++;
        }
    }
}

/* Checks one live table's entries against its children. */
static bool live_table_ok(const ptmgr_t *pm, uint32_t r, uint64_t *leaf_entries)
{
    const ptmgr_table_t *t = &pm->tables[r];
    unsigned shift = entry_shift(pm, t->level);
    bool leaf = t->level + 1u == pm->config.levels;
    uint32_t used = 0;
    for (uint32_t idx = 0; idx < pm->entries; idx++) {
        if (!entry_present(pm, r, idx)) {
            continue;
        }
        used++;
        if (leaf) {
            continue;
        }
        uint64_t c = values_of(pm, r)[idx];
        if (c == 0 || c >= pm->max_tables) {
            return false;
        }
        const ptmgr_table_t *ct = &pm->tables[c];
        if (ct->state != PTMGR_TABLE_LIVE || ct->parent != r || ct->level != t->level + 1u ||
            ct->base != t->base + ((uint64_t)idx << shift)) {
            return false;
        }
    }
    for (uint32_t idx = pm->entries; idx < pm->present_words * 64; idx++) {
        if (entry_present(pm, r, idx)) {
            return false;
        }
    }
    if (leaf) {
        *leaf_entries += used;
    }
    return used == t->used;
}

/* Walks a free list with a step bound; counts records of the expected state and level. */
static bool list_ok(const ptmgr_t *pm, uint32_t head, uint8_t state, int level, uint32_t want)
{
    uint32_t n = 0;
    for (uint32_t r = head; r != PTMGR_NO_RECORD; r = pm->tables[r].next) {
        if (r >= pm->max_tables || n >= pm->max_tables || pm->tables[r].state != state ||
            (level >= 0 && pm->tables[r].level != (unsigned)level)) {
            return false;
        }
        n++;
    }
    return n == want;
}

alg_error_t ptmgr_check(const ptmgr_t *pm)
{
    uint32_t live[PTMGR_MAX_LEVELS] = {0};
    uint64_t leaf_entries = 0;
    if (pm->tables[0].state != PTMGR_TABLE_LIVE || pm->tables[0].level != 0) {
        return ALG_ERR_CORRUPT;
    }
    for (uint32_t r = 0; r < pm->max_tables; r++) {
        const ptmgr_table_t *t = &pm->tables[r];
        if (t->state != PTMGR_TABLE_LIVE) {
            continue;
        }
        if (t->level >= pm->config.levels) {
            return ALG_ERR_CORRUPT;
        }
        live[t->level]++;
        if (r != 0) {
            if (t->parent >= pm->max_tables) {
                return ALG_ERR_CORRUPT;
            }
            const ptmgr_table_t *p = &pm->tables[t->parent];
            uint32_t idx = entry_index(pm, p->level, t->base);
            if (p->state != PTMGR_TABLE_LIVE || !entry_present(pm, t->parent, idx) ||
                values_of(pm, t->parent)[idx] != r) {
                return ALG_ERR_CORRUPT;
            }
        }
        if (!live_table_ok(pm, r, &leaf_entries)) {
            return ALG_ERR_CORRUPT;
        }
    }
    for (unsigned l = 0; l < PTMGR_MAX_LEVELS; l++) {
        if (live[l] != pm->live[l] ||
            !list_ok(pm, pm->pool[l], PTMGR_TABLE_POOLED, (int)l, pm->pooled[l])) {
            return ALG_ERR_CORRUPT;
        }
    }
    if (!list_ok(pm, pm->spare, PTMGR_TABLE_SPARE, -1, pm->spare_count) ||
        leaf_entries != pm->mapped) {
        return ALG_ERR_CORRUPT;
    }
    uint32_t total = pm->spare_count;
    for (unsigned l = 0; l < PTMGR_MAX_LEVELS; l++) {
        total += pm->live[l] + pm->pooled[l];
    }
    return total == pm->max_tables ? ALG_OK : ALG_ERR_CORRUPT;
}
