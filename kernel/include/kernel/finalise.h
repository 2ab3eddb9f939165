/*
 * Finalisation: what happens to an object when a capability to it is deleted (and, when it
 * was the last one, to the object itself). Used only by the deletion code.
 */
#ifndef KERNEL_FINALISE_H
#define KERNEL_FINALISE_H

#include <kernel/cap.h>

/*
 * Release everything the capability's deletion releases, except the slots of a CNode or TCB:
 * for those (final only) return the zombie that will empty them; otherwise the null cap.
 */
cap_t cap_finalise(cap_t cap, bool final);

#endif
