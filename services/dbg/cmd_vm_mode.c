/*
 * vm mode NAME MODE: the mode a VM asks for, set through init (VMM_VM_MODE), which refuses a
 * mode this machine cannot run and reboots a running VM in the new one. The mode word is read
 * here (an unknown one never reaches init); init checks the rest.
 */
#include "commands.h"
#include "vm_query.h"
#include <ipc/vmm.h>
#include <runtime/service.h>
#include <runtime/string.h>
#include <vmdecl/vmdecl.h>

/* What init's answer means: the mode it runs in now or from its next start, or why not. */
static void mode_report(output_t *out, const char *name, ipc_error_t error, const ipc_msg_t *reply)
{
    char text[VM_REASON_BYTES];
    seL4_Word at = 2;
    vm_row_t row;

    if (error == IPC_OK && reply->length == 1 && reply->words[0] < VMM_MODES &&
        vm_find(name, &row)) {
        const char *state = init_vm_state_name(row.state);
        char mode[VM_MODE_TEXT_BYTES];
        vm_row_mode(&row, mode, sizeof(mode));
        if (strcmp(state, "starting") == 0 || strcmp(state, "running") == 0) {
            output_printf(out, "vm mode: %s now %s: rebooted, %s\n", name, mode, state);
        } else {
            output_printf(out, "vm mode: %s now %s from its next start\n", name, mode);
        }
    } else if (error == IPC_ERR_FIELD &&
               ipc_msg_get_string(reply, &at, text, sizeof(text)) == IPC_OK) {
        output_printf(out, "vm mode: %s: %s\n", name, text);
    } else if (error == IPC_ERR_NOT_FOUND || error == IPC_ERR_FIELD) {
        /* a field error without a reason: init's decoder refused the name */
        output_printf(out, "vm mode: no VM '%s' (see vm list)\n", name);
    } else if (error == IPC_ERR_NO_MEMORY) {
        output_printf(out, "vm mode: %s set, but there is not enough memory to start it\n", name);
    } else {
        output_printf(out, "vm mode: init answered %s\n",
                      ipc_error_name(error == IPC_OK ? IPC_ERR_LENGTH : error));
    }
}

void cmd_vm_mode(output_t *out, unsigned argc, char *const *argv)
{
    vmdecl_mode_t mode;
    ipc_msg_t msg;

    (void)argc;
    if (!vmdecl_mode_from_name(argv[1], &mode)) {
        output_printf(out, "vm mode: unknown mode '%s' (pv, vtx, svm or auto)\n", argv[1]);
        return;
    }
    if (strlen(argv[0]) >= INIT_NAME_BYTES) {
        output_printf(out, "vm mode: no VM '%s' (see vm list)\n", argv[0]);
        return;
    }
    vmm_encode_vm_mode(&msg, argv[0], mode);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    mode_report(out, argv[0], error, &msg);
}
