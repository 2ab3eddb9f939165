/*
 * Typed messages between beaml4's services: the common form every protocol uses (a label, a
 * bounded number of words, strings packed into words), the error reply, and the badge layout.
 * Each protocol has its own header (ipc/log.h, ipc/time.h, ipc/init.h) with one encode function
 * per request and one decode function per request that checks the label, the length and every
 * field before a server uses any of it. Capability transfer conventions are in docs/services.md.
 */
#ifndef IPC_MSG_H
#define IPC_MSG_H

#include <sel4/functions.h>
#include <stdbool.h>
#include <stddef.h>

/* The most words any protocol message carries (the rest of the 120 MRs is never read). */
#define IPC_MAX_WORDS 40

typedef struct ipc_msg {
    seL4_Word label;
    seL4_Word length; /* words used, at most IPC_MAX_WORDS */
    seL4_Word words[IPC_MAX_WORDS];
} ipc_msg_t;

/* Errors a server answers with (the error reply's first word) and decoders return. */
typedef enum {
    IPC_OK = 0,
    IPC_ERR_LABEL,     /* no such request */
    IPC_ERR_LENGTH,    /* too few or too many words for the request */
    IPC_ERR_FIELD,     /* a field out of range (the reply's second word says which) */
    IPC_ERR_DENIED,    /* this client may not make this request */
    IPC_ERR_NOT_FOUND, /* what the request names does not exist */
    IPC_ERR_BUSY,      /* a limit is reached (too many timers, clients...) */
    IPC_ERR_NO_MEMORY,
    IPC_ERR_EXISTS, /* already there */
    IPC_ERR_COUNT
} ipc_error_t;

/* The label of an error reply: words[0] is the ipc_error_t, words[1] the offending word. */
#define IPC_LABEL_ERROR 0xfff
/* The label of a successful reply. */
#define IPC_LABEL_OK 0

/* Label ranges of the protocols (each protocol's requests are BASE + n). */
#define IPC_LOG_BASE  0x100
#define IPC_TIME_BASE 0x200
#define IPC_INIT_BASE 0x300
#define IPC_SVC_BASE  0x400 /* requests every service's runtime answers (ipc/service.h) */

/*
 * Badges. Every endpoint capability a client holds is minted with IPC_BADGE_ENDPOINT and the
 * client's id; a thread's fault endpoint also carries IPC_BADGE_FAULT. Notification badges
 * never have IPC_BADGE_ENDPOINT, so a receiver whose bound notification woke it (message info
 * 0, badge = the notification's word) never mistakes it for a message.
 */
#define IPC_BADGE_ENDPOINT (1ull << 63)
#define IPC_BADGE_FAULT    (1ull << 62)
#define IPC_BADGE_ID_MASK  0xffffull

static inline seL4_Word ipc_badge(seL4_Word id)
{
    return IPC_BADGE_ENDPOINT | (id & IPC_BADGE_ID_MASK);
}

static inline seL4_Word ipc_fault_badge(seL4_Word id)
{
    return IPC_BADGE_ENDPOINT | IPC_BADGE_FAULT | (id & IPC_BADGE_ID_MASK);
}

static inline bool ipc_badge_is_message(seL4_Word badge)
{
    return (badge & IPC_BADGE_ENDPOINT) != 0;
}

static inline bool ipc_badge_is_fault(seL4_Word badge)
{
    return (badge & (IPC_BADGE_ENDPOINT | IPC_BADGE_FAULT)) ==
           (IPC_BADGE_ENDPOINT | IPC_BADGE_FAULT);
}

static inline seL4_Word ipc_badge_id(seL4_Word badge)
{
    return badge & IPC_BADGE_ID_MASK;
}

/* A new message with that label and no words. */
void ipc_msg_init(ipc_msg_t *msg, seL4_Word label);

/* Appends a word; false (and nothing appended) when the message is full. */
bool ipc_msg_push(ipc_msg_t *msg, seL4_Word word);

/*
 * Appends a string as its length in bytes followed by the bytes packed little-endian into
 * words; at most max bytes of it (strings are cut, never overflow). False when it does not fit.
 */
bool ipc_msg_push_string(ipc_msg_t *msg, const char *text, size_t max);

/*
 * Reads the string at word *at (length word, then bytes) into out (capacity bytes, always
 * NUL-terminated) and advances *at past it. IPC_ERR_LENGTH when the words run out,
 * IPC_ERR_FIELD when the length exceeds capacity - 1 or the bytes hold a NUL.
 */
ipc_error_t ipc_msg_get_string(const ipc_msg_t *msg, seL4_Word *at, char *out, size_t capacity);

/* The message just received (info as returned by Recv/Call), from the IPC buffer. Words past
 * IPC_MAX_WORDS are not copied and make the length IPC_MAX_WORDS + 1 (a length error). */
void ipc_msg_receive(ipc_msg_t *msg, seL4_MessageInfo_t info);

/* Puts msg into the IPC buffer; returns the message info to send it with. */
seL4_MessageInfo_t ipc_msg_send_info(const ipc_msg_t *msg);

/* An error reply naming the error and the offending word. */
void ipc_msg_error(ipc_msg_t *msg, ipc_error_t error, seL4_Word field);

/* For a reply: IPC_OK for a label-0 reply, else the error it carries (IPC_ERR_LABEL for an
 * unknown reply label). */
ipc_error_t ipc_msg_reply_error(const ipc_msg_t *reply);

/* seL4_Call with msg; the reply replaces msg. Returns ipc_msg_reply_error of the reply. */
ipc_error_t ipc_call(seL4_CPtr endpoint, ipc_msg_t *msg);

/* A short name for an error ("bad label", "bad length", ...). */
const char *ipc_error_name(ipc_error_t error);

#endif
