/*
 * Host tests of what the network side takes from less trusted parties: the driver's check of
 * the device's used entries (services/virtio/net_check.c: ids of buffers not posted, lengths
 * that are no frame, indices that run ahead), and nettest's parser of received frames
 * (services/nettest/frames.c: every truncation of an ARP request and a TCP segment ignored,
 * never read past, and the answers' checksums right).
 */
#include "frames.h"
#include "net.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PAGE 4096

static net_device_t *device_new(void)
{
    net_device_t *net = calloc(1, sizeof(*net));

    virtq_init(&net->rx, (uintptr_t)aligned_alloc(PAGE, PAGE), 0x1000, VIRTQ_SIZE_MAX);
    virtq_init(&net->tx, (uintptr_t)aligned_alloc(PAGE, PAGE), 0x2000, VIRTQ_SIZE_MAX);
    for (unsigned i = 0; i < NET_RX_BUFFERS; i++) {
        net->rx_posted[i] = true;
    }
    return net;
}

static void device_free(net_device_t *net)
{
    free((void *)net->rx.page);
    free((void *)net->tx.page);
    free(net);
}

static void used_write(virtq_t *queue, uint16_t index, uint32_t id, uint32_t length)
{
    uint8_t *entry = (uint8_t *)queue->page + VIRTQ_DEVICE_OFFSET + 4;
    memcpy(entry, &id, 4);
    memcpy(entry + 4, &length, 4);
    memcpy((uint8_t *)queue->page + VIRTQ_DEVICE_OFFSET + 2, &index, 2);
}

static void test_rx_check(void **state)
{
    static const struct {
        uint16_t pending;
        uint32_t id;
        uint32_t length;
        bool ok;
    } cases[] = {
            {1, 0, NET_HEADER + VIRTIO_NET_FRAME_MIN, true},
            {1, 7, NET_HEADER + VIRTIO_NET_FRAME_MAX, true},
            {8, 3, NET_HEADER + 60, true},
            {9, 3, NET_HEADER + 60, false},          /* more than posted */
            {1, 8, NET_HEADER + 60, false},          /* no such buffer */
            {1, 0xffffffff, NET_HEADER + 60, false}, /* huge id */
            {1, 0, NET_HEADER + VIRTIO_NET_FRAME_MIN - 1, false},
            {1, 0, NET_HEADER + VIRTIO_NET_FRAME_MAX + 1, false},
            {1, 0, 0, false},
            {1, 0, 0xffffffff, false},
    };

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        net_device_t *net = device_new();
        uint32_t id;
        uint32_t length;
        const char *why = NULL;
        used_write(&net->rx, cases[i].pending, cases[i].id, cases[i].length);
        assert_int_equal(net_rx_check(net, cases[i].pending, &id, &length, &why), cases[i].ok);
        if (cases[i].ok) {
            assert_int_equal(id, cases[i].id);
        } else {
            assert_non_null(why);
        }
        device_free(net);
    }
    /* A buffer taken and not posted again is no longer a valid id. */
    net_device_t *net = device_new();
    uint32_t id;
    uint32_t length;
    const char *why = NULL;
    net->rx_posted[2] = false;
    used_write(&net->rx, 1, 2, NET_HEADER + 60);
    assert_false(net_rx_check(net, 1, &id, &length, &why));
    device_free(net);
}

static void test_tx_check(void **state)
{
    net_device_t *net = device_new();
    const char *why = NULL;

    (void)state;
    used_write(&net->tx, 1, 0, 0);
    assert_false(net_tx_check(net, 1, &why)); /* nothing in flight */
    net->tx_bytes = 100;
    assert_true(net_tx_check(net, 0, &why));
    assert_true(net_tx_check(net, 1, &why));
    assert_false(net_tx_check(net, 2, &why));
    used_write(&net->tx, 1, 1, 0);
    assert_false(net_tx_check(net, 1, &why)); /* not the head */
    used_write(&net->tx, 1, 0, 101);
    assert_false(net_tx_check(net, 1, &why)); /* longer than the frame */
    device_free(net);
}

/* An ARP request from 52:55:0a:00:02:02 (10.0.2.2) for 10.0.2.15. */
static uint32_t arp_request(uint8_t *f)
{
    static const uint8_t frame[42] = {
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x06,
            0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02,
            10,   0,    2,    2,    0,    0,    0,    0,    0,    0,    10,   0,    2,    15};
    memcpy(f, frame, sizeof(frame));
    return sizeof(frame);
}

static uint16_t checksum(const uint8_t *bytes, uint32_t length, uint32_t sum)
{
    for (uint32_t i = 0; i + 1 < length; i += 2) {
        sum += (uint32_t)(bytes[i] << 8 | bytes[i + 1]);
    }
    if (length % 2) {
        sum += (uint32_t)bytes[length - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/* A TCP segment 10.0.2.2:4000 -> 10.0.2.15:7 with flags, options bytes and data. */
static uint32_t tcp_segment(uint8_t *f, uint8_t flags, unsigned options, const char *data)
{
    uint32_t data_length = (uint32_t)strlen(data);
    uint32_t tcp_length = 20 + options + data_length;
    uint8_t *ip = f + 14;
    uint8_t *tcp = ip + 20;

    memset(f, 0, 14 + 20 + tcp_length);
    memcpy(f, "\x52\x54\x00\x12\x34\x56\x52\x55\x0a\x00\x02\x02\x08\x00", 14);
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + tcp_length) >> 8);
    ip[3] = (uint8_t)(20 + tcp_length);
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\x00\x02\x02\x0a\x00\x02\x0f", 8);
    tcp[0] = 4000 >> 8;
    tcp[1] = 4000 & 0xff;
    tcp[3] = 7;
    tcp[7] = 100; /* seq 100 */
    tcp[12] = (uint8_t)(((20 + options) / 4) << 4);
    tcp[13] = flags;
    memcpy(tcp + 20 + options, data, data_length);
    return 14 + 20 + tcp_length;
}

static void test_frames(void **state)
{
    uint8_t frame[2048];
    uint32_t answer = 0;
    const uint64_t mac = 0x563412005452ull;

    (void)state;
    uint32_t length = arp_request(frame);
    for (uint32_t cut = 0; cut < length; cut++) {
        uint8_t *copy = malloc(cut + 1); /* ASan: not a byte past cut may be read */
        memcpy(copy, frame, cut);
        assert_int_equal(frame_answer(copy, cut, mac, &answer), FRAME_IGNORED);
        free(copy);
    }
    assert_int_equal(frame_answer(frame, length, mac, &answer), FRAME_ARP_REPLY);
    assert_int_equal(answer, 42);
    assert_int_equal(frame[21], 2);                                 /* a reply */
    assert_memory_equal(frame + 32, "\x52\x55\x0a\x00\x02\x02", 6); /* to the asker */

    /* A SYN with options, then data: answers with checksums that verify. */
    length = tcp_segment(frame, 0x02, 4, "");
    assert_int_equal(frame_answer(frame, length, mac, &answer), FRAME_TCP_CONTROL);
    assert_int_equal(answer, 54);
    assert_int_equal(frame[14 + 20 + 13], 0x12); /* SYN, ACK */
    assert_int_equal(checksum(frame + 14, 20, 0), 0xffff);
    length = tcp_segment(frame, 0x18, 0, "hello, beaml4");
    for (uint32_t cut = 0; cut < length; cut++) {
        uint8_t *copy = malloc(cut + 1);
        memcpy(copy, frame, cut);
        assert_int_equal(frame_answer(copy, cut, mac, &answer), FRAME_IGNORED);
        free(copy);
    }
    assert_int_equal(frame_answer(frame, length, mac, &answer), FRAME_TCP_ECHO);
    assert_int_equal(answer, length);
    assert_memory_equal(frame + 54, "hello, beaml4", 13);
    uint32_t pseudo = checksum(frame + 26, 8, 0) + 6 + 20 + 13;
    assert_int_equal(checksum(frame + 34, 20 + 13, pseudo), 0xffff);
    /* Not for it: another port, another address, a bad data offset. */
    length = tcp_segment(frame, 0x18, 0, "x");
    frame[14 + 20 + 3] = 8;
    assert_int_equal(frame_answer(frame, length, mac, &answer), FRAME_IGNORED);
    length = tcp_segment(frame, 0x18, 0, "x");
    frame[14 + 19] = 16;
    assert_int_equal(frame_answer(frame, length, mac, &answer), FRAME_IGNORED);
    length = tcp_segment(frame, 0x18, 0, "x");
    frame[14 + 20 + 12] = 0xf0; /* 60 bytes of header in a 21-byte segment */
    assert_int_equal(frame_answer(frame, length, mac, &answer), FRAME_IGNORED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rx_check),
            cmocka_unit_test(test_tx_check),
            cmocka_unit_test(test_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
