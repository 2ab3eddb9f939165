/*
 * Error reports in fixed buffers: the field at fault and one sentence. Values from the command
 * line are shortened and their unprintable bytes replaced, so a message is always one line.
 */
#include "internal.h"

#define VALUE_SHOWN 24 /* bytes of an offending value shown in a message */

typedef struct {
    char *buffer;
    size_t size; /* bytes, NUL included */
    size_t length;
} text_t;

static void text_add_bytes(text_t *text, const char *bytes, size_t length)
{
    for (size_t i = 0; i < length && text->length + 1 < text->size; i++) {
        char shown = '?';
        if (bytes[i] >= 0x20 && bytes[i] < 0x7f) {
            shown = bytes[i];
        }
        text->buffer[text->length++] = shown;
    }
    text->buffer[text->length] = '\0';
}

static void text_add(text_t *text, const char *string)
{
    text_add_bytes(text, string, vmdecl_length(string));
}

void vmdecl_copy(char *to, size_t size, const char *from, size_t length)
{
    size_t i = 0;

    for (; i < length && i + 1 < size; i++) {
        to[i] = from[i];
    }
    to[i] = '\0';
}

void vmdecl_error_clear(vmdecl_error_t *err)
{
    if (err != NULL) {
        err->code = VMDECL_OK;
        err->field[0] = '\0';
        err->position = 0;
        err->message[0] = '\0';
    }
}

static text_t start_message(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                            size_t field_length, size_t position)
{
    text_t text = {.buffer = err->message, .size = sizeof(err->message), .length = 0};

    err->code = code;
    err->position = position;
    vmdecl_copy(err->field, sizeof(err->field), field, field_length);
    err->message[0] = '\0';
    if (field_length > 0) {
        text_add_bytes(&text, field, field_length);
        text_add(&text, ": ");
    }
    return text;
}

vmdecl_status_t vmdecl_fail(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                            size_t field_length, size_t position, const char *sentence)
{
    if (err != NULL) {
        text_t text = start_message(err, code, field, field_length, position);
        text_add(&text, sentence);
    }
    return code;
}

vmdecl_status_t vmdecl_fail_value(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                                  size_t field_length, size_t position, const char *before,
                                  const char *value, size_t value_length, const char *after)
{
    if (err != NULL) {
        text_t text = start_message(err, code, field, field_length, position);
        text_add(&text, before);
        text_add_bytes(&text, value, value_length < VALUE_SHOWN ? value_length : VALUE_SHOWN);
        if (value_length > VALUE_SHOWN) {
            text_add(&text, "...");
        }
        text_add(&text, after);
    }
    return code;
}

vmdecl_status_t vmdecl_fail_parts(vmdecl_error_t *err, vmdecl_status_t code, const char *field,
                                  const char *const *parts, size_t count)
{
    if (err != NULL) {
        text_t text = start_message(err, code, field, vmdecl_length(field), 0);
        for (size_t i = 0; i < count; i++) {
            text_add(&text, parts[i]);
        }
    }
    return code;
}
