/*
 * The PV vCPU's thread: a TCB in the guest-kernel view, whose faults come to the VMM's endpoint
 * with VMM_VCPU_BADGE, every `syscall` of which is a fault (it can never make a system call of
 * its own, whatever the guest puts in its registers), with the PV fast path's page. Its CSpace
 * is a CNode of two slots holding only that badged endpoint. It starts in 32-bit compatibility
 * mode at the PVH or multiboot1 entry, as lib/pv's boot calls set the registers up.
 */
#include "vcpu.h"
#include "memory.h"
#include "profile.h"
#include <runtime/log.h>
#include <runtime/start.h>

#define VCPU_CNODE_BITS 1
#define VCPU_FAULT_SLOT 1
#define PAGE_BYTES      (1ull << seL4_PageBits)

static seL4_Error vcpu_objects(vmm_t *vmm, vmm_vcpu_t *vcpu)
{
    seL4_Error error = alloc_object(&runtime_alloc, seL4_TCBObject, 0, &vcpu->tcb);

    if (error == seL4_NoError) {
        error = alloc_object(&runtime_alloc, seL4_CapTableObject, VCPU_CNODE_BITS, &vcpu->cnode);
    }
    if (error == seL4_NoError) {
        error = seL4_CNode_Mint(vcpu->cnode, VCPU_FAULT_SLOT, VCPU_CNODE_BITS, SERVICE_SLOT_CNODE,
                                SERVICE_SLOT_ENDPOINT, seL4_WordBits, seL4_AllRights,
                                VMM_VCPU_BADGE);
    }
    if (error == seL4_NoError) {
        error = alloc_object(&runtime_alloc, seL4_X86_4K, 0, &vcpu->pv_frame);
    }
    if (error == seL4_NoError) {
        error = vspace_map_frame(&runtime_vspace, vcpu->pv_frame, VMM_PV_PAGE, seL4_ReadWrite,
                                 seL4_X86_Default_VMAttributes | seL4_X86_ExecuteNever, seL4_False);
    }
    if (error == seL4_NoError) {
        vcpu->pv_page = (volatile seL4_PVPage *)VMM_PV_PAGE;
        vcpu->saved_reply = vmm_slots(vmm, 1);
        error = vcpu->saved_reply != 0 ? seL4_NoError : seL4_RangeError;
    }
    return error;
}

void vcpu_setup(vmm_t *vmm)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    seL4_Error error = vcpu_objects(vmm, vcpu);

    if (error == seL4_NoError) {
        error = seL4_TCB_Configure(vcpu->tcb, VCPU_FAULT_SLOT, vcpu->cnode,
                                   seL4_CNode_CapData_new(0, seL4_WordBits - VCPU_CNODE_BITS),
                                   vmm->spaces[PV_SHADOW_KERNEL], 0, 0, seL4_CapNull);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_SetPriority(vcpu->tcb, SERVICE_SLOT_TCB, VMM_VCPU_PRIORITY);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_SetFaultAllSyscalls(vcpu->tcb, 1);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_SetPVPage(vcpu->tcb, vcpu->pv_frame);
    }
    if (error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the vCPU thread could not be made (error %d)",
                (int)error);
    }
    vcpu->view = PV_VIEW_KERNEL;
}

seL4_Error vcpu_set_view(vmm_t *vmm, pv_view_t view)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    pv_shadow_space_t space = view == PV_VIEW_USER ? PV_SHADOW_USER : PV_SHADOW_KERNEL;

    if (view == vcpu->view) {
        return seL4_NoError;
    }
    uint64_t begun = profile_part_begin();
    seL4_Error error = seL4_TCB_SetSpace(vcpu->tcb, VCPU_FAULT_SLOT, vcpu->cnode,
                                         seL4_CNode_CapData_new(0, seL4_WordBits - VCPU_CNODE_BITS),
                                         vmm->spaces[space], 0);
    profile_part_end(PROFILE_VIEW, begun);
    if (error == seL4_NoError) {
        vcpu->view = view;
    }
    return error;
}

seL4_Error vcpu_write_and_resume(vmm_t *vmm)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    seL4_UserContext regs;
    seL4_Word code = pv_cpu_code_segment(&vcpu->cpu) == seL4_X86_CodeSegment32
                             ? seL4_X86_WriteRegisters_Code32
                             : seL4_X86_WriteRegisters_Code64;

    pv_cpu_store_registers(&vcpu->cpu, &regs);
    uint64_t begun = profile_part_begin();
    seL4_Error error = seL4_TCB_WriteRegisters(vcpu->tcb, seL4_True, (seL4_Uint8)code,
                                               seL4_UserContext_Count, &regs);
    profile_part_end(PROFILE_REGISTERS, begun);
    return error;
}

void vcpu_boot(vmm_t *vmm, const pv_cpu_config_t *config)
{
    vmm_vcpu_t *vcpu = &vmm->vcpu;
    const load_result_t *load = &vmm->load;

    pv_cpu_init(&vcpu->cpu, config);
    if (load->kernel.protocol == GUEST_BOOT_PVH) {
        pv_cpu_boot_pvh(&vcpu->cpu, load->kernel.entry, load->boot_info);
    } else {
        pv_cpu_boot_multiboot1(&vcpu->cpu, load->kernel.entry, load->boot_info);
    }
    vcpu->pv_page->enabled = 0;
    vcpu->pv_page->flags = 0;
    vcpu->pv_page->pending = 0;
    vcpu->pv_page->control = 0; /* CR0.TS and CR4.TSD clear at reset */
    seL4_Error error = vcpu_write_and_resume(vmm);
    if (error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the vCPU thread could not be started (error %d)",
                (int)error);
    }
}
