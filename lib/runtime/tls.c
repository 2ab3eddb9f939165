/*
 * Builds TLS areas from the template the linker script describes. Pure memory layout: no system
 * calls, and it never writes outside the area it is given.
 */
#include <runtime/string.h>
#include <runtime/tls.h>
#include <stdint.h>

/* Linker-script symbols (lib/runtime/user.ld): only their addresses carry information. */
extern char __tls_template_start[];
extern char __tls_template_filesz[];
extern char __tls_template_memsz[];
extern char __tls_template_align[];

static size_t tls_template_align(void)
{
    size_t align = (size_t)(uintptr_t)__tls_template_align;
    return align < sizeof(seL4_Word) ? sizeof(seL4_Word) : align;
}

/* The block below the thread pointer: the template's size rounded up to its alignment. */
static size_t tls_block_size(void)
{
    size_t align = tls_template_align();
    return ((size_t)(uintptr_t)__tls_template_memsz + align - 1) & ~(align - 1);
}

size_t tls_area_size(void)
{
    /* Room to align the thread pointer, the block below it, the self-pointer above it. */
    return tls_template_align() - 1 + tls_block_size() + sizeof(seL4_Word);
}

seL4_Word tls_area_prepare(void *area, size_t size, seL4_IPCBuffer *ipc_buffer)
{
    size_t align = tls_template_align();
    uintptr_t start = (uintptr_t)area;
    uintptr_t tp = (start + tls_block_size() + align - 1) & ~(uintptr_t)(align - 1);
    size_t filesz = (size_t)(uintptr_t)__tls_template_filesz;
    size_t memsz = (size_t)(uintptr_t)__tls_template_memsz;
    char *block = (char *)(tp - tls_block_size());

    if (size < tls_area_size() || tp + sizeof(seL4_Word) > start + size) {
        return 0;
    }
    memset(area, 0, size);
    memcpy(block, __tls_template_start, filesz);
    memset(block + filesz, 0, memsz - filesz);
    *(seL4_Word *)tp = tp;

    *TLS_VARIABLE_IN(tp, __sel4_ipc_buffer) = ipc_buffer;
    return tp;
}
