/*
 * A 16550A UART (COM1: ports 0x3f8-0x3ff, ISA IRQ 4). Bytes the guest transmits go to the
 * owner's transmit callback (the VMM's log, with the VM's name); bytes from the console enter
 * through vdev_uart_receive.
 *
 * Implemented: RBR/THR, IER (bits 0-3), IIR with its priorities (line status, received data,
 * character timeout, THR empty, modem status) and the FIFO bits, FCR (enable, resets, receive
 * trigger level 1/4/8/14), LCR (word length, stop bits and parity only time the character
 * timeout; DLAB), MCR (DTR, RTS, OUT1, OUT2, loopback), LSR (DR, OE, THRE, TEMT), MSR (CTS, DSR,
 * RI, DCD and their deltas; outside loopback a terminal is present: CTS, DSR and DCD set), SCR,
 * the divisor latch. The IRQ line is the interrupt output gated by OUT2, as on a PC (and low
 * in loopback mode, where OUT2 does not reach the pin).
 * Transmission takes no time: THR and the shift register are empty again at once (THRE and
 * TEMT stay set), and the THR-empty interrupt follows each write. The character timeout
 * (FIFO mode, data below the trigger level, no FIFO activity for four character times at the
 * programmed speed) is computed from `now`.
 * Not modelled: parity, framing and break errors (a console has none), the FIFO of the
 * transmitter (nothing waits in it), DMA mode signalling, the 16750's 64-byte FIFO bit.
 * Receiving: vdev_uart_receive takes what fits (16 bytes in FIFO mode, 1 without) and returns
 * the count; the VMM keeps the rest for later (no overrun from the console). A byte looped
 * back in loopback mode into a full receiver sets OE, as the chip does.
 */
#ifndef VDEV_UART_H
#define VDEV_UART_H

#include <vdev/vdev.h>

#define VDEV_UART_FIFO     16u
#define VDEV_UART_CLOCK_HZ 1843200u

typedef void (*vdev_uart_transmit_fn)(void *context, uint8_t byte);

typedef struct vdev_uart {
    uint8_t ier;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t scr;
    uint8_t fcr;        /* the bits that stick: enable, trigger level */
    uint8_t lsr_errors; /* OE, until LSR is read */
    uint8_t msr_inputs; /* CTS, DSR, RI, DCD in bits 4-7 */
    uint8_t msr_deltas; /* bits 0-3 */
    uint16_t divisor;
    uint8_t rx[VDEV_UART_FIFO];
    uint8_t rx_head;
    uint8_t rx_count;
    bool thre_pending;    /* THR-empty interrupt condition, until IIR shows it or THR is written */
    uint64_t rx_activity; /* the last FIFO activity (a byte in or out) */
    vdev_line_t irq;
    bool irq_level;
    vdev_uart_transmit_fn transmit;
    void *transmit_context;
    uint64_t transmitted;
    uint64_t received;
    uint64_t overruns;
} vdev_uart_t;

/* Reset state (8250-compatible: FIFO off, IER 0, MCR 0, divisor 12 = 9600 baud). */
void vdev_uart_init(vdev_uart_t *uart, const vdev_line_t *irq, vdev_uart_transmit_fn transmit,
                    void *transmit_context);

/* Registers at offsets 0-7; one byte. */
uint8_t vdev_uart_read(vdev_uart_t *uart, unsigned offset, uint64_t now);
void vdev_uart_write(vdev_uart_t *uart, unsigned offset, uint8_t value, uint64_t now);

/* Console input: the number of bytes taken (0 in loopback mode: the line is disconnected). */
size_t vdev_uart_receive(vdev_uart_t *uart, const uint8_t *bytes, size_t length, uint64_t now);

/* Room in the receiver for vdev_uart_receive. */
size_t vdev_uart_receive_room(const vdev_uart_t *uart);

/* The character timeout is the only thing that happens by itself. */
uint64_t vdev_uart_next_deadline(const vdev_uart_t *uart, uint64_t now);
void vdev_uart_advance(vdev_uart_t *uart, uint64_t now);

#endif
