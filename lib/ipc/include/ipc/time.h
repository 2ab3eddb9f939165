/*
 * The time service's protocol. The clock itself needs no message: the TSC is the system's one
 * clock (its frequency is in every service's start info). Timers: a client arms up to
 * TIME_TIMERS_PER_CLIENT deadlines, each named by a token of its choosing; when one passes, the
 * time service signals the client's notification with EVENT_BIT_TIMER (runtime/event.h), and
 * the client looks at its own deadlines. Cancelling an armed token removes it; a token that has
 * fired or was never armed is IPC_ERR_NOT_FOUND. Re-arming a token moves it.
 */
#ifndef IPC_TIME_H
#define IPC_TIME_H

#include <ipc/msg.h>

#define TIME_TIMERS_PER_CLIENT 64

enum time_label {
    TIME_SET = IPC_TIME_BASE + 1,    /* token, deadline (TSC) -> ok | busy */
    TIME_CANCEL = IPC_TIME_BASE + 2, /* token -> ok | not found */
    TIME_INFO = IPC_TIME_BASE + 3,   /* -> tsc_hz, source, deviation in ppm (signed), armed */
    TIME_ATTACH = IPC_TIME_BASE + 4, /* init only: client id -> ok (its signal cap is in place) */
};

/* Where the TSC frequency was checked (TIME_INFO's source word). */
enum time_source { TIME_SOURCE_NONE = 0, TIME_SOURCE_PIT = 1, TIME_SOURCE_HPET = 2 };

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

/* Checks label, length and fields; on error *field is the offending word. */
ipc_error_t time_decode(const ipc_msg_t *msg, time_request_t *request, seL4_Word *field);

#endif
