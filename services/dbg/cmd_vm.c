/*
 * Commands about VMs: the list init declared from the boot modules (starting, killing, rebooting
 * and the details of one VM are in cmd_vm_life.c).
 */
#include "commands.h"
#include "vm_query.h"
#include <ipc/init.h>
#include <runtime/service.h>

void cmd_vm_list(output_t *out, unsigned argc, char *const *argv)
{
    vm_row_t row;
    ipc_error_t error;
    seL4_Word index = 0;

    (void)argc;
    (void)argv;
    for (; (error = vm_row(index, &row)) == IPC_OK; index++) {
        char mode[VM_MODE_TEXT_BYTES];
        if (index == 0) {
            output_text(out, "NAME             STATE      MODE        MEMORY  VCPUS  KERNEL\n");
        }
        vm_row_mode(&row, mode, sizeof(mode));
        output_printf(out, "%-16s %-10s %-10s %5lu MiB  %5lu  %s\n", row.name,
                      init_vm_state_name(row.state), mode, (unsigned long)(row.memory >> 20),
                      (unsigned long)row.vcpus, row.file);
    }
    if (error != IPC_ERR_NOT_FOUND) {
        output_printf(out, "vm list: init answered %s after %lu VMs\n", ipc_error_name(error),
                      (unsigned long)index);
    } else if (index == 0) {
        output_text(out, "no VMs declared\n");
    }
}
