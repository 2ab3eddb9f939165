/*
 * The words of a module command line: the path, then key=value words with bare or quoted
 * values. Reads the string up to its NUL and no further; never interprets a value.
 */
#include "internal.h"

#define FIELD_PATH "path"

bool vmdecl_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_control(char c)
{
    return (unsigned char)c < 0x20 || c == 0x7f;
}

static void skip_spaces(vmdecl_cursor_t *cursor)
{
    while (vmdecl_is_space(cursor->text[cursor->at])) {
        cursor->at++;
    }
}

vmdecl_status_t vmdecl_read_path(vmdecl_cursor_t *cursor, size_t *start, size_t *length,
                                 vmdecl_error_t *err)
{
    skip_spaces(cursor);
    *start = cursor->at;
    if (cursor->text[cursor->at] == '\0') {
        return vmdecl_fail(err, VMDECL_ERR_EMPTY, FIELD_PATH, 4, *start, "empty command line");
    }
    for (char c; (c = cursor->text[cursor->at]) != '\0' && !vmdecl_is_space(c); cursor->at++) {
        if (c == '"') {
            return vmdecl_fail(err, VMDECL_ERR_SYNTAX, FIELD_PATH, 4, cursor->at,
                               "quote in the path");
        }
        if (is_control(c)) {
            return vmdecl_fail(err, VMDECL_ERR_VALUE, FIELD_PATH, 4, cursor->at,
                               "control character in the path");
        }
    }
    *length = cursor->at - *start;
    return VMDECL_OK;
}

static void value_add(vmdecl_word_t *word, char c)
{
    if (word->value_length < VMDECL_VALUE_MAX) {
        word->value[word->value_length] = c;
        word->value[word->value_length + 1] = '\0';
    }
    word->value_length++;
}

static vmdecl_status_t fail_word(vmdecl_error_t *err, vmdecl_status_t code,
                                 const vmdecl_word_t *word, size_t position, const char *text)
{
    return vmdecl_fail(err, code, word->key, word->key_length, position, text);
}

/* A quoted value; the cursor is on the opening quote. */
static vmdecl_status_t read_quoted(vmdecl_cursor_t *cursor, vmdecl_word_t *word,
                                   vmdecl_error_t *err)
{
    size_t opening = cursor->at++;

    for (;;) {
        char c = cursor->text[cursor->at];
        if (c == '\0') {
            return fail_word(err, VMDECL_ERR_UNTERMINATED, word, opening, "unterminated quote");
        }
        cursor->at++;
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            c = cursor->text[cursor->at];
            if (c != '"' && c != '\\') {
                return vmdecl_fail_value(err, VMDECL_ERR_ESCAPE, word->key, word->key_length,
                                         cursor->at - 1, "unknown escape '\\", &c,
                                         c == '\0' ? 0 : 1, "'");
            }
            cursor->at++;
        } else if (is_control(c)) {
            return fail_word(err, VMDECL_ERR_VALUE, word, cursor->at - 1, "control character");
        }
        value_add(word, c);
    }
    if (cursor->text[cursor->at] != '\0' && !vmdecl_is_space(cursor->text[cursor->at])) {
        return fail_word(err, VMDECL_ERR_SYNTAX, word, cursor->at, "text after the closing quote");
    }
    return VMDECL_OK;
}

static vmdecl_status_t read_bare(vmdecl_cursor_t *cursor, vmdecl_word_t *word, vmdecl_error_t *err)
{
    for (char c; (c = cursor->text[cursor->at]) != '\0' && !vmdecl_is_space(c); cursor->at++) {
        if (c == '"') {
            return fail_word(err, VMDECL_ERR_SYNTAX, word, cursor->at, "quote inside a value");
        }
        if (c == '\\') {
            return fail_word(err, VMDECL_ERR_SYNTAX, word, cursor->at, "backslash outside quotes");
        }
        if (is_control(c)) {
            return fail_word(err, VMDECL_ERR_VALUE, word, cursor->at, "control character");
        }
        value_add(word, c);
    }
    return VMDECL_OK;
}

vmdecl_status_t vmdecl_next_word(vmdecl_cursor_t *cursor, vmdecl_word_t *word, vmdecl_error_t *err)
{
    skip_spaces(cursor);
    word->position = cursor->at;
    word->key = cursor->text + cursor->at;
    word->key_length = 0;
    word->value[0] = '\0';
    word->value_length = 0;
    if (cursor->text[cursor->at] == '\0') {
        return VMDECL_ERR_EMPTY;
    }
    for (char c; (c = cursor->text[cursor->at]) != '=' && c != '"'; cursor->at++) {
        if (c == '\0' || vmdecl_is_space(c)) {
            return fail_word(err, VMDECL_ERR_SYNTAX, word, word->position, "expected key=value");
        }
        word->key_length++;
    }
    if (cursor->text[cursor->at] == '"' || word->key_length == 0) {
        return fail_word(err, VMDECL_ERR_SYNTAX, word, word->position, "expected key=value");
    }
    cursor->at++; /* the '=' */
    if (cursor->text[cursor->at] == '"') {
        return read_quoted(cursor, word, err);
    }
    return read_bare(cursor, word, err);
}
