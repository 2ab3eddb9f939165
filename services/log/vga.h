/*
 * The 80x25 VGA text screen as a second console: the same text as the serial line, white on
 * blue, scrolling up one line at a time.
 */
#ifndef LOG_VGA_H
#define LOG_VGA_H

#include <stddef.h>
#include <stdint.h>

/* The text buffer, mapped at buffer (NULL: no screen, every call does nothing). */
void vga_init(volatile uint16_t *buffer);

void vga_write(const char *text, size_t length);

/* Clears the line the cursor is on and moves to its start (the prompt's redraw). */
void vga_clear_line(void);

#endif
