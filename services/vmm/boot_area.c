/*
 * The boot area (boot_area.h): a bump allocator over guest-physical addresses.
 */
#include "boot_area.h"
#include "layout.h"

void boot_area_init(boot_area_t *area, const pv_memory_t *memory)
{
    area->memory = memory;
    area->next = GUEST_BOOT_AREA;
    area->end = GUEST_BOOT_AREA_END;
    area->full = false;
}

uint64_t boot_area_put(boot_area_t *area, const void *bytes, size_t length, size_t align)
{
    uint64_t at = (area->next + align - 1) & ~(uint64_t)(align - 1);

    if (area->full || at < area->next || at > area->end || length > area->end - at ||
        !pv_memory_write(area->memory, gpa(at), bytes, length)) {
        area->full = true;
        return 0;
    }
    area->next = at + length;
    return at;
}

uint64_t boot_area_put_string(boot_area_t *area, const char *text)
{
    size_t length = 0;

    if (text == NULL) {
        text = "";
    }
    while (text[length] != '\0') {
        length++;
    }
    return boot_area_put(area, text, length + 1, 1);
}
