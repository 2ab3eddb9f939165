/*
 * Thread life cycle and message registers: state changes (which keep the scheduler informed),
 * suspend and restart, reading and writing a thread's message registers and IPC buffer.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <kernel/tcb.h>
#include <sel4/ipc_buffer.h>

/* Change the state; a current thread that stops being runnable triggers a reschedule. */
void thread_set_state(tcb_t *tcb, thread_state_t state);

/* Stop the thread: cancel its IPC, make it inactive, take it off the ready queue. */
void thread_suspend(tcb_t *tcb);

/* Start a stopped (inactive or reply-blocked) thread again at its restart point. */
void thread_restart(tcb_t *tcb);

/* Inactive or waiting for a reply: what Resume restarts. */
bool thread_is_stopped(const tcb_t *tcb);

/* Make the current thread's interrupted system call start again when it next runs. */
void thread_restart_syscall(tcb_t *tcb);

/*
 * The thread's IPC buffer as kernel words, or NULL when it has none usable: the buffer slot
 * must hold a non-device frame capability with read rights (and write rights for a receiver).
 */
word_t *thread_ipc_buffer(tcb_t *tcb, bool is_receiver);

/* Message register i (0-based): the first four are CPU registers, the rest in the buffer. */
word_t thread_get_mr(tcb_t *tcb, const word_t *buffer, unsigned i);
/* Returns false (and writes nothing) when i needs a buffer the thread does not have. */
bool thread_set_mr(tcb_t *tcb, word_t *buffer, unsigned i, word_t value);

/* Message info word and badge register of the thread. */
word_t thread_get_msg_info(tcb_t *tcb);
void thread_set_msg_info(tcb_t *tcb, word_t info);
void thread_set_badge(tcb_t *tcb, word_t badge);

/* A short description for kernel messages: the name, or "tcb@<address>". */
const char *thread_name(const tcb_t *tcb);

/* Messages are limited to this many registers when a side has no IPC buffer. */
#define MSG_REGISTERS_WITHOUT_BUFFER 4

/* Word offsets of the seL4_IPCBuffer fields in the buffer thread_ipc_buffer returns. */
#define IPC_BUFFER_WORD(field)    (offsetof(seL4_IPCBuffer, field) / sizeof(word_t))
#define IPC_BUFFER_MSG            IPC_BUFFER_WORD(msg)
#define IPC_BUFFER_CAPS_OR_BADGES IPC_BUFFER_WORD(caps_or_badges)
#define IPC_BUFFER_RECEIVE_CNODE  IPC_BUFFER_WORD(receiveCNode)
#define IPC_BUFFER_RECEIVE_INDEX  IPC_BUFFER_WORD(receiveIndex)
#define IPC_BUFFER_RECEIVE_DEPTH  IPC_BUFFER_WORD(receiveDepth)

#endif
