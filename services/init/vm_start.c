/*
 * Starting and stopping VMs (vm_start.h): a VMM service per VM, its guest RAM from init's
 * untypeds, its boot page, the VM table's states. A VMM holds nothing of another VM's: its RAM
 * untypeds, its module frames (read-only copies), its address spaces and its declaration.
 * Stopping a VM suspends its VMM and revokes everything the VMM made and every byte of guest
 * RAM, so nothing of a stopped VM runs or stays reachable.
 */
#include "vm_start.h"
#include "init.h"
#include "memory.h"
#include "vm_console.h"
#include "vm_disk.h"
#include "vm_hardware.h"
#include "vm_mode.h"
#include "vm_modules.h"
#include "vm_pause.h"
#include "vm_run.h"
#include "vms.h"
#include <runtime/bootinfo.h>
#include <runtime/log.h>
#include <runtime/power.h>
#include <runtime/start.h>
#include <runtime/string.h>
#include <runtime/tsc.h>

#define PAGE_BYTES (1ull << seL4_PageBits)
/* Below the shell (150), so that the operator keeps control whatever a guest does; the VMM's
 * vCPU threads run below their VMM (docs/vmm.md). */
#define VMM_PRIORITY 110
/* The VMM's own memory: its heap, the patch scanner's workspace (three quarters of the kernel's
 * size, and its symbols: twice the kernel's size in all), page tables of its window on guest RAM
 * (one per 2 MiB), the shadow page tables. */
#define VMM_MEMORY_BASE   (6ull << 20)
#define VMM_MEMORY_PER_MB (8ull << 10)
/* Capability slots for the shadow address spaces' frame copies and tables. */
#define VMM_SHADOW_SLOTS 9216
/* Hardware modes: the guest-physical tables, one per 2 MiB of RAM (the PTs) and this many more
 * (PDs, PDPTs, tables of MMIO holes), each a slot and a page of the VMM's memory; the VCPU. */
#define VMM_GUEST_TABLES_EXTRA 64
#define VMM_VCPU_BYTES         (1ull << seL4_VCPUBits)
#define VM_RAM_MIN_BITS        20

_Static_assert(VMM_NAME_BYTES == VMDECL_NAME_MAX + 1, "the VM name limits agree");
_Static_assert(VMM_MODULE_NAME_BYTES == VMDECL_MODULE_NAME_MAX + 1, "module names agree");
_Static_assert(VMM_CMDLINE_BYTES == VMDECL_CMDLINE_MAX + 1, "command lines agree");
_Static_assert(VMM_MODULES_MAX == VMDECL_MODULES_MAX, "modules= limits agree");
_Static_assert(VMM_MODES == VMDECL_MODE_SVM + 1, "VMM_VM_MODE carries every vmdecl_mode_t");
_Static_assert(VM_MODE_MESSAGE_BYTES == VM_REASON_BYTES, "a mode refusal is a VM's reason");
_Static_assert(SERVICE_ID_DYNAMIC + VMDECL_VMS_MAX <= SERVICE_ID_MAX, "every VMM has an id");

static vm_run_t runs[VMDECL_VMS_MAX];

vm_run_t *vm_run_get(seL4_Word index)
{
    return index < VMDECL_VMS_MAX && vms_get(index) != NULL ? &runs[index] : NULL;
}

static unsigned log2_ceil(seL4_Word value)
{
    unsigned bits = 0;

    while ((1ull << bits) < value) {
        bits++;
    }
    return bits;
}

static void ram_give_back(vm_run_t *run)
{
    for (unsigned i = 0; i < run->ram_count; i++) {
        memory_untyped_free(&run->ram[i]);
    }
    run->ram_count = 0;
}

/* Guest RAM as untypeds, largest first (guest-physical order); a size the allocator has no
 * block for is taken in halves. */
static bool ram_take(vm_run_t *run, seL4_Word bytes)
{
    seL4_Word left = bytes;

    run->ram_count = 0;
    while (left > 0) {
        unsigned bits = 63u - (unsigned)__builtin_clzll(left);
        if (run->ram_count == VMM_RAM_UNTYPEDS_MAX) {
            ram_give_back(run);
            return false;
        }
        while (memory_untyped(bits, &run->ram[run->ram_count]) != seL4_NoError) {
            if (bits <= VM_RAM_MIN_BITS) {
                ram_give_back(run);
                return false;
            }
            bits--;
        }
        run->ram_count++;
        left -= 1ull << bits;
    }
    return true;
}

static seL4_Word vm_module_pages(const vm_t *vm)
{
    const vmdecl_vm_t *d = &vm->decl;
    seL4_Word pages = vm_modules_pages(d->module);

    if (d->initrd != VMDECL_NO_MODULE) {
        pages += vm_modules_pages(d->initrd);
    }
    for (unsigned i = 0; i < d->decl.module_count; i++) {
        pages += vm_modules_pages(d->modules[i]);
    }
    if (d->disk != VMDECL_NO_MODULE) {
        pages += vm_modules_pages(d->disk);
    }
    return pages;
}

static void copy_string(char *out, size_t capacity, const char *text)
{
    size_t i = 0;

    for (; text[i] != '\0' && i + 1 < capacity; i++) {
        out[i] = text[i];
    }
    out[i] = '\0';
}

/*
 * The VMM's CNode, sized once for either kind of mode, since a VM may switch modes without a new
 * VMM. PV: a frame capability per RAM page and the shadow tables'. Hardware: per RAM page the
 * VMM's own mapping and the copy mapped into the guest-physical space, and the tables of that.
 */
static seL4_Word vmm_slots(const vm_t *vm)
{
    seL4_Word ram_pages = vm->decl.decl.memory >> seL4_PageBits;
    seL4_Word pv = ram_pages + VMM_SHADOW_SLOTS;
    seL4_Word hardware = 2 * ram_pages + ram_pages / 512 + VMM_GUEST_TABLES_EXTRA;

    return VMM_SLOT_MODULES + vm_module_pages(vm) + (pv > hardware ? pv : hardware);
}

/* The VMM's memory: PV's budget, and a hardware mode's guest-physical tables and VCPU on top
 * (a hardware mode needs the rest of PV's budget too: heap, scanner, its window on guest RAM),
 * so that either mode fits. */
static seL4_Word vmm_memory(const vm_t *vm)
{
    seL4_Word ram_pages = vm->decl.decl.memory >> seL4_PageBits;
    seL4_Word pv = VMM_MEMORY_BASE + (vm->decl.decl.memory >> 20) * VMM_MEMORY_PER_MB +
                   2 * (vm_modules_pages(vm->decl.module) << seL4_PageBits);
    seL4_Word tables = (ram_pages / 512 + VMM_GUEST_TABLES_EXTRA) << seL4_PageBits;

    return pv + tables + VMM_VCPU_BYTES;
}

/* The VMM's service, its boot page and the guest's address spaces: made once per VM. */
static bool vmm_create(seL4_Word index, vm_run_t *run, const vm_t *vm)
{
    void *page;

    copy_string(run->name, sizeof(run->name), vm->decl.decl.name);
    run->spec = (service_spec_t){
            .name = run->name,
            .id = SERVICE_ID_DYNAMIC + index,
            .priority = VMM_PRIORITY,
            .memory_bits = log2_ceil(vmm_memory(vm)),
            .log_ring = true,
            .image = "vmm",
            .cnode_bits = log2_ceil(vmm_slots(vm)),
            .fault = vm_run_faulted,
    };
    run->service = init_service_add(&run->spec);
    if (run->service == NULL ||
        vspace_alloc_pages(memory_vspace(), 1, &page, &run->boot_frame) != seL4_NoError ||
        !service_map_shared(run->service, &run->boot_frame, 1, SERVICE_SHARED_VADDR) ||
        !init_client_wire(run->service)) {
        return false;
    }
    run->boot = page;
    if (!vm_console_wire(run) || !vm_pause_wire(run)) {
        return false;
    }
    for (unsigned i = 0; i < VMM_VSPACES_MAX; i++) {
        if (alloc_object(memory_pool(), seL4_X64_PML4Object, 0, &run->vspaces[i]) != seL4_NoError ||
            seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, run->vspaces[i]) != seL4_NoError) {
            return false;
        }
    }
    return true;
}

/* Empties the device slots a previous start filled: they are given afresh. */
static void vmm_devices_clear(service_t *service)
{
    for (seL4_Word slot = SERVICE_SLOT_DEVICES; slot < service->next_cap; slot++) {
        seL4_CNode_Delete(service->cnode, slot, seL4_WordBits);
    }
    service->next_cap = SERVICE_SLOT_DEVICES;
    memset(service->info->caps, 0, sizeof(service->info->caps));
    memset(service->info->words, 0, sizeof(service->info->words));
}

static bool vmm_give_modules(vm_run_t *run, const vm_t *vm)
{
    const vmdecl_vm_t *d = &vm->decl;
    vmm_boot_t *boot = run->boot;
    seL4_Word slot = VMM_SLOT_MODULES;

    if (!vm_modules_give(run->service, d->module, slot, d->decl.name, &boot->kernel)) {
        return false;
    }
    slot += boot->kernel.pages;
    if (d->initrd != VMDECL_NO_MODULE) {
        if (!vm_modules_give(run->service, d->initrd, slot, d->decl.initrd, &boot->initrd)) {
            return false;
        }
        slot += boot->initrd.pages;
    }
    for (unsigned i = 0; i < d->decl.module_count; i++) {
        if (!vm_modules_give(run->service, d->modules[i], slot, d->decl.modules[i],
                             &boot->modules[i])) {
            return false;
        }
        slot += boot->modules[i].pages;
    }
    boot->module_count = d->decl.module_count;
    boot->disk = (vmm_module_t){0};
    boot->disk_flags = (d->decl.disk_spec.read_only ? VMM_DISK_READ_ONLY : 0u) |
                       (d->decl.disk_spec.has_range ? VMM_DISK_RANGE : 0u);
    boot->disk_start = d->decl.disk_spec.start;
    boot->disk_count = d->decl.disk_spec.count;
    if (d->disk != VMDECL_NO_MODULE) {
        if (!vm_modules_give(run->service, d->disk, slot, d->decl.disk_spec.name, &boot->disk)) {
            return false;
        }
        slot += boot->disk.pages;
    }
    boot->first_free = slot;
    return true;
}

/* Everything of this VM the VMM gets, and its boot page. */
static bool vmm_wire(vm_run_t *run, const vm_t *vm)
{
    service_t *service = run->service;
    vmm_boot_t *boot = run->boot;
    const vmdecl_t *decl = &vm->decl.decl;

    vmm_devices_clear(service);
    memset(boot, 0, sizeof(*boot));
    for (unsigned i = 0; i < run->ram_count; i++) {
        if (!service_give_device(service, VMM_CAP_RAM_FIRST + i, run->ram[i].cap, seL4_AllRights,
                                 0)) {
            return false;
        }
        boot->ram_bits[i] = (seL4_Uint8)run->ram[i].size_bits;
    }
    for (unsigned i = 0; i < VMM_VSPACES_MAX; i++) {
        if (!service_give_device(service, VMM_CAP_VSPACE_FIRST + i, run->vspaces[i], seL4_AllRights,
                                 0)) {
            return false;
        }
    }
    /* In PV mode the cap stays empty: the VMM finds no guest-physical space to misuse. */
    if (run->root_made &&
        !service_give_device(service, VMM_CAP_GUEST_ROOT, run->guest_root, seL4_AllRights, 0)) {
        return false;
    }
    if (!vmm_give_modules(run, vm) || !vm_disk_wire(run, vm)) {
        return false;
    }
    boot->magic = VMM_BOOT_MAGIC;
    copy_string(boot->name, sizeof(boot->name), decl->name);
    boot->index = (seL4_Word)(run - runs);
    boot->mode = run->mode; /* resolved: never auto */
    boot->memory = decl->memory;
    boot->vcpus = decl->vcpus;
    boot->boots = run->boots;
    boot->cnode_bits = run->spec.cnode_bits;
    boot->ram_untypeds = run->ram_count;
    boot->vspaces = VMM_VSPACES_MAX;
    copy_string(boot->cmdline, sizeof(boot->cmdline), decl->cmdline);
    service->info->words[VMM_WORD_BOOT_PAGE] = SERVICE_SHARED_VADDR;
    return true;
}

static void vm_set_state(vm_t *vm, enum vm_state state, seL4_Word status, const char *reason)
{
    vm->state = state;
    vm->status = status;
    copy_string(vm->reason, sizeof(vm->reason), reason);
}

/* Whether a VM can start, and in which mode (*mode); why not in refusal. */
static bool vm_startable(const vm_run_t *run, const vm_t *vm, vmdecl_mode_t *mode, char *refusal,
                         size_t capacity)
{
    const service_t *namesake = init_service_by_name(vm->decl.decl.name);

    if (!vm_hardware_resolve(vm->decl.decl.mode, mode, refusal, capacity)) {
        return false;
    }
    if (namesake != NULL && namesake != run->service) {
        copy_string(refusal, capacity, "its name is a service's");
        return false;
    }
    return vm_disk_check(vm, refusal, capacity);
}

/* What a start took beside the VMM: at a stop, or when the start cannot go on. */
static void vm_give_back(vm_run_t *run)
{
    vm_hardware_root_free(run);
    ram_give_back(run);
}

ipc_error_t vm_run_start(seL4_Word index)
{
    vm_t *vm = vms_get(index);
    vm_run_t *run = vm_run_get(index);
    char refusal[VM_REASON_BYTES];
    vmdecl_mode_t mode;

    if (vm == NULL || run == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    if (vm_state_active(vm->state)) {
        return IPC_ERR_BUSY;
    }
    if (!vm_startable(run, vm, &mode, refusal, sizeof(refusal))) {
        log_printf(LOG_ERROR, "init: VM %s not started: %s\n", vm->decl.decl.name, refusal);
        vm_set_state(vm, VM_FAILED, 0, refusal);
        return IPC_ERR_FIELD;
    }
    if (!ram_take(run, vm->decl.decl.memory)) {
        log_printf(LOG_ERROR, "init: VM %s not started: no %lu MiB of RAM left for it\n",
                   vm->decl.decl.name, (unsigned long)(vm->decl.decl.memory >> 20));
        return IPC_ERR_NO_MEMORY;
    }
    run->mode = mode;
    bool made = run->service != NULL ? service_reset(run->service) : vmm_create(index, run, vm);
    if (!made || (mode != VMDECL_MODE_PV && !vm_hardware_root_make(run)) || !vmm_wire(run, vm) ||
        !init_client_attach(run->service) || !service_start(run->service)) {
        vm_give_back(run);
        log_printf(LOG_ERROR, "init: VM %s not started: its VMM could not be set up\n",
                   vm->decl.decl.name);
        vm_set_state(vm, VM_FAILED, 0, "its VMM could not be set up");
        return IPC_ERR_NO_MEMORY;
    }
    run->boots++;
    run->started_tsc = tsc_read();
    vm_set_state(vm, VM_STARTING, 0, "");
    vmdecl_mode_describe(vm->decl.decl.mode, mode, refusal, sizeof(refusal));
    log_printf(LOG_INFO,
               "init: VM %s starting: mode %s, VMM id %lu, %lu MiB of RAM, kernel module %zu\n",
               vm->decl.decl.name, refusal, (unsigned long)run->spec.id,
               (unsigned long)(vm->decl.decl.memory >> 20), vm->decl.module);
    return IPC_OK;
}

/*
 * `exit_after_vms` on the kernel command line (the system tests): once no VM is starting,
 * running or paused, the machine powers off with status 0 when every VM that ran exited with status 0,
 * else 1.
 */
void vm_run_exit_check(void)
{
    seL4_Word code = 0;

    if (!bootinfo_has_option(runtime_bootinfo, "exit_after_vms")) {
        return;
    }
    for (seL4_Word index = 0; vms_get(index) != NULL; index++) {
        const vm_t *vm = vms_get(index);
        if (vm_state_active(vm->state)) {
            return;
        }
        if (vm->state != VM_DECLARED && (vm->state != VM_EXITED || vm->status != 0)) {
            code = 1;
        }
    }
    log_printf(LOG_INFO, "init: exit_after_vms: no VM runs: powering off (status %lu)\n",
               (unsigned long)code);
    init_log_flush();
    if (power_init(memory_pool()) == seL4_NoError) {
        power_off(code);
    }
}

void vm_run_stop(seL4_Word index, enum vm_state state, seL4_Word status, const char *reason)
{
    vm_t *vm = vms_get(index);
    vm_run_t *run = vm_run_get(index);

    if (vm == NULL || run == NULL || run->service == NULL) {
        return;
    }
    service_t *service = run->service;
    seL4_TCB_Suspend(service->tcb);
    /* Its threads, tables and mappings, then the guest's memory: nothing of the VM stays. */
    seL4_CNode_Revoke(seL4_CapInitThreadCNode, service->memory.cap, seL4_WordBits);
    vm_give_back(run);
    service->state = state == VM_CRASHED ? INIT_SERVICE_FAILED : INIT_SERVICE_CREATED;
    vm_set_state(vm, state, status, reason);
    log_printf(state == VM_EXITED || state == VM_STOPPED ? LOG_INFO : LOG_ERROR,
               "init: VM %s %s: %s, status %lu\n", vm->decl.decl.name, init_vm_state_name(state),
               reason, (unsigned long)status);
    if (state != VM_STOPPED) {
        vm_run_exit_check(); /* a reboot starts it again at once */
    }
}

void vm_start_autostart(void)
{
    for (seL4_Word index = 0; vms_get(index) != NULL; index++) {
        if (vms_get(index)->decl.decl.autostart) {
            vm_run_start(index);
        }
    }
    vm_run_exit_check();
}
