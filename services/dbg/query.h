/*
 * What the commands ask init: its services, one index at a time, and the log client a name
 * stands for (init itself, or a service init runs).
 */
#ifndef DBG_QUERY_H
#define DBG_QUERY_H

#include <ipc/init.h>
#include <stdbool.h>

typedef struct service_row {
    seL4_Word id;
    seL4_Word state; /* enum init_service_state */
    seL4_Word restarts;
    seL4_Word faults;
    char name[INIT_NAME_BYTES];
} service_row_t;

/* INIT_SERVICE_INFO: IPC_OK, IPC_ERR_NOT_FOUND past the last service, or what went wrong. */
ipc_error_t query_service(seL4_Word index, service_row_t *row);

/* The id of the service (or "init") with that name; false when there is none. */
bool query_service_id(const char *name, seL4_Word *id);

#endif
