/*
 * The two name grammars: VM names (short, lowercase, DNS-label-like) and module names (what a
 * file may be called). Pure functions over (pointer, length).
 */
#include "internal.h"

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool vmdecl_vm_name_valid(const char *name, size_t length)
{
    if (length == 0 || length > VMDECL_NAME_MAX || !is_lower(name[0])) {
        return false;
    }
    for (size_t i = 1; i < length; i++) {
        if (!is_lower(name[i]) && !is_digit(name[i]) && name[i] != '-') {
            return false;
        }
    }
    return true;
}

bool vmdecl_module_name_valid(const char *name, size_t length)
{
    if (length == 0 || length > VMDECL_MODULE_NAME_MAX) {
        return false;
    }
    for (size_t i = 0; i < length; i++) {
        char c = name[i];
        if (!is_lower(c) && !is_digit(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '_' &&
            c != '-') {
            return false;
        }
    }
    return true;
}

bool vmdecl_names_equal(const char *a, const char *b)
{
    size_t i = 0;

    for (; a[i] != '\0' && a[i] == b[i]; i++) {
    }
    return a[i] == b[i];
}

size_t vmdecl_length(const char *text)
{
    size_t length = 0;

    while (text[length] != '\0') {
        length++;
    }
    return length;
}
