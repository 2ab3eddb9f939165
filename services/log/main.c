/*
 * The log service: the system's console. It drains every client's ring onto COM1 and the VGA
 * screen, shows the kernel's own messages from the kernel log page, keeps dbg's prompt line under
 * the log, and passes what arrives on COM1 to dbg. Requests (ipc/log.h) are checked by badge:
 * only init attaches rings, only init and dbg set levels, only dbg writes the console.
 */
#include "clients.h"
#include "console.h"
#include "uart.h"
#include "vga.h"
#include <algorithms/ringbuf.h>
#include <ipc/dbg.h>
#include <ipc/log.h>
#include <runtime/event.h>
#include <runtime/log.h>
#include <runtime/service.h>
#include <runtime/start.h>
#include <runtime/string.h>
#include <sel4/bootinfo.h>

#define COM1_BASE 0x3f8
#define INPUT_MAX 64

static event_loop_t loop;
static ringbuf_t input;
static bool input_attached;
static const service_info_t *start_info;
static const seL4_KernelLogPage *kernel_log;
static seL4_Uint64 kernel_log_read;
static char kernel_line[LOG_LINE_MAX];
static size_t kernel_line_length;

/* New bytes of the kernel log page, as "kernel: ..." lines. */
static void kernel_log_drain(void)
{
    if (kernel_log == NULL) {
        return;
    }
    seL4_Uint64 written = kernel_log->written;
    if (written - kernel_log_read > seL4_KernelLogTextBytes) {
        console_self("kernel: %lu bytes of kernel messages lost",
                     (unsigned long)(written - kernel_log_read - seL4_KernelLogTextBytes));
        kernel_log_read = written - seL4_KernelLogTextBytes;
    }
    for (; kernel_log_read < written; kernel_log_read++) {
        char c = kernel_log->text[kernel_log_read % seL4_KernelLogTextBytes];
        if (c == '\n' || kernel_line_length == sizeof(kernel_line)) {
            console_line("kernel", kernel_line, kernel_line_length);
            kernel_line_length = 0;
        }
        if (c != '\n') {
            kernel_line[kernel_line_length++] = c;
        }
    }
}

static bool allowed(enum log_label label, seL4_Word client)
{
    switch (label) {
    case LOG_ATTACH:
    case LOG_DETACH:
        return client == SERVICE_ID_INIT;
    case LOG_SET_LEVEL:
        return client == SERVICE_ID_INIT || client == SERVICE_ID_DBG;
    case LOG_CONSOLE_WRITE:
    case LOG_CONSOLE_PROMPT:
        return client == SERVICE_ID_DBG;
    default:
        return true;
    }
}

static void reply_stats(ipc_msg_t *msg, seL4_Word client)
{
    log_counts_t counts;
    const char *name;
    ipc_error_t error = clients_counts(client, &counts, &name);

    if (error != IPC_OK) {
        ipc_msg_error(msg, error, 0);
        return;
    }
    ipc_msg_init(msg, IPC_LABEL_OK);
    ipc_msg_push(msg, counts.lines);
    ipc_msg_push(msg, counts.dropped);
    ipc_msg_push(msg, counts.level);
    ipc_msg_push(msg, counts.filtered);
    ipc_msg_push_string(msg, name, LOG_NAME_BYTES - 1);
}

static event_result_t on_request(void *context, seL4_Word badge, ipc_msg_t *msg)
{
    static log_request_t request;
    seL4_Word field;
    ipc_error_t error = log_decode(msg, &request, &field);

    (void)context;
    if (error == IPC_OK && !allowed(request.label, ipc_badge_id(badge))) {
        error = IPC_ERR_DENIED;
    }
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, field);
        return EVENT_REPLY;
    }
    switch (request.label) {
    case LOG_ATTACH:
        error = clients_attach(request.client, request.text, request.ring, request.ring_bytes);
        /* A ring attached again after a restart of this service may hold lines already (init's
         * report of the restart): their signal came before the ring was known. */
        if (error == IPC_OK) {
            clients_drain();
        }
        break;
    case LOG_DETACH:
        error = clients_detach(request.client);
        break;
    case LOG_SET_LEVEL:
        error = clients_set_level(request.client, request.level);
        break;
    case LOG_STATS:
        /* init asks for its figures before it powers the machine off: what it and the others
         * wrote before the call goes out on the line first. */
        clients_drain();
        kernel_log_drain();
        uart_flush();
        reply_stats(msg, request.client);
        return EVENT_REPLY;
    case LOG_CONSOLE_WRITE:
        console_text(request.text, strlen(request.text));
        break;
    case LOG_CONSOLE_PROMPT:
        console_prompt(request.text, strlen(request.text));
        break;
    default:
        error = IPC_ERR_LABEL;
        break;
    }
    if (error != IPC_OK) {
        ipc_msg_error(msg, error, 0);
    } else {
        ipc_msg_init(msg, IPC_LABEL_OK);
    }
    return EVENT_REPLY;
}

static void on_rings(void *context, seL4_Word bits)
{
    (void)context;
    (void)bits;
    clients_drain();
    kernel_log_drain();
}

/* Received bytes go to dbg through the input ring, when there is one (the start info says);
 * when dbg does not keep up they are dropped, and the console says how many (keystrokes that
 * vanish without a word look like a hung shell). */
static void receive(void *context)
{
    unsigned long *dropped = context;
    char bytes[INPUT_MAX];
    size_t n;

    do {
        n = uart_read(bytes, sizeof(bytes));
        if (n == 0 || !input_attached) {
            continue;
        }
        if (ringbuf_write(&input, bytes, n) == ALG_OK) {
            seL4_Signal(start_info->caps[LOG_CAP_INPUT_SIGNAL]);
        } else {
            *dropped += n;
        }
    } while (n == sizeof(bytes));
}

/* Output the line could not take in time, said once the ring has room again. */
static void report_output_dropped(void)
{
    static uint64_t reported;
    uint64_t dropped = uart_dropped();

    if (dropped != reported) {
        console_self("%lu bytes of console output dropped (nothing read the serial line)",
                     (unsigned long)(dropped - reported));
        reported = dropped;
    }
}

/* COM1's interrupt: bytes received, or room in the transmitter for queued output. */
static void on_uart(void *context, seL4_Word bits)
{
    unsigned long dropped = 0;

    (void)context;
    (void)bits;
    uart_service(receive, &dropped);
    seL4_IRQHandler_Ack(start_info->caps[LOG_CAP_COM1_IRQ]);
    if (dropped != 0) {
        console_self("%lu bytes of console input dropped (the shell's input ring is full)",
                     dropped);
    }
    report_output_dropped();
}

int service_main(const service_info_t *start)
{
    seL4_Word vga = 0;
    seL4_Word page = 0;

    start_info = start;
    uart_init(start_info->caps[LOG_CAP_COM1_PORTS], COM1_BASE);
    /* A previous instance may have left dbg's prompt line on the terminal: start on a clean one. */
    if (start_info->restarts != 0) {
        uart_write("\r\x1b[K", 4);
    }
    if (start_info->caps[LOG_CAP_VGA] != 0 &&
        vspace_reserve(&runtime_vspace, 4096, 4096, &vga) == seL4_NoError &&
        vspace_map_frame(&runtime_vspace, start_info->caps[LOG_CAP_VGA], vga, seL4_ReadWrite,
                         seL4_X86_Uncacheable, seL4_False) == seL4_NoError) {
        vga_init((volatile uint16_t *)vga);
    }
    if (start_info->caps[LOG_CAP_KERNEL_LOG] != 0 &&
        vspace_reserve(&runtime_vspace, 4096, 4096, &page) == seL4_NoError &&
        vspace_map_frame(&runtime_vspace, start_info->caps[LOG_CAP_KERNEL_LOG], page, seL4_CanRead,
                         seL4_X86_Default_VMAttributes, seL4_False) == seL4_NoError) {
        kernel_log = (const seL4_KernelLogPage *)page;
        /* What came before the hand-over went out on the line already. */
        kernel_log_read = start_info->words[LOG_WORD_KERNEL_LOG_FROM];
    }
    input_attached =
            start_info->words[LOG_WORD_INPUT_RING] != 0 &&
            ringbuf_attach(&input, (void *)start_info->words[LOG_WORD_INPUT_RING],
                           (size_t)DBG_INPUT_RING_PAGES * 4096, DBG_INPUT_RING_CAPACITY) == ALG_OK;
    console_self("console on COM1%s, %s", vga != 0 ? " and VGA" : "",
                 start_info->restarts != 0 ? "restarted" : "ready");
    /* A new instance has no prompt line: a signal with no input tells dbg to send it again. */
    if (start_info->restarts != 0 && input_attached) {
        seL4_Signal(start_info->caps[LOG_CAP_INPUT_SIGNAL]);
    }
    event_loop_init(&loop, SERVICE_SLOT_ENDPOINT, 0);
    event_on_message(&loop, IPC_BADGE_ENDPOINT | IPC_BADGE_FAULT, IPC_BADGE_ENDPOINT, 0, on_request,
                     NULL);
    event_on_signal(&loop, LOG_BIT_RINGS, on_rings, NULL);
    event_on_signal(&loop, LOG_BIT_INPUT, on_uart, NULL);
    seL4_IRQHandler_Ack(start_info->caps[LOG_CAP_COM1_IRQ]);
    event_loop_run(&loop);
}
