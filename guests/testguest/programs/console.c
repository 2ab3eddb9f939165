/*
 * console: the serial line itself. Prints lines whose content a reader can verify by eye, and
 * checks what the 16550 defines (scratch register, divisor latch, transmitter-empty status) and
 * what the formatter produces, since every other program's output depends on both.
 */
#include <fmt/fmt.h>

#include "check.h"
#include "console.h"
#include "cpu.h"
#include "programs.h"
#include "string.h"

#define UART_SCRATCH     7
#define UART_LINE_CTRL   3
#define UART_LINE_STATUS 5
#define LCR_DLAB         0x80
#define LSR_THR_EMPTY    0x20
#define LSR_TX_IDLE      0x40

static void check_format(const char *expected, const char *format, ...)
        __attribute__((format(printf, 2, 3)));

static void check_format(const char *expected, const char *format, ...)
{
    char buffer[64];
    va_list args;
    va_start(args, format);
    fmt_vsnprintf(buffer, sizeof(buffer), format, args);
    va_end(args);
    check(strcmp(buffer, expected) == 0, "format \"%s\" gives \"%s\"", format, expected);
}

static void check_uart(void)
{
    bool scratch_ok = true;
    for (unsigned v = 0; v < 256; v += 0x55) {
        outb(COM1_BASE + UART_SCRATCH, (uint8_t)v);
        scratch_ok = scratch_ok && inb(COM1_BASE + UART_SCRATCH) == v;
    }
    check(scratch_ok, "scratch register keeps 0x00, 0x55, 0xaa, 0xff");

    uint8_t lcr = inb(COM1_BASE + UART_LINE_CTRL);
    outb(COM1_BASE + UART_LINE_CTRL, (uint8_t)(lcr | LCR_DLAB));
    uint16_t divisor = (uint16_t)(inb(COM1_BASE) | inb(COM1_BASE + 1) << 8);
    outb(COM1_BASE + UART_LINE_CTRL, lcr);
    check_eq(divisor, 1, "divisor latch reads back 1 (115200 baud)");
    check_eq(lcr, 0x03, "line control reads back 8N1");

    /* Once every byte has gone out, both "holding register empty" and "idle" must show. */
    uint8_t status = 0;
    for (unsigned spins = 0; spins < 1000000; spins++) {
        status = inb(COM1_BASE + UART_LINE_STATUS);
        if ((status & (LSR_THR_EMPTY | LSR_TX_IDLE)) == (LSR_THR_EMPTY | LSR_TX_IDLE)) {
            break;
        }
    }
    check((status & (LSR_THR_EMPTY | LSR_TX_IDLE)) == (LSR_THR_EMPTY | LSR_TX_IDLE),
          "line status shows the transmitter empty and idle");
}

void program_console(void)
{
    say("hello from the test guest");
    char printable[96];
    for (int c = ' '; c <= '~'; c++) {
        printable[c - ' '] = (char)c;
    }
    printable[95] = '\0';
    say("printable ASCII: %s", printable);
    say("a line longer than a terminal: %s%s", "0123456789abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-0123456789abcdefghij");

    check_format("42 -17 0x2a 052 c hi", "%d %d %#x %#o %c %s", 42, -17, 42, 42, 'c', "hi");
    check_format("[  7] [7  ] [007]", "[%3d] [%-3d] [%03d]", 7, 7, 7);
    check_format("18446744073709551615", "%llu", ~0ull);
    check_format("-9223372036854775808", "%lld", (long long)(-0x7fffffffffffffffll - 1));
    check_format("ffffffff80000000", "%llx", 0xffffffff80000000ull);
    check_uart();
}
