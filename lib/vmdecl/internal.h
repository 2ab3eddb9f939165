/*
 * Private to lib/vmdecl: the word reader, error messages built in fixed buffers, and the value
 * checks of each key. Nothing here allocates or keeps state between calls.
 */
#ifndef VMDECL_INTERNAL_H
#define VMDECL_INTERNAL_H

#include <vmdecl/vmdecl.h>

/* The longest decoded value kept: a guest command line and one byte to see it is too long. */
#define VMDECL_VALUE_MAX (VMDECL_CMDLINE_MAX + 1)

/* message.c: error reports. err may be NULL; the result is always code. */
vmdecl_status_t vmdecl_fail(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                            size_t field_length, size_t position, const char *text);
/* "<field>: <before><value><after>", the value shortened and made printable. */
vmdecl_status_t vmdecl_fail_value(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                                  size_t field_length, size_t position, const char *before,
                                  const char *value, size_t value_length, const char *after);
/* "<field>: " then each of parts[0, count) appended, made printable. */
vmdecl_status_t vmdecl_fail_parts(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                                  const char *const *parts, size_t count);
void vmdecl_error_clear(vmdecl_error_t *err);
/* Copy a string of known length into a buffer of size bytes (NUL included); length < size. */
void vmdecl_copy(char *to, size_t size, const char *from, size_t length);

/* lexer.c: the words of a command line. */
typedef struct {
    const char *text;
    size_t at;
} vmdecl_cursor_t;

typedef struct {
    size_t position; /* of the word's first byte */
    const char *key;
    size_t key_length;
    char value[VMDECL_VALUE_MAX + 1]; /* decoded, NUL-terminated, at most VMDECL_VALUE_MAX */
    size_t value_length;              /* the decoded length, even past VMDECL_VALUE_MAX */
} vmdecl_word_t;

bool vmdecl_is_space(char c);
/* The path: the first word. VMDECL_ERR_EMPTY when there is none. */
vmdecl_status_t vmdecl_read_path(vmdecl_cursor_t *cursor, size_t *start, size_t *length,
                                 vmdecl_error_t *err);
/* The next key=value word: VMDECL_OK, VMDECL_ERR_EMPTY at the end, or an error. */
vmdecl_status_t vmdecl_next_word(vmdecl_cursor_t *cursor, vmdecl_word_t *word, vmdecl_error_t *err);

/* values.c: each key's value into the declaration; word->key names the field in messages. */
vmdecl_status_t vmdecl_value_vm(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_name(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_mode(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_memory(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_vcpus(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_cmdline(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_initrd(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_modules(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_autostart(const vmdecl_word_t *word, vmdecl_t *out,
                                       vmdecl_error_t *err);
/* A decimal number without sign or leading zero, below 10^19; false if it is none. */
bool vmdecl_read_decimal(const char *text, size_t length, uint64_t *value);
vmdecl_status_t vmdecl_value_disk(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);
vmdecl_status_t vmdecl_value_net(const vmdecl_word_t *word, vmdecl_t *out, vmdecl_error_t *err);

/* names.c: the two name grammars. */
bool vmdecl_vm_name_valid(const char *name, size_t length);
bool vmdecl_module_name_valid(const char *name, size_t length);
bool vmdecl_names_equal(const char *a, const char *b);
size_t vmdecl_length(const char *text);

#endif
