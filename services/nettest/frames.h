/*
 * The frames nettest answers (frames.c): ARP requests for its address, and TCP segments to its
 * echo port, answered in place. Received frames are untrusted: every length is checked
 * before a field is read.
 */
#ifndef NETTEST_FRAMES_H
#define NETTEST_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#define NETTEST_IP        0x0a00020fu /* 10.0.2.15: QEMU's user network gives the guest this */
#define NETTEST_ECHO_PORT 7

typedef enum { FRAME_IGNORED, FRAME_ARP_REPLY, FRAME_TCP_CONTROL, FRAME_TCP_ECHO } frame_kind_t;

/* Turns frame (length bytes) into its answer, in place, when it is an ARP request for
 * NETTEST_IP or a TCP segment to NETTEST_IP:NETTEST_ECHO_PORT that wants one (SYN, data, FIN);
 * *answer_length its length. */
frame_kind_t frame_answer(uint8_t *frame, uint32_t length, uint64_t mac, uint32_t *answer_length);

#endif
