/*
 * Hardware modes in init (vm_hardware.h). The root lives in an untyped page of its own, so that
 * freeing that page deletes the root, the VMM's copy and its ASID at once: a VM started again
 * (perhaps in another mode) never finds the old guest-physical space.
 */
#include "vm_hardware.h"
#include "memory.h"
#include "vm_mode.h"
#include <runtime/bootinfo.h>
#include <runtime/start.h>

bool vm_hardware_resolve(vmdecl_mode_t requested, vmdecl_mode_t *resolved, char *message,
                         size_t capacity)
{
    seL4_Word length = 0;
    const seL4_X86_VirtFeatures *machine =
            bootinfo_find_extra(runtime_bootinfo, seL4_BootInfo_X86_Virtualization, &length);

    if (length < sizeof(*machine)) {
        machine = NULL;
    }
    return vm_mode_resolve(requested, machine, resolved, message, capacity);
}

bool vm_hardware_root_make(vm_run_t *run)
{
    if (run->guest_root == 0) {
        run->guest_root = memory_slot(); /* kept for the VM's next starts */
    }
    if (run->guest_root == 0 || memory_untyped(seL4_PageBits, &run->root_memory) != seL4_NoError) {
        return false;
    }
    if (seL4_Untyped_Retype(run->root_memory.cap, seL4_X86_EPTPML4Object, 0,
                            seL4_CapInitThreadCNode, 0, 0, run->guest_root, 1) != seL4_NoError ||
        seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, run->guest_root) != seL4_NoError) {
        memory_untyped_free(&run->root_memory);
        return false;
    }
    run->root_made = true;
    return true;
}

void vm_hardware_root_free(vm_run_t *run)
{
    if (run->root_made) {
        memory_untyped_free(&run->root_memory);
        run->root_made = false;
    }
}
