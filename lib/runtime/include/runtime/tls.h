/*
 * Thread-local storage for beaml4 user threads (x86-64 variant II): a thread's FS base points at
 * a self-pointer that sits right after the thread's copy of the TLS template. The IPC buffer
 * pointer of libsel4 is one of these variables.
 */
#ifndef RUNTIME_TLS_H
#define RUNTIME_TLS_H

#include <sel4/functions.h>
#include <stddef.h>

/* Bytes a TLS area needs for this program (template, alignment, self-pointer). */
size_t tls_area_size(void);

/*
 * Builds a thread's TLS in area[0..size): copies the template, clears the rest, stores the
 * self-pointer and the thread's IPC buffer address. Returns the thread pointer (the FS base to
 * give the thread), or 0 if the area is too small. The area must stay mapped at the same address
 * in the thread's address space.
 */
seL4_Word tls_area_prepare(void *area, size_t size, seL4_IPCBuffer *ipc_buffer);

/* The calling thread's thread pointer (its FS base). */
static inline seL4_Word tls_thread_pointer(void)
{
    seL4_Word tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    return tp;
}

/*
 * Where thread-local variable `variable` (an address in the calling thread's TLS) lives in the
 * TLS of the thread whose thread pointer is tp; lets a creator set a new thread's variables.
 */
void *tls_variable_in(seL4_Word tp, void *variable);

#endif
