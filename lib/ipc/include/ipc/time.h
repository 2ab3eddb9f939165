/*
 * The time service's protocol. The clock itself needs no message: the TSC is the system's one
 * clock (its frequency is in every service's start info). Timers: a client arms up to
 * TIME_TIMERS_PER_CLIENT deadlines, each named by a token of its choosing; when one passes, the
 * time service signals the client's notification with EVENT_BIT_TIMER (runtime/event.h), and
 * the client looks at its own deadlines. Cancelling an armed token removes it; a token that has
 * fired or was never armed is IPC_ERR_NOT_FOUND. Re-arming a token moves it. A deadline that
 * has passed already is signalled at once. Only clients init attached may make requests
 * (IPC_ERR_DENIED otherwise); attaching a client again drops every timer it had (init does so
 * when the client restarts). docs/services.md has the whole story.
 */
#ifndef IPC_TIME_H
#define IPC_TIME_H

#include <ipc/msg.h>

#define TIME_TIMERS_PER_CLIENT 64
#define TIME_CLIENTS_MAX       64 /* client ids 1..63 (the services' ids, SERVICE_ID_MAX) */

/*
 * Where init puts each client's notification in the time service's CNode: slot
 * TIME_CLIENT_SLOT_BASE + id holds the client's notification minted with EVENT_BIT_TIMER, placed
 * before init sends TIME_ATTACH(id). These slots survive a restart of the time service (they are
 * below the runtime's free slots), so init then only attaches every client again.
 */
#define TIME_CLIENT_SLOT_BASE 64

enum time_label {
    TIME_SET = IPC_TIME_BASE + 1,    /* token, deadline (TSC) -> ok | busy */
    TIME_CANCEL = IPC_TIME_BASE + 2, /* token -> ok | not found */
    TIME_INFO = IPC_TIME_BASE + 3,   /* -> the words of enum time_info_word */
    TIME_ATTACH = IPC_TIME_BASE + 4, /* init only: client id -> ok | not found (no signal cap) */
};

/* TIME_INFO's reply words. */
enum time_info_word {
    TIME_INFO_TSC_HZ = 0,      /* the start info's TSC frequency: the one the system uses */
    TIME_INFO_SOURCE = 1,      /* enum time_source: what it was checked against */
    TIME_INFO_PPM = 2,         /* measured minus stated, in parts per million (signed) */
    TIME_INFO_MEASURED_HZ = 3, /* the TSC frequency the time service measured (0: none) */
    TIME_INFO_ARMED = 4,       /* the asking client's armed timers */
    TIME_INFO_ARMED_ALL = 5,   /* every client's */
    TIME_INFO_INTERRUPTS = 6,  /* timer interrupts taken since the service started */
    TIME_INFO_WORDS = 7,
};

/* Where the TSC frequency was checked (TIME_INFO's source word). */
enum time_source { TIME_SOURCE_NONE = 0, TIME_SOURCE_PIT = 1, TIME_SOURCE_HPET = 2 };

/* The time service's start-info capabilities (service_info_t.caps indices). */
enum time_cap {
    TIME_CAP_PIT_PORTS = 0, /* 0x40-0x43: the PIT's channels and command port */
    TIME_CAP_PORT_B = 1,    /* 0x61: channel 2's gate and output, for the calibration */
    TIME_CAP_PIT_IRQ = 2,   /* IRQ 0 (the PIT's channel 0), signalling TIME_BIT_PIT */
};

/* Its notification bits. */
#define TIME_BIT_PIT (1ull << 1) /* PIT channel 0 reached zero */

typedef struct time_request {
    enum time_label label;
    seL4_Word token;
    seL4_Uint64 deadline;
    seL4_Word client; /* TIME_ATTACH */
} time_request_t;

void time_encode_set(ipc_msg_t *msg, seL4_Word token, seL4_Uint64 deadline);
void time_encode_cancel(ipc_msg_t *msg, seL4_Word token);
void time_encode_info(ipc_msg_t *msg);
void time_encode_attach(ipc_msg_t *msg, seL4_Word client);

/* Checks label, length and fields (a TIME_ATTACH id within 1..TIME_CLIENTS_MAX - 1); on error
 * *field is the offending word. */
ipc_error_t time_decode(const ipc_msg_t *msg, time_request_t *request, seL4_Word *field);

#endif
