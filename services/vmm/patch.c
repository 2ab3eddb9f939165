/*
 * Patching the guest kernel (patch.h). At load time the regions and function symbols come from
 * the kernel's ELF when it is one (an identity region too, for the 32-bit boot path of a kernel
 * linked high); otherwise the image as loaded is one region. The boot entry is the one the guest
 * is started at: 32-bit code, whatever the protocol. Later, code the guest enters at run time is
 * scanned from where it enters (the scan continued: only the new code is decoded). Sites that do
 * not fit are never dropped: the array grows and the scan runs again.
 */
#include "patch.h"
#include <runtime/heap.h>
#include <runtime/log.h>

#define PATCH_SITES_FIRST 1024
#define PATCH_REPORTS     16
/* Entries found at run time (system-call entries, handlers, user entry points), scanned or
 * refused: enough for every vector and a few dozen user entry points. */
#define PATCH_LATE_MAX 320

typedef struct patch_state {
    pv_patch_region_t regions[PV_PATCH_REGIONS_MAX];
    pv_patch_entry_t *entries; /* the boot entry, the symbols, then the late entries */
    size_t entry_capacity;
    size_t scanned; /* entries[0 .. scanned) are in the last scan */
    /* The last scan's input (its workspace holds the marks a continued scan builds on), result
     * and configuration. */
    pv_patch_input_t input;
    pv_patch_result_t result;
    pv_cpu_config_t config;
    uint64_t late[PATCH_LATE_MAX]; /* every late entry noted, so that none is noted twice */
    size_t late_count;
    bool late_full; /* more were found: said once */
    bool frozen;    /* the guest changed patched code: no scan any more */
    bool plain;     /* the PV page lists no site: every CLI/STI/PUSHF/POPF traps to the VMM */
    /* What the vCPU had done by the last look (patch_late_entries). */
    uint64_t delivered;
    unsigned cpl;
} patch_state_t;

static patch_state_t patch;

static bool patch_regions(const vmm_t *vmm)
{
    const kernel_plan_t *plan = &vmm->load.kernel;

    if (plan->elf_valid) {
        return pv_patch_regions_from_elf(&plan->elf, PV_PATCH_ELF_IDENTITY, patch.regions,
                                         PV_PATCH_REGIONS_MAX,
                                         &patch.input.region_count) == PV_PATCH_OK;
    }
    patch.regions[0] =
            (pv_patch_region_t){gva(plan->start), gpa(plan->start), plan->end - plan->start};
    patch.input.region_count = 1;
    return true;
}

/* The boot entry first, then the ELF's function symbols; room for the late entries. */
static bool patch_entries(const vmm_t *vmm)
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
    patch.entry_capacity = symbols + 1 + PATCH_LATE_MAX;
    patch.entries = malloc(patch.entry_capacity * sizeof(pv_patch_entry_t));
    if (patch.entries == NULL) {
        return false;
    }
    patch.entries[0] = (pv_patch_entry_t){gva(plan->entry), PV_PATCH_MODE_32, PV_PATCH_ORIGIN_BOOT};
    patch.input.entry_count = 1;
    if (symbols > 0 &&
        pv_patch_entries_from_elf(&plan->elf, PV_PATCH_ELF_SYMBOLS, patch.entries + 1, symbols,
                                  &symbols) == PV_PATCH_OK) {
        patch.input.entry_count += symbols;
    }
    return true;
}

/* The scan's input, workspace included (kept from scan to scan: a continued scan needs its
 * marks, and the trap-time checks of reached code read them). */
static bool patch_input(vmm_t *vmm, const pv_cpu_config_t *config)
{
    size_t workspace_size = 0;

    if (pv_patch_workspace_size(patch.regions, patch.input.region_count, PV_PATCH_STACK_DEFAULT,
                                &workspace_size) != PV_PATCH_OK) {
        return false;
    }
    patch.input.memory = &vmm->ram;
    patch.input.regions = patch.regions;
    patch.input.entries = patch.entries;
    patch.input.decoder = (x86dec_options_t){
            .vendor = config->vendor == PV_VENDOR_INTEL ? X86DEC_VENDOR_INTEL : X86DEC_VENDOR_AMD};
    /* The guest's TSC is the host's: RDTSC may run natively (RDTSCP, which reads IA32_TSC_AUX,
     * is still a site). */
    patch.input.flags = PV_PATCH_OPT_NATIVE_RDTSC;
    patch.input.workspace = malloc(workspace_size);
    patch.input.workspace_size = workspace_size;
    return patch.input.workspace != NULL;
}

/* A whole scan from entries[0 .. count), into a new site array (the last one is freed). */
static pv_patch_error_t patch_scan_all(size_t count)
{
    static pv_patch_range_t unreached[PATCH_REPORTS];
    static pv_patch_conflict_t conflicts[PATCH_REPORTS];
    static pv_patch_note_t notes[PATCH_REPORTS];
    pv_patch_error_t error = PV_PATCH_ERR_SITES_FULL;

    patch.input.entry_count = count;
    for (size_t capacity = PATCH_SITES_FIRST; error == PV_PATCH_ERR_SITES_FULL; capacity *= 2) {
        free(patch.result.sites);
        patch.result = (pv_patch_result_t){
                .sites = malloc(capacity * sizeof(pv_patch_site_t)),
                .site_capacity = capacity,
                .unreached = unreached,
                .unreached_capacity = PATCH_REPORTS,
                .conflicts = conflicts,
                .conflict_capacity = PATCH_REPORTS,
                .notes = notes,
                .note_capacity = PATCH_REPORTS,
        };
        if (patch.result.sites == NULL) {
            break;
        }
        error = pv_patch_scan(&patch.input, &patch.result);
    }
    patch.scanned = error == PV_PATCH_OK ? count : 0;
    return error;
}

static void patch_publish(vmm_t *vmm, const char *why)
{
    const pv_patch_result_t *result = &patch.result;
    size_t before = vmm->site_count;

    vmm->sites = result->sites;
    vmm->site_count = result->site_count;
    size_t fast = pv_patch_fill_pv_page(result->sites, result->site_count, NULL,
                                        (seL4_PVPage *)vmm->vcpu.pv_page);
    if (patch.plain) {
        vmm->vcpu.pv_page->site_count = 0;
    }
    if (result->site_count == before && before != 0) {
        return; /* nothing new to say */
    }
    log_printf(LOG_INFO,
               "vmm: %s: %zu patch sites (%zu for the fast path), %lu instructions decoded, %zu "
               "conflicts, %zu notes\n",
               why, result->site_count, fast,
               (unsigned long)(result->stats.instructions[0] + result->stats.instructions[1]),
               result->conflict_count, result->note_count);
}

void patch_guest(vmm_t *vmm, const pv_cpu_config_t *config)
{
    patch.config = *config;
    if (!patch_regions(vmm) || !patch_entries(vmm) || !patch_input(vmm, config)) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "the kernel's executable segments cannot be scanned");
    }
    pv_patch_error_t error = patch_scan_all(patch.input.entry_count);
    if (error == PV_PATCH_OK) {
        error = pv_patch_apply(&vmm->ram, &patch.result);
    }
    if (error != PV_PATCH_OK) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "patching the kernel: %s at %#lx",
                pv_patch_error_string(error), (unsigned long)patch.result.error_address.value);
    }
    patch.cpl = vmm->vcpu.cpu.cpl;
    patch.delivered = vmm->vcpu.cpu.delivered;
    patch_publish(vmm, "at load");
}

/* Whether an address lies in a region the scan covers. */
static bool patch_in_regions(uint64_t address)
{
    for (size_t i = 0; i < patch.input.region_count; i++) {
        if (address - patch.regions[i].virtual_start.value < patch.regions[i].length) {
            return true;
        }
    }
    return false;
}

static void patch_note(uint64_t address, pv_patch_mode_t mode)
{
    for (size_t i = 0; i < patch.late_count; i++) {
        if (patch.late[i] == address) {
            return; /* scanned, or refused, already */
        }
    }
    if (patch.late_count == PATCH_LATE_MAX) {
        if (!patch.late_full) {
            log_printf(LOG_WARN,
                       "vmm: more than %u entries found at run time: the code of the "
                       "others is not scanned\n",
                       PATCH_LATE_MAX);
        }
        patch.late_full = true;
        return;
    }
    patch.late[patch.late_count++] = address;
    patch.entries[patch.input.entry_count++] =
            (pv_patch_entry_t){gva(address), (uint8_t)mode, PV_PATCH_ORIGIN_RUNTIME};
}

void patch_note_entry(uint64_t address)
{
    if (patch_in_regions(address) &&
        !pv_patch_reached(&patch.input, gva(address), PV_PATCH_MODE_64)) {
        patch_note(address, PV_PATCH_MODE_64);
    }
}

void patch_note_running(uint64_t address, bool long_mode)
{
    pv_patch_mode_t mode = long_mode ? PV_PATCH_MODE_64 : PV_PATCH_MODE_32;

    /* Inside a site: the guest entered the middle of a patched instruction, which a scan from
     * there would only refuse (a conflict): its fault is the guest's own, nothing to scan. */
    if (!patch.frozen && patch_in_regions(address) &&
        !pv_patch_reached(&patch.input, gva(address), mode) &&
        pv_patch_find_containing(patch.result.sites, patch.result.site_count, gva(address)) ==
                NULL) {
        patch_note(address, mode);
    }
}

void patch_fast_path(vmm_t *vmm, bool on)
{
    patch.plain = !on;
    if (on) {
        pv_patch_fill_pv_page(vmm->sites, vmm->site_count, NULL, (seL4_PVPage *)vmm->vcpu.pv_page);
    } else {
        vmm->vcpu.pv_page->site_count = 0;
    }
}

/*
 * Where the last event sent the guest, if that is where code starts that no scan may have
 * reached: a handler it delivered to (found at delivery, not at LIDT: the IDT may be filled or
 * changed after LIDT without a trap, and only the gate the vCPU reads is sure to hold a handler),
 * or the first instruction after the guest's kernel entered its user mode (IRETQ, SYSRET).
 */
static void patch_follow(const vmm_t *vmm)
{
    const pv_cpu_t *cpu = &vmm->vcpu.cpu;
    bool entered = cpu->delivered != patch.delivered || (cpu->cpl == 3 && patch.cpl != 3);
    pv_patch_mode_t mode = cpu->mode == PV_MODE_LONG ? PV_PATCH_MODE_64 : PV_PATCH_MODE_32;

    patch.delivered = cpu->delivered;
    patch.cpl = cpu->cpl;
    if (entered && !patch.frozen && patch_in_regions(cpu->rip) &&
        !pv_patch_reached(&patch.input, gva(cpu->rip), mode)) {
        patch_note(cpu->rip, mode);
    }
}

/*
 * The scan continued from the entries noted: the sites go back to their original bytes, the new
 * code is scanned, and the whole table is written again. Entries whose code conflicts with a
 * patch (the guest entered the middle of a patched instruction) are refused: the table from
 * before them is rebuilt by a whole scan. Code the guest changed since it was patched stops all
 * of this (its sites stay as they are).
 */
void patch_late_entries(vmm_t *vmm)
{
    size_t first = patch.scanned;

    patch_follow(vmm);
    if (patch.frozen || first == patch.input.entry_count) {
        return;
    }
    if (pv_patch_revert(&vmm->ram, &patch.result) != PV_PATCH_OK) {
        log_printf(LOG_WARN, "vmm: the kernel's code changed since it was patched: the code it "
                             "enters at run time is not scanned\n");
        patch.frozen = true;
        return;
    }
    pv_patch_error_t error = pv_patch_scan_more(&patch.input, first, &patch.result);
    if (error == PV_PATCH_ERR_SITES_FULL) {
        error = patch_scan_all(patch.input.entry_count); /* a larger table */
    }
    if (error == PV_PATCH_OK) {
        error = pv_patch_apply(&vmm->ram, &patch.result);
    }
    if (error == PV_PATCH_OK) {
        patch.scanned = patch.input.entry_count;
        patch_publish(vmm, "with code entered at run time");
        return;
    }
    log_printf(LOG_WARN, "vmm: code entered at %#lx not patched: %s\n",
               (unsigned long)patch.entries[first].address.value, pv_patch_error_string(error));
    if (patch_scan_all(first) != PV_PATCH_OK ||
        pv_patch_apply(&vmm->ram, &patch.result) != PV_PATCH_OK) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the kernel's patches cannot be written again");
    }
    patch_publish(vmm, "again without it");
}
