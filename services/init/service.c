/*
 * Creating, starting, restarting and reporting services (service.h). All of a service's own
 * objects come from init's pool and live as long as init; what the service makes itself comes
 * from its untyped, which a restart revokes. A restart reloads the writable pages of the image,
 * empties its free slots and starts the thread afresh.
 */
#include "service.h"
#include "images.h"
#include "init.h"
#include "memory.h"
#include <algorithms/ringbuf.h>
#include <runtime/log.h>
#include <runtime/print.h>
#include <runtime/string.h>

#define PAGE_BYTES (1ull << seL4_PageBits)

static const elf_rules_t service_elf_rules = {
        .vaddr_min = 0x400000,
        .vaddr_max = SERVICE_RESERVE_START,
};

static seL4_Error make(seL4_Word type, seL4_Word bits, seL4_CPtr *cap)
{
    return alloc_object(memory_pool(), type, bits, cap);
}

/* A copy of cap in a fresh pool slot, minted with badge when badge is not 0. */
static seL4_CPtr init_copy(seL4_CPtr cap, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot;

    if (alloc_slot(memory_pool(), &slot) != seL4_NoError) {
        return 0;
    }
    seL4_Error error =
            badge != 0 ? seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, seL4_WordBits,
                                         seL4_CapInitThreadCNode, cap, seL4_WordBits, rights, badge)
                       : seL4_CNode_Copy(seL4_CapInitThreadCNode, slot, seL4_WordBits,
                                         seL4_CapInitThreadCNode, cap, seL4_WordBits, rights);
    return error == seL4_NoError ? slot : 0;
}

bool service_give(service_t *service, seL4_Word slot, seL4_CPtr cap, seL4_CapRights_t rights,
                  seL4_Word badge)
{
    seL4_Error error =
            badge != 0 ? seL4_CNode_Mint(service->cnode, slot, seL4_WordBits,
                                         seL4_CapInitThreadCNode, cap, seL4_WordBits, rights, badge)
                       : seL4_CNode_Copy(service->cnode, slot, seL4_WordBits,
                                         seL4_CapInitThreadCNode, cap, seL4_WordBits, rights);
    if (error != seL4_NoError) {
        printf("init: %s: cannot give it capability %lu at slot %lu (error %d)\n",
               service->spec->name, (unsigned long)cap, (unsigned long)slot, (int)error);
        return false;
    }
    return true;
}

bool service_give_device(service_t *service, unsigned index, seL4_CPtr cap, seL4_CapRights_t rights,
                         seL4_Word badge)
{
    seL4_Word slot = service->next_cap;

    if (index >= SERVICE_CAPS_MAX || slot >= SERVICE_SLOT_FREE ||
        !service_give(service, slot, cap, rights, badge)) {
        return false;
    }
    service->info->caps[index] = slot;
    service->next_cap = slot + 1;
    return true;
}

/* Maps a copy of init's frame into the service at vaddr with the segment's rights. */
static bool map_into_service(service_t *service, seL4_CPtr frame, seL4_Word vaddr, uint32_t flags)
{
    seL4_CPtr copy = init_copy(frame, seL4_AllRights, 0);
    seL4_CapRights_t rights = (flags & ELF_SEGMENT_WRITE) ? seL4_ReadWrite : seL4_CanRead;
    seL4_Word attributes = seL4_X86_Default_VMAttributes;

    if ((flags & ELF_SEGMENT_EXECUTE) == 0) {
        attributes |= seL4_X86_ExecuteNever;
    }
    return copy != 0 && vspace_map_frame(&service->vspace, copy, vaddr, rights, attributes,
                                         seL4_False) == seL4_NoError;
}

bool service_map_shared(service_t *service, const seL4_CPtr *frames, unsigned pages,
                        seL4_Word vaddr)
{
    for (unsigned i = 0; i < pages; i++) {
        if (!map_into_service(service, frames[i], vaddr + i * PAGE_BYTES,
                              ELF_SEGMENT_READ | ELF_SEGMENT_WRITE)) {
            printf("init: %s: cannot map shared memory at %#lx\n", service->spec->name,
                   (unsigned long)(vaddr + i * PAGE_BYTES));
            return false;
        }
    }
    return true;
}

/* A fresh frame, mapped in init (its address in *init_vaddr) and, as flags say, in the service. */
static seL4_CPtr shared_page(service_t *service, seL4_Word vaddr, uint32_t flags,
                             seL4_Word *init_vaddr)
{
    seL4_CPtr frame;
    void *mine;

    if (vspace_alloc_pages(memory_vspace(), 1, &mine, &frame) != seL4_NoError ||
        !map_into_service(service, frame, vaddr, flags)) {
        return 0;
    }
    *init_vaddr = (seL4_Word)mine;
    return frame;
}

/* The flags of the segments in the page at vaddr; with page not NULL, also what they put in it
 * (zero elsewhere). */
static uint32_t fill_page(const service_t *service, seL4_Word vaddr, uint8_t *page)
{
    uint32_t flags = 0;

    if (page != NULL) {
        memset(page, 0, PAGE_BYTES);
    }
    for (unsigned i = 0; i < service->elf.segment_count; i++) {
        const elf_segment_t *segment = &service->elf.segments[i];
        seL4_Word start = vaddr > segment->vaddr ? vaddr : segment->vaddr;
        seL4_Word end = segment->vaddr + segment->memory_size;
        seL4_Word file_end = segment->vaddr + segment->file_size;
        if (end > vaddr + PAGE_BYTES) {
            end = vaddr + PAGE_BYTES;
        }
        if (start >= end) {
            continue;
        }
        flags |= segment->flags;
        if (file_end > end) {
            file_end = end;
        }
        if (page != NULL && start < file_end) {
            memcpy(page + (start - vaddr),
                   service->image + segment->file_offset + (start - segment->vaddr),
                   file_end - start);
        }
    }
    return flags;
}

/*
 * The read-only page at vaddr of another service running the same image, if one is loaded:
 * its frame is mapped again instead of a copy (nothing writes it, a reset leaves it alone).
 * Every VMM runs one image: this is what lets 16 VMMs fit init's pool (docs/vmm.md).
 */
static const service_page_t *page_to_share(const service_t *service, seL4_Word vaddr)
{
    unsigned count;
    const service_t *services = init_services(&count);

    for (unsigned i = 0; i < count; i++) {
        const service_t *other = &services[i];
        if (other == service || other->image != service->image) {
            continue;
        }
        /* The same image has the same pages in the same order. */
        const service_page_t *page = &other->pages[service->page_count];
        if (service->page_count < other->page_count && page->vaddr == vaddr &&
            (page->flags & ELF_SEGMENT_WRITE) == 0) {
            return page;
        }
        return NULL;
    }
    return NULL;
}

static bool load_image(service_t *service)
{
    seL4_Word first = service->elf.vaddr_start & ~(PAGE_BYTES - 1);

    service->page_count = 0;
    for (seL4_Word vaddr = first; vaddr < service->elf.vaddr_end; vaddr += PAGE_BYTES) {
        service_page_t *page = &service->pages[service->page_count];
        uint32_t flags = fill_page(service, vaddr, NULL);
        if (flags == 0) {
            continue; /* a hole between segments */
        }
        if (service->page_count == SERVICE_IMAGE_PAGES_MAX) {
            printf("init: %s: image larger than %u pages\n", service->spec->name,
                   (unsigned)SERVICE_IMAGE_PAGES_MAX);
            return false;
        }
        const service_page_t *shared = page_to_share(service, vaddr);
        if (shared != NULL) {
            *page = *shared;
        } else {
            void *mine;
            if (vspace_alloc_pages(memory_vspace(), 1, &mine, &page->frame) != seL4_NoError) {
                return false;
            }
            page->init_vaddr = (seL4_Word)mine;
            page->vaddr = vaddr;
            page->flags = fill_page(service, vaddr, (uint8_t *)page->init_vaddr);
        }
        if (!map_into_service(service, page->frame, vaddr, page->flags)) {
            return false;
        }
        service->page_count++;
    }
    return true;
}

static unsigned cnode_bits(const service_spec_t *spec)
{
    return spec->cnode_bits != 0 ? spec->cnode_bits : SERVICE_CNODE_BITS;
}

/* A CNode too large for init's pool gets an untyped of its own, kept as long as init runs. */
static seL4_Error make_cnode(unsigned bits, seL4_CPtr *cap)
{
    unialloc_untyped_t untyped;

    if (bits <= SERVICE_CNODE_BITS) {
        return make(seL4_CapTableObject, bits, cap);
    }
    if (memory_untyped(bits + seL4_SlotBits, &untyped) != seL4_NoError ||
        alloc_slot(memory_pool(), cap) != seL4_NoError) {
        return seL4_NotEnoughMemory;
    }
    return seL4_Untyped_Retype(untyped.cap, seL4_CapTableObject, bits, seL4_CapInitThreadCNode, 0,
                               0, *cap, 1);
}

static bool make_objects(service_t *service)
{
    seL4_CPtr raw_cnode;
    unsigned bits = cnode_bits(service->spec);

    if (make_cnode(bits, &raw_cnode) != seL4_NoError ||
        make(seL4_TCBObject, 0, &service->tcb) != seL4_NoError ||
        make(seL4_X64_PML4Object, 0, &service->pml4) != seL4_NoError ||
        make(seL4_EndpointObject, 0, &service->endpoint) != seL4_NoError ||
        make(seL4_NotificationObject, 0, &service->notification) != seL4_NoError ||
        seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, service->pml4) != seL4_NoError ||
        memory_untyped(service->spec->memory_bits, &service->memory) != seL4_NoError) {
        printf("init: %s: out of memory for its objects\n", service->spec->name);
        return false;
    }
    service->cnode =
            init_copy(raw_cnode, seL4_AllRights, seL4_CNode_CapData_new(0, seL4_WordBits - bits));
    vspace_init(&service->vspace, service->pml4, memory_pool(), SERVICE_RESERVE_START,
                SERVICE_RESERVE_END);
    return service->cnode != 0;
}

static bool make_pages(service_t *service)
{
    seL4_Word mine;
    seL4_CPtr info = shared_page(service, SERVICE_INFO_VADDR, ELF_SEGMENT_READ, &mine);

    if (info == 0) {
        return false;
    }
    service->info = (service_info_t *)mine;
    service->ipc_frame = shared_page(service, SERVICE_IPC_BUFFER_VADDR,
                                     ELF_SEGMENT_READ | ELF_SEGMENT_WRITE, &mine);
    if (service->ipc_frame == 0) {
        return false;
    }
    service->log_ring = NULL;
    if (!service->spec->log_ring) {
        return true;
    }
    for (unsigned i = 0; i < SERVICE_LOG_RING_PAGES; i++) {
        service->log_ring_frames[i] = shared_page(service, SERVICE_LOG_RING_VADDR + i * PAGE_BYTES,
                                                  ELF_SEGMENT_READ | ELF_SEGMENT_WRITE, &mine);
        if (service->log_ring_frames[i] == 0) {
            return false;
        }
        if (i == 0) {
            service->log_ring = (void *)mine;
        } else if (mine != (seL4_Word)service->log_ring + i * PAGE_BYTES) {
            printf("init: %s: its log ring is not contiguous in init\n", service->spec->name);
            return false;
        }
    }
    ringbuf_t ring;
    return ringbuf_format(&ring, service->log_ring, SERVICE_LOG_RING_PAGES * PAGE_BYTES,
                          LOG_RING_CAPACITY) == ALG_OK;
}

static void write_info(service_t *service)
{
    service_info_t *info = service->info;
    const char *name = service->spec->name;

    info->magic = SERVICE_INFO_MAGIC;
    memset(info->name, 0, sizeof(info->name));
    for (size_t i = 0; name[i] != '\0' && i + 1 < sizeof(info->name); i++) {
        info->name[i] = name[i];
    }
    info->id = (seL4_Uint32)service->spec->id;
    info->restarts = (seL4_Uint32)service->restarts;
    info->tsc_hz = init_tsc_hz();
    info->untyped_bits = service->spec->memory_bits;
    info->log_ring_bytes = service->log_ring != NULL ? SERVICE_LOG_RING_PAGES * PAGE_BYTES : 0;
}

static bool give_fixed_caps(service_t *service)
{
    seL4_Word id = service->spec->id;

    return service_give(service, SERVICE_SLOT_TCB, service->tcb, seL4_AllRights, 0) &&
           service_give(service, SERVICE_SLOT_CNODE, service->cnode, seL4_AllRights, 0) &&
           service_give(service, SERVICE_SLOT_VSPACE, service->pml4, seL4_AllRights, 0) &&
           service_give(service, SERVICE_SLOT_UNTYPED, service->memory.cap, seL4_AllRights, 0) &&
           service_give(service, SERVICE_SLOT_ENDPOINT, service->endpoint, seL4_AllRights, 0) &&
           service_give(service, SERVICE_SLOT_NOTIFICATION, service->notification, seL4_AllRights,
                        0) &&
           service_give(service, SERVICE_SLOT_FAULT, init_endpoint(), seL4_AllRights,
                        ipc_fault_badge(id)) &&
           service_give(service, SERVICE_SLOT_INIT, init_endpoint(), seL4_AllRights, ipc_badge(id));
}

bool service_create(service_t *service, const service_spec_t *spec)
{
    const char *problem = NULL;

    memset(service, 0, sizeof(*service));
    service->spec = spec;
    service->state = INIT_SERVICE_CREATED;
    service->next_cap = SERVICE_SLOT_DEVICES;
    if (!images_find(spec->image != NULL ? spec->image : spec->name, &service->image,
                     &service->image_size)) {
        printf("init: %s: no image of it in init\n", spec->name);
        return false;
    }
    if (elf_parse(service->image, service->image_size, &service_elf_rules, &service->elf,
                  &problem) != ELF_OK) {
        printf("init: %s: its image is refused: %s\n", spec->name, problem);
        return false;
    }
    if (!make_objects(service) || !make_pages(service) || !load_image(service)) {
        const alloc_t *pool = memory_pool();
        printf("init: %s: cannot be set up: its objects, start pages or image (init's pool has "
               "%lu capability slots left)\n",
               spec->name, (unsigned long)(pool->slot_end - pool->slot_next));
        return false;
    }
    write_info(service);
    return give_fixed_caps(service);
}

bool service_start(service_t *service)
{
    seL4_UserContext context;
    seL4_Error error;

    memset(&context, 0, sizeof(context));
    context.rip = service->elf.entry;
    context.rdi = SERVICE_INFO_VADDR;
    context.rflags = 0x200;
    seL4_TCB_UnbindNotification(service->tcb); /* a restarted service may have left it bound */
    error = seL4_TCB_Configure(service->tcb, SERVICE_SLOT_FAULT, service->cnode, 0, service->pml4,
                               0, SERVICE_IPC_BUFFER_VADDR, service->ipc_frame);
    if (error == seL4_NoError) {
        seL4_Word mcp = service->spec->mcp != 0 ? service->spec->mcp : service->spec->priority;
        error = seL4_TCB_SetMCPriority(service->tcb, seL4_CapInitThreadTCB, mcp);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_SetPriority(service->tcb, seL4_CapInitThreadTCB, service->spec->priority);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_BindNotification(service->tcb, service->notification);
    }
    if (error == seL4_NoError) {
        error = seL4_TCB_WriteRegisters(service->tcb, seL4_True, 0, seL4_UserContext_Count,
                                        &context);
    }
    if (error != seL4_NoError) {
        printf("init: %s: cannot start it (error %d)\n", service->spec->name, (int)error);
        service->state = INIT_SERVICE_FAILED;
        return false;
    }
    service->state = INIT_SERVICE_RUNNING;
    return true;
}

/* Everything the service made goes; its own objects and pages are put back as at creation. */
bool service_reset(service_t *service)
{
    seL4_CNode_Revoke(seL4_CapInitThreadCNode, service->memory.cap, seL4_WordBits);
    for (seL4_Word slot = SERVICE_SLOT_FREE; slot < (1ull << cnode_bits(service->spec)); slot++) {
        seL4_CNode_Delete(service->cnode, slot, seL4_WordBits);
    }
    seL4_CNode_Delete(service->cnode, SERVICE_SLOT_UNTYPED, seL4_WordBits);
    if (!service_give(service, SERVICE_SLOT_UNTYPED, service->memory.cap, seL4_AllRights, 0)) {
        return false;
    }
    /* The service holds no capability to the frames or tables init mapped for it, so they are
     * all still in place: only what it could write is put back as the image has it. */
    for (unsigned i = 0; i < service->page_count; i++) {
        service_page_t *page = &service->pages[i];
        if (page->flags & ELF_SEGMENT_WRITE) {
            fill_page(service, page->vaddr, (uint8_t *)page->init_vaddr);
        }
    }
    service->restarts++;
    write_info(service);
    return true;
}

static const char *fault_name(seL4_Word label)
{
    switch (label) {
    case seL4_Fault_VMFault:
        return "page fault";
    case seL4_Fault_UserException:
        return "exception";
    case seL4_Fault_UnknownSyscall:
        return "unknown system call";
    case seL4_Fault_CapFault:
        return "capability fault";
    default:
        return "unknown fault";
    }
}

static void fault_report(const service_t *service, seL4_Word label, const seL4_Word *w,
                         seL4_Word length)
{
    log_printf(LOG_ERROR, "init: service %s: %s", service->spec->name, fault_name(label));
    if (label == seL4_Fault_VMFault && length >= seL4_VMFault_Length) {
        log_printf(LOG_ERROR, " at %#lx (error code %#lx)", (unsigned long)w[seL4_VMFault_Addr],
                   (unsigned long)w[seL4_VMFault_FSR]);
    } else if (label == seL4_Fault_UserException && length >= seL4_UserException_Length) {
        log_printf(LOG_ERROR, " %lu (error code %#lx)", (unsigned long)w[seL4_UserException_Number],
                   (unsigned long)w[seL4_UserException_Code]);
    } else if (label == seL4_Fault_UnknownSyscall && length >= seL4_UnknownSyscall_Length) {
        log_printf(LOG_ERROR, " %ld", (long)w[seL4_UnknownSyscall_Syscall]);
    } else if (label == seL4_Fault_CapFault && length >= seL4_CapFault_Length) {
        log_printf(LOG_ERROR, " at cptr %#lx", (unsigned long)w[seL4_CapFault_Addr]);
    }
    if (length < seL4_UserContext_Count) {
        log_printf(LOG_ERROR, " (no registers)\n");
        return;
    }
    log_printf(LOG_ERROR,
               "\ninit:   rip %#lx rsp %#lx rflags %#lx rax %#lx rbx %#lx rcx %#lx rdx %#lx\n"
               "init:   rsi %#lx rdi %#lx rbp %#lx r8 %#lx r9 %#lx r10 %#lx r11 %#lx\n"
               "init:   r12 %#lx r13 %#lx r14 %#lx r15 %#lx fs %#lx gs %#lx\n",
               (unsigned long)w[0], (unsigned long)w[1], (unsigned long)w[2], (unsigned long)w[3],
               (unsigned long)w[4], (unsigned long)w[5], (unsigned long)w[6], (unsigned long)w[7],
               (unsigned long)w[8], (unsigned long)w[9], (unsigned long)w[10], (unsigned long)w[11],
               (unsigned long)w[12], (unsigned long)w[13], (unsigned long)w[14],
               (unsigned long)w[15], (unsigned long)w[16], (unsigned long)w[17],
               (unsigned long)w[18], (unsigned long)w[19]);
}

void service_fault(service_t *service, seL4_Word label, const seL4_Word *words, seL4_Word length)
{
    service->faults++;
    seL4_TCB_Suspend(service->tcb);
    fault_report(service, label, words, length);
    if (service->spec->fault != NULL) {
        service->state = INIT_SERVICE_FAILED;
        service->spec->fault(service, label, words, length);
        return;
    }
    if (service->restarts >= SERVICE_RESTARTS_MAX) {
        service->state = INIT_SERVICE_FAILED;
        log_printf(LOG_ERROR, "init: service %s failed %lu times: left stopped\n",
                   service->spec->name, (unsigned long)service->faults);
        return;
    }
    service->state = INIT_SERVICE_RESTARTING;
    if (!service_reset(service) || !service_start(service)) {
        service->state = INIT_SERVICE_FAILED;
        log_printf(LOG_ERROR, "init: service %s could not be restarted\n", service->spec->name);
        return;
    }
    log_printf(LOG_WARN, "init: service %s restarted (%lu of %u)\n", service->spec->name,
               (unsigned long)service->restarts, SERVICE_RESTARTS_MAX);
    init_service_restarted(service);
}

bool service_crash(service_t *service)
{
    seL4_UserContext context;

    if (service->state != INIT_SERVICE_RUNNING ||
        seL4_TCB_ReadRegisters(service->tcb, seL4_True, 0, seL4_UserContext_Count, &context) !=
                seL4_NoError) {
        return false;
    }
    /* The next instruction fetch faults at 0, as a wild jump would. */
    context.rip = 0;
    return seL4_TCB_WriteRegisters(service->tcb, seL4_True, 0, seL4_UserContext_Count, &context) ==
           seL4_NoError;
}
