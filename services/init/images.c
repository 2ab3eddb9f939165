/*
 * The embedded service images (images.h): a table the build generates (mk/services.mk) of
 * names and byte ranges in init's read-only data.
 */
#include "images.h"
#include <runtime/string.h>

typedef struct {
    const char *name;
    const uint8_t *start;
    const uint8_t *end;
} image_entry_t;

extern const image_entry_t init_image_table[];
extern const uint64_t init_image_count;

bool images_find(const char *name, const uint8_t **bytes, size_t *size)
{
    for (uint64_t i = 0; i < init_image_count; i++) {
        if (strcmp(init_image_table[i].name, name) == 0) {
            *bytes = init_image_table[i].start;
            *size = (size_t)(init_image_table[i].end - init_image_table[i].start);
            return true;
        }
    }
    return false;
}
