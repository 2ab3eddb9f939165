/*
 * The domain capability: moving a thread into a scheduling domain (seL4's layout: MR0 domain,
 * C0 the thread).
 */
#ifndef SEL4_CLIENT_DOMAIN_H
#define SEL4_CLIENT_DOMAIN_H

#include <sel4/client_invoke.h>

static inline seL4_Error seL4_DomainSet_Set(seL4_DomainSet service, seL4_Uint8 domain,
                                            seL4_TCB thread)
{
    seL4_Word mr[4] = {domain, 0, 0, 0};

    seL4_SetCap(0, thread);
    return seL4_X64_Invoke(service, DomainSetSet, 1, 1, mr);
}

#endif
