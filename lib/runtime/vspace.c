/*
 * Mapping with on-demand paging structures: a map that fails with seL4_FailedLookup is retried
 * after mapping the next structure up, recursively up to the PDPT. It never unmaps or deletes.
 */
#include <runtime/vspace.h>

extern char __image_start[];
extern char __image_end[];

void vspace_init(vspace_t *vspace, seL4_CPtr pml4, alloc_t *alloc, seL4_Word start, seL4_Word end)
{
    vspace->pml4 = pml4;
    vspace->alloc = alloc;
    vspace->next = start;
    vspace->end = end;
}

seL4_Error vspace_reserve(vspace_t *vspace, seL4_Word bytes, seL4_Word align, seL4_Word *vaddr)
{
    seL4_Word start = (vspace->next + align - 1) & ~(align - 1);

    if ((bytes & (seL4_Word)((1u << seL4_PageBits) - 1)) != 0 || start < vspace->next ||
        start + bytes > vspace->end || start + bytes < start) {
        return seL4_RangeError;
    }
    vspace->next = start + bytes;
    *vaddr = start;
    return seL4_NoError;
}

/* Paging structure levels, from the one right above a 4 KiB frame. */
enum { LEVEL_PT, LEVEL_PD, LEVEL_PDPT, LEVEL_COUNT };

static seL4_Error vspace_map_level(vspace_t *vspace, int level, seL4_Word vaddr)
{
    static const seL4_Word types[LEVEL_COUNT] = {seL4_X86_PageTableObject,
                                                 seL4_X86_PageDirectoryObject, seL4_X86_PDPTObject};
    seL4_CPtr cap;
    seL4_Error error = alloc_object(vspace->alloc, types[level], 0, &cap);

    if (error != seL4_NoError) {
        return error;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        switch (level) {
        case LEVEL_PT:
            error = seL4_X86_PageTable_Map(cap, vspace->pml4, vaddr, seL4_X86_Default_VMAttributes);
            break;
        case LEVEL_PD:
            error = seL4_X86_PageDirectory_Map(cap, vspace->pml4, vaddr,
                                               seL4_X86_Default_VMAttributes);
            break;
        default:
            error = seL4_X86_PDPT_Map(cap, vspace->pml4, vaddr, seL4_X86_Default_VMAttributes);
            break;
        }
        if (error != seL4_FailedLookup || level + 1 >= LEVEL_COUNT || attempt > 0) {
            return error;
        }
        error = vspace_map_level(vspace, level + 1, vaddr);
        if (error != seL4_NoError) {
            return error;
        }
    }
    return error;
}

seL4_Error vspace_map_frame(vspace_t *vspace, seL4_CPtr frame, seL4_Word vaddr,
                            seL4_CapRights_t rights, seL4_Word attributes, seL4_Bool large)
{
    seL4_Error error = seL4_X86_Page_Map(frame, vspace->pml4, vaddr, rights,
                                         (seL4_X86_VMAttributes)attributes);

    if (error != seL4_FailedLookup) {
        return error;
    }
    error = vspace_map_level(vspace, large ? LEVEL_PD : LEVEL_PT, vaddr);
    if (error != seL4_NoError) {
        return error;
    }
    return seL4_X86_Page_Map(frame, vspace->pml4, vaddr, rights, (seL4_X86_VMAttributes)attributes);
}

seL4_Error vspace_map_new_pages(vspace_t *vspace, seL4_Word vaddr, seL4_Word pages,
                                seL4_CPtr *frames)
{
    for (seL4_Word i = 0; i < pages; i++) {
        seL4_CPtr frame;
        seL4_Error error = alloc_object(vspace->alloc, seL4_X86_4K, 0, &frame);
        if (error != seL4_NoError) {
            return error;
        }
        error = vspace_map_frame(vspace, frame, vaddr + (i << seL4_PageBits), seL4_ReadWrite,
                                 seL4_X86_Default_VMAttributes, seL4_False);
        if (error != seL4_NoError) {
            return error;
        }
        if (frames != NULL) {
            frames[i] = frame;
        }
    }
    return seL4_NoError;
}

seL4_Error vspace_alloc_pages(vspace_t *vspace, seL4_Word pages, void **out, seL4_CPtr *frames)
{
    seL4_Word vaddr;
    seL4_Error error = vspace_reserve(vspace, pages << seL4_PageBits, 1u << seL4_PageBits, &vaddr);

    if (error != seL4_NoError) {
        return error;
    }
    error = vspace_map_new_pages(vspace, vaddr, pages, frames);
    if (error == seL4_NoError) {
        *out = (void *)vaddr;
    }
    return error;
}

seL4_Error vspace_share_pages(vspace_t *target, seL4_Word vaddr, const seL4_CPtr *frames,
                              seL4_Word pages, seL4_CPtr *copies)
{
    alloc_t *alloc = target->alloc;

    for (seL4_Word i = 0; i < pages; i++) {
        seL4_CPtr copy;
        seL4_Error error = alloc_slot(alloc, &copy);
        if (error != seL4_NoError) {
            return error;
        }
        error = seL4_CNode_Copy(alloc->cnode, copy, seL4_WordBits, alloc->cnode, frames[i],
                                seL4_WordBits, seL4_AllRights);
        if (error != seL4_NoError) {
            return error;
        }
        error = vspace_map_frame(target, copy, vaddr + (i << seL4_PageBits), seL4_AllRights,
                                 seL4_X86_Default_VMAttributes, seL4_False);
        if (error != seL4_NoError) {
            return error;
        }
        if (copies != NULL) {
            copies[i] = copy;
        }
    }
    return seL4_NoError;
}

seL4_Error vspace_share_image(vspace_t *target, const seL4_BootInfo *bootinfo)
{
    seL4_Word start = (seL4_Word)__image_start;
    seL4_Word pages = ((seL4_Word)__image_end - start) >> seL4_PageBits;
    seL4_Word frames = bootinfo->userImageFrames.end - bootinfo->userImageFrames.start;
    seL4_CPtr frame_caps[64];

    if (frames != pages) {
        return seL4_InvalidArgument;
    }
    for (seL4_Word done = 0; done < pages;) {
        seL4_Word batch = pages - done;
        if (batch > 64) {
            batch = 64;
        }
        for (seL4_Word i = 0; i < batch; i++) {
            frame_caps[i] = bootinfo->userImageFrames.start + done + i;
        }
        seL4_Error error = vspace_share_pages(target, start + (done << seL4_PageBits), frame_caps,
                                              batch, NULL);
        if (error != seL4_NoError) {
            return error;
        }
        done += batch;
    }
    return seL4_NoError;
}
