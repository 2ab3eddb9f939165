/*
 * The VMM of one VM, started by init with this VM's capabilities only (docs/vmm.md): guest RAM,
 * the boot modules, the firmware tables, the loaded and patched kernel, the devices and the
 * vCPU, then the loop that serves them until the VM ends. Any step that fails ends the VM with
 * a report to init; nothing here can touch another VM.
 */
#include "clock.h"
#include "console_input.h"
#include "devices.h"
#include "firmware.h"
#include "hw.h"
#include "memory.h"
#include "patch.h"
#include "report.h"
#include "run.h"
#include "shadow_host.h"
#include "stats.h"
#include "vcpu.h"
#include <fmt/fmt.h>
#include <runtime/log.h>
#include <runtime/start.h>
#include <runtime/tsc.h>
#include <vmdecl/vmdecl.h>

static vmm_t the_vmm;

/* A guest line, as "NAME: text" (the log service prints a line that names its sender as it is). */
static void console_emit(void *context, const char *line, size_t length)
{
    const vmm_t *vmm = context;
    char text[VMM_NAME_BYTES + 2 + CONSOLE_LINE_MAX + 1];
    size_t at = fmt_snprintf(text, sizeof(text), "%s: ", vmm->name);

    for (size_t i = 0; i < length && at + 1 < sizeof(text); i++) {
        text[at++] = line[i];
    }
    text[at] = '\0';
    log_line(LOG_INFO, text, at);
}

static const vmm_boot_t *boot_page(const service_info_t *info)
{
    const vmm_boot_t *boot = (const vmm_boot_t *)info->words[VMM_WORD_BOOT_PAGE];

    if (boot == NULL || boot->magic != VMM_BOOT_MAGIC || boot->name[VMM_NAME_BYTES - 1] != '\0' ||
        boot->cmdline[VMM_CMDLINE_BYTES - 1] != '\0' || boot->cnode_bits >= seL4_WordBits ||
        (1ull << boot->cnode_bits) < VMM_SLOT_RUNTIME_END || boot->first_free < VMM_SLOT_MODULES) {
        log_printf(LOG_ERROR, "vmm: no valid boot page from init: stopping\n");
        seL4_TCB_Suspend(SERVICE_SLOT_TCB);
    }
    return boot;
}

static bool hardware_mode(const vmm_t *vmm)
{
    return vmm->boot->mode == VMDECL_MODE_VTX || vmm->boot->mode == VMDECL_MODE_SVM;
}

static const char *protocol_name(guest_protocol_t protocol)
{
    return protocol == GUEST_BOOT_PVH          ? "PVH"
           : protocol == GUEST_BOOT_MULTIBOOT1 ? "multiboot1"
                                               : "Linux";
}

/* A VT-x or AMD-V VM: the VCPU, guest-physical memory and the loop (hw.h). */
static void __attribute__((noreturn)) hardware_start(vmm_t *vmm, const pv_cpu_config_t *config)
{
    char text[VMM_TEXT_BYTES];

    hw_setup(vmm, config);
    devices_env(vmm, &vmm->env);
    hw_boot(vmm);
    fmt_snprintf(text, sizeof(text), "%s, %s entry at %#lx", vmm->hw.svm ? "AMD-V" : "VT-x",
                 protocol_name(vmm->load.kernel.protocol), (unsigned long)vmm->hw.rip);
    report_running(text);
    clock_arm(vmm);
    hw_run(vmm);
}

/* The declaration's command line and, for Linux, the virtio-mmio devices in its own form. */
static const char *linux_cmdline(vmm_t *vmm, char *buffer, size_t capacity)
{
    size_t at = fmt_snprintf(buffer, capacity, "%s%s", vmm->boot->cmdline,
                             vmm->boot->cmdline[0] != '\0' ? " " : "");

    if (at >= capacity ||
        virtio_layout_cmdline(&vmm->virtio.layout, buffer + at, capacity - at) == 0) {
        return NULL; /* too long: Linux finds the devices in the DSDT all the same */
    }
    return buffer;
}

static void guest_load_all(vmm_t *vmm)
{
    static char cmdline_linux[VMM_CMDLINE_BYTES + 128];
    uint64_t rsdp = 0;
    vdev_acpi_error_t acpi;

    virtio_plan(vmm);
    acpi = firmware_write_devices(&vmm->ram, (unsigned)vmm->boot->vcpus, vmm->virtio.layout.device,
                                  vmm->virtio.layout.count, &rsdp);

    if (acpi != VDEV_ACPI_OK) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the ACPI tables could not be built (error %d)",
                (int)acpi);
    }
    load_input_t input = {
            .memory = &vmm->ram,
            .kernel = vmm->kernel,
            .modules = vmm->modules,
            .module_count = vmm->module_count,
            .cmdline = vmm->boot->cmdline,
            .cmdline_linux = linux_cmdline(vmm, cmdline_linux, sizeof(cmdline_linux)),
            .rsdp = rsdp,
            .initrd_first = vmm->boot->initrd.pages > 0,
            .hardware_mode = hardware_mode(vmm),
    };
    if (guest_load(&input, &vmm->load) != LOAD_OK) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "%s", vmm->load.message);
    }
}

int service_main(const service_info_t *info)
{
    vmm_t *vmm = &the_vmm;

    vmm->boot = boot_page(info);
    vmm->name = vmm->boot->name;
    console_input_attach(vmm, &((vmm_boot_t *)info->words[VMM_WORD_BOOT_PAGE])->console_input);
    stats_attach(vmm, &((vmm_boot_t *)info->words[VMM_WORD_BOOT_PAGE])->stats);
    /* The runtime's allocator may use the slots below the modules' (its default stops at the
     * size of an ordinary service's CNode). */
    runtime_alloc.slot_end = VMM_SLOT_RUNTIME_END;
    vmm->next_slot = vmm->boot->first_free;
    vmm->tsc_at_zero = tsc_read();
    console_init(&vmm->console, console_emit, vmm);
    log_printf(LOG_INFO, "vmm: VM %s: %lu MiB of RAM, kernel %s (%lu bytes), %lu module%s\n",
               vmm->name, (unsigned long)(vmm->boot->memory >> 20), vmm->boot->kernel.name,
               (unsigned long)vmm->boot->kernel.size,
               (unsigned long)(vmm->boot->module_count + (vmm->boot->initrd.pages > 0)),
               vmm->boot->module_count + (vmm->boot->initrd.pages > 0) == 1 ? "" : "s");
    memory_ram_setup(vmm);
    memory_modules_setup(vmm);
    guest_load_all(vmm);
    if (vmm->boot->vcpus > 1) {
        log_printf(LOG_WARN, "vmm: %lu vCPUs declared: one runs (one vCPU per VM today)\n",
                   (unsigned long)vmm->boot->vcpus);
    }
    pv_cpu_config_t config = devices_setup(vmm);
    virtio_setup(vmm);
    if (hardware_mode(vmm)) {
        hardware_start(vmm, &config);
    }
    if (!shadow_host_setup(vmm)) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the software TLB could not be set up");
    }
    vcpu_setup(vmm);
    devices_env(vmm, &vmm->env);
    patch_guest(vmm, &config);
    vcpu_boot(vmm, &config);
    char text[VMM_TEXT_BYTES];
    fmt_snprintf(text, sizeof(text), "%s entry at %#x, %zu patch sites",
                 protocol_name(vmm->load.kernel.protocol), (unsigned)vmm->load.kernel.entry,
                 vmm->site_count);
    report_running(text);
    clock_arm(vmm);
    run_vm(vmm);
}
