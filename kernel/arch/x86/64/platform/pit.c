/*
 * PIT channel 2 as a one-shot for TSC calibration: gate on, speaker off, mode 0; its count is
 * read with the latch command, its output in port 0x61. Never touches channel 0 or 1.
 */
#include <arch/io.h>
#include <arch/pit.h>

#define PIT_CHANNEL2_DATA 0x42
#define PIT_COMMAND       0x43
#define PORT_B            0x61 /* NMI status and control: gate 2, speaker, OUT2 */
#define PORT_B_GATE2      0x01
#define PORT_B_SPEAKER    0x02
#define PORT_B_OUT2       0x20

/* Channel 2, access low byte then high byte, mode 0, binary counting. */
#define PIT_CMD_CH2_MODE0 0xb0
/* Channel 2, counter latch: the next two data reads return the count at this instant. */
#define PIT_CMD_CH2_LATCH 0x80

void pit_channel2_start(uint16_t ticks)
{
    uint8_t port_b = io_in8(PORT_B);
    io_out8(PORT_B, (uint8_t)((port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    io_out8(PIT_COMMAND, PIT_CMD_CH2_MODE0);
    io_out8(PIT_CHANNEL2_DATA, (uint8_t)(ticks & 0xff));
    io_out8(PIT_CHANNEL2_DATA, (uint8_t)(ticks >> 8));
}

bool pit_channel2_expired(void)
{
    return (io_in8(PORT_B) & PORT_B_OUT2) != 0;
}

uint16_t pit_channel2_count(void)
{
    io_out8(PIT_COMMAND, PIT_CMD_CH2_LATCH);
    uint8_t low = io_in8(PIT_CHANNEL2_DATA);
    uint8_t high = io_in8(PIT_CHANNEL2_DATA);
    return (uint16_t)(low | (high << 8));
}
