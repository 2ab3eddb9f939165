/*
 * Names for the summary: a function's class (virtio devices by their device ID), and the
 * sentence for each problem. Static strings only.
 */
#include <pci/pci.h>

#define VIRTIO_TRANSITIONAL_FIRST 0x1000u
#define VIRTIO_TRANSITIONAL_LAST  0x103fu
#define VIRTIO_MODERN_FIRST       0x1040u
#define VIRTIO_MODERN_LAST        0x107fu

typedef struct {
    uint8_t class_code;
    uint8_t subclass;
    const char *name;
} class_name_t;

static const class_name_t class_names[] = {
        {0x00, 0x01, "VGA-compatible device"},
        {0x01, 0x00, "SCSI controller"},
        {0x01, 0x01, "IDE controller"},
        {0x01, 0x02, "floppy controller"},
        {0x01, 0x04, "RAID controller"},
        {0x01, 0x05, "ATA controller"},
        {0x01, 0x06, "SATA controller"},
        {0x01, 0x07, "SAS controller"},
        {0x01, 0x08, "NVMe controller"},
        {0x02, 0x00, "Ethernet controller"},
        {0x03, 0x00, "VGA controller"},
        {0x03, 0x02, "3D controller"},
        {0x04, 0x01, "audio device"},
        {0x04, 0x03, "audio device"},
        {0x05, 0x00, "RAM controller"},
        {0x06, 0x00, "host bridge"},
        {0x06, 0x01, "ISA bridge"},
        {0x06, 0x02, "EISA bridge"},
        {0x06, 0x04, "PCI bridge"},
        {0x06, 0x07, "CardBus bridge"},
        {0x06, 0x09, "PCI bridge"},
        {0x07, 0x00, "serial controller"},
        {0x07, 0x01, "parallel controller"},
        {0x08, 0x00, "interrupt controller"},
        {0x08, 0x01, "DMA controller"},
        {0x08, 0x02, "timer"},
        {0x08, 0x03, "RTC controller"},
        {0x08, 0x05, "SD host controller"},
        {0x08, 0x06, "IOMMU"},
        {0x09, 0x00, "keyboard controller"},
        {0x0c, 0x03, "USB controller"},
        {0x0c, 0x05, "SMBus controller"},
};

static const char *const class_fallback[] = {
        "unclassified device",
        "storage controller",
        "network controller",
        "display controller",
        "multimedia controller",
        "memory controller",
        "bridge",
        "communication controller",
        "system peripheral",
        "input device",
        "docking station",
        "processor",
        "serial bus controller",
        "wireless controller",
        "intelligent controller",
        "satellite controller",
        "encryption controller",
        "signal processor",
};

static const char *virtio_name(uint16_t device_id)
{
    static const char *const modern[] = {
            [1] = "virtio network device", [2] = "virtio block device",
            [3] = "virtio console",        [4] = "virtio entropy source",
            [5] = "virtio memory balloon", [8] = "virtio SCSI controller",
            [9] = "virtio 9P transport",   [16] = "virtio GPU",
            [18] = "virtio input device",  [19] = "virtio socket device",
            [26] = "virtio file system",
    };
    static const uint8_t transitional[] = {1, 2, 5, 3, 8, 4, 0, 0, 0, 9};
    unsigned id = 0;

    if (device_id >= VIRTIO_MODERN_FIRST) {
        id = device_id - VIRTIO_MODERN_FIRST;
    } else if (device_id - VIRTIO_TRANSITIONAL_FIRST < sizeof(transitional)) {
        id = transitional[device_id - VIRTIO_TRANSITIONAL_FIRST];
    }
    if (id < sizeof(modern) / sizeof(modern[0]) && modern[id] != NULL) {
        return modern[id];
    }
    return "virtio device";
}

const char *pci_class_name(uint16_t vendor_id, uint16_t device_id, uint8_t class_code,
                           uint8_t subclass, uint8_t prog_if)
{
    (void)prog_if;
    if (vendor_id == PCI_VENDOR_VIRTIO && device_id >= VIRTIO_TRANSITIONAL_FIRST &&
        device_id <= VIRTIO_MODERN_LAST) {
        return virtio_name(device_id);
    }
    for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
        if (class_names[i].class_code == class_code && class_names[i].subclass == subclass) {
            return class_names[i].name;
        }
    }
    if (class_code < sizeof(class_fallback) / sizeof(class_fallback[0])) {
        return class_fallback[class_code];
    }
    return class_code == 0xff ? "vendor-specific device" : "unknown device";
}

const char *pci_problem_string(pci_problem_t problem)
{
    static const char *const strings[PCI_PROBLEM_COUNT] = {
            [PCI_PROBLEM_NONE] = "no problem",
            [PCI_PROBLEM_HEADER_TYPE] = "unknown header type",
            [PCI_PROBLEM_BAR_TYPE] = "memory BAR of a reserved type",
            [PCI_PROBLEM_BAR_64_LAST] = "64-bit BAR in the last slot",
            [PCI_PROBLEM_CAP_IN_HEADER] = "capability pointer into the header",
            [PCI_PROBLEM_CAP_LOOP] = "capability list loops",
            [PCI_PROBLEM_CAP_PAST_END] = "capability runs past configuration space",
            [PCI_PROBLEM_MSI_VECTORS] = "MSI vector count reserved",
            [PCI_PROBLEM_MSIX_BAR] = "MSI-X structure in no memory BAR",
            [PCI_PROBLEM_VIRTIO_CAP] = "malformed virtio capability",
            [PCI_PROBLEM_BRIDGE_BUS] = "bridge with impossible bus numbers",
            [PCI_PROBLEM_BRIDGE_LOOP] = "bridge to a bus already scanned",
    };
    if ((unsigned)problem >= PCI_PROBLEM_COUNT) {
        return "unknown problem";
    }
    return strings[problem];
}
