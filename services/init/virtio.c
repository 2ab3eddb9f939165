/*
 * The virtio service's devices and clients (virtio.h). A function whose capabilities do not
 * describe a usable modern device (a structure missing, a BAR that is not memory, unsized or
 * too large, no MSI-X) is reported and left out; the others go on.
 */
#include "virtio.h"
#include "devices.h"
#include "init.h"
#include "memory.h"
#include "platform.h"
#include <runtime/print.h>
#include <runtime/string.h>

#define PAGE_BYTES          4096ull
#define VIRTIO_DEVICE_BLOCK 0x1042u
#define VIRTIO_DEVICE_NET   0x1041u
#define VIRTIO_IRQ_BASE     120 /* the service's MSIs: IRQ 120 + device index */

/* Configuration space: the command register and MSI-X's message control (upper half). */
#define PCI_COMMAND_OFFSET   0x04
#define PCI_COMMAND_MEMORY   (1u << 1)
#define PCI_COMMAND_MASTER   (1u << 2)
#define PCI_COMMAND_NO_INTX  (1u << 10)
#define PCI_MSIX_ENABLE      (1u << 31)
#define PCI_MSIX_MASK_ALL    (1u << 30)
#define PCI_MSIX_ENTRY_BYTES 16u
#define PCI_BAR_OFFSET       0x10
/* Where init places BARs the firmware left unassigned (qboot assigns none): the PCI hole QEMU's
 * q35 and PCs decode below the I/O APIC, above the configuration window at 0xb0000000. */
#define PCI_HOLE_START 0xc0000000ull
#define PCI_HOLE_END   0xfec00000ull

static bool is_driven(const pci_function_t *f)
{
    return f->vendor_id == PCI_VENDOR_VIRTIO &&
           (f->device_id == VIRTIO_DEVICE_BLOCK || f->device_id == VIRTIO_DEVICE_NET) &&
           f->problem == PCI_PROBLEM_NONE;
}

bool virtio_wanted(void)
{
    const platform_t *platform = platform_get();

    for (size_t i = 0; i < platform->pci_scan.count; i++) {
        if (is_driven(&platform->pci_functions[i])) {
            return true;
        }
    }
    return false;
}

static bool bar_usable(const pci_bar_t *bar)
{
    return (bar->kind == PCI_BAR_MEMORY32 || bar->kind == PCI_BAR_MEMORY64) && bar->sized &&
           bar->address != 0 && bar->address % PAGE_BYTES == 0 && bar->size >= PAGE_BYTES &&
           bar->size <= VIRTIO_DEVICE_PAGES_MAX * PAGE_BYTES;
}

/* The window: the BARs the structures use, one after the other; base[bar] its page there. */
typedef struct layout {
    unsigned pages;
    int base[PCI_BARS_MAX]; /* -1: not in the window */
} layout_t;

static const char *layout_add(layout_t *layout, const pci_function_t *f, unsigned bar)
{
    if (bar >= PCI_BARS_MAX || !bar_usable(&f->bars[bar])) {
        return "a structure in a BAR that is not memory of 1 to 8 pages";
    }
    if (layout->base[bar] < 0) {
        unsigned pages = (unsigned)(f->bars[bar].size / PAGE_BYTES);
        if (layout->pages + pages > VIRTIO_DEVICE_PAGES_MAX) {
            return "its structures span more than 8 pages";
        }
        layout->base[bar] = (int)layout->pages;
        layout->pages += pages;
    }
    return NULL;
}

/* Check: the description of f, or why it cannot be used. No side effects. */
static const char *describe(const pci_function_t *f, layout_t *layout, virtio_start_device_t *out)
{
    static const uint8_t types[] = {1, 2, 3,
                                    4}; /* common, notify, ISR, device: the regions' order */
    const char *why;

    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < PCI_BARS_MAX; i++) {
        layout->base[i] = -1;
    }
    layout->pages = 0;
    for (unsigned r = 0; r < sizeof(types); r++) {
        const pci_virtio_cap_t *cap = NULL;
        for (unsigned c = 0; c < f->virtio_count && cap == NULL; c++) {
            cap = f->virtio[c].cfg_type == types[r] ? &f->virtio[c] : NULL;
        }
        if (cap == NULL) {
            return "a virtio structure (common, notify, ISR, device) is missing";
        }
        if ((why = layout_add(layout, f, cap->bar)) != NULL) {
            return why;
        }
        out->offset[r] = (uint32_t)(layout->base[cap->bar] * PAGE_BYTES + cap->region_offset);
        out->length[r] = cap->length;
        if (types[r] == 2) {
            out->notify_multiplier = cap->notify_multiplier;
        }
    }
    if (!f->msix.present) {
        return "no MSI-X";
    }
    if ((why = layout_add(layout, f, f->msix.table_bar)) != NULL) {
        return why;
    }
    if (f->msix.table_offset > f->bars[f->msix.table_bar].size - PCI_MSIX_ENTRY_BYTES) {
        return "its MSI-X table lies outside its BAR";
    }
    out->offset[VIRTIO_REGION_MSIX] =
            (uint32_t)(layout->base[f->msix.table_bar] * PAGE_BYTES + f->msix.table_offset);
    out->length[VIRTIO_REGION_MSIX] = PCI_MSIX_ENTRY_BYTES; /* the service uses entry 0 only */
    out->device_id = f->device_id;
    out->bus = f->bus;
    out->slot = f->device;
    out->function = f->function;
    out->pages = (uint8_t)layout->pages;
    return NULL;
}

static uint64_t hole_next; /* the next free address in the hole (0: not yet computed) */

/* Past every memory BAR the survey saw in the hole. */
static uint64_t hole_start(void)
{
    const platform_t *platform = platform_get();
    uint64_t next = PCI_HOLE_START;

    for (size_t i = 0; i < platform->pci_scan.count; i++) {
        const pci_function_t *f = &platform->pci_functions[i];
        for (unsigned b = 0; b < PCI_BARS_MAX; b++) {
            const pci_bar_t *bar = &f->bars[b];
            uint64_t end = bar->address + bar->size;
            if (bar->address >= PCI_HOLE_START && end <= PCI_HOLE_END && end > next) {
                next = end;
            }
        }
    }
    return next;
}

/*
 * Memory BARs the firmware left at 0 get an address in the hole (aligned to their size, as BARs
 * must be), written to the function and to f, the caller's copy of the survey's record. False
 * when the hole is full.
 */
static bool bars_assign(pci_function_t *f)
{
    if (hole_next == 0) {
        hole_next = hole_start();
    }
    for (unsigned b = 0; b < PCI_BARS_MAX; b++) {
        pci_bar_t *bar = &f->bars[b];
        if ((bar->kind != PCI_BAR_MEMORY32 && bar->kind != PCI_BAR_MEMORY64) || !bar->sized ||
            bar->size == 0 || bar->address != 0) {
            continue;
        }
        uint64_t address = (hole_next + bar->size - 1) & ~(bar->size - 1);
        if (address + bar->size > PCI_HOLE_END) {
            return false;
        }
        uint16_t offset = (uint16_t)(PCI_BAR_OFFSET + 4 * b);
        uint32_t low = platform_config_read32(f->bus, f->device, f->function, offset);
        platform_config_write32(f->bus, f->device, f->function, offset,
                                (uint32_t)address | (low & 0xfu));
        if (bar->kind == PCI_BAR_MEMORY64) {
            platform_config_write32(f->bus, f->device, f->function, (uint16_t)(offset + 4),
                                    (uint32_t)(address >> 32));
        }
        bar->address = address;
        hole_next = address + bar->size;
    }
    return true;
}

/* Memory decoding and bus mastering on, INTx off, MSI-X on and unmasked (entries stay masked
 * until the service programs them). */
static void enable(const pci_function_t *f)
{
    uint32_t command = platform_config_read32(f->bus, f->device, f->function, PCI_COMMAND_OFFSET);
    uint32_t msix = platform_config_read32(f->bus, f->device, f->function, f->msix.offset);

    command = (command & 0xffffu) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_NO_INTX;
    platform_config_write32(f->bus, f->device, f->function, PCI_COMMAND_OFFSET, command);
    msix = (msix | PCI_MSIX_ENABLE) & ~PCI_MSIX_MASK_ALL;
    platform_config_write32(f->bus, f->device, f->function, f->msix.offset, msix);
}

/* Act: the frames of the window and the MSI, as caps[first_cap..]. */
static bool give(service_t *virtio, const pci_function_t *f, const layout_t *layout, unsigned index,
                 virtio_start_device_t *device)
{
    uint8_t pci[3] = {f->bus, f->device, f->function};
    unsigned cap = index * VIRTIO_DEVICE_CAPS;

    device->first_cap = (uint8_t)cap;
    device->irq = (uint8_t)(VIRTIO_IRQ_BASE + index);
    for (unsigned bar = 0; bar < PCI_BARS_MAX; bar++) {
        if (layout->base[bar] < 0) {
            continue;
        }
        for (uint64_t page = 0; page < f->bars[bar].size / PAGE_BYTES; page++) {
            if (!devices_give_frame(virtio, cap + (unsigned)layout->base[bar] + (unsigned)page,
                                    f->bars[bar].address + page * PAGE_BYTES)) {
                return false;
            }
        }
    }
    enable(f);
    return devices_give_msi(virtio, cap + VIRTIO_DEVICE_PAGES_MAX, pci, device->irq,
                            VIRTIO_BIT_IRQ(index));
}

bool virtio_wire(service_t *virtio)
{
    const platform_t *platform = platform_get();
    virtio_start_device_t *devices = (virtio_start_device_t *)virtio->info->args;
    unsigned count = 0;

    for (size_t i = 0; i < platform->pci_scan.count; i++) {
        pci_function_t copy = platform->pci_functions[i];
        const pci_function_t *f = &copy;
        layout_t layout;
        virtio_start_device_t device;
        const char *why;
        if (!is_driven(f)) {
            continue;
        }
        if (count == VIRTIO_DEVICES_MAX) {
            printf("init: virtio: %02x:%02x.%x left out: %u devices at most\n", f->bus, f->device,
                   f->function, (unsigned)VIRTIO_DEVICES_MAX);
            continue;
        }
        if (!bars_assign(&copy)) {
            printf("init: virtio: %02x:%02x.%x left out: no room for its BARs\n", f->bus, f->device,
                   f->function);
            continue;
        }
        if ((why = describe(f, &layout, &device)) != NULL) {
            printf("init: virtio: %02x:%02x.%x left out: %s\n", f->bus, f->device, f->function,
                   why);
            continue;
        }
        if (!give(virtio, f, &layout, count, &device)) {
            return false;
        }
        devices[count++] = device;
    }
    virtio->info->words[VIRTIO_WORD_DEVICES] = count;
    return true;
}

/* The start info's entry for this client, kind and index (rewritten in place: a VMM is wired
 * again at each start), or a new one; NULL when the table is full. */
static virtio_start_grant_t *grant_slot(service_t *virtio, seL4_Word client, bool net,
                                        seL4_Word index)
{
    seL4_Word count = virtio->info->words[VIRTIO_WORD_GRANTS];
    virtio_start_grant_t *grants =
            (virtio_start_grant_t *)(virtio->info->args + VIRTIO_START_GRANTS);

    for (seL4_Word i = 0; i < count && i < VIRTIO_START_GRANTS_MAX; i++) {
        if (grants[i].client == client && (grants[i].net != 0) == net && grants[i].index == index) {
            return &grants[i];
        }
    }
    if (count >= VIRTIO_START_GRANTS_MAX) {
        return NULL;
    }
    virtio->info->words[VIRTIO_WORD_GRANTS] = count + 1;
    return &grants[count];
}

bool virtio_client_map(service_t *client, service_t *virtio, seL4_Word vaddr, seL4_Word bytes)
{
    seL4_CPtr frames[VIRTIO_CLIENT_BUFFER_MAX / PAGE_BYTES];
    unsigned pages = (unsigned)(bytes / PAGE_BYTES);
    void *mine;

    if (bytes % PAGE_BYTES != 0 || pages == 0 || bytes > VIRTIO_CLIENT_BUFFER_MAX) {
        printf("init: %s: a virtio buffer of %lu bytes is not 1 to 4 pages\n", client->spec->name,
               (unsigned long)bytes);
        return false;
    }
    return vspace_alloc_pages(memory_vspace(), pages, &mine, frames) == seL4_NoError &&
           service_map_shared(client, frames, pages, vaddr) &&
           service_map_shared(virtio, frames, pages, virtio_client_buffer(client->spec->id));
}

/* A signal to the running service: apply the start info's grants again. */
static void grants_signal(service_t *virtio)
{
    static seL4_CPtr signal;

    if (virtio->state != INIT_SERVICE_RUNNING) {
        return; /* it applies them when it starts */
    }
    if (signal == 0 &&
        (alloc_slot(memory_pool(), &signal) != seL4_NoError ||
         seL4_CNode_Mint(seL4_CapInitThreadCNode, signal, seL4_WordBits, seL4_CapInitThreadCNode,
                         virtio->notification, seL4_WordBits, seL4_AllRights,
                         VIRTIO_BIT_GRANTS) != seL4_NoError)) {
        signal = 0;
        printf("init: virtio: cannot make the grants signal\n");
        return;
    }
    seL4_Signal(signal);
}

bool virtio_client_grant(service_t *client, service_t *virtio, unsigned cap_index, seL4_Word bytes,
                         seL4_Word disk, const virtio_window_t *window)
{
    virtio_start_grant_t *grant = grant_slot(virtio, client->spec->id, window == NULL, disk);

    if (grant == NULL) {
        printf("init: %s: no virtio grant possible: the service's %u grants are taken\n",
               client->spec->name, (unsigned)VIRTIO_START_GRANTS_MAX);
        return false;
    }
    if (!service_give_device(client, cap_index, virtio->endpoint, seL4_AllRights,
                             ipc_badge(client->spec->id))) {
        return false;
    }
    *grant = (virtio_start_grant_t){.client = (uint8_t)client->spec->id,
                                    .net = window == NULL,
                                    .index = (uint8_t)disk,
                                    .read_only = window != NULL && window->read_only,
                                    .buffer_bytes = (uint32_t)bytes,
                                    .first = window != NULL ? window->first : 0,
                                    .sectors = window != NULL ? window->sectors : 0};
    grants_signal(virtio);
    return true;
}

bool virtio_wire_client(service_t *client, service_t *virtio, unsigned cap_index, seL4_Word vaddr,
                        seL4_Word bytes, seL4_Word disk, const virtio_window_t *window)
{
    return virtio_client_map(client, virtio, vaddr, bytes) &&
           virtio_client_grant(client, virtio, cap_index, bytes, disk, window);
}

seL4_Word virtio_disk_count(void)
{
    const service_t *virtio = init_service_by_id(SERVICE_ID_VIRTIO);
    seL4_Word disks = 0;

    if (virtio == NULL) {
        return 0;
    }
    const virtio_start_device_t *devices = (const virtio_start_device_t *)virtio->info->args;
    for (seL4_Word d = 0; d < virtio->info->words[VIRTIO_WORD_DEVICES] && d < VIRTIO_DEVICES_MAX;
         d++) {
        disks += devices[d].device_id == VIRTIO_DEVICE_BLOCK;
    }
    return disks;
}
