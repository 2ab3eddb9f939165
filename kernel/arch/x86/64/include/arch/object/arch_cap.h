/*
 * The x86-64 capability payloads: frames, paging structures (the host's and the guest-physical
 * ones), ASID pools, I/O port ranges and VCPUs. Included by kernel/cap.h into the capability
 * union; data only.
 */
#ifndef ARCH_OBJECT_ARCH_CAP_H
#define ARCH_OBJECT_ARCH_CAP_H

#include <kernel/types.h>

/* An address-space identifier: pool index (3 bits) and entry within the pool (9 bits). */
typedef uint16_t asid_t;

#define ASID_INVALID 0

typedef struct {
    paddr_t paddr;
    vaddr_t mapped_vaddr; /* where this capability maps the frame (valid when mapped_asid) */
    asid_t mapped_asid;   /* ASID_INVALID: not mapped through this capability */
    uint8_t size_bits;    /* seL4_PageBits or seL4_LargePageBits */
    uint8_t rights;       /* CAP_RIGHT_READ / CAP_RIGHT_WRITE: the most a mapping may allow */
    bool is_device;
    bool mapped_guest; /* the mapping is in a guest-physical space (mapped_vaddr is the GPA) */
} arch_cap_frame_t;

/* Page tables, page directories and PDPTs, also the guest-physical (EPT/NPT) ones: mapped at most
 * once, into one VSpace or guest-physical space. */
typedef struct {
    paddr_t paddr;
    vaddr_t mapped_vaddr; /* the start of the region the structure translates */
    asid_t mapped_asid;   /* ASID_INVALID: not mapped */
} arch_cap_table_t;

typedef struct {
    paddr_t paddr;
    asid_t asid; /* ASID_INVALID: not yet assigned by an ASID pool */
} arch_cap_pml4_t;

struct asid_pool;

typedef struct {
    struct asid_pool *pool;
    asid_t asid_base; /* the first ASID the pool serves */
} arch_cap_asid_pool_t;

/* A range of I/O ports; the ports of it this capability opened to a VCPU's guest, if any
 * (X86VCPUEnableIOPort), which deleting the capability closes again. */
typedef struct {
    uint16_t first_port;
    uint16_t last_port;   /* inclusive */
    uint16_t guest_first; /* valid when guest_vcpu != 0 */
    uint16_t guest_last;
    uint64_t guest_vcpu; /* the VCPU's serial number, 0: none */
} arch_cap_io_port_t;

/* A VCPU: the object's physical address (2^seL4_VCPUBits bytes, arch/object/vcpu.h). */
typedef struct {
    paddr_t paddr;
} arch_cap_vcpu_t;

#endif
