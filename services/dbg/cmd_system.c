/*
 * Commands about the system as init sees it: ps (its services), mem (its memory), svc crash (a
 * fault on purpose), and uptime (the TSC, with the kernel's boot times when init passed them).
 */
#include "commands.h"
#include "query.h"
#include <ipc/dbg.h>
#include <runtime/service.h>
#include <runtime/string.h>
#include <runtime/tsc.h>

static uint64_t started_tsc;

void cmd_uptime_init(uint64_t tsc)
{
    started_tsc = tsc;
}

void cmd_ps(output_t *out, unsigned argc, char *const *argv)
{
    service_row_t row;
    ipc_error_t error;
    seL4_Word index = 0;

    (void)argc;
    (void)argv;
    output_text(out, " ID  NAME             STATE       RESTARTS  FAULTS\n");
    for (; (error = query_service(index, &row)) == IPC_OK; index++) {
        output_printf(out, "%3lu  %-16s %-10s  %8lu  %6lu\n", (unsigned long)row.id, row.name,
                      init_service_state_name(row.state), (unsigned long)row.restarts,
                      (unsigned long)row.faults);
    }
    if (error != IPC_ERR_NOT_FOUND) {
        output_printf(out, "ps: init answered %s after %lu services\n", ipc_error_name(error),
                      (unsigned long)index);
    }
}

/* Bytes in hundredths of a unit (2^shift bytes), cut, not rounded. */
static seL4_Uint64 hundredths(seL4_Uint64 bytes, unsigned shift)
{
    return (bytes >> shift) * 100 + ((bytes & ((1ull << shift) - 1)) * 100 >> shift);
}

/* A row of three sizes in the largest unit from MiB up that keeps total's whole part >= 1. */
static void memory_row(output_t *out, const char *what, seL4_Uint64 total, seL4_Uint64 free)
{
    static const char *const units[] = {"MiB", "GiB", "TiB"};
    unsigned unit = 0;
    seL4_Uint64 used = total - free;
    seL4_Uint64 values[3] = {0};

    while (unit + 1 < sizeof(units) / sizeof(units[0]) && (total >> (20 + 10 * (unit + 1))) != 0) {
        unit++;
    }
    values[0] = hundredths(total, 20 + 10 * unit);
    values[1] = hundredths(used, 20 + 10 * unit);
    values[2] = hundredths(free, 20 + 10 * unit);
    output_printf(out, "%-8s %8lu.%02lu %s total  %8lu.%02lu %s used  %8lu.%02lu %s free\n", what,
                  (unsigned long)(values[0] / 100), (unsigned long)(values[0] % 100), units[unit],
                  (unsigned long)(values[1] / 100), (unsigned long)(values[1] % 100), units[unit],
                  (unsigned long)(values[2] / 100), (unsigned long)(values[2] % 100), units[unit]);
}

void cmd_mem(output_t *out, unsigned argc, char *const *argv)
{
    ipc_msg_t msg;

    (void)argc;
    (void)argv;
    init_encode_memory(&msg);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    if (error != IPC_OK || msg.length < 6) {
        output_printf(out, "mem: init answered %s\n",
                      ipc_error_name(error != IPC_OK ? error : IPC_ERR_LENGTH));
        return;
    }
    const seL4_Word *w = msg.words;
    if (w[1] > w[0] || w[3] > w[2] || w[4] > w[5]) {
        output_printf(out, "mem: init's figures do not add up (%lu of %lu, %lu of %lu)\n",
                      (unsigned long)w[1], (unsigned long)w[0], (unsigned long)w[3],
                      (unsigned long)w[2]);
        return;
    }
    memory_row(out, "RAM", w[0], w[1]);
    memory_row(out, "device", w[2], w[3]);
    output_printf(out, "%-8s %15lu total  %15lu used  %15lu free\n", "slots", (unsigned long)w[5],
                  (unsigned long)w[4], (unsigned long)(w[5] - w[4]));
}

void cmd_uptime(output_t *out, unsigned argc, char *const *argv)
{
    seL4_Uint64 hz = runtime_service->tsc_hz;
    seL4_Uint64 boot_tsc = runtime_service->words[DBG_WORD_BOOT_TSC];
    seL4_Uint64 now = tsc_read();
    seL4_Uint64 ns;
    const char *since;

    (void)argc;
    (void)argv;
    if (hz == 0) {
        output_text(out, "uptime: unknown (no TSC frequency)\n");
        return;
    }
    if (boot_tsc != 0 && now >= boot_tsc) {
        /* From the kernel's entry, which it timed from power-on. */
        seL4_Uint64 delta = now - boot_tsc;
        ns = runtime_service->words[DBG_WORD_BOOT_NS] + delta / hz * 1000000000ull +
             delta % hz * 1000000000ull / hz;
        since = "since power-on";
    } else {
        seL4_Uint64 delta = now - started_tsc;
        ns = delta / hz * 1000000000ull + delta % hz * 1000000000ull / hz;
        since = "since the shell started (no boot times)";
    }
    seL4_Uint64 ms = ns / 1000000;
    seL4_Uint64 seconds = ms / 1000;
    output_printf(out, "up %lu.%03lu s %s", (unsigned long)seconds, (unsigned long)(ms % 1000),
                  since);
    if (seconds >= 60) {
        output_printf(out, " (%lu:%02lu:%02lu)", (unsigned long)(seconds / 3600),
                      (unsigned long)(seconds / 60 % 60), (unsigned long)(seconds % 60));
    }
    output_text(out, "\n");
}

void cmd_svc_crash(output_t *out, unsigned argc, char *const *argv)
{
    const char *name = argv[0];
    ipc_msg_t msg;

    (void)argc;
    if (strlen(name) >= INIT_NAME_BYTES) {
        output_printf(out, "svc crash: no service '%s' (see ps)\n", name);
        return;
    }
    if (strcmp(name, runtime_service->name) == 0) {
        /* No answer comes back: the shell starts again. */
        output_text(out, "svc crash: the shell itself: it starts again\n");
        output_flush(out);
    }
    init_encode_crash(&msg, name);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    switch (error) {
    case IPC_OK:
        output_printf(out, "svc crash: %s made to fault; init reports it and restarts it\n", name);
        break;
    case IPC_ERR_NOT_FOUND:
        output_printf(out, "svc crash: no service '%s' (see ps)\n", name);
        break;
    case IPC_ERR_BUSY:
        output_printf(out, "svc crash: %s is not running (see ps)\n", name);
        break;
    default:
        output_printf(out, "svc crash: init refused: %s\n", ipc_error_name(error));
        break;
    }
}
