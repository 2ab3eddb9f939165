/*
 * The line editor (editor.h). Every key works on the one line buffer; a line recalled from the
 * history is a copy, so editing it never changes the history.
 */
#include "editor.h"
#include "key.h"
#include <runtime/string.h>

void editor_init(editor_t *editor)
{
    memset(editor, 0, sizeof(*editor));
}

static void line_set(editor_t *editor, const char *text, size_t length)
{
    memcpy(editor->line, text, length);
    editor->line[length] = '\0';
    editor->length = length;
    editor->cursor = length;
    editor->overflow = false;
}

/* Ends the line: it goes to done, and a new empty line starts. */
static void line_finish(editor_t *editor)
{
    memcpy(editor->done, editor->line, editor->length + 1);
    line_set(editor, "", 0);
    editor->recalled = 0;
}

const char *editor_history(const editor_t *editor, unsigned n)
{
    if (n == 0 || n > editor->history_count) {
        return NULL;
    }
    return editor->history[(editor->history_next + EDITOR_HISTORY - n) % EDITOR_HISTORY];
}

/* Blank lines and a repeat of the last line are not kept. */
static void history_add(editor_t *editor, const char *line, size_t length)
{
    const char *last = editor_history(editor, 1);
    size_t i = 0;

    while (i < length && line[i] == ' ') {
        i++;
    }
    if (i == length || (last != NULL && strcmp(last, line) == 0)) {
        return;
    }
    memcpy(editor->history[editor->history_next], line, length + 1);
    editor->history_next = (editor->history_next + 1) % EDITOR_HISTORY;
    if (editor->history_count < EDITOR_HISTORY) {
        editor->history_count++;
    }
}

static editor_result_t history_move(editor_t *editor, bool older)
{
    if (older ? editor->recalled == editor->history_count : editor->recalled == 0) {
        return EDITOR_NONE;
    }
    if (older && editor->recalled == 0) {
        memcpy(editor->draft, editor->line, editor->length + 1);
        editor->draft_length = editor->length;
    }
    if (older) {
        editor->recalled++;
    } else {
        editor->recalled--;
    }
    if (editor->recalled == 0) {
        line_set(editor, editor->draft, editor->draft_length);
    } else {
        const char *line = editor_history(editor, editor->recalled);
        line_set(editor, line, strlen(line));
    }
    return EDITOR_CHANGED;
}

/* Removes the characters [from, to) of the line. */
static editor_result_t line_erase(editor_t *editor, size_t from, size_t to)
{
    if (from >= to) {
        return EDITOR_NONE;
    }
    memmove(editor->line + from, editor->line + to, editor->length - to + 1);
    editor->length -= to - from;
    if (editor->cursor >= to) {
        editor->cursor -= to - from;
    } else if (editor->cursor > from) {
        editor->cursor = from;
    }
    if (editor->length == 0) {
        editor->overflow = false; /* nothing left of what was cut: a fresh start */
    }
    return EDITOR_CHANGED;
}

static editor_result_t line_insert(editor_t *editor, char c)
{
    if (editor->length == EDITOR_LINE_MAX) {
        editor->overflow = true;
        return EDITOR_NONE;
    }
    memmove(editor->line + editor->cursor + 1, editor->line + editor->cursor,
            editor->length - editor->cursor + 1);
    editor->line[editor->cursor++] = c;
    editor->length++;
    return EDITOR_CHANGED;
}

static editor_result_t cursor_to(editor_t *editor, size_t position)
{
    if (position == editor->cursor) {
        return EDITOR_NONE;
    }
    editor->cursor = position;
    return EDITOR_CHANGED;
}

/* The start of the word before the cursor (spaces before it included). */
static size_t word_start(const editor_t *editor)
{
    size_t at = editor->cursor;

    while (at > 0 && editor->line[at - 1] == ' ') {
        at--;
    }
    while (at > 0 && editor->line[at - 1] != ' ') {
        at--;
    }
    return at;
}

static editor_result_t line_enter(editor_t *editor)
{
    bool overflow = editor->overflow;

    if (!overflow) {
        history_add(editor, editor->line, editor->length);
    }
    line_finish(editor);
    return overflow ? EDITOR_TOO_LONG : EDITOR_SUBMIT;
}

editor_result_t editor_key(editor_t *editor, int key)
{
    if (key_is_printable(key)) {
        return line_insert(editor, (char)key);
    }
    switch (key) {
    case KEY_ENTER:
        return line_enter(editor);
    case KEY_CANCEL:
        line_finish(editor);
        return EDITOR_CANCEL;
    case KEY_BACKSPACE:
        return editor->cursor > 0 ? line_erase(editor, editor->cursor - 1, editor->cursor)
                                  : EDITOR_NONE;
    case KEY_DELETE:
        return editor->cursor < editor->length
                       ? line_erase(editor, editor->cursor, editor->cursor + 1)
                       : EDITOR_NONE;
    case KEY_KILL_LINE:
        return line_erase(editor, 0, editor->cursor);
    case KEY_KILL_END:
        return line_erase(editor, editor->cursor, editor->length);
    case KEY_KILL_WORD:
        return line_erase(editor, word_start(editor), editor->cursor);
    case KEY_LEFT:
        return editor->cursor > 0 ? cursor_to(editor, editor->cursor - 1) : EDITOR_NONE;
    case KEY_RIGHT:
        return editor->cursor < editor->length ? cursor_to(editor, editor->cursor + 1)
                                               : EDITOR_NONE;
    case KEY_HOME:
        return cursor_to(editor, 0);
    case KEY_END:
        return cursor_to(editor, editor->length);
    case KEY_UP:
        return history_move(editor, true);
    case KEY_DOWN:
        return history_move(editor, false);
    default:
        return EDITOR_NONE;
    }
}

typedef struct {
    char *out;
    size_t capacity;
    size_t length;
} render_t;

static void render_char(render_t *render, char c)
{
    if (render->length + 1 < render->capacity) {
        render->out[render->length] = c;
    }
    render->length++;
}

static void render_number(render_t *render, size_t value)
{
    char digits[20];
    unsigned n = 0;

    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) {
        render_char(render, digits[--n]);
    }
}

size_t editor_render(const editor_t *editor, const char *prompt, char *out, size_t capacity)
{
    render_t render = {out, capacity, 0};
    size_t prompt_length = strlen(prompt);
    /* Characters of the line that fit beside the prompt, the cursor's column kept free. */
    size_t span = prompt_length + 10 < EDITOR_COLUMNS ? EDITOR_COLUMNS - prompt_length - 1 : 9;
    size_t start = 0;
    size_t end = editor->length;

    for (size_t i = 0; i < prompt_length; i++) {
        render_char(&render, prompt[i]);
    }
    if (editor->length > span) {
        start = editor->cursor >= span ? editor->cursor - span + 1 : 0;
        end = start + span < editor->length ? start + span : editor->length;
    }
    for (size_t i = start; i < end; i++) {
        char c = editor->line[i];
        if (i == start && start > 0) {
            c = '<';
        } else if (i + 1 == end && end < editor->length) {
            c = '>';
        }
        render_char(&render, c);
    }
    if (end > editor->cursor) {
        /* CSI n D: the cursor back to its place (the log service's VGA output skips it). */
        render_char(&render, '\x1b');
        render_char(&render, '[');
        render_number(&render, end - editor->cursor);
        render_char(&render, 'D');
    }
    if (capacity > 0) {
        out[render.length < capacity ? render.length : capacity - 1] = '\0';
    }
    return render.length < capacity ? render.length : (capacity > 0 ? capacity - 1 : 0);
}
