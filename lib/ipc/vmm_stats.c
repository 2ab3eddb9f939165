/*
 * The VM's figures for `vm stats` (ipc/vmm.h): init's reading of the block a VMM shares, which a
 * subverted VMM may fill with anything or rewrite while it is read, and the answer to the shell.
 */
#include <ipc/vmm.h>

/* x86 keeps loads in order; only the compiler must not move the copy across the checks. */
static inline void compiler_barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

static void name_clean(const volatile char *in, char *out)
{
    size_t i = 0;

    for (; i + 1 < VMM_STATS_NAME_BYTES; i++) {
        char c = in[i];
        if (c == '\0') {
            break;
        }
        out[i] = c > 0x20 && c < 0x7f ? c : '?';
    }
    if (i == 0) {
        out[i++] = '?';
    }
    for (; i < VMM_STATS_NAME_BYTES; i++) {
        out[i] = '\0';
    }
}

bool vmm_stats_read(const volatile vmm_stats_t *shared, vmm_stats_t *out)
{
    seL4_Word before = shared->sequence;

    out->sequence = before;
    out->count = 0;
    if ((before & 1) != 0) {
        return false;
    }
    compiler_barrier();
    seL4_Word count = shared->count;
    count = count > VMM_STATS_MAX ? VMM_STATS_MAX : count;
    /* cppcheck-suppress knownConditionTrueFalse ; it misreads the clamp as 0 (host-tested) */
    for (seL4_Word i = 0; i < count; i++) {
        out->value[i] = shared->value[i];
        name_clean(shared->name[i], out->name[i]);
    }
    compiler_barrier();
    if (shared->sequence != before) {
        return false;
    }
    out->count = count;
    return true;
}

void vmm_encode_stats_reply(ipc_msg_t *msg, const vmm_stats_reply_t *facts,
                            const vmm_stats_t *stats, seL4_Word first)
{
    seL4_Word count = stats->count > VMM_STATS_MAX ? VMM_STATS_MAX : stats->count;

    ipc_msg_init(msg, IPC_LABEL_OK);
    ipc_msg_push(msg, facts->state);
    ipc_msg_push(msg, facts->mode);
    ipc_msg_push(msg, facts->memory);
    ipc_msg_push(msg, facts->uptime_ms);
    ipc_msg_push(msg, facts->boots);
    ipc_msg_push(msg, facts->settled);
    ipc_msg_push(msg, count);
    /* cppcheck-suppress knownConditionTrueFalse ; it misreads the clamp as 0 (host-tested) */
    for (seL4_Word i = first; i < count && i < first + VMM_STATS_PER_REPLY; i++) {
        seL4_Word words[2] = {0, 0};
        for (seL4_Word c = 0; c + 1 < VMM_STATS_NAME_BYTES && stats->name[i][c] != '\0'; c++) {
            words[c / 8] |= (seL4_Word)(seL4_Uint8)stats->name[i][c] << (8 * (c % 8));
        }
        ipc_msg_push(msg, stats->value[i]);
        ipc_msg_push(msg, words[0]);
        ipc_msg_push(msg, words[1]);
    }
}

/* A name in two words: printable, no space, NUL-padded, at least one byte, the last byte NUL. */
static bool name_decode(seL4_Word low, seL4_Word high, char *out)
{
    bool ended = false;

    for (seL4_Word c = 0; c < VMM_STATS_NAME_BYTES; c++) {
        char byte = (char)((c < 8 ? low : high) >> (8 * (c % 8)));
        if (byte == '\0') {
            ended = true;
        } else if (ended || byte <= 0x20 || byte >= 0x7f) {
            return false;
        }
        out[c] = byte;
    }
    return ended && out[0] != '\0';
}

ipc_error_t vmm_decode_stats_reply(const ipc_msg_t *msg, seL4_Word first, vmm_stats_reply_t *reply)
{
    reply->count = 0;
    reply->taken = 0;
    if (msg->label != IPC_LABEL_OK) {
        return IPC_ERR_LABEL;
    }
    if (msg->length < VMM_STATS_HEAD || msg->length > IPC_MAX_WORDS) {
        return IPC_ERR_LENGTH;
    }
    const seL4_Word *w = msg->words;
    if (w[1] >= VMM_MODES || w[5] > 1 || w[6] > VMM_STATS_MAX) {
        return IPC_ERR_FIELD;
    }
    seL4_Word due = first >= w[6] ? 0 : w[6] - first;
    due = due > VMM_STATS_PER_REPLY ? VMM_STATS_PER_REPLY : due;
    if (msg->length != VMM_STATS_HEAD + 3 * due) {
        return IPC_ERR_LENGTH;
    }
    /* cppcheck-suppress knownConditionTrueFalse ; it misreads the clamp as 0 (host-tested) */
    for (seL4_Word i = 0; i < due; i++) {
        const seL4_Word *entry = &w[VMM_STATS_HEAD + 3 * i];
        if (!name_decode(entry[1], entry[2], reply->name[i])) {
            return IPC_ERR_FIELD;
        }
        reply->value[i] = entry[0];
    }
    reply->state = w[0];
    reply->mode = w[1];
    reply->memory = w[2];
    reply->uptime_ms = w[3];
    reply->boots = w[4];
    reply->settled = w[5];
    reply->count = w[6];
    reply->taken = due;
    return IPC_OK;
}
