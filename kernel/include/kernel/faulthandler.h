/*
 * Faults as IPC: a faulting thread sends a message describing the fault to its fault endpoint
 * (found through its own CSpace at that moment) and waits for the reply. A thread without a
 * usable fault endpoint is made inactive with a kernel message.
 */
#ifndef KERNEL_FAULTHANDLER_H
#define KERNEL_FAULTHANDLER_H

#include <kernel/tcb.h>

/* Deliver the fault (already stored in tcb->fault) to the thread's fault handler. */
void fault_handle(tcb_t *tcb);

/* Constructors for tcb->fault. */
fault_t fault_vm(word_t address, word_t fsr, bool prefetch);
fault_t fault_unknown_syscall(word_t number);
fault_t fault_user_exception(word_t vector, word_t code);
fault_t fault_cap(cptr_t cptr, bool in_receive_phase, lookup_fault_t lookup);

/* Write the fault message into the receiver's MRs; returns the message length. */
unsigned fault_write_message(tcb_t *sender, tcb_t *receiver, word_t *receive_buffer);

/*
 * Apply the reply to a fault (sent by replier): registers rewritten when the reply carries a
 * whole register set. Returns true when the faulted thread should run again.
 */
bool fault_handle_reply(tcb_t *faulted, tcb_t *replier);

/* Human-readable name of a fault type. */
const char *fault_type_name(seL4_FaultType type);

#endif
