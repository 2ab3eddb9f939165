/*
 * Thread-local storage for beaml4 user threads (x86-64 variant II): a thread's FS base points at
 * a self-pointer that sits right after the thread's copy of the TLS template. The IPC buffer
 * pointer of libsel4 is one of these variables.
 */
#ifndef RUNTIME_TLS_H
#define RUNTIME_TLS_H

#include <sel4/functions.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes a TLS area needs for this program (template, alignment, self-pointer). */
size_t tls_area_size(void);

/*
 * Builds a thread's TLS in area[0..size): copies the template, clears the rest, stores the
 * self-pointer and the thread's IPC buffer address. Returns the thread pointer (the FS base to
 * give the thread), or 0 if the area is too small. The area must stay mapped at the same address
 * in the thread's address space.
 */
seL4_Word tls_area_prepare(void *area, size_t size, seL4_IPCBuffer *ipc_buffer);

/* The calling thread's thread pointer (its FS base); only valid once the FS base is set. */
static inline seL4_Word tls_thread_pointer(void)
{
    seL4_Word tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    return tp;
}

/*
 * The offset of thread-local variable `variable` from the thread pointer, as the linker laid it
 * out (local-exec model). Needs no FS base, so it works before a thread's TLS is set up.
 */
#define TLS_OFFSET(variable)                                                                       \
    ({                                                                                             \
        intptr_t tls_offset_;                                                                      \
        __asm__("mov $" #variable "@tpoff, %0" : "=r"(tls_offset_));                               \
        tls_offset_;                                                                               \
    })

/* The copy of thread-local `variable` in the TLS whose thread pointer is tp. */
#define TLS_VARIABLE_IN(tp, variable)                                                              \
    ((__typeof__(&(variable)))(uintptr_t)((intptr_t)(tp) + TLS_OFFSET(variable)))

#endif
