/*
 * PCI configuration space enumeration for user space, through the caller's callbacks (init reads
 * dwords through the 0xcf8/0xcfc ports of its IOPort capability). Freestanding: no libc, no
 * heap, no mutable globals; reentrant.
 *
 * Configuration space is external input: a device, or an emulator, may answer anything. Every
 * pointer read from it (capability pointers, bridges' bus numbers) is checked before it is
 * followed, with loop protection; a function's problems are reported in its record while the
 * scan goes on. BARs are sized only when a write callback is given, with decoding off meanwhile
 * and every written register restored. docs/parsers.md lists every check.
 */
#ifndef PCI_PCI_H
#define PCI_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_DEVICES_PER_BUS   32
#define PCI_FUNCTIONS_MAX     8
#define PCI_BARS_MAX          6
#define PCI_VIRTIO_CAPS_MAX   8
#define PCI_CONFIG_SIZE       256 /* what the 0xcf8/0xcfc mechanism reaches */
#define PCI_VENDOR_NONE       0xffffu
#define PCI_VENDOR_VIRTIO     0x1af4u
#define PCI_SCAN_PROBLEMS_MAX 8

/* A dword of configuration space; offset is a multiple of 4 below PCI_CONFIG_SIZE. */
typedef uint32_t (*pci_read32_fn)(void *ctx, uint8_t bus, uint8_t device, uint8_t function,
                                  uint16_t offset);
typedef void (*pci_write32_fn)(void *ctx, uint8_t bus, uint8_t device, uint8_t function,
                               uint16_t offset, uint32_t value);

typedef struct {
    pci_read32_fn read32;
    pci_write32_fn write32; /* NULL: never write (BARs are not sized) */
    void *ctx;
} pci_access_t;

typedef enum {
    PCI_OK = 0,
    PCI_ERR_ARGUMENT, /* a NULL pointer, a device above 31 or a function above 7 */
    PCI_ERR_ABSENT,   /* no function there (vendor ID 0xffff or 0) */
} pci_error_t;

/* What was wrong with a function or with the topology; the first one met is kept. */
typedef enum {
    PCI_PROBLEM_NONE = 0,
    PCI_PROBLEM_HEADER_TYPE,   /* a header type other than 0, 1, 2: nothing past the IDs read */
    PCI_PROBLEM_BAR_TYPE,      /* a memory BAR of the reserved type 3 */
    PCI_PROBLEM_BAR_64_LAST,   /* a 64-bit BAR in the last BAR slot */
    PCI_PROBLEM_CAP_IN_HEADER, /* a capability pointer below 0x40 */
    PCI_PROBLEM_CAP_LOOP,      /* a capability pointer to one already visited */
    PCI_PROBLEM_CAP_PAST_END,  /* a capability running past configuration space */
    PCI_PROBLEM_MSI_VECTORS,   /* MSI's multiple message capable field is reserved (6, 7) */
    PCI_PROBLEM_MSIX_BAR,      /* an MSI-X table or PBA BIR that is not a memory BAR */
    PCI_PROBLEM_VIRTIO_CAP,    /* a virtio capability too short, or its region wraps or lies
                                  outside its BAR */
    PCI_PROBLEM_BRIDGE_BUS,    /* a bridge's secondary bus 0, not above its own bus, or above
                                  its subordinate bus: not followed */
    PCI_PROBLEM_BRIDGE_LOOP,   /* a bridge to a bus already scanned or queued: not followed */
    PCI_PROBLEM_COUNT
} pci_problem_t;

typedef enum {
    PCI_BAR_NONE = 0,   /* not implemented (or unknown: unsized and reading 0) */
    PCI_BAR_IO,         /* I/O space */
    PCI_BAR_MEMORY32,   /* 32-bit memory */
    PCI_BAR_MEMORY_LOW, /* memory below 1 MiB (legacy type 1) */
    PCI_BAR_MEMORY64,   /* 64-bit memory, its upper half in the next slot */
    PCI_BAR_UPPER_HALF, /* the upper half of the 64-bit BAR in the slot before */
} pci_bar_kind_t;

typedef struct {
    pci_bar_kind_t kind;
    bool prefetchable;
    bool sized; /* size was measured (a write callback was given) */
    uint64_t address;
    uint64_t size; /* 0 when not sized; a power of two otherwise */
} pci_bar_t;

typedef struct {
    bool present;
    uint8_t offset;
    bool enabled;
    bool address_64bit;
    bool per_vector_mask;
    uint8_t vectors; /* 1 to 32 */
} pci_msi_t;

typedef struct {
    bool present;
    uint8_t offset;
    bool enabled;
    uint16_t table_size; /* entries, 1 to 2048 */
    uint8_t table_bar;
    uint32_t table_offset;
    uint8_t pba_bar;
    uint32_t pba_offset;
} pci_msix_t;

typedef struct {
    bool present;
    uint8_t offset;
    uint8_t version;
    uint8_t port_type; /* device/port type: 0 endpoint, 4 root port, ... */
} pci_express_t;

/* A virtio 1.x vendor-specific capability (vendor 0x1af4, capability ID 0x09). */
typedef struct {
    uint8_t offset;   /* of the capability in configuration space */
    uint8_t cfg_type; /* 1 common, 2 notify, 3 ISR, 4 device, 5 PCI access, 8 shared memory */
    uint8_t bar;
    uint8_t id;
    uint32_t region_offset; /* within the BAR */
    uint32_t length;
    uint32_t notify_multiplier; /* cfg_type 2 only */
} pci_virtio_cap_t;

typedef struct {
    uint8_t bus;
    uint8_t device;
    uint8_t function;
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t class_code;
    uint8_t subclass;
    uint8_t prog_if;
    uint8_t revision;
    uint8_t header_type; /* without the multi-function bit */
    bool multifunction;
    uint16_t command;
    uint16_t status;
    uint16_t subsystem_vendor_id; /* header type 0 */
    uint16_t subsystem_id;
    uint8_t interrupt_line;
    uint8_t interrupt_pin;
    pci_bar_t bars[PCI_BARS_MAX];
    uint8_t bar_count;   /* 6 for header type 0, 2 for bridges */
    uint8_t primary_bus; /* bridges (header types 1 and 2) */
    uint8_t secondary_bus;
    uint8_t subordinate_bus;
    uint8_t capability_count;
    pci_msi_t msi;
    pci_msix_t msix;
    pci_express_t express;
    pci_virtio_cap_t virtio[PCI_VIRTIO_CAPS_MAX];
    uint8_t virtio_count;
    bool virtio_truncated;
    pci_problem_t problem;   /* the first problem met in this function, or PCI_PROBLEM_NONE */
    uint16_t problem_offset; /* the configuration space offset it concerns */
} pci_function_t;

/*
 * Read one function: IDs, header, BARs (sized when access->write32 is set), capabilities. On
 * PCI_OK, *out is filled, with out->problem saying what (if anything) was wrong with it.
 */
pci_error_t pci_read_function(const pci_access_t *access, uint8_t bus, uint8_t device,
                              uint8_t function, pci_function_t *out);

#define PCI_SCAN_ALL_BUSES 0x1u /* every bus 0-255, instead of following bridges */

typedef struct {
    pci_function_t *functions; /* the caller's array */
    size_t capacity;
    size_t count;   /* functions found and recorded */
    bool truncated; /* more functions than capacity */
    unsigned buses_scanned;
    /* Topology problems (bridges not followed), the first PCI_SCAN_PROBLEMS_MAX of them. */
    struct {
        pci_problem_t problem;
        uint8_t bus;
        uint8_t device;
        uint8_t function;
    } problems[PCI_SCAN_PROBLEMS_MAX];
    size_t problem_count; /* all of them, even past PCI_SCAN_PROBLEMS_MAX */
} pci_scan_t;

/*
 * Enumerate: bus 0 (and the buses of further host bridges at 00:00.1-7), then every bus behind
 * a PCI-to-PCI bridge, each bus at most once; or, with PCI_SCAN_ALL_BUSES, every bus. Functions
 * 1-7 only when function 0's header says multi-function. Results go into functions[0, capacity).
 */
pci_error_t pci_scan(const pci_access_t *access, unsigned flags, pci_function_t *functions,
                     size_t capacity, pci_scan_t *result);

/* A short name for a function's class, e.g. "SATA controller", "virtio network device". */
const char *pci_class_name(uint16_t vendor_id, uint16_t device_id, uint8_t class_code,
                           uint8_t subclass, uint8_t prog_if);

/* A sentence for a problem. */
const char *pci_problem_string(pci_problem_t problem);

#endif
