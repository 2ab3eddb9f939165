/*
 * Untyped invocations: retyping untyped memory into kernel objects (or smaller untypeds).
 */
#ifndef SEL4_CLIENT_UNTYPED_H
#define SEL4_CLIENT_UNTYPED_H

#include <sel4/client_invoke.h>

/*
 * Creates num_objects objects of type (size_bits for variable-size ones) in the slots
 * [node_offset, node_offset + num_objects) of the CNode at node_index/node_depth under root
 * (node_depth 0: root itself).
 */
static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped service, seL4_Word type,
                                             seL4_Word size_bits, seL4_CNode root,
                                             seL4_Word node_index, seL4_Word node_depth,
                                             seL4_Word node_offset, seL4_Word num_objects)
{
    seL4_Word mr[6] = {type, size_bits, node_index, node_depth, node_offset, num_objects};

    seL4_SetCap(0, root);
    return seL4_X64_Invoke(service, UntypedRetype, 1, 6, mr);
}

#endif
