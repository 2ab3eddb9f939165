/*
 * The virtio service's protocol: its clients (VMMs, the disk test) read, write and flush the
 * machine's virtio-blk disks through a buffer init shares between the client and the service.
 * Each client sees, per disk index, only the range of sectors init granted it (a window of the
 * real disk, maybe read-only): sectors in requests are relative to that window, and the decoder
 * refuses anything past the window or the buffer before the service touches the device.
 */
#ifndef IPC_VIRTIO_H
#define IPC_VIRTIO_H

#include <ipc/msg.h>

#define IPC_VIRTIO_BASE 0x700

#define VIRTIO_SECTOR_BYTES      512ull
#define VIRTIO_DISKS_MAX         4       /* disk indices a client may name: 0..3 */
#define VIRTIO_REQUEST_SECTORS   32u     /* the most sectors one read or write moves (16 KiB) */
#define VIRTIO_CLIENT_BUFFER_MAX 0x4000u /* a client's shared buffer: at most 16 KiB */
#define VIRTIO_ID_BYTES          20u     /* a disk's identity string (virtio-blk GET_ID) */
#define VIRTIO_SECTORS_TO_END    (~0ull) /* a grant's sectors: from its first to the disk's end */

enum virtio_label {
    VIRTIO_BLK_INFO = IPC_VIRTIO_BASE + 1,  /* disk -> sectors, read-only, sectors per request */
    VIRTIO_BLK_READ = IPC_VIRTIO_BASE + 2,  /* disk, sector, count, offset -> status */
    VIRTIO_BLK_WRITE = IPC_VIRTIO_BASE + 3, /* disk, sector, count, offset -> status */
    VIRTIO_BLK_FLUSH = IPC_VIRTIO_BASE + 4, /* disk -> status */
    VIRTIO_BLK_ID = IPC_VIRTIO_BASE + 5,    /* disk -> status, the identity string */
    /* init only: client id, disk, first sector, sectors, read-only, buffer bytes -> ok | not
     * found (no such disk) | field (the window runs past the disk). The client's buffer is
     * mapped by init in the service at virtio_client_buffer(id) beforehand. */
    VIRTIO_GRANT = IPC_VIRTIO_BASE + 6,
    VIRTIO_NET_INFO = IPC_VIRTIO_BASE + 7,    /* net -> status, MAC address (low 48 bits) */
    VIRTIO_NET_SEND = IPC_VIRTIO_BASE + 8,    /* net, offset, length -> status */
    VIRTIO_NET_RECEIVE = IPC_VIRTIO_BASE + 9, /* net, offset -> status, length (0: none came) */
    /* init only: client id, net, buffer bytes -> ok | not found (no such network device) */
    VIRTIO_GRANT_NET = IPC_VIRTIO_BASE + 10,
};

#define VIRTIO_NETS_MAX      2    /* network device indices a client may name: 0..1 */
#define VIRTIO_NET_FRAME_MIN 14   /* an Ethernet header */
#define VIRTIO_NET_FRAME_MAX 1514 /* header and 1500 bytes of payload, no FCS */

/* Where init maps each client's shared buffer in the service: one slot of
 * VIRTIO_CLIENT_BUFFER_MAX bytes per client id, so that a grant needs no address. */
#define VIRTIO_BUFFERS_VADDR 0x70100000ull /* the services' shared memory (runtime/service.h) */
#define VIRTIO_CLIENTS_MAX   64            /* client ids 1..63 (the services' ids) */

static inline seL4_Word virtio_client_buffer(seL4_Word id)
{
    return VIRTIO_BUFFERS_VADDR + id * VIRTIO_CLIENT_BUFFER_MAX;
}

/* VIRTIO_BLK_INFO's reply words. */
enum virtio_info_word {
    VIRTIO_INFO_SECTORS = 0,   /* sectors in the client's window */
    VIRTIO_INFO_READ_ONLY = 1, /* 1: writes are refused */
    VIRTIO_INFO_MAX_SECTORS = 2,
    VIRTIO_INFO_WORDS = 3,
};

/* The status word (words[0]) of the reply to a read, write, flush or identity request: what
 * the device said, or why it was not asked. */
enum virtio_status {
    VIRTIO_STATUS_OK = 0,
    VIRTIO_STATUS_IO_ERROR = 1,    /* the device answered VIRTIO_BLK_S_IOERR */
    VIRTIO_STATUS_UNSUPPORTED = 2, /* the device answered VIRTIO_BLK_S_UNSUPP */
    VIRTIO_STATUS_STOPPED = 3,     /* the device misbehaved earlier (or now) and was stopped */
    VIRTIO_STATUS_TIMEOUT = 4,     /* no answer in time: the device is stopped */
};

/* What one client may reach: per disk index, a window of sectors of the real disk, and the
 * size of its shared buffer. The service keeps one per client (init says what they are). */
typedef struct virtio_window {
    seL4_Uint64 first;   /* the window's first sector on the disk */
    seL4_Uint64 sectors; /* 0: no access to this disk */
    bool read_only;
} virtio_window_t;

typedef struct virtio_client {
    virtio_window_t disks[VIRTIO_DISKS_MAX];
    bool nets[VIRTIO_NETS_MAX]; /* the network devices it may use */
    seL4_Word buffer_bytes;     /* at most VIRTIO_CLIENT_BUFFER_MAX */
} virtio_client_t;

typedef struct virtio_request {
    enum virtio_label label;
    unsigned disk;
    seL4_Word client;       /* VIRTIO_GRANT: the client's id */
    virtio_window_t grant;  /* VIRTIO_GRANT: its window on the disk */
    seL4_Word buffer_bytes; /* VIRTIO_GRANT */
    seL4_Uint64 sector;     /* on the disk (the window's first sector added) */
    seL4_Word count;        /* sectors; VIRTIO_NET_SEND: bytes */
    seL4_Word offset;       /* in the client's buffer, bytes */
} virtio_request_t;

void virtio_encode_info(ipc_msg_t *msg, seL4_Word disk);
void virtio_encode_read(ipc_msg_t *msg, seL4_Word disk, seL4_Uint64 sector, seL4_Word count,
                        seL4_Word offset);
void virtio_encode_write(ipc_msg_t *msg, seL4_Word disk, seL4_Uint64 sector, seL4_Word count,
                         seL4_Word offset);
void virtio_encode_flush(ipc_msg_t *msg, seL4_Word disk);
void virtio_encode_id(ipc_msg_t *msg, seL4_Word disk);
void virtio_encode_net_info(ipc_msg_t *msg, seL4_Word net);
void virtio_encode_net_send(ipc_msg_t *msg, seL4_Word net, seL4_Word offset, seL4_Word length);
void virtio_encode_net_receive(ipc_msg_t *msg, seL4_Word net, seL4_Word offset);
void virtio_encode_grant_net(ipc_msg_t *msg, seL4_Word client, seL4_Word net,
                             seL4_Word buffer_bytes);
void virtio_encode_grant(ipc_msg_t *msg, seL4_Word client, seL4_Word disk,
                         const virtio_window_t *window, seL4_Word buffer_bytes);

/*
 * Checks label, exact length and every field against what this client may reach: the disk
 * index (below VIRTIO_DISKS_MAX, a window granted: else IPC_ERR_NOT_FOUND), the count (1 to
 * VIRTIO_REQUEST_SECTORS), the sector and sector + count within the window (no wrap), the
 * offset sector-aligned and offset + bytes within the buffer (IPC_ERR_FIELD, *field the word),
 * a write to a read-only window (IPC_ERR_DENIED). VIRTIO_GRANT (the caller checks that init
 * sent it): a client id within 1..VIRTIO_CLIENTS_MAX - 1, a disk index below VIRTIO_DISKS_MAX, a
 * window that does not wrap, read-only 0 or 1, buffer bytes a whole number of pages up to
 * VIRTIO_CLIENT_BUFFER_MAX; whether the window lies on the disk is the service's check. Network
 * requests: the device index below VIRTIO_NETS_MAX and granted (IPC_ERR_NOT_FOUND), a frame of
 * VIRTIO_NET_FRAME_MIN to _MAX bytes within the buffer (a receive: room for the largest frame).
 * VIRTIO_GRANT_NET: client id and device index as for disks, buffer bytes as for a grant. No
 * side effects.
 */
ipc_error_t virtio_decode(const ipc_msg_t *msg, const virtio_client_t *client,
                          virtio_request_t *request, seL4_Word *field);

/*
 * The service's start info (written by init, services/init/virtio.c): per device, where its
 * frames are among caps[] and where its structures lie in the window those frames make when
 * mapped one after the other, and the IRQ it signals (an MSI: vector VIRTIO_MSI_VECTOR_BASE + irq
 * on CPU 0). The args text holds an array of virtio_start_device_t; words[0] their count.
 */
#define VIRTIO_DEVICES_MAX      3
#define VIRTIO_DEVICE_PAGES_MAX 8
#define VIRTIO_DEVICE_CAPS      (VIRTIO_DEVICE_PAGES_MAX + 1) /* its frames, then its IRQ */
#define VIRTIO_MSI_VECTOR_BASE  0x30
#define VIRTIO_BIT_IRQ(device)  (1ull << (1 + (device))) /* notification bit of a device's IRQ */
/* init wrote a grant in the start info after the service started (a VMM's machine disk): the
 * service applies the start info's grants again. */
#define VIRTIO_BIT_GRANTS   (1ull << 8)
#define VIRTIO_WORD_DEVICES 0

enum virtio_region { /* the structures a modern virtio-pci function has */
                     VIRTIO_REGION_COMMON = 0,
                     VIRTIO_REGION_NOTIFY = 1,
                     VIRTIO_REGION_ISR = 2,
                     VIRTIO_REGION_DEVICE = 3,
                     VIRTIO_REGION_MSIX = 4, /* its MSI-X table */
                     VIRTIO_REGIONS = 5,
};

typedef struct virtio_start_device {
    seL4_Uint16 device_id; /* the PCI device ID: 0x1042 block, 0x1041 network */
    seL4_Uint8 bus;
    seL4_Uint8 slot;
    seL4_Uint8 function;
    seL4_Uint8 pages; /* frames: caps[first_cap + i], mapped in order */
    seL4_Uint8 first_cap;
    seL4_Uint8 irq;
    seL4_Uint32 notify_multiplier;
    seL4_Uint32 offset[VIRTIO_REGIONS]; /* in the window of its frames */
    seL4_Uint32 length[VIRTIO_REGIONS];
} virtio_start_device_t;

/*
 * The grants init made when it wired the service's clients, after the devices in args (the
 * start info outlives restarts, so a new instance finds them without a message from init, and
 * init never waits for the service): words[VIRTIO_WORD_GRANTS] counts them. The service applies
 * each as the VIRTIO_GRANT or VIRTIO_GRANT_NET it stands for, with the same checks, when it
 * starts and again at each VIRTIO_BIT_GRANTS signal (a VMM wired later; one entry per client,
 * kind and index, rewritten in place).
 */
#define VIRTIO_START_GRANTS_MAX 8
#define VIRTIO_WORD_GRANTS      1
#define VIRTIO_START_GRANTS     (VIRTIO_DEVICES_MAX * sizeof(virtio_start_device_t))

typedef struct virtio_start_grant {
    seL4_Uint8 client;
    seL4_Uint8 net; /* 1: a network device's use, 0: a disk's window */
    seL4_Uint8 index;
    seL4_Uint8 read_only;
    seL4_Uint32 buffer_bytes;
    seL4_Uint64 first;
    seL4_Uint64 sectors;
} virtio_start_grant_t;

_Static_assert(VIRTIO_START_GRANTS + VIRTIO_START_GRANTS_MAX * sizeof(virtio_start_grant_t) <= 512,
               "fits args");
_Static_assert(VIRTIO_DEVICES_MAX *VIRTIO_DEVICE_CAPS <= 32, "fits caps");

#endif
