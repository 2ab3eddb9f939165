/*
 * The client table and the draining of rings (clients.h).
 */
#include "clients.h"
#include "console.h"
#include <algorithms/ringbuf.h>
#include <runtime/log.h>
#include <runtime/string.h>

typedef struct {
    bool attached;
    seL4_Word id;
    char name[LOG_NAME_BYTES];
    ringbuf_t ring;
    log_counts_t counts;
    seL4_Uint64 drops_reported;
} client_t;

static client_t clients[LOG_CLIENTS_MAX];
/* A record may be as long as the ring allows, not only as the client's runtime writes them. */
static char record[LOG_RING_CAPACITY];

static client_t *client_find(seL4_Word id)
{
    for (unsigned i = 0; i < LOG_CLIENTS_MAX; i++) {
        if (clients[i].attached && clients[i].id == id) {
            return &clients[i];
        }
    }
    return NULL;
}

ipc_error_t clients_attach(seL4_Word id, const char *name, seL4_Word ring, seL4_Word bytes)
{
    client_t *client = client_find(id);

    for (unsigned i = 0; client == NULL && i < LOG_CLIENTS_MAX; i++) {
        if (!clients[i].attached) {
            client = &clients[i];
        }
    }
    if (client == NULL) {
        return IPC_ERR_BUSY;
    }
    memset(client, 0, sizeof(*client));
    if (ringbuf_attach(&client->ring, (void *)ring, bytes, LOG_RING_CAPACITY) != ALG_OK) {
        return IPC_ERR_FIELD;
    }
    client->attached = true;
    client->id = id;
    client->counts.level = LOG_INFO;
    client->drops_reported = ringbuf_dropped(&client->ring);
    memcpy(client->name, name, sizeof(client->name) - 1);
    return IPC_OK;
}

ipc_error_t clients_detach(seL4_Word id)
{
    client_t *client = client_find(id);

    if (client == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    client->attached = false;
    return IPC_OK;
}

ipc_error_t clients_set_level(seL4_Word id, seL4_Word level)
{
    bool found = false;

    for (unsigned i = 0; i < LOG_CLIENTS_MAX; i++) {
        if (clients[i].attached && (id == LOG_LEVEL_ALL || clients[i].id == id)) {
            clients[i].counts.level = level;
            found = true;
        }
    }
    return found ? IPC_OK : IPC_ERR_NOT_FOUND;
}

ipc_error_t clients_counts(seL4_Word id, log_counts_t *counts, const char **name)
{
    client_t *client = client_find(id);

    if (client == NULL) {
        return IPC_ERR_NOT_FOUND;
    }
    client->counts.dropped = ringbuf_dropped(&client->ring);
    *counts = client->counts;
    *name = client->name;
    return IPC_OK;
}

static void client_drain(client_t *client)
{
    for (;;) {
        size_t length = 0;
        alg_error_t error = ringbuf_read(&client->ring, record, sizeof(record), &length);
        if (error == ALG_ERR_EMPTY) {
            break;
        }
        if (error != ALG_OK || length == 0) {
            console_self("%s: its ring is corrupt (%s); detached", client->name,
                         alg_error_name(error));
            client->attached = false;
            return;
        }
        seL4_Word level = (unsigned char)record[0];
        if (level < client->counts.level) {
            client->counts.filtered++;
            continue;
        }
        size_t text = length - 1 > LOG_LINE_MAX ? LOG_LINE_MAX : length - 1;
        console_line(client->name, record + 1, text);
        client->counts.lines++;
    }
    seL4_Uint64 dropped = ringbuf_dropped(&client->ring);
    if (dropped != client->drops_reported) {
        console_self("%s: %lu lines dropped (its ring was full)", client->name,
                     (unsigned long)(dropped - client->drops_reported));
        client->drops_reported = dropped;
    }
}

void clients_drain(void)
{
    for (unsigned i = 0; i < LOG_CLIENTS_MAX; i++) {
        if (clients[i].attached) {
            client_drain(&clients[i]);
        }
    }
}
