/*
 * Writing the patches into guest memory and taking them out again. Check, then act: every site
 * is checked (in RAM, holding what it should) before the first byte is written, so a refusal
 * leaves guest memory as it was.
 */
#include "patch_internal.h"

/* Whether guest memory holds `expected` over the site's bytes; false when not RAM. */
static bool site_holds(const pv_memory_t *memory, const pv_patch_site_t *site,
                       const uint8_t *expected)
{
    uint8_t current[X86DEC_MAX_LENGTH];

    if (!pv_memory_read(memory, site->physical, current, site->length)) {
        return false;
    }
    return __builtin_memcmp(current, expected, site->length) == 0;
}

static pv_patch_error_t check_table(const pv_memory_t *memory, const pv_patch_result_t *result)
{
    if (memory == NULL || result == NULL || (result->sites == NULL && result->site_count != 0) ||
        result->site_count > result->site_capacity || result->error != PV_PATCH_OK) {
        return PV_PATCH_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < result->site_count; i++) {
        const pv_patch_site_t *site = &result->sites[i];
        if (site->length == 0 || site->length > X86DEC_MAX_LENGTH) {
            return PV_PATCH_ERR_ARGUMENT;
        }
        if (!pv_memory_contains(memory, site->physical, site->length)) {
            return PV_PATCH_ERR_NOT_RAM;
        }
    }
    return PV_PATCH_OK;
}

/* `to_patched`: originals must be there and patches go in; else the reverse. */
static pv_patch_error_t exchange(const pv_memory_t *memory, const pv_patch_result_t *result,
                                 bool to_patched)
{
    pv_patch_error_t error = check_table(memory, result);
    uint8_t patched[X86DEC_MAX_LENGTH];

    if (error != PV_PATCH_OK) {
        return error;
    }
    for (size_t i = 0; i < result->site_count; i++) {
        const pv_patch_site_t *site = &result->sites[i];
        pv_patch_site_bytes(site, patched);
        if (!site_holds(memory, site, to_patched ? site->original : patched)) {
            /* Two aliased sites over one byte range hold the same bytes: one check fits both. */
            return PV_PATCH_ERR_CHANGED;
        }
    }
    for (size_t i = 0; i < result->site_count; i++) {
        const pv_patch_site_t *site = &result->sites[i];
        pv_patch_site_bytes(site, patched);
        /* Cannot fail: checked above to be RAM. */
        (void)pv_memory_write(memory, site->physical, to_patched ? patched : site->original,
                              site->length);
    }
    return PV_PATCH_OK;
}

pv_patch_error_t pv_patch_apply(const pv_memory_t *memory, const pv_patch_result_t *result)
{
    if (result != NULL && result->conflicts_breaking != 0) {
        return PV_PATCH_ERR_CONFLICT;
    }
    return exchange(memory, result, true);
}

pv_patch_error_t pv_patch_revert(const pv_memory_t *memory, const pv_patch_result_t *result)
{
    return exchange(memory, result, false);
}
