/*
 * Patching the guest kernel at load time (patch.h). The regions and function symbols come from
 * the kernel's ELF when it is one (an identity region too, for the 32-bit boot path of a kernel
 * linked high); otherwise the image as loaded is one region. The boot entry is the one the guest
 * is started at: 32-bit code, whatever the protocol. Sites that do not fit are never dropped:
 * the array grows and the scan runs again.
 */
#include "patch.h"
#include <runtime/heap.h>
#include <runtime/log.h>

#define PATCH_SITES_FIRST 1024
#define PATCH_REPORTS     16
#define PATCH_LATE_MAX    8 /* entries the guest sets at run time (LSTAR, CSTAR) */

typedef struct patch_input {
    pv_patch_region_t regions[PV_PATCH_REGIONS_MAX];
    size_t region_count;
    pv_patch_entry_t *entries;
    size_t entry_count;
} patch_input_t;

/* What the last scan was made from and found, for a scan again with entries found later. */
typedef struct patch_state {
    patch_input_t in;
    pv_patch_result_t result;
    pv_cpu_config_t config;
    uint64_t late[PATCH_LATE_MAX]; /* entries noted since, not scanned yet */
    size_t late_count;
    size_t late_total; /* late entries scanned so far */
} patch_state_t;

static patch_state_t patch;

static bool patch_regions(const vmm_t *vmm, patch_input_t *in)
{
    const kernel_plan_t *plan = &vmm->load.kernel;

    if (plan->elf_valid) {
        return pv_patch_regions_from_elf(&plan->elf, PV_PATCH_ELF_IDENTITY, in->regions,
                                         PV_PATCH_REGIONS_MAX, &in->region_count) == PV_PATCH_OK;
    }
    in->regions[0] =
            (pv_patch_region_t){gva(plan->start), gpa(plan->start), plan->end - plan->start};
    in->region_count = 1;
    return true;
}

/* The boot entry first, then the ELF's function symbols. */
static bool patch_entries(const vmm_t *vmm, patch_input_t *in)
{
    const kernel_plan_t *plan = &vmm->load.kernel;
    size_t symbols = 0;

    if (plan->elf_valid) {
        pv_patch_error_t error =
                pv_patch_entries_from_elf(&plan->elf, PV_PATCH_ELF_SYMBOLS, NULL, 0, &symbols);
        if (error != PV_PATCH_OK && error != PV_PATCH_ERR_CAPACITY) {
            symbols = 0; /* a malformed symbol table: the boot entry alone */
        }
    }
    in->entries = malloc((symbols + 1 + PATCH_LATE_MAX) * sizeof(pv_patch_entry_t));
    if (in->entries == NULL) {
        return false;
    }
    in->entries[0] = (pv_patch_entry_t){gva(plan->entry), PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT};
    in->entry_count = 1;
    if (symbols > 0 && pv_patch_entries_from_elf(&plan->elf, PV_PATCH_ELF_SYMBOLS, in->entries + 1,
                                                 symbols, &symbols) == PV_PATCH_OK) {
        in->entry_count += symbols;
    }
    return true;
}

static pv_patch_error_t patch_scan(vmm_t *vmm, const patch_input_t *in,
                                   const pv_cpu_config_t *config, pv_patch_result_t *result)
{
    static pv_patch_range_t unreached[PATCH_REPORTS];
    static pv_patch_conflict_t conflicts[PATCH_REPORTS];
    static pv_patch_note_t notes[PATCH_REPORTS];
    size_t workspace_size = 0;
    pv_patch_error_t error = pv_patch_workspace_size(in->regions, in->region_count,
                                                     PV_PATCH_STACK_DEFAULT, &workspace_size);
    void *workspace = error == PV_PATCH_OK ? malloc(workspace_size) : NULL;
    pv_patch_input_t input = {
            .memory = &vmm->ram,
            .regions = in->regions,
            .region_count = in->region_count,
            .entries = in->entries,
            .entry_count = in->entry_count,
            .decoder = {.vendor = config->vendor == PV_VENDOR_INTEL ? X86DEC_VENDOR_INTEL
                                                                    : X86DEC_VENDOR_AMD},
            /* The guest's TSC is the host's: RDTSC may run natively (RDTSCP, which reads
             * IA32_TSC_AUX, is still a site). */
            .flags = PV_PATCH_OPT_NATIVE_RDTSC,
            .workspace = workspace,
            .workspace_size = workspace_size,
    };

    if (error != PV_PATCH_OK || workspace == NULL) {
        return error != PV_PATCH_OK ? error : PV_PATCH_ERR_WORKSPACE;
    }
    for (size_t capacity = PATCH_SITES_FIRST;; capacity *= 2) {
        *result = (pv_patch_result_t){
                .sites = malloc(capacity * sizeof(pv_patch_site_t)),
                .site_capacity = capacity,
                .unreached = unreached,
                .unreached_capacity = PATCH_REPORTS,
                .conflicts = conflicts,
                .conflict_capacity = PATCH_REPORTS,
                .notes = notes,
                .note_capacity = PATCH_REPORTS,
        };
        if (result->sites == NULL) {
            error = PV_PATCH_ERR_SITES_FULL;
            break;
        }
        error = pv_patch_scan(&input, result);
        if (error != PV_PATCH_ERR_SITES_FULL) {
            break;
        }
        free(result->sites);
    }
    free(workspace);
    return error;
}

static void patch_publish(vmm_t *vmm, const pv_patch_result_t *result, const char *why)
{
    vmm->sites = result->sites;
    vmm->site_count = result->site_count;
    size_t fast = pv_patch_fill_pv_page(result->sites, result->site_count, NULL,
                                        (seL4_PVPage *)vmm->vcpu.pv_page);
    log_printf(LOG_INFO,
               "vmm: %s: %zu patch sites (%zu for the fast path), %lu instructions decoded, %zu "
               "conflicts, %zu notes\n",
               why, result->site_count, fast,
               (unsigned long)(result->stats.instructions[0] + result->stats.instructions[1]),
               result->conflict_count, result->note_count);
}

void patch_guest(vmm_t *vmm, const pv_cpu_config_t *config)
{
    pv_patch_result_t result = {0};

    patch.config = *config;
    if (!patch_regions(vmm, &patch.in) || !patch_entries(vmm, &patch.in)) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "the kernel's executable segments cannot be scanned");
    }
    pv_patch_error_t error = patch_scan(vmm, &patch.in, config, &result);
    if (error == PV_PATCH_OK) {
        error = pv_patch_apply(&vmm->ram, &result);
    }
    if (error != PV_PATCH_OK) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "patching the kernel: %s at %#lx",
                pv_patch_error_string(error), (unsigned long)result.error_address.value);
    }
    patch.result = result;
    patch_publish(vmm, &result, "at load");
}

void patch_note_entry(uint64_t address)
{
    for (size_t i = 0; i < patch.in.entry_count; i++) {
        if (patch.in.entries[i].address.value == address &&
            patch.in.entries[i].mode == PV_PATCH_MODE_64) {
            return; /* scanned already */
        }
    }
    for (size_t i = 0; i < patch.late_count; i++) {
        if (patch.late[i] == address) {
            return;
        }
    }
    if (patch.late_total + patch.late_count < PATCH_LATE_MAX) {
        patch.late[patch.late_count++] = address;
    }
}

/*
 * The scan again, with the entries noted: the sites go back to their original bytes, the code
 * is scanned from every entry, and the new sites are written. Code the guest changed since it
 * was patched is not scanned again (its sites stay as they are).
 */
void patch_late_entries(vmm_t *vmm)
{
    pv_patch_result_t result = {0};

    if (patch.late_count == 0) {
        return;
    }
    for (size_t i = 0; i < patch.late_count; i++) {
        patch.in.entries[patch.in.entry_count++] =
                (pv_patch_entry_t){gva(patch.late[i]), PV_PATCH_MODE_64, PV_PATCH_ORIGIN_SYMBOL};
    }
    patch.late_total += patch.late_count;
    patch.late_count = 0;
    if (pv_patch_revert(&vmm->ram, &patch.result) != PV_PATCH_OK) {
        log_printf(LOG_WARN, "vmm: the kernel's code changed since it was patched: the entries "
                             "it set at run time are not scanned\n");
        return;
    }
    pv_patch_error_t error = patch_scan(vmm, &patch.in, &patch.config, &result);
    if (error == PV_PATCH_OK) {
        error = pv_patch_apply(&vmm->ram, &result);
    }
    if (error != PV_PATCH_OK) {
        free(result.sites);
        if (pv_patch_apply(&vmm->ram, &patch.result) != PV_PATCH_OK) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the kernel's patches cannot be written again");
        }
        log_printf(LOG_WARN, "vmm: a scan from the entries set at run time failed: %s\n",
                   pv_patch_error_string(error));
        return;
    }
    free(patch.result.sites);
    patch.result = result;
    patch_publish(vmm, &result, "with the entries set at run time");
}
