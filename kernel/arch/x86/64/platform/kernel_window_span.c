/*
 * How far the kernel window reaches: pure arithmetic over the top of usable RAM and the CPU's
 * physical address width, host-tested. The tables themselves are built in kernel_window.c.
 */
#include <arch/kernel_window.h>

#define SIZE_1G      0x40000000ull
#define WINDOW_FLOOR (4ull << 30) /* the LAPIC, IOAPICs and other MMIO live below 4 GiB */

uint64_t kernel_window_span(uint64_t usable_top, unsigned phys_address_bits)
{
    uint64_t limit = KERNEL_WINDOW_MAX_BYTES;
    uint64_t top;

    if (phys_address_bits < 64 && (1ull << phys_address_bits) < limit) {
        limit = (1ull << phys_address_bits) & ~(SIZE_1G - 1);
    }
    /* Capped before rounding up, which therefore cannot wrap past 2^64. */
    top = usable_top < limit ? usable_top : limit;
    top = (top + SIZE_1G - 1) & ~(SIZE_1G - 1);
    return top < WINDOW_FLOOR ? WINDOW_FLOOR : top;
}
