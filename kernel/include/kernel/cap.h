/*
 * Capabilities: what a CNode slot holds. A cap_t names one object (or a hardware resource) and
 * carries the rights and per-capability data of seL4's cap types (badge, guard, mapping, ...).
 * Plain C structures: capabilities are kernel-internal and never a hardware layout.
 */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

#include <arch/object/arch_cap.h>
#include <kernel/types.h>
#include <sel4/objecttypes.h>

struct endpoint;
struct notification;
struct tcb;
struct cte;

/* Capability types use the numbers seL4_DebugCapIdentify reports. */
typedef enum {
    CAP_NULL = seL4_CapType_Null,
    CAP_UNTYPED = seL4_CapType_Untyped,
    CAP_ENDPOINT = seL4_CapType_Endpoint,
    CAP_NOTIFICATION = seL4_CapType_Notification,
    CAP_REPLY = seL4_CapType_Reply,
    CAP_CNODE = seL4_CapType_CNode,
    CAP_THREAD = seL4_CapType_Thread,
    CAP_IRQ_CONTROL = seL4_CapType_IRQControl,
    CAP_IRQ_HANDLER = seL4_CapType_IRQHandler,
    CAP_ZOMBIE = seL4_CapType_Zombie,
    CAP_DOMAIN = seL4_CapType_Domain,
    CAP_FRAME = seL4_CapType_Frame,
    CAP_PAGE_TABLE = seL4_CapType_PageTable,
    CAP_PAGE_DIRECTORY = seL4_CapType_PageDirectory,
    CAP_PDPT = seL4_CapType_PDPT,
    CAP_PML4 = seL4_CapType_PML4,
    CAP_ASID_CONTROL = seL4_CapType_ASIDControl,
    CAP_ASID_POOL = seL4_CapType_ASIDPool,
    CAP_IO_PORT_CONTROL = seL4_CapType_IOPortControl,
    CAP_IO_PORT = seL4_CapType_IOPort,
    CAP_VCPU = seL4_CapType_VCPU,
    CAP_EPT_PML4 = seL4_CapType_EPTPML4,
    CAP_EPT_PDPT = seL4_CapType_EPTPDPT,
    CAP_EPT_PD = seL4_CapType_EPTPD,
    CAP_EPT_PT = seL4_CapType_EPTPT,
} cap_type_t;

/* Rights bits, as in seL4_CapRights_t. */
#define CAP_RIGHT_WRITE       0x1u
#define CAP_RIGHT_READ        0x2u
#define CAP_RIGHT_GRANT       0x4u
#define CAP_RIGHT_GRANT_REPLY 0x8u
#define CAP_RIGHTS_ALL        0xfu

typedef struct {
    paddr_t paddr;
    word_t free_offset; /* bytes from paddr where the next object may go (the watermark) */
    uint8_t size_bits;
    bool is_device;
} cap_untyped_t;

typedef struct {
    struct endpoint *ep;
    word_t badge;
    uint8_t rights;
} cap_endpoint_t;

typedef struct {
    struct notification *ntfn;
    word_t badge;
    uint8_t rights;
} cap_notification_t;

typedef struct {
    struct tcb *tcb;
    bool master;    /* the TCB's own reply slot: never usable, anchors the reply caps */
    bool can_grant; /* the replier may transfer capabilities */
} cap_reply_t;

typedef struct {
    struct cte *slots;
    word_t guard;
    uint8_t radix;
    uint8_t guard_size;
} cap_cnode_t;

typedef struct {
    struct tcb *tcb;
} cap_thread_t;

typedef struct {
    word_t irq;
} cap_irq_handler_t;

/*
 * A zombie: the last capability of a CNode or TCB whose slots are being emptied. One word holds
 * the object's size (log2 bytes, bits 0..7, for region comparisons) and how many of its slots
 * may still hold capabilities (bits 8..63: up to 2^41, the slots of the largest CNode).
 */
typedef struct {
    struct cte *slots;  /* the slots of the object being destroyed */
    struct cte *parent; /* the slot holding the zombie that is destroying us, or NULL */
    word_t size_and_remaining;
} cap_zombie_t;

#define ZOMBIE_SIZE_BITS 8

/* Slots [0, remaining) may still hold capabilities. */
static inline word_t zombie_remaining(const cap_zombie_t *zombie)
{
    return zombie->size_and_remaining >> ZOMBIE_SIZE_BITS;
}

static inline void zombie_set_remaining(cap_zombie_t *zombie, word_t remaining)
{
    zombie->size_and_remaining =
            (remaining << ZOMBIE_SIZE_BITS) | (zombie->size_and_remaining & MASK(ZOMBIE_SIZE_BITS));
}

/* log2 of the size of the object being destroyed. */
static inline unsigned zombie_size_bits(const cap_zombie_t *zombie)
{
    return (unsigned)(zombie->size_and_remaining & MASK(ZOMBIE_SIZE_BITS));
}

typedef struct cap {
    cap_type_t type;
    union {
        cap_untyped_t untyped;
        cap_endpoint_t endpoint;
        cap_notification_t notification;
        cap_reply_t reply;
        cap_cnode_t cnode;
        cap_thread_t thread;
        cap_irq_handler_t irq_handler;
        cap_zombie_t zombie;
        arch_cap_frame_t frame;
        arch_cap_table_t table; /* page table, page directory, PDPT; EPT PDPT, PD, PT */
        arch_cap_pml4_t pml4;   /* PML4, EPT PML4 */
        arch_cap_asid_pool_t asid_pool;
        arch_cap_io_port_t io_port;
        arch_cap_vcpu_t vcpu;
    } u;
} cap_t;

_Static_assert(sizeof(cap_t) <= 32, "a capability fits half a slot");

static inline cap_t cap_null(void)
{
    cap_t cap = {.type = CAP_NULL};
    return cap;
}

/* True for the capability types defined by the architecture (frames, paging, ASIDs, ports). */
static inline bool cap_is_arch(cap_t cap)
{
    return cap.type >= CAP_FRAME;
}

/*
 * Relations between capabilities that the derivation tree is built on (seL4's rules):
 * same region: b's object lies within a's (an untyped covers everything carved from it);
 * same object: a and b name exactly the same object (never true for untypeds).
 */
bool cap_same_region_as(cap_t a, cap_t b);
bool cap_same_object_as(cap_t a, cap_t b);

/* Whether a capability derived from src as derived may have children of its own. */
bool cap_is_revocable(cap_t derived, cap_t src);

/* Physical extent of the object a capability names; false when it names none. */
bool cap_physical_region(cap_t cap, paddr_t *base, word_t *size);

/* Rights masking (Mint, Copy): never adds rights. */
cap_t cap_mask_rights(unsigned rights, cap_t cap);

/*
 * Apply Mint/Mutate data: an endpoint or notification badge (only to an unbadged capability,
 * and never when preserve, i.e. Mutate), or a CNode guard. Returns the null cap when the data
 * cannot be applied.
 */
cap_t cap_update_data(bool preserve, word_t data, cap_t cap);

/* Endpoint capabilities that may cancel badged sends: all four rights. */
bool cap_has_cancel_send_rights(cap_t cap);

#endif
