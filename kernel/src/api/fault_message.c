/*
 * Fault messages as faults.h lays them out (the whole register set, then the fault's own
 * words) and the handling of the reply to a fault (registers rewritten from a full set).
 */
#include <kernel/arch_thread.h>
#include <kernel/faulthandler.h>
#include <kernel/printf.h>
#include <kernel/thread.h>
#include <kernel/user_context.h>

static unsigned fault_specific_words(const fault_t *fault, word_t *words)
{
    switch (fault->type) {
    case seL4_Fault_VMFault:
        words[0] = fault->words[0];
        words[1] = fault->words[1];
        words[2] = fault->words[2];
        return seL4_VMFault_Length - seL4_Fault_RegisterCount;
    case seL4_Fault_UnknownSyscall:
        words[0] = fault->words[0];
        return seL4_UnknownSyscall_Length - seL4_Fault_RegisterCount;
    case seL4_Fault_UserException:
        words[0] = fault->words[0];
        words[1] = fault->words[1];
        return seL4_UserException_Length - seL4_Fault_RegisterCount;
    case seL4_Fault_CapFault:
        words[0] = fault->words[0];
        words[1] = fault->words[1];
        words[2] = fault->lookup.type;
        words[3] = fault->lookup.bits_left;
        words[4] = fault->lookup.guard_found;
        words[5] = fault->lookup.bits_found;
        return seL4_CapFault_Length - seL4_Fault_RegisterCount;
    default:
        return 0;
    }
}

unsigned fault_write_message(tcb_t *sender, tcb_t *receiver, word_t *receive_buffer)
{
    word_t message[seL4_Fault_MessageLength] = {0};
    unsigned length = seL4_Fault_MessageLength;
    unsigned i;

    user_context_read(sender, message);
    fault_specific_words(&sender->fault, &message[seL4_Fault_RegisterCount]);
    message[seL4_Fault_X86_CodeSegment] = arch_thread_code_segment(sender);
    for (i = 0; i < length; i++) {
        if (!thread_set_mr(receiver, receive_buffer, i, message[i])) {
            break;
        }
    }
    return i;
}

bool fault_handle_reply(tcb_t *faulted, tcb_t *replier)
{
    seL4_MessageInfo_t info = {{thread_get_msg_info(replier)}};
    word_t length = seL4_MessageInfo_get_length(info);
    word_t *buffer = thread_ipc_buffer(replier, false);

    if (length >= seL4_UserContext_Count && buffer != NULL) {
        word_t registers[seL4_UserContext_Count];
        unsigned bad;
        for (unsigned i = 0; i < seL4_UserContext_Count; i++) {
            registers[i] = thread_get_mr(replier, buffer, i);
        }
        if (!user_context_write(faulted, registers, USER_CONTEXT_ALL, &bad)) {
            kprintf("beaml4: thread '%s' (tcb %p): fault reply from '%s' sets register %u to "
                    "non-canonical %#lx: thread stopped\n",
                    thread_name(faulted), (void *)faulted, thread_name(replier), bad,
                    registers[bad]);
            return false;
        }
    }
    if (length > seL4_UserContext_Count && buffer != NULL) {
        word_t selector = thread_get_mr(replier, buffer, seL4_UserContext_Count);
        if (!arch_thread_set_code_segment(faulted, selector)) {
            kprintf("beaml4: thread '%s' (tcb %p): fault reply from '%s' sets code segment %#lx: "
                    "thread stopped\n",
                    thread_name(faulted), (void *)faulted, thread_name(replier), selector);
            return false;
        }
    }
    return seL4_MessageInfo_get_label(info) == 0;
}
