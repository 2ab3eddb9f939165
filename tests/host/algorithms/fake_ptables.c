/* Fake page tables: validates every ptmgr callback against the structure a real MMU would
 * need (parents installed before children, empty tables before removal) and injects failures. */
#include "fake_ptables.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void map_init(fake_map_t *m)
{
    for (unsigned i = 0; i < FAKE_MAP_BUCKETS; i++) {
        m->buckets[i] = -1;
    }
    m->entries = NULL;
    m->capacity = 0;
    m->free_list = -1;
    m->count = 0;
}

static void map_destroy(fake_map_t *m)
{
    free(m->entries);
}

static unsigned map_bucket(uint64_t key)
{
    return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 52) % FAKE_MAP_BUCKETS;
}

static fake_map_entry_t *map_find(const fake_map_t *m, uint64_t key)
{
    for (int32_t e = m->buckets[map_bucket(key)]; e >= 0; e = m->entries[e].next) {
        if (m->entries[e].key == key) {
            return &m->entries[e];
        }
    }
    return NULL;
}

static void map_put(fake_map_t *m, uint64_t key, uint64_t value)
{
    if (m->free_list < 0) {
        size_t cap = m->capacity == 0 ? 256 : m->capacity * 2;
        m->entries = realloc(m->entries, cap * sizeof *m->entries);
        for (size_t i = cap; i-- > m->capacity;) {
            m->entries[i].next = m->free_list;
            m->free_list = (int32_t)i;
        }
        m->capacity = cap;
    }
    int32_t e = m->free_list;
    m->free_list = m->entries[e].next;
    unsigned b = map_bucket(key);
    m->entries[e] = (fake_map_entry_t){key, value, m->buckets[b]};
    m->buckets[b] = e;
    m->count++;
}

static void map_remove(fake_map_t *m, uint64_t key)
{
    for (int32_t *link = &m->buckets[map_bucket(key)]; *link >= 0; link = &m->entries[*link].next) {
        if (m->entries[*link].key == key) {
            int32_t e = *link;
            *link = m->entries[e].next;
            m->entries[e].next = m->free_list;
            m->free_list = e;
            m->count--;
            return;
        }
    }
}

static void violation(fake_ptables_t *fake, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake->last_violation, sizeof fake->last_violation, fmt, ap);
    va_end(ap);
    fake->violations++;
}

static bool should_fail(fake_ptables_t *fake, fake_pt_op_t op)
{
    fake->calls[op]++;
    if (fake->fail_at[op] > 0 && --fake->fail_at[op] == 0) {
        return true;
    }
    return fake->fail_percent[op] != 0 && test_rng_percent(&fake->rng, fake->fail_percent[op]);
}

void fake_ptables_init(fake_ptables_t *fake, const ptmgr_config_t *cfg, uint64_t seed)
{
    memset(fake, 0, sizeof *fake);
    fake->cfg = *cfg;
    fake->va_bits = cfg->leaf_bits + cfg->levels * cfg->bits_per_level;
    for (unsigned l = 0; l < PTMGR_MAX_LEVELS; l++) {
        map_init(&fake->installed[l]);
    }
    map_init(&fake->pages);
    test_rng_init(&fake->rng, seed);
}

void fake_ptables_destroy(fake_ptables_t *fake)
{
    for (unsigned l = 0; l < PTMGR_MAX_LEVELS; l++) {
        map_destroy(&fake->installed[l]);
    }
    map_destroy(&fake->pages);
    free(fake->tables);
}

/* Virtual (possibly canonical) -> linear; flags non-canonical addresses. */
static bool linear_of(fake_ptables_t *fake, uint64_t vaddr, uint64_t *lin)
{
    unsigned va = fake->va_bits;
    if (va >= 64) {
        *lin = vaddr;
        return true;
    }
    uint64_t mask = ((uint64_t)1 << va) - 1;
    uint64_t expect = vaddr & mask;
    if (fake->cfg.canonical && ((vaddr >> (va - 1)) & 1u)) {
        expect |= ~mask;
    }
    if (expect != vaddr) {
        violation(fake, "address %#llx is not %s", (unsigned long long)vaddr,
                  fake->cfg.canonical ? "canonical" : "below 2^va_bits");
        return false;
    }
    *lin = vaddr & mask;
    return true;
}

/* Bytes covered by a table at `level`. */
static unsigned table_cover_bits(const fake_ptables_t *fake, unsigned level)
{
    return fake->cfg.leaf_bits + (fake->cfg.levels - level) * fake->cfg.bits_per_level;
}

static uint64_t align_down(uint64_t v, unsigned bits)
{
    return bits >= 64 ? 0 : v & ~(((uint64_t)1 << bits) - 1);
}

/* The contents counter of the installed table at `level` covering `lin`, or NULL. */
static uint64_t *contents_of(fake_ptables_t *fake, unsigned level, uint64_t lin)
{
    if (level == 0) {
        return &fake->root_contents;
    }
    fake_map_entry_t *e =
            map_find(&fake->installed[level], align_down(lin, table_cover_bits(fake, level)));
    return e == NULL ? NULL : &fake->tables[e->value - 1].contents;
}

static fake_table_t *table_of(fake_ptables_t *fake, uint64_t handle, unsigned level)
{
    if (handle == 0 || handle > fake->table_count || !fake->tables[handle - 1].allocated) {
        violation(fake, "handle %llu is not a live table object", (unsigned long long)handle);
        return NULL;
    }
    fake_table_t *t = &fake->tables[handle - 1];
    if (t->level != level) {
        violation(fake, "table %llu is level %u, used as level %u", (unsigned long long)handle,
                  t->level, level);
        return NULL;
    }
    return t;
}

static int op_table_alloc(void *ctx, unsigned level, uint64_t *table)
{
    fake_ptables_t *fake = ctx;
    if (level == 0 || level >= fake->cfg.levels) {
        violation(fake, "table_alloc at level %u", level);
        return 1;
    }
    if (should_fail(fake, FAKE_PT_TABLE_ALLOC)) {
        return 1;
    }
    if (fake->table_count == fake->table_capacity) {
        fake->table_capacity = fake->table_capacity == 0 ? 64 : fake->table_capacity * 2;
        fake->tables = realloc(fake->tables, fake->table_capacity * sizeof *fake->tables);
    }
    fake->tables[fake->table_count++] = (fake_table_t){.allocated = true, .level = level};
    *table = fake->table_count; /* handles are never reused: use-after-free is visible */
    return 0;
}

static void op_table_free(void *ctx, unsigned level, uint64_t table)
{
    fake_ptables_t *fake = ctx;
    fake->table_frees++;
    fake_table_t *t = table_of(fake, table, level);
    if (t == NULL) {
        return;
    }
    if (t->installed) {
        violation(fake, "table_free of installed table %llu", (unsigned long long)table);
        return;
    }
    t->allocated = false;
}

static int op_table_install(void *ctx, unsigned level, uint64_t table, uint64_t vaddr)
{
    fake_ptables_t *fake = ctx;
    fake_table_t *t = table_of(fake, table, level);
    uint64_t lin;
    if (t == NULL || !linear_of(fake, vaddr, &lin)) {
        return 1;
    }
    unsigned cover = table_cover_bits(fake, level);
    uint64_t *parent = contents_of(fake, level - 1, lin);
    if (t->installed || align_down(lin, cover) != lin || parent == NULL ||
        map_find(&fake->installed[level], lin) != NULL) {
        violation(fake, "install of table %llu at level %u, %#llx: %s", (unsigned long long)table,
                  level, (unsigned long long)vaddr,
                  t->installed                    ? "already installed"
                  : parent == NULL                ? "no parent table"
                  : align_down(lin, cover) != lin ? "misaligned"
                                                  : "slot taken");
        return 1;
    }
    if (should_fail(fake, FAKE_PT_INSTALL)) {
        return 1;
    }
    t->installed = true;
    t->base = lin;
    t->contents = 0;
    (*parent)++;
    map_put(&fake->installed[level], lin, table);
    return 0;
}

static int op_table_uninstall(void *ctx, unsigned level, uint64_t table, uint64_t vaddr)
{
    fake_ptables_t *fake = ctx;
    fake_table_t *t = table_of(fake, table, level);
    uint64_t lin;
    if (t == NULL || !linear_of(fake, vaddr, &lin)) {
        return 1;
    }
    if (!t->installed || t->base != lin || t->contents != 0) {
        violation(fake, "uninstall of table %llu at %#llx: %s", (unsigned long long)table,
                  (unsigned long long)vaddr,
                  !t->installed    ? "not installed"
                  : t->base != lin ? "wrong address"
                                   : "not empty");
        return 1;
    }
    if (should_fail(fake, FAKE_PT_UNINSTALL)) {
        return 1;
    }
    t->installed = false;
    map_remove(&fake->installed[level], lin);
    (*contents_of(fake, level - 1, lin))--;
    return 0;
}

static int op_page_map(void *ctx, uint64_t vaddr, uint64_t frame)
{
    fake_ptables_t *fake = ctx;
    uint64_t lin;
    if (!linear_of(fake, vaddr, &lin)) {
        return 1;
    }
    uint64_t *leaf = contents_of(fake, fake->cfg.levels - 1, lin);
    if (align_down(lin, fake->cfg.leaf_bits) != lin || leaf == NULL ||
        map_find(&fake->pages, lin) != NULL) {
        violation(fake, "page_map %#llx: %s", (unsigned long long)vaddr,
                  leaf == NULL ? "no leaf table" : "misaligned or already mapped");
        return 1;
    }
    if (should_fail(fake, FAKE_PT_PAGE_MAP)) {
        return 1;
    }
    map_put(&fake->pages, lin, frame);
    (*leaf)++;
    return 0;
}

static int op_page_unmap(void *ctx, uint64_t vaddr, uint64_t frame)
{
    fake_ptables_t *fake = ctx;
    uint64_t lin;
    if (!linear_of(fake, vaddr, &lin)) {
        return 1;
    }
    fake_map_entry_t *e = map_find(&fake->pages, lin);
    if (e == NULL || e->value != frame) {
        violation(fake, "page_unmap %#llx: %s", (unsigned long long)vaddr,
                  e == NULL ? "not mapped" : "wrong frame");
        return 1;
    }
    if (should_fail(fake, FAKE_PT_PAGE_UNMAP)) {
        return 1;
    }
    map_remove(&fake->pages, lin);
    (*contents_of(fake, fake->cfg.levels - 1, lin))--;
    return 0;
}

const ptmgr_ops_t fake_ptables_ops = {
        .table_alloc = op_table_alloc,
        .table_free = op_table_free,
        .table_install = op_table_install,
        .table_uninstall = op_table_uninstall,
        .page_map = op_page_map,
        .page_unmap = op_page_unmap,
};

bool fake_ptables_lookup(const fake_ptables_t *fake, uint64_t vaddr, uint64_t *frame)
{
    uint64_t lin = fake->va_bits >= 64 ? vaddr : vaddr & (((uint64_t)1 << fake->va_bits) - 1);
    const fake_map_entry_t *e = map_find(&fake->pages, lin);
    if (e == NULL) {
        return false;
    }
    *frame = e->value;
    return true;
}

size_t fake_ptables_installed(const fake_ptables_t *fake, unsigned level)
{
    return level < PTMGR_MAX_LEVELS ? fake->installed[level].count : 0;
}

size_t fake_ptables_empty_tables(const fake_ptables_t *fake, uint64_t first, uint64_t last)
{
    size_t n = 0;
    for (size_t i = 0; i < fake->table_count; i++) {
        const fake_table_t *t = &fake->tables[i];
        unsigned cover = table_cover_bits(fake, t->level);
        uint64_t t_last = t->base + (cover >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << cover) - 1);
        if (t->allocated && t->installed && t->contents == 0 && t->base <= last &&
            first <= t_last) {
            n++;
        }
    }
    return n;
}

size_t fake_ptables_objects(const fake_ptables_t *fake)
{
    size_t n = 0;
    for (size_t i = 0; i < fake->table_count; i++) {
        n += fake->tables[i].allocated;
    }
    return n;
}
