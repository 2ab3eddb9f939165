/*
 * init's answers to requests (ipc/init.h): what it knows about services, memory and VMs, and
 * the operator's fault injection (from dbg only).
 */
#ifndef INIT_SERVER_H
#define INIT_SERVER_H

#include <runtime/event.h>

event_result_t server_handle(void *context, seL4_Word badge, ipc_msg_t *msg);

#endif
