/*
 * The VMs' life cycle from the shell: vm info, vm start, vm kill, vm reboot, vm pause and
 * vm resume, each a request to init (ipc/vmm.h), which makes, stops and pauses the VMMs. A name is checked here only for length
 * (init's decoder checks the rest): a longer one must not be cut into another VM's name.
 */
#include "commands.h"
#include "vm_query.h"
#include <ipc/vmm.h>
#include <runtime/service.h>
#include <runtime/string.h>

void cmd_vm_info(output_t *out, unsigned argc, char *const *argv)
{
    vm_row_t row;
    char mode[VM_MODE_TEXT_BYTES];

    (void)argc;
    if (strlen(argv[0]) >= INIT_NAME_BYTES || !vm_find(argv[0], &row)) {
        output_printf(out, "vm info: no VM '%s' (see vm list)\n", argv[0]);
        return;
    }
    vm_row_mode(&row, mode, sizeof(mode));
    output_printf(out, "vm %s: %s, mode %s, %lu MiB, %lu vCPU%s, kernel %s\n", row.name,
                  init_vm_state_name(row.state), mode, (unsigned long)(row.memory >> 20),
                  (unsigned long)row.vcpus, row.vcpus == 1 ? "" : "s", row.file);
    if (row.reason[0] != '\0') {
        output_printf(out, "vm %s: ended: %s (status %lu)\n", row.name, row.reason,
                      (unsigned long)row.status);
    }
}

/* One request about a VM and what init's answer means for it. */
static void vm_request(output_t *out, const char *command,
                       void (*encode)(ipc_msg_t *msg, const char *name), const char *name)
{
    ipc_msg_t msg;
    vm_row_t row;

    if (strlen(name) >= INIT_NAME_BYTES) {
        output_printf(out, "vm %s: no VM '%s' (see vm list)\n", command, name);
        return;
    }
    encode(&msg, name);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    bool found = vm_find(name, &row);
    switch (error) {
    case IPC_OK:
        output_printf(out, "vm %s: %s %s\n", command, name,
                      found ? init_vm_state_name(row.state) : "(no longer listed)");
        break;
    case IPC_ERR_NOT_FOUND:
    case IPC_ERR_FIELD:
        if (!found) {
            output_printf(out, "vm %s: no VM '%s' (see vm list)\n", command, name);
        } else {
            output_printf(out, "vm %s: %s cannot start: %s\n", command, name, row.reason);
        }
        break;
    case IPC_ERR_BUSY:
        output_printf(out, "vm %s: %s is %s\n", command, name,
                      found ? init_vm_state_name(row.state) : "busy");
        break;
    case IPC_ERR_NO_MEMORY:
        output_printf(out, "vm %s: not enough memory for %s\n", command, name);
        break;
    default:
        output_printf(out, "vm %s: init answered %s\n", command, ipc_error_name(error));
        break;
    }
}

/* cmd_vm_start, _kill, _reboot, _pause and _resume (commands.h): one request each. */
#define VM_REQUEST_COMMAND(command)                                                                \
    void cmd_vm_##command(output_t *out, unsigned argc, char *const *argv)                         \
    {                                                                                              \
        (void)argc;                                                                                \
        vm_request(out, #command, vmm_encode_vm_##command, argv[0]);                               \
    }

VM_REQUEST_COMMAND(start)
VM_REQUEST_COMMAND(kill)
VM_REQUEST_COMMAND(reboot)
VM_REQUEST_COMMAND(pause)
VM_REQUEST_COMMAND(resume)
