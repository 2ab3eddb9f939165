/*
 * The root task's initial thread, from crt0 to root_main: builds its TLS (which holds the IPC buffer
 * pointer) and has the kernel load it into the FS base. Until then nothing here may use the IPC
 * buffer or thread-local variables, so the kernel is called with register-only stubs.
 */
#include <runtime/print.h>
#include <runtime/start.h>
#include <runtime/tls.h>

#define ROOT_TLS_AREA_SIZE 4096

seL4_BootInfo *runtime_bootinfo;

static char root_tls_area[ROOT_TLS_AREA_SIZE] __attribute__((aligned(64)));

static void __attribute__((noreturn)) start_fail(const char *what, seL4_Word value)
{
    printf("runtime: %s (%lu); halting\n", what, (unsigned long)value);
    seL4_DebugHalt();
    for (;;) {
        seL4_Yield();
    }
}

void runtime_start(seL4_BootInfo *bootinfo)
{
    seL4_Word tp = tls_area_prepare(root_tls_area, sizeof(root_tls_area), bootinfo->ipcBuffer);
    seL4_Word mr0 = tp;
    seL4_MessageInfo_t reply;
    int code;

    if (tp == 0) {
        start_fail("TLS template larger than the initial TLS area", tls_area_size());
    }
    /* seL4_TCB_SetTLSBase would read the IPC buffer pointer from TLS: call it by hand. */
    reply = seL4_CallWithMRs(seL4_CapInitThreadTCB, seL4_MessageInfo_new(TCBSetTLSBase, 0, 0, 1),
                             &mr0, seL4_Null, seL4_Null, seL4_Null);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        start_fail("TCB_SetTLSBase on the initial thread failed with error",
                   seL4_MessageInfo_get_label(reply));
    }
    runtime_bootinfo = bootinfo;
    code = root_main(bootinfo);
    printf("runtime: root_main returned %d; suspending\n", code);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
}
