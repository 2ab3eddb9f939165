/*
 * Calendar arithmetic for the RTC: day counts by whole 400-, 100- and 4-year cycles, so a
 * conversion costs a handful of divisions, never a loop over years.
 */
#include "calendar.h"

#define SECONDS_PER_DAY 86400
#define DAYS_PER_400Y   146097

static const unsigned short days_before_month[12] = {0,   31,  59,  90,  120, 151,
                                                     181, 212, 243, 273, 304, 334};

static int leap(unsigned year)
{
    return (year % 4u == 0 && year % 100u != 0) || year % 400u == 0;
}

unsigned vdev_days_in_month(unsigned year, unsigned month)
{
    static const unsigned char length[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12) {
        return 31;
    }
    return length[month - 1] + (month == 2 ? (unsigned)leap(year) : 0u);
}

/* Days from 0001-01-01 to the first day of `year`. */
static int64_t days_before_year(unsigned year)
{
    int64_t y = (int64_t)year - 1;

    return y * 365 + y / 4 - y / 100 + y / 400;
}

int64_t vdev_date_to_seconds(const vdev_date_t *date)
{
    int64_t days = days_before_year(date->year) - days_before_year(1970);

    days += days_before_month[(date->month - 1) % 12u];
    if (date->month > 2 && leap(date->year)) {
        days++;
    }
    days += (int64_t)date->day - 1;
    return days * SECONDS_PER_DAY + (int64_t)date->hour * 3600 + (int64_t)date->minute * 60 +
           (int64_t)date->second;
}

void vdev_seconds_to_date(int64_t seconds, vdev_date_t *date)
{
    int64_t days;
    int64_t in_day;
    int64_t ordinal;
    unsigned year;
    unsigned month = 1;

    if (seconds < VDEV_CALENDAR_FIRST) {
        seconds = VDEV_CALENDAR_FIRST;
    } else if (seconds > VDEV_CALENDAR_LAST) {
        seconds = VDEV_CALENDAR_LAST;
    }
    days = seconds / SECONDS_PER_DAY;
    in_day = seconds % SECONDS_PER_DAY;
    if (in_day < 0) {
        in_day += SECONDS_PER_DAY;
        days--;
    }
    date->hour = (unsigned)(in_day / 3600);
    date->minute = (unsigned)(in_day / 60 % 60);
    date->second = (unsigned)(in_day % 60);
    /* 1970-01-01 was a Thursday. */
    date->weekday = (unsigned)(((days % 7) + 11) % 7);
    ordinal = days + days_before_year(1970); /* days since 0001-01-01 */
    year = (unsigned)(ordinal * 400 / DAYS_PER_400Y) + 1;
    while (year > 1 && days_before_year(year) > ordinal) {
        year--;
    }
    while (days_before_year(year + 1) <= ordinal) {
        year++;
    }
    ordinal -= days_before_year(year);
    while (month < 12 &&
           ordinal >= (int64_t)days_before_month[month] + (month >= 2 ? leap(year) : 0)) {
        month++;
    }
    date->year = year;
    date->month = month;
    date->day =
            (unsigned)(ordinal - days_before_month[month - 1] - (month > 2 ? leap(year) : 0)) + 1;
}
