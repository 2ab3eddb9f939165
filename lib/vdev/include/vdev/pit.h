/*
 * The 8254 PIT of a PC: channels 0-2 at ports 0x40-0x42, the control word at 0x43, and port
 * 0x61 (system control port B: channel 2's gate and speaker enable, OUT2, the refresh toggle).
 * Channel 0's OUT drives ISA IRQ 0; channel 1 drives nothing; channel 2's OUT is read at 0x61.
 * The input clock is 105/88 MHz (1.193182 MHz, 14.31818 MHz / 12).
 *
 * Implemented: all six modes (6 and 7 alias 2 and 3), binary and BCD counting, LSB, MSB and
 * LSB-then-MSB access with separate read and write flip-flops, the counter latch command, the
 * read-back command (count and status latches, OUT and null-count in the status byte), gates
 * (channel 2's through port 0x61; channels 0 and 1 have theirs tied high), a new count in
 * modes 2 and 3 taking effect at the end of the current period. The count, OUT and the refresh
 * toggle are computed from `now`, so a guest that calibrates its TSC against channel 2 sees
 * them agree with time.
 * IRQ 0: at each rising edge of channel 0's OUT the line is lowered (if high) and raised, so
 * both an edge-triggered 8259 input and an edge-triggered I/O APIC pin see one edge per period;
 * between edges the line rests at OUT's level in modes 0 and 1 and high in the others (in mode 3
 * OUT is low for half a period while the line stays high: nothing level-triggered uses IRQ 0).
 * Edges a late vdev_pit_advance missed are coalesced into one.
 * Not modelled: the one-clock delay of a count load, the exact count sequence of mode 3 with an
 * odd count (the half periods are right; the values read are the even-count sequence's).
 */
#ifndef VDEV_PIT_H
#define VDEV_PIT_H

#include <vdev/vdev.h>

#define VDEV_PIT_CHANNELS 3

typedef struct vdev_pit_channel {
    uint8_t mode;   /* 0-5 */
    uint8_t access; /* 1: LSB, 2: MSB, 3: LSB then MSB */
    bool bcd;
    bool gate;
    uint32_t count;     /* the count register: 1..65536 (BCD: 1..10000), 0 while none written */
    uint32_t run_count; /* what the counting element counts down from */
    bool counting;      /* loaded (and, in modes 1 and 5, triggered) */
    bool paused;        /* gate low in modes 0, 2, 3, 4 */
    bool null_count;
    bool reload_pending; /* modes 2, 3: count becomes run_count at tick reload_at */
    uint64_t reload_at;
    uint64_t start;        /* guest ns when the counting element last started or resumed */
    uint64_t ticks_before; /* ticks counted before `start` */
    uint64_t origin;       /* the tick (counted from the load) where the current run began */
    uint64_t edges;        /* OUT rising edges already reported (channel 0) */
    bool write_msb_next;
    uint8_t write_lsb;
    bool read_msb_next;
    bool count_latched;
    bool latch_msb_next;
    uint16_t latch;
    bool status_latched;
    uint8_t status;
} vdev_pit_channel_t;

typedef struct vdev_pit {
    vdev_pit_channel_t channel[VDEV_PIT_CHANNELS];
    uint8_t port61; /* bits 0-3 as written */
    vdev_line_t irq0;
    bool irq0_level;
    uint64_t irq0_edges;
} vdev_pit_t;

/* Power-on: every channel in mode 0 with no count, gate 2 low; irq0 is ISA IRQ 0's line. */
void vdev_pit_init(vdev_pit_t *pit, const vdev_line_t *irq0);

/* Ports 0x40-0x43 (offset 0-3) and 0x61; one byte each. */
uint8_t vdev_pit_read(vdev_pit_t *pit, unsigned offset, uint64_t now);
void vdev_pit_write(vdev_pit_t *pit, unsigned offset, uint8_t value, uint64_t now);
uint8_t vdev_pit_port61_read(vdev_pit_t *pit, uint64_t now);
void vdev_pit_port61_write(vdev_pit_t *pit, uint8_t value, uint64_t now);

/* Channel 0's next OUT rising edge (the only thing that happens by itself). */
uint64_t vdev_pit_next_deadline(const vdev_pit_t *pit, uint64_t now);
void vdev_pit_advance(vdev_pit_t *pit, uint64_t now);

/* A channel's OUT and count at `now` (tests, vm stats). */
bool vdev_pit_out(vdev_pit_t *pit, unsigned channel, uint64_t now);
uint16_t vdev_pit_count(vdev_pit_t *pit, unsigned channel, uint64_t now);

#endif
