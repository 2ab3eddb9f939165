/*
 * The VMM's contract with init: what a VM's VMM finds when init starts it (its capabilities and
 * the boot page describing the VM), the reports it sends init about its VM (running, ended and
 * why), and the VM life-cycle requests the shell makes to init (start, kill, reboot, pause,
 * resume, console, mode).
 * docs/vmm.md tells the whole story. A VMM may be subverted by its guest: init checks every
 * report like any other request, and only a VM's own VMM may report on it.
 */
#ifndef IPC_VMM_H
#define IPC_VMM_H

#include <ipc/msg.h>

#define IPC_VMM_BASE 0x500

/* lib/vmdecl's limits (init and the VMM check that they agree): a VM's name, a module's name,
 * the guest's command line, modules= entries; each with its NUL. */
#define VMM_NAME_BYTES        16
#define VMM_MODULE_NAME_BYTES 32
#define VMM_CMDLINE_BYTES     256
#define VMM_MODULES_MAX       4

enum vmm_label {
    VMM_REPORT = IPC_VMM_BASE + 1,     /* a VMM: kind, end, status, text -> ok */
    VMM_VM_START = IPC_VMM_BASE + 2,   /* dbg: name -> ok | not found | busy | no memory */
    VMM_VM_KILL = IPC_VMM_BASE + 3,    /* dbg: name -> ok | not found | busy (not running) */
    VMM_VM_REBOOT = IPC_VMM_BASE + 4,  /* dbg: name -> ok | not found | busy (not running) */
    VMM_VM_CONSOLE = IPC_VMM_BASE + 5, /* dbg: name, bytes -> ok, bytes taken | not found |
                                          busy (not running) */
    VMM_VM_MODE = IPC_VMM_BASE + 6,    /* dbg: name, mode -> ok, the mode it runs in | not found |
                                          field (see below) | no memory */
    VMM_VM_STATS = IPC_VMM_BASE + 7,   /* dbg: name, first -> ok, figures (below) | not found |
                                          busy (never started) | field (first past the count) */
    VMM_VM_PAUSE = IPC_VMM_BASE + 8,   /* dbg: name -> ok | not found | busy (not running) */
    VMM_VM_RESUME = IPC_VMM_BASE + 9,  /* dbg: name -> ok | not found | busy (not paused) */
};

/*
 * VMM_VM_MODE sets the mode a VM asks for (a vmdecl_mode_t: auto, pv, vtx or svm, below
 * VMM_MODES) and reboots it in that mode when it runs; a stopped VM takes it at its next
 * start. The answer's word is the mode it runs (or will run) in: pv, vtx or svm, never auto.
 * When this machine cannot run the mode, the error reply (field) carries the reason as a string
 * after its two words and the VM is left as it was; when the reboot in the new mode is refused
 * (the answers of VMM_VM_START, field with its reason too), the mode stays set.
 */
#define VMM_MODES 4

/* A VMM_VM_CONSOLE carries 1 to this many bytes (a count word, then the bytes packed
 * little-endian into words); the answer's one word says how many the VM's input ring took. */
#define VMM_CONSOLE_BYTES_MAX 64

/* What a VMM_REPORT says. */
enum vmm_report_kind {
    VMM_REPORT_RUNNING = 1, /* the guest is loaded and its vCPU runs */
    VMM_REPORT_ENDED = 2,   /* the VM ended: how in `end`, the guest's status in `status` */
};

/* How a VM ended (a VMM_REPORT_ENDED's `end`). */
enum vmm_end {
    VMM_END_NONE = 0,
    VMM_END_EXIT = 1,         /* the EXIT hypercall: status is its argument */
    VMM_END_DEBUG_EXIT = 2,   /* a write of status to the debug-exit port 0xf4 */
    VMM_END_POWER_OFF = 3,    /* ACPI soft-off (S5): status 0 */
    VMM_END_RESET = 4,        /* the reset register (0xcf9): init starts the VM again */
    VMM_END_TRIPLE_FAULT = 5, /* a fault while delivering a double fault */
    VMM_END_GUEST_ERROR = 6,  /* something the guest did that the VMM ends it for */
    VMM_END_LOAD_ERROR = 7,   /* the kernel image or a boot module was refused */
    VMM_END_VMM_ERROR = 8,    /* the VMM itself could not go on (out of memory, ...) */
    VMM_END_COUNT
};

/* A report's text: at most this many bytes, printable ASCII only (init prints it). */
#define VMM_TEXT_BYTES 96

typedef struct vmm_request {
    enum vmm_label label;
    seL4_Word kind;   /* enum vmm_report_kind */
    seL4_Word end;    /* enum vmm_end */
    seL4_Word status; /* the guest's exit status */
    char text[VMM_TEXT_BYTES];
    char name[VMM_NAME_BYTES]; /* every request of the shell's */
    seL4_Word console_length;  /* VMM_VM_CONSOLE */
    seL4_Uint8 console[VMM_CONSOLE_BYTES_MAX];
    seL4_Word mode;  /* VMM_VM_MODE: below VMM_MODES */
    seL4_Word first; /* VMM_VM_STATS: the first counter wanted, below VMM_STATS_MAX */
} vmm_request_t;

void vmm_encode_report(ipc_msg_t *msg, seL4_Word kind, seL4_Word end, seL4_Word status,
                       const char *text);
void vmm_encode_vm_start(ipc_msg_t *msg, const char *name);
void vmm_encode_vm_kill(ipc_msg_t *msg, const char *name);
void vmm_encode_vm_reboot(ipc_msg_t *msg, const char *name);
void vmm_encode_vm_pause(ipc_msg_t *msg, const char *name);
void vmm_encode_vm_resume(ipc_msg_t *msg, const char *name);
/* At most VMM_CONSOLE_BYTES_MAX of the bytes go (the caller sends the rest in later messages). */
void vmm_encode_vm_console(ipc_msg_t *msg, const char *name, const seL4_Uint8 *bytes,
                           seL4_Word length);
void vmm_encode_vm_mode(ipc_msg_t *msg, const char *name, seL4_Word mode);
void vmm_encode_vm_stats(ipc_msg_t *msg, const char *name, seL4_Word first);

/* Whether a label is one of this protocol's (a server dispatches on it before decoding). */
bool vmm_label_is_ours(seL4_Word label);

/*
 * Checks label, length and every field: a report's kind and end in range (RUNNING with no end
 * and status 0), its text printable ASCII; a VM name of 1-15 characters of [a-z0-9-]; console
 * bytes 1 to VMM_CONSOLE_BYTES_MAX of them, exactly the words they need, the last word's unused
 * bytes zero; a mode below VMM_MODES, its word the last; a stats request's first counter below
 * VMM_STATS_MAX, its word the last. On error *field is the offending word.
 */
ipc_error_t vmm_decode(const ipc_msg_t *msg, vmm_request_t *request, seL4_Word *field);

/* "exit hypercall", "debug-exit port", "power-off", ... ("?" out of range). */
const char *vmm_end_name(seL4_Word end);

/* ---- what a VMM finds when init starts it ------------------------------------------------ */

/*
 * Its CSpace is one CNode of 2^cnode_bits slots (vmm_boot_t), guarded so that a capability
 * address is the slot index, laid out as every service's (runtime/service.h) and then:
 *   VMM_SLOT_RUNTIME_END   the end of the runtime allocator's slots (256 .. here)
 *   VMM_SLOT_MODULES       the boot modules' pages as read-only frame capabilities, each
 *                          module's consecutive from its vmm_module_t.first_slot
 *   vmm_boot_t.first_free  the rest: the VMM's own (guest RAM frames, shadow mappings)
 */
#define VMM_SLOT_RUNTIME_END 8192
#define VMM_SLOT_MODULES     8192

/* Start-info capabilities (service_info_t.caps indices). */
#define VMM_CAP_RAM_FIRST    0  /* guest RAM: untypeds, in guest-physical order */
#define VMM_RAM_UNTYPEDS_MAX 24 /* caps 0..23 */
#define VMM_CAP_VSPACE_FIRST 24 /* address spaces for the guest (PML4s with an ASID) */
#define VMM_VSPACES_MAX      4  /* caps 24..27 */
/* Hardware modes: the guest-physical root (an EPTPML4 object with an ASID); empty in PV mode. */
#define VMM_CAP_GUEST_ROOT 28
/* disk=dev:N: the virtio service's endpoint, minted with the VMM's badge; empty otherwise. */
#define VMM_CAP_VIRTIO 29
/* disk=dev:N: the buffer the VMM shares with the virtio service (ipc/virtio.h). */
#define VMM_DISK_BUFFER_VADDR 0x70110000ull

/* Start-info words. */
#define VMM_WORD_BOOT_PAGE 0 /* the address of its vmm_boot_t, mapped read-write */

/* Its notification bit for console input: init put bytes in the boot page's input ring. */
#define VMM_BIT_CONSOLE_INPUT (1ull << 4)

/*
 * Its notification bit for a pause or a resume: vmm_boot_t.paused says which. A PV VMM parks its
 * vCPU thread (stopped by the VMM, or held on a fault or a HLT it does not answer) and then waits
 * for signals alone until `paused` is 0 again; it runs above its vCPU, so the guest cannot run
 * past the signal. In a hardware mode the VMM's own thread is the vCPU: init suspends it too.
 */
#define VMM_BIT_PAUSE (1ull << 5)

/*
 * COM1's input ring in the boot page: init writes bytes and then `head`, the VMM reads them and
 * then writes `tail`; both count bytes since the VM's start (index = count % capacity). init
 * trusts no `tail` (the VMM may be subverted): one behind `head` by more than the capacity, or
 * ahead of it, leaves the ring full for init. The VMM trusts `head` (init is its creator).
 */
#define VMM_CONSOLE_RING_BYTES 512

typedef struct vmm_console_ring {
    seL4_Word head; /* init's */
    seL4_Word tail; /* the VMM's */
    seL4_Uint8 bytes[VMM_CONSOLE_RING_BYTES];
} vmm_console_ring_t;

/*
 * The VMM's figures for `vm stats`: named counters the VMM rewrites now and then (at each timer
 * signal, every few thousand exits, and when the VM ends). `sequence` is odd while the VMM writes;
 * a reader copies the block and takes it if `sequence` was even and unchanged. init trusts none of
 * it beyond printing (names are cleaned, counts bounded).
 */
#define VMM_STATS_MAX        32
#define VMM_STATS_NAME_BYTES 16

typedef struct vmm_stats {
    seL4_Word sequence;
    seL4_Word count; /* counters in use, at most VMM_STATS_MAX */
    seL4_Word value[VMM_STATS_MAX];
    char name[VMM_STATS_MAX][VMM_STATS_NAME_BYTES];
} vmm_stats_t;

/*
 * Copies the block a VMM shares into *out and cleans it: true when `sequence` was even and the
 * same before and after the copy (else *out is empty: count 0). The count is clamped to
 * VMM_STATS_MAX, each name cut to VMM_STATS_NAME_BYTES - 1 bytes with every byte outside
 * printable ASCII (and every space) made '?', an empty name made "?".
 */
bool vmm_stats_read(const volatile vmm_stats_t *shared, vmm_stats_t *out);

/*
 * VMM_VM_STATS's answer: init's facts, then at most VMM_STATS_PER_REPLY counters from `first`
 * (each its value, then its name in two words, NUL-padded); the shell asks again from
 * first + VMM_STATS_PER_REPLY while counters remain.
 */
#define VMM_STATS_PER_REPLY 8
#define VMM_STATS_HEAD      7 /* words before the counters */

typedef struct vmm_stats_reply {
    seL4_Word state;     /* services/init/vms.h's enum vm_state (init_vm_state_name) */
    seL4_Word mode;      /* resolved at its last start: pv, vtx or svm */
    seL4_Word memory;    /* bytes of guest RAM */
    seL4_Word uptime_ms; /* since its last start while it runs, else 0 */
    seL4_Word boots;     /* times started */
    seL4_Word settled;   /* 1: the figures were read whole; 0: the VMM was writing them */
    seL4_Word count;     /* counters in all, at most VMM_STATS_MAX */
    seL4_Word taken;     /* counters in this answer */
    seL4_Word value[VMM_STATS_PER_REPLY];
    char name[VMM_STATS_PER_REPLY][VMM_STATS_NAME_BYTES];
} vmm_stats_reply_t;

/* Init's answer from a cleaned block (vmm_stats_read) and the facts in *facts (its counters
 * ignored). */
void vmm_encode_stats_reply(ipc_msg_t *msg, const vmm_stats_reply_t *facts,
                            const vmm_stats_t *stats, seL4_Word first);

/* Checks an answer to a request from `first`: the label, a count within VMM_STATS_MAX, a mode
 * below VMM_MODES, settled 0 or 1, exactly the counters due from first, names printable. */
ipc_error_t vmm_decode_stats_reply(const ipc_msg_t *msg, seL4_Word first, vmm_stats_reply_t *reply);

#define VMM_BOOT_MAGIC 0x746f6f626d6d76ull /* "vmmboot" */

/* vmm_boot_t.disk_flags */
#define VMM_DISK_READ_ONLY 0x1u
#define VMM_DISK_RANGE     0x2u
#define VMM_DISK_MACHINE   0x4u /* the machine's disk disk_device, through the virtio service */

/* A boot module as the VMM sees it: read-only frames, and what init knows of it. */
typedef struct vmm_module {
    seL4_Word first_slot; /* the frame capability of its first page */
    seL4_Word pages;      /* 0: no module */
    seL4_Word size;       /* bytes (the last page may hold less) */
    char name[VMM_MODULE_NAME_BYTES];
} vmm_module_t;

/* The VM as init declared it, written by init before every start of the VMM. */
typedef struct vmm_boot {
    seL4_Uint64 magic;
    char name[VMM_NAME_BYTES];
    seL4_Word index;  /* in init's VM table */
    seL4_Word mode;   /* vmdecl_mode_t as init resolved it: PV, VTX or SVM, never AUTO */
    seL4_Word memory; /* bytes of guest RAM */
    seL4_Word vcpus;
    seL4_Word boots; /* starts before this one */
    seL4_Word cnode_bits;
    seL4_Word first_free;                      /* the first slot after the modules' */
    seL4_Word ram_untypeds;                    /* caps[VMM_CAP_RAM_FIRST ..) */
    seL4_Uint8 ram_bits[VMM_RAM_UNTYPEDS_MAX]; /* the size of each (log2 bytes) */
    seL4_Word vspaces;                         /* caps[VMM_CAP_VSPACE_FIRST ..) */
    char cmdline[VMM_CMDLINE_BYTES];           /* the guest kernel's */
    vmm_module_t kernel;                       /* the guest kernel image */
    vmm_module_t initrd;                       /* pages 0: none */
    vmm_module_t modules[VMM_MODULES_MAX];     /* modules= */
    seL4_Word module_count;
    vmm_module_t disk;      /* disk='s data module: pages 0 when none */
    seL4_Word disk_flags;   /* VMM_DISK_READ_ONLY, VMM_DISK_RANGE */
    seL4_Uint64 disk_start; /* with VMM_DISK_RANGE: the first sector and how many */
    seL4_Uint64 disk_count;
    seL4_Word disk_device;            /* VMM_DISK_MACHINE: the service's disk index (granted) */
    seL4_Word disk_buffer_bytes;      /* VMM_DISK_MACHINE: at VMM_DISK_BUFFER_VADDR */
    vmm_console_ring_t console_input; /* COM1's input from the shell */
    vmm_stats_t stats;                /* the VMM's figures (vm stats) */
    seL4_Word paused;                 /* init's: 1 while the shell has the VM paused */
} vmm_boot_t;

_Static_assert(sizeof(vmm_boot_t) <= 4096, "the boot page is one page");

#endif
