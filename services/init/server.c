/*
 * Requests to init (server.h): each decoded and checked by lib/ipc first; a malformed one gets
 * an error reply and changes nothing.
 */
#include "server.h"
#include "init.h"
#include "memory.h"
#include "vm_hardware.h"
#include "vm_start.h"
#include "vms.h"
#include <ipc/init.h>
#include <ipc/vmm.h>

static void reply_service(ipc_msg_t *msg, seL4_Word index)
{
    unsigned count;
    service_t *services = init_services(&count);

    if (index >= count) {
        ipc_msg_error(msg, IPC_ERR_NOT_FOUND, 0);
        return;
    }
    const service_t *service = &services[index];
    ipc_msg_init(msg, IPC_LABEL_OK);
    ipc_msg_push(msg, service->spec->id);
    ipc_msg_push(msg, service->state);
    ipc_msg_push(msg, service->restarts);
    ipc_msg_push(msg, service->faults);
    ipc_msg_push_string(msg, service->spec->name, INIT_NAME_BYTES - 1);
}

static void reply_memory(ipc_msg_t *msg)
{
    memory_stats_t stats;

    memory_stats(&stats);
    ipc_msg_init(msg, IPC_LABEL_OK);
    ipc_msg_push(msg, stats.ram_total);
    ipc_msg_push(msg, stats.ram_free);
    ipc_msg_push(msg, stats.device_total);
    ipc_msg_push(msg, stats.device_free);
    ipc_msg_push(msg, stats.slots_used);
    ipc_msg_push(msg, stats.slots_total);
}

/* The last component of the first word of a module's command line (its file). */
static void module_file(const char *cmdline, char *out, size_t capacity)
{
    size_t start = 0;
    size_t end = 0;

    while (cmdline[end] != '\0' && cmdline[end] != ' ') {
        if (cmdline[end] == '/') {
            start = end + 1;
        }
        end++;
    }
    size_t length = end - start < capacity - 1 ? end - start : capacity - 1;
    for (size_t i = 0; i < length; i++) {
        out[i] = cmdline[start + i];
    }
    out[length] = '\0';
}

static void reply_vm(ipc_msg_t *msg, seL4_Word index)
{
    const vm_t *vm = vms_get(index);
    char file[INIT_NAME_BYTES * 2];
    char why[VM_REASON_BYTES];
    vmdecl_mode_t resolved;

    if (vm == NULL) {
        ipc_msg_error(msg, IPC_ERR_NOT_FOUND, 0);
        return;
    }
    module_file(vm->kernel->cmdline, file, sizeof(file));
    if (!vm_hardware_resolve(vm->decl.decl.mode, &resolved, why, sizeof(why))) {
        resolved = VMDECL_MODE_AUTO;
    }
    ipc_msg_init(msg, IPC_LABEL_OK);
    ipc_msg_push(msg, vm->state);
    ipc_msg_push(msg, vm->decl.decl.mode);
    ipc_msg_push(msg, resolved);
    ipc_msg_push(msg, vm->decl.decl.memory);
    ipc_msg_push(msg, vm->decl.decl.vcpus);
    ipc_msg_push(msg, vm->status);
    ipc_msg_push_string(msg, vm->decl.decl.name, INIT_NAME_BYTES - 1);
    ipc_msg_push_string(msg, file, sizeof(file) - 1);
    ipc_msg_push_string(msg, vm->reason, sizeof(vm->reason) - 1);
}

static void reply_crash(ipc_msg_t *msg, seL4_Word client, const char *name)
{
    service_t *service = init_service_by_name(name);

    if (client != SERVICE_ID_DBG && client != SERVICE_ID_SVCTEST && client != SERVICE_ID_BLKTEST) {
        ipc_msg_error(msg, IPC_ERR_DENIED, 0);
    } else if (service == NULL) {
        ipc_msg_error(msg, IPC_ERR_NOT_FOUND, 0);
    } else if (!service_crash(service)) {
        ipc_msg_error(msg, IPC_ERR_BUSY, 0);
    } else {
        ipc_msg_init(msg, IPC_LABEL_OK);
    }
}

event_result_t server_handle(void *context, seL4_Word badge, ipc_msg_t *msg)
{
    init_request_t request;
    seL4_Word field;

    (void)context;
    if (vmm_label_is_ours(msg->label)) {
        return vm_start_request(badge, msg);
    }
    ipc_error_t error = init_decode(msg, &request, &field);
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, field);
        return EVENT_REPLY;
    }
    switch (request.label) {
    case INIT_SERVICE_INFO:
        reply_service(msg, request.index);
        break;
    case INIT_MEMORY:
        reply_memory(msg);
        break;
    case INIT_CRASH:
        reply_crash(msg, ipc_badge_id(badge), request.name);
        break;
    case INIT_VM_INFO:
        reply_vm(msg, request.index);
        break;
    default:
        ipc_msg_error(msg, IPC_ERR_NOT_FOUND, 0);
        break;
    }
    return EVENT_REPLY;
}
