/*
 * The modes by name: reading the word an operator or a declaration gives, and showing a VM's
 * mode as the shell and init's log print it (the mode asked for, and the one it runs in).
 */
#include "internal.h"

static const vmdecl_mode_t all_modes[] = {VMDECL_MODE_AUTO, VMDECL_MODE_PV, VMDECL_MODE_VTX,
                                          VMDECL_MODE_SVM};

bool vmdecl_mode_from_name(const char *name, vmdecl_mode_t *mode)
{
    for (size_t i = 0; i < sizeof(all_modes) / sizeof(all_modes[0]); i++) {
        if (vmdecl_names_equal(name, vmdecl_mode_name(all_modes[i]))) {
            *mode = all_modes[i];
            return true;
        }
    }
    return false;
}

/* Appends text at *at, always leaving out terminated (a cut text is cut, never overflows). */
static void append(char *out, size_t capacity, size_t *at, const char *text)
{
    for (; *text != '\0' && *at + 1 < capacity; text++) {
        out[(*at)++] = *text;
    }
    out[*at] = '\0';
}

void vmdecl_mode_describe(vmdecl_mode_t requested, vmdecl_mode_t resolved, char *out,
                          size_t capacity)
{
    size_t at = 0;

    if (capacity == 0) {
        return;
    }
    out[0] = '\0';
    append(out, capacity, &at, vmdecl_mode_name(requested));
    if (resolved == requested) {
        return;
    }
    append(out, capacity, &at, " (");
    append(out, capacity, &at,
           resolved == VMDECL_MODE_AUTO ? "unavailable" : vmdecl_mode_name(resolved));
    append(out, capacity, &at, ")");
}
