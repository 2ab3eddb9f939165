/*
 * Sites: which decoded instructions are sites and how each traps once patched, the patched
 * bytes, and the site table (added during the scan, sorted at its end). Never writes past the
 * caller's site capacity: the first site that does not fit stops the scan.
 */
#include "patch_internal.h"

#define OPCODE_UD2_0       0x0f
#define OPCODE_UD2_1       0x0b
#define OPCODE_INT3        0xcc
#define OPCODE_PUSHF_PATCH 0x06 /* invalid in 64-bit mode: the kernel's PUSHF site */
#define OPCODE_POPF_PATCH  0x07 /* invalid in 64-bit mode: the kernel's POPF site */

pv_patch_kind_t pv_patch_kind_of(const x86dec_insn_t *insn, pv_patch_mode_t mode, uint32_t flags)
{
    if (insn == NULL || insn->length == 0) {
        return PV_PATCH_KIND_NONE;
    }
    if (insn->mnemonic == X86DEC_MN_CLI) {
        return PV_PATCH_KIND_CLI;
    }
    if (insn->mnemonic == X86DEC_MN_STI) {
        return PV_PATCH_KIND_STI;
    }
    if ((insn->flags & X86DEC_F_SENSITIVE) == 0 ||
        ((flags & PV_PATCH_OPT_NATIVE_RDTSC) != 0 && insn->mnemonic == X86DEC_MN_RDTSC)) {
        return PV_PATCH_KIND_NONE;
    }
    /* The kernel's PUSHF/POPF sites are one byte and 64-bit (0x06/0x07 are PUSH/POP ES in
     * 32-bit code); a prefixed PUSHF/POPF is another instruction for it. */
    if (mode == PV_PATCH_MODE_64 && insn->length == 1 && insn->mnemonic == X86DEC_MN_PUSHF) {
        return PV_PATCH_KIND_PUSHF;
    }
    if (mode == PV_PATCH_MODE_64 && insn->length == 1 && insn->mnemonic == X86DEC_MN_POPF) {
        return PV_PATCH_KIND_POPF;
    }
    return insn->length >= 2 ? PV_PATCH_KIND_UD2 : PV_PATCH_KIND_INT3;
}

unsigned patch_kind_bytes(pv_patch_kind_t kind)
{
    switch (kind) {
    case PV_PATCH_KIND_PUSHF:
    case PV_PATCH_KIND_POPF:
    case PV_PATCH_KIND_INT3:
        return 1;
    case PV_PATCH_KIND_UD2:
        return 2;
    default:
        return 0;
    }
}

void pv_patch_site_bytes(const pv_patch_site_t *site, uint8_t out[X86DEC_MAX_LENGTH])
{
    __builtin_memcpy(out, site->original, X86DEC_MAX_LENGTH);
    switch (site->kind) {
    case PV_PATCH_KIND_PUSHF:
        out[0] = OPCODE_PUSHF_PATCH;
        break;
    case PV_PATCH_KIND_POPF:
        out[0] = OPCODE_POPF_PATCH;
        break;
    case PV_PATCH_KIND_INT3:
        out[0] = OPCODE_INT3;
        break;
    case PV_PATCH_KIND_UD2:
        out[0] = OPCODE_UD2_0;
        out[1] = OPCODE_UD2_1;
        break;
    default:
        break;
    }
}

/* The site already listed at an address (reached in the other mode first), or NULL. */
static pv_patch_site_t *site_listed(const patch_scan_t *scan, uint64_t address)
{
    for (size_t i = scan->result->site_count; i-- > 0;) {
        if (scan->result->sites[i].address.value == address) {
            return &scan->result->sites[i];
        }
    }
    return NULL;
}

void patch_site_add(patch_scan_t *scan, const patch_insn_t *insn)
{
    pv_patch_result_t *result = scan->result;
    const patch_region_t *region = &scan->regions[insn->region];
    const patch_marks_t *marks = patch_marks_at(scan, insn->position);
    pv_patch_site_t *site;

    if (patch_mark_test(&marks->decoded[1 - insn->mode], insn->position)) {
        site = site_listed(scan, insn->address);
        if (site != NULL) {
            site->modes |= (uint8_t)(1u << insn->mode);
            return;
        }
    }
    if (result->site_count == result->site_capacity) {
        scan->full = true;
        result->error_address = gva(insn->address);
        return;
    }
    site = &result->sites[result->site_count++];
    __builtin_memset(site, 0, sizeof(*site));
    site->address = gva(insn->address);
    site->physical = gpa(region->physical_start + (insn->position - region->base));
    site->length = insn->insn.length;
    site->modes = (uint8_t)(1u << insn->mode);
    site->kind = (uint8_t)insn->kind;
    site->region = region->index;
    site->mnemonic = insn->insn.mnemonic;
    site->flags = insn->insn.flags & (X86DEC_F_PRIVILEGED | X86DEC_F_SENSITIVE | X86DEC_F_IOPL);
    __builtin_memcpy(site->original, insn->bytes, insn->insn.length);
    result->stats.sites_by_kind[insn->kind]++;
}

static bool site_before(const pv_patch_site_t *a, const pv_patch_site_t *b)
{
    return a->address.value < b->address.value;
}

static void sift_down(pv_patch_site_t *sites, size_t root, size_t count)
{
    for (;;) {
        size_t child = 2 * root + 1;
        pv_patch_site_t swap;

        if (child >= count) {
            return;
        }
        if (child + 1 < count && site_before(&sites[child], &sites[child + 1])) {
            child++;
        }
        if (!site_before(&sites[root], &sites[child])) {
            return;
        }
        swap = sites[root];
        sites[root] = sites[child];
        sites[child] = swap;
        root = child;
    }
}

/* Heap sort: in place, no recursion, O(n log n) whatever the order the scan found them in. */
void patch_sites_sort(pv_patch_site_t *sites, size_t count)
{
    for (size_t root = count / 2; root-- > 0;) {
        sift_down(sites, root, count);
    }
    for (size_t end = count; end > 1; end--) {
        pv_patch_site_t swap = sites[0];
        sites[0] = sites[end - 1];
        sites[end - 1] = swap;
        sift_down(sites, 0, end - 1);
    }
}
