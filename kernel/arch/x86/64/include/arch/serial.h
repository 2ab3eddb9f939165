/*
 * COM1 console: polled 16550 output (the kernel reads nothing from the UART). Used by the
 * kernel console (kernel/console.h) only, and only while user space does not hold the UART's
 * ports: IOPortControl issues them as one range, SERIAL_COM1_PORT .. SERIAL_COM1_LAST.
 */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#define SERIAL_COM1_PORT 0x3f8
#define SERIAL_COM1_LAST 0x3ff

/* Program COM1 for 115200 baud, 8N1, FIFOs on, interrupts off. */
void serial_init(void);

/*
 * Write one byte; "\n" is sent as "\r\n" and then waits until the line has left the UART. Other
 * bytes wait only when the transmit FIFO may be full.
 */
void serial_putc(char c);

/* Wait (bounded) until every byte written has been transmitted. */
void serial_flush(void);

#endif
