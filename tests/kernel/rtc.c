/*
 * The CMOS RTC for interrupt tests (see rtc.h). Only touches registers A to C and only the
 * periodic-interrupt bit of B.
 */
#include "rtc.h"

#define RTC_B_PIE 0x40

seL4_Word cmos_read(seL4_CPtr port, seL4_Word reg)
{
    seL4_X86_IOPort_Out8(port, CMOS_INDEX, reg);
    return seL4_X86_IOPort_In8(port, CMOS_DATA).result;
}

void cmos_write(seL4_CPtr port, seL4_Word reg, seL4_Word value)
{
    seL4_X86_IOPort_Out8(port, CMOS_INDEX, reg);
    seL4_X86_IOPort_Out8(port, CMOS_DATA, value);
}

void rtc_ack(seL4_CPtr port)
{
    cmos_read(port, RTC_REG_C);
}

void rtc_periodic_start(seL4_CPtr port, seL4_Word rate)
{
    seL4_Word b = cmos_read(port, RTC_REG_B);

    cmos_write(port, RTC_REG_A, rate);
    cmos_write(port, RTC_REG_B, b | RTC_B_PIE);
    rtc_ack(port);
}

void rtc_periodic_stop(seL4_CPtr port)
{
    cmos_write(port, RTC_REG_B, cmos_read(port, RTC_REG_B) & ~(seL4_Word)RTC_B_PIE);
    rtc_ack(port);
}

int rtc_handler_new(test_env_t *env, seL4_CPtr handler, seL4_CPtr notification)
{
    seL4_Error error =
            seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, handler, ROOT_DEPTH);

    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "issuing the RTC's IRQ handler: %s", test_error_name(error));
        return 0;
    }
    error = seL4_IRQHandler_SetNotification(handler, notification);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "binding the RTC's IRQ handler: %s", test_error_name(error));
        return 0;
    }
    error = seL4_IRQHandler_Ack(handler);
    if (error != seL4_NoError) {
        test_fail(env, __LINE__, "acknowledging the RTC's IRQ handler: %s", test_error_name(error));
        return 0;
    }
    return 1;
}
