/*
 * The ACPI tables chunk of the extra boot info (seL4_X86_ACPITables in sel4/bootinfo.h): copies
 * of what the platform layer found, each with its physical address, so that the root task reads
 * them without mapping firmware memory. Tables that do not fit are counted, not copied. Boot-only.
 */
#include <arch/acpi.h>
#include <arch/boot_section.h>
#include <arch/kernel/boot_root_task.h>
#include <arch/platform.h>
#include <kernel/string.h>

typedef struct {
    seL4_X86_ACPITables *header; /* NULL: only measure */
    uint8_t *bytes;
    size_t used;     /* bytes after the header */
    size_t capacity; /* bytes after the header */
} tables_copy_t;

BOOT_CODE static void table_copy(void *context, uint64_t phys, uint32_t length,
                                 const uint8_t *bytes)
{
    tables_copy_t *copy = context;
    size_t room = copy->capacity - copy->used;
    seL4_Word count = copy->header != NULL ? copy->header->count : 0;

    if (length > room || count == seL4_X86_ACPITablesMax) {
        if (copy->header != NULL) {
            copy->header->truncated++;
        }
        return;
    }
    if (copy->header != NULL) {
        copy->header->tables[count] = (seL4_X86_ACPITable){
                .paddr = phys,
                .length = length,
                .offset = (seL4_Uint32)(sizeof(seL4_X86_ACPITables) + copy->used)};
        memcpy(copy->bytes + copy->used, bytes, length);
        copy->header->count = count + 1;
    }
    copy->used += ALIGN_UP(length, 3);
}

BOOT_CODE word_t boot_acpi_tables_size(void)
{
    static word_t size;

    if (size == 0 && acpi_info()->rsdp_phys != 0) {
        tables_copy_t copy = {.capacity = seL4_X86_ACPICopyMax - sizeof(seL4_X86_ACPITables)};
        acpi_for_each_table(platform_boot_params(), table_copy, &copy);
        size = sizeof(seL4_X86_ACPITables) + copy.used;
    }
    return size;
}

BOOT_CODE void boot_acpi_tables_write(uint8_t *out)
{
    word_t size = boot_acpi_tables_size();
    tables_copy_t copy = {
            .header = (seL4_X86_ACPITables *)out,
            .bytes = out + sizeof(seL4_X86_ACPITables),
            .capacity = size - sizeof(seL4_X86_ACPITables),
    };

    memset(out, 0, size);
    acpi_for_each_table(platform_boot_params(), table_copy, &copy);
}
