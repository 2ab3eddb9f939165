/*
 * What a service finds when init starts it: the capability slots of its CSpace, the layout of
 * its address space, and the start-info page whose address arrives in RDI (read-only). init is
 * the only writer of all of it (services/init/service.c); docs/services.md has the per-service
 * table of who holds what, and why.
 */
#ifndef RUNTIME_SERVICE_H
#define RUNTIME_SERVICE_H

#include <sel4/functions.h>

/* A service's CSpace: one CNode of 2^SERVICE_CNODE_BITS slots, guarded so that a cptr is the
 * slot index. */
#define SERVICE_CNODE_BITS 12

enum service_slot {
    SERVICE_SLOT_NULL = 0,
    SERVICE_SLOT_TCB = 1,          /* its main thread */
    SERVICE_SLOT_CNODE = 2,        /* its CSpace root */
    SERVICE_SLOT_VSPACE = 3,       /* its PML4 */
    SERVICE_SLOT_UNTYPED = 4,      /* its memory: everything it makes comes from here */
    SERVICE_SLOT_ENDPOINT = 5,     /* the endpoint it serves requests on */
    SERVICE_SLOT_NOTIFICATION = 6, /* bound to its main thread: interrupts, timers, wake-ups */
    SERVICE_SLOT_FAULT = 7,        /* init's endpoint, fault badge: its threads' fault handler */
    SERVICE_SLOT_INIT = 8,         /* init's endpoint, its badge: requests to init */
    SERVICE_SLOT_LOG = 9,          /* the log service's endpoint, its badge */
    SERVICE_SLOT_LOG_SIGNAL = 10,  /* the log service's notification: "my ring has lines" */
    SERVICE_SLOT_TIME = 11,        /* the time service's endpoint, its badge */
    SERVICE_SLOT_ASID_POOL = 12,   /* an ASID pool, for services that make address spaces */
    SERVICE_SLOT_DEVICES = 16,     /* 16..255: what service_info_t.caps lists */
    SERVICE_SLOT_FREE = 256,       /* 256..end: free, for the service's own allocator */
};

/* Its address space: the image at 0x400000 (lib/runtime/user.ld), then these. */
#define SERVICE_RESERVE_START    0x10000000ull /* vspace_reserve range, heap included */
#define SERVICE_RESERVE_END      0x70000000ull
#define SERVICE_INFO_VADDR       0x70000000ull /* this page, read-only */
#define SERVICE_IPC_BUFFER_VADDR 0x70001000ull
#define SERVICE_LOG_RING_VADDR   0x70010000ull /* its log ring, shared with the log service */
#define SERVICE_LOG_RING_PAGES   4
#define SERVICE_SHARED_VADDR     0x70100000ull /* further shared memory, as caps/args say */

#define SERVICE_INFO_MAGIC 0x6f666e6973766373ull /* "svcsinfo" */
#define SERVICE_NAME_BYTES 16
#define SERVICE_CAPS_MAX   32
#define SERVICE_ARGS_BYTES 512

/* Well-known service ids (badges); VMMs and others get ids from SERVICE_ID_DYNAMIC on. */
enum service_id {
    SERVICE_ID_INIT = 1,
    SERVICE_ID_LOG = 2,
    SERVICE_ID_TIME = 3,
    SERVICE_ID_DBG = 4,
    SERVICE_ID_VIRTIO = 5,   /* the machine's virtio devices, when it has some */
    SERVICE_ID_NETTEST = 13, /* the virtio network test, when the command line asks for it */
    SERVICE_ID_BLKTEST = 14, /* the virtio disk test, when the command line asks for it */
    SERVICE_ID_SVCTEST = 15, /* the services' test suite, when the command line asks for it */
    SERVICE_ID_DYNAMIC = 16,
    SERVICE_ID_MAX = 64,
};

typedef struct service_info {
    seL4_Uint64 magic;
    char name[SERVICE_NAME_BYTES]; /* NUL-terminated */
    seL4_Uint32 id;
    seL4_Uint32 restarts;       /* times init has restarted it */
    seL4_Uint64 tsc_hz;         /* the one clock of the system (boot info, checked by time) */
    seL4_Uint64 untyped_bits;   /* size of its untyped (log2 bytes) */
    seL4_Uint64 log_ring_bytes; /* 0: it has no log ring (the log service itself) */
    /* Service-specific capabilities: caps[i] is a slot in its CNode (0: none); each service's
     * header says what index i means. */
    seL4_Word caps[SERVICE_CAPS_MAX];
    /* Service-specific words and text (the service's header says what they mean). */
    seL4_Word words[16];
    char args[SERVICE_ARGS_BYTES];
} service_info_t;

_Static_assert(sizeof(service_info_t) <= 4096, "the start info fits one page");

/*
 * Defined by a service program instead of root_main: runs on the main thread once the runtime is
 * set up (TLS, IPC buffer, heap, log). Returning ends the service (init reports it).
 */
int service_main(const service_info_t *info);

/* The start info (valid once service_main runs; NULL in a root task). */
extern const service_info_t *runtime_service;

#endif
