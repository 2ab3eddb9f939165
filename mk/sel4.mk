# libsel4 (lib/sel4): the system call stubs and invocation wrappers user programs call the kernel
# with. Header-only but for the thread-local IPC buffer pointer; linked into libruntime.a.

SEL4_INCLUDES := -Iinclude -Ilib/sel4/include
SEL4_SRCS     := lib/sel4/src/ipc_buffer.c

LINT_SOURCES += $(SEL4_SRCS)
