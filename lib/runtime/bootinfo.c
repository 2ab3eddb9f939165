/*
 * Walks the extra boot info chunks. Every header is checked against extraLen before it is read,
 * so a malformed chunk list ends the walk instead of reading past the mapped pages.
 */
#include <runtime/bootinfo.h>
#include <runtime/string.h>

#define BOOTINFO_PAGE_SIZE 4096

const void *bootinfo_find_extra(const seL4_BootInfo *bootinfo, seL4_Word id, seL4_Word *length)
{
    const char *extra = (const char *)bootinfo + BOOTINFO_PAGE_SIZE;
    seL4_Word offset = 0;

    while (offset + sizeof(seL4_BootInfoHeader) <= bootinfo->extraLen) {
        const seL4_BootInfoHeader *header = (const seL4_BootInfoHeader *)(extra + offset);
        if (header->len < sizeof(seL4_BootInfoHeader) ||
            header->len > bootinfo->extraLen - offset) {
            return NULL;
        }
        if (header->id == id) {
            if (length != NULL) {
                *length = header->len - sizeof(seL4_BootInfoHeader);
            }
            return header + 1;
        }
        offset += header->len;
    }
    return NULL;
}

const char *bootinfo_command_line(const seL4_BootInfo *bootinfo)
{
    seL4_Word length = 0;
    const char *line = bootinfo_find_extra(bootinfo, seL4_BootInfo_CommandLine, &length);

    /* Only a NUL-terminated payload is a usable string. */
    if (line == NULL || length == 0 || line[length - 1] != '\0') {
        return "";
    }
    return line;
}

int bootinfo_has_option(const seL4_BootInfo *bootinfo, const char *word)
{
    const char *line = bootinfo_command_line(bootinfo);
    size_t n = strlen(word);

    for (const char *p = line; *p != '\0';) {
        while (*p == ' ') {
            p++;
        }
        const char *start = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        if ((size_t)(p - start) == n && n > 0 && strncmp(start, word, n) == 0) {
            return 1;
        }
    }
    return 0;
}

seL4_Uint64 bootinfo_tsc_hz(const seL4_BootInfo *bootinfo)
{
    seL4_Word length = 0;
    const seL4_X86_TSC_Freq *freq =
            bootinfo_find_extra(bootinfo, seL4_BootInfo_X86_TSC_Freq, &length);

    if (freq == NULL || length < sizeof(*freq)) {
        return 0;
    }
    return freq->hz != 0 ? freq->hz : (seL4_Uint64)freq->mhz * 1000000;
}
