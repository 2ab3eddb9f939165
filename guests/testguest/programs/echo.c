/*
 * echo: reads COM1 by polling its line status and writes every line it receives back in upper
 * case, until the line "end". The program that proves a VM's console input (the shell's
 * `vm console`, or QEMU's serial input bare) reaches the guest's UART byte for byte.
 */
#include "check.h"
#include "console.h"
#include "cpu.h"
#include "programs.h"
#include "string.h"

#define UART_DATA        0
#define UART_LINE_STATUS 5
#define LSR_DATA_READY   0x01

#define ECHO_LINE_MAX 120

static uint8_t uart_get(void)
{
    while ((inb(COM1_BASE + UART_LINE_STATUS) & LSR_DATA_READY) == 0) {
        cpu_relax();
    }
    return inb(COM1_BASE + UART_DATA);
}

/* One line: CR or LF ends it (a LF right after a CR is that same end); DEL and BS erase the
 * byte before; other control bytes are dropped; bytes past ECHO_LINE_MAX are counted. */
static size_t line_read(char *line, bool *after_cr, unsigned *dropped)
{
    size_t length = 0;

    *dropped = 0;
    for (;;) {
        uint8_t byte = uart_get();
        bool was_cr = *after_cr;
        *after_cr = byte == '\r';
        if (byte == '\n' && was_cr) {
            continue;
        }
        if (byte == '\r' || byte == '\n') {
            line[length] = '\0';
            return length;
        }
        if ((byte == 0x7f || byte == 0x08) && length > 0) {
            length--;
        } else if (byte < 0x20 || byte > 0x7e) {
            continue;
        } else if (length < ECHO_LINE_MAX) {
            line[length++] = (char)byte;
        } else {
            (*dropped)++;
        }
    }
}

void program_echo(void)
{
    char line[ECHO_LINE_MAX + 1];
    bool after_cr = false;
    unsigned lines = 0;
    unsigned dropped;

    say("ready: each line comes back in upper case; the line 'end' ends");
    for (;;) {
        size_t length = line_read(line, &after_cr, &dropped);
        if (strcmp(line, "end") == 0) {
            break;
        }
        for (size_t i = 0; i < length; i++) {
            if (line[i] >= 'a' && line[i] <= 'z') {
                line[i] = (char)(line[i] - 'a' + 'A');
            }
        }
        lines++;
        say("%s", line);
        if (dropped != 0) {
            say("%u bytes past %u dropped", dropped, ECHO_LINE_MAX);
        }
    }
    check(lines > 0, "%u lines echoed before 'end'", lines);
}
