/*
 * nettest: the virtio network test, a client of the virtio service started only when the kernel
 * command line says `nettest`. It checks the service's refusals, then answers ARP for 10.0.2.15
 * and echoes TCP data on port 7 until NETTEST_ECHOES segments of data came (tests/system/virtio/
 * run-nettest.py sends it from the host through a port forward to 127.0.0.1) or the time is
 * up; "nettest: PASS ..." or "nettest: FAIL ..." lines, then the machine off.
 */
#include "frames.h"
#include <ipc/virtio.h>
#include <runtime/log.h>
#include <runtime/power.h>
#include <runtime/print.h>
#include <runtime/service.h>
#include <runtime/string.h>
#include <runtime/time.h>
#include <runtime/tsc.h>

#define NETTEST_ECHOES  3u
#define NETTEST_WAIT_NS 40000000000ull /* for the host's connections */
#define RECEIVE_OFFSET  0
#define SEND_OFFSET     2048
#define BUFFER_BYTES    4096
#define CAP_QEMU_EXIT   0
#define CAP_BOCHS_EXIT  1
#define CAP_VIRTIO      2

static const service_info_t *start;

static ipc_error_t call(ipc_msg_t *msg)
{
    return ipc_call(start->caps[CAP_VIRTIO], msg);
}

/* Every field at and past its limit: the right error each time. */
static bool refusals(void)
{
    static const struct {
        seL4_Word label;
        seL4_Word words[3];
        seL4_Word length;
        ipc_error_t error;
    } cases[] = {
            {VIRTIO_NET_SEND, {0, SEND_OFFSET, VIRTIO_NET_FRAME_MIN - 1}, 3, IPC_ERR_FIELD},
            {VIRTIO_NET_SEND, {0, SEND_OFFSET, VIRTIO_NET_FRAME_MAX + 1}, 3, IPC_ERR_FIELD},
            {VIRTIO_NET_SEND, {0, BUFFER_BYTES - VIRTIO_NET_FRAME_MIN + 1, 14}, 3, IPC_ERR_FIELD},
            {VIRTIO_NET_SEND, {0, ~0ull, 14}, 3, IPC_ERR_FIELD},
            {VIRTIO_NET_SEND, {1, 0, 14}, 3, IPC_ERR_NOT_FOUND},
            {VIRTIO_NET_SEND, {0, 0}, 2, IPC_ERR_LENGTH},
            {VIRTIO_NET_RECEIVE, {0, BUFFER_BYTES - VIRTIO_NET_FRAME_MAX + 1}, 2, IPC_ERR_FIELD},
            {VIRTIO_NET_RECEIVE, {VIRTIO_NETS_MAX, 0}, 2, IPC_ERR_NOT_FOUND},
            {VIRTIO_NET_INFO, {2}, 1, IPC_ERR_NOT_FOUND},
            {VIRTIO_GRANT_NET, {SERVICE_ID_NETTEST, 0, 4096}, 3, IPC_ERR_DENIED},
            {VIRTIO_BLK_INFO, {0}, 1, IPC_ERR_NOT_FOUND}, /* no disk granted to it */
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ipc_msg_t msg;
        ipc_msg_init(&msg, cases[i].label);
        for (seL4_Word w = 0; w < cases[i].length; w++) {
            ipc_msg_push(&msg, cases[i].words[w]);
        }
        ipc_error_t error = call(&msg);
        if (error != cases[i].error) {
            printf("nettest: FAIL refusals: case %u: %s, not %s\n", i, ipc_error_name(error),
                   ipc_error_name(cases[i].error));
            return false;
        }
    }
    printf("nettest: PASS refusals\n");
    return true;
}

/* Answers what comes until NETTEST_ECHOES echoes went out; false when the time is up. */
static bool echo(uint64_t mac)
{
    uint8_t *buffer = (uint8_t *)SERVICE_SHARED_VADDR;
    uint64_t deadline = runtime_deadline_ns(NETTEST_WAIT_NS);
    unsigned echoes = 0;

    while (echoes < NETTEST_ECHOES && tsc_read() < deadline) {
        ipc_msg_t msg;
        uint32_t answer = 0;
        virtio_encode_net_receive(&msg, 0, RECEIVE_OFFSET);
        if (call(&msg) != IPC_OK || msg.words[0] != VIRTIO_STATUS_OK) {
            printf("nettest: FAIL echo: receive refused (status %lu)\n",
                   (unsigned long)msg.words[0]);
            return false;
        }
        if (msg.words[1] == 0) {
            runtime_sleep_ns(2000000);
            continue;
        }
        uint32_t length = (uint32_t)msg.words[1];
        frame_kind_t kind = frame_answer(buffer + RECEIVE_OFFSET, length, mac, &answer);
        if (kind == FRAME_IGNORED) {
            continue;
        }
        memcpy(buffer + SEND_OFFSET, buffer + RECEIVE_OFFSET, answer);
        virtio_encode_net_send(&msg, 0, SEND_OFFSET, answer);
        if (call(&msg) != IPC_OK || msg.words[0] != VIRTIO_STATUS_OK) {
            printf("nettest: FAIL echo: send refused (status %lu)\n", (unsigned long)msg.words[0]);
            return false;
        }
        if (kind == FRAME_TCP_ECHO) {
            echoes++;
            printf("nettest: echo %u: a frame of %u bytes\n", echoes, answer);
        } else if (kind == FRAME_ARP_REPLY) {
            printf("nettest: answered ARP\n");
        }
    }
    if (echoes < NETTEST_ECHOES) {
        printf("nettest: FAIL echo: %u of %u segments in time\n", echoes, NETTEST_ECHOES);
        return false;
    }
    printf("nettest: PASS echo\n");
    return true;
}

int service_main(const service_info_t *info)
{
    ipc_msg_t msg;
    bool passed;

    start = info;
    printf("nettest: the virtio network test\n");
    virtio_encode_net_info(&msg, 0);
    passed = call(&msg) == IPC_OK && msg.length == 2 && msg.words[0] == VIRTIO_STATUS_OK;
    printf("nettest: %s info\n", passed ? "PASS" : "FAIL");
    passed = passed && refusals();
    printf("nettest: ready for connections\n");
    passed = passed && echo(msg.words[1]);
    printf("nettest: %s\n", passed ? "all passed" : "failed");
    power_use(info->caps[CAP_QEMU_EXIT], info->caps[CAP_BOCHS_EXIT]);
    log_sync();
    power_off(passed ? 0 : 1);
}
