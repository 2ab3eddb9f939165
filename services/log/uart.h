/*
 * The console UART (COM1, a 16550) driven through its I/O port capability: 115200 baud 8N1,
 * FIFOs on, interrupts when bytes arrive and when the transmitter has room.
 *
 * Output never waits for the line: uart_write queues the bytes (a newline as CR LF) in a ring of
 * UART_TX_BYTES and hands the transmitter what it can take at once; the rest goes out from
 * uart_service, on the transmitter's interrupt. A line that does not drain (nobody reads the
 * other end) therefore costs the log service nothing but ring space, and never holds the
 * services below it off the processor. What the ring cannot hold is counted, not written over.
 */
#ifndef LOG_UART_H
#define LOG_UART_H

#include <sel4/functions.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_TX_BYTES 65536u

/* Programs the UART whose ports start at base, through the capability ports. */
void uart_init(seL4_CPtr ports, seL4_Word base);

/* Queues text for the line; bytes past the ring's room are dropped and counted. */
void uart_write(const char *text, size_t length);

/* Reads up to max received bytes into out; returns how many. */
size_t uart_read(char *out, size_t max);

/* The interrupt's work: calls receive(context) while the UART has received bytes, feeds the
 * transmitter, and returns once the UART has no interrupt pending (so that the next event is a
 * new edge on its line), or after a bounded number of rounds under a flood. */
void uart_service(void (*receive)(void *context), void *context);

/* Waits until the ring is empty or the line stops draining (bounded): for a power-off, after
 * which nothing would send the rest. */
void uart_flush(void);

/* Bytes dropped because the ring was full, since the start. */
uint64_t uart_dropped(void);

#endif
