/*
 * Kernel object types as Untyped_Retype creates them: their sizes and their construction.
 */
#ifndef KERNEL_OBJECTTYPE_H
#define KERNEL_OBJECTTYPE_H

#include <kernel/cap.h>
#include <sel4/objecttypes.h>

/* Most objects one Retype may create. */
#define RETYPE_FAN_OUT_LIMIT 256

/* True for a type this kernel can create today. */
bool object_type_valid(word_t type);

/* True for the frame types (the only ones device memory may become, besides untypeds). */
bool object_type_is_frame(word_t type);

/* Sizes: seL4_ObjectSizeBits (sel4/objecttypes.h), shared with user space. */

/* Initialise the object at paddr (zeroed unless it is device memory) and return its cap. */
cap_t object_create(word_t type, paddr_t paddr, word_t user_size, bool is_device);

#endif
