/*
 * The walker's access rules (SDM Vol. 3A 4.6, "Access Rights", and 4.7, "Page-Fault
 * Exceptions"): U/S and R/W over every level, CR0.WP, NX, SMEP, SMAP with RFLAGS.AC and implicit
 * accesses, and the error code a refused access pushes. Pure functions of the snapshot.
 */
#include "walk_rules.h"

/* Whether the error code reports instruction fetches (I/D is defined only then). */
static bool walk_reports_fetch(const pv_paging_t *paging, pv_paging_mode_t mode)
{
    bool nx = mode >= PV_PAGING_PAE && (paging->efer & PV_PAGING_EFER_NXE) != 0;

    return nx || (paging->cr4 & PV_PAGING_CR4_SMEP) != 0;
}

/* The rights rule for a translated page: false when the access must fault. */
static bool walk_rights_allow(const pv_paging_t *paging, unsigned access,
                              const walk_snapshot_t *snapshot)
{
    bool write = (access & PV_ACCESS_WRITE) != 0;
    bool fetch = (access & PV_ACCESS_FETCH) != 0;
    bool smap_exempt = (access & PV_ACCESS_AC) != 0 && (access & PV_ACCESS_IMPLICIT) == 0;

    if ((access & PV_ACCESS_USER) != 0) {
        return snapshot->user && (!write || snapshot->writable) && (!fetch || snapshot->executable);
    }
    if (fetch &&
        (!snapshot->executable || (snapshot->user && (paging->cr4 & PV_PAGING_CR4_SMEP) != 0))) {
        return false;
    }
    /* SMAP covers supervisor data accesses to user pages; a fetch is SMEP's business. */
    if ((write || !fetch) && snapshot->user && (paging->cr4 & PV_PAGING_CR4_SMAP) != 0 &&
        !smap_exempt) {
        return false;
    }
    return !write || snapshot->writable || (paging->cr0 & PV_PAGING_CR0_WP) == 0;
}

bool walk_access_allowed(const pv_paging_t *paging, pv_paging_mode_t mode, unsigned access,
                         const walk_snapshot_t *snapshot, bool translated, uint32_t *error_code)
{
    uint32_t code = access & (PV_PF_WRITE | PV_PF_USER);

    if ((access & PV_ACCESS_FETCH) != 0 && walk_reports_fetch(paging, mode)) {
        code |= PV_PF_FETCH;
    }
    if (translated) {
        if (walk_rights_allow(paging, access, snapshot)) {
            return true;
        }
        code |= PV_PF_PRESENT;
    } else if (snapshot->reserved) {
        code |= PV_PF_PRESENT | PV_PF_RESERVED;
    }
    *error_code = code;
    return false;
}
