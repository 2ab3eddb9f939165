/*
 * Endpoints: message transfer (all message registers), badges, Call/Reply and ReplyRecv,
 * NBSend with nobody waiting, FIFO order of senders, capability transfer with and without the
 * grant right, unwrapped badges, SaveCaller, rights checks, IPC between address spaces.
 * The root thread never blocks on a child: it polls, or children report through memory.
 */
#include "groups.h"

typedef struct ep_record {
    seL4_Word label;
    seL4_Word length;
    seL4_Word extra_caps;
    seL4_Word unwrapped;
    seL4_Word badge;
    seL4_Word badge0;
    seL4_Word mrs[seL4_MsgMaxLength];
    volatile seL4_Word done;
} ep_record_t;

static ep_record_t ep_rec;
static volatile seL4_Word ep_client_result;
static volatile seL4_Word ep_client_done;

static void record_message(seL4_MessageInfo_t info, seL4_Word badge)
{
    ep_rec.label = seL4_MessageInfo_get_label(info);
    ep_rec.length = seL4_MessageInfo_get_length(info);
    ep_rec.extra_caps = seL4_MessageInfo_get_extraCaps(info);
    ep_rec.unwrapped = seL4_MessageInfo_get_capsUnwrapped(info);
    ep_rec.badge = badge;
    ep_rec.badge0 = seL4_GetBadge(0);
    for (seL4_Word i = 0; i < ep_rec.length && i < seL4_MsgMaxLength; i++) {
        ep_rec.mrs[i] = seL4_GetMR((int)i);
    }
    ep_rec.done = 1;
}

/* arg: endpoint cptr; bits 32..: receive slot for a capability (0: none). */
static void entry_receive_record(seL4_Word arg)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info;

    if ((arg >> 32) != 0) {
        seL4_SetCapReceivePath(ROOT_CNODE, arg >> 32, ROOT_DEPTH);
    } else {
        seL4_SetCapReceivePath(seL4_CapNull, 0, 0);
    }
    info = seL4_Recv(arg & 0xffffffffu, &badge);
    record_message(info, badge);
}

static int start_receiver(test_env_t *env, thread_t *thread, seL4_CPtr ep, seL4_CPtr recv_slot)
{
    test_thread_opts_t opts = {0};

    memset(&ep_rec, 0, sizeof(ep_rec));
    if (!test_thread_run(env, thread, &opts, entry_receive_record,
                         ((seL4_Word)recv_slot << 32) | ep)) {
        return 0;
    }
    test_yield(10); /* let it block in Recv */
    return 1;
}

static void test_send_receive_all_mrs(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    thread_t receiver;

    TEST_CHECK(env, ep != 0 && start_receiver(env, &receiver, ep, 0), "setup");
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR(i, 0x1000 + (seL4_Word)i * 3);
    }
    seL4_NBSend(ep, seL4_MessageInfo_new(0x123, 0, 0, seL4_MsgMaxLength));
    TEST_CHECK(env, test_wait_flag(env, &ep_rec.done, 1000), "nothing received");
    TEST_EQ(env, ep_rec.label, 0x123);
    TEST_EQ(env, ep_rec.length, seL4_MsgMaxLength);
    TEST_EQ(env, ep_rec.badge, 0);
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        TEST_EQ(env, ep_rec.mrs[i], 0x1000 + (seL4_Word)i * 3);
    }
}

static void test_badge_delivered(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr badged = test_mint(env, ep, seL4_AllRights, 0xbad);
    thread_t receiver;

    TEST_CHECK(env, badged != 0 && start_receiver(env, &receiver, ep, 0), "setup");
    seL4_SetMR(0, 7);
    seL4_NBSend(badged, seL4_MessageInfo_new(0x5, 0, 0, 1));
    TEST_CHECK(env, test_wait_flag(env, &ep_rec.done, 1000), "nothing received");
    TEST_EQ(env, ep_rec.badge, 0xbad);
    TEST_EQ(env, ep_rec.mrs[0], 7);
}

static void entry_server_double(seL4_Word ep)
{
    seL4_Word badge = 0;

    seL4_Recv(ep, &badge);
    for (;;) {
        seL4_SetMR(0, seL4_GetMR(0) * 2 + badge);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0x43, 0, 0, 1), &badge);
    }
}

/* Three calls; the result is the sum of the replies, or a marker of what went wrong. */
static void entry_client_three_calls(seL4_Word ep)
{
    seL4_Word sum = 0;

    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_MessageInfo_t reply;
        seL4_SetMR(0, i);
        reply = seL4_Call(ep, seL4_MessageInfo_new(0x42, 0, 0, 1));
        if (seL4_MessageInfo_get_label(reply) != 0x43 || seL4_MessageInfo_get_length(reply) != 1) {
            ep_client_result = 0xe0000000 | seL4_MessageInfo_get_label(reply);
            ep_client_done = 1;
            return;
        }
        sum += seL4_GetMR(0);
    }
    ep_client_result = sum;
    ep_client_done = 1;
}

static void test_call_reply_recv(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr client_ep = test_mint(env, ep, seL4_AllRights, 0x100);
    test_thread_opts_t opts = {0};
    thread_t server;
    thread_t client;

    TEST_CHECK(env, client_ep != 0, "setup");
    ep_client_done = 0;
    ep_client_result = 0;
    TEST_CHECK(env, test_thread_run(env, &server, &opts, entry_server_double, ep), "server");
    TEST_CHECK(env, test_thread_run(env, &client, &opts, entry_client_three_calls, client_ep),
               "client");
    TEST_CHECK(env, test_wait_flag(env, &ep_client_done, 1000), "the client never finished");
    /* Replies are 2i + badge for i = 1, 2, 3. */
    TEST_EQ(env, ep_client_result, 2 + 4 + 6 + 3 * 0x100);
}

static void test_call_between_address_spaces(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr client_ep = test_mint(env, ep, seL4_AllRights, 0x7);
    test_thread_opts_t server_opts = {0};
    test_thread_opts_t client_opts = {0};
    vspace_t vspace;
    thread_t server;
    thread_t client;

    TEST_CHECK(env, client_ep != 0, "setup");
    TEST_CHECK(env, test_own_spaces(env, &client_opts, &vspace, client_ep), "spaces");
    ep_client_done = 0;
    ep_client_result = 0;
    TEST_CHECK(env, test_thread_run(env, &server, &server_opts, entry_server_double, ep), "server");
    TEST_CHECK(env, test_thread_run(env, &client, &client_opts, entry_client_three_calls, 1),
               "client");
    TEST_CHECK(env, test_wait_flag(env, &ep_client_done, 1000), "the client never finished");
    TEST_EQ(env, ep_client_result, 2 + 4 + 6 + 3 * 0x7);
}

static void test_nbsend_without_receiver(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_Word badge = 0xffff;
    seL4_MessageInfo_t info;

    TEST_CHECK(env, ep != 0, "setup");
    /* Nobody waits: the message is dropped and the sender does not block. */
    seL4_NBSend(ep, seL4_MessageInfo_new(0x55, 0, 0, 0));
    info = seL4_NBRecv(ep, &badge);
    TEST_EQ(env, seL4_MessageInfo_get_label(info), 0);
    TEST_EQ(env, badge, 0);
}

static void entry_blocking_send(seL4_Word ep)
{
    seL4_Send(ep, seL4_MessageInfo_new(0x61, 0, 0, 0));
}

static void test_senders_fifo(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {0};
    thread_t senders[3];

    TEST_CHECK(env, ep != 0, "setup");
    for (int i = 0; i < 3; i++) {
        seL4_CPtr badged = test_mint(env, ep, seL4_AllRights, (seL4_Word)i + 1);
        TEST_CHECK(env, badged != 0, "mint");
        TEST_CHECK(env, test_thread_run(env, &senders[i], &opts, entry_blocking_send, badged),
                   "thread");
        test_yield(5); /* each one blocks before the next starts */
    }
    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info;
        TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, &badge), "sender %lu missing",
                   (unsigned long)i);
        TEST_EQ(env, badge, i);
        TEST_EQ(env, seL4_MessageInfo_get_label(info), 0x61);
    }
}

/* arg: endpoint in bits 0..31, the capability to send in bits 32... */
static void entry_send_cap(seL4_Word arg)
{
    seL4_SetMR(0, 0x99);
    seL4_SetCap(0, arg >> 32);
    seL4_Send(arg & 0xffffffffu, seL4_MessageInfo_new(0x66, 0, 1, 1));
}

static void send_cap_test(test_env_t *env, seL4_CapRights_t ep_rights, int expect_transfer)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr sender_ep = test_mint(env, ep, ep_rights, 0);
    seL4_CPtr ntfn = test_object(env, seL4_NotificationObject, 0);
    seL4_CPtr gift = test_mint(env, ntfn, seL4_AllRights, 0x8);
    seL4_CPtr recv_slot = test_slot(env);
    test_thread_opts_t opts = {0};
    thread_t receiver;
    thread_t sender;
    seL4_Word word = 0;

    TEST_CHECK(env, recv_slot != 0 && start_receiver(env, &receiver, ep, recv_slot), "setup");
    TEST_CHECK(env,
               test_thread_run(env, &sender, &opts, entry_send_cap,
                               ((seL4_Word)gift << 32) | sender_ep),
               "sender");
    TEST_CHECK(env, test_wait_flag(env, &ep_rec.done, 1000), "nothing received");
    TEST_EQ(env, ep_rec.label, 0x66);
    TEST_EQ(env, ep_rec.mrs[0], 0x99);
    if (expect_transfer) {
        TEST_EQ(env, ep_rec.extra_caps, 1);
        TEST_EQ(env, ep_rec.unwrapped, 0);
        TEST_EQ(env, seL4_DebugCapIdentify(recv_slot), seL4_CapType_Notification);
        seL4_Signal(recv_slot);
        seL4_Poll(ntfn, &word);
        TEST_EQ(env, word, 0x8); /* the received cap kept its badge */
    } else {
        TEST_EQ(env, ep_rec.extra_caps, 0);
        TEST_EQ(env, seL4_DebugCapIdentify(recv_slot), seL4_CapType_Null);
    }
}

static void test_cap_transfer_with_grant(test_env_t *env)
{
    send_cap_test(env, seL4_AllRights, 1);
}

static void test_cap_transfer_without_grant(test_env_t *env)
{
    send_cap_test(env, seL4_CapRights_new(1, 0, 1, 1), 0);
}

static void test_cap_unwrapped_badge(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr badged = test_mint(env, ep, seL4_AllRights, 0x31);
    seL4_CPtr recv_slot = test_slot(env);
    test_thread_opts_t opts = {0};
    thread_t receiver;
    thread_t sender;

    TEST_CHECK(env, recv_slot != 0 && start_receiver(env, &receiver, ep, recv_slot), "setup");
    /* A cap to the very endpoint the message travels on arrives as its badge only. */
    TEST_CHECK(env,
               test_thread_run(env, &sender, &opts, entry_send_cap,
                               ((seL4_Word)badged << 32) | badged),
               "sender");
    TEST_CHECK(env, test_wait_flag(env, &ep_rec.done, 1000), "nothing received");
    TEST_EQ(env, ep_rec.extra_caps, 1);
    TEST_EQ(env, ep_rec.unwrapped, 1);
    TEST_EQ(env, ep_rec.badge0, 0x31);
    TEST_EQ(env, seL4_DebugCapIdentify(recv_slot), seL4_CapType_Null);
}

static void entry_call_once(seL4_Word ep)
{
    seL4_MessageInfo_t reply;

    seL4_SetMR(0, 21);
    reply = seL4_Call(ep, seL4_MessageInfo_new(0x71, 0, 0, 1));
    ep_client_result = (seL4_MessageInfo_get_label(reply) << 32) | seL4_GetMR(0);
    ep_client_done = 1;
}

static void test_save_caller(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr saved = test_slot(env);
    test_thread_opts_t opts = {0};
    thread_t client;
    seL4_MessageInfo_t info;

    TEST_CHECK(env, saved != 0, "setup");
    ep_client_done = 0;
    TEST_CHECK(env, test_thread_run(env, &client, &opts, entry_call_once, ep), "client");
    TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, NULL), "no call arrived");
    TEST_EQ(env, seL4_MessageInfo_get_label(info), 0x71);
    TEST_EQ(env, seL4_GetMR(0), 21);
    TEST_OK(env, seL4_CNode_SaveCaller(ROOT_CNODE, saved, ROOT_DEPTH));
    TEST_EQ(env, seL4_DebugCapIdentify(saved), seL4_CapType_Reply);
    /* Sending on the saved reply capability answers the caller. */
    seL4_SetMR(0, 42);
    seL4_Send(saved, seL4_MessageInfo_new(0x72, 0, 0, 1));
    TEST_CHECK(env, test_wait_flag(env, &ep_client_done, 1000), "the caller never resumed");
    TEST_EQ(env, ep_client_result, (0x72ull << 32) | 42);
    /* A reply capability is used up by the reply. */
    TEST_EQ(env, seL4_DebugCapIdentify(saved), seL4_CapType_Null);
}

static void test_reply_to_caller(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {0};
    thread_t client;
    seL4_MessageInfo_t info;

    TEST_CHECK(env, ep != 0, "setup");
    ep_client_done = 0;
    TEST_CHECK(env, test_thread_run(env, &client, &opts, entry_call_once, ep), "client");
    TEST_CHECK(env, test_wait_message(env, ep, 1000, &info, NULL), "no call arrived");
    seL4_SetMR(0, 43);
    seL4_Reply(seL4_MessageInfo_new(0x73, 0, 0, 1));
    TEST_CHECK(env, test_wait_flag(env, &ep_client_done, 1000), "the caller never resumed");
    TEST_EQ(env, ep_client_result, (0x73ull << 32) | 43);
}

static void entry_receive_and_answer(seL4_Word ep)
{
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);

    record_message(info, badge);
    seL4_Reply(seL4_MessageInfo_new(0x1, 0, 0, 0));
}

static void test_send_needs_write_right(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr read_only = test_mint(env, ep, seL4_CanRead, 0);
    test_thread_opts_t opts = {0};
    thread_t receiver;
    seL4_MessageInfo_t reply;

    TEST_CHECK(env, read_only != 0, "setup");
    memset(&ep_rec, 0, sizeof(ep_rec));
    /* A receiver is there so that a kernel that wrongly delivers cannot hang the suite. */
    TEST_CHECK(env, test_thread_run(env, &receiver, &opts, entry_receive_and_answer, ep),
               "receiver");
    test_yield(10);
    reply = seL4_Call(read_only, seL4_MessageInfo_new(0x9, 0, 0, 0));
    TEST_EQ(env, seL4_MessageInfo_get_label(reply), seL4_InvalidCapability);
    test_yield(10);
    TEST_EQ(env, ep_rec.done, 0);
}

static void test_nbrecv_empty(test_env_t *env)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_Word badge = 0x1234;
    seL4_MessageInfo_t info;

    TEST_CHECK(env, ep != 0, "setup");
    info = seL4_NBRecv(ep, &badge);
    TEST_EQ(env, badge, 0);
    TEST_EQ(env, info.words[0], 0);
}

static volatile seL4_Word ep_after_recv;

static void entry_recv_then_mark(seL4_Word ep)
{
    seL4_Recv(ep, NULL);
    ep_after_recv = 1;
}

static void test_delete_endpoint_releases_receiver(test_env_t *env)
{
    seL4_CPtr fault_ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    test_thread_opts_t opts = {.fault_ep = fault_ep};
    thread_t receiver;
    seL4_Word label = 0;
    seL4_Word mrs[seL4_CapFault_Length];

    TEST_CHECK(env, ep != 0, "setup");
    ep_after_recv = 0;
    TEST_CHECK(env, test_thread_run(env, &receiver, &opts, entry_recv_then_mark, ep), "thread");
    test_yield(10);
    /* Destroying the endpoint cancels the wait; the restarted Recv finds no capability. */
    TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, ep, ROOT_DEPTH));
    TEST_CHECK(env, test_wait_fault(env, fault_ep, &label, mrs, seL4_CapFault_Length),
               "the receiver stayed blocked");
    TEST_EQ(env, label, seL4_Fault_CapFault);
    TEST_EQ(env, mrs[seL4_CapFault_Addr], ep);
    TEST_EQ(env, mrs[seL4_CapFault_InRecvPhase], 1);
    TEST_EQ(env, ep_after_recv, 0);
}

/* Two badged senders block on ep; the first is removed (deleted or suspended); only the second
 * may be received. */
static void sender_leaves_queue(test_env_t *env, int by_delete)
{
    seL4_CPtr ep = test_object(env, seL4_EndpointObject, 0);
    seL4_CPtr first = test_mint(env, ep, seL4_AllRights, 0x1);
    seL4_CPtr second = test_mint(env, ep, seL4_AllRights, 0x2);
    test_thread_opts_t opts = {0};
    thread_t senders[2];
    seL4_Word badge = 0;

    TEST_CHECK(env, second != 0, "setup");
    TEST_CHECK(env, test_thread_run(env, &senders[0], &opts, entry_blocking_send, first), "one");
    test_yield(5);
    TEST_CHECK(env, test_thread_run(env, &senders[1], &opts, entry_blocking_send, second), "two");
    test_yield(5);
    if (by_delete) {
        TEST_OK(env, seL4_CNode_Delete(ROOT_CNODE, senders[0].tcb, ROOT_DEPTH));
    } else {
        TEST_OK(env, seL4_TCB_Suspend(senders[0].tcb));
    }
    TEST_CHECK(env, test_wait_message(env, ep, 1000, NULL, &badge), "no message");
    TEST_EQ(env, badge, 0x2);
    TEST_CHECK(env, !test_wait_message(env, ep, 20, NULL, &badge), "a removed sender got through");
}

static void test_deleted_sender_leaves_queue(test_env_t *env)
{
    sender_leaves_queue(env, 1);
}

static void test_suspended_sender_leaves_queue(test_env_t *env)
{
    sender_leaves_queue(env, 0);
}

static const test_case_t endpoint_cases[] = {
        {"endpoint_send_receive_all_mrs", test_send_receive_all_mrs},
        {"endpoint_badge_delivered", test_badge_delivered},
        {"endpoint_call_reply_recv", test_call_reply_recv},
        {"endpoint_call_between_address_spaces", test_call_between_address_spaces},
        {"endpoint_reply_to_caller", test_reply_to_caller},
        {"endpoint_nbsend_without_receiver", test_nbsend_without_receiver},
        {"endpoint_nbrecv_empty", test_nbrecv_empty},
        {"endpoint_senders_fifo", test_senders_fifo},
        {"endpoint_cap_transfer_with_grant", test_cap_transfer_with_grant},
        {"endpoint_cap_transfer_without_grant", test_cap_transfer_without_grant},
        {"endpoint_cap_unwrapped_badge", test_cap_unwrapped_badge},
        {"endpoint_save_caller", test_save_caller},
        {"endpoint_send_needs_write_right", test_send_needs_write_right},
        {"endpoint_delete_releases_receiver", test_delete_endpoint_releases_receiver},
        {"endpoint_deleted_sender_leaves_queue", test_deleted_sender_leaves_queue},
        {"endpoint_suspended_sender_leaves_queue", test_suspended_sender_leaves_queue},
};

const test_group_t endpoint_group = TEST_GROUP(endpoint_cases);
