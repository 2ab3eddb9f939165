/*
 * blktest's hostile cases: every field of every request at and past its limit, wrong lengths,
 * unknown labels, a grant from a client, and a client nothing was granted to. Each refusal must
 * name the right error and leave the buffer and the disk alone; the service keeps serving.
 */
#include "blktest.h"
#include <runtime/string.h>

#define SENTINEL 0x5a

typedef struct refusal {
    seL4_Word label;
    seL4_Word length;
    seL4_Word words[6];
    ipc_error_t error;
    const char *what;
} refusal_t;

/* Sends it, checks the error, the buffer untouched, and that the service still answers. */
static bool refused(blktest_t *test, seL4_CPtr endpoint, const refusal_t *r)
{
    ipc_msg_t msg;

    memset(test->buffer, SENTINEL, VIRTIO_CLIENT_BUFFER_MAX);
    ipc_msg_init(&msg, r->label);
    for (seL4_Word i = 0; i < r->length; i++) {
        ipc_msg_push(&msg, r->words[i]);
    }
    ipc_error_t error = ipc_call(endpoint, &msg);
    if (error != r->error) {
        blktest_fail(test, "%s: %s, not %s", r->what, ipc_error_name(error),
                     ipc_error_name(r->error));
        return false;
    }
    for (unsigned i = 0; i < VIRTIO_CLIENT_BUFFER_MAX; i++) {
        if (test->buffer[i] != SENTINEL) {
            blktest_fail(test, "%s: the buffer changed at %u", r->what, i);
            return false;
        }
    }
    virtio_encode_info(&msg, 0);
    if (ipc_call(test->info->caps[BLKTEST_CAP_VIRTIO], &msg) != IPC_OK) {
        blktest_fail(test, "%s: the service no longer answers", r->what);
        return false;
    }
    return true;
}

void case_refusals(blktest_t *test)
{
    const uint64_t n = test->sectors;
    const seL4_Word max = VIRTIO_REQUEST_SECTORS;
    const seL4_Word end = VIRTIO_CLIENT_BUFFER_MAX;
    const refusal_t refusals[] = {
            {VIRTIO_BLK_READ, 4, {0, n, 1, 0}, IPC_ERR_FIELD, "read at the end"},
            {VIRTIO_BLK_READ, 4, {0, n - 1, 2, 0}, IPC_ERR_FIELD, "read across the end"},
            {VIRTIO_BLK_READ, 4, {0, n - max + 1, max, 0}, IPC_ERR_FIELD, "32 across the end"},
            {VIRTIO_BLK_READ, 4, {0, ~0ull, 2, 0}, IPC_ERR_FIELD, "read wrapping"},
            {VIRTIO_BLK_READ, 4, {0, 0, 0, 0}, IPC_ERR_FIELD, "read of 0 sectors"},
            {VIRTIO_BLK_READ, 4, {0, 0, max + 1, 0}, IPC_ERR_FIELD, "read of 33 sectors"},
            {VIRTIO_BLK_READ, 4, {0, 0, ~0ull, 0}, IPC_ERR_FIELD, "read of 2^64-1 sectors"},
            {VIRTIO_BLK_READ, 4, {0, 0, 1, 1}, IPC_ERR_FIELD, "read at an odd offset"},
            {VIRTIO_BLK_READ, 4, {0, 0, 1, end}, IPC_ERR_FIELD, "read at the buffer's end"},
            {VIRTIO_BLK_READ, 4, {0, 0, 2, end - 512}, IPC_ERR_FIELD, "read across it"},
            {VIRTIO_BLK_READ, 4, {0, 0, 1, ~0ull << 9}, IPC_ERR_FIELD, "read at a huge offset"},
            {VIRTIO_BLK_READ, 4, {1, 0, 1, 0}, IPC_ERR_NOT_FOUND, "read of disk 1"},
            {VIRTIO_BLK_READ, 4, {VIRTIO_DISKS_MAX, 0, 1, 0}, IPC_ERR_NOT_FOUND, "disk 4"},
            {VIRTIO_BLK_READ, 4, {~0ull, 0, 1, 0}, IPC_ERR_NOT_FOUND, "disk 2^64-1"},
            {VIRTIO_BLK_READ, 3, {0, 0, 1}, IPC_ERR_LENGTH, "read of 3 words"},
            {VIRTIO_BLK_READ, 5, {0, 0, 1, 0, 0}, IPC_ERR_LENGTH, "read of 5 words"},
            {VIRTIO_BLK_WRITE, 4, {0, n, 1, 0}, IPC_ERR_FIELD, "write at the end"},
            {VIRTIO_BLK_WRITE, 4, {0, n - 1, 2, 0}, IPC_ERR_FIELD, "write across the end"},
            {VIRTIO_BLK_WRITE, 4, {0, 0, max + 1, 0}, IPC_ERR_FIELD, "write of 33 sectors"},
            {VIRTIO_BLK_WRITE, 4, {0, 0, 2, end - 512}, IPC_ERR_FIELD, "write across the buffer"},
            {VIRTIO_BLK_WRITE, 0, {0}, IPC_ERR_LENGTH, "write of no words"},
            {VIRTIO_BLK_FLUSH, 1, {1}, IPC_ERR_NOT_FOUND, "flush of disk 1"},
            {VIRTIO_BLK_FLUSH, 2, {0, 0}, IPC_ERR_LENGTH, "flush of 2 words"},
            {VIRTIO_BLK_INFO, 0, {0}, IPC_ERR_LENGTH, "info of no words"},
            {VIRTIO_BLK_ID, 1, {VIRTIO_DISKS_MAX}, IPC_ERR_NOT_FOUND, "identity of disk 4"},
            {IPC_VIRTIO_BASE, 0, {0}, IPC_ERR_LABEL, "label 0x700"},
            {VIRTIO_GRANT_NET + 1, 1, {0}, IPC_ERR_LABEL, "label past the last"},
            {VIRTIO_GRANT,
             6,
             {SERVICE_ID_BLKTEST, 0, 0, 1, 0, 4096},
             IPC_ERR_DENIED,
             "a grant from a client"},
    };

    for (unsigned i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        if (!refused(test, test->info->caps[BLKTEST_CAP_VIRTIO], &refusals[i])) {
            return;
        }
    }
}

/* A client granted nothing is refused everything, whatever it names. */
void case_strangers(blktest_t *test)
{
    const refusal_t refusals[] = {
            {VIRTIO_BLK_INFO, 1, {0}, IPC_ERR_NOT_FOUND, "stranger's info"},
            {VIRTIO_BLK_READ, 4, {0, 0, 1, 0}, IPC_ERR_NOT_FOUND, "stranger's read"},
            {VIRTIO_BLK_WRITE, 4, {0, 0, 1, 0}, IPC_ERR_NOT_FOUND, "stranger's write"},
            {VIRTIO_BLK_FLUSH, 1, {0}, IPC_ERR_NOT_FOUND, "stranger's flush"},
            {VIRTIO_GRANT,
             6,
             {SERVICE_ID_MAX - 1, 0, 0, 1, 0, 4096},
             IPC_ERR_DENIED,
             "stranger's grant to itself"},
    };

    for (unsigned i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        if (!refused(test, test->info->caps[BLKTEST_CAP_VIRTIO_STRANGER], &refusals[i])) {
            return;
        }
    }
}
