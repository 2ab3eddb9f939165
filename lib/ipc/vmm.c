/*
 * Encoding and decoding of the VMM protocol (ipc/vmm.h). The decoder is the only way init reads
 * a VMM's report, so every field a subverted VMM could set is checked here.
 */
#include <ipc/vmm.h>

static void encode_name(ipc_msg_t *msg, seL4_Word label, const char *name)
{
    ipc_msg_init(msg, label);
    ipc_msg_push_string(msg, name, VMM_NAME_BYTES - 1);
}

void vmm_encode_report(ipc_msg_t *msg, seL4_Word kind, seL4_Word end, seL4_Word status,
                       const char *text)
{
    ipc_msg_init(msg, VMM_REPORT);
    ipc_msg_push(msg, kind);
    ipc_msg_push(msg, end);
    ipc_msg_push(msg, status);
    ipc_msg_push_string(msg, text, VMM_TEXT_BYTES - 1);
}

void vmm_encode_vm_start(ipc_msg_t *msg, const char *name)
{
    encode_name(msg, VMM_VM_START, name);
}

void vmm_encode_vm_kill(ipc_msg_t *msg, const char *name)
{
    encode_name(msg, VMM_VM_KILL, name);
}

void vmm_encode_vm_reboot(ipc_msg_t *msg, const char *name)
{
    encode_name(msg, VMM_VM_REBOOT, name);
}

void vmm_encode_vm_pause(ipc_msg_t *msg, const char *name)
{
    encode_name(msg, VMM_VM_PAUSE, name);
}

void vmm_encode_vm_resume(ipc_msg_t *msg, const char *name)
{
    encode_name(msg, VMM_VM_RESUME, name);
}

void vmm_encode_vm_console(ipc_msg_t *msg, const char *name, const seL4_Uint8 *bytes,
                           seL4_Word length)
{
    seL4_Word count = length > VMM_CONSOLE_BYTES_MAX ? VMM_CONSOLE_BYTES_MAX : length;

    encode_name(msg, VMM_VM_CONSOLE, name);
    ipc_msg_push(msg, count);
    /* cppcheck-suppress knownConditionTrueFalse ; it misreads count as 0 (see test_protocol.c) */
    for (seL4_Word at = 0; at < count; at += sizeof(seL4_Word)) {
        seL4_Word word = 0;
        /* cppcheck-suppress knownConditionTrueFalse ; as above */
        for (seL4_Word i = 0; i < sizeof(seL4_Word) && at + i < count; i++) {
            word |= (seL4_Word)bytes[at + i] << (8 * i);
        }
        ipc_msg_push(msg, word);
    }
}

void vmm_encode_vm_mode(ipc_msg_t *msg, const char *name, seL4_Word mode)
{
    encode_name(msg, VMM_VM_MODE, name);
    ipc_msg_push(msg, mode);
}

void vmm_encode_vm_stats(ipc_msg_t *msg, const char *name, seL4_Word first)
{
    encode_name(msg, VMM_VM_STATS, name);
    ipc_msg_push(msg, first);
}

bool vmm_label_is_ours(seL4_Word label)
{
    return label >= VMM_REPORT && label <= VMM_VM_RESUME;
}

static bool text_printable(const char *text)
{
    for (; *text != '\0'; text++) {
        if (*text < 0x20 || *text > 0x7e) {
            return false;
        }
    }
    return true;
}

/* lib/vmdecl's rule for VM names, repeated so that lib/ipc needs nothing else. */
static bool name_valid(const char *name)
{
    if (!(name[0] >= 'a' && name[0] <= 'z')) {
        return false;
    }
    for (; *name != '\0'; name++) {
        char c = *name;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

static ipc_error_t decode_report(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word *field)
{
    seL4_Word at = 3;
    ipc_error_t error;

    if (msg->length < 4) {
        return IPC_ERR_LENGTH;
    }
    request->kind = msg->words[0];
    request->end = msg->words[1];
    request->status = msg->words[2];
    if (request->kind != VMM_REPORT_RUNNING && request->kind != VMM_REPORT_ENDED) {
        *field = 0;
        return IPC_ERR_FIELD;
    }
    bool running = request->kind == VMM_REPORT_RUNNING;
    bool ended_how = request->end > VMM_END_NONE && request->end < VMM_END_COUNT;
    if (running ? request->end != VMM_END_NONE : !ended_how) {
        *field = 1;
        return IPC_ERR_FIELD;
    }
    if (running && request->status != 0) {
        *field = 2;
        return IPC_ERR_FIELD;
    }
    error = ipc_msg_get_string(msg, &at, request->text, sizeof(request->text));
    if (error == IPC_OK && !text_printable(request->text)) {
        error = IPC_ERR_FIELD;
    }
    if (error == IPC_OK && at != msg->length) {
        error = IPC_ERR_LENGTH;
    }
    if (error != IPC_OK) {
        *field = 3;
    }
    return error;
}

/* The VM name every shell request starts with; *at is the word after it. */
static ipc_error_t name_read(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word *at)
{
    ipc_error_t error = ipc_msg_get_string(msg, at, request->name, sizeof(request->name));

    if (error == IPC_OK && !name_valid(request->name)) {
        error = IPC_ERR_FIELD;
    }
    return error;
}

static ipc_error_t decode_name(const ipc_msg_t *msg, vmm_request_t *request)
{
    seL4_Word at = 0;
    ipc_error_t error = name_read(msg, request, &at);

    if (error == IPC_OK && at != msg->length) {
        error = IPC_ERR_LENGTH;
    }
    return error;
}

/* The name, then a count of 1..VMM_CONSOLE_BYTES_MAX and exactly the words the bytes fill,
 * the last word's unused bytes zero (so that one message has one meaning). */
static ipc_error_t decode_console(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word *field)
{
    seL4_Word at = 0;
    ipc_error_t error = name_read(msg, request, &at);

    if (error != IPC_OK) {
        return error;
    }
    if (at >= msg->length) {
        *field = at;
        return IPC_ERR_LENGTH;
    }
    seL4_Word length = msg->words[at];
    if (length == 0 || length > VMM_CONSOLE_BYTES_MAX) {
        *field = at;
        return IPC_ERR_FIELD;
    }
    seL4_Word words = (length + sizeof(seL4_Word) - 1) / sizeof(seL4_Word);
    if (msg->length - at - 1 != words) {
        *field = at;
        return IPC_ERR_LENGTH;
    }
    seL4_Word last = msg->words[at + words];
    seL4_Word used = length % sizeof(seL4_Word);
    if (used != 0 && (last >> (8 * used)) != 0) {
        *field = at + words;
        return IPC_ERR_FIELD;
    }
    for (seL4_Word i = 0; i < length; i++) {
        seL4_Word word = msg->words[at + 1 + i / sizeof(seL4_Word)];
        request->console[i] = (seL4_Uint8)(word >> (8 * (i % sizeof(seL4_Word))));
    }
    request->console_length = length;
    return IPC_OK;
}

/* The name, then exactly one word below `bound` into *value (VMM_VM_MODE's mode, VMM_VM_STATS'
 * first counter). */
static ipc_error_t decode_name_word(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word bound,
                                    seL4_Word *value, seL4_Word *field)
{
    seL4_Word at = 0;
    ipc_error_t error = name_read(msg, request, &at);

    if (error != IPC_OK) {
        return error;
    }
    *field = at;
    if (msg->length != at + 1) {
        return IPC_ERR_LENGTH;
    }
    if (msg->words[at] >= bound) {
        return IPC_ERR_FIELD;
    }
    *value = msg->words[at];
    return IPC_OK;
}

ipc_error_t vmm_decode(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word *field)
{
    *field = 0;
    request->label = (enum vmm_label)msg->label;
    request->kind = 0;
    request->end = VMM_END_NONE;
    request->status = 0;
    request->text[0] = '\0';
    request->name[0] = '\0';
    request->console_length = 0;
    request->mode = 0;
    request->first = 0;
    if (msg->length > IPC_MAX_WORDS) {
        return IPC_ERR_LENGTH;
    }
    switch (msg->label) {
    case VMM_REPORT:
        return decode_report(msg, request, field);
    case VMM_VM_START:
    case VMM_VM_KILL:
    case VMM_VM_REBOOT:
    case VMM_VM_PAUSE:
    case VMM_VM_RESUME:
        return decode_name(msg, request);
    case VMM_VM_CONSOLE:
        return decode_console(msg, request, field);
    case VMM_VM_MODE:
        return decode_name_word(msg, request, VMM_MODES, &request->mode, field);
    case VMM_VM_STATS:
        return decode_name_word(msg, request, VMM_STATS_MAX, &request->first, field);
    default:
        return IPC_ERR_LABEL;
    }
}

const char *vmm_end_name(seL4_Word end)
{
    static const char *const names[VMM_END_COUNT] = {
            "none",         "exit hypercall", "debug-exit port", "power-off", "reset",
            "triple fault", "guest error",    "load error",      "VMM error"};

    return end < VMM_END_COUNT ? names[end] : "?";
}
