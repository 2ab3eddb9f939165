/*
 * rtc: the CMOS clock. Prints only stable facts (the number format and hour mode of status
 * register B), never the time; checks that a consistent read (outside the update cycle) gives
 * valid field values, and that the seconds advance within 2 s.
 */
#include "check.h"
#include "programs.h"
#include "rtc.h"
#include "timebase.h"

static bool valid_bcd(uint8_t value)
{
    return (value & 0xf) <= 9 && (value >> 4) <= 9;
}

void program_rtc(void)
{
    uint8_t status_b = rtc_read(RTC_STATUS_B);
    bool binary = (status_b & RTC_B_BINARY) != 0;
    say("RTC %s mode, %s", binary ? "binary" : "BCD",
        (status_b & RTC_B_24_HOUR) ? "24-hour" : "12-hour");

    rtc_time_t first;
    if (!check(rtc_read_time(&first), "two reads outside the update cycle agree")) {
        return;
    }
    bool digits = binary || (valid_bcd(first.seconds) && valid_bcd(first.minutes) &&
                             valid_bcd(first.day) && valid_bcd(first.month) &&
                             valid_bcd(first.year) && valid_bcd(first.hours & 0x7f));
    check(digits, "every field is valid in the mode status B names");
    unsigned hours = rtc_decode(first.hours & 0x7f, binary);
    check(rtc_decode(first.seconds, binary) < 60 && rtc_decode(first.minutes, binary) < 60 &&
                  ((status_b & RTC_B_24_HOUR) ? hours < 24 : hours >= 1 && hours <= 12) &&
                  rtc_decode(first.day, binary) >= 1 && rtc_decode(first.day, binary) <= 31 &&
                  rtc_decode(first.month, binary) >= 1 && rtc_decode(first.month, binary) <= 12,
          "seconds, minutes, hours, day and month in range");

    uint64_t deadline = tsc_after_ms(2000);
    bool advanced = false;
    while (!advanced && !tsc_passed(deadline)) {
        rtc_time_t now;
        advanced = rtc_read_time(&now) && now.seconds != first.seconds;
    }
    check(advanced, "the seconds advance within 2 s");
}
