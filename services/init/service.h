/*
 * The services init starts, keeps and restarts. A service is a program embedded in init (see
 * images.h) run in a CSpace, VSpace and thread of its own, with exactly the capabilities its
 * specification lists (docs/services.md has the table). init is the fault handler of every
 * service: a fault is reported (name, fault, registers) and the service restarted, at most
 * SERVICE_RESTARTS_MAX times; after that it stays stopped and is reported as failed.
 */
#ifndef INIT_SERVICE_H
#define INIT_SERVICE_H

#include <algorithms/unialloc.h>
#include <elf/elf.h>
#include <ipc/init.h>
#include <runtime/service.h>
#include <runtime/vspace.h>

#define SERVICE_RESTARTS_MAX    3
#define SERVICE_IMAGE_PAGES_MAX 512
#define SERVICES_MAX            24 /* 8 built in, and one VMM per VM */

struct service;

/* What a service is: set once, in main.c's table. */
typedef struct service_spec {
    const char *name;
    seL4_Word id;
    seL4_Word priority;
    seL4_Word mcp;         /* the highest priority it may give its own threads (0: its priority) */
    unsigned memory_bits;  /* its untyped */
    bool log_ring;         /* it logs through a ring (everyone but the log service) */
    const char *only_with; /* started only when the kernel command line has this word */
    bool (*wanted)(void);  /* started only when this says so (NULL: always) */
    const char *image;     /* the embedded image it runs (NULL: the one named as it is) */
    unsigned cnode_bits;   /* its CNode's size (0: SERVICE_CNODE_BITS); larger ones get an
                            * untyped of their own */
    /* Called instead of a restart when it faults (may be NULL); it stays stopped. */
    void (*fault)(struct service *service, seL4_Word label, const seL4_Word *words,
                  seL4_Word length);
    /* Puts its devices and other service-specific capabilities in place (may be NULL). */
    bool (*wire)(struct service *service);
} service_spec_t;

typedef struct service_page {
    seL4_CPtr frame; /* init's capability (mapped in init at init_vaddr) */
    seL4_Word init_vaddr;
    seL4_Word vaddr; /* in the service */
    uint32_t flags;  /* ELF_SEGMENT_* of what lies in it */
} service_page_t;

typedef struct service {
    const service_spec_t *spec;
    enum init_service_state state;
    seL4_Word restarts;
    seL4_Word faults;
    const uint8_t *image; /* its ELF in init's image */
    size_t image_size;
    elf_image_t elf;
    /* Its objects, as init's capabilities. */
    seL4_CPtr cnode; /* guarded: a cptr below 2^SERVICE_CNODE_BITS is a slot index */
    seL4_CPtr tcb;
    seL4_CPtr pml4;
    seL4_CPtr endpoint;
    seL4_CPtr notification;
    seL4_CPtr ipc_frame;
    unialloc_untyped_t memory;
    vspace_t vspace;
    service_info_t *info; /* init's writable view of its start info */
    void *log_ring;       /* init's view of its log ring (NULL: none) */
    seL4_CPtr log_ring_frames[SERVICE_LOG_RING_PAGES];
    service_page_t pages[SERVICE_IMAGE_PAGES_MAX];
    unsigned page_count;
    seL4_Word next_cap; /* next free slot of SERVICE_SLOT_DEVICES.. */
} service_t;

/* Makes the service's objects and loads its image (not started). */
bool service_create(service_t *service, const service_spec_t *spec);

/* Copies cap (an init capability) into the service's CNode at slot, with rights, minted with
 * badge when badge is not 0. */
bool service_give(service_t *service, seL4_Word slot, seL4_CPtr cap, seL4_CapRights_t rights,
                  seL4_Word badge);

/* Gives cap as the next device capability: info->caps[index] names the slot. */
bool service_give_device(service_t *service, unsigned index, seL4_CPtr cap, seL4_CapRights_t rights,
                         seL4_Word badge);

/* Maps copies of init's frames (pages of them) into the service at vaddr, read-write and not
 * executable: memory it shares with init or another service. */
bool service_map_shared(service_t *service, const seL4_CPtr *frames, unsigned pages,
                        seL4_Word vaddr);

/* Everything the service made goes (its untyped is revoked, its free slots emptied) and its
 * image's writable pages are written again; its devices stay. Then service_start again. */
bool service_reset(service_t *service);

/* Starts it (first start or restart: registers, bound notification, resume). */
bool service_start(service_t *service);

/*
 * A fault arrived from the service's thread: reports it and restarts the service (or marks it
 * failed). label and words are the fault message.
 */
void service_fault(service_t *service, seL4_Word label, const seL4_Word *words, seL4_Word length);

/* Makes the service fault (operator request): its thread is sent to address 0. */
bool service_crash(service_t *service);

#endif
