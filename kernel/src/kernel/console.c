/*
 * The kernel console (kernel/console.h): every byte goes to the log page, and to the serial line
 * unless user space has been handed the UART. The log page is a page of its own in the kernel
 * image, so that a read-only mapping of it shows nothing else.
 */
#include <arch/serial.h>
#include <kernel/console.h>
#include <kernel/memory.h>
#include <sel4/bootinfo.h>
#include <sel4/objecttypes.h>

_Static_assert(sizeof(seL4_KernelLogPage) == BIT(seL4_PageBits), "the log page is one page");

static seL4_KernelLogPage log_page ALIGNED(BIT(seL4_PageBits));
static bool line_handed_over;

static void log_append(char c)
{
    seL4_Uint64 at = log_page.written;

    log_page.text[at % seL4_KernelLogTextBytes] = c;
    /* The byte is in place before the count that covers it (x86 keeps stores in order; the
     * compiler must too). */
    __asm__ volatile("" ::: "memory");
    log_page.written = at + 1;
}

void console_putc(char c)
{
    log_append(c);
    if (!line_handed_over) {
        serial_putc(c);
    }
}

void console_hand_over(void)
{
    if (!line_handed_over) {
        serial_flush();
        line_handed_over = true;
    }
}

void console_take_back(void)
{
    if (line_handed_over) {
        /* What user space left in the transmitter goes out before the UART is programmed again
         * (which clears its FIFO). */
        serial_flush();
        serial_init();
        line_handed_over = false;
    }
}

bool console_handed_over(void)
{
    return line_handed_over;
}

void console_prepare_panic(void)
{
    console_take_back();
}

paddr_t console_log_paddr(void)
{
    return kptr_to_paddr(&log_page);
}
