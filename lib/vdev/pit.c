/*
 * The 8254: each channel's count and OUT are functions of the ticks elapsed since its
 * counting element started, so nothing runs between accesses. Channel 0's rising edges become
 * pulses on IRQ 0 when vdev_pit_advance (or any access) reaches them.
 */
#include <vdev/pit.h>

#define TICKS_PER_NS_NUM    105u /* 1.193182 MHz = 105 / 88000 ticks per ns */
#define TICKS_PER_NS_DEN    88000u
#define REFRESH_PERIOD_NS   15085u /* port 0x61 bit 4 toggles at this period */
#define PORT61_GATE2        0x01u
#define PORT61_WRITABLE     0x0fu
#define PORT61_REFRESH      0x10u
#define PORT61_OUT2         0x20u
#define CONTROL_BCD         0x01u
#define READ_BACK_NO_COUNT  0x20u
#define READ_BACK_NO_STATUS 0x10u

static uint64_t ns_to_ticks(uint64_t ns)
{
    return vdev_muldiv(ns, TICKS_PER_NS_NUM, TICKS_PER_NS_DEN);
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
    return vdev_muldiv_ceil(ticks, TICKS_PER_NS_DEN, TICKS_PER_NS_NUM);
}

static uint32_t modulus(const vdev_pit_channel_t *ch)
{
    return ch->bcd ? 10000u : 65536u;
}

/* Ticks counted since the count was loaded, pauses excluded. */
static uint64_t counted(const vdev_pit_channel_t *ch, uint64_t now)
{
    if (ch->paused || now <= ch->start) {
        return ch->ticks_before;
    }
    return ch->ticks_before + ns_to_ticks(now - ch->start);
}

/* Ticks into the current run (a reload in modes 2 and 3 starts a run without losing phase). */
static uint64_t elapsed(const vdev_pit_channel_t *ch, uint64_t now)
{
    return counted(ch, now) - ch->origin;
}

/* The guest time at which the current run reaches `ticks` (when running). */
static uint64_t time_of(const vdev_pit_channel_t *ch, uint64_t ticks)
{
    uint64_t total = ticks + ch->origin;

    if (total <= ch->ticks_before) {
        return ch->start;
    }
    return vdev_add_saturating(ch->start, ticks_to_ns(total - ch->ticks_before));
}

static bool periodic(const vdev_pit_channel_t *ch)
{
    return ch->mode == 2 || ch->mode == 3;
}

/* OUT rising edges by `d` ticks into a run. */
static uint64_t edges_by(const vdev_pit_channel_t *ch, uint64_t d)
{
    uint64_t n = ch->run_count;

    switch (ch->mode) {
    case 0:
    case 1:
        return d >= n ? 1 : 0;
    case 2:
    case 3:
        return d / n;
    default: /* 4, 5: OUT low for one tick at the end, high again a tick later */
        return d >= n + 1 ? 1 : 0;
    }
}

/* The tick of the next edge after `seen` edges, or 0 when no more come. */
static uint64_t next_edge_tick(const vdev_pit_channel_t *ch, uint64_t seen)
{
    if (periodic(ch)) {
        return (seen + 1) * ch->run_count;
    }
    if (seen > 0) {
        return 0;
    }
    return ch->mode >= 4 ? (uint64_t)ch->run_count + 1 : ch->run_count;
}

static bool out_at(const vdev_pit_channel_t *ch, uint64_t now)
{
    uint64_t d;
    uint64_t n = ch->run_count;

    if (!ch->counting) {
        return ch->mode != 0; /* mode 0 holds OUT low from its control word */
    }
    if (periodic(ch) && ch->paused) {
        return true; /* gate low forces OUT high */
    }
    d = elapsed(ch, now);
    switch (ch->mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        return d % n != n - 1;
    case 3:
        return d % n < (n + 1) / 2;
    default:
        return d != n;
    }
}

static uint32_t count_at(const vdev_pit_channel_t *ch, uint64_t now)
{
    uint64_t d;
    uint64_t n = ch->run_count;
    uint32_t m = modulus(ch);

    if (!ch->counting) {
        return ch->count % m;
    }
    d = elapsed(ch, now);
    switch (ch->mode) {
    case 2:
        return (uint32_t)(n - d % n) % m;
    case 3: {
        uint64_t phase = (2 * d) % n;
        return (uint32_t)((n - phase) & ~1ull) % m;
    }
    default:
        return (uint32_t)((n + m - d % m) % m);
    }
}

static uint16_t encode(const vdev_pit_channel_t *ch, uint32_t value)
{
    if (!ch->bcd) {
        return (uint16_t)value;
    }
    value %= 10000u;
    return (uint16_t)((value / 1000u) << 12 | (value / 100u % 10u) << 8 | (value / 10u % 10u) << 4 |
                      value % 10u);
}

static uint32_t decode(const vdev_pit_channel_t *ch, uint16_t raw)
{
    uint32_t value = raw;

    if (ch->bcd) {
        value = (raw >> 12) * 1000u + ((raw >> 8) & 0xfu) * 100u + ((raw >> 4) & 0xfu) * 10u +
                (raw & 0xfu);
    }
    return value == 0 ? modulus(ch) : value;
}

static void set_irq0(vdev_pit_t *pit, bool level)
{
    if (pit->irq0_level != level) {
        pit->irq0_level = level;
        vdev_line_set(&pit->irq0, level);
    }
}

/* IRQ 0 up to `now`: a pulse for new edges, else the resting level. */
static void report_edges(vdev_pit_t *pit, uint64_t now)
{
    vdev_pit_channel_t *ch = &pit->channel[0];
    uint64_t e = ch->counting ? edges_by(ch, elapsed(ch, now)) : 0;
    bool rest = ch->mode == 0 || ch->mode == 1 ? out_at(ch, now) : true;

    if (e > ch->edges) {
        ch->edges = e;
        pit->irq0_edges++;
        set_irq0(pit, false);
        set_irq0(pit, true);
    }
    set_irq0(pit, rest);
}

/* Starts a run of run_count ticks at `now`. */
static void start_run(vdev_pit_channel_t *ch, uint64_t now)
{
    ch->run_count = ch->count;
    ch->counting = true;
    ch->null_count = false;
    ch->reload_pending = false;
    ch->start = now;
    ch->ticks_before = 0;
    ch->origin = 0;
    ch->edges = 0;
    ch->paused = !ch->gate && ch->mode != 1 && ch->mode != 5;
}

/* Modes 2 and 3: a count written during a run replaces it at the end of its period. */
static void apply_reload(vdev_pit_t *pit, unsigned index, uint64_t now)
{
    vdev_pit_channel_t *ch = &pit->channel[index];
    uint64_t at;

    if (!ch->reload_pending || !ch->counting || ch->paused || elapsed(ch, now) < ch->reload_at) {
        return;
    }
    at = time_of(ch, ch->reload_at);
    if (index == 0) {
        report_edges(pit, at);
    }
    /* The new run starts at that tick exactly: the time base is kept. */
    ch->origin += ch->reload_at;
    ch->run_count = ch->count;
    ch->null_count = false;
    ch->reload_pending = false;
    ch->edges = 0;
}

static void sync(vdev_pit_t *pit, unsigned index, uint64_t now)
{
    apply_reload(pit, index, now);
    if (index == 0) {
        report_edges(pit, now);
    }
}

void vdev_pit_init(vdev_pit_t *pit, const vdev_line_t *irq0)
{
    *pit = (vdev_pit_t){0};
    for (unsigned i = 0; i < VDEV_PIT_CHANNELS; i++) {
        pit->channel[i].access = 3;
        pit->channel[i].gate = i != 2;
        pit->channel[i].null_count = true;
    }
    if (irq0 != NULL) {
        pit->irq0 = *irq0;
    }
}

static void latch_count(vdev_pit_channel_t *ch, uint64_t now)
{
    if (!ch->count_latched) {
        ch->count_latched = true;
        ch->latch_msb_next = false;
        ch->latch = encode(ch, count_at(ch, now));
    }
}

static void latch_status(vdev_pit_channel_t *ch, uint64_t now)
{
    if (!ch->status_latched) {
        ch->status_latched = true;
        ch->status = (uint8_t)((out_at(ch, now) ? 0x80u : 0u) | (ch->null_count ? 0x40u : 0u) |
                               (unsigned)ch->access << 4 | (unsigned)ch->mode << 1 |
                               (ch->bcd ? CONTROL_BCD : 0u));
    }
}

static void read_back(vdev_pit_t *pit, uint8_t value, uint64_t now)
{
    for (unsigned i = 0; i < VDEV_PIT_CHANNELS; i++) {
        if (!(value & (2u << i))) {
            continue;
        }
        sync(pit, i, now);
        if (!(value & READ_BACK_NO_COUNT)) {
            latch_count(&pit->channel[i], now);
        }
        if (!(value & READ_BACK_NO_STATUS)) {
            latch_status(&pit->channel[i], now);
        }
    }
}

static void control_word(vdev_pit_t *pit, uint8_t value, uint64_t now)
{
    unsigned index = value >> 6;
    vdev_pit_channel_t *ch;
    unsigned access = (value >> 4) & 3u;

    if (index == 3) {
        read_back(pit, value, now);
        return;
    }
    ch = &pit->channel[index];
    sync(pit, index, now);
    if (access == 0) {
        latch_count(ch, now);
        return;
    }
    ch->access = (uint8_t)access;
    ch->mode = (uint8_t)((value >> 1) & 7u);
    if (ch->mode > 5) {
        ch->mode -= 4;
    }
    ch->bcd = (value & CONTROL_BCD) != 0;
    ch->counting = false;
    ch->paused = false;
    ch->reload_pending = false;
    ch->null_count = true;
    ch->edges = 0;
    ch->write_msb_next = false;
    ch->read_msb_next = false;
    if (index == 0) {
        report_edges(pit, now); /* OUT goes low in mode 0, high in the others */
    }
}

static void load_count(vdev_pit_t *pit, unsigned index, uint16_t raw, uint64_t now)
{
    vdev_pit_channel_t *ch = &pit->channel[index];

    ch->count = decode(ch, raw);
    if (periodic(ch) && ch->counting) {
        ch->reload_pending = true;
        ch->null_count = true;
        ch->reload_at = (elapsed(ch, now) / ch->run_count + 1) * ch->run_count;
    } else if (ch->mode == 1 || ch->mode == 5) {
        ch->null_count = true; /* loaded by the next gate trigger */
    } else {
        start_run(ch, now);
    }
    if (index == 0) {
        report_edges(pit, now);
    }
}

static void write_data(vdev_pit_t *pit, unsigned index, uint8_t value, uint64_t now)
{
    vdev_pit_channel_t *ch = &pit->channel[index];

    sync(pit, index, now);
    switch (ch->access) {
    case 1:
        load_count(pit, index, value, now);
        break;
    case 2:
        load_count(pit, index, (uint16_t)(value << 8), now);
        break;
    default:
        if (!ch->write_msb_next) {
            ch->write_lsb = value;
            ch->write_msb_next = true;
        } else {
            ch->write_msb_next = false;
            load_count(pit, index, (uint16_t)(ch->write_lsb | value << 8), now);
        }
        break;
    }
}

/* One byte of a 16-bit value per the access mode and a flip-flop. */
static uint8_t byte_of(unsigned access, uint16_t value, bool *msb_next, bool *done)
{
    *done = true;
    if (access == 1) {
        return (uint8_t)value;
    }
    if (access == 2) {
        return (uint8_t)(value >> 8);
    }
    if (!*msb_next) {
        *msb_next = true;
        *done = false;
        return (uint8_t)value;
    }
    *msb_next = false;
    return (uint8_t)(value >> 8);
}

static uint8_t read_data(vdev_pit_t *pit, unsigned index, uint64_t now)
{
    vdev_pit_channel_t *ch = &pit->channel[index];
    bool done;

    sync(pit, index, now);
    if (ch->status_latched) {
        ch->status_latched = false;
        return ch->status;
    }
    if (ch->count_latched) {
        uint8_t value = byte_of(ch->access, ch->latch, &ch->latch_msb_next, &done);
        ch->count_latched = !done;
        return value;
    }
    return byte_of(ch->access, encode(ch, count_at(ch, now)), &ch->read_msb_next, &done);
}

uint8_t vdev_pit_read(vdev_pit_t *pit, unsigned offset, uint64_t now)
{
    if (offset >= VDEV_PIT_CHANNELS) {
        return 0xff; /* the control word register cannot be read */
    }
    return read_data(pit, offset, now);
}

void vdev_pit_write(vdev_pit_t *pit, unsigned offset, uint8_t value, uint64_t now)
{
    if (offset == 3) {
        control_word(pit, value, now);
    } else if (offset < VDEV_PIT_CHANNELS) {
        write_data(pit, offset, value, now);
    }
}

static void set_gate(vdev_pit_channel_t *ch, bool gate, uint64_t now)
{
    bool rising = gate && !ch->gate;

    if (gate == ch->gate) {
        return;
    }
    ch->gate = gate;
    if (ch->mode == 1 || ch->mode == 5 || periodic(ch)) {
        /* Triggered modes start, periodic modes restart, on a rising gate. */
        if (rising && ch->count != 0) {
            start_run(ch, now);
        } else if (!gate && periodic(ch) && ch->counting) {
            ch->ticks_before = counted(ch, now);
            ch->paused = true;
        }
        return;
    }
    if (!ch->counting) {
        return;
    }
    if (gate) { /* modes 0 and 4 resume where they stopped */
        ch->start = now;
        ch->paused = false;
    } else {
        ch->ticks_before = counted(ch, now);
        ch->paused = true;
    }
}

uint8_t vdev_pit_port61_read(vdev_pit_t *pit, uint64_t now)
{
    uint8_t value = pit->port61 & PORT61_WRITABLE;

    sync(pit, 2, now);
    if ((now / REFRESH_PERIOD_NS) & 1u) {
        value |= PORT61_REFRESH;
    }
    if (out_at(&pit->channel[2], now)) {
        value |= PORT61_OUT2;
    }
    return value;
}

void vdev_pit_port61_write(vdev_pit_t *pit, uint8_t value, uint64_t now)
{
    sync(pit, 2, now);
    pit->port61 = value & PORT61_WRITABLE;
    set_gate(&pit->channel[2], (value & PORT61_GATE2) != 0, now);
}

uint64_t vdev_pit_next_deadline(const vdev_pit_t *pit, uint64_t now)
{
    const vdev_pit_channel_t *ch = &pit->channel[0];
    uint64_t tick;
    uint64_t deadline = VDEV_NO_DEADLINE;

    (void)now;
    if (!ch->counting || ch->paused) {
        return VDEV_NO_DEADLINE;
    }
    tick = next_edge_tick(ch, ch->edges);
    if (tick != 0) {
        deadline = time_of(ch, tick);
    }
    if (ch->reload_pending) {
        deadline = vdev_min_deadline(deadline, time_of(ch, ch->reload_at));
    }
    return deadline;
}

void vdev_pit_advance(vdev_pit_t *pit, uint64_t now)
{
    for (unsigned i = 0; i < VDEV_PIT_CHANNELS; i++) {
        sync(pit, i, now);
    }
}

bool vdev_pit_out(vdev_pit_t *pit, unsigned channel, uint64_t now)
{
    if (channel >= VDEV_PIT_CHANNELS) {
        return false;
    }
    sync(pit, channel, now);
    return out_at(&pit->channel[channel], now);
}

uint16_t vdev_pit_count(vdev_pit_t *pit, unsigned channel, uint64_t now)
{
    if (channel >= VDEV_PIT_CHANNELS) {
        return 0;
    }
    sync(pit, channel, now);
    return encode(&pit->channel[channel], count_at(&pit->channel[channel], now));
}
