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

/* Called after a service was restarted. */
void init_service_restarted(service_t *service);

#endif
