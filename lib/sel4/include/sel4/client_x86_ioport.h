/*
 * x86 I/O port invocations: issuing port-range capabilities from IOPortControl, and 8/16/32-bit
 * port reads and writes through them.
 */
#ifndef SEL4_CLIENT_X86_IOPORT_H
#define SEL4_CLIENT_X86_IOPORT_H

#include <sel4/client_invoke.h>

static inline seL4_Error seL4_X86_IOPortControl_Issue(seL4_X86_IOPortControl service,
                                                      seL4_Word first_port, seL4_Word last_port,
                                                      seL4_CNode root, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    seL4_Word mr[4] = {first_port, last_port, index, depth};

    seL4_SetCap(0, root);
    return seL4_X64_Invoke(service, X86IOPortControlIssue, 1, 4, mr);
}

typedef struct seL4_X86_IOPort_In8 {
    int error;
    seL4_Uint8 result;
} seL4_X86_IOPort_In8_t;

typedef struct seL4_X86_IOPort_In16 {
    int error;
    seL4_Uint16 result;
} seL4_X86_IOPort_In16_t;

typedef struct seL4_X86_IOPort_In32 {
    int error;
    seL4_Uint32 result;
} seL4_X86_IOPort_In32_t;

static inline seL4_Word seL4_X64_PortIn(seL4_X86_IOPort service, seL4_Word label, seL4_Uint16 port,
                                        int *error)
{
    seL4_Word mr[4] = {port, 0, 0, 0};

    *error = seL4_X64_Invoke(service, label, 0, 1, mr);
    return *error == seL4_NoError ? mr[0] : 0;
}

static inline seL4_X86_IOPort_In8_t seL4_X86_IOPort_In8(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_X86_IOPort_In8_t result;
    result.result = (seL4_Uint8)seL4_X64_PortIn(service, X86IOPortIn8, port, &result.error);
    return result;
}

static inline seL4_X86_IOPort_In16_t seL4_X86_IOPort_In16(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_X86_IOPort_In16_t result;
    result.result = (seL4_Uint16)seL4_X64_PortIn(service, X86IOPortIn16, port, &result.error);
    return result;
}

static inline seL4_X86_IOPort_In32_t seL4_X86_IOPort_In32(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_X86_IOPort_In32_t result;
    result.result = (seL4_Uint32)seL4_X64_PortIn(service, X86IOPortIn32, port, &result.error);
    return result;
}

static inline seL4_Error seL4_X64_PortOut(seL4_X86_IOPort service, seL4_Word label, seL4_Word port,
                                          seL4_Word data)
{
    seL4_Word mr[4] = {port, data, 0, 0};
    return seL4_X64_Invoke(service, label, 0, 2, mr);
}

static inline seL4_Error seL4_X86_IOPort_Out8(seL4_X86_IOPort service, seL4_Word port,
                                              seL4_Word data)
{
    return seL4_X64_PortOut(service, X86IOPortOut8, port, data);
}

static inline seL4_Error seL4_X86_IOPort_Out16(seL4_X86_IOPort service, seL4_Word port,
                                               seL4_Word data)
{
    return seL4_X64_PortOut(service, X86IOPortOut16, port, data);
}

static inline seL4_Error seL4_X86_IOPort_Out32(seL4_X86_IOPort service, seL4_Word port,
                                               seL4_Word data)
{
    return seL4_X64_PortOut(service, X86IOPortOut32, port, data);
}

#endif
