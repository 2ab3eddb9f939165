/*
 * The software TLB of PV mode (docs/pv-shadow.md): host address spaces built lazily, on host page
 * faults, from the guest's own page tables (shadow paging). lib/pv/shadow*.c implements it; the
 * VMM supplies the host side as callbacks (pv_shadow_ops_t) and the storage.
 *
 * Two host spaces per vCPU: the guest-kernel view, run while the guest is at its CPL 0, and the
 * guest-user view, run at its CPL 3, which maps only pages the guest's tables mark user. A host
 * mapping never grants more than a walk of the guest's tables gave when it was filled (writable
 * only once the guest's leaf is dirty, so that the first write faults and sets D), maps only
 * guest RAM, and never lies in the range the hypervisor reserves. Table objects and page
 * mappings come from pools with bounds fixed at init; a fill that needs more than is free evicts
 * the least recently filled tables first.
 *
 * The guest's tables are untrusted and may change at any time: nothing here depends on them being
 * sane. Guest page-table writes need no action (a real TLB may hold stale entries too); INVLPG,
 * CR3 writes and paging-mode changes do, and the vCPU reports them (pv/env.h's callbacks).
 */
#ifndef PV_SHADOW_H
#define PV_SHADOW_H

#include <pv/memory.h>
#include <pv/walk.h>
#include <stddef.h>
#include <stdint.h>

/* The two host spaces of a vCPU. */
typedef enum {
    PV_SHADOW_KERNEL = 0, /* the guest at CPL 0 (1 and 2 too) */
    PV_SHADOW_USER = 1,   /* the guest at CPL 3: user pages only */
} pv_shadow_space_t;
#define PV_SHADOW_SPACES 2

/*
 * Host table levels, as the kernel's objects: a PDPT is mapped in a PML4 entry (512 GiB), a PD
 * in a PDPT entry (1 GiB), a PT in a PD entry (2 MiB). The PML4 is the space itself.
 */
#define PV_SHADOW_PDPT 3u
#define PV_SHADOW_PD   2u
#define PV_SHADOW_PT   1u

/*
 * The one range the hypervisor reserves in every host space: PML4 slot 256, where our kernel
 * lives (docs/kernel.md). A guest mapping there cannot be shadowed: a fill reports
 * PV_SHADOW_RESERVED and the VMM ends the guest with a clear message.
 */
#define PV_SHADOW_RESERVED_BASE 0xffff800000000000ull
#define PV_SHADOW_RESERVED_END  0xffff808000000000ull /* exclusive */

static inline bool pv_shadow_reserved(gva_t address)
{
    return address.value >= PV_SHADOW_RESERVED_BASE && address.value < PV_SHADOW_RESERVED_END;
}

/* Rights of a host page mapping; reading is always granted (x86 has no write-only or
 * execute-only pages). Every mapping is write-back: guest RAM is ordinary memory. */
#define PV_SHADOW_WRITE 0x1u
#define PV_SHADOW_EXEC  0x2u

/*
 * The host side. Each returns 0, or a nonzero host error code (a seL4 error, say) after which
 * nothing was changed. A failed call leaves the software TLB unsure of the host's state: every
 * later call answers PV_SHADOW_HOST_ERROR and the VMM ends the guest.
 *
 * map_table:   make pool slot `slot` of table level `level` hold an empty table object
 *              (created on the slot's first use, kept afterwards) and map it in space at base
 *              (aligned to the level's coverage). The parent table is mapped already; the entry
 *              is empty. Our kernel's Unmap of a table zeroes it, so a kept object is empty.
 * unmap_table: unmap that table. Every table and page below it becomes unreachable with it:
 *              the software TLB frees their slots without calling unmap for each.
 * map_page:    make page slot `slot` a copy of the capability of the guest frame `frame` (a 4
 *              KiB page of guest RAM) with the rights, and map it at address in space. The PT
 *              is mapped; the entry is empty.
 * unmap_page:  unmap that page (its PT stays).
 *
 * A slot handed to map_table or map_page may still hold the object or copy of an earlier use
 * whose table was unmapped above it (unreachable, and a table then still holds its entries):
 * the VMM undoes that first (Unmap of the table object, which empties it, or deletion of the
 * copy). No slot is ever reachable at two places at once.
 */
typedef struct pv_shadow_ops {
    void *context;
    int (*map_table)(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                     gva_t base);
    int (*unmap_table)(void *context, pv_shadow_space_t space, unsigned level, uint32_t slot,
                       gva_t base);
    int (*map_page)(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address,
                    gpa_t frame, unsigned rights);
    int (*unmap_page)(void *context, pv_shadow_space_t space, uint32_t slot, gva_t address);
} pv_shadow_ops_t;

/* Pool bounds: table objects of each level and page mappings, shared by both spaces. */
typedef struct pv_shadow_config {
    uint32_t pdpts;
    uint32_t pds;
    uint32_t pts;
    uint32_t pages;
} pv_shadow_config_t;

/* The defaults (the original beamL4's bounds); each pool holds 1 to PV_SHADOW_POOL_MAX slots. */
#define PV_SHADOW_DEFAULT_PDPTS 512u
#define PV_SHADOW_DEFAULT_PDS   512u
#define PV_SHADOW_DEFAULT_PTS   2048u
#define PV_SHADOW_DEFAULT_PAGES 16384u
#define PV_SHADOW_POOL_MAX      65535u

typedef enum {
    PV_SHADOW_OK = 0,
    PV_SHADOW_FILLED,        /* the page is mapped: resume the guest */
    PV_SHADOW_GUEST_FAULT,   /* a #PF for the guest: error_code, CR2 = the address */
    PV_SHADOW_MMIO,          /* the page is not RAM: emulate the access (address: where) */
    PV_SHADOW_RESERVED,      /* the guest maps the address inside PV_SHADOW_RESERVED_* */
    PV_SHADOW_BAD_TABLE,     /* a guest paging structure lies outside RAM (address: the entry) */
    PV_SHADOW_NON_CANONICAL, /* an address the guest's mode cannot form */
    PV_SHADOW_HOST_ERROR,    /* a callback failed (now or before): host_error */
    PV_SHADOW_BAD_CONFIG,    /* pv_shadow_init: a bound out of range, or too little storage */
} pv_shadow_status_t;

typedef struct pv_shadow_fill {
    pv_shadow_status_t status;
    pv_shadow_space_t space; /* the view the fault came from */
    uint32_t error_code;     /* GUEST_FAULT */
    gpa_t address;           /* MMIO: the guest-physical address; BAD_TABLE: the entry's */
    unsigned rights;         /* FILLED: PV_SHADOW_WRITE/EXEC as mapped */
    int host_error;          /* HOST_ERROR: the failed callback's code */
} pv_shadow_fill_t;

/* Pools, in pv_shadow_stats_t's arrays. */
enum {
    PV_SHADOW_POOL_PDPT,
    PV_SHADOW_POOL_PD,
    PV_SHADOW_POOL_PT,
    PV_SHADOW_POOL_PAGE,
    PV_SHADOW_POOLS
};

typedef struct pv_shadow_stats {
    uint64_t fills;          /* pages mapped */
    uint64_t remaps;         /* of them, a page mapped again (new rights or frame) */
    uint64_t spurious;       /* faults on a page already mapped as the walk allows */
    uint64_t guest_faults;   /* #PF handed back for the guest */
    uint64_t mmio;           /* accesses handed back as MMIO */
    uint64_t reserved;       /* accesses to the reserved range */
    uint64_t bad_tables;     /* walks that met a paging structure outside RAM */
    uint64_t invalidations;  /* INVLPG */
    uint64_t flushes;        /* everything (mode changes, full flushes) */
    uint64_t cr3_flushes;    /* non-global translations (CR3 writes) */
    uint64_t ac_revocations; /* user pages unmapped from the kernel view when AC cleared */
    uint64_t host_calls;     /* callbacks made */
    /* Under pressure: tables evicted, by pool; for pages, the mappings taken back with them. */
    uint64_t evictions[PV_SHADOW_POOLS];
    uint32_t in_use[PV_SHADOW_POOLS];
    uint32_t high_water[PV_SHADOW_POOLS];
    uint32_t bounds[PV_SHADOW_POOLS];
} pv_shadow_stats_t;

/* One table slot (a PDPT, PD or PT). Internal: read only through the functions below. */
typedef struct pv_shadow_table {
    uint64_t base;      /* guest-virtual base of what it covers */
    uint16_t *children; /* 512 slots of the level below (page slots for a PT), or NONE */
    uint32_t globals;   /* global pages below */
    uint32_t large;     /* pages below that shadow part of a guest large page */
    uint16_t parent;    /* slot of the table above (none for a PDPT: the space's root) */
    uint16_t index;     /* entry in the table above */
    uint16_t used;      /* children present */
    uint16_t lru_newer; /* the pool's list by last fill (or the free list) */
    uint16_t lru_older;
    uint8_t space;
    uint8_t in_use;
} pv_shadow_table_t;

/* One page-mapping slot. Internal. */
typedef struct pv_shadow_page {
    uint64_t frame; /* guest-physical 4 KiB frame */
    uint16_t table; /* its PT slot */
    uint16_t index; /* entry in the PT */
    uint16_t next;  /* the free list, or the list of AC-exposed pages */
    uint16_t prev;  /* the list of AC-exposed pages */
    uint8_t rights; /* PV_SHADOW_WRITE/EXEC */
    uint8_t flags;  /* internal: in use, global, AC-exposed */
    uint8_t order;  /* log2 of the guest page it shadows part of (12, 21, 22, 30) */
    uint8_t space;
} pv_shadow_page_t;

typedef struct pv_shadow_pool {
    pv_shadow_table_t *tables;
    uint32_t bound;
    uint32_t used;
    uint32_t high_water;
    uint16_t free;   /* free list head */
    uint16_t newest; /* the list by last fill */
    uint16_t oldest;
} pv_shadow_pool_t;

/* The software TLB of one vCPU. All fields are internal; the caller owns the memory. */
typedef struct pv_shadow {
    pv_shadow_ops_t ops;
    const pv_memory_t *memory;
    pv_shadow_pool_t pools[3]; /* PDPT, PD, PT */
    pv_shadow_page_t *pages;
    uint32_t page_bound;
    uint32_t pages_used;
    uint32_t pages_high_water;
    uint16_t page_free;
    uint16_t exposed; /* AC-exposed pages (kernel view, user pages under SMAP) */
    uint16_t roots[PV_SHADOW_SPACES][512];
    uint64_t paging_key[4]; /* the paging bits of the mappings present (pv_shadow_fill) */
    uint64_t cr3;
    bool have_paging;
    bool broken;
    int host_error;
    pv_shadow_stats_t stats;
} pv_shadow_t;

/* Bytes of storage pv_shadow_init needs for these bounds (about 1 KiB per table slot and 24
 * bytes per page slot: 3.5 MiB with the defaults), or 0 when a bound is out of range. */
size_t pv_shadow_storage_size(const pv_shadow_config_t *config);

/* Sets up an empty software TLB (the spaces are empty PML4s). NULL config: the defaults.
 * storage: pv_shadow_storage_size bytes, 8-byte aligned, owned by the caller from now on. */
pv_shadow_status_t pv_shadow_init(pv_shadow_t *shadow, const pv_shadow_config_t *config,
                                  const pv_shadow_ops_t *ops, const pv_memory_t *memory,
                                  void *storage, size_t storage_size);

/*
 * A host page fault of the guest at address: access is the walker's PV_ACCESS_WRITE/FETCH (the
 * host fault's kind), PV_ACCESS_USER when the guest ran at CPL 3 (the user view faulted) and
 * PV_ACCESS_AC when the guest's RFLAGS.AC is set. Walks the guest's tables (setting accessed and
 * dirty bits as the processor would) and maps one 4 KiB page, or says why not in *out. A change
 * of paging mode or CR3 since the last fill flushes first, even if the vCPU did not report it.
 */
pv_shadow_status_t pv_shadow_fill(pv_shadow_t *shadow, const pv_paging_t *paging, gva_t address,
                                  unsigned access, pv_shadow_fill_t *out);

/* INVLPG (and INVPCID of one address): the page at address in both views, and every page that
 * shadows part of a guest large page containing it; global ones too. */
pv_shadow_status_t pv_shadow_invalidate_page(pv_shadow_t *shadow, gva_t address);

/* A CR3 write: every non-global translation (all of them when CR4.PGE is clear). */
pv_shadow_status_t pv_shadow_new_cr3(pv_shadow_t *shadow, const pv_paging_t *paging);

/* CR0, CR4 or EFER changed: everything is flushed if CR0.PG/WP, CR4.PSE/PAE/PGE/SMEP/SMAP,
 * EFER.LME/NXE or MAXPHYADDR differ from those the present mappings were filled under. */
pv_shadow_status_t pv_shadow_paging_changed(pv_shadow_t *shadow, const pv_paging_t *paging);

/* Every translation (keep_global: all but the global ones). */
pv_shadow_status_t pv_shadow_flush(pv_shadow_t *shadow, bool keep_global);

/* RFLAGS.AC changed (STAC, CLAC, POPF, delivery): clearing it unmaps the user pages the kernel
 * view holds because AC was set when they were filled under CR4.SMAP. */
pv_shadow_status_t pv_shadow_ac_changed(pv_shadow_t *shadow, bool ac);

void pv_shadow_stats(const pv_shadow_t *shadow, pv_shadow_stats_t *out);

#endif
