/*
 * Telling init about the VM (ipc/vmm.h): running once the guest is loaded, and how it ended.
 * After the end is reported the VMM stops itself even if init does not, so an ended VM never runs
 * again.
 */
#include "report.h"
#include "hw.h"
#include "stats.h"
#include <fmt/fmt.h>
#include <runtime/log.h>

static void report_send(seL4_Word kind, seL4_Word end, seL4_Word status, const char *text)
{
    ipc_msg_t msg;

    vmm_encode_report(&msg, kind, end, status, text);
    ipc_error_t error = ipc_call(SERVICE_SLOT_INIT, &msg);
    if (error != IPC_OK) {
        log_printf(LOG_ERROR, "vmm: init refused the report: %s\n", ipc_error_name(error));
    }
}

void report_running(const char *text)
{
    report_send(VMM_REPORT_RUNNING, VMM_END_NONE, 0, text);
}

/* What init may print: printable ASCII only (the text can hold the guest's values, never its
 * bytes, but a message must never carry a control character to the console). */
static void text_clean(char *text)
{
    for (; *text != '\0'; text++) {
        if (*text < 0x20 || *text > 0x7e) {
            *text = '?';
        }
    }
}

/* What the VM cost its VMM, for whoever measures: one line at the end. */
static void report_statistics(vmm_t *vmm)
{
    pv_shadow_stats_t shadow;

    if (vmm->hw.active) {
        hw_report_statistics(vmm);
        return;
    }
    if (vmm->vcpu.tcb == 0) {
        return;
    }
    pv_shadow_stats(&vmm->shadow, &shadow);
    log_printf(LOG_INFO,
               "vmm: %lu faults (%lu emulated, %lu delivered, %lu injected, %lu stops for an "
               "interrupt), %lu pages filled, %lu spurious, %lu guest #PF, %lu MMIO, %lu fast-path "
               "traps\n",
               (unsigned long)vmm->vcpu.faults, (unsigned long)vmm->vcpu.cpu.emulated,
               (unsigned long)vmm->vcpu.cpu.delivered, (unsigned long)vmm->vcpu.cpu.injected,
               (unsigned long)vmm->vcpu.kicks, (unsigned long)shadow.fills,
               (unsigned long)shadow.spurious, (unsigned long)shadow.guest_faults,
               (unsigned long)shadow.mmio, (unsigned long)vmm->vcpu.pv_page->fast_hits);
}

void vmm_end(vmm_t *vmm, enum vmm_end end, seL4_Word status, const char *format, ...)
{
    char text[VMM_TEXT_BYTES];
    va_list args;

    if (vmm->vcpu.tcb != 0) {
        seL4_TCB_Suspend(vmm->vcpu.tcb);
        vmm->vcpu.ended = true;
    }
    va_start(args, format);
    fmt_vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    text_clean(text);
    console_flush(&vmm->console);
    report_statistics(vmm);
    stats_publish(vmm);
    log_printf(LOG_INFO, "vmm: the VM ends: %s (%s, status %lu)\n", text, vmm_end_name(end),
               (unsigned long)status);
    log_sync(); /* the guest's last lines reach the console before init's report of the end */
    report_send(VMM_REPORT_ENDED, end, status, text);
    seL4_TCB_Suspend(SERVICE_SLOT_TCB);
    for (;;) {
        seL4_Yield();
    }
}
