/*
 * The RTC: a wall time kept as base + now, shown in the format register B asks for, and
 * interrupt flags computed for the interval since they were last brought up to date. CMOS RAM
 * is plain bytes. No timer runs here: vdev_rtc_next_deadline says when IRQ 8 would rise.
 */
#include <vdev/rtc.h>

#include "calendar.h"

#define REG_SECONDS      0x00u
#define REG_ALARM_SECOND 0x01u
#define REG_MINUTES      0x02u
#define REG_ALARM_MINUTE 0x03u
#define REG_HOURS        0x04u
#define REG_ALARM_HOUR   0x05u
#define REG_WEEKDAY      0x06u
#define REG_DAY          0x07u
#define REG_MONTH        0x08u
#define REG_YEAR         0x09u
#define REG_A            0x0au
#define REG_B            0x0bu
#define REG_C            0x0cu
#define REG_D            0x0du
#define REG_D_VRT        0x80u
#define HOUR_PM          0x80u
#define ALARM_DONT_CARE  0xc0u
#define NS               VDEV_NS_PER_SECOND
#define DIVIDER_NUM      4096u /* 32768 Hz = 4096 / 125000000 ticks per ns */
#define DIVIDER_DEN      125000000u
#define NEVER            INT64_MAX

static bool frozen(const vdev_rtc_t *rtc)
{
    return (rtc->reg_b & VDEV_RTC_B_SET) != 0;
}

static bool binary(const vdev_rtc_t *rtc)
{
    return (rtc->reg_b & VDEV_RTC_B_DM) != 0;
}

int64_t vdev_rtc_wall_seconds(const vdev_rtc_t *rtc, uint64_t now)
{
    uint64_t nanos = rtc->base_nanos + now % NS;

    return rtc->base_seconds + (int64_t)(now / NS) + (int64_t)(nanos / NS);
}

static uint32_t wall_nanos(const vdev_rtc_t *rtc, uint64_t now)
{
    return (uint32_t)((rtc->base_nanos + now % NS) % NS);
}

/* Wall time `seconds` (exactly) at guest time `now`. */
static void set_base(vdev_rtc_t *rtc, int64_t seconds, uint32_t nanos, uint64_t now)
{
    int64_t s = seconds - (int64_t)(now / NS);
    int64_t n = (int64_t)nanos - (int64_t)(now % NS);

    if (n < 0) {
        n += (int64_t)NS;
        s--;
    }
    rtc->base_seconds = s;
    rtc->base_nanos = (uint32_t)n;
}

/* The guest time at which the wall clock reaches second `seconds`, or VDEV_NO_DEADLINE. */
static uint64_t time_of_wall(const vdev_rtc_t *rtc, int64_t seconds)
{
    int64_t diff = seconds - rtc->base_seconds;

    if (diff <= 0) {
        return 0;
    }
    if ((uint64_t)diff > UINT64_MAX / NS - 1) {
        return VDEV_NO_DEADLINE;
    }
    return (uint64_t)diff * NS - rtc->base_nanos;
}

static void date_of(const vdev_rtc_t *rtc, uint64_t now, vdev_date_t *date)
{
    if (frozen(rtc)) {
        vdev_date_t d = {.year = rtc->frozen.year,
                         .month = rtc->frozen.month,
                         .day = rtc->frozen.day,
                         .hour = rtc->frozen.hour,
                         .minute = rtc->frozen.minute,
                         .second = rtc->frozen.second};
        vdev_seconds_to_date(vdev_date_to_seconds(&d), date);
        return;
    }
    vdev_seconds_to_date(vdev_rtc_wall_seconds(rtc, now), date);
}

static uint8_t encode(const vdev_rtc_t *rtc, unsigned value)
{
    value %= 100u;
    return (uint8_t)(binary(rtc) ? value : (value / 10u) << 4 | value % 10u);
}

static unsigned decode(const vdev_rtc_t *rtc, uint8_t raw)
{
    return binary(rtc) ? raw : (raw >> 4) * 10u + (raw & 0xfu);
}

static uint8_t encode_hour(const vdev_rtc_t *rtc, unsigned hour)
{
    unsigned twelve;

    if (rtc->reg_b & VDEV_RTC_B_24H) {
        return encode(rtc, hour);
    }
    twelve = hour % 12u == 0 ? 12u : hour % 12u;
    return (uint8_t)(encode(rtc, twelve) | (hour >= 12 ? HOUR_PM : 0u));
}

static unsigned decode_hour(const vdev_rtc_t *rtc, uint8_t raw)
{
    unsigned hour;

    if (rtc->reg_b & VDEV_RTC_B_24H) {
        return decode(rtc, raw);
    }
    hour = decode(rtc, (uint8_t)(raw & ~HOUR_PM)) % 12u;
    return hour + ((raw & HOUR_PM) ? 12u : 0u);
}

static unsigned clamp(unsigned value, unsigned low, unsigned high)
{
    return value < low ? low : value > high ? high : value;
}

/* ---- interrupt flags ---- */

static uint64_t divider_ticks(uint64_t now)
{
    return vdev_muldiv(now, DIVIDER_NUM, DIVIDER_DEN);
}

/* Divider ticks per periodic interrupt for rate bits 1-15 (0: none). */
static uint64_t periodic_ticks(const vdev_rtc_t *rtc)
{
    unsigned rate = rtc->reg_a & 0xfu;

    if (rate == 0) {
        return 0;
    }
    return rate <= 2 ? 1ull << (rate + 6) : 1ull << (rate - 1);
}

static bool alarm_matches(const vdev_rtc_t *rtc, unsigned field, uint8_t encoded)
{
    return rtc->alarm[field] >= ALARM_DONT_CARE || rtc->alarm[field] == encoded;
}

/* The first second strictly after `after` at which the clock shows the alarm time, or NEVER. */
static int64_t next_alarm(const vdev_rtc_t *rtc, int64_t after)
{
    uint64_t second_mask = 0;
    uint64_t minute_mask = 0;
    uint32_t hour_mask = 0;
    int64_t from = after + 1;
    int64_t day = from / 86400 - (from % 86400 < 0 ? 1 : 0);
    int64_t in_day = from - day * 86400;
    unsigned h0 = (unsigned)(in_day / 3600);
    unsigned m0 = (unsigned)(in_day / 60 % 60);
    unsigned s0 = (unsigned)(in_day % 60);

    for (unsigned v = 0; v < 60; v++) {
        second_mask |= (uint64_t)alarm_matches(rtc, 0, encode(rtc, v)) << v;
        minute_mask |= (uint64_t)alarm_matches(rtc, 1, encode(rtc, v)) << v;
        if (v < 24) {
            hour_mask |= (uint32_t)alarm_matches(rtc, 2, encode_hour(rtc, v)) << v;
        }
    }
    if (second_mask == 0 || minute_mask == 0 || hour_mask == 0) {
        return NEVER;
    }
    for (unsigned d = 0; d < 2; d++) {
        for (unsigned h = d == 0 ? h0 : 0; h < 24; h++) {
            if (!((hour_mask >> h) & 1u)) {
                continue;
            }
            for (unsigned m = (d == 0 && h == h0) ? m0 : 0; m < 60; m++) {
                unsigned s_start = (d == 0 && h == h0 && m == m0) ? s0 : 0;
                uint64_t seconds = (minute_mask >> m) & 1u ? second_mask >> s_start : 0;

                if (seconds != 0) {
                    unsigned s = s_start + (unsigned)__builtin_ctzll(seconds);
                    return (day + d) * 86400 + (int64_t)h * 3600 + (int64_t)m * 60 + s;
                }
            }
        }
    }
    return NEVER;
}

static void update_irq(vdev_rtc_t *rtc)
{
    uint8_t c = rtc->reg_c;
    uint8_t b = rtc->reg_b;
    bool level;

    if (((c & VDEV_RTC_C_PF) && (b & VDEV_RTC_B_PIE)) ||
        ((c & VDEV_RTC_C_AF) && (b & VDEV_RTC_B_AIE)) ||
        ((c & VDEV_RTC_C_UF) && (b & VDEV_RTC_B_UIE))) {
        rtc->reg_c |= VDEV_RTC_C_IRQF;
    }
    level = (rtc->reg_c & VDEV_RTC_C_IRQF) != 0;
    if (level != rtc->irq_level) {
        rtc->irq_level = level;
        if (level) {
            rtc->interrupts++;
        }
        vdev_line_set(&rtc->irq, level);
    }
}

/* Adds the events of (events_until, now] to register C. */
static void catch_up(vdev_rtc_t *rtc, uint64_t now)
{
    uint64_t period = periodic_ticks(rtc);
    uint64_t from = rtc->events_until;

    if (now <= from) {
        return;
    }
    if (period != 0 && divider_ticks(now) / period > divider_ticks(from) / period) {
        rtc->reg_c |= VDEV_RTC_C_PF;
    }
    if (!frozen(rtc)) {
        int64_t s1 = vdev_rtc_wall_seconds(rtc, from);
        int64_t s2 = vdev_rtc_wall_seconds(rtc, now);

        if (s2 > s1) {
            rtc->reg_c |= VDEV_RTC_C_UF;
            if (next_alarm(rtc, s1) <= s2) {
                rtc->reg_c |= VDEV_RTC_C_AF;
            }
        }
    }
    rtc->events_until = now;
    update_irq(rtc);
}

void vdev_rtc_advance(vdev_rtc_t *rtc, uint64_t now)
{
    catch_up(rtc, now);
}

uint64_t vdev_rtc_next_deadline(const vdev_rtc_t *rtc, uint64_t now)
{
    uint64_t deadline = VDEV_NO_DEADLINE;
    uint64_t period = periodic_ticks(rtc);
    int64_t second = vdev_rtc_wall_seconds(rtc, now);

    if (rtc->reg_c & VDEV_RTC_C_IRQF) {
        return VDEV_NO_DEADLINE; /* IRQ 8 is up until register C is read */
    }
    if ((rtc->reg_b & VDEV_RTC_B_PIE) && period != 0) {
        uint64_t next = (divider_ticks(now) / period + 1) * period;
        deadline = vdev_muldiv_ceil(next, DIVIDER_DEN, DIVIDER_NUM);
    }
    if (frozen(rtc)) {
        return deadline;
    }
    if (rtc->reg_b & VDEV_RTC_B_UIE) {
        deadline = vdev_min_deadline(deadline, time_of_wall(rtc, second + 1));
    }
    if (rtc->reg_b & VDEV_RTC_B_AIE) {
        int64_t alarm = next_alarm(rtc, second);

        if (alarm != NEVER) {
            deadline = vdev_min_deadline(deadline, time_of_wall(rtc, alarm));
        }
    }
    return deadline;
}

/* ---- registers ---- */

void vdev_rtc_init(vdev_rtc_t *rtc, int64_t wall_seconds, const vdev_line_t *irq)
{
    *rtc = (vdev_rtc_t){0};
    rtc->reg_a = 0x26;
    rtc->reg_b = VDEV_RTC_B_24H;
    /* Years 1 to 9999 only: arithmetic on the base then never overflows. */
    rtc->base_seconds = wall_seconds < VDEV_CALENDAR_FIRST  ? VDEV_CALENDAR_FIRST
                        : wall_seconds > VDEV_CALENDAR_LAST ? VDEV_CALENDAR_LAST
                                                            : wall_seconds;
    if (irq != NULL) {
        rtc->irq = *irq;
    }
}

static void put16(uint8_t *ram, unsigned index, uint64_t value, uint64_t cap)
{
    if (value > cap) {
        value = cap;
    }
    ram[index] = (uint8_t)value;
    ram[index + 1] = (uint8_t)(value >> 8);
}

void vdev_rtc_set_memory(vdev_rtc_t *rtc, uint64_t below_4g, uint64_t above_4g)
{
    uint64_t extended = below_4g > (1u << 20) ? (below_4g >> 10) - 1024 : 0;
    uint64_t above_16m = below_4g > (16u << 20) ? (below_4g - (16u << 20)) >> 16 : 0;
    uint64_t high = above_4g >> 16;

    put16(rtc->ram, 0x15, 640, 640);
    put16(rtc->ram, 0x17, extended, 0xffff);
    put16(rtc->ram, 0x30, extended, 0xffff);
    put16(rtc->ram, 0x34, above_16m, 0xffff);
    if (high > 0xffffff) {
        high = 0xffffff;
    }
    rtc->ram[0x5b] = (uint8_t)high;
    rtc->ram[0x5c] = (uint8_t)(high >> 8);
    rtc->ram[0x5d] = (uint8_t)(high >> 16);
}

static uint8_t time_register(const vdev_rtc_t *rtc, unsigned index, uint64_t now)
{
    vdev_date_t date;

    date_of(rtc, now, &date);
    switch (index) {
    case REG_SECONDS:
        return encode(rtc, date.second);
    case REG_MINUTES:
        return encode(rtc, date.minute);
    case REG_HOURS:
        return encode_hour(rtc, date.hour);
    case REG_WEEKDAY:
        return encode(rtc, (date.weekday + rtc->weekday_shift) % 7u + 1u);
    case REG_DAY:
        return encode(rtc, date.day);
    case REG_MONTH:
        return encode(rtc, date.month);
    case REG_YEAR:
        return encode(rtc, date.year % 100u);
    default: /* the century */
        return encode(rtc, date.year / 100u);
    }
}

static bool is_time_register(unsigned index)
{
    return index == REG_SECONDS || index == REG_MINUTES || index == REG_HOURS ||
           (index >= REG_WEEKDAY && index <= REG_YEAR) || index == VDEV_RTC_CENTURY_INDEX;
}

uint8_t vdev_rtc_read_register(vdev_rtc_t *rtc, unsigned index, uint64_t now)
{
    uint8_t value;

    index &= 0x7fu;
    catch_up(rtc, now);
    if (is_time_register(index)) {
        return time_register(rtc, index, now);
    }
    switch (index) {
    case REG_ALARM_SECOND:
        return rtc->alarm[0];
    case REG_ALARM_MINUTE:
        return rtc->alarm[1];
    case REG_ALARM_HOUR:
        return rtc->alarm[2];
    case REG_A:
        return (uint8_t)(rtc->reg_a | (!frozen(rtc) && wall_nanos(rtc, now) >= NS - VDEV_RTC_UIP_NS
                                               ? VDEV_RTC_A_UIP
                                               : 0u));
    case REG_B:
        return rtc->reg_b;
    case REG_C:
        value = rtc->reg_c;
        rtc->reg_c = 0;
        update_irq(rtc);
        return value;
    case REG_D:
        return REG_D_VRT;
    default:
        return rtc->ram[index];
    }
}

static void fields_now(const vdev_rtc_t *rtc, uint64_t now, vdev_rtc_fields_t *fields)
{
    vdev_date_t date;

    date_of(rtc, now, &date);
    *fields = (vdev_rtc_fields_t){.year = date.year,
                                  .month = date.month,
                                  .day = date.day,
                                  .hour = date.hour,
                                  .minute = date.minute,
                                  .second = date.second};
}

static int64_t fields_seconds(const vdev_rtc_fields_t *f)
{
    vdev_date_t date = {.year = f->year,
                        .month = f->month,
                        .day = f->day,
                        .hour = f->hour,
                        .minute = f->minute,
                        .second = f->second};

    return vdev_date_to_seconds(&date);
}

static void set_time_field(vdev_rtc_t *rtc, unsigned index, uint8_t raw, uint64_t now)
{
    vdev_rtc_fields_t f;
    unsigned value = index == REG_HOURS ? decode_hour(rtc, raw) : decode(rtc, raw);

    fields_now(rtc, now, &f);
    switch (index) {
    case REG_SECONDS:
        f.second = clamp(value, 0, 59);
        break;
    case REG_MINUTES:
        f.minute = clamp(value, 0, 59);
        break;
    case REG_HOURS:
        f.hour = clamp(value, 0, 23);
        break;
    case REG_DAY:
        f.day = clamp(value, 1, 31);
        break;
    case REG_MONTH:
        f.month = clamp(value, 1, 12);
        break;
    case REG_YEAR:
        f.year = f.year / 100u * 100u + clamp(value, 0, 99);
        break;
    default: /* the century */
        f.year = clamp(value, 0, 99) * 100u + f.year % 100u;
        break;
    }
    f.year = clamp(f.year, 1, 9999);
    f.day = clamp(f.day, 1, vdev_days_in_month(f.year, f.month));
    if (frozen(rtc)) {
        rtc->frozen = f;
    } else {
        set_base(rtc, fields_seconds(&f), wall_nanos(rtc, now), now);
    }
}

static void write_b(vdev_rtc_t *rtc, uint8_t value, uint64_t now)
{
    bool was_set = frozen(rtc);
    bool set = (value & VDEV_RTC_B_SET) != 0;

    if (set && !was_set) {
        fields_now(rtc, now, &rtc->frozen);
    }
    if (set) {
        value &= (uint8_t)~VDEV_RTC_B_UIE; /* SET clears UIE */
    }
    if (!set && was_set) {
        /* The clock starts again from the registers, at the start of their second. */
        set_base(rtc, fields_seconds(&rtc->frozen), 0, now);
    }
    rtc->reg_b = value;
}

void vdev_rtc_write_register(vdev_rtc_t *rtc, unsigned index, uint8_t value, uint64_t now)
{
    index &= 0x7fu;
    catch_up(rtc, now);
    if (index == REG_WEEKDAY) {
        vdev_date_t date;
        unsigned day = clamp(decode(rtc, value), 1, 7);

        date_of(rtc, now, &date);
        rtc->weekday_shift = (uint8_t)((day - 1u + 7u - date.weekday) % 7u);
    } else if (is_time_register(index)) {
        set_time_field(rtc, index, value, now);
    } else if (index == REG_ALARM_SECOND || index == REG_ALARM_MINUTE || index == REG_ALARM_HOUR) {
        rtc->alarm[(index - REG_ALARM_SECOND) / 2u] = value;
    } else if (index == REG_A) {
        rtc->reg_a = value & 0x7fu;
    } else if (index == REG_B) {
        write_b(rtc, value, now);
    } else if (index != REG_C && index != REG_D) {
        rtc->ram[index] = value;
    }
    update_irq(rtc);
}

uint8_t vdev_rtc_read(vdev_rtc_t *rtc, unsigned offset, uint64_t now)
{
    if (offset == 0) {
        return 0xff; /* the index register cannot be read back */
    }
    return vdev_rtc_read_register(rtc, rtc->index, now);
}

void vdev_rtc_write(vdev_rtc_t *rtc, unsigned offset, uint8_t value, uint64_t now)
{
    if (offset == 0) {
        rtc->index = value & 0x7fu; /* bit 7 masks NMIs on a PC: ignored */
    } else {
        vdev_rtc_write_register(rtc, rtc->index, value, now);
    }
}
