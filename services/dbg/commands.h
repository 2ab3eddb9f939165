/*
 * The shell's commands: the table (table.c) and the handlers it names, one file per subject
 * (cmd_system.c: services, memory, uptime; cmd_log.c: the log service; cmd_vm.c and
 * cmd_vm_life.c, cmd_vm_mode.c, cmd_vm_console.c, cmd_vm_stats.c: VMs).
 */
#ifndef DBG_COMMANDS_H
#define DBG_COMMANDS_H

#include "command.h"
#include <stdint.h>

extern const command_table_t dbg_commands;

/* The TSC when the shell started (uptime's fallback when there are no boot times). */
void cmd_uptime_init(uint64_t tsc);

void cmd_help(output_t *out, unsigned argc, char *const *argv);
void cmd_ps(output_t *out, unsigned argc, char *const *argv);
void cmd_mem(output_t *out, unsigned argc, char *const *argv);
void cmd_uptime(output_t *out, unsigned argc, char *const *argv);
void cmd_svc_crash(output_t *out, unsigned argc, char *const *argv);
void cmd_log_level(output_t *out, unsigned argc, char *const *argv);
void cmd_log_stats(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_list(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_info(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_start(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_kill(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_reboot(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_pause(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_resume(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_mode(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_console(output_t *out, unsigned argc, char *const *argv);
void cmd_vm_stats(output_t *out, unsigned argc, char *const *argv);

#endif
