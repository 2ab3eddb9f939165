/*
 * Boot modules as frames for VMMs (vm_modules.h). The kernel hands a module over as device
 * untypeds covering its pages, cut as the kernel cuts every range: naturally aligned blocks,
 * each as large as the address's alignment and the rest of the range allow. Frames retyped from
 * them keep the module's bytes (device memory is never zeroed).
 */
#include "vm_modules.h"
#include "memory.h"
#include <runtime/bootinfo.h>
#include <runtime/print.h>
#include <runtime/start.h>
#include <runtime/string.h>

#define PAGE_BYTES   (1ull << seL4_PageBits)
#define RETYPE_BATCH 256 /* the kernel's most objects per Retype */

typedef struct module_frames {
    seL4_CPtr cnode; /* init's capability, guarded: slot i holds page i's frame (0: not made) */
    seL4_Word pages;
    bool refused; /* tried once and failed: not tried again */
} module_frames_t;

static module_frames_t frames[seL4_MaxBootModules];

static const seL4_BootModule *module_get(size_t module)
{
    const seL4_BootModules *modules =
            bootinfo_find_extra(runtime_bootinfo, seL4_BootInfo_Modules, NULL);

    if (modules == NULL || module >= modules->count || module >= seL4_MaxBootModules) {
        return NULL;
    }
    return &modules->modules[module];
}

seL4_Word vm_modules_pages(size_t module)
{
    const seL4_BootModule *m = module_get(module);

    if (m == NULL || m->untypeds.start == m->untypeds.end) {
        return 0;
    }
    return (m->size + PAGE_BYTES - 1) >> seL4_PageBits;
}

/* The kernel's cut of [start, end) (both page aligned): the block that begins at start. */
static unsigned block_bits(seL4_Word start, seL4_Word end)
{
    unsigned bits = 63u - (unsigned)__builtin_clzll(end - start);

    if (start != 0 && (unsigned)__builtin_ctzll(start) < bits) {
        bits = (unsigned)__builtin_ctzll(start);
    }
    return bits;
}

static unsigned log2_ceil(seL4_Word value)
{
    unsigned bits = 0;

    while ((1ull << bits) < value) {
        bits++;
    }
    return bits;
}

/* A CNode of 2^bits slots from an untyped of its own, guarded for one-level lookups. */
static seL4_CPtr module_cnode(unsigned bits)
{
    unialloc_untyped_t untyped;
    seL4_CPtr raw;
    seL4_CPtr guarded;

    if (memory_untyped(bits + seL4_SlotBits, &untyped) != seL4_NoError ||
        alloc_slot(memory_pool(), &raw) != seL4_NoError ||
        alloc_slot(memory_pool(), &guarded) != seL4_NoError ||
        seL4_Untyped_Retype(untyped.cap, seL4_CapTableObject, bits, seL4_CapInitThreadCNode, 0, 0,
                            raw, 1) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, guarded, seL4_WordBits, seL4_CapInitThreadCNode,
                        raw, seL4_WordBits, seL4_AllRights,
                        seL4_CNode_CapData_new(0, seL4_WordBits - bits)) != seL4_NoError) {
        return 0;
    }
    return guarded;
}

/* Retypes every untyped of the module into its 4 KiB frames, in address order. */
static bool module_retype(const seL4_BootModule *m, seL4_CPtr cnode, seL4_Word pages)
{
    seL4_Word start = m->paddr;
    seL4_Word end = m->paddr + (pages << seL4_PageBits);
    seL4_Word done = 0;

    for (seL4_Word slot = m->untypeds.start; slot < m->untypeds.end; slot++) {
        if (start >= end) {
            return false;
        }
        unsigned bits = block_bits(start, end);
        seL4_Word count = 1ull << (bits - seL4_PageBits);
        for (seL4_Word at = 0; at < count; at += RETYPE_BATCH) {
            seL4_Word batch = count - at < RETYPE_BATCH ? count - at : RETYPE_BATCH;
            if (seL4_Untyped_Retype(slot, seL4_X86_4K, 0, seL4_CapInitThreadCNode, cnode,
                                    seL4_WordBits, done + at, batch) != seL4_NoError) {
                return false;
            }
        }
        done += count;
        start += 1ull << bits;
    }
    return start == end && done == pages;
}

static bool module_make(size_t module)
{
    module_frames_t *f = &frames[module];
    const seL4_BootModule *m = module_get(module);
    seL4_Word pages = vm_modules_pages(module);

    if (f->cnode != 0) {
        return true;
    }
    if (f->refused || m == NULL || pages == 0) {
        return false;
    }
    unsigned bits = log2_ceil(pages);
    /* At least a page of slots: the allocator hands out nothing smaller. */
    f->cnode = module_cnode(bits > seL4_PageBits - seL4_SlotBits ? bits
                                                                 : seL4_PageBits - seL4_SlotBits);
    if (f->cnode == 0 || !module_retype(m, f->cnode, pages)) {
        printf("init: module %zu: its pages cannot be made into frames\n", module);
        f->cnode = 0;
        f->refused = true;
        return false;
    }
    f->pages = pages;
    return true;
}

bool vm_modules_give(service_t *vmm, size_t module, seL4_Word first_slot, const char *name,
                     vmm_module_t *out)
{
    const seL4_BootModule *m = module_get(module);

    if (!module_make(module)) {
        return false;
    }
    for (seL4_Word i = 0; i < frames[module].pages; i++) {
        if (seL4_CNode_Copy(vmm->cnode, first_slot + i, seL4_WordBits, frames[module].cnode, i,
                            seL4_WordBits, seL4_CanRead) != seL4_NoError) {
            printf("init: %s: cannot give it page %lu of module %zu\n", vmm->spec->name,
                   (unsigned long)i, module);
            return false;
        }
    }
    out->first_slot = first_slot;
    out->pages = frames[module].pages;
    out->size = m->size;
    memset(out->name, 0, sizeof(out->name));
    for (size_t i = 0; name[i] != '\0' && i + 1 < sizeof(out->name); i++) {
        out->name[i] = name[i];
    }
    return true;
}
