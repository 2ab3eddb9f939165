/*
 * The VMM of one VM: what its parts share. One VMM process runs one VM (docs/vmm.md): the boot
 * page init wrote, guest RAM as frames mapped at a window of the VMM's own address space, the
 * boot modules mapped read-only, the devices, the vCPU and its software TLB. Everything the guest
 * can reach goes through lib/pv's checked accessors and lib/vdev's models.
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include "console.h"
#include "hw_vcpu.h"
#include "load.h"
#include "virtio.h"
#include <ipc/vmm.h>
#include <pv/cpu.h>
#include <pv/env.h>
#include <pv/patch.h>
#include <pv/shadow.h>
#include <runtime/service.h>
#include <vdev/cpuid.h>
#include <vdev/platform.h>

/* The VMM's own address space, beyond the runtime's (runtime/service.h). */
#define VMM_RAM_WINDOW    0x10000000000ull /* guest-physical 0, up to 64 GiB */
#define VMM_MODULE_WINDOW 0x20000000000ull /* the boot modules, read-only, one after another */
#define VMM_PV_PAGE       0x30000000000ull /* the PV fast path's page, shared with the kernel */

/* The vCPU thread's fault badge on the VMM's endpoint (IPC_BADGE_FAULT set: never a client's). */
#define VMM_VCPU_BADGE ipc_fault_badge(0)

/* Below the VMM (which must be able to preempt it to inject interrupts), above nothing. */
#define VMM_VCPU_PRIORITY 100

/* The shadow address spaces' pools (pv/shadow.h): tables, then pages, in the VMM's CNode. */
#define VMM_SHADOW_PDPTS 16u
#define VMM_SHADOW_PDS   64u
#define VMM_SHADOW_PTS   512u
#define VMM_SHADOW_PAGES 8192u

typedef struct vmm_vcpu {
    seL4_CPtr tcb;
    seL4_CPtr cnode; /* its CSpace: one slot, the VMM's endpoint with VMM_VCPU_BADGE */
    seL4_CPtr pv_frame;
    volatile seL4_PVPage *pv_page;
    pv_cpu_t cpu;
    pv_view_t view; /* the address space the thread runs in now */
    bool halted;    /* waiting for an interrupt; the reply capability is saved */
    bool held;      /* a fault of its is being handled: it waits for our reply */
    bool ended;     /* the VM ended: the thread never runs again */
    seL4_CPtr saved_reply;
    uint64_t faults; /* fault messages handled */
    uint64_t kicks;  /* times stopped to take an interrupt */
} vmm_vcpu_t;

typedef struct vmm {
    const vmm_boot_t *boot;
    const char *name;
    /* Guest RAM: frame i's capability at ram_frames + i, mapped at VMM_RAM_WINDOW. */
    pv_memory_t ram;
    seL4_CPtr ram_frames;
    seL4_Word ram_pages;
    seL4_Word next_slot; /* the next free slot of the VMM's own range */
    /* The boot modules as the loader sees them (the kernel, then the initrd and modules=). */
    guest_blob_t kernel;
    guest_blob_t modules[LOAD_MODULES_MAX];
    size_t module_count;
    load_result_t load;
    /* Devices. */
    vdev_platform_t platform;
    vmm_virtio_t virtio; /* the virtio-mmio devices (virtio.h) */
    guest_blob_t disk;   /* disk='s module (size 0: none) */
    vdev_cpuid_policy_t cpuid;
    console_t console;
    seL4_Uint64 tsc_at_zero; /* the TSC at guest time 0 */
    seL4_Uint64 armed;       /* the host deadline (TSC) asked of the time service, 0: none */
    /* The vCPU, its software TLB and the patch sites. */
    vmm_vcpu_t vcpu;
    pv_env_t env;
    pv_shadow_t shadow;
    seL4_CPtr spaces[PV_SHADOW_SPACES];      /* the PML4s of the kernel and user views */
    seL4_CPtr shadow_slots[PV_SHADOW_POOLS]; /* the first slot of each pool */
    pv_patch_site_t *sites;
    size_t site_count;
    seL4_Word pending_signals;         /* notification bits seen while not waiting for them */
    vmm_console_ring_t *console_input; /* COM1's input from the shell, in the boot page */
    hw_vcpu_t hw;                      /* the hardware modes' vCPU (hw.active) */
    vmm_stats_t *stats;                /* the figures for vm stats, in the boot page */
    unsigned stats_ticks;              /* exits or faults since they were last written */
    uint64_t stats_at;                 /* guest time they were last written */
} vmm_t;

/* Ends the VM: reports how to init (after the console's last line), which stops this VMM.
 * Never returns. */
void vmm_end(vmm_t *vmm, enum vmm_end end, seL4_Word status, const char *format, ...)
        __attribute__((noreturn, format(printf, 4, 5)));

/* The guest's time in nanoseconds since it started (lib/vdev's `now`). */
uint64_t vmm_now(const vmm_t *vmm);

/* Slots of the VMM's own range (after the modules'); 0 when none are left. */
seL4_CPtr vmm_slots(vmm_t *vmm, seL4_Word count);

#endif
