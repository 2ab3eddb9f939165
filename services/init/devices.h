/*
 * Handing hardware to services: I/O port ranges, IRQ handlers that signal a service's
 * notification with a given bit, and frames of device memory. Each call makes the capability
 * in init's CSpace and gives it to the service as its next device capability (service.h).
 */
#ifndef INIT_DEVICES_H
#define INIT_DEVICES_H

#include "service.h"

bool devices_give_ports(service_t *service, unsigned index, seL4_Word first, seL4_Word last);
bool devices_give_irq(service_t *service, unsigned index, seL4_Word irq, seL4_Word bit);
/* An MSI of the PCI function bus:device.function, delivered as IRQ irq (vector 0x30 + irq). */
bool devices_give_msi(service_t *service, unsigned index, const uint8_t pci[3], seL4_Word irq,
                      seL4_Word bit);
bool devices_give_frame(service_t *service, unsigned index, seL4_Word paddr);

#endif
