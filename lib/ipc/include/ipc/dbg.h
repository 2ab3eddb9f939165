/*
 * The dbg service's start-up contract: its capabilities and words in the start info, and its
 * notification bits. dbg serves no requests of its own yet: it is the operator's shell, a client
 * of init (ipc/init.h) and of the log service (the console, ipc/log.h).
 */
#ifndef IPC_DBG_H
#define IPC_DBG_H

#include <ipc/msg.h>

/* service_info_t.caps indices. */
enum dbg_cap {
    DBG_CAP_PS2_DATA = 0,   /* port 0x60 */
    DBG_CAP_PS2_STATUS = 1, /* port 0x64 */
    DBG_CAP_PS2_IRQ = 2,    /* IRQ 1, signalling DBG_BIT_KEYBOARD */
};

/* service_info_t.words indices. */
enum dbg_word {
    DBG_WORD_INPUT_RING = 0,       /* where the console input ring (from the log service) is */
    DBG_WORD_INPUT_RING_BYTES = 1, /* its size */
    DBG_WORD_BOOT_TSC = 2,         /* the TSC at the kernel's entry (0: unknown), for uptime */
    DBG_WORD_BOOT_NS = 3,          /* nanoseconds from power-on to then */
};

/* Its notification bits. */
#define DBG_BIT_INPUT    (1ull << 1) /* the log service put console input in the ring */
#define DBG_BIT_KEYBOARD (1ull << 2) /* the PS/2 keyboard has a scancode */

/* The console input ring: an lib/algorithms ringbuf of this capacity, one record per chunk of
 * received bytes; the log service writes, dbg reads. */
#define DBG_INPUT_RING_CAPACITY 4096u
#define DBG_INPUT_RING_PAGES    2
#define DBG_INPUT_RING_VADDR    0x70200000ull /* in dbg */
#define LOG_INPUT_RING_VADDR    0x70200000ull /* in the log service */

#endif
