/*
 * One fault message of the vCPU thread, turned into lib/pv's event: a host page fault goes to the
 * software TLB first (a fill, a #PF for the guest, or MMIO), a trap at a patch site to the site's
 * emulation, every other exception and every SYSCALL to the vCPU's handlers. Nothing here
 * decides what the guest gets; lib/pv does, and the outcome says what the VMM does next.
 */
#include "fault.h"
#include "profile.h"
#include <runtime/log.h>

/* An outcome that leaves the thread as it was: reply with no registers. */
static pv_outcome_kind_t outcome_unchanged(const pv_cpu_t *cpu, pv_outcome_t *out)
{
    __builtin_memset(out, 0, sizeof(*out));
    out->kind = PV_OUTCOME_RESUME;
    out->view = pv_cpu_view(cpu);
    out->code_segment = pv_cpu_code_segment(cpu);
    return out->kind;
}

static pv_outcome_kind_t outcome_end(const pv_cpu_t *cpu, pv_end_reason_t reason, uint64_t address,
                                     const char *what, pv_outcome_t *out)
{
    __builtin_memset(out, 0, sizeof(*out));
    out->kind = PV_OUTCOME_END;
    out->reason = reason;
    out->report = (pv_report_t){
            .vector = PV_REPORT_NO_VECTOR, .rip = cpu->rip, .address = address, .what = what};
    return out->kind;
}

static pv_outcome_kind_t fault_page(vmm_t *vmm, const seL4_Word *words, pv_outcome_t *out,
                                    bool *unchanged)
{
    pv_cpu_t *cpu = &vmm->vcpu.cpu;
    uint64_t address = words[seL4_VMFault_Addr];
    seL4_Word fsr = words[seL4_VMFault_FSR];
    unsigned access = 0;
    pv_shadow_fill_t fill;

    if (fsr & seL4_VMFault_FSR_Write) {
        access |= PV_ACCESS_WRITE;
    }
    if ((fsr & seL4_VMFault_FSR_Fetch) || words[seL4_VMFault_PrefetchFault] != 0) {
        access |= PV_ACCESS_FETCH;
    }
    if (cpu->cpl == 3) {
        access |= PV_ACCESS_USER;
    }
    if (cpu->rflags & PV_RFLAGS_AC) {
        access |= PV_ACCESS_AC;
    }
    pv_paging_t paging = pv_cpu_paging(cpu);
    pv_shadow_status_t st = pv_shadow_fill(&vmm->shadow, &paging, gva(address), access, &fill);
    switch (st) {
    case PV_SHADOW_FILLED:
        profile_trap_kind(PROFILE_FILL);
        *unchanged = true;
        return outcome_unchanged(cpu, out);
    case PV_SHADOW_GUEST_FAULT:
        profile_trap_kind(PROFILE_PAGE_FAULT);
        return pv_cpu_handle_page_fault(cpu, &vmm->env, address, fill.error_code, out);
    case PV_SHADOW_MMIO:
        profile_trap_kind(PROFILE_MMIO);
        return pv_cpu_handle_mmio(cpu, &vmm->env, address, fill.address, out);
    case PV_SHADOW_RESERVED:
        return outcome_end(cpu, PV_END_UNSUPPORTED, address,
                           "the guest maps the hypervisor's reserved range", out);
    case PV_SHADOW_BAD_TABLE:
        return outcome_end(cpu, PV_END_BAD_MEMORY, fill.address.value,
                           "a page-table entry outside guest RAM", out);
    case PV_SHADOW_NON_CANONICAL:
        return outcome_end(cpu, PV_END_BAD_EVENT, address,
                           "a page fault at a non-canonical address", out);
    default:
        log_printf(LOG_ERROR, "vmm: the software TLB's host side failed (error %d)\n",
                   fill.host_error);
        return outcome_end(cpu, PV_END_BAD_EVENT, address, "the software TLB failed", out);
    }
}

static pv_outcome_kind_t fault_exception(vmm_t *vmm, const seL4_Word *words, pv_outcome_t *out)
{
    pv_cpu_t *cpu = &vmm->vcpu.cpu;
    unsigned vector = (unsigned)words[seL4_UserException_Number];
    uint64_t code = words[seL4_UserException_Code];
    const pv_patch_site_t *site = NULL;

    if ((vector == PV_PATCH_VECTOR_UD || vector == PV_PATCH_VECTOR_GP ||
         vector == PV_PATCH_VECTOR_BP) &&
        pv_patch_trap_lookup(vmm->sites, vmm->site_count, vector, gva(cpu->rip), &site) ==
                PV_PATCH_TRAP_SITE) {
        profile_trap_kind(PROFILE_SITE);
        return pv_cpu_handle_patch_site(cpu, &vmm->env, site->address.value, site->original,
                                        site->length, out);
    }
    profile_trap_kind(vector == PV_PATCH_VECTOR_UD || vector == PV_PATCH_VECTOR_GP
                              ? PROFILE_PRIVILEGED
                              : PROFILE_EXCEPTION);
    return pv_cpu_handle_exception(cpu, &vmm->env, vector, code, out);
}

pv_outcome_kind_t fault_handle(vmm_t *vmm, seL4_Word label, const seL4_Word *words,
                               seL4_Word length, pv_outcome_t *out, bool *unchanged)
{
    pv_cpu_t *cpu = &vmm->vcpu.cpu;

    *unchanged = false;
    if (length < seL4_Fault_MessageLength) {
        return outcome_end(cpu, PV_END_BAD_EVENT, length, "a fault message too short", out);
    }
    if (!pv_cpu_load_message(cpu, words)) {
        return outcome_end(cpu, PV_END_BAD_EVENT, words[seL4_Fault_X86_CodeSegment],
                           "the guest changed its code segment behind the VMM's back", out);
    }
    vmm->vcpu.faults++;
    switch (label) {
    case seL4_Fault_VMFault:
        return fault_page(vmm, words, out, unchanged);
    case seL4_Fault_UserException:
        return fault_exception(vmm, words, out);
    case seL4_Fault_UnknownSyscall:
        profile_trap_kind(PROFILE_SYSCALL);
        return pv_cpu_handle_syscall(cpu, &vmm->env, out);
    default:
        return outcome_end(cpu, PV_END_BAD_EVENT, label, "a fault the vCPU cannot have", out);
    }
}
