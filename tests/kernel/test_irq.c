/*
 * Interrupts: IRQHandler capabilities from IRQControl, delivery of a real device interrupt (the
 * RTC's periodic interrupt, ISA IRQ 8) to a notification, Ack gating the next delivery, and the
 * error paths of IRQControl_Get.
 */
#include "groups.h"
#include "rtc.h"

static void test_get_handler(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);

    TEST_CHECK(env, slot != 0, "setup");
    TEST_OK(env, seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, slot, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(slot), seL4_CapType_IRQHandler);
}

static void test_get_errors(test_env_t *env)
{
    seL4_CPtr slot = test_slot(env);
    seL4_CPtr other = test_slot(env);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);

    TEST_CHECK(env, ep != 0, "setup");
    TEST_EXPECT_ERR(
            env,
            seL4_IRQControl_Get(seL4_CapIRQControl, seL4_MaxIRQ + 1, ROOT_CNODE, slot, ROOT_DEPTH),
            seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, ep, ROOT_DEPTH),
                    seL4_DeleteFirst);
    TEST_OK(env, seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, slot, ROOT_DEPTH));
    /* One handler per interrupt. */
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, other, ROOT_DEPTH),
                    seL4_RevokeFirst);
    TEST_EQ(env, seL4_DebugCapIdentify(other), seL4_CapType_Null);
    /* Deleting the handler frees the interrupt. */
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, slot, ROOT_DEPTH));
    TEST_OK(env, seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, other, ROOT_DEPTH));
}

static void test_set_notification_checks(test_env_t *env)
{
    seL4_CPtr handler = test_slot(env);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);

    TEST_CHECK(env, ntfn != 0, "setup");
    TEST_OK(env, seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, handler, ROOT_DEPTH));
    TEST_EXPECT_ERR(env, seL4_IRQHandler_SetNotification(handler, ep), seL4_InvalidCapability);
    TEST_OK(env, seL4_IRQHandler_SetNotification(handler, ntfn));
    TEST_OK(env, seL4_IRQHandler_Clear(handler));
    /* IRQHandler invocations on something else. */
    TEST_EXPECT_ERR(env, seL4_IRQHandler_Ack(ROOT_CNODE), seL4_IllegalOperation);
}

static void test_rtc_interrupt_delivered(test_env_t *env)
{
    seL4_CPtr handler = test_slot(env);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x80);
    seL4_CPtr port = env->port_cmos;
    seL4_Word badge = 0;
    int got_first;
    int early;
    int got_second;

    TEST_CHECK(env, badged != 0 && port != seL4_CapNull, "setup");
    TEST_CHECK(env, rtc_handler_new(env, handler, badged), "handler");
    rtc_periodic_start(port, RTC_RATE_1024);
    got_first = test_wait_signal(env, ntfn, 2000, &badge);
    rtc_ack(port);
    /* Until the handler acknowledges, the interrupt stays masked. */
    early = test_wait_signal(env, ntfn, 30, NULL);
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    /* The RTC holds its line high until register C is read; an edge raised while the pin was
     * masked is gone, so re-arm it after unmasking. */
    rtc_ack(port);
    got_second = test_wait_signal(env, ntfn, 2000, NULL);
    rtc_periodic_stop(port);
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    TEST_CHECK(env, got_first, "no RTC interrupt arrived");
    TEST_EQ(env, badge, 0x80);
    TEST_CHECK(env, !early, "an interrupt arrived before Ack");
    TEST_CHECK(env, got_second, "no interrupt after Ack");
}

static void test_clear_stops_delivery(test_env_t *env)
{
    seL4_CPtr handler = test_slot(env);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x2);
    seL4_CPtr port = env->port_cmos;
    int before;
    int after_clear;
    int after_rebind;

    TEST_CHECK(env, badged != 0 && port != seL4_CapNull, "setup");
    TEST_CHECK(env, rtc_handler_new(env, handler, badged), "handler");
    rtc_periodic_start(port, RTC_RATE_1024);
    before = test_wait_signal(env, ntfn, 2000, NULL);
    /* Unbound: interrupts keep coming at the RTC, none reaches the notification. */
    TEST_OK(env, seL4_IRQHandler_Clear(handler));
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    rtc_ack(port);
    test_wait_signal(env, ntfn, 5, NULL); /* drain one that raced with Clear */
    rtc_ack(port);
    after_clear = test_wait_signal(env, ntfn, 30, NULL);
    TEST_OK(env, seL4_IRQHandler_SetNotification(handler, badged));
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    rtc_ack(port);
    after_rebind = test_wait_signal(env, ntfn, 2000, NULL);
    rtc_periodic_stop(port);
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    TEST_CHECK(env, before, "no interrupt before Clear");
    TEST_CHECK(env, !after_clear, "an interrupt reached the notification after Clear");
    TEST_CHECK(env, after_rebind, "no interrupt after binding again");
}

static void test_ioapic_route_delivers(test_env_t *env)
{
    enum { IRQ_NUMBER = 40 };
    seL4_CPtr handler = test_slot(env);
    seL4_CPtr other = test_slot(env);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr badged = test_mint(env, ntfn, seL4_AllRights, 0x4);
    seL4_CPtr port = env->port_cmos;
    int got;

    TEST_CHECK(env, badged != 0 && port != seL4_CapNull, "setup");
    /* Out of range: IOAPIC number, pin, trigger and polarity flags. */
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH,
                                              64, RTC_IRQ, 0, 0, IRQ_NUMBER),
                    seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH,
                                              0, 255, 0, 0, IRQ_NUMBER),
                    seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH,
                                              0, RTC_IRQ, 2, 0, IRQ_NUMBER),
                    seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH,
                                              0, RTC_IRQ, 0, 2, IRQ_NUMBER),
                    seL4_RangeError);
    /* The RTC's pin (8 on the first IOAPIC), edge, active high, as IRQ number 40. */
    TEST_OK(env, seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH, 0,
                                           RTC_IRQ, 0, 0, IRQ_NUMBER));
    TEST_EQ(env, seL4_DebugCapIdentify(handler), seL4_CapType_IRQHandler);
    /* The pin is taken now, whatever IRQ number or route asks for it. */
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, other, ROOT_DEPTH, 0,
                                              RTC_IRQ, 0, 0, IRQ_NUMBER + 1),
                    seL4_RevokeFirst);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_Get(seL4_CapIRQControl, RTC_IRQ, ROOT_CNODE, other, ROOT_DEPTH),
                    seL4_RevokeFirst);
    TEST_OK(env, seL4_IRQHandler_SetNotification(handler, badged));
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    rtc_periodic_start(port, RTC_RATE_1024);
    got = test_wait_signal(env, ntfn, 2000, NULL);
    rtc_periodic_stop(port);
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    TEST_CHECK(env, got, "no RTC interrupt through the explicit IOAPIC route");
}

static void test_msi_issue_checks(test_env_t *env)
{
    enum { IRQ_NUMBER = 50 };
    seL4_CPtr handler = test_slot(env);
    seL4_CPtr other = test_slot(env);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);

    TEST_CHECK(env, ntfn != 0, "setup");
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH, 256,
                                           0, 0, 0, IRQ_NUMBER),
                    seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH, 0,
                                           32, 0, 0, IRQ_NUMBER),
                    seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH, 0,
                                           3, 8, 0, IRQ_NUMBER),
                    seL4_RangeError);
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH, 0,
                                           3, 0, 0, seL4_MaxIRQ + 1),
                    seL4_RangeError);
    TEST_OK(env, seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, handler, ROOT_DEPTH, 0, 3,
                                        0, 0, IRQ_NUMBER));
    TEST_EQ(env, seL4_DebugCapIdentify(handler), seL4_CapType_IRQHandler);
    TEST_OK(env, seL4_IRQHandler_SetNotification(handler, ntfn));
    TEST_OK(env, seL4_IRQHandler_Ack(handler));
    TEST_EXPECT_ERR(env,
                    seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, other, ROOT_DEPTH, 0, 4,
                                           0, 0, IRQ_NUMBER),
                    seL4_RevokeFirst);
}

static const test_case_t irq_cases[] = {
        {"irq_get_handler", test_get_handler},
        {"irq_get_errors", test_get_errors},
        {"irq_set_notification_checks", test_set_notification_checks},
        {"irq_rtc_interrupt_delivered_and_acked", test_rtc_interrupt_delivered},
        {"irq_clear_stops_delivery", test_clear_stops_delivery},
        {"irq_ioapic_route_delivers", test_ioapic_route_delivers},
        {"irq_msi_issue_checks", test_msi_issue_checks},
};

const test_group_t irq_group = TEST_GROUP(irq_cases);
