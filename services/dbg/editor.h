/*
 * The shell's line editor: one line of at most EDITOR_LINE_MAX characters with a cursor, and a
 * history of the last EDITOR_HISTORY lines entered. It takes keys (key.h) and says what they did;
 * drawing is the caller's (editor_render gives the prompt line to show). Pure logic: no I/O.
 */
#ifndef DBG_EDITOR_H
#define DBG_EDITOR_H

#include <stdbool.h>
#include <stddef.h>

#define EDITOR_LINE_MAX 160
#define EDITOR_HISTORY  32
/* The prompt line fits this many terminal columns: a longer line shows a window around the
 * cursor, '<' and '>' marking the hidden parts (a wrapped prompt could not be erased). */
#define EDITOR_COLUMNS 79

typedef enum {
    EDITOR_NONE,     /* nothing changed (backspace at the start, up past the oldest line...) */
    EDITOR_CHANGED,  /* the line or the cursor changed: draw it again */
    EDITOR_SUBMIT,   /* enter: the line is in editor->done and in the history */
    EDITOR_CANCEL,   /* Ctrl-C: the abandoned line is in editor->done */
    EDITOR_TOO_LONG, /* enter on a line that overflowed: it is in editor->done (cut), not run */
} editor_result_t;

typedef struct editor {
    char line[EDITOR_LINE_MAX + 1]; /* NUL-terminated */
    size_t length;
    size_t cursor;                  /* 0..length */
    bool overflow;                  /* characters were refused: the line is not what was typed */
    char done[EDITOR_LINE_MAX + 1]; /* the line that enter or Ctrl-C ended */
    char history[EDITOR_HISTORY][EDITOR_LINE_MAX + 1];
    unsigned history_count; /* lines held (at most EDITOR_HISTORY) */
    unsigned history_next;  /* where the next line goes (a ring) */
    unsigned recalled;      /* 0: editing a new line; n: the n-th most recent line is shown */
    char draft[EDITOR_LINE_MAX + 1]; /* the new line, kept while the history is browsed */
    size_t draft_length;
} editor_t;

void editor_init(editor_t *editor);

/* Applies one key. After EDITOR_SUBMIT, EDITOR_CANCEL and EDITOR_TOO_LONG the editor holds a new,
 * empty line. */
editor_result_t editor_key(editor_t *editor, int key);

/* The n-th most recent line of the history (1: the last one), or NULL. */
const char *editor_history(const editor_t *editor, unsigned n);

/* The prompt line to show: prompt, the line (or the window of it around the cursor), and the
 * escape sequence that puts the terminal's cursor where the editor's is. Returns its length;
 * out (capacity bytes) is always NUL-terminated, cut if it must be. */
size_t editor_render(const editor_t *editor, const char *prompt, char *out, size_t capacity);

#endif
