/*
 * VGA text output (vga.h). Control characters other than newline, carriage return, backspace
 * and tab are shown as '?'; escape sequences meant for the serial terminal are skipped.
 */
#include "vga.h"

#define COLUMNS   80
#define ROWS      25
#define ATTRIBUTE 0x1f00u /* white on blue */

static volatile uint16_t *screen;
static unsigned row;
static unsigned column;
static int in_escape;

void vga_init(volatile uint16_t *buffer)
{
    screen = buffer;
    row = 0;
    column = 0;
    for (unsigned i = 0; screen != NULL && i < COLUMNS * ROWS; i++) {
        screen[i] = ATTRIBUTE | ' ';
    }
}

static void scroll(void)
{
    for (unsigned i = 0; i < COLUMNS * (ROWS - 1); i++) {
        screen[i] = screen[i + COLUMNS];
    }
    for (unsigned i = COLUMNS * (ROWS - 1); i < COLUMNS * ROWS; i++) {
        screen[i] = ATTRIBUTE | ' ';
    }
}

static void newline(void)
{
    column = 0;
    if (row + 1 == ROWS) {
        scroll();
    } else {
        row++;
    }
}

static void put(char c)
{
    if (in_escape) {
        /* CSI sequences end with a letter. */
        in_escape = !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
        return;
    }
    switch (c) {
    case '\x1b':
        in_escape = 1;
        return;
    case '\n':
        newline();
        return;
    case '\r':
        column = 0;
        return;
    case '\b':
        if (column > 0) {
            column--;
        }
        return;
    case '\t':
        column = (column + 8) & ~7u;
        break;
    default:
        screen[row * COLUMNS + column] = ATTRIBUTE | (uint8_t)(c >= ' ' && c < 127 ? c : '?');
        column++;
        break;
    }
    if (column >= COLUMNS) {
        newline();
    }
}

void vga_write(const char *text, size_t length)
{
    for (size_t i = 0; screen != NULL && i < length; i++) {
        put(text[i]);
    }
}

void vga_clear_line(void)
{
    for (unsigned i = 0; screen != NULL && i < COLUMNS; i++) {
        screen[row * COLUMNS + i] = ATTRIBUTE | ' ';
    }
    column = 0;
}
