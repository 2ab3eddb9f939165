/*
 * A program's initial thread, from crt0 to its main function: root_main(boot info) in a root
 * task, service_main(start info) in a service started by init (whichever the program defines).
 * Builds the thread's TLS (which holds the IPC buffer pointer) and has the kernel load it into
 * the FS base; until then nothing here may use the IPC buffer or thread-local variables, so the
 * kernel is called with register-only stubs. A service also gets its allocator, address space
 * helper, heap and log ring here.
 */
#include <runtime/heap.h>
#include <runtime/log.h>
#include <runtime/panic.h>
#include <runtime/print.h>
#include <runtime/service.h>
#include <runtime/start.h>
#include <runtime/tls.h>

#define ROOT_TLS_AREA_SIZE 4096
#define HEAP_BYTES         (256ull << 20) /* virtual: pages are mapped as it grows */

int root_main(seL4_BootInfo *bootinfo) __attribute__((weak));
int service_main(const service_info_t *info) __attribute__((weak));

seL4_BootInfo *runtime_bootinfo;
const service_info_t *runtime_service;
alloc_t runtime_alloc;
vspace_t runtime_vspace;
extern heap_t runtime_heap;

static char root_tls_area[ROOT_TLS_AREA_SIZE] __attribute__((aligned(64)));

static void __attribute__((noreturn)) start_fail(const char *what, seL4_Word value)
{
    printf("runtime: %s (%lu); halting\n", what, (unsigned long)value);
    seL4_DebugHalt();
    for (;;) {
        seL4_Yield();
    }
}

/* The initial thread's TLS, in the FS base through its own TCB at tcb. */
static void initial_tls(seL4_CPtr tcb, seL4_IPCBuffer *ipc_buffer)
{
    seL4_Word tp = tls_area_prepare(root_tls_area, sizeof(root_tls_area), ipc_buffer);
    seL4_Word mr0 = tp;
    seL4_MessageInfo_t reply;

    if (tp == 0) {
        start_fail("TLS template larger than the initial TLS area", tls_area_size());
    }
    /* seL4_TCB_SetTLSBase would read the IPC buffer pointer from TLS: call it by hand. */
    reply = seL4_CallWithMRs(tcb, seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 1), &mr0, seL4_Null,
                             seL4_Null, seL4_Null);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        start_fail("TCB_SetTLSBase on the initial thread failed with error",
                   seL4_MessageInfo_get_label(reply));
    }
}

static __attribute__((noreturn)) void root_start(seL4_BootInfo *bootinfo)
{
    int code;

    initial_tls(seL4_CapInitThreadTCB, bootinfo->ipcBuffer);
    runtime_bootinfo = bootinfo;
    code = root_main(bootinfo);
    printf("runtime: root_main returned %d; suspending\n", code);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
}

/* Heap growth: fresh frames from the service's untyped, mapped at the heap's end. */
static bool heap_grow(void *context, uintptr_t end, size_t bytes)
{
    (void)context;
    return vspace_map_new_pages(&runtime_vspace, end, bytes >> seL4_PageBits, NULL) == seL4_NoError;
}

static __attribute__((noreturn)) void service_start(const service_info_t *info)
{
    seL4_Word heap = 0;

    if (info->magic != SERVICE_INFO_MAGIC) {
        start_fail("the start info is not a service's", info->magic);
    }
    initial_tls(SERVICE_SLOT_TCB, (seL4_IPCBuffer *)SERVICE_IPC_BUFFER_VADDR);
    runtime_service = info;
    alloc_init(&runtime_alloc, SERVICE_SLOT_CNODE, SERVICE_SLOT_FREE, 1ull << SERVICE_CNODE_BITS);
    alloc_add_untyped(&runtime_alloc, SERVICE_SLOT_UNTYPED, (seL4_Uint8)info->untyped_bits);
    vspace_init(&runtime_vspace, SERVICE_SLOT_VSPACE, &runtime_alloc, SERVICE_RESERVE_START,
                SERVICE_RESERVE_END);
    if (vspace_reserve(&runtime_vspace, HEAP_BYTES, 1ull << 21, &heap) == seL4_NoError) {
        heap_init(&runtime_heap, heap, heap + HEAP_BYTES, 1ull << seL4_PageBits, heap_grow, NULL);
    }
    if (info->log_ring_bytes != 0) {
        log_attach((void *)SERVICE_LOG_RING_VADDR, info->log_ring_bytes, SERVICE_SLOT_LOG_SIGNAL);
    }
    runtime_panic("service_main returned %d", service_main(info));
}

void runtime_start(void *arg)
{
    if (service_main != NULL) {
        service_start(arg);
    }
    root_start(arg);
}
