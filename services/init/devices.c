/*
 * Devices for services (devices.h). The capabilities stay in init's CSpace too, so that init can
 * take them back by deleting its copy when the service goes away for good.
 */
#include "devices.h"
#include "memory.h"
#include <runtime/print.h>

bool devices_give_ports(service_t *service, unsigned index, seL4_Word first, seL4_Word last)
{
    seL4_CPtr slot;

    if (alloc_slot(memory_pool(), &slot) != seL4_NoError ||
        seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, seL4_CapInitThreadCNode,
                                     slot, seL4_WordBits) != seL4_NoError) {
        printf("init: %s: cannot issue ports %#lx-%#lx\n", service->spec->name,
               (unsigned long)first, (unsigned long)last);
        return false;
    }
    return service_give_device(service, index, slot, seL4_AllRights, 0);
}

/* The handler (already issued into slot `handler`) signals the service's notification with bit. */
static bool devices_route(service_t *service, unsigned index, seL4_CPtr handler, seL4_Word irq,
                          seL4_Word bit)
{
    seL4_CPtr signal;

    if (alloc_slot(memory_pool(), &signal) != seL4_NoError ||
        seL4_CNode_Mint(seL4_CapInitThreadCNode, signal, seL4_WordBits, seL4_CapInitThreadCNode,
                        service->notification, seL4_WordBits, seL4_AllRights,
                        bit) != seL4_NoError ||
        seL4_IRQHandler_SetNotification(handler, signal) != seL4_NoError) {
        printf("init: %s: cannot route IRQ %lu to it\n", service->spec->name, (unsigned long)irq);
        return false;
    }
    return service_give_device(service, index, handler, seL4_AllRights, 0);
}

bool devices_give_irq(service_t *service, unsigned index, seL4_Word irq, seL4_Word bit)
{
    seL4_CPtr handler;

    if (alloc_slot(memory_pool(), &handler) != seL4_NoError ||
        seL4_IRQControl_Get(seL4_CapIRQControl, irq, seL4_CapInitThreadCNode, handler,
                            seL4_WordBits) != seL4_NoError) {
        printf("init: %s: cannot route IRQ %lu to it\n", service->spec->name, (unsigned long)irq);
        return false;
    }
    return devices_route(service, index, handler, irq, bit);
}

bool devices_give_msi(service_t *service, unsigned index, const uint8_t pci[3], seL4_Word irq,
                      seL4_Word bit)
{
    seL4_CPtr handler;

    if (alloc_slot(memory_pool(), &handler) != seL4_NoError ||
        seL4_IRQControl_GetMSI(seL4_CapIRQControl, seL4_CapInitThreadCNode, handler, seL4_WordBits,
                               pci[0], pci[1], pci[2], 0, irq) != seL4_NoError) {
        printf("init: %s: cannot issue an MSI as IRQ %lu\n", service->spec->name,
               (unsigned long)irq);
        return false;
    }
    return devices_route(service, index, handler, irq, bit);
}

bool devices_give_frame(service_t *service, unsigned index, seL4_Word paddr)
{
    unialloc_untyped_t untyped;
    seL4_CPtr frame;

    if (memory_device(paddr, seL4_PageBits, &untyped) != seL4_NoError ||
        alloc_slot(memory_pool(), &frame) != seL4_NoError ||
        seL4_Untyped_Retype(untyped.cap, seL4_X86_4K, 0, seL4_CapInitThreadCNode, 0, 0, frame, 1) !=
                seL4_NoError) {
        printf("init: %s: no device frame at %#lx\n", service->spec->name, (unsigned long)paddr);
        return false;
    }
    return service_give_device(service, index, frame, seL4_AllRights, 0);
}
