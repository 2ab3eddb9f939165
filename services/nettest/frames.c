/*
 * ARP replies and a TCP echo (frames.h): just enough TCP for one exchange at a time (QEMU's
 * user network, restricted, forwards only TCP both ways): the handshake, data echoed as it
 * comes, the close. No retransmission: the path is QEMU's loopback.
 */
#include "frames.h"
#include <runtime/string.h>

#define ETH_HEADER     14
#define ETH_TYPE_ARP   0x0806
#define ETH_TYPE_IPV4  0x0800
#define ARP_BYTES      28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2
#define IP_PROTO_TCP   6
#define TCP_HEADER     20u
#define TCP_FIN        0x01
#define TCP_SYN        0x02
#define TCP_RST        0x04
#define TCP_PSH        0x08
#define TCP_ACK        0x10
#define TCP_ISS        0x62656100u /* its first sequence number */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t value)
{
    p[0] = (uint8_t)(value >> 8);
    p[1] = (uint8_t)value;
}

static void put_mac(uint8_t *p, uint64_t mac)
{
    for (unsigned i = 0; i < 6; i++) {
        p[i] = (uint8_t)(mac >> (8 * i));
    }
}

static void swap(uint8_t *a, uint8_t *b, unsigned bytes)
{
    uint8_t keep[6];

    memcpy(keep, a, bytes);
    memcpy(a, b, bytes);
    memcpy(b, keep, bytes);
}

static frame_kind_t arp_answer(uint8_t *frame, uint32_t length, uint64_t mac, uint32_t *answer)
{
    uint8_t *arp = frame + ETH_HEADER;

    if (length < ETH_HEADER + ARP_BYTES || be16(arp) != 1 || be16(arp + 2) != ETH_TYPE_IPV4 ||
        arp[4] != 6 || arp[5] != 4 || be16(arp + 6) != ARP_OP_REQUEST ||
        be32(arp + 24) != NETTEST_IP) {
        return FRAME_IGNORED;
    }
    put_be16(arp + 6, ARP_OP_REPLY);
    memcpy(arp + 18, arp + 8, 10); /* the asker becomes the target */
    put_mac(arp + 8, mac);
    arp[14] = (uint8_t)(NETTEST_IP >> 24);
    arp[15] = (uint8_t)(NETTEST_IP >> 16);
    arp[16] = (uint8_t)(NETTEST_IP >> 8);
    arp[17] = (uint8_t)NETTEST_IP;
    memcpy(frame, frame + 6, 6);
    put_mac(frame + 6, mac);
    *answer = ETH_HEADER + ARP_BYTES;
    return FRAME_ARP_REPLY;
}

/* The ones' complement sum of bytes (an odd last byte as the high half of a word). */
static uint32_t sum16(const uint8_t *bytes, uint32_t length, uint32_t sum)
{
    for (uint32_t i = 0; i + 1 < length; i += 2) {
        sum += be16(bytes + i);
    }
    if (length % 2 != 0) {
        sum += (uint32_t)bytes[length - 1] << 8;
    }
    return sum;
}

static uint16_t sum_fold(uint32_t sum)
{
    while (sum >> 16 != 0) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static void put_be32(uint8_t *p, uint32_t value)
{
    put_be16(p, (uint16_t)(value >> 16));
    put_be16(p + 2, (uint16_t)value);
}

/* The echo connection's own sequence numbers: its next byte, per remote port (a few). */
static struct {
    uint16_t port;
    uint32_t next;
} connections[4];
static unsigned connection_next;

static uint32_t *connection_find(uint16_t port, bool open)
{
    for (unsigned i = 0; i < 4; i++) {
        if (connections[i].port == port && port != 0) {
            if (open) {
                connections[i].next = TCP_ISS;
            }
            return &connections[i].next;
        }
    }
    if (!open) {
        return NULL;
    }
    unsigned i = connection_next++ % 4;
    connections[i].port = port;
    connections[i].next = TCP_ISS;
    return &connections[i].next;
}

/*
 * The answer to a TCP segment to the echo port: SYN gets SYN-ACK, data gets the same data
 * back (ACK, PSH), FIN gets FIN-ACK; a bare ACK needs none. The segment's options are dropped.
 */
static frame_kind_t tcp_answer(uint8_t *frame, uint32_t length, uint64_t mac, uint32_t *answer)
{
    uint8_t *ip = frame + ETH_HEADER;
    unsigned ip_header;
    unsigned tcp_header;
    uint32_t ip_length;

    if (length < ETH_HEADER + 20 || (ip[0] >> 4) != 4) {
        return FRAME_IGNORED;
    }
    ip_header = (ip[0] & 0xfu) * 4u;
    ip_length = be16(ip + 2);
    if (ip_header < 20 || ip_length > length - ETH_HEADER || ip_length < ip_header + TCP_HEADER ||
        ip[9] != IP_PROTO_TCP || be32(ip + 16) != NETTEST_IP) {
        return FRAME_IGNORED;
    }
    uint8_t *tcp = ip + ip_header;
    tcp_header = (tcp[12] >> 4) * 4u;
    if (tcp_header < TCP_HEADER || tcp_header > ip_length - ip_header ||
        be16(tcp + 2) != NETTEST_ECHO_PORT) {
        return FRAME_IGNORED;
    }
    uint8_t flags = tcp[13];
    uint32_t data = ip_length - ip_header - tcp_header;
    uint32_t their_seq = be32(tcp + 4);
    uint32_t *next = connection_find(be16(tcp), (flags & TCP_SYN) != 0);
    uint8_t reply;
    uint32_t acked;

    if (next == NULL || (flags & TCP_RST) != 0) {
        return FRAME_IGNORED;
    }
    if ((flags & TCP_SYN) != 0) {
        reply = TCP_SYN | TCP_ACK;
        acked = their_seq + 1;
        data = 0;
    } else if ((flags & TCP_FIN) != 0) {
        reply = TCP_FIN | TCP_ACK;
        acked = their_seq + data + 1;
        data = 0;
    } else if (data != 0) {
        reply = TCP_ACK | TCP_PSH;
        acked = their_seq + data;
    } else {
        return FRAME_IGNORED;
    }
    /* Data (if echoed) moves up to follow a header without options. */
    memmove(tcp + TCP_HEADER, tcp + tcp_header, data);
    swap(tcp, tcp + 2, 2);
    put_be32(tcp + 4, *next);
    put_be32(tcp + 8, acked);
    tcp[12] = (uint8_t)((TCP_HEADER / 4) << 4);
    tcp[13] = reply;
    put_be16(tcp + 14, 8192);
    put_be16(tcp + 16, 0);
    put_be16(tcp + 18, 0);
    *next += data + ((reply & (TCP_SYN | TCP_FIN)) != 0 ? 1 : 0);
    /* The IP header: no options kept either, addresses swapped, checksums made again. */
    if (ip_header != 20) {
        memmove(ip + 20, tcp, TCP_HEADER + data);
        tcp = ip + 20;
    }
    ip[0] = 0x45;
    put_be16(ip + 2, (uint16_t)(20 + TCP_HEADER + data));
    ip[8] = 64;
    swap(ip + 12, ip + 16, 4);
    put_be16(ip + 10, 0);
    put_be16(ip + 10, sum_fold(sum16(ip, 20, 0)));
    uint32_t pseudo = sum16(ip + 12, 8, 0) + IP_PROTO_TCP + TCP_HEADER + data;
    put_be16(tcp + 16, sum_fold(sum16(tcp, TCP_HEADER + data, pseudo)));
    memcpy(frame, frame + 6, 6);
    put_mac(frame + 6, mac);
    *answer = ETH_HEADER + 20 + TCP_HEADER + data;
    return data != 0 ? FRAME_TCP_ECHO : FRAME_TCP_CONTROL;
}

frame_kind_t frame_answer(uint8_t *frame, uint32_t length, uint64_t mac, uint32_t *answer_length)
{
    if (length < ETH_HEADER) {
        return FRAME_IGNORED;
    }
    switch (be16(frame + 12)) {
    case ETH_TYPE_ARP:
        return arp_answer(frame, length, mac, answer_length);
    case ETH_TYPE_IPV4:
        return tcp_answer(frame, length, mac, answer_length);
    default:
        return FRAME_IGNORED;
    }
}
