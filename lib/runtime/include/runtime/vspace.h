/*
 * Address-space helpers: mapping frames into a VSpace with the paging structures it is missing
 * created on the way, reserving virtual ranges, and sharing the program image with another
 * VSpace. Paging structures and frames come from an alloc_t; nothing is ever unmapped here.
 */
#ifndef RUNTIME_VSPACE_H
#define RUNTIME_VSPACE_H

#include <runtime/alloc.h>

typedef struct vspace {
    seL4_CPtr pml4; /* the VSpace root, a capability in the caller's CSpace */
    alloc_t *alloc; /* source of paging structures and frames */
    seL4_Word next; /* bump pointer of vspace_reserve */
    seL4_Word end;  /* end of the reservable range */
} vspace_t;

/* Where the runtime reserves ranges in a task's own VSpace, well above the image. */
#define VSPACE_RESERVE_START 0x10000000ull
#define VSPACE_RESERVE_END   0x80000000ull

void vspace_init(vspace_t *vspace, seL4_CPtr pml4, alloc_t *alloc, seL4_Word start, seL4_Word end);

/* Reserves bytes (a multiple of 4 KiB) aligned to align (a power of two >= 4 KiB). */
seL4_Error vspace_reserve(vspace_t *vspace, seL4_Word bytes, seL4_Word align, seL4_Word *vaddr);

/*
 * Maps frame (4 KiB, or 2 MiB when large) at vaddr, creating any missing PT, PD and PDPT from the
 * allocator. Returns the kernel's error for the frame mapping otherwise.
 */
seL4_Error vspace_map_frame(vspace_t *vspace, seL4_CPtr frame, seL4_Word vaddr,
                            seL4_CapRights_t rights, seL4_Word attributes, seL4_Bool large);

/* Allocates pages fresh 4 KiB frames and maps them read-write at vaddr; frames[i] gets page
 * i's capability when frames is not null. */
seL4_Error vspace_map_new_pages(vspace_t *vspace, seL4_Word vaddr, seL4_Word pages,
                                seL4_CPtr *frames);

/* Reserves and maps pages fresh read-write pages; returns their address. */
seL4_Error vspace_alloc_pages(vspace_t *vspace, seL4_Word pages, void **out, seL4_CPtr *frames);

/*
 * Maps copies of the root task's image frames (boot info userImageFrames) into another VSpace at
 * the image's own addresses, so threads there run the same code and share its data.
 * seL4_InvalidArgument if the frames do not cover exactly the linked image.
 */
seL4_Error vspace_share_image(vspace_t *target, const seL4_BootInfo *bootinfo);

/* Maps copies of frames[0..pages) at vaddr in target (read-write); copies[i] gets the copy of
 * frames[i] when copies is not null. */
seL4_Error vspace_share_pages(vspace_t *target, seL4_Word vaddr, const seL4_CPtr *frames,
                              seL4_Word pages, seL4_CPtr *copies);

#endif
