/*
 * Host tests of the virtio service's decoder (lib/ipc/virtio.c): every field at and past its
 * limit, windows at the end of the address range, read-only windows, then random messages by the
 * hundred thousand, each accepted one checked against the rules again.
 */
#include <ipc/virtio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#define WINDOW_SECTORS 1000

static virtio_client_t test_client(void)
{
    virtio_client_t client = {.buffer_bytes = VIRTIO_CLIENT_BUFFER_MAX};

    client.disks[0] = (virtio_window_t){.first = 0, .sectors = WINDOW_SECTORS};
    client.disks[1] = (virtio_window_t){.first = 500, .sectors = 100, .read_only = true};
    return client;
}

static ipc_error_t decode(const ipc_msg_t *msg, seL4_Word *field, virtio_request_t *request)
{
    virtio_client_t client = test_client();

    return virtio_decode(msg, &client, request, field);
}

static void test_transfer_limits(void **state)
{
    ipc_msg_t msg;
    seL4_Word field;
    virtio_request_t request;

    (void)state;
    virtio_encode_read(&msg, 0, WINDOW_SECTORS - VIRTIO_REQUEST_SECTORS, VIRTIO_REQUEST_SECTORS, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    assert_int_equal(request.sector, WINDOW_SECTORS - VIRTIO_REQUEST_SECTORS);
    assert_int_equal(request.count, VIRTIO_REQUEST_SECTORS);
    /* The count: 0 and one past the most. */
    virtio_encode_read(&msg, 0, 0, 0, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 2);
    virtio_encode_read(&msg, 0, 0, VIRTIO_REQUEST_SECTORS + 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 2);
    /* The last sector, one past it, a range ending one past it, a range that wraps. */
    virtio_encode_read(&msg, 0, WINDOW_SECTORS - 1, 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    virtio_encode_read(&msg, 0, WINDOW_SECTORS, 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 1);
    virtio_encode_read(&msg, 0, WINDOW_SECTORS - 1, 2, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 1);
    virtio_encode_read(&msg, 0, ~0ull, 2, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 1);
    /* The offset: unaligned, the buffer's end exactly, one sector past it, a huge one. */
    virtio_encode_read(&msg, 0, 0, 1, 1);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 3);
    virtio_encode_read(&msg, 0, 0, 1, VIRTIO_CLIENT_BUFFER_MAX - VIRTIO_SECTOR_BYTES);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    virtio_encode_read(&msg, 0, 0, 2, VIRTIO_CLIENT_BUFFER_MAX - VIRTIO_SECTOR_BYTES);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 3);
    virtio_encode_read(&msg, 0, 0, 1, ~0ull & ~(seL4_Word)(VIRTIO_SECTOR_BYTES - 1));
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    assert_int_equal(field, 3);
}

static void test_windows_and_disks(void **state)
{
    ipc_msg_t msg;
    seL4_Word field;
    virtio_request_t request;

    (void)state;
    /* A window's sectors are relative: sector 99 of disk 1 is the disk's 599. */
    virtio_encode_read(&msg, 1, 99, 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    assert_int_equal(request.sector, 599);
    virtio_encode_read(&msg, 1, 100, 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
    /* A read-only window refuses writes, not reads or flushes. */
    virtio_encode_write(&msg, 1, 0, 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_DENIED);
    virtio_encode_write(&msg, 0, 0, 1, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    virtio_encode_flush(&msg, 1);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    /* Disks not granted, and indices at and past the limit. */
    for (seL4_Word disk = 2; disk <= VIRTIO_DISKS_MAX; disk++) {
        virtio_encode_info(&msg, disk);
        assert_int_equal(decode(&msg, &field, &request), IPC_ERR_NOT_FOUND);
    }
    virtio_encode_id(&msg, ~0ull);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_NOT_FOUND);
    virtio_encode_id(&msg, 0);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    assert_int_equal(request.label, VIRTIO_BLK_ID);
}

static void test_labels_and_lengths(void **state)
{
    static const seL4_Word labels[] = {VIRTIO_BLK_INFO, VIRTIO_BLK_READ, VIRTIO_BLK_WRITE,
                                       VIRTIO_BLK_FLUSH, VIRTIO_BLK_ID};
    static const seL4_Word lengths[] = {1, 4, 4, 1, 1};
    ipc_msg_t msg;
    seL4_Word field;
    virtio_request_t request;

    (void)state;
    for (unsigned i = 0; i < 5; i++) {
        for (seL4_Word length = 0; length <= IPC_MAX_WORDS; length++) {
            ipc_msg_init(&msg, labels[i]);
            for (seL4_Word w = 0; w < length; w++) {
                assert_true(ipc_msg_push(&msg, w == 2 ? 1 : 0));
            }
            ipc_error_t error = decode(&msg, &field, &request);
            assert_int_equal(error, length == lengths[i] ? IPC_OK : IPC_ERR_LENGTH);
        }
    }
    ipc_msg_init(&msg, IPC_VIRTIO_BASE);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_LABEL);
    ipc_msg_init(&msg, VIRTIO_GRANT_NET + 1);
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_LABEL);
}

/* A client whose buffer is said to be larger than any buffer may be is refused every transfer
 * (init never gives one, but the decoder does not rely on it). */
static void test_oversized_buffer(void **state)
{
    virtio_client_t client = test_client();
    ipc_msg_t msg;
    seL4_Word field;
    virtio_request_t request;

    (void)state;
    client.buffer_bytes = VIRTIO_CLIENT_BUFFER_MAX + 1;
    virtio_encode_read(&msg, 0, 0, 1, 0);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_FIELD);
}

/* init's grant: each field at and past its limit. */
static void test_grant(void **state)
{
    virtio_window_t window = {.first = 8, .sectors = 100};
    ipc_msg_t msg;
    seL4_Word field;
    virtio_request_t request;

    (void)state;
    virtio_encode_grant(&msg, VIRTIO_CLIENTS_MAX - 1, VIRTIO_DISKS_MAX - 1, &window, 4096);
    assert_int_equal(decode(&msg, &field, &request), IPC_OK);
    assert_int_equal(request.client, VIRTIO_CLIENTS_MAX - 1);
    assert_int_equal(request.grant.first, 8);
    assert_int_equal(request.grant.sectors, 100);
    assert_false(request.grant.read_only);
    static const struct {
        seL4_Word word;
        seL4_Word value;
    } bad[] = {{0, 0},
               {0, VIRTIO_CLIENTS_MAX},
               {1, VIRTIO_DISKS_MAX},
               {3, 0},
               {3, ~0ull - 7},
               {4, 2},
               {5, 0},
               {5, 4095},
               {5, VIRTIO_CLIENT_BUFFER_MAX + 4096}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        virtio_encode_grant(&msg, 5, 0, &window, 4096);
        msg.words[bad[i].word] = bad[i].value;
        assert_int_equal(decode(&msg, &field, &request), IPC_ERR_FIELD);
        assert_int_equal(field, bad[i].word == 2 ? 3 : bad[i].word);
    }
    virtio_encode_grant(&msg, 5, 0, &window, 4096);
    msg.length = 5;
    assert_int_equal(decode(&msg, &field, &request), IPC_ERR_LENGTH);
}

/* Network requests: the device granted, the frame's length and place at and past the limits. */
static void test_net(void **state)
{
    virtio_client_t client = test_client();
    ipc_msg_t msg;
    seL4_Word field;
    virtio_request_t request;
    const seL4_Word end = VIRTIO_CLIENT_BUFFER_MAX;

    (void)state;
    client.nets[0] = true;
    virtio_encode_net_info(&msg, 0);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_OK);
    virtio_encode_net_info(&msg, 1);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_NOT_FOUND);
    virtio_encode_net_info(&msg, VIRTIO_NETS_MAX);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_NOT_FOUND);
    virtio_encode_net_send(&msg, 0, end - VIRTIO_NET_FRAME_MAX, VIRTIO_NET_FRAME_MAX);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_OK);
    assert_int_equal(request.count, VIRTIO_NET_FRAME_MAX);
    static const seL4_Word bad[][2] = {{0, VIRTIO_NET_FRAME_MIN - 1},
                                       {0, VIRTIO_NET_FRAME_MAX + 1},
                                       {0, ~0ull},
                                       {end - VIRTIO_NET_FRAME_MIN + 1, VIRTIO_NET_FRAME_MIN},
                                       {end, VIRTIO_NET_FRAME_MIN},
                                       {~0ull, VIRTIO_NET_FRAME_MIN}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        virtio_encode_net_send(&msg, 0, bad[i][0], bad[i][1]);
        assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_FIELD);
    }
    virtio_encode_net_receive(&msg, 0, end - VIRTIO_NET_FRAME_MAX);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_OK);
    virtio_encode_net_receive(&msg, 0, end - VIRTIO_NET_FRAME_MAX + 1);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_FIELD);
    virtio_encode_grant_net(&msg, VIRTIO_CLIENTS_MAX - 1, VIRTIO_NETS_MAX - 1, 4096);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_OK);
    virtio_encode_grant_net(&msg, VIRTIO_CLIENTS_MAX, 0, 4096);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_FIELD);
    virtio_encode_grant_net(&msg, 5, VIRTIO_NETS_MAX, 4096);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_FIELD);
    virtio_encode_grant_net(&msg, 5, 0, 4097);
    assert_int_equal(virtio_decode(&msg, &client, &request, &field), IPC_ERR_FIELD);
}

static void test_random_messages(void **state)
{
    virtio_client_t client = test_client();

    (void)state;
    srand(17);
    for (int round = 0; round < 200000; round++) {
        ipc_msg_t msg;
        seL4_Word field;
        virtio_request_t request;
        ipc_msg_init(&msg, IPC_VIRTIO_BASE + (seL4_Word)(rand() % 12));
        msg.length = (seL4_Word)(rand() % 8);
        for (seL4_Word i = 0; i < msg.length; i++) {
            seL4_Word word = (seL4_Word)rand();
            msg.words[i] = (rand() % 4 == 0) ? word << 32 | (seL4_Word)rand() : word % 1200;
        }
        if (virtio_decode(&msg, &client, &request, &field) != IPC_OK) {
            continue;
        }
        assert_true(request.disk < VIRTIO_DISKS_MAX);
        const virtio_window_t *window = &client.disks[request.disk];
        if (request.label >= VIRTIO_NET_INFO) {
            assert_true(request.label == VIRTIO_GRANT_NET || request.disk < VIRTIO_NETS_MAX);
            assert_true(request.offset + request.count <= client.buffer_bytes);
            continue;
        }
        if (request.label == VIRTIO_GRANT) {
            assert_true(request.client > 0 && request.client < VIRTIO_CLIENTS_MAX);
            assert_true(request.grant.first + request.grant.sectors > request.grant.first);
            continue;
        }
        if (request.label == VIRTIO_BLK_READ || request.label == VIRTIO_BLK_WRITE) {
            assert_true(window->sectors != 0);
            assert_true(request.count >= 1 && request.count <= VIRTIO_REQUEST_SECTORS);
            assert_true(request.sector >= window->first);
            assert_true(request.sector + request.count <= window->first + window->sectors);
            assert_true(request.offset + request.count * VIRTIO_SECTOR_BYTES <=
                        client.buffer_bytes);
            assert_false(request.label == VIRTIO_BLK_WRITE && window->read_only);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_transfer_limits),
            cmocka_unit_test(test_windows_and_disks),
            cmocka_unit_test(test_labels_and_lengths),
            cmocka_unit_test(test_oversized_buffer),
            cmocka_unit_test(test_grant),
            cmocka_unit_test(test_net),
            cmocka_unit_test(test_random_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
