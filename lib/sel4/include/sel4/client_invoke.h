/*
 * The common path of every object invocation: a Call on the object's capability whose reply
 * label is the seL4_Error. Used by the typed wrappers (client_*.h); it never interprets the
 * arguments itself.
 */
#ifndef SEL4_CLIENT_INVOKE_H
#define SEL4_CLIENT_INVOKE_H

#include <sel4/syscall_stubs.h>

/*
 * Sends mr[0..length) with label and the extra caps already stored by seL4_SetCap; MR0..3 travel
 * in registers, the rest through the IPC buffer. On return mr[0..3] hold the reply's first four
 * message registers. On an error they are also stored in the IPC buffer, so that seL4_GetMR
 * reads the error details as with any other reply. mr must have room for four words.
 */
static inline seL4_Error seL4_X64_Invoke(seL4_CPtr service, seL4_Word label, seL4_Word extra_caps,
                                         seL4_Word length, seL4_Word *mr)
{
    seL4_MessageInfo_t info = seL4_MessageInfo_new(label, 0, extra_caps, length);
    seL4_MessageInfo_t reply;
    seL4_Error error;

    for (seL4_Word i = 4; i < length; i++) {
        seL4_SetMR((int)i, mr[i]);
    }
    reply = seL4_CallWithMRs(service, info, &mr[0], &mr[1], &mr[2], &mr[3]);
    error = (seL4_Error)seL4_MessageInfo_get_label(reply);
    if (error != seL4_NoError) {
        seL4_X64_StoreMRs(mr);
    }
    return error;
}

#endif
