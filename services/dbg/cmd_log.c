/*
 * Commands about the log service: the level of each service's lines (lines below it are counted,
 * not printed) and the counters it keeps per service.
 */
#include "commands.h"
#include "query.h"
#include <ipc/log.h>
#include <runtime/log.h>
#include <runtime/service.h>
#include <runtime/string.h>

#define LEVEL_NAMES "debug, info, warn, error"

typedef struct log_row {
    seL4_Word lines;
    seL4_Word dropped;
    seL4_Word level;
    seL4_Word filtered;
} log_row_t;

/* LOG_STATS of client id: IPC_ERR_NOT_FOUND for a service without a ring (the log service). */
static ipc_error_t log_row(seL4_Word id, log_row_t *row)
{
    ipc_msg_t msg;

    log_encode_stats(&msg, id);
    ipc_error_t error = ipc_call(SERVICE_SLOT_LOG, &msg);
    if (error == IPC_OK && msg.length < 4) {
        error = IPC_ERR_LENGTH;
    }
    if (error == IPC_OK) {
        row->lines = msg.words[0];
        row->dropped = msg.words[1];
        row->level = msg.words[2];
        row->filtered = msg.words[3];
    }
    return error;
}

/* The level a word names, or LOG_LEVEL_COUNT. */
static log_level_t level_parse(const char *word)
{
    unsigned level = 0;

    while (level < LOG_LEVEL_COUNT && strcmp(word, log_level_name((log_level_t)level)) != 0) {
        level++;
    }
    return (log_level_t)level;
}

typedef void (*client_fn)(output_t *out, const char *name, const log_row_t *row);

/* Calls show for init and every service with a ring, in init's order. */
static void clients_each(output_t *out, client_fn show)
{
    service_row_t service;
    log_row_t row;
    seL4_Word index = 0;
    const char *name = "init";
    seL4_Word id = SERVICE_ID_INIT;

    for (;;) {
        if (log_row(id, &row) == IPC_OK) {
            show(out, name, &row);
        }
        if (query_service(index++, &service) != IPC_OK) {
            return;
        }
        name = service.name;
        id = service.id;
    }
}

static void level_show(output_t *out, const char *name, const log_row_t *row)
{
    output_printf(out, "%-16s %s\n", name, log_level_name((log_level_t)row->level));
}

static void stats_show(output_t *out, const char *name, const log_row_t *row)
{
    output_printf(out, "%-16s %-5s  %9lu  %9lu  %9lu\n", name,
                  log_level_name((log_level_t)row->level), (unsigned long)row->lines,
                  (unsigned long)row->filtered, (unsigned long)row->dropped);
}

static void level_set(output_t *out, const char *name, log_level_t level)
{
    seL4_Word id = LOG_LEVEL_ALL;
    ipc_msg_t msg;

    if (strcmp(name, "all") != 0 && !query_service_id(name, &id)) {
        output_printf(out, "log level: no service '%s' (see ps)\n", name);
        return;
    }
    log_encode_set_level(&msg, id, level);
    ipc_error_t error = ipc_call(SERVICE_SLOT_LOG, &msg);
    if (error == IPC_ERR_NOT_FOUND) {
        output_printf(out, "log level: %s has no log of its own\n", name);
    } else if (error != IPC_OK) {
        output_printf(out, "log level: the log service answered %s\n", ipc_error_name(error));
    } else if (id == LOG_LEVEL_ALL) {
        output_printf(out, "log level: every service now at %s\n", log_level_name(level));
    } else {
        output_printf(out, "log level: %s now at %s\n", name, log_level_name(level));
    }
}

static void level_show_one(output_t *out, const char *name)
{
    seL4_Word id;
    log_row_t row;

    if (!query_service_id(name, &id)) {
        output_printf(out, "log level: no service '%s' (see ps)\n", name);
    } else if (log_row(id, &row) != IPC_OK) {
        output_printf(out, "log level: %s has no log of its own\n", name);
    } else {
        level_show(out, name, &row);
    }
}

/* log level                  every service's level
 * log level NAME             that service's
 * log level LEVEL            sets every service's (the same as log level all LEVEL)
 * log level NAME|all LEVEL   sets it */
void cmd_log_level(output_t *out, unsigned argc, char *const *argv)
{
    if (argc == 0 || (argc == 1 && strcmp(argv[0], "all") == 0)) {
        clients_each(out, level_show);
        return;
    }
    if (argc == 1) {
        log_level_t level = level_parse(argv[0]);
        if (level != LOG_LEVEL_COUNT) {
            level_set(out, "all", level);
        } else {
            level_show_one(out, argv[0]);
        }
        return;
    }
    log_level_t level = level_parse(argv[1]);
    if (level == LOG_LEVEL_COUNT) {
        output_printf(out, "log level: unknown level '%s' (" LEVEL_NAMES ")\n", argv[1]);
        return;
    }
    level_set(out, argv[0], level);
}

void cmd_log_stats(output_t *out, unsigned argc, char *const *argv)
{
    (void)argc;
    (void)argv;
    output_text(out, "NAME             LEVEL    PRINTED   FILTERED    DROPPED\n");
    clients_each(out, stats_show);
}
