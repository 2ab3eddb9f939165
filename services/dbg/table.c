/*
 * The command table (commands.h): what `help` lists, in this order. docs/services.md lists the
 * same commands; keep the two alike.
 */
#include "commands.h"

static const command_t commands[] = {
        {"help", "[COMMAND]", "this list, or the commands of one group", 0, 1, cmd_help},
        {"ps", "", "services: id, name, state, restarts, faults", 0, 0, cmd_ps},
        {"mem", "", "RAM and device memory, capability slots", 0, 0, cmd_mem},
        {"uptime", "", "time since power-on (or since dbg started)", 0, 0, cmd_uptime},
        {"log level", "[NAME|all] [LEVEL]", "show or set log levels (debug info warn error)", 0, 2,
         cmd_log_level},
        {"log stats", "", "lines printed, filtered, dropped per service", 0, 0, cmd_log_stats},
        {"vm list", "", "declared VMs: state, mode, memory, vCPUs", 0, 0, cmd_vm_list},
        {"vm info", "NAME", "one VM: its state and how it ended", 1, 1, cmd_vm_info},
        {"vm start", "NAME", "start a VM that is not running", 1, 1, cmd_vm_start},
        {"vm kill", "NAME", "stop a running VM at once", 1, 1, cmd_vm_kill},
        {"vm reboot", "NAME", "stop a running VM and start it again", 1, 1, cmd_vm_reboot},
        {"vm pause", "NAME", "stop a running VM's guest where it is", 1, 1, cmd_vm_pause},
        {"vm resume", "NAME", "let a paused VM's guest go on", 1, 1, cmd_vm_resume},
        {"vm mode", "NAME MODE", "MODE: pv vtx svm auto; a running VM reboots", 2, 2, cmd_vm_mode},
        {"vm console", "NAME", "attach to a VM's COM1 (Ctrl-] detaches)", 1, 1, cmd_vm_console},
        {"vm stats", "NAME", "a VM's figures: its VMM's counters, uptime", 1, 1, cmd_vm_stats},
        {"svc crash", "NAME", "make a service fault: init restarts it", 1, 1, cmd_svc_crash},
};

const command_table_t dbg_commands = {commands, sizeof(commands) / sizeof(commands[0])};

void cmd_help(output_t *out, unsigned argc, char *const *argv)
{
    if (argc == 0) {
        output_text(out, "commands:\n");
        command_help(&dbg_commands, NULL, out);
        output_text(out, "keys: Up/Down history, Left/Right/Home/End move, Ctrl-C cancel, "
                         "Ctrl-U erase line\n");
    } else if (!command_help(&dbg_commands, argv[0], out)) {
        output_printf(out, "help: no command '%s': try help\n", argv[0]);
    }
}
