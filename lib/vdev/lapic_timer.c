/*
 * The local APIC timer: one-shot and periodic counting at timer_hz / divide, and the
 * TSC-deadline mode. The count is never stored as it runs: it is computed from the time the
 * count started and `now`, so reads agree with time and nothing needs a tick. Expirations
 * missed by a late advance are coalesced into one interrupt (the IRR holds one bit anyway).
 */
#include "lapic_internal.h"

static unsigned timer_mode(const vdev_lapic_t *lapic)
{
    return lapic->lvt[VDEV_LVT_TIMER_INDEX] & VDEV_LVT_TIMER_MODE;
}

static bool periodic(const vdev_lapic_t *lapic)
{
    return timer_mode(lapic) == VDEV_LVT_TIMER_PERIODIC;
}

static bool tsc_deadline_mode(const vdev_lapic_t *lapic)
{
    return lapic->config.tsc_deadline && timer_mode(lapic) == VDEV_LVT_TIMER_TSC_DEADLINE;
}

/* Divide configuration bits 0, 1 and 3: 2, 4, ..., 128, then 1 for 0b111. */
static unsigned divide_shift(uint32_t divide)
{
    unsigned code = (divide & 3u) | ((divide >> 1) & 4u);

    return code == 7u ? 0u : code + 1u;
}

/* Nanoseconds per timer tick, as a numerator over timer_hz. */
static uint64_t tick_numerator(const vdev_lapic_t *lapic)
{
    return VDEV_NS_PER_SECOND << divide_shift(lapic->timer_divide);
}

static uint64_t ticks_since_start(const vdev_lapic_t *lapic, uint64_t now)
{
    if (now <= lapic->timer_start) {
        return 0;
    }
    return vdev_muldiv(now - lapic->timer_start, lapic->config.timer_hz, tick_numerator(lapic));
}

/* The guest time at which `ticks` ticks have passed since timer_start. */
static uint64_t time_of_tick(const vdev_lapic_t *lapic, uint64_t ticks)
{
    return vdev_add_saturating(lapic->timer_start, vdev_muldiv_ceil(ticks, tick_numerator(lapic),
                                                                    lapic->config.timer_hz));
}

/* Expirations reached after `ticks` ticks: the first at timer_start_count, then each period. */
static uint64_t expirations_at(const vdev_lapic_t *lapic, uint64_t ticks)
{
    if (ticks < lapic->timer_start_count) {
        return 0;
    }
    if (!periodic(lapic) || lapic->timer_initial == 0) {
        return 1;
    }
    return (ticks - lapic->timer_start_count) / lapic->timer_initial + 1;
}

static uint64_t tsc_deadline_time(const vdev_lapic_t *lapic)
{
    if (lapic->tsc_deadline <= lapic->config.tsc_at_zero) {
        return 0;
    }
    return vdev_muldiv_ceil(lapic->tsc_deadline - lapic->config.tsc_at_zero, VDEV_NS_PER_SECOND,
                            lapic->config.tsc_hz);
}

static void fire(vdev_lapic_t *lapic)
{
    if (!lapic_lvt_masked(lapic, VDEV_LVT_TIMER_INDEX)) {
        lapic->timer_interrupts++;
        vdev_lapic_local_interrupt(lapic, (uint8_t)lapic->lvt[VDEV_LVT_TIMER_INDEX], false);
    }
}

void vdev_lapic_timer_stop(vdev_lapic_t *lapic)
{
    lapic->timer_running = false;
    lapic->timer_start_count = 0;
    lapic->timer_expirations = 0;
}

static void timer_start(vdev_lapic_t *lapic, uint32_t count, uint64_t now)
{
    lapic->timer_running = count != 0;
    lapic->timer_start = now;
    lapic->timer_start_count = count;
    lapic->timer_expirations = 0;
}

void vdev_lapic_advance(vdev_lapic_t *lapic, uint64_t now)
{
    uint64_t reached;

    if (lapic->mode == VDEV_LAPIC_DISABLED) {
        return;
    }
    if (tsc_deadline_mode(lapic)) {
        if (lapic->tsc_deadline != 0 && now >= tsc_deadline_time(lapic)) {
            lapic->tsc_deadline = 0;
            fire(lapic);
        }
        return;
    }
    if (!lapic->timer_running) {
        return;
    }
    reached = expirations_at(lapic, ticks_since_start(lapic, now));
    if (reached > lapic->timer_expirations) {
        lapic->timer_expirations = reached;
        fire(lapic);
    }
    if (reached > 0 && !periodic(lapic)) {
        vdev_lapic_timer_stop(lapic);
    }
}

uint64_t vdev_lapic_next_deadline(const vdev_lapic_t *lapic, uint64_t now)
{
    uint64_t ticks;

    (void)now;
    if (lapic->mode == VDEV_LAPIC_DISABLED || lapic_lvt_masked(lapic, VDEV_LVT_TIMER_INDEX)) {
        return VDEV_NO_DEADLINE; /* an expiry nobody sees is settled at the next access */
    }
    if (tsc_deadline_mode(lapic)) {
        return lapic->tsc_deadline != 0 ? tsc_deadline_time(lapic) : VDEV_NO_DEADLINE;
    }
    if (!lapic->timer_running) {
        return VDEV_NO_DEADLINE;
    }
    if (lapic->timer_expirations == 0) {
        ticks = lapic->timer_start_count;
    } else if (periodic(lapic) && lapic->timer_initial != 0) {
        /* A tick count past 64 bits (a timer rate so high that the count saturated) has no
         * time: the sum would wrap to a deadline long gone. */
        if (lapic->timer_expirations >
            (UINT64_MAX - lapic->timer_start_count) / lapic->timer_initial) {
            return VDEV_NO_DEADLINE;
        }
        ticks = lapic->timer_start_count + lapic->timer_expirations * lapic->timer_initial;
    } else {
        return VDEV_NO_DEADLINE;
    }
    return time_of_tick(lapic, ticks);
}

uint32_t vdev_lapic_timer_current(vdev_lapic_t *lapic, uint64_t now)
{
    uint64_t ticks;

    vdev_lapic_advance(lapic, now);
    if (tsc_deadline_mode(lapic) || !lapic->timer_running) {
        return 0;
    }
    ticks = ticks_since_start(lapic, now);
    if (ticks < lapic->timer_start_count) {
        return (uint32_t)(lapic->timer_start_count - ticks);
    }
    if (!periodic(lapic) || lapic->timer_initial == 0) {
        return 0;
    }
    return lapic->timer_initial -
           (uint32_t)((ticks - lapic->timer_start_count) % lapic->timer_initial);
}

void vdev_lapic_timer_write_lvt(vdev_lapic_t *lapic, uint32_t value, uint64_t now)
{
    bool was_deadline;

    vdev_lapic_advance(lapic, now);
    was_deadline = tsc_deadline_mode(lapic);
    lapic->lvt[VDEV_LVT_TIMER_INDEX] = value;
    if (was_deadline != tsc_deadline_mode(lapic)) {
        /* Entering or leaving TSC-deadline mode disarms the timer (SDM 11.5.4.1). */
        lapic->timer_initial = 0;
        lapic->tsc_deadline = 0;
        vdev_lapic_timer_stop(lapic);
    } else if (lapic->timer_running && !periodic(lapic) && lapic->timer_expirations > 0) {
        vdev_lapic_timer_stop(lapic); /* periodic turned one-shot after its first expiry */
    }
}

void vdev_lapic_timer_write_initial(vdev_lapic_t *lapic, uint32_t value, uint64_t now)
{
    vdev_lapic_advance(lapic, now);
    if (tsc_deadline_mode(lapic)) {
        return; /* ignored in TSC-deadline mode */
    }
    lapic->timer_initial = value;
    timer_start(lapic, value, now);
}

void vdev_lapic_timer_write_divide(vdev_lapic_t *lapic, uint32_t value, uint64_t now)
{
    uint32_t current;

    vdev_lapic_advance(lapic, now);
    if (!lapic->timer_running || tsc_deadline_mode(lapic)) {
        lapic->timer_divide = value & 0xbu;
        return;
    }
    /* Count on from the current value at the new rate. */
    current = vdev_lapic_timer_current(lapic, now);
    lapic->timer_divide = value & 0xbu;
    if (current == 0) {
        vdev_lapic_timer_stop(lapic);
    } else {
        timer_start(lapic, current, now);
    }
}

uint64_t vdev_lapic_tsc_deadline_read(vdev_lapic_t *lapic, uint64_t now)
{
    vdev_lapic_advance(lapic, now);
    return tsc_deadline_mode(lapic) ? lapic->tsc_deadline : 0;
}

void vdev_lapic_tsc_deadline_write(vdev_lapic_t *lapic, uint64_t value, uint64_t now)
{
    vdev_lapic_advance(lapic, now);
    if (!tsc_deadline_mode(lapic)) {
        return; /* ignored in the other modes */
    }
    lapic->tsc_deadline = value;
    vdev_lapic_advance(lapic, now);
}
