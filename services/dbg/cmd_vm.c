/*
 * Commands about VMs. Today the list init declared from the boot modules; starting, killing and
 * rebooting them come with the VMM (more entries in table.c, more handlers here).
 */
#include "commands.h"
#include <ipc/init.h>
#include <runtime/service.h>
#include <vmdecl/vmdecl.h>

#define VM_FILE_BYTES (2 * INIT_NAME_BYTES) /* INIT_VM_INFO's kernel module file */

typedef struct vm_row {
    seL4_Word state;
    seL4_Word mode;
    seL4_Word memory;
    seL4_Word vcpus;
    seL4_Word status;
    char name[INIT_NAME_BYTES];
    char file[VM_FILE_BYTES];
} vm_row_t;

static ipc_error_t vm_row(seL4_Word index, vm_row_t *row)
{
    ipc_msg_t msg;
    seL4_Word at = 5;

    init_encode_vm_info(&msg, index);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    if (error != IPC_OK) {
        return error;
    }
    if (msg.length < 6) {
        return IPC_ERR_LENGTH;
    }
    row->state = msg.words[0];
    row->mode = msg.words[1];
    row->memory = msg.words[2];
    row->vcpus = msg.words[3];
    row->status = msg.words[4];
    error = ipc_msg_get_string(&msg, &at, row->name, sizeof(row->name));
    if (error == IPC_OK) {
        error = ipc_msg_get_string(&msg, &at, row->file, sizeof(row->file));
    }
    return error;
}

void cmd_vm_list(output_t *out, unsigned argc, char *const *argv)
{
    vm_row_t row;
    ipc_error_t error;
    seL4_Word index = 0;

    (void)argc;
    (void)argv;
    for (; (error = vm_row(index, &row)) == IPC_OK; index++) {
        if (index == 0) {
            output_text(out, "NAME             STATE      MODE    MEMORY  VCPUS  KERNEL\n");
        }
        output_printf(out, "%-16s %-10s %-5s %5lu MiB  %5lu  %s\n", row.name,
                      init_vm_state_name(row.state), vmdecl_mode_name((vmdecl_mode_t)row.mode),
                      (unsigned long)(row.memory >> 20), (unsigned long)row.vcpus, row.file);
    }
    if (error != IPC_ERR_NOT_FOUND) {
        output_printf(out, "vm list: init answered %s after %lu VMs\n", ipc_error_name(error),
                      (unsigned long)index);
    } else if (index == 0) {
        output_text(out, "no VMs declared\n");
    }
}
