/*
 * The CMOS real-time clock as the suite's source of real device interrupts: register access
 * through the suite's 0x70..0x71 port capability, its periodic interrupt (ISA IRQ 8), and an
 * IRQ handler for it bound to a notification. Tests must stop the periodic interrupt they start.
 */
#ifndef KTEST_RTC_H
#define KTEST_RTC_H

#include "framework.h"

#define RTC_IRQ       8
#define CMOS_INDEX    0x70
#define CMOS_DATA     0x71
#define RTC_REG_A     0x0a
#define RTC_REG_B     0x0b
#define RTC_REG_C     0x0c
#define RTC_RATE_1024 0x26 /* 32.768 kHz base, rate 6: 1024 interrupts per second */
#define RTC_RATE_2HZ  0x2f /* 32.768 kHz base, rate 15: two interrupts per second */

seL4_Word cmos_read(seL4_CPtr port, seL4_Word reg);
void cmos_write(seL4_CPtr port, seL4_Word reg, seL4_Word value);

/*
 * Reads register C, which acknowledges at the RTC: it holds its interrupt line until then, so
 * this re-arms the next interrupt.
 */
void rtc_ack(seL4_CPtr port);

/* Starts the periodic interrupt at rate (register A's value) or stops it; both acknowledge. */
void rtc_periodic_start(seL4_CPtr port, seL4_Word rate);
void rtc_periodic_stop(seL4_CPtr port);

/*
 * Issues the RTC's IRQ handler into the empty root slot handler, binds it to notification and
 * acknowledges it so that the first interrupt can come. Returns 0 (and a recorded failure)
 * when a step fails.
 */
int rtc_handler_new(test_env_t *env, seL4_CPtr handler, seL4_CPtr notification);

#endif
