/*
 * The PIT (pit.h). A count read is a latch command and two reads; the TSC is read just before
 * and just after the latch, and of several tries the one with the narrowest bracket is kept, so
 * that a host preemption during one try does not spoil the measurement.
 */
#include "pit.h"
#include "clock.h"
#include <runtime/tsc.h>

#define PIT_CHANNEL0    0x40
#define PIT_CHANNEL2    0x42
#define PIT_COMMAND     0x43
#define PORT_B          0x61
#define CMD_CH0_ONESHOT 0x30 /* channel 0, low byte then high byte, mode 0, binary */
#define CMD_CH2_ONESHOT 0xb0 /* channel 2, the same */
#define CMD_CH2_LATCH   0x80
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_OUT2     0x20
#define SAMPLE_TRIES    8
#define INTERVAL_MAX_MS 45 /* a full count lasts 54.9 ms */

static seL4_CPtr pit_ports;
static seL4_CPtr port_b_cap;

static void out8(seL4_CPtr cap, seL4_Word port, uint8_t value)
{
    seL4_X86_IOPort_Out8(cap, port, value);
}

static uint8_t in8(seL4_CPtr cap, uint16_t port)
{
    return (uint8_t)seL4_X86_IOPort_In8(cap, port).result;
}

void pit_init(seL4_CPtr ports, seL4_CPtr port_b)
{
    pit_ports = ports;
    port_b_cap = port_b;
}

void pit_oneshot(uint32_t ticks)
{
    out8(pit_ports, PIT_COMMAND, CMD_CH0_ONESHOT);
    out8(pit_ports, PIT_CHANNEL0, (uint8_t)(ticks & 0xff));
    out8(pit_ports, PIT_CHANNEL0, (uint8_t)(ticks >> 8));
}

typedef struct {
    uint64_t tsc;   /* the middle of the bracket around the latch */
    uint64_t width; /* the bracket */
    uint16_t count;
} pit_sample_t;

static pit_sample_t channel2_sample(void)
{
    pit_sample_t best = {.tsc = 0, .width = ~0ull, .count = 0};

    for (unsigned i = 0; i < SAMPLE_TRIES; i++) {
        uint64_t before = tsc_read();
        out8(pit_ports, PIT_COMMAND, CMD_CH2_LATCH);
        uint64_t after = tsc_read();
        uint8_t low = in8(pit_ports, PIT_CHANNEL2);
        uint8_t high = in8(pit_ports, PIT_CHANNEL2);
        if (after - before < best.width) {
            best.tsc = before + (after - before) / 2;
            best.width = after - before;
            best.count = (uint16_t)(low | (high << 8));
        }
    }
    return best;
}

bool pit_measure_tsc(uint64_t stated_hz, uint64_t interval_cycles, uint64_t *measured_hz)
{
    uint64_t longest = stated_hz / 1000 * INTERVAL_MAX_MS;
    uint8_t saved = in8(port_b_cap, PORT_B);
    bool ok;

    if (interval_cycles > longest) {
        interval_cycles = longest;
    }
    out8(port_b_cap, PORT_B, (uint8_t)((saved & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    out8(pit_ports, PIT_COMMAND, CMD_CH2_ONESHOT);
    out8(pit_ports, PIT_CHANNEL2, 0xff);
    out8(pit_ports, PIT_CHANNEL2, 0xff);
    pit_sample_t first = channel2_sample();
    while (tsc_read() - first.tsc < interval_cycles) {
    }
    pit_sample_t last = channel2_sample();
    /* OUT2 rises when the count reaches zero: then the counts wrapped and say nothing. */
    ok = (in8(port_b_cap, PORT_B) & PORT_B_OUT2) == 0 && first.count > last.count;
    out8(port_b_cap, PORT_B, saved);
    *measured_hz = ok ? clock_hz_measured(last.tsc - first.tsc, first.count - last.count) : 0;
    return ok && *measured_hz != 0;
}
