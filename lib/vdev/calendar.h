/*
 * Civil dates (proleptic Gregorian, UTC, no leap seconds) from and to seconds since
 * 1970-01-01 00:00:00, for years 1 to 9999. Internal to lib/vdev (the RTC uses it).
 */
#ifndef VDEV_CALENDAR_H
#define VDEV_CALENDAR_H

#include <stdint.h>

/* 0001-01-01 00:00:00 and 9999-12-31 23:59:59: times outside are taken as these. */
#define VDEV_CALENDAR_FIRST (-62135596800ll)
#define VDEV_CALENDAR_LAST  253402300799ll

typedef struct vdev_date {
    unsigned year;  /* 1-9999 */
    unsigned month; /* 1-12 */
    unsigned day;   /* 1-31 */
    unsigned hour;
    unsigned minute;
    unsigned second;
    unsigned weekday; /* 0 = Sunday */
} vdev_date_t;

unsigned vdev_days_in_month(unsigned year, unsigned month);
int64_t vdev_date_to_seconds(const vdev_date_t *date);
void vdev_seconds_to_date(int64_t seconds, vdev_date_t *date);

#endif
