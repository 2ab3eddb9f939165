/*
 * The guest page-table walker (pv/walk.h): reads the guest's paging structures from guest RAM
 * through the checked accessors, checks every entry as the processor would, then sets accessed
 * and dirty bits. Entries are untrusted: read once into a snapshot, never dereferenced again.
 */
#include "walk_rules.h"

/* Paging-structure entry bits (SDM Vol. 3A, tables 4-4 to 4-20). */
#define ENTRY_P        (1ull << 0)
#define ENTRY_RW       (1ull << 1)
#define ENTRY_US       (1ull << 2)
#define ENTRY_A        (1ull << 5)
#define ENTRY_D        (1ull << 6)
#define ENTRY_PS       (1ull << 7)
#define ENTRY_G        (1ull << 8)
#define ENTRY_NX       (1ull << 63)
#define ENTRY_ADDRESS  0x000ffffffffff000ull /* bits 51:12 of a 64-bit entry */
#define LEGACY_ADDRESS 0xfffff000ull         /* bits 31:12 of a 32-bit entry */
#define LEGACY_4M_LOW  0xffc00000ull         /* bits 31:22 of a 4 MiB page's entry */
/* A PAE PDPTE has no R/W, U/S, A, D or PS: bits 2:1 and 8:5 are reserved (table 4-8). */
#define PAE_PDPTE_RESERVED 0x1e6ull
#define PAE_CR3_ADDRESS    0xffffffe0ull /* bits 31:5: the 32-byte PDPT */

#define PAGE_4K (1ull << 12)

/* Bits hi..lo set (hi >= lo - 1; none when hi < lo). */
static uint64_t bits_range(unsigned hi, unsigned lo)
{
    if (hi < lo) {
        return 0;
    }
    return (hi >= 63 ? ~0ull : (1ull << (hi + 1)) - 1) & ~((1ull << lo) - 1);
}

/* MAXPHYADDR, kept inside what the architecture allows (the CPUID policy gives 32..52). */
static unsigned walk_phys_bits(const pv_paging_t *paging)
{
    if (paging->phys_addr_bits < 32) {
        return 32;
    }
    return paging->phys_addr_bits > 52 ? 52 : paging->phys_addr_bits;
}

/* Reads one entry into the snapshot; false (BAD_TABLE set in out) when it is not in RAM. */
static bool walk_read(const pv_memory_t *memory, gpa_t address, unsigned width, bool has_accessed,
                      walk_snapshot_t *snapshot, pv_walk_t *out, uint64_t *value)
{
    walk_entry_t *entry = &snapshot->entries[snapshot->count];
    uint32_t narrow = 0;
    bool ok;

    if (width == 4) {
        ok = pv_memory_read32(memory, address, &narrow);
        *value = narrow;
    } else {
        ok = pv_memory_read64(memory, address, value);
    }
    if (!ok) {
        out->status = PV_WALK_BAD_TABLE;
        out->table_address = address;
        return false;
    }
    entry->address = address;
    entry->value = *value;
    entry->width = width;
    entry->has_accessed = has_accessed;
    snapshot->count++;
    out->levels = snapshot->count;
    return true;
}

/* 32-bit paging: a page directory of 1,024 4-byte entries, 4 MiB pages with CR4.PSE (PSE-36). */
static pv_walk_status_t walk_legacy(const pv_memory_t *memory, const pv_paging_t *paging,
                                    uint64_t address, walk_snapshot_t *snapshot, pv_walk_t *out)
{
    gpa_t table = gpa(paging->cr3 & LEGACY_ADDRESS);
    uint64_t value;

    if (!walk_read(memory, gpa(table.value + ((address >> 22) & 1023) * 4), 4, true, snapshot, out,
                   &value)) {
        return PV_WALK_BAD_TABLE;
    }
    if ((value & ENTRY_P) == 0) {
        return PV_WALK_FAULT;
    }
    snapshot->writable = (value & ENTRY_RW) != 0;
    snapshot->user = (value & ENTRY_US) != 0;
    if ((value & ENTRY_PS) != 0 && (paging->cr4 & PV_PAGING_CR4_PSE) != 0) {
        /* Bits (M-20):13 are physical bits (M-1):32 (M at most 40); 21:(M-19) are reserved. */
        unsigned wide_bits = walk_phys_bits(paging) > 40 ? 40 : walk_phys_bits(paging);

        if ((value & bits_range(21, wide_bits - 19)) != 0) {
            snapshot->reserved = true;
            return PV_WALK_FAULT;
        }
        snapshot->frame = (value & LEGACY_4M_LOW) | ((value >> 13) & 0xff) << 32;
        snapshot->page_size = 1ull << 22;
        return PV_WALK_OK;
    }
    table = gpa(value & LEGACY_ADDRESS);
    if (!walk_read(memory, gpa(table.value + ((address >> 12) & 1023) * 4), 4, true, snapshot, out,
                   &value)) {
        return PV_WALK_BAD_TABLE;
    }
    if ((value & ENTRY_P) == 0) {
        return PV_WALK_FAULT;
    }
    snapshot->writable = snapshot->writable && (value & ENTRY_RW) != 0;
    snapshot->user = snapshot->user && (value & ENTRY_US) != 0;
    snapshot->frame = value & LEGACY_ADDRESS;
    snapshot->page_size = PAGE_4K;
    return PV_WALK_OK;
}

/* The reserved bits of a PAE or 4-level entry at a level (4 = PML4 .. 1 = PT). */
static uint64_t walk_reserved(const pv_paging_t *paging, pv_paging_mode_t mode, unsigned level,
                              bool large)
{
    unsigned phys_bits = walk_phys_bits(paging);
    uint64_t reserved = bits_range(mode == PV_PAGING_PAE ? 62 : 51, phys_bits);

    if ((paging->efer & PV_PAGING_EFER_NXE) == 0) {
        reserved |= ENTRY_NX;
    }
    if (level == 4) {
        reserved |= ENTRY_PS;
    }
    if (large) {
        /* The PAT bit is bit 12; bits up to the page's alignment must be 0. */
        reserved |= bits_range(12 + 9 * (level - 1) - 1, 13);
    }
    return reserved;
}

/* PAE: the four PDPTEs the processor would load at CR3 time (read here at each walk). */
static pv_walk_status_t walk_pae_root(const pv_memory_t *memory, const pv_paging_t *paging,
                                      uint64_t address, walk_snapshot_t *snapshot, pv_walk_t *out,
                                      gpa_t *table)
{
    uint64_t value;
    gpa_t entry = gpa((paging->cr3 & PAE_CR3_ADDRESS) + ((address >> 30) & 3) * 8);

    if (!walk_read(memory, entry, 8, false, snapshot, out, &value)) {
        return PV_WALK_BAD_TABLE;
    }
    if ((value & ENTRY_P) == 0) {
        return PV_WALK_FAULT;
    }
    if ((value & (bits_range(63, walk_phys_bits(paging)) | PAE_PDPTE_RESERVED)) != 0) {
        snapshot->reserved = true;
        return PV_WALK_FAULT;
    }
    *table = gpa(value & ENTRY_ADDRESS);
    return PV_WALK_OK;
}

/* PAE and 4-level paging: 512 8-byte entries per table; 2 MiB pages, and 1 GiB in 4-level. */
static pv_walk_status_t walk_wide(const pv_memory_t *memory, const pv_paging_t *paging,
                                  pv_paging_mode_t mode, uint64_t address,
                                  walk_snapshot_t *snapshot, pv_walk_t *out)
{
    gpa_t table = gpa(paging->cr3 & ENTRY_ADDRESS);
    unsigned level = 4;

    if (mode == PV_PAGING_PAE) {
        pv_walk_status_t status = walk_pae_root(memory, paging, address, snapshot, out, &table);

        if (status != PV_WALK_OK) {
            return status;
        }
        level = 2;
    }
    for (;; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t value;
        bool large;

        if (!walk_read(memory, gpa(table.value + ((address >> shift) & 511) * 8), 8, true, snapshot,
                       out, &value)) {
            return PV_WALK_BAD_TABLE;
        }
        if ((value & ENTRY_P) == 0) {
            return PV_WALK_FAULT;
        }
        large = level > 1 && level < 4 && (value & ENTRY_PS) != 0;
        if ((value & walk_reserved(paging, mode, level, large)) != 0) {
            snapshot->reserved = true;
            return PV_WALK_FAULT;
        }
        snapshot->writable = snapshot->writable && (value & ENTRY_RW) != 0;
        snapshot->user = snapshot->user && (value & ENTRY_US) != 0;
        snapshot->executable = snapshot->executable && (value & ENTRY_NX) == 0;
        if (level == 1 || large) {
            snapshot->page_size = 1ull << shift;
            snapshot->frame = value & ENTRY_ADDRESS & ~(snapshot->page_size - 1);
            return PV_WALK_OK;
        }
        table = gpa(value & ENTRY_ADDRESS);
    }
}

/* Whether an address is one the mode can form (canonical, or 32-bit outside 4-level paging). */
static bool walk_address_valid(pv_paging_mode_t mode, uint64_t address)
{
    return mode == PV_PAGING_4LEVEL ? pv_canonical(address) : address <= 0xffffffffull;
}

/* The check step: a snapshot of the entries and the translation; no guest state changes. */
static pv_walk_status_t walk_translate(const pv_memory_t *memory, const pv_paging_t *paging,
                                       pv_paging_mode_t mode, uint64_t address,
                                       walk_snapshot_t *snapshot, pv_walk_t *out)
{
    *snapshot = (walk_snapshot_t){.writable = true, .user = true, .executable = true};
    if (mode == PV_PAGING_OFF) {
        snapshot->frame = address & ~(PAGE_4K - 1);
        snapshot->page_size = PAGE_4K;
        return PV_WALK_OK;
    }
    if (mode == PV_PAGING_32BIT) {
        return walk_legacy(memory, paging, address, snapshot, out);
    }
    return walk_wide(memory, paging, mode, address, snapshot, out);
}

/*
 * Sets bits in one entry unless it changed since the snapshot. A 4-byte entry is updated through
 * the aligned 8-byte word that holds it (in RAM: tables are 4 KiB-aligned pages of RAM).
 */
static bool walk_entry_set(const pv_memory_t *memory, const walk_entry_t *entry, uint64_t set)
{
    gpa_t word = gpa(entry->address.value & ~7ull);
    unsigned shift = entry->width == 4 ? (unsigned)(entry->address.value & 4) * 8 : 0;
    uint64_t mask = entry->width == 4 ? 0xffffffffull : ~0ull;
    uint64_t found;

    if (!pv_memory_read64(memory, word, &found)) {
        return false;
    }
    for (unsigned attempt = 0; attempt < PV_WALK_RETRIES; attempt++) {
        if (((found >> shift) & mask) != entry->value) {
            return false;
        }
        if (pv_memory_cmpxchg64(memory, word, &found, found | set << shift)) {
            return true;
        }
    }
    return false;
}

/*
 * The act step: accessed bits on every entry used, dirty on the leaf for a write. A guest may
 * use one entry at two levels (a table that points to itself): what this pass set in it is
 * expected there afterwards, not taken for a change by someone else.
 */
static bool walk_mark(const pv_memory_t *memory, walk_snapshot_t *snapshot, bool write)
{
    for (unsigned i = 0; i < snapshot->count; i++) {
        const walk_entry_t *entry = &snapshot->entries[i];
        uint64_t set = entry->has_accessed ? ENTRY_A : 0;

        if (i + 1 == snapshot->count && write) {
            set |= ENTRY_D;
        }
        if ((entry->value & set) == set) {
            continue;
        }
        if (!walk_entry_set(memory, entry, set)) {
            return false;
        }
        for (unsigned later = i + 1; later < snapshot->count; later++) {
            if (snapshot->entries[later].address.value == entry->address.value) {
                snapshot->entries[later].value |= set;
            }
        }
    }
    return true;
}

static void walk_result(const pv_paging_t *paging, pv_paging_mode_t mode, uint64_t address,
                        const walk_snapshot_t *snapshot, bool marked_dirty, pv_walk_t *out)
{
    uint64_t leaf = snapshot->count == 0 ? 0 : snapshot->entries[snapshot->count - 1].value;

    out->status = PV_WALK_OK;
    out->page_size = snapshot->page_size;
    out->page_base = gva(address & ~(snapshot->page_size - 1));
    out->frame = gpa(snapshot->frame);
    out->address = gpa(snapshot->frame + (address & (snapshot->page_size - 1)));
    out->writable = snapshot->writable;
    out->user = snapshot->user;
    out->executable = snapshot->executable;
    out->global = mode != PV_PAGING_OFF && (leaf & ENTRY_G) != 0 &&
                  (paging->cr4 & PV_PAGING_CR4_PGE) != 0;
    out->dirty = mode == PV_PAGING_OFF || marked_dirty || (leaf & ENTRY_D) != 0;
}

pv_walk_status_t pv_walk(const pv_memory_t *memory, const pv_paging_t *paging, gva_t address,
                         unsigned access, pv_walk_t *out)
{
    pv_paging_mode_t mode = pv_paging_mode(paging);
    bool write = (access & PV_ACCESS_WRITE) != 0;

    *out = (pv_walk_t){.status = PV_WALK_NON_CANONICAL};
    if (!walk_address_valid(mode, address.value)) {
        return PV_WALK_NON_CANONICAL;
    }
    for (unsigned attempt = 1;; attempt++) {
        walk_snapshot_t snapshot;
        pv_walk_status_t status;
        uint32_t error_code;
        bool marked;

        *out = (pv_walk_t){.status = PV_WALK_OK};
        status = walk_translate(memory, paging, mode, address.value, &snapshot, out);
        if (status == PV_WALK_BAD_TABLE) {
            return status;
        }
        /* Without paging there are no rights to check (and no #PF). */
        if (mode != PV_PAGING_OFF && !walk_access_allowed(paging, mode, access, &snapshot,
                                                          status == PV_WALK_OK, &error_code)) {
            out->status = PV_WALK_FAULT;
            out->error_code = error_code;
            return PV_WALK_FAULT;
        }
        marked = (access & PV_ACCESS_NO_AD) == 0 && walk_mark(memory, &snapshot, write);
        if (marked || (access & PV_ACCESS_NO_AD) != 0 || attempt == PV_WALK_RETRIES) {
            walk_result(paging, mode, address.value, &snapshot, marked && write, out);
            return PV_WALK_OK;
        }
    }
}
