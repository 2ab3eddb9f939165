/*
 * Inside the walker (lib/pv/walk*.c only): the snapshot of the entries one walk read, and the
 * access rules applied to it. Nothing here touches guest memory.
 */
#ifndef PV_WALK_RULES_H
#define PV_WALK_RULES_H

#include <pv/walk.h>

typedef struct walk_entry {
    gpa_t address;
    uint64_t value;    /* as read (a 4-byte entry zero-extended) */
    unsigned width;    /* 4 (32-bit paging) or 8 */
    bool has_accessed; /* false for a PAE PDPTE, which has no accessed bit */
} walk_entry_t;

typedef struct walk_snapshot {
    walk_entry_t entries[4]; /* in walk order; the last is the leaf when translated */
    unsigned count;
    uint64_t frame;     /* translated: the page's guest-physical base */
    uint64_t page_size; /* translated: its size */
    bool writable;      /* R/W over every entry read so far */
    bool user;          /* U/S over every entry read so far */
    bool executable;    /* no XD in any entry read so far */
    bool reserved;      /* the walk stopped at an entry with a reserved bit set */
} walk_snapshot_t;

/*
 * Whether the access may use the translation (translated: the walk reached a leaf; otherwise it
 * stopped at a non-present or reserved entry). False with the #PF error code otherwise.
 */
bool walk_access_allowed(const pv_paging_t *paging, pv_paging_mode_t mode, unsigned access,
                         const walk_snapshot_t *snapshot, bool translated, uint32_t *error_code);

#endif
