/*
 * The 8254 PIT. Channel 0 drives ISA IRQ 0; channel 2's gate and output are reached through
 * port 0x61, which makes it a stopwatch that needs no interrupt.
 */
#include "pit.h"

#include "cpu.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND  0x43
#define PORT_61      0x61

#define PORT_61_GATE2   0x01
#define PORT_61_SPEAKER 0x02
#define PORT_61_OUT2    0x20

/* Command byte: channel (bits 7-6), access lobyte/hibyte (3 << 4), mode (bits 3-1). */
#define PIT_CMD_CHANNEL0_MODE2 0x34
#define PIT_CMD_CHANNEL0_MODE0 0x30
#define PIT_CMD_CHANNEL2_MODE0 0xb0

void pit_channel0_periodic(uint32_t hz)
{
    uint32_t divisor = PIT_HZ / hz;
    if (divisor > 0xffff) {
        divisor = 0xffff;
    }
    outb(PIT_COMMAND, PIT_CMD_CHANNEL0_MODE2);
    outb(PIT_CHANNEL0, (uint8_t)divisor);
    outb(PIT_CHANNEL0, (uint8_t)(divisor >> 8));
}

/* Mode 0 with the longest count: one more edge at most, 55 ms away, then silence. */
void pit_channel0_stop(void)
{
    outb(PIT_COMMAND, PIT_CMD_CHANNEL0_MODE0);
    outb(PIT_CHANNEL0, 0xff);
    outb(PIT_CHANNEL0, 0xff);
}

void pit_channel2_start(uint16_t ticks)
{
    uint8_t port61 = inb(PORT_61);
    outb(PORT_61, (uint8_t)((port61 & ~(PORT_61_SPEAKER | PORT_61_GATE2))));
    outb(PIT_COMMAND, PIT_CMD_CHANNEL2_MODE0);
    outb(PIT_CHANNEL2, (uint8_t)ticks);
    outb(PIT_CHANNEL2, (uint8_t)(ticks >> 8));
    /* Counting starts when the gate rises. */
    outb(PORT_61, (uint8_t)((port61 & ~PORT_61_SPEAKER) | PORT_61_GATE2));
}

bool pit_channel2_done(void)
{
    return (inb(PORT_61) & PORT_61_OUT2) != 0;
}
