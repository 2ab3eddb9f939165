/*
 * What init's parts share: its endpoint (faults of every service, requests to init), the one
 * TSC frequency, the services it runs, and the hook a restart calls so that others learn about
 * it (the log service re-attaches rings, the time service's clients re-arm).
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include "service.h"

seL4_CPtr init_endpoint(void);
seL4_Uint64 init_tsc_hz(void);

/* The services (in start order) and how many there are. */
service_t *init_services(unsigned *count);

/* The service with that id or name, or NULL. */
service_t *init_service_by_id(seL4_Word id);
service_t *init_service_by_name(const char *name);

/* Creates a service after boot (a VMM): NULL when the table is full or it cannot be made. */
service_t *init_service_add(const service_spec_t *spec);

/* A service made after boot: its capabilities to the log and time services, before it starts;
 * then, once started... */
bool init_client_wire(service_t *service);
/* ...its log ring attached and its time client attached (again, after a restart). */
bool init_client_attach(service_t *service);

/* Returns once the log service has printed init's lines so far. */
void init_log_flush(void);

/* Called after a service was restarted. */
void init_service_restarted(service_t *service);

#endif
