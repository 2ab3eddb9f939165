/*
 * PCI configuration space through configuration mechanism 1 (CONFIG_ADDRESS at 0xcf8, dword
 * accesses only; CONFIG_DATA at 0xcfc-0xcff, byte, word or dword), bus 0 only. A host bridge
 * sits at 00:00.0 (8086:29c0, the Q35 MCH, class 06:00:00); other functions register with
 * callbacks. An absent function, another bus, or CONFIG_ADDRESS with its enable bit clear reads
 * all-ones and drops writes.
 *
 * A function sees configuration space as dwords: read(offset) returns the dword at a multiple
 * of 4; write(offset, value, byte_mask) changes the bytes whose bit is set in byte_mask (bit i:
 * byte offset + i), as PCI byte enables do. vdev_pci_config_t is a ready-made function for
 * simple devices: bytes with per-bit writable and write-1-to-clear masks, BARs whose sizing
 * works by those masks (write all-ones, read back the size), and a capability list builder.
 * Not modelled: the expansion ROM BAR (reads 0), extended configuration space (no MMCONFIG),
 * buses behind bridges.
 */
#ifndef VDEV_PCI_H
#define VDEV_PCI_H

#include <vdev/vdev.h>

#define VDEV_PCI_FUNCTIONS               32
#define VDEV_PCI_DEVFN(device, function) ((uint8_t)((device) << 3 | (function)))
#define VDEV_PCI_ADDRESS_ENABLE          0x80000000u

/* Standard header offsets. */
#define VDEV_PCI_VENDOR_ID           0x00u
#define VDEV_PCI_DEVICE_ID           0x02u
#define VDEV_PCI_COMMAND             0x04u
#define VDEV_PCI_STATUS              0x06u
#define VDEV_PCI_REVISION            0x08u
#define VDEV_PCI_CLASS               0x09u
#define VDEV_PCI_HEADER_TYPE         0x0eu
#define VDEV_PCI_BAR0                0x10u
#define VDEV_PCI_SUBSYSTEM_VENDOR    0x2cu
#define VDEV_PCI_CAPABILITIES        0x34u
#define VDEV_PCI_INTERRUPT_LINE      0x3cu
#define VDEV_PCI_INTERRUPT_PIN       0x3du
#define VDEV_PCI_STATUS_CAPABILITIES 0x0010u

/* BAR kinds (the low bits a BAR reads back). */
#define VDEV_PCI_BAR_IO       0x1u
#define VDEV_PCI_BAR_MEM32    0x0u
#define VDEV_PCI_BAR_MEM64    0x4u
#define VDEV_PCI_BAR_PREFETCH 0x8u

typedef struct vdev_pci_function_ops {
    uint32_t (*read)(void *context, uint8_t offset);
    void (*write)(void *context, uint8_t offset, uint32_t value, uint8_t byte_mask);
} vdev_pci_function_ops_t;

typedef struct vdev_pci_config {
    uint8_t bytes[256];
    uint8_t writable[256];
    uint8_t write_clears[256];
    uint8_t next_capability; /* where the next capability goes */
    uint8_t last_capability; /* 0: the list is empty */
} vdev_pci_config_t;

/* A type 0 header: IDs, class (base << 16 | sub << 8 | interface), revision, header type. */
void vdev_pci_config_init(vdev_pci_config_t *config, uint16_t vendor, uint16_t device,
                          uint32_t class_code, uint8_t revision, uint8_t header_type);
uint32_t vdev_pci_config_read(const vdev_pci_config_t *config, uint8_t offset);
void vdev_pci_config_write(vdev_pci_config_t *config, uint8_t offset, uint32_t value,
                           uint8_t byte_mask);

/* Declares BAR `index` (a 64-bit BAR takes index + 1 too): size a power of two, at least 16
 * (memory) or 4 (I/O), at most 64 KiB for I/O. False when it does not fit. */
bool vdev_pci_config_set_bar(vdev_pci_config_t *config, unsigned index, uint64_t size,
                             unsigned kind);
/* The address BAR `index` holds now (the kind bits masked off). */
uint64_t vdev_pci_config_bar_address(const vdev_pci_config_t *config, unsigned index);

/* Appends a capability of `length` bytes (id, next pointer, body); its offset, 0 if full. */
uint8_t vdev_pci_config_add_capability(vdev_pci_config_t *config, uint8_t id, uint8_t length);

/* The operations of vdev_pci_config_t (context: the config). */
extern const vdev_pci_function_ops_t vdev_pci_config_ops;

typedef struct vdev_pci_slot {
    bool used;
    uint8_t devfn;
    const vdev_pci_function_ops_t *ops;
    void *context;
} vdev_pci_slot_t;

typedef struct vdev_pci {
    uint32_t address; /* CONFIG_ADDRESS */
    vdev_pci_slot_t slot[VDEV_PCI_FUNCTIONS];
    vdev_pci_config_t host_bridge;
    uint64_t absent; /* data accesses that reach no function (absent, other bus, disabled) */
} vdev_pci_t;

/* Bus 0 with the host bridge at 00:00.0. */
void vdev_pci_init(vdev_pci_t *pci);

/* Adds a function at devfn on bus 0; false if taken or no slot is free. */
bool vdev_pci_register(vdev_pci_t *pci, uint8_t devfn, const vdev_pci_function_ops_t *ops,
                       void *context);

uint32_t vdev_pci_address_read(const vdev_pci_t *pci);
void vdev_pci_address_write(vdev_pci_t *pci, uint32_t value);

/* CONFIG_DATA: offset 0-3 within 0xcfc, size 1, 2 or 4, offset + size <= 4. */
uint32_t vdev_pci_data_read(vdev_pci_t *pci, unsigned offset, unsigned size);
void vdev_pci_data_write(vdev_pci_t *pci, unsigned offset, unsigned size, uint32_t value);

#endif
