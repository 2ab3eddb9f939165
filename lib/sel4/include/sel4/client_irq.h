/*
 * Interrupt invocations: issuing IRQHandler capabilities from IRQControl (by ISA IRQ / GSI, by
 * IOAPIC pin or as MSI), and acknowledging, routing and clearing an IRQHandler.
 */
#ifndef SEL4_CLIENT_IRQ_H
#define SEL4_CLIENT_IRQ_H

#include <sel4/client_invoke.h>

static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl service, seL4_Word irq,
                                             seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[4] = {irq, index, depth, 0};

    seL4_SetCap(0, root);
    return seL4_X64_Invoke(service, IRQIssueIRQHandler, 1, 3, mr);
}

static inline seL4_Error seL4_IRQControl_GetIOAPIC(seL4_IRQControl service, seL4_CNode root,
                                                   seL4_Word index, seL4_Uint8 depth,
                                                   seL4_Word ioapic, seL4_Word pin, seL4_Word level,
                                                   seL4_Word polarity, seL4_Word vector)
{
    seL4_Word mr[7] = {index, depth, ioapic, pin, level, polarity, vector};

    seL4_SetCap(0, root);
    return seL4_X64_Invoke(service, X86IRQIssueIRQHandlerIOAPIC, 1, 7, mr);
}

static inline seL4_Error seL4_IRQControl_GetMSI(seL4_IRQControl service, seL4_CNode root,
                                                seL4_Word index, seL4_Uint8 depth,
                                                seL4_Word pci_bus, seL4_Word pci_dev,
                                                seL4_Word pci_func, seL4_Word handle,
                                                seL4_Word vector)
{
    seL4_Word mr[7] = {index, depth, pci_bus, pci_dev, pci_func, handle, vector};

    seL4_SetCap(0, root);
    return seL4_X64_Invoke(service, X86IRQIssueIRQHandlerMSI, 1, 7, mr);
}

static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler service)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    return seL4_X64_Invoke(service, IRQAckIRQ, 0, 0, mr);
}

static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler service,
                                                         seL4_CPtr notification)
{
    seL4_Word mr[4] = {0, 0, 0, 0};

    seL4_SetCap(0, notification);
    return seL4_X64_Invoke(service, IRQSetIRQHandler, 1, 0, mr);
}

static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler service)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    return seL4_X64_Invoke(service, IRQClearIRQHandler, 0, 0, mr);
}

#endif
