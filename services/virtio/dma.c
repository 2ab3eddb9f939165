/*
 * Device-visible pages (dma.h): seL4_X86_Page_GetAddress on a frame the service made.
 */
#include "dma.h"
#include <runtime/start.h>
#include <runtime/vspace.h>

bool dma_page_alloc(uintptr_t *vaddr, uint64_t *paddr)
{
    void *page;
    seL4_CPtr frame;

    if (vspace_alloc_pages(&runtime_vspace, 1, &page, &frame) != seL4_NoError) {
        return false;
    }
    seL4_X86_Page_GetAddress_t address = seL4_X86_Page_GetAddress(frame);
    *vaddr = (uintptr_t)page;
    *paddr = address.paddr;
    return address.error == seL4_NoError;
}
