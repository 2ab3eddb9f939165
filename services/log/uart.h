/*
 * The console UART (COM1, a 16550) driven through its I/O port capability: 115200 baud 8N1,
 * FIFOs on, an interrupt when bytes arrive. Writes wait (bounded) for room in the transmitter.
 */
#ifndef LOG_UART_H
#define LOG_UART_H

#include <sel4/functions.h>
#include <stdbool.h>
#include <stddef.h>

/* Programs the UART whose ports start at base, through the capability ports. */
void uart_init(seL4_CPtr ports, seL4_Word base);

void uart_write(const char *text, size_t length);

/* Reads up to max received bytes into out; returns how many. */
size_t uart_read(char *out, size_t max);

#endif
