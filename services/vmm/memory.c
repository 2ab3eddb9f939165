/*
 * Guest RAM and the boot modules in the VMM's address space (memory.h).
 */
#include "memory.h"
#include <runtime/log.h>
#include <runtime/start.h>

#define PAGE_BYTES   (1ull << seL4_PageBits)
#define RETYPE_BATCH 256 /* frames per Retype: the kernel's most objects per call */

seL4_CPtr vmm_slots(vmm_t *vmm, seL4_Word count)
{
    seL4_Word end = 1ull << vmm->boot->cnode_bits;
    seL4_CPtr first = vmm->next_slot;

    if (first == 0 || count > end - first) {
        return 0;
    }
    vmm->next_slot = first + count;
    return first;
}

seL4_Error memory_retype_at(seL4_Word type, seL4_Word size_bits, seL4_CPtr slot)
{
    seL4_Error error = seL4_NotEnoughMemory;

    for (size_t i = 0; i < runtime_alloc.untyped_count; i++) {
        error = seL4_Untyped_Retype(runtime_alloc.untyped[i].cap, type, size_bits,
                                    SERVICE_SLOT_CNODE, 0, 0, slot, 1);
        if (error != seL4_NotEnoughMemory) {
            return error;
        }
    }
    return error;
}

/* Every RAM untyped into frames, in guest-physical order from slot `first` on. */
static seL4_Error ram_retype(const vmm_t *vmm, seL4_CPtr first)
{
    seL4_Word done = 0;

    for (seL4_Word i = 0; i < vmm->boot->ram_untypeds; i++) {
        seL4_CPtr untyped = runtime_service->caps[VMM_CAP_RAM_FIRST + i];
        seL4_Word frames = 1ull << (vmm->boot->ram_bits[i] - seL4_PageBits);
        for (seL4_Word at = 0; at < frames; at += RETYPE_BATCH) {
            seL4_Word count = frames - at < RETYPE_BATCH ? frames - at : RETYPE_BATCH;
            seL4_Error error = seL4_Untyped_Retype(untyped, seL4_X86_4K, 0, SERVICE_SLOT_CNODE, 0,
                                                   0, first + done + at, count);
            if (error != seL4_NoError) {
                return error;
            }
        }
        done += frames;
    }
    return done == vmm->ram_pages ? seL4_NoError : seL4_RangeError;
}

void memory_ram_setup(vmm_t *vmm)
{
    vmm->ram_pages = vmm->boot->memory >> seL4_PageBits;
    vmm->ram_frames = vmm_slots(vmm, vmm->ram_pages);
    if (vmm->ram_frames == 0 || vmm->boot->ram_untypeds > VMM_RAM_UNTYPEDS_MAX) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "no capability slots for %lu pages of RAM",
                (unsigned long)vmm->ram_pages);
    }
    seL4_Error error = ram_retype(vmm, vmm->ram_frames);
    for (seL4_Word page = 0; error == seL4_NoError && page < vmm->ram_pages; page++) {
        error = vspace_map_frame(&runtime_vspace, vmm->ram_frames + page,
                                 VMM_RAM_WINDOW + page * PAGE_BYTES, seL4_ReadWrite,
                                 seL4_X86_Default_VMAttributes | seL4_X86_ExecuteNever, seL4_False);
    }
    if (error != seL4_NoError) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "guest RAM could not be set up (error %d)", (int)error);
    }
    vmm->ram.base = (uint8_t *)VMM_RAM_WINDOW;
    vmm->ram.size = vmm->boot->memory;
}

/* A module's frames at *window, read-only; the window moves past it and a guard page. */
static guest_blob_t module_map(vmm_t *vmm, const vmm_module_t *module, seL4_Word *window)
{
    guest_blob_t blob = {(const uint8_t *)*window, module->size, module->name};

    if (module->size > module->pages * PAGE_BYTES) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "module %s: %lu bytes in %lu pages", module->name,
                (unsigned long)module->size, (unsigned long)module->pages);
    }
    for (seL4_Word page = 0; page < module->pages; page++) {
        seL4_Error error = vspace_map_frame(
                &runtime_vspace, module->first_slot + page, *window + page * PAGE_BYTES,
                seL4_CanRead, seL4_X86_Default_VMAttributes | seL4_X86_ExecuteNever, seL4_False);
        if (error != seL4_NoError) {
            vmm_end(vmm, VMM_END_VMM_ERROR, 0, "module %s: page %lu cannot be mapped (error %d)",
                    module->name, (unsigned long)page, (int)error);
        }
    }
    *window += (module->pages + 1) * PAGE_BYTES;
    return blob;
}

void memory_modules_setup(vmm_t *vmm)
{
    const vmm_boot_t *boot = vmm->boot;
    seL4_Word window = VMM_MODULE_WINDOW;

    vmm->kernel = module_map(vmm, &boot->kernel, &window);
    vmm->module_count = 0;
    if (boot->initrd.pages > 0) {
        vmm->modules[vmm->module_count++] = module_map(vmm, &boot->initrd, &window);
    }
    for (seL4_Word i = 0; i < boot->module_count && i < VMM_MODULES_MAX; i++) {
        vmm->modules[vmm->module_count++] = module_map(vmm, &boot->modules[i], &window);
    }
    if (boot->disk.pages > 0) {
        vmm->disk = module_map(vmm, &boot->disk, &window);
    }
}
