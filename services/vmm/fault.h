/*
 * The vCPU thread's fault messages as lib/pv's events (fault.c).
 */
#ifndef VMM_FAULT_H
#define VMM_FAULT_H

#include "vmm.h"

/* One fault message (label, words: the message as received); fills *out. *unchanged: the thread
 * may go on with its registers as they are (a page the software TLB filled). */
pv_outcome_kind_t fault_handle(vmm_t *vmm, seL4_Word label, const seL4_Word *words,
                               seL4_Word length, pv_outcome_t *out, bool *unchanged);

#endif
