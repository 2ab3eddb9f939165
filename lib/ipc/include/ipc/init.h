/*
 * Requests to init. Any service may ask what init knows (services, memory, VMs); dbg (and the
 * services' test suite) may also make a service fault (the operator's `svc crash`, and how the
 * restart path is tested).
 */
#ifndef IPC_INIT_H
#define IPC_INIT_H

#include <ipc/msg.h>

#define INIT_NAME_BYTES 16

enum init_label {
    INIT_SERVICE_INFO = IPC_INIT_BASE + 1, /* index -> id, state, restarts, faults, name */
    INIT_MEMORY = IPC_INIT_BASE + 2,       /* -> ram total, ram free, device total, device free,
                                              slots used, slots total */
    INIT_VM_INFO = IPC_INIT_BASE + 3,      /* index -> state, mode, resolved mode, memory
                                              (bytes), vcpus, status, name, kernel module file
                                              (up to 31 bytes), how it ended (up to 95 bytes, ""
                                              until then); state: services/init/vms.h, modes:
                                              vmdecl_mode_t, the one asked for and the one it
                                              runs in here (auto: this machine cannot run it) */
    INIT_CRASH = IPC_INIT_BASE + 4,        /* dbg: name -> ok (the service faults) | not found */
};

/* A service's state as INIT_SERVICE_INFO reports it. */
enum init_service_state {
    INIT_SERVICE_CREATED = 0,
    INIT_SERVICE_RUNNING = 1,
    INIT_SERVICE_RESTARTING = 2,
    INIT_SERVICE_FAILED = 3, /* faulted more often than init restarts it */
};

typedef struct init_request {
    enum init_label label;
    seL4_Word index;
    char name[INIT_NAME_BYTES];
} init_request_t;

void init_encode_service_info(ipc_msg_t *msg, seL4_Word index);
void init_encode_memory(ipc_msg_t *msg);
void init_encode_vm_info(ipc_msg_t *msg, seL4_Word index);
void init_encode_crash(ipc_msg_t *msg, const char *name);

/* Checks label, length and fields; on error *field is the offending word. */
ipc_error_t init_decode(const ipc_msg_t *msg, init_request_t *request, seL4_Word *field);

/* A state's name ("created", "running", "restarting", "failed"). */
const char *init_service_state_name(seL4_Word state);

/* A VM's state's name, INIT_VM_INFO's first word (services/init/vms.h's enum vm_state:
 * "declared", "running", "stopped", "exited", "failed", "starting", "crashed"). */
const char *init_vm_state_name(seL4_Word state);

#endif
