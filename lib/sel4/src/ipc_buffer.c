/*
 * The thread-local IPC buffer pointer behind seL4_GetIPCBuffer. The runtime stores each thread's
 * buffer address here before the thread makes its first system call.
 */
#include <sel4/ipc_access.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer;
