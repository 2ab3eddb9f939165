/*
 * vm console NAME: attaches the shell's input to a running VM's COM1 (attach.h). Refused here,
 * with the reason, for a VM that does not exist or does not run; init checks again with every
 * byte it is sent.
 */
#include "attach.h"
#include "commands.h"
#include "vm_query.h"
#include <runtime/string.h>

void cmd_vm_console(output_t *out, unsigned argc, char *const *argv)
{
    vm_row_t row;

    (void)argc;
    if (strlen(argv[0]) >= INIT_NAME_BYTES || !vm_find(argv[0], &row)) {
        output_printf(out, "vm console: no VM '%s' (see vm list)\n", argv[0]);
        return;
    }
    const char *state = init_vm_state_name(row.state);
    if (strcmp(state, "paused") == 0) {
        output_printf(out, "vm console: %s is paused: it takes no input (vm resume %s first)\n",
                      row.name, row.name);
        return;
    }
    if (strcmp(state, "running") != 0) {
        output_printf(out, "vm console: %s is %s: only a running VM takes input\n", row.name,
                      state);
        return;
    }
    output_printf(out, "vm console: attached to %s's COM1; Ctrl-] (0x1d) detaches\n", row.name);
    attach_begin(row.name);
}
