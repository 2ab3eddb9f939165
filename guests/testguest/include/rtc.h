/* The CMOS real-time clock (ports 0x70/0x71): registers and a consistent read of the time. */
#ifndef TESTGUEST_RTC_H
#define TESTGUEST_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY      0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_STATUS_C 0x0c

#define RTC_A_UPDATE_IN_PROGRESS 0x80
#define RTC_B_24_HOUR            0x02
#define RTC_B_BINARY             0x04

typedef struct rtc_time {
    uint8_t seconds, minutes, hours, day, month, year; /* as stored (BCD or binary) */
} rtc_time_t;

uint8_t rtc_read(uint8_t reg);
/* Reads the time twice outside update cycles until both reads agree; false on timeout. */
bool rtc_read_time(rtc_time_t *time);
/* A register value as a number, whichever mode status B says. */
unsigned rtc_decode(uint8_t value, bool binary);

#endif
