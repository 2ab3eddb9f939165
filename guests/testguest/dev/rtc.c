/*
 * The CMOS RTC. The time registers are only consistent outside an update cycle: read while the
 * update-in-progress bit is clear, twice, until two reads agree.
 */
#include "rtc.h"

#include "cpu.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

uint8_t rtc_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static bool read_once(rtc_time_t *time)
{
    for (unsigned spins = 0; rtc_read(RTC_STATUS_A) & RTC_A_UPDATE_IN_PROGRESS; spins++) {
        if (spins > 10000000) {
            return false;
        }
    }
    time->seconds = rtc_read(RTC_SECONDS);
    time->minutes = rtc_read(RTC_MINUTES);
    time->hours = rtc_read(RTC_HOURS);
    time->day = rtc_read(RTC_DAY);
    time->month = rtc_read(RTC_MONTH);
    time->year = rtc_read(RTC_YEAR);
    return true;
}

static bool same(const rtc_time_t *a, const rtc_time_t *b)
{
    return a->seconds == b->seconds && a->minutes == b->minutes && a->hours == b->hours &&
           a->day == b->day && a->month == b->month && a->year == b->year;
}

bool rtc_read_time(rtc_time_t *time)
{
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        rtc_time_t first;
        rtc_time_t second;
        if (!read_once(&first) || !read_once(&second)) {
            return false;
        }
        if (same(&first, &second)) {
            *time = second;
            return true;
        }
    }
    return false;
}

unsigned rtc_decode(uint8_t value, bool binary)
{
    if (binary) {
        return value;
    }
    return (unsigned)(value >> 4) * 10 + (value & 0xf);
}
