/*
 * The log service's protocol. Log lines do not travel in messages: each client writes them into
 * its own ring (runtime/log.h), shared with the log service, and signals the log's notification.
 * Messages manage the clients and the console:
 *   - init attaches a client's ring (where init mapped it in the log service's address space) and
 *     detaches it;
 *   - init and dbg set a client's level (lines below it are counted, not printed);
 *   - dbg writes console text (its command output) and sets the prompt line that the log
 *     service redraws under every log line;
 *   - anyone may ask a client's counters.
 * The log service also owns the console's input: received bytes go into the input ring shared
 * with dbg (LOG_CAP_INPUT_RING) and dbg's notification is signalled.
 */
#ifndef IPC_LOG_H
#define IPC_LOG_H

#include <ipc/msg.h>

#define LOG_NAME_BYTES  16
#define LOG_CONSOLE_MAX 240 /* bytes of console text or prompt per message */
#define LOG_CLIENTS_MAX 64
#define LOG_LEVEL_ALL   0 /* LOG_SET_LEVEL's client 0: every client */

enum log_label {
    LOG_ATTACH = IPC_LOG_BASE + 1,         /* init: id, ring vaddr, ring bytes, name -> ok */
    LOG_DETACH = IPC_LOG_BASE + 2,         /* init: id -> ok | not found */
    LOG_SET_LEVEL = IPC_LOG_BASE + 3,      /* init, dbg: id (0: all), level -> ok | not found */
    LOG_STATS = IPC_LOG_BASE + 4,          /* id -> lines, dropped, level, name */
    LOG_CONSOLE_WRITE = IPC_LOG_BASE + 5,  /* dbg: text -> ok */
    LOG_CONSOLE_PROMPT = IPC_LOG_BASE + 6, /* dbg: text -> ok (the line kept under the log) */
};

/* The log service's start-info capabilities (service_info_t.caps indices). */
enum log_cap {
    LOG_CAP_COM1_PORTS = 0,   /* 0x3f8-0x3ff */
    LOG_CAP_COM1_IRQ = 1,     /* IRQ 4, signalling LOG_BIT_INPUT */
    LOG_CAP_VGA = 2,          /* the 80x25 text buffer's frame at 0xb8000 */
    LOG_CAP_INPUT_SIGNAL = 3, /* dbg's notification, badged: "input is waiting" */
    LOG_CAP_KERNEL_LOG = 4,   /* the kernel log page (read-only frame) */
};

/* The log service's start-info words (service_info_t.words indices). */
enum log_word {
    LOG_WORD_INPUT_RING = 0,      /* where the console input ring is mapped (0: none) */
    LOG_WORD_KERNEL_LOG_FROM = 1, /* the kernel log's byte count when the UART was handed over */
};

/* Its notification bits. */
#define LOG_BIT_RINGS (1ull << 1) /* a client's ring has lines */
#define LOG_BIT_INPUT (1ull << 2) /* COM1 interrupted: bytes received or room to send */

typedef struct log_request {
    enum log_label label;
    seL4_Word client;
    seL4_Word ring;
    seL4_Word ring_bytes;
    seL4_Word level;
    char text[LOG_CONSOLE_MAX + 1]; /* the name (LOG_ATTACH) or the console text */
} log_request_t;

void log_encode_attach(ipc_msg_t *msg, seL4_Word client, seL4_Word ring, seL4_Word bytes,
                       const char *name);
void log_encode_detach(ipc_msg_t *msg, seL4_Word client);
void log_encode_set_level(ipc_msg_t *msg, seL4_Word client, seL4_Word level);
void log_encode_stats(ipc_msg_t *msg, seL4_Word client);
void log_encode_console(ipc_msg_t *msg, enum log_label label, const char *text, size_t length);

/* Checks label, length and fields; on error *field is the offending word. */
ipc_error_t log_decode(const ipc_msg_t *msg, log_request_t *request, seL4_Word *field);

#endif
