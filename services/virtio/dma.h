/*
 * Memory the devices read and write: pages of the service's own untyped, with the physical
 * address the kernel says each has (there is no IOMMU: the device sees physical addresses).
 */
#ifndef VIRTIO_DMA_H
#define VIRTIO_DMA_H

#include <stdbool.h>
#include <stdint.h>

/* A fresh page mapped at *vaddr; *paddr the address a device uses for it. */
bool dma_page_alloc(uintptr_t *vaddr, uint64_t *paddr);

#endif
