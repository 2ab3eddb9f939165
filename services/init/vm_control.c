/*
 * The VMM protocol's requests to init (ipc/vmm.h): a VMM's reports on its own VM (and on no
 * other: the badge names the VMM), the shell's start, kill, reboot, pause, resume and mode
 * switch, and what a
 * VMM's fault does to its VM. Each request is decoded and checked by lib/ipc before anything
 * changes.
 */
#include "init.h"
#include "vm_console.h"
#include "vm_hardware.h"
#include "vm_run.h"
#include "vm_start.h"
#include "vm_stats.h"
#include <fmt/fmt.h>
#include <runtime/log.h>
#include <runtime/string.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

/* A guest that resets within this long of its start, this many times in a row, is stopped. */
#define VM_FAST_RESET_NS  1000000000ull
#define VM_FAST_RESET_MAX 4

/* The VM whose VMM has service id `id`, or -1. */
static long vm_of_vmm(seL4_Word id)
{
    for (seL4_Word index = 0; vms_get(index) != NULL; index++) {
        const vm_run_t *run = vm_run_get(index);
        if (run->service != NULL && run->spec.id == id) {
            return (long)index;
        }
    }
    return -1;
}

static long vm_by_name(const char *name)
{
    for (seL4_Word index = 0; vms_get(index) != NULL; index++) {
        if (strcmp(vms_get(index)->decl.decl.name, name) == 0) {
            return (long)index;
        }
    }
    return -1;
}

/* "<how>: <text>" (or just how), cut to the reason's size. */
static void reason_make(char *out, size_t capacity, seL4_Word end, const char *text)
{
    const char *how = vmm_end_name(end);
    size_t at = 0;

    for (size_t i = 0; how[i] != '\0' && at + 1 < capacity; i++) {
        out[at++] = how[i];
    }
    if (text[0] != '\0') {
        for (const char *p = ": "; *p != '\0' && at + 1 < capacity; p++) {
            out[at++] = *p;
        }
        for (size_t i = 0; text[i] != '\0' && at + 1 < capacity; i++) {
            out[at++] = text[i];
        }
    }
    out[at] = '\0';
}

/* A guest reset: the VM starts again, unless it keeps resetting as soon as it starts. */
static void vm_reset(seL4_Word index, const char *reason)
{
    vm_run_t *run = vm_run_get(index);
    bool fast = runtime_tsc_to_ns(tsc_read() - run->started_tsc) < VM_FAST_RESET_NS;

    run->fast_resets = fast ? run->fast_resets + 1 : 0;
    if (run->fast_resets >= VM_FAST_RESET_MAX) {
        vm_run_stop(index, VM_FAILED, 0, "reset loop: it reset within a second of each start");
        run->fast_resets = 0;
        return;
    }
    vm_run_stop(index, VM_STOPPED, 0, reason);
    vm_run_start(index);
}

static ipc_error_t vm_report(long index, const vmm_request_t *report)
{
    vm_t *vm = index >= 0 ? vms_get((seL4_Word)index) : NULL;
    char reason[VM_REASON_BYTES];

    if (vm == NULL) {
        return IPC_ERR_DENIED;
    }
    if (!vm_state_active(vm->state)) {
        return IPC_ERR_BUSY;
    }
    /* A paused VM's VMM may have sent its report just before the pause: it stays paused, or
     * ends. */
    if (report->kind == VMM_REPORT_RUNNING) {
        if (vm->state == VM_STARTING) {
            vm->state = VM_RUNNING;
            log_printf(LOG_INFO, "init: VM %s running%s%s\n", vm->decl.decl.name,
                       report->text[0] != '\0' ? ": " : "", report->text);
        }
        return IPC_OK;
    }
    reason_make(reason, sizeof(reason), report->end, report->text);
    switch (report->end) {
    case VMM_END_EXIT:
    case VMM_END_DEBUG_EXIT:
    case VMM_END_POWER_OFF:
        vm_run_stop((seL4_Word)index, VM_EXITED, report->status, reason);
        break;
    case VMM_END_RESET:
        vm_reset((seL4_Word)index, reason);
        break;
    default:
        vm_run_stop((seL4_Word)index, VM_FAILED, report->status, reason);
        break;
    }
    return IPC_OK;
}

/* The shell's commands (and the services' test suite's). */
static ipc_error_t vm_command(seL4_Word client, const vmm_request_t *request)
{
    long index = vm_by_name(request->name);
    vm_t *vm = index >= 0 ? vms_get((seL4_Word)index) : NULL;

    if (client != SERVICE_ID_DBG && client != SERVICE_ID_SVCTEST) {
        return IPC_ERR_DENIED;
    }
    if (vm == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    bool active = vm_state_active(vm->state);
    switch (request->label) {
    case VMM_VM_START:
        return vm_run_start((seL4_Word)index);
    case VMM_VM_PAUSE:
        if (vm->state != VM_RUNNING) {
            return IPC_ERR_BUSY;
        }
        vm_run_pause((seL4_Word)index);
        return IPC_OK;
    case VMM_VM_RESUME:
        if (vm->state != VM_PAUSED) {
            return IPC_ERR_BUSY;
        }
        vm_run_resume((seL4_Word)index);
        return IPC_OK;
    case VMM_VM_KILL:
        if (!active) {
            return IPC_ERR_BUSY;
        }
        vm_run_stop((seL4_Word)index, VM_STOPPED, 0, "killed from the shell");
        vm_run_exit_check();
        return IPC_OK;
    default: /* VMM_VM_REBOOT */
        if (!active) {
            return IPC_ERR_BUSY;
        }
        vm_run_stop((seL4_Word)index, VM_STOPPED, 0, "rebooted from the shell");
        return vm_run_start((seL4_Word)index);
    }
}

/* The shell's console attach: what fits of the bytes goes to the VM's COM1 input ring. Checked
 * first (the client, the VM, its state: a paused VM takes none, busy), then written; *taken says
 * how many the ring took. */
static ipc_error_t vm_console(seL4_Word client, const vmm_request_t *request, seL4_Word *taken)
{
    long index = vm_by_name(request->name);
    vm_t *vm = index >= 0 ? vms_get((seL4_Word)index) : NULL;

    if (client != SERVICE_ID_DBG && client != SERVICE_ID_SVCTEST) {
        return IPC_ERR_DENIED;
    }
    if (vm == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    vm_run_t *run = vm_run_get((seL4_Word)index);
    if (vm->state != VM_RUNNING || run->service == NULL) {
        return IPC_ERR_BUSY;
    }
    seL4_Word room = vm_console_room(run);
    *taken = request->console_length < room ? request->console_length : room;
    if (*taken != 0) {
        vm_console_put(run, request->console, *taken);
    }
    return IPC_OK;
}

/*
 * The shell's mode switch: checked first (the client, the VM, a mode this machine can run: else
 * the VM is left as it was), then the mode is set and a running VM rebooted in it. *resolved is
 * the mode it runs in; reason says why not when the answer is IPC_ERR_FIELD.
 */
static ipc_error_t vm_mode_set(seL4_Word client, const vmm_request_t *request,
                               vmdecl_mode_t *resolved, char *reason, size_t capacity)
{
    long index = vm_by_name(request->name);
    vm_t *vm = index >= 0 ? vms_get((seL4_Word)index) : NULL;
    vmdecl_mode_t mode = (vmdecl_mode_t)request->mode;

    if (client != SERVICE_ID_DBG && client != SERVICE_ID_SVCTEST) {
        return IPC_ERR_DENIED;
    }
    if (vm == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    if (!vm_hardware_resolve(mode, resolved, reason, capacity)) {
        return IPC_ERR_FIELD;
    }
    vm->decl.decl.mode = mode;
    if (!vm_state_active(vm->state)) {
        log_printf(LOG_INFO, "init: VM %s: mode %s from its next start\n", vm->decl.decl.name,
                   vmdecl_mode_name(mode));
        return IPC_OK;
    }
    fmt_snprintf(reason, capacity, "rebooted from the shell in mode %s", vmdecl_mode_name(mode));
    vm_run_stop((seL4_Word)index, VM_STOPPED, 0, reason);
    ipc_error_t error = vm_run_start((seL4_Word)index);
    if (error == IPC_ERR_FIELD) {
        fmt_snprintf(reason, capacity, "%s", vm->reason); /* why it could not start again */
    }
    return error;
}

static event_result_t vm_mode_reply(seL4_Word client, const vmm_request_t *request, ipc_msg_t *msg)
{
    char reason[VM_REASON_BYTES] = "";
    vmdecl_mode_t resolved = VMDECL_MODE_PV;
    ipc_error_t error = vm_mode_set(client, request, &resolved, reason, sizeof(reason));

    if (error == IPC_OK) {
        ipc_msg_init(msg, IPC_LABEL_OK);
        ipc_msg_push(msg, resolved);
    } else {
        ipc_msg_error(msg, error, 0);
        if (error == IPC_ERR_FIELD) {
            ipc_msg_push_string(msg, reason, sizeof(reason) - 1);
        }
    }
    return EVENT_REPLY;
}

/* The shell's vm stats: checked (the client, the VM, started once), then answered. */
static event_result_t vm_stats_answer(seL4_Word client, const vmm_request_t *request,
                                      ipc_msg_t *msg)
{
    long index = vm_by_name(request->name);
    const vm_t *vm = index >= 0 ? vms_get((seL4_Word)index) : NULL;
    ipc_error_t error = IPC_OK;

    if (client != SERVICE_ID_DBG && client != SERVICE_ID_SVCTEST) {
        error = IPC_ERR_DENIED;
    } else if (vm == NULL) {
        error = IPC_ERR_NOT_FOUND;
    } else {
        const vm_run_t *run = vm_run_get((seL4_Word)index);
        error = vm_stats_check(run);
        if (error == IPC_OK) {
            vm_stats_reply(vm, run, request->first, msg);
            return EVENT_REPLY;
        }
    }
    ipc_msg_error(msg, error, 0);
    return EVENT_REPLY;
}

event_result_t vm_start_request(seL4_Word badge, ipc_msg_t *msg)
{
    vmm_request_t request;
    seL4_Word field;
    ipc_error_t error = vmm_decode(msg, &request, &field);

    if (error == IPC_OK && request.label == VMM_VM_MODE) {
        return vm_mode_reply(ipc_badge_id(badge), &request, msg);
    }
    if (error == IPC_OK && request.label == VMM_VM_STATS) {
        return vm_stats_answer(ipc_badge_id(badge), &request, msg);
    }
    if (error == IPC_OK && request.label == VMM_VM_CONSOLE) {
        seL4_Word taken = 0;
        error = vm_console(ipc_badge_id(badge), &request, &taken);
        if (error == IPC_OK) {
            ipc_msg_init(msg, IPC_LABEL_OK);
            ipc_msg_push(msg, taken);
        } else {
            ipc_msg_error(msg, error, 0);
        }
        return EVENT_REPLY;
    }
    if (error == IPC_OK) {
        error = request.label == VMM_REPORT ? vm_report(vm_of_vmm(ipc_badge_id(badge)), &request)
                                            : vm_command(ipc_badge_id(badge), &request);
        field = 0;
    }
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, field);
    } else {
        ipc_msg_init(msg, IPC_LABEL_OK);
    }
    return EVENT_REPLY;
}

void vm_run_faulted(service_t *service, seL4_Word label, const seL4_Word *words, seL4_Word length)
{
    long index = vm_of_vmm(service->spec->id);
    char reason[VM_REASON_BYTES];

    if (index < 0) {
        return;
    }
    if (label == seL4_Fault_VMFault && length >= seL4_VMFault_Length) {
        fmt_snprintf(reason, sizeof(reason), "its VMM faulted: page fault at %#lx",
                     (unsigned long)words[seL4_VMFault_Addr]);
    } else if (label == seL4_Fault_UserException && length >= seL4_UserException_Length) {
        fmt_snprintf(reason, sizeof(reason), "its VMM faulted: exception %lu",
                     (unsigned long)words[seL4_UserException_Number]);
    } else {
        fmt_snprintf(reason, sizeof(reason), "its VMM faulted (fault type %lu)",
                     (unsigned long)label);
    }
    vm_run_stop((seL4_Word)index, VM_CRASHED, 0, reason);
}
