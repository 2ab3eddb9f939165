/*
 * The log service's clients: each with its own ring (shared with the client: nothing read from
 * it is trusted), a level below which its lines are counted and not printed, and counters. A
 * ring that fails its checks is detached and reported; the other clients go on.
 */
#ifndef LOG_CLIENTS_H
#define LOG_CLIENTS_H

#include <ipc/log.h>
#include <stdbool.h>

typedef struct log_counts {
    seL4_Uint64 lines;    /* printed */
    seL4_Uint64 filtered; /* below its level */
    seL4_Uint64 dropped;  /* refused by its full ring */
    seL4_Word level;
} log_counts_t;

/* Attaches (or re-attaches) client id's ring at ring (mapped by init). */
ipc_error_t clients_attach(seL4_Word id, const char *name, seL4_Word ring, seL4_Word bytes);
ipc_error_t clients_detach(seL4_Word id);
ipc_error_t clients_set_level(seL4_Word id, seL4_Word level);
ipc_error_t clients_counts(seL4_Word id, log_counts_t *counts, const char **name);

/* Prints what every ring holds, in each ring's order; reports new drops. */
void clients_drain(void);

#endif
