/*
 * Loading a guest (load.h): the kernel's plan and the modules' places are decided and checked
 * first; only then are the kernel's pieces, the modules and the boot structures written.
 */
#include "boot_area.h"
#include "layout.h"
#include "load.h"
#include <fmt/fmt.h>

#define PAGE_BYTES 4096ull

static bool elf_magic(const guest_blob_t *kernel)
{
    return kernel->size >= 4 && kernel->bytes[0] == 0x7f && kernel->bytes[1] == 'E' &&
           kernel->bytes[2] == 'L' && kernel->bytes[3] == 'F';
}

load_error_t kernel_plan_make(const guest_blob_t *kernel, uint64_t ram_size, kernel_plan_t *plan,
                              char *message, size_t message_size)
{
    load_error_t error;

    plan->protocol = GUEST_BOOT_NONE;
    plan->piece_count = 0;
    plan->elf_valid = false;
    plan->mb1_flags = 0;
    plan->working_end = 0;
    error = kernel_plan_multiboot(kernel, ram_size, plan, message, message_size);
    if (error == LOAD_ERR_FORMAT && !elf_magic(kernel) && bzimage_present(kernel)) {
        error = kernel_plan_bzimage(kernel, ram_size, plan, message, message_size);
    } else if (error == LOAD_ERR_FORMAT) {
        if (!elf_magic(kernel)) {
            fmt_snprintf(message, message_size,
                         "neither a multiboot1 header, an ELF image nor a bzImage (%lu bytes)",
                         (unsigned long)kernel->size);
            return LOAD_ERR_FORMAT;
        }
        error = kernel_plan_elf(kernel, ram_size, true, plan, message, message_size);
        plan->protocol = GUEST_BOOT_PVH;
    }
    if (error != LOAD_OK) {
        return error;
    }
    plan->start = UINT64_MAX;
    plan->end = 0;
    for (unsigned i = 0; i < plan->piece_count; i++) {
        const load_piece_t *piece = &plan->pieces[i];
        if (piece->address < plan->start) {
            plan->start = piece->address;
        }
        if (piece->address + piece->memory_size > plan->end) {
            plan->end = piece->address + piece->memory_size;
        }
    }
    if (plan->working_end > plan->end) {
        plan->end = plan->working_end;
    }
    return LOAD_OK;
}

bool kernel_plan_apply(const kernel_plan_t *plan, const guest_blob_t *kernel,
                       const pv_memory_t *memory)
{
    for (unsigned i = 0; i < plan->piece_count; i++) {
        const load_piece_t *piece = &plan->pieces[i];
        uint8_t *to = pv_memory_span_mut(memory, gpa(piece->address), piece->memory_size);
        if (to == NULL || piece->file_size > piece->memory_size ||
            piece->file_offset > kernel->size ||
            piece->file_size > kernel->size - piece->file_offset) {
            return false;
        }
        __builtin_memcpy(to, kernel->bytes + piece->file_offset, piece->file_size);
        __builtin_memset(to + piece->file_size, 0, piece->memory_size - piece->file_size);
    }
    return true;
}

/* Modules go below the top of RAM (and of 4 GiB: multiboot1 addresses are 32-bit), each on a
 * page boundary, the first highest; none may reach down into the kernel or the first MiB. */
static load_error_t modules_place(const load_input_t *input, load_result_t *result)
{
    uint64_t top =
            input->memory->size < GUEST_32BIT_LIMIT ? input->memory->size : GUEST_32BIT_LIMIT;
    uint64_t floor = result->kernel.end > GUEST_HIGH_RAM ? result->kernel.end : GUEST_HIGH_RAM;

    for (size_t i = 0; i < input->module_count; i++) {
        uint64_t size = input->modules[i].size;
        if (size > top || ((top - size) & ~(PAGE_BYTES - 1)) < floor) {
            fmt_snprintf(result->message, sizeof(result->message),
                         "module %s (%lu bytes) does not fit between the kernel's end %#lx and "
                         "%#lx",
                         input->modules[i].name, (unsigned long)size, (unsigned long)floor,
                         (unsigned long)top);
            return LOAD_ERR_MODULES;
        }
        top = (top - size) & ~(PAGE_BYTES - 1);
        result->module_address[i] = top;
    }
    return LOAD_OK;
}

static size_t string_bytes(const char *text)
{
    size_t length = 0;

    while (text != NULL && text[length] != '\0') {
        length++;
    }
    return length + 1;
}

/* Whether the command line and every name are within their limits (the boot structures then
 * fit the boot area, whatever the protocol). */
static bool strings_fit(const load_input_t *input)
{
    bool fit = string_bytes(input->cmdline) <= LOAD_CMDLINE_MAX + 1 &&
               string_bytes(input->kernel.name) <= LOAD_NAME_MAX + 1;

    for (size_t i = 0; i < input->module_count; i++) {
        fit = fit && string_bytes(input->modules[i].name) <= LOAD_NAME_MAX + 1;
    }
    return fit;
}

load_error_t guest_load(const load_input_t *input, load_result_t *result)
{
    load_error_t error;

    result->message[0] = '\0';
    result->boot_info = 0;
    if (input->memory == NULL || input->memory->size < 2ull * GUEST_HIGH_RAM ||
        input->module_count > LOAD_MODULES_MAX || input->kernel.bytes == NULL) {
        fmt_snprintf(result->message, sizeof(result->message), "bad load arguments");
        return LOAD_ERR_ARGUMENT;
    }
    error = kernel_plan_make(&input->kernel, input->memory->size, &result->kernel, result->message,
                             sizeof(result->message));
    if (error == LOAD_OK && result->kernel.protocol == GUEST_BOOT_LINUX) {
        error = boot_linux_check(input, result); /* places its initrd too */
    } else if (error == LOAD_OK) {
        error = modules_place(input, result);
    }
    if (error == LOAD_OK && !strings_fit(input)) {
        fmt_snprintf(result->message, sizeof(result->message),
                     "the command line or a module name is too long for the boot structures");
        error = LOAD_ERR_BOOT_AREA;
    }
    if (error != LOAD_OK) {
        return error;
    }
    /* Everything is checked: from here on only a bug can fail. */
    bool written = kernel_plan_apply(&result->kernel, &input->kernel, input->memory);
    for (size_t i = 0; written && i < input->module_count; i++) {
        written = pv_memory_write(input->memory, gpa(result->module_address[i]),
                                  input->modules[i].bytes, input->modules[i].size);
    }
    uint64_t info = 0;
    if (written) {
        info = result->kernel.protocol == GUEST_BOOT_PVH     ? boot_pvh_write(input, result)
               : result->kernel.protocol == GUEST_BOOT_LINUX ? boot_linux_write(input, result)
                                                             : boot_multiboot_write(input, result);
    }
    if (info == 0 || info >= GUEST_32BIT_LIMIT) {
        fmt_snprintf(result->message, sizeof(result->message),
                     "the boot structures could not be written");
        return LOAD_ERR_BOOT_AREA;
    }
    result->boot_info = (uint32_t)info;
    return LOAD_OK;
}
