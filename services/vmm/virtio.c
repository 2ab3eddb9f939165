/*
 * The VM's virtio devices (virtio.h): their configuration from the boot page, the disk image
 * from its module (read-only frames: a module's disk is read-only whatever disk= says) or the
 * machine's disk through the virtio service (disk=dev:N: writable unless declared :ro),
 * console output into the VM's console lines, entropy from RDRAND.
 */
#include "virtio.h"
#include "vmm.h"
#include <runtime/log.h>
#include <runtime/service.h>
#include <runtime/tsc.h>

#define CPUID1_ECX_RDRAND (1u << 30)
#define SECTOR_BYTES      512ull

static void console_transmit(void *context, uint8_t byte)
{
    console_put(&((vmm_t *)context)->console, byte);
}

/* The compiler's RDRAND step (carry set: a value came); called only where CPUID offers it. */
__attribute__((target("rdrnd"))) static bool rdrand64(uint64_t *value)
{
    unsigned long long word = 0;

    for (int tries = 0; tries < 10; tries++) {
        if (__builtin_ia32_rdrand64_step(&word)) {
            *value = word;
            return true;
        }
    }
    return false;
}

/* RDRAND where the CPU has it; otherwise a splitmix64 stream seeded from the TSC (not
 * cryptographic: the guest is told nothing better exists). */
static void entropy_fill(void *context, uint8_t *out, size_t length)
{
    vmm_virtio_t *v = context;

    for (size_t i = 0; i < length; i += 8) {
        uint64_t word;

        if (!v->rdrand || !rdrand64(&word)) {
            uint64_t z = (v->seed += 0x9e3779b97f4a7c15ull) ^ tsc_read();

            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            word = z ^ (z >> 31);
        }
        for (size_t k = 0; k < 8 && i + k < length; k++) {
            out[i + k] = (uint8_t)(word >> (8 * k));
        }
    }
}

void virtio_plan(vmm_t *vmm)
{
    virtio_layout_make(vmm->boot->disk.pages > 0 || (vmm->boot->disk_flags & VMM_DISK_MACHINE) != 0,
                       &vmm->virtio.layout);
}

/* The disk's bytes: the module, or the sectors disk= names in it; false when they are not in
 * the module. */
static bool disk_window(const vmm_t *vmm, const guest_blob_t *module, uint64_t *offset,
                        uint64_t *size)
{
    const vmm_boot_t *boot = vmm->boot;
    uint64_t sectors = module->size / SECTOR_BYTES;

    *offset = 0;
    *size = sectors * SECTOR_BYTES;
    if ((boot->disk_flags & VMM_DISK_RANGE) == 0) {
        return true;
    }
    if (boot->disk_start > sectors || boot->disk_count > sectors - boot->disk_start) {
        return false;
    }
    *offset = boot->disk_start * SECTOR_BYTES;
    *size = boot->disk_count * SECTOR_BYTES;
    return true;
}

static void add_window(vmm_t *vmm, unsigned index, vdev_virtio_mmio_t *transport, const char *name)
{
    const vdev_acpi_virtio_t *d = &vmm->virtio.layout.device[index];

    if (vdev_bus_add_mmio(&vmm->platform.bus, d->base, d->size, 4, &vdev_virtio_mmio_ops, transport,
                          name, NULL) != VDEV_BUS_REGISTERED) {
        vmm_end(vmm, VMM_END_VMM_ERROR, 0, "the virtio window %#x could not be registered",
                (unsigned)d->base);
    }
}

/* The virtio-blk device with its backend, at window 2. */
static void blk_add(vmm_t *vmm, vdev_virtio_blk_config_t *config)
{
    vmm_virtio_t *v = &vmm->virtio;

    config->memory = &vmm->ram;
    config->irq = vdev_intc_isa_line(&vmm->platform.intc, v->layout.device[2].irq);
    vdev_virtio_blk_init(&v->blk, config);
    add_window(vmm, 2, &v->blk.transport, "virtio-blk");
}

/* disk=dev:N: the window init granted, its size, read-only flag and identity from the service. */
static void machine_blk_setup(vmm_t *vmm)
{
    vmm_virtio_t *v = &vmm->virtio;
    const vmm_boot_t *boot = vmm->boot;
    vdev_virtio_blk_config_t config = {0};
    const char *why =
            machine_disk_open(&v->machine, ipc_call, runtime_service->caps[VMM_CAP_VIRTIO],
                              (uint8_t *)VMM_DISK_BUFFER_VADDR, boot->disk_buffer_bytes,
                              (unsigned)boot->disk_device, &vmm->ram, config.id);

    if (why != NULL) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "disk dev:%lu: %s", (unsigned long)boot->disk_device,
                why);
    }
    v->machine.read_only |= (boot->disk_flags & VMM_DISK_READ_ONLY) != 0;
    config.capacity = v->machine.sectors;
    config.read_only = v->machine.read_only;
    config.backend = machine_disk_backend(&v->machine);
    blk_add(vmm, &config);
    machine_disk_attach(&v->machine, &v->blk);
    log_printf(LOG_INFO, "vmm: disk dev:%lu: %lu sectors, %s, id '%.20s'\n",
               (unsigned long)boot->disk_device, (unsigned long)v->machine.sectors,
               v->machine.read_only ? "read-only" : "read-write", config.id);
}

static void blk_setup(vmm_t *vmm, const guest_blob_t *module)
{
    vmm_virtio_t *v = &vmm->virtio;
    uint64_t offset, size;
    vdev_virtio_blk_config_t config = {.read_only = true};

    if (!disk_window(vmm, module, &offset, &size)) {
        vmm_end(vmm, VMM_END_LOAD_ERROR, 0, "disk %s: sectors %lu+%lu are not in its %lu sectors",
                module->name, (unsigned long)vmm->boot->disk_start,
                (unsigned long)vmm->boot->disk_count, (unsigned long)(module->size / SECTOR_BYTES));
    }
    vdev_blk_memory_init(&v->disk, module->bytes + offset, NULL, size, &vmm->ram);
    config.capacity = vdev_blk_memory_capacity(&v->disk);
    config.backend = vdev_blk_memory_backend(&v->disk);
    for (size_t i = 0; i < sizeof(config.id) - 1 && module->name[i] != '\0'; i++) {
        config.id[i] = module->name[i];
    }
    blk_add(vmm, &config);
    vdev_blk_memory_attach(&v->disk, &v->blk);
}

void virtio_setup(vmm_t *vmm)
{
    vmm_virtio_t *v = &vmm->virtio;
    uint32_t eax = 1, ebx, ecx = 0, edx;
    vdev_virtio_console_config_t console = {0};
    vdev_virtio_rng_config_t rng = {0};

    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    v->rdrand = (ecx & CPUID1_ECX_RDRAND) != 0;
    v->seed = tsc_read();
    console.memory = &vmm->ram;
    console.irq = vdev_intc_isa_line(&vmm->platform.intc, v->layout.device[0].irq);
    console.transmit = console_transmit;
    console.transmit_context = vmm;
    vdev_virtio_console_init(&v->console, &console);
    add_window(vmm, 0, &v->console.transport, "virtio-console");
    rng.memory = &vmm->ram;
    rng.irq = vdev_intc_isa_line(&vmm->platform.intc, v->layout.device[1].irq);
    rng.fill = entropy_fill;
    rng.fill_context = v;
    vdev_virtio_rng_init(&v->rng, &rng);
    add_window(vmm, 1, &v->rng.transport, "virtio-rng");
    if (v->layout.count > 2 && (vmm->boot->disk_flags & VMM_DISK_MACHINE) != 0) {
        machine_blk_setup(vmm);
    } else if (v->layout.count > 2) {
        blk_setup(vmm, &vmm->disk);
    }
}
