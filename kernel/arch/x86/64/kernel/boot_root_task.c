/*
 * The root task: its image copied out of the first boot module into fresh frames, its VSpace
 * (ASID 1 of the initial pool), its root CNode (2^13 slots, guard 52 so that depth-64 lookups
 * resolve in one level) with the initial capabilities, its TCB (priority and MCP 255), IPC
 * buffer, boot info and extra boot info pages, laid out as sel4/bootinfo.h says. Boot-only.
 */
#include <arch/boot_memory.h>
#include <arch/boot_section.h>
#include <arch/kernel/boot_elf.h>
#include <arch/kernel/boot_root_task.h>
#include <arch/object/asid.h>
#include <arch/object/vspace.h>
#include <arch/phys.h>
#include <arch/platform.h>
#include <arch/power.h>
#include <arch/tsc.h>
#include <kernel/console.h>
#include <kernel/printf.h>
#include <kernel/string.h>
#include <sel4/ipc_buffer.h>

#define ROOT_CNODE_SLOTS  BIT(seL4_RootCNodeSizeBits)
#define ROOT_ASID         1
#define ROOT_PRIORITY     seL4_MaxPrio
#define PAGE_BITS         seL4_PageBits
#define PAGE_BYTES        BIT(seL4_PageBits)
#define MERGED_RANGES_MAX ELF_SEGMENTS_MAX
/* Slots kept for paging-structure, extra boot info page and kernel log capabilities. */
#define BOOT_SLOTS_RESERVED 64

_Static_assert(sizeof(seL4_BootInfo) <= PAGE_BYTES, "the boot info fits one page");

typedef struct {
    vaddr_t start; /* page aligned */
    vaddr_t end;   /* page aligned, exclusive */
} page_range_t;

static boot_state_t boot;

BOOT_CODE void boot_fail(const char *what, const char *detail)
{
    kprintf("beaml4: boot error: %s%s%s\n", what, detail != NULL ? ": " : "",
            detail != NULL ? detail : "");
    machine_power_off(BOOT_FAILURE_EXIT_CODE);
}

BOOT_CODE static void *boot_alloc(word_t size, word_t align)
{
    void *memory = boot_memory_alloc(size, align);

    if (memory == NULL) {
        boot_fail("root task", "out of boot memory");
    }
    return memory;
}

BOOT_CODE static cte_t *boot_take_slot(void)
{
    if (boot.next_slot >= ROOT_CNODE_SLOTS) {
        boot_fail("root task", "root CNode full");
    }
    return &boot.cnode[boot.next_slot++];
}

/* The entry translating vaddr at the level of `shift`, creating missing tables (with caps). */
BOOT_CODE static pte_t *boot_entry(vaddr_t vaddr, unsigned shift)
{
    static const cap_type_t table_types[] = {CAP_PDPT, CAP_PAGE_DIRECTORY, CAP_PAGE_TABLE};
    pte_t *table = paging_table(boot.pml4);
    unsigned level = PML4_INDEX_SHIFT;
    unsigned depth = 0;

    while (level != shift) {
        pte_t *entry = &table[paging_index(vaddr, level)];
        if (!pte_is_present(*entry)) {
            void *memory = boot_alloc(PAGE_BYTES, PAGE_BYTES);
            cap_t cap = {.type = table_types[depth]};
            cap.u.table.paddr = phys_from_kernel_pointer(memory);
            cap.u.table.mapped_asid = ROOT_ASID;
            cap.u.table.mapped_vaddr = ALIGN_DOWN(vaddr, level);
            cte_insert_root(cap, boot_take_slot());
            *entry = cap.u.table.paddr | PTE_TABLE_FLAGS;
        }
        table = paging_table(pte_table_address(*entry));
        level -= PAGING_INDEX_BITS;
        depth++;
    }
    return &table[paging_index(vaddr, level)];
}

/* Map a 4 KiB frame and put its capability (recording the mapping) into slot. */
BOOT_CODE static void boot_map_frame(cte_t *slot, paddr_t paddr, vaddr_t vaddr, bool writable,
                                     bool executable)
{
    unsigned rights = CAP_RIGHT_READ | (writable ? CAP_RIGHT_WRITE : 0);
    cap_t cap = {.type = CAP_FRAME};

    *boot_entry(vaddr, PT_INDEX_SHIFT) =
            paddr | frame_pte_bits(rights, executable ? 0 : seL4_X86_ExecuteNever, false);
    cap.u.frame.paddr = paddr;
    cap.u.frame.size_bits = PAGE_BITS;
    cap.u.frame.rights = CAP_RIGHT_READ | CAP_RIGHT_WRITE;
    cap.u.frame.mapped_asid = ROOT_ASID;
    cap.u.frame.mapped_vaddr = vaddr;
    cte_insert_root(cap, slot);
}

/*
 * The kernel log page (kernel/console.h): an unmapped frame capability with the read right
 * only, so that no copy of it ever maps the page writable.
 */
BOOT_CODE static void create_kernel_log_cap(void)
{
    cap_t cap = {.type = CAP_FRAME};

    cap.u.frame.paddr = console_log_paddr();
    cap.u.frame.size_bits = PAGE_BITS;
    cap.u.frame.rights = CAP_RIGHT_READ;
    cap.u.frame.mapped_asid = ASID_INVALID;
    cap.u.frame.mapped_vaddr = 0;
    boot.kernel_log_slot = boot.next_slot;
    cte_insert_root(cap, boot_take_slot());
}

BOOT_CODE static unsigned merge_page_ranges(const elf_image_t *image, page_range_t *ranges)
{
    unsigned count = 0;

    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        page_range_t range = {ALIGN_DOWN(segment->vaddr, PAGE_BITS),
                              ALIGN_UP(segment->vaddr + segment->memory_size, PAGE_BITS)};
        unsigned at = count;
        while (at > 0 && ranges[at - 1].start > range.start) {
            ranges[at] = ranges[at - 1];
            at--;
        }
        ranges[at] = range;
        count++;
    }
    unsigned merged = 0;
    for (unsigned i = 0; i < count; i++) {
        if (merged > 0 && ranges[i].start <= ranges[merged - 1].end) {
            ranges[merged - 1].end = MAX(ranges[merged - 1].end, ranges[i].end);
        } else {
            ranges[merged++] = ranges[i];
        }
    }
    return merged;
}

/* Copy whatever parts of the segments fall into the page at vaddr; return their flags. */
BOOT_CODE static uint32_t fill_page(const elf_image_t *image, vaddr_t vaddr, uint8_t *frame)
{
    uint32_t flags = 0;

    for (unsigned i = 0; i < image->segment_count; i++) {
        const elf_segment_t *segment = &image->segments[i];
        vaddr_t start = MAX(vaddr, segment->vaddr);
        vaddr_t end = MIN(vaddr + PAGE_BYTES, segment->vaddr + segment->memory_size);
        vaddr_t file_end = MIN(end, segment->vaddr + segment->file_size);
        if (start >= end) {
            continue;
        }
        flags |= segment->flags;
        if (start < file_end) {
            memcpy(frame + (start - vaddr),
                   image->bytes + segment->file_offset + (start - segment->vaddr),
                   file_end - start);
        }
    }
    return flags;
}

/* Load the image; returns the end of its highest page. */
BOOT_CODE static vaddr_t load_image(const elf_image_t *image)
{
    page_range_t ranges[MERGED_RANGES_MAX];
    unsigned range_count = merge_page_ranges(image, ranges);
    word_t pages = 0;
    word_t frame_slot;
    vaddr_t top = 0;

    for (unsigned i = 0; i < range_count; i++) {
        pages += (ranges[i].end - ranges[i].start) >> PAGE_BITS;
    }
    /* One slot per image page; keep room for the paging caps, extra pages, the modules' untypeds
     * and the other untypeds. */
    if (seL4_NumInitialCaps + pages + BOOT_SLOTS_RESERVED + boot_modules_slot_count() +
                seL4_MaxBootInfoUntypedCaps >
        ROOT_CNODE_SLOTS) {
        boot_fail("root task image", "more pages than the root CNode has slots for");
    }
    frame_slot = boot.next_slot;
    boot.info->userImageFrames = (seL4_SlotRegion){frame_slot, frame_slot + pages};
    boot.next_slot += pages;
    boot.info->userImagePaging.start = boot.next_slot;
    for (unsigned i = 0; i < range_count; i++) {
        word_t bytes = ranges[i].end - ranges[i].start;
        uint8_t *frames = boot_alloc(bytes, PAGE_BYTES);
        for (word_t offset = 0; offset < bytes; offset += PAGE_BYTES) {
            vaddr_t vaddr = ranges[i].start + offset;
            uint32_t flags = fill_page(image, vaddr, frames + offset);
            boot_map_frame(&boot.cnode[frame_slot++], phys_from_kernel_pointer(frames + offset),
                           vaddr, (flags & ELF_SEGMENT_WRITE) != 0,
                           (flags & ELF_SEGMENT_EXECUTE) != 0);
        }
        top = MAX(top, ranges[i].end);
    }
    return top;
}

BOOT_CODE static void create_fixed_caps(void)
{
    cap_t cap = cap_null();
    asid_pool_t *pool = boot_alloc(PAGE_BYTES, PAGE_BYTES);

    cap.type = CAP_CNODE;
    cap.u.cnode.slots = boot.cnode;
    cap.u.cnode.radix = seL4_RootCNodeSizeBits;
    cap.u.cnode.guard_size = seL4_WordBits - seL4_RootCNodeSizeBits;
    cap.u.cnode.guard = 0;
    cte_insert_root(cap, &boot.cnode[seL4_CapInitThreadCNode]);

    cap = cap_null();
    cap.type = CAP_PML4;
    cap.u.pml4.paddr = boot.pml4;
    cap.u.pml4.asid = ROOT_ASID;
    cte_insert_root(cap, &boot.cnode[seL4_CapInitThreadVSpace]);

    asid_pool_install(0, pool);
    asid_assign(pool, ROOT_ASID, boot.pml4);
    cap = cap_null();
    cap.type = CAP_ASID_POOL;
    cap.u.asid_pool.pool = pool;
    cap.u.asid_pool.asid_base = 0;
    cte_insert_root(cap, &boot.cnode[seL4_CapInitThreadASIDPool]);

    cte_insert_root((cap_t){.type = CAP_IRQ_CONTROL}, &boot.cnode[seL4_CapIRQControl]);
    cte_insert_root((cap_t){.type = CAP_ASID_CONTROL}, &boot.cnode[seL4_CapASIDControl]);
    cte_insert_root((cap_t){.type = CAP_IO_PORT_CONTROL}, &boot.cnode[seL4_CapIOPortControl]);
    cte_insert_root((cap_t){.type = CAP_DOMAIN}, &boot.cnode[seL4_CapDomain]);
}

BOOT_CODE static tcb_t *create_thread(vaddr_t entry, vaddr_t ipc_buffer, vaddr_t info)
{
    tcb_t *tcb = boot_alloc(PAGE_BYTES, PAGE_BYTES);
    cap_t cap = {.type = CAP_THREAD};
    static const char name[] = "rootserver";

    tcb_init(tcb);
    cap.u.thread.tcb = tcb;
    cte_insert_root(cap, &boot.cnode[seL4_CapInitThreadTCB]);
    cte_insert(boot.cnode[seL4_CapInitThreadCNode].cap, &boot.cnode[seL4_CapInitThreadCNode],
               tcb_slot(tcb, TCB_SLOT_CTABLE));
    cte_insert(boot.cnode[seL4_CapInitThreadVSpace].cap, &boot.cnode[seL4_CapInitThreadVSpace],
               tcb_slot(tcb, TCB_SLOT_VTABLE));
    cte_insert(boot.cnode[seL4_CapInitThreadIPCBuffer].cap,
               &boot.cnode[seL4_CapInitThreadIPCBuffer], tcb_slot(tcb, TCB_SLOT_BUFFER));
    tcb->ipc_buffer = ipc_buffer;
    tcb->priority = ROOT_PRIORITY;
    tcb->mcp = ROOT_PRIORITY;
    arch_set_reg(&tcb->arch, REG_RIP, entry);
    arch_set_reg(&tcb->arch, REG_RDI, info);
    tcb->arch.fault_ip = entry;
    tcb->state = THREAD_RUNNING;
    memcpy(tcb->name, name, sizeof(name));
    return tcb;
}

BOOT_CODE static const elf_image_t *root_image(void)
{
    static elf_image_t image;
    const boot_params_t *params = platform_boot_params();
    const boot_module_t *module;
    const uint8_t *bytes;
    const char *problem;

    if (params->module_count == 0) {
        boot_fail("root task", "no boot module (the first module is the root task's ELF image)");
    }
    module = &params->modules[0];
    bytes = phys_map(module->start, module->end - module->start);
    if (bytes == NULL) {
        boot_fail("root task", "module outside the kernel window");
    }
    problem = elf_parse(bytes, module->end - module->start, &image);
    if (problem != NULL) {
        boot_fail("root task image", problem);
    }
    return &image;
}

BOOT_CODE tcb_t *root_task_create(void)
{
    const elf_image_t *image = root_image();
    word_t extra_size = boot_extra_info_size();
    word_t extra_pages = ALIGN_UP(extra_size, PAGE_BITS) >> PAGE_BITS;
    vaddr_t image_end;
    vaddr_t ipc_vaddr;
    vaddr_t info_vaddr;
    uint8_t *extra;
    void *ipc_frame;
    tcb_t *tcb;

    boot.cnode = boot_alloc(ROOT_CNODE_SLOTS * sizeof(cte_t), ROOT_CNODE_SLOTS * sizeof(cte_t));
    boot.next_slot = seL4_NumInitialCaps;
    boot.pml4 = phys_from_kernel_pointer(boot_alloc(PAGE_BYTES, PAGE_BYTES));
    vspace_init_pml4(boot.pml4);
    boot.info = boot_alloc(PAGE_BYTES, PAGE_BYTES);

    image_end = load_image(image);
    ipc_vaddr = image_end;
    info_vaddr = ipc_vaddr + PAGE_BYTES;
    if (!vspace_user_range_valid(ipc_vaddr, (2 + extra_pages) * PAGE_BYTES)) {
        boot_fail("root task image", "no room for the IPC buffer and boot info after it");
    }
    ipc_frame = boot_alloc(PAGE_BYTES, PAGE_BYTES);
    boot_map_frame(&boot.cnode[seL4_CapInitThreadIPCBuffer], phys_from_kernel_pointer(ipc_frame),
                   ipc_vaddr, true, false);
    boot_map_frame(&boot.cnode[seL4_CapBootInfoFrame], phys_from_kernel_pointer(boot.info),
                   info_vaddr, false, false);
    extra = boot_alloc(extra_pages * PAGE_BYTES, PAGE_BYTES);
    for (word_t i = 0; i < extra_pages; i++) {
        /* Paging caps for these pages land before the extra pages' own caps. */
        (void)boot_entry(info_vaddr + (i + 1) * PAGE_BYTES, PT_INDEX_SHIFT);
    }
    boot.info->userImagePaging.end = boot.next_slot;
    boot.info->extraBIPages.start = boot.next_slot;
    for (word_t i = 0; i < extra_pages; i++) {
        boot_map_frame(boot_take_slot(), phys_from_kernel_pointer(extra + i * PAGE_BYTES),
                       info_vaddr + (i + 1) * PAGE_BYTES, false, false);
    }
    boot.info->extraBIPages.end = boot.next_slot;
    create_kernel_log_cap();
    boot_modules_create(&boot);
    boot_extra_info_write(&boot, extra, extra_size);

    create_fixed_caps();
    tcb = create_thread(image->entry, ipc_vaddr, info_vaddr);

    boot.info->extraLen = extra_size;
    boot.info->nodeID = 0;
    boot.info->numNodes = 1;
    boot.info->numIOPTLevels = 0;
    boot.info->ipcBuffer = (struct seL4_IPCBuffer *)ipc_vaddr;
    boot.info->initThreadCNodeSizeBits = seL4_RootCNodeSizeBits;
    boot.info->initThreadDomain = 0;

    boot_memory_release_boot_data();
    boot_create_untypeds(&boot);
    boot.info->empty = (seL4_SlotRegion){boot.next_slot, ROOT_CNODE_SLOTS};
    return tcb;
}

BOOT_CODE void boot_record_root_task_start(void)
{
    if (boot.times != NULL) {
        boot.times->rootTaskTSC = tsc_read();
    }
}
